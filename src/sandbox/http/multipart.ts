// Streaming multipart/form-data for the upload endpoints (Corda's CPIs and certificates, the worker manager's
// configuration import): parts are hashed and spooled to temp files (or kept in memory when small) as they arrive,
// never buffering a whole request.
import {createHash, randomUUID} from 'node:crypto'
import {createWriteStream, rmSync} from 'node:fs'
import type {IncomingMessage} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import busboy from 'busboy'

export interface ReceivedFile {
  field: string
  filename: string
  /** Bytes received for this part (counted even past the limit). */
  size: number
  /** Upper-case hex SHA-256 of the content (meaningless if `overflow`). */
  sha256: string
  /** `spool: 'file'`: where the content is (the caller deletes it). */
  path?: string
  /** `spool: 'memory'`: the content. */
  buffer?: Buffer
}

export type MultipartResult =
  | {ok: true; fields: Record<string, string>; files: ReceivedFile[]; total: number}
  | {ok: false; reason: 'tooLarge'; total: number}
  | {ok: false; reason: 'notMultipart'; message: string}

export interface MultipartOptions {
  /** Whole-request limit (Corda's maxContentLength). */
  maxBytes: number
  /** 'file': spooled under os.tmpdir(); 'memory': buffered (small parts such as certificates). */
  spool: 'file' | 'memory'
}

/** Reads the whole request; past `maxBytes` it keeps draining (so the client can read the answer) but stores nothing. */
export async function receiveMultipart(req: IncomingMessage, options: MultipartOptions): Promise<MultipartResult> {
  const declared = Number(req.headers['content-length'])
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    req.resume()
    return {ok: false, reason: 'tooLarge', total: declared}
  }
  let parser: busboy.Busboy
  try {
    parser = busboy({headers: req.headers})
  } catch (error) {
    req.resume()
    return {ok: false, reason: 'notMultipart', message: (error as Error).message}
  }

  const fields: Record<string, string> = {}
  const files: ReceivedFile[] = []
  const pending: Array<Promise<void>> = []
  let total = 0
  let overflow = false
  const count = (n: number) => {
    total += n
    if (total > options.maxBytes) overflow = true
  }

  parser.on('field', (name, value) => {
    count(Buffer.byteLength(value))
    fields[name] = value
  })
  parser.on('file', (field, stream, info) => {
    const hash = createHash('sha256')
    const file: ReceivedFile = {field, filename: info.filename ?? '', size: 0, sha256: ''}
    files.push(file)
    const chunks: Buffer[] = []
    const out = options.spool === 'file' ? createWriteStream((file.path = join(tmpdir(), `workerctl-sandbox-${randomUUID()}.part`))) : undefined
    pending.push(
      new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => {
          file.size += chunk.length
          count(chunk.length)
          if (overflow) return // keep draining, store nothing
          hash.update(chunk)
          if (out) {
            if (!out.write(chunk)) {
              stream.pause()
              out.once('drain', () => stream.resume())
            }
          } else {
            chunks.push(chunk)
          }
        })
        stream.on('error', reject)
        stream.on('end', () => {
          file.sha256 = hash.digest('hex').toUpperCase()
          if (!out) {
            file.buffer = Buffer.concat(chunks)
            resolve()
            return
          }
          out.on('error', reject)
          out.end(() => resolve())
        })
      }),
    )
  })

  try {
    await new Promise<void>((resolve, reject) => {
      parser.on('close', resolve)
      parser.on('error', reject)
      req.on('error', reject)
      req.on('aborted', () => reject(new Error('request aborted')))
      req.pipe(parser)
    })
    await Promise.all(pending)
  } catch (error) {
    req.unpipe(parser)
    req.resume()
    removeFiles(files)
    // An aborted request ends the same way: nobody is left to read the answer.
    return {ok: false, reason: 'notMultipart', message: error instanceof Error ? error.message : String(error)}
  }
  if (overflow) {
    removeFiles(files)
    return {ok: false, reason: 'tooLarge', total}
  }
  return {ok: true, fields, files, total}
}

export function removeFiles(files: ReceivedFile[]): void {
  for (const file of files) {
    if (file.path) rmSync(file.path, {force: true})
  }
}

/** What the request log shows for a multipart body: fields as sent, files as {filename, size}. */
export function loggedMultipart(result: MultipartResult): Record<string, unknown> | undefined {
  if (!result.ok) return undefined
  const logged: Record<string, unknown> = {...result.fields}
  for (const file of result.files) logged[file.field] = {filename: file.filename, size: file.size}
  return logged
}
