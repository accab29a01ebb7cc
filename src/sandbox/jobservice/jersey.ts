// What Jersey does before a Job Service resource method runs: match @Produces/@Consumes, convert @QueryParam values.
// Its failures are WebApplicationExceptions without an entity; the service's ApiExceptionMapper<Exception> is the
// closest mapper for them (closer than Dropwizard's LoggingExceptionMapper<Throwable>), and maps anything that is not
// one of its own exceptions to 500 `{message}` with the exception's message, e.g. "HTTP 404 Not Found".
import {jobServiceError} from '../http/errors.js'
import type {Query, SandboxRequest, SandboxResponse} from '../http/router.js'

const REASONS: Record<number, string> = {404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 415: 'Unsupported Media Type'}

/** A Jersey WebApplicationException as the service answers it: 500 `{"message": "HTTP 404 Not Found"}`. */
export function jerseyError(status: 404 | 405 | 406 | 415): SandboxResponse {
  return jobServiceError(500, `HTTP ${status} ${REASONS[status]}`)
}

/**
 * Every operation @Produces application/json (the swagger's global `produces`): an Accept header that admits no JSON
 * fails method selection with NotAcceptableException (406).
 */
export function acceptsJson(req: SandboxRequest): boolean {
  const accept = req.headers.accept
  if (accept === undefined || accept.trim() === '') return true
  return accept.split(',').some(range => {
    const [type = '', ...params] = range.split(';').map(s => s.trim().toLowerCase())
    const q = params.find(p => p.startsWith('q='))
    if (q !== undefined && Number(q.slice(2)) === 0) return false
    return type === '*/*' || type === 'application/*' || type === 'application/json'
  })
}

/** The media type of the request (lower case, no parameters), or undefined. */
export function mediaTypeOf(req: SandboxRequest): string | undefined {
  const media = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
  return media || undefined
}

/** What @Consumes application/json (the operations with a body) accepts: JSON, or no Content-Type at all. */
export function consumable(media: string | undefined): boolean {
  return media === undefined || media === 'application/json' || media.endsWith('+json')
}

/** The first value of a query parameter (JAX-RS @QueryParam takes the first). */
export function one(q: Query, name: string): string | undefined {
  const v = q[name]
  return Array.isArray(v) ? v[0] : v
}

/**
 * An `Integer` @QueryParam: undefined when absent or empty; null when Integer.valueOf refuses it (Jersey then throws a
 * ParamException, which is a 404 WebApplicationException).
 */
export function integerParam(q: Query, name: string): number | undefined | null {
  const v = one(q, name)
  if (v === undefined || v.trim() === '') return undefined
  if (!/^[+-]?\d+$/.test(v.trim())) return null
  const n = Number(v.trim())
  return n > 2147483647 || n < -2147483648 ? null : n
}
