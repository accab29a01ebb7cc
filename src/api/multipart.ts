// multipart/form-data bodies built as streams, so a 200 MB CPI is never held in memory.
import {randomBytes} from 'node:crypto'
import {Readable} from 'node:stream'

export type MultipartPart =
  | {name: string; value: string}
  | {name: string; filename: string; contentType?: string; data: Buffer | NodeJS.ReadableStream | Readable; size?: number}

export interface MultipartBody {
  body: Readable
  contentType: string
  /** Known when every file part has a size (or is a Buffer). */
  length?: number
}

const quote = (text: string) => text.replace(/["\r\n\\]/g, c => encodeURIComponent(c))

export function multipartBody(parts: MultipartPart[], onBytes?: (sent: number) => void): MultipartBody {
  const boundary = `----workerctl${randomBytes(12).toString('hex')}`
  const heads = parts.map(part => {
    const disposition = `Content-Disposition: form-data; name="${quote(part.name)}"${'filename' in part ? `; filename="${quote(part.filename)}"` : ''}`
    const type = 'filename' in part ? `\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}` : ''
    return Buffer.from(`--${boundary}\r\n${disposition}${type}\r\n\r\n`)
  })
  const tail = Buffer.from(`--${boundary}--\r\n`)
  let length: number | undefined = tail.length
  parts.forEach((part, i) => {
    const size = 'value' in part ? Buffer.byteLength(part.value) : Buffer.isBuffer(part.data) ? part.data.length : part.size
    length = length === undefined || size === undefined ? undefined : length + heads[i]!.length + size + 2
  })
  async function* generate(): AsyncGenerator<Buffer> {
    let sent = 0
    for (const [i, part] of parts.entries()) {
      yield heads[i]!
      if ('value' in part) yield Buffer.from(part.value)
      else if (Buffer.isBuffer(part.data)) {
        yield part.data
        onBytes?.((sent += part.data.length))
      } else {
        for await (const chunk of part.data as AsyncIterable<Buffer | string>) {
          const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
          yield buf
          onBytes?.((sent += buf.length))
        }
      }
      yield Buffer.from('\r\n')
    }
    yield tail
  }
  return {body: Readable.from(generate(), {objectMode: false}), contentType: `multipart/form-data; boundary=${boundary}`, length}
}

/** The whole body in memory, for small parts (certificates): safe to send again on a retry. */
export async function multipartBuffer(parts: MultipartPart[]): Promise<{body: Buffer; contentType: string}> {
  const {body, contentType} = multipartBody(parts)
  const chunks: Buffer[] = []
  for await (const chunk of body) chunks.push(chunk as Buffer)
  return {body: Buffer.concat(chunks), contentType}
}
