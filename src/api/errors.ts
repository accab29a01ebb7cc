import {STATUS_CODES} from 'node:http'

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
  details?: Record<string, unknown>
  code?: string
  hint?: string
}

export class ApiError extends Error {
  readonly service: ServiceName
  readonly kind: ApiErrorKind
  readonly method: string
  readonly url: string
  readonly status?: number
  readonly title: string
  readonly details?: Record<string, unknown>
  readonly code?: string
  readonly hint?: string

  constructor(init: ApiErrorInit) {
    super(`${SERVICE_LABEL[init.service]}: ${init.status ? `${init.status} ` : ''}${init.title}`)
    this.name = 'ApiError'
    this.service = init.service
    this.kind = init.kind
    this.method = init.method
    this.url = init.url
    this.status = init.status
    this.title = init.title
    this.details = init.details
    this.code = init.code
    this.hint = init.hint ?? defaultHint(init)
  }
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

/** Nothing answers to what the operator named (a vnode, a CPI): found out by looking, not a 404 of its own (exit 3). */
export class NotFoundError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message)
    this.name = 'NotFoundError'
  }
}

/** What the operator asked for exists already and differs from it: found by looking (exit 5). */
export class ConflictError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message)
    this.name = 'ConflictError'
  }
}

/** The file being sent could not be read to its end: a local failure, not the network's. */
export class FileSendError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`cannot send ${path}: ${reason}`)
    this.name = 'FileSendError'
  }
}

/** Input a client refused before sending anything (an invalid X.500 name, a file that is not a CPI, an
 * operation the cluster's API version lacks): bad usage to the operator, whichever client found it. */
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
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
  const {title, details} = messageFromJson(parsed)
  return new ApiError({...base, title: title ? oneLine(title) : statusText(res.status), details})
}
