import {STATUS_CODES} from 'node:http'
import {Exit, type ExitCode, WorkerctlError} from '../errors.js'

// One error type for every failure of every service, whatever shape its body had (PRODUCT.md §8).
export type ServiceName = 'corda' | 'workerManager' | 'jobService'

export const SERVICE_LABEL: Record<ServiceName, string> = {
  corda: 'Corda',
  workerManager: 'REGARDS worker manager',
  jobService: 'Job Service',
}

/**
 * http: the server answered with an error status; network: no answer (refused, reset, DNS);
 * tls: the TLS handshake failed; timeout: no answer before the deadline;
 * protocol: an answer that is not what the service sends (HTML, truncated JSON, a redirect).
 */
export type ApiErrorKind = 'http' | 'network' | 'tls' | 'timeout' | 'protocol'

export interface ApiErrorInit {
  service: ServiceName
  kind: ApiErrorKind
  method: string
  url: string
  status?: number
  /** The server's own message (Corda `title`, REGARDS `messages`, Job Service `message`), or ours for non-HTTP failures. */
  title: string
  /** The message whole, when `title` had to be cut to fit an error line. */
  fullTitle?: string
  details?: Record<string, unknown>
  code?: string
  hint?: string
}

export class ApiError extends WorkerctlError {
  readonly service: ServiceName
  readonly kind: ApiErrorKind
  readonly method: string
  readonly url: string
  readonly status?: number
  readonly title: string
  /** The server's message whole (`title` is cut to fit an error line). */
  readonly fullTitle: string
  readonly details?: Record<string, unknown>
  readonly code?: string

  constructor(init: ApiErrorInit) {
    super(`${SERVICE_LABEL[init.service]}: ${init.status ? `${init.status} ` : ''}${init.title}`, exitCodeOf(init), init.hint ?? defaultHint(init))
    this.service = init.service
    this.kind = init.kind
    this.method = init.method
    this.url = init.url
    this.status = init.status
    this.title = init.title
    this.fullTitle = init.fullTitle ?? init.title
    this.details = init.details
    this.code = init.code
  }

  /** The same error with a better hint (and title), from a caller that knows what it means. */
  withHint(hint: string, title = this.title): ApiError {
    return new ApiError({
      service: this.service,
      kind: this.kind,
      method: this.method,
      url: this.url,
      status: this.status,
      title,
      fullTitle: title === this.title ? this.fullTitle : title,
      details: this.details,
      code: this.code,
      hint,
    })
  }
}

/** Anything but an HTTP error status means the service was never reached as configured (exit 6). */
function exitCodeOf(init: ApiErrorInit): ExitCode {
  if (init.kind !== 'http') return Exit.UNREACHABLE
  const status = init.status ?? 0
  if (status === 401 || status === 403) return Exit.AUTH
  if (status === 404) return Exit.NOT_FOUND
  if (status === 405 || status === 409) return Exit.CONFLICT
  if (status === 502 || status === 503 || status === 504) return Exit.UNREACHABLE
  if (status === 400 || status === 413 || status === 422) return Exit.USAGE
  return Exit.UNEXPECTED
}

/** What an operator can do about the usual failures; callers with better knowledge pass their own hint. */
function defaultHint(init: ApiErrorInit): string | undefined {
  if (init.status === 401) return `check the ${SERVICE_LABEL[init.service]} credentials: run \`workerctl login\`, or set the password environment variable`
  if (init.status === 403) return 'the user is authenticated but lacks the permission for this operation'
  if (init.kind === 'tls') return 'pass --ca-cert FILE with the CA that signed the server certificate (or --insecure to skip verification, not for production)'
  if (init.kind === 'network' || init.kind === 'timeout') return 'check the URL in the context (`workerctl context show`) and that the service is running'
  return undefined
}

export function statusText(status: number): string {
  return STATUS_CODES[status] ?? 'HTTP error'
}

/** An HTTP answer with this status (and, if given, a title matching it). */
export const isStatus = (error: unknown, status: number, title?: RegExp): boolean =>
  error instanceof ApiError && error.kind === 'http' && error.status === status && (!title || title.test(error.title))

/** The service could not be reached or was unavailable (after the transport's retries): says nothing about the request. */
export const isOutage = (error: unknown): boolean =>
  error instanceof ApiError && (error.kind === 'network' || (error.kind === 'http' && [502, 503, 504].includes(error.status ?? 0)))

const MAX_TITLE = 300

/** Whitespace (newlines too) collapsed, and cut to a length an error line can carry. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line
}

export function looksLikeHtml(contentType: string | undefined, text: string): boolean {
  return /html/i.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)/i.test(text)
}

export function htmlTitle(text: string): string | undefined {
  const match = /<title[^>]*>([^<]*)<\/title>/i.exec(text)
  return match?.[1] ? oneLine(match[1]) : undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The message a service put in its error body, for each shape the three services (and Spring, and proxies) use. */
function messageFromJson(body: unknown): {title?: string; details?: Record<string, unknown>} {
  if (typeof body === 'string') return {title: body}
  if (!isRecord(body)) return {}
  // Corda: {title, status, details}
  if (typeof body.title === 'string') return {title: body.title, details: isRecord(body.details) ? body.details : undefined}
  // REGARDS: {messages: [...]}
  if (Array.isArray(body.messages)) return {title: body.messages.map(String).join('; ')}
  // Job Service {message} / {code, message}; Spring's {timestamp,status,error,message,path}
  if (typeof body.message === 'string' && body.message !== '') return {title: body.message}
  if (typeof body.error === 'string') {
    const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : ''
    return {title: `${body.error}${description}`}
  }
  return {}
}

export interface RawResponse {
  status: number
  contentType?: string
  text: string
}

/** Builds the ApiError for a response with an error status, whatever its body looks like. */
export function errorFromResponse(service: ServiceName, method: string, url: string, res: RawResponse): ApiError {
  const base = {service, kind: 'http' as const, method, url, status: res.status}
  const text = res.text
  if (text.trim() === '') return new ApiError({...base, title: statusText(res.status)})
  if (looksLikeHtml(res.contentType, text)) {
    const title = htmlTitle(text)
    return new ApiError({
      ...base,
      title: `${statusText(res.status)} (an HTML page${title ? ` titled "${title}"` : ''}, probably from a proxy in front of the service)`,
    })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    if (/json/i.test(res.contentType ?? '') || /^\s*[[{]/.test(text)) {
      return new ApiError({...base, title: `${statusText(res.status)} (the error body is truncated or malformed JSON, ${Buffer.byteLength(text)} bytes)`})
    }
    return new ApiError({...base, title: oneLine(text)})
  }
  const message = messageFromJson(parsed)
  const title = message.title !== undefined && service === 'jobService' ? databaseMessage(message.title) : message.title
  return new ApiError({...base, title: title ? oneLine(title) : statusText(res.status), fullTitle: title?.replace(/\s+/g, ' ').trim(), details: message.details})
}

/**
 * The Job Service passes PostgreSQL's messages through: `ERROR: job_id {x} not found` and then a `Where: PL/pgSQL
 * function …` context. The operator needs the sentence, not the stored procedure's line number.
 */
function databaseMessage(text: string): string {
  return text.replace(/^ERROR:\s+/, '').replace(/\n\s*(Where|Detail|Hint|Position|Context):[\s\S]*$/, '')
}
