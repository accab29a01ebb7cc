// Reading and parsing request bodies, and the forms the request log records.
import type {IncomingHttpHeaders, IncomingMessage} from 'node:http'
import type {Query} from './router.js'

/** Buffered bodies are capped; routes that take uploads read the stream themselves (`raw: true`). */
export const MAX_BODY_BYTES = 1024 * 1024

export class BodyTooLarge extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`request body of ${size} bytes exceeds ${limit}`)
  }
}

export class RequestAborted extends Error {}

/** Rejects with BodyTooLarge (the rest of the body is then discarded by Node) or RequestAborted. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return Promise.reject(new BodyTooLarge(declared, limit))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      req.off('data', onData)
      req.resume()
      reject(new BodyTooLarge(size, limit))
    }
    req.on('data', onData)
    req.once('end', () => resolve(Buffer.concat(chunks)))
    req.once('error', () => reject(new RequestAborted()))
    req.once('close', () => {
      if (!req.complete) reject(new RequestAborted())
    })
  })
}

export function mediaType(contentType: string | undefined): string | undefined {
  const media = contentType?.split(';')[0]?.trim().toLowerCase()
  return media || undefined
}

export const isJson = (media: string | undefined) => media === 'application/json' || (media?.endsWith('+json') ?? false)
export const isForm = (media: string | undefined) => media === 'application/x-www-form-urlencoded'

/** URL-encoded pairs (query or form): a repeated name becomes an array. */
export function parsePairs(text: string): Query {
  const out: Query = {}
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = out[name]
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  return out
}

export type Parsed = {ok: true; value: unknown} | {ok: false; reason: string}

/** The body a handler gets: JSON → value, form → fields, text → string, else the Buffer; undefined if empty. */
export function parseBody(body: Buffer, contentType: string | undefined, parseJson = true): Parsed {
  if (body.length === 0) return {ok: true, value: undefined}
  const media = mediaType(contentType)
  if (isJson(media) && parseJson) {
    try {
      return {ok: true, value: JSON.parse(body.toString('utf8'))}
    } catch (error) {
      return {ok: false, reason: (error as Error).message}
    }
  }
  if (isForm(media)) return {ok: true, value: parsePairs(body.toString('utf8'))}
  if (isJson(media) || media === undefined || media.startsWith('text/')) return {ok: true, value: body.toString('utf8')}
  return {ok: true, value: body}
}

export const REDACTED = '[redacted]'

/** Never log a password, wherever a field named so appears (form body or query). */
export function redactPassword(fields: Query): Query {
  return 'password' in fields ? {...fields, password: REDACTED} : fields
}

/** JSON fields whose values never reach the log (Corda's user create and password changes, OAuth token answers). */
const SECRET_JSON_FIELDS = new Set(['password', 'initialPassword', 'access_token', 'refresh_token'])

/** A copy of a parsed JSON value with every secret field, at any depth (wrapped bodies too), redacted. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson)
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value)) out[key] = SECRET_JSON_FIELDS.has(key) && field !== null ? REDACTED : redactJson(field)
  return out
}

/** The request body as the log records it. */
export function loggedBody(body: Buffer, contentType: string | undefined): unknown {
  if (body.length === 0) return undefined
  const text = body.toString('utf8')
  const media = mediaType(contentType)
  if (isForm(media)) return redactPassword(parsePairs(text))
  if (!isJson(media)) return text
  const parsed = jsonOrText(text)
  // Malformed JSON is logged as sent, minus anything that looks like a secret field's string value.
  return typeof parsed === 'string' ? parsed.replace(/("(?:initialPassword|password)"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${REDACTED}"`) : redactJson(parsed)
}

/** Parsed JSON if the text parses, else the text itself; undefined if empty. */
export function jsonOrText(text: string): unknown {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Lower-case names, repeated values joined; credentials reduced to their scheme when `redact` is set. */
export function flatHeaders(headers: IncomingHttpHeaders, redact = false): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const joined = Array.isArray(value) ? value.join(', ') : value
    out[name] = redact && (name === 'authorization' || name === 'proxy-authorization') ? redactCredentials(joined) : joined
  }
  return out
}

/** Keeps the scheme (`Basic`, `Bearer`) and nothing else; a value with no scheme is all secret. */
function redactCredentials(value: string): string {
  const scheme = /^([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1]
  return scheme ? `${scheme} ${REDACTED}` : REDACTED
}
