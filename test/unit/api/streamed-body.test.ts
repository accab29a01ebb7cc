// Streamed request bodies (CPI uploads) over a real socket: the reused read buffers must never put a byte out of
// place, an early answer must win over the write it interrupts, and local, deadline and Ctrl-C failures must each
// read as what they are.
import {createHash, randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, describe, expect, it} from 'vitest'
import {ApiError} from '../../../src/api/errors.js'
import {HttpTransport, type TransportOptions} from '../../../src/api/http.js'
import {multipartBody} from '../../../src/api/multipart.js'
import {FileSendError} from '../../../src/errors.js'

const dir = mkdtempSync(join(tmpdir(), 'workerctl-streamed-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** A file of `size` random bytes: several chunks and a ragged end, so both buffers are reused more than once. */
function file(size = 5 * 2 ** 20 + 12_345): {path: string; bytes: Buffer} {
  const bytes = randomBytes(size)
  const path = join(dir, `f-${randomBytes(4).toString('hex')}.bin`)
  writeFileSync(path, bytes)
  return {path, bytes}
}

interface Received {
  headers: IncomingMessage['headers']
  body: Buffer
}

let closeServer: (() => void) | undefined
afterEach(() => closeServer?.())

/** A local server; `answer` gets each request (the body not yet read) and answers it. */
async function serve(answer: (req: IncomingMessage, res: ServerResponse, n: number) => unknown): Promise<string> {
  let n = 0
  const server = createServer((req, res) => void Promise.resolve(answer(req, res, ++n)).catch((error: Error) => res.destroy(error)))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  closeServer = () => {
    server.closeAllConnections()
    server.close()
  }
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const readAll = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject)
  })

const transport = (url: string, extra: Partial<TransportOptions> = {}) => new HttpTransport({service: 'corda', url, retry: {attempts: 1, baseDelayMs: 1, maxDelayMs: 1}, ...extra})

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** The one file part's bytes, cut out of a multipart body by its boundary. */
function filePart(received: Received): Buffer {
  const boundary = /boundary=(.+)$/.exec(String(received.headers['content-type']))![1]!
  const start = received.body.indexOf('\r\n\r\n') + 4
  const end = received.body.lastIndexOf(Buffer.from(`\r\n--${boundary}--\r\n`))
  return received.body.subarray(start, end)
}

describe('streamed request bodies', () => {
  it('arrive byte for byte, with the declared Content-Length, each chunk shown once in order', async () => {
    const f = file()
    const got: Received[] = []
    const url = await serve(async (req, res) => {
      got.push({headers: req.headers, body: await readAll(req)})
      res.setHeader('Content-Type', 'application/json').end('{"id":"u1"}')
    })
    const offsets: number[] = []
    let seen = 0
    const {body, contentType} = multipartBody([
      {
        name: 'upload',
        filename: 'f.cpi',
        file: {
          path: f.path,
          size: f.bytes.length,
          onChunk: (chunk, offset) => {
            offsets.push(offset)
            expect(offset).toBe(seen)
            seen += chunk.length
          },
        },
      },
    ])
    const t = transport(url)
    try {
      await expect(t.post(`/cpi`, {body, contentType})).resolves.toEqual({id: 'u1'})
    } finally {
      t.close()
    }
    expect(got).toHaveLength(1)
    expect(Number(got[0]!.headers['content-length'])).toBe(got[0]!.body.length)
    expect(body.length).toBe(got[0]!.body.length)
    expect(sha(filePart(got[0]!))).toBe(sha(f.bytes))
    expect(seen).toBe(f.bytes.length)
    expect(offsets.length).toBeGreaterThan(2) // the two buffers were each reused
  })

  it('are sent again in full after a 401 renewal, the offsets starting again at 0', async () => {
    const f = file(3 * 2 ** 20 + 7)
    const got: Received[] = []
    const url = await serve(async (req, res, n) => {
      got.push({headers: req.headers, body: await readAll(req)})
      if (n === 1) res.writeHead(401, {'Content-Type': 'application/json'}).end('{"title":"expired","status":401,"details":{}}')
      else res.setHeader('Content-Type', 'application/json').end('{"id":"u2"}')
    })
    const starts: number[] = []
    const {body, contentType} = multipartBody([
      {
        name: 'upload',
        filename: 'f.cpi',
        file: {
          path: f.path,
          size: f.bytes.length,
          onChunk: (_c, offset) => {
            if (offset === 0) starts.push(offset)
          },
        },
      },
    ])
    let token = 0
    const t = transport(url, {auth: {headers: async () => ({Authorization: `Bearer t${token}`}), renew: async () => (++token, true)}})
    try {
      await expect(t.post('/cpi', {body, contentType, idempotent: false})).resolves.toEqual({id: 'u2'})
    } finally {
      t.close()
    }
    expect(got.map(g => g.headers.authorization)).toEqual(['Bearer t0', 'Bearer t1'])
    expect(sha(filePart(got[1]!))).toBe(sha(f.bytes))
    expect(starts).toHaveLength(2)
  })

  it('stop when the server answers before reading them, and that answer is the result', async () => {
    const f = file(40 * 2 ** 20)
    const url = await serve((req, res) => {
      // Refused on the declared size alone, as Corda does past maxContentLength; the connection then closes.
      res.writeHead(400, {'Content-Type': 'application/json', Connection: 'close'})
      res.end(JSON.stringify({title: `Content length is ${req.headers['content-length']} which exceeds the maximum limit of 1000.`, status: 400, details: {}}))
      req.socket.end()
    })
    let sent = 0
    const {body, contentType} = multipartBody([{name: 'upload', filename: 'f.cpi', file: {path: f.path, size: f.bytes.length, onChunk: c => (sent += c.length)}}])
    const t = transport(url)
    try {
      const error = (await t.post('/cpi', {body, contentType, idempotent: false}).catch((e: unknown) => e)) as ApiError
      expect(error).toBeInstanceOf(ApiError)
      expect(error.status).toBe(400)
      expect(error.title).toMatch(/exceeds the maximum limit/)
    } finally {
      t.close()
    }
    expect(sent).toBeLessThan(f.bytes.length) // the writing stopped
  })

  it('fail as a local error, not a network one, when the file gets shorter on the way', async () => {
    const f = file(4 * 2 ** 20)
    const url = await serve(async (req, res) => {
      await readAll(req).catch(() => undefined)
      res.end('{}')
    })
    const {body, contentType} = multipartBody([
      {
        name: 'upload',
        filename: 'f.cpi',
        file: {
          path: f.path,
          size: f.bytes.length,
          onChunk: (_c, offset) => {
            if (offset === 0) truncateSync(f.path, 2 ** 20 + 10)
          },
        },
      },
    ])
    const t = transport(url)
    try {
      const error = await t.post('/cpi', {body, contentType, idempotent: false}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(FileSendError)
      expect((error as Error).message).toBe(`cannot send ${f.path}: it got shorter after the upload started`)
    } finally {
      t.close()
    }
  })

  it('end at the command deadline with a timeout when the server stops reading', async () => {
    const f = file(64 * 2 ** 20)
    const url = await serve(req => req.pause()) // reads nothing, answers nothing: the socket fills up
    const {body, contentType} = multipartBody([{name: 'upload', filename: 'f.cpi', file: {path: f.path, size: f.bytes.length}}])
    const t = transport(url, {deadline: Date.now() + 400})
    try {
      await expect(t.post('/cpi', {body, contentType, idempotent: false})).rejects.toMatchObject({kind: 'timeout', code: 'ETIMEDOUT'})
    } finally {
      t.close()
    }
  })

  it('end with the signal’s reason on Ctrl-C', async () => {
    const f = file(64 * 2 ** 20)
    const url = await serve(req => req.pause())
    const controller = new AbortController()
    const reason = new Error('interrupted')
    setTimeout(() => controller.abort(reason), 150)
    const {body, contentType} = multipartBody([{name: 'upload', filename: 'f.cpi', file: {path: f.path, size: f.bytes.length}}])
    const t = transport(url, {signal: controller.signal})
    try {
      await expect(t.post('/cpi', {body, contentType, idempotent: false})).rejects.toBe(reason)
    } finally {
      t.close()
    }
  })
})
