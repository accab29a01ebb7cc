// The one HTTP transport every service client uses: auth, TLS, deadline, retries, tracing and error normalisation.
// axios is imported on the first request, so commands that never talk to a service never load it. Streamed bodies
// (CPI uploads) are written by Node's http client directly, chunk by chunk, so each buffer is reused once the socket
// has taken it: axios pipes a stream with no word of when a chunk is gone, which costs a fresh buffer per chunk.
import {Agent as HttpAgent, type IncomingHttpHeaders, request as httpRequest} from 'node:http'
import {Agent as HttpsAgent, request as httpsRequest} from 'node:https'
import {rootCertificates} from 'node:tls'
import type {AxiosInstance} from 'axios'
import {FileSendError} from '../errors.js'
import {ApiError, errorFromResponse, htmlTitle, looksLikeHtml, oneLine, SERVICE_LABEL, type ServiceName, statusText} from './errors.js'
import {sleep} from './wait.js'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD'
export type QueryValue = string | number | boolean | undefined | null | Array<string | number | boolean>

/** How a service authenticates a request; `renew` is called once after a 401 and says whether to try again. */
export interface Auth {
  headers(): Promise<Record<string, string>>
  renew?(): Promise<boolean>
}

export interface RetryPolicy {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export interface TransportOptions {
  service: ServiceName
  /** Scheme, host and port (and any gateway prefix): clients add their own API paths. */
  url: string
  /** PEM text of an extra CA, trusted in addition to Node's default roots. */
  caCert?: string
  insecure?: boolean
  auth?: Auth
  /** Headers computed per request (e.g. a fresh correlation id). */
  requestHeaders?: () => Record<string, string>
  /** Aborts every request at once (the command's deadline, Ctrl-C). */
  signal?: AbortSignal
  /** Epoch ms by which every request must have finished: the command's --timeout. */
  deadline?: number
  trace?: (line: string) => void
  retry?: Partial<RetryPolicy>
  userAgent?: string
}

/**
 * A request body written straight to the socket. `write` resolves once the socket has taken the chunk, so its buffer
 * may be reused. `writeTo` may be called again (a 401 renewal sends the request again), and writes the whole body
 * each time; it stops early when `signal` aborts (the server answered before reading it all).
 */
export interface StreamedBody {
  readonly length: number
  writeTo(write: (chunk: Buffer) => Promise<void>, signal: AbortSignal): Promise<void>
}

export const isStreamedBody = (body: unknown): body is StreamedBody =>
  typeof body === 'object' && body !== null && typeof (body as StreamedBody).writeTo === 'function' && typeof (body as StreamedBody).length === 'number'

/** A response as the transport reads it, whichever client sent the request: lower-case headers, the body as text. */
interface RawResponse {
  status: number
  headers: Record<string, string>
  text: string
}

export interface HttpRequest {
  method: Method
  /** Path below the transport's url (leading slash), or an absolute URL. Sent as given: `jobs:cancel` keeps its colon. */
  path: string
  query?: Record<string, QueryValue>
  json?: unknown
  form?: Record<string, string>
  /** A raw body (Buffer, string or StreamedBody) sent with `contentType`. */
  body?: unknown
  contentType?: string
  headers?: Record<string, string>
  /** Whether the request may be sent again after a connection error or 502/503/504; defaults by method. */
  idempotent?: boolean
  /** json (default): parse the body; text: endpoints that answer raw text. */
  responseType?: 'json' | 'text'
  /** false for endpoints that need no credentials (Corda's swagger.json, the token endpoint). */
  authenticate?: boolean
  /** Statuses the caller handles itself instead of getting an ApiError (e.g. 404 while probing). */
  accept?: number[]
  /** A GET whose 200 may have no body (otherwise an empty answer to a GET is a protocol error). */
  allowEmpty?: boolean
}

export interface HttpResponse<T> {
  status: number
  headers: Record<string, string>
  data: T
  /** How many times the request was sent: above 1, an earlier send may have been done although its answer was lost. */
  attempts: number
}

const DEFAULT_RETRY: RetryPolicy = {attempts: 4, baseDelayMs: 250, maxDelayMs: 4000}
const RETRY_STATUSES = new Set([502, 503, 504])
const RETRY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_SOCKET_CONNECTION_TIMEOUT'])
const IDEMPOTENT_METHODS = new Set<Method>(['GET', 'HEAD', 'PUT', 'DELETE'])
const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|EPROTO|HOSTNAME_MISMATCH)/
const SECRET_PARAM = /pass|token|secret|key|credential/i

let axiosModule: Promise<typeof import('axios')> | undefined
// Through require: axios's CommonJS build loads in about two thirds of the time its ES module graph takes.
const loadAxios = () =>
  (axiosModule ??= import('node:module').then(
    ({createRequire}) => ({default: createRequire(import.meta.url)('axios') as typeof import('axios').default}) as typeof import('axios'),
  ))

/** The command's deadline passed before the answer: toApiError reports it as a timeout (exit 6). */
const deadlineReached = () => Object.assign(new Error('deadline reached'), {code: 'ETIMEDOUT', deadline: true})

/** The URL as it may be shown: query values that look secret are replaced. */
export function displayUrl(url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const params = new URLSearchParams(url.slice(q + 1))
  for (const key of new Set(params.keys())) if (SECRET_PARAM.test(key)) params.set(key, '[redacted]')
  return `${url.slice(0, q)}?${params.toString()}`
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

function headerMap(headers: Record<string, unknown> | IncomingHttpHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v)
  return out
}

export class HttpTransport {
  private client?: AxiosInstance
  private readonly httpAgent = new HttpAgent({keepAlive: true})
  private readonly httpsAgent: HttpsAgent
  private readonly retry: RetryPolicy
  private auth?: Auth
  readonly url: string

  constructor(private readonly options: TransportOptions) {
    this.url = options.url.replace(/\/+$/, '')
    this.retry = {...DEFAULT_RETRY, ...options.retry}
    this.auth = options.auth
    this.httpsAgent = new HttpsAgent({
      keepAlive: true,
      rejectUnauthorized: !options.insecure,
      ca: options.caCert ? [...rootCertificates, options.caCert] : undefined,
    })
  }

  get service(): ServiceName {
    return this.options.service
  }

  /** Sets how requests authenticate; for schemes (OAuth) whose token requests go through this same transport. */
  authenticateWith(auth: Auth | undefined): void {
    this.auth = auth
  }

  /** Loads the HTTP library now, so a first request's timing measures the network, not module loading. */
  async prepare(): Promise<void> {
    await this.axios()
  }

  /** Releases kept-alive sockets so the process can end. */
  close(): void {
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }

  async get<T>(path: string, req: Omit<HttpRequest, 'method' | 'path'> = {}): Promise<T> {
    return (await this.request<T>({...req, method: 'GET', path})).data
  }

  async post<T>(path: string, req: Omit<HttpRequest, 'method' | 'path'> = {}): Promise<T> {
    return (await this.request<T>({...req, method: 'POST', path})).data
  }

  async put<T>(path: string, req: Omit<HttpRequest, 'method' | 'path'> = {}): Promise<T> {
    return (await this.request<T>({...req, method: 'PUT', path})).data
  }

  async delete<T>(path: string, req: Omit<HttpRequest, 'method' | 'path'> = {}): Promise<T> {
    return (await this.request<T>({...req, method: 'DELETE', path})).data
  }

  async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = (/^https?:\/\//.test(req.path) ? req.path : `${this.url}${req.path}`) + buildQuery(req.query)
    const shown = displayUrl(url)
    const idempotent = req.idempotent ?? IDEMPOTENT_METHODS.has(req.method)
    let renewed = false
    for (let attempt = 1; ; attempt++) {
      const started = Date.now()
      let res: RawResponse
      try {
        res = await this.send(req, url, shown)
      } catch (error) {
        const err = this.toApiError(error, req.method, shown)
        this.trace(`← ${err.code ?? err.kind} (${Date.now() - started} ms)`)
        if (idempotent && err.code && RETRY_CODES.has(err.code) && (await this.backoff(attempt, err.code))) continue
        throw err
      }
      this.trace(`← ${res.status} ${statusText(res.status)} (${Date.now() - started} ms)`)
      const {text} = res
      const contentType = res.headers['content-type'] ?? ''
      if (res.status === 401 && req.authenticate !== false && !renewed && this.auth?.renew) {
        renewed = true
        if (await this.auth.renew()) continue
      }
      if (req.accept?.includes(res.status))
        return {status: res.status, headers: res.headers, data: this.parse<T>(req, res.status, contentType, text, shown, true), attempts: attempt}
      if (idempotent && RETRY_STATUSES.has(res.status) && (await this.backoff(attempt, String(res.status)))) continue
      if (res.status >= 300 && res.status < 400) {
        throw new ApiError({
          service: this.service,
          kind: 'protocol',
          method: req.method,
          url: shown,
          status: res.status,
          title: `redirected to ${res.headers.location ?? 'another location'}`,
          hint: 'set the service URL in the context to the address the server redirects to',
        })
      }
      if (res.status >= 400) throw errorFromResponse(this.service, req.method, shown, {status: res.status, contentType, text})
      return {status: res.status, headers: res.headers, data: this.parse<T>(req, res.status, contentType, text, shown, false), attempts: attempt}
    }
  }

  private async send(req: HttpRequest, url: string, shown: string): Promise<RawResponse> {
    const streamed = isStreamedBody(req.body) ? req.body : undefined
    const client = streamed ? undefined : await this.axios()
    const headers: Record<string, string> = {Accept: 'application/json', ...this.options.requestHeaders?.(), ...req.headers}
    if (req.authenticate !== false && this.auth) Object.assign(headers, await this.auth.headers())
    // Measured only now: loading axios and getting a token take time, and a request timeout computed before them would
    // outlive the command's deadline, so a stalled server would meet the command's backstop (exit 7) instead (exit 6).
    const remaining = this.options.deadline === undefined ? undefined : this.options.deadline - Date.now()
    if (remaining !== undefined && remaining <= 0) throw deadlineReached()
    let data: unknown
    if (req.json !== undefined) {
      data = JSON.stringify(req.json)
      headers['Content-Type'] = 'application/json'
    } else if (req.form) {
      data = new URLSearchParams(req.form).toString()
      headers['Content-Type'] = 'application/x-www-form-urlencoded'
    } else if (req.body !== undefined) {
      data = req.body
      if (req.contentType) headers['Content-Type'] = req.contentType
    }
    if (streamed) headers['Content-Length'] = String(streamed.length)
    this.trace(`→ ${req.method} ${shown}`)
    for (const [name, value] of Object.entries(headers)) {
      if (name === 'Accept' || name === 'User-Agent') continue
      this.trace(`  ${name}: ${/authorization|token|cookie|secret|password/i.test(name) ? `${value.split(' ')[0]} [redacted]` : value}`)
    }
    if (streamed) return this.sendStreamed(req.method, url, headers, streamed, remaining)
    const res = await client!.request<string>({
      method: req.method,
      url,
      headers,
      data,
      timeout: remaining,
      signal: this.options.signal,
    })
    return {status: res.status, headers: headerMap(res.headers), text: typeof res.data === 'string' ? res.data : ''}
  }

  /**
   * Sends a StreamedBody with Node's own client: the same agents (TLS, keep-alive), signal and deadline as every
   * other request. A server that answers before reading the whole body (a size limit) stops the writing, and its
   * answer is the response; errors are Node's, which toApiError reads as it reads axios's.
   */
  private sendStreamed(method: Method, url: string, headers: Record<string, string>, body: StreamedBody, remaining: number | undefined): Promise<RawResponse> {
    const tls = /^https:/i.test(url)
    return new Promise<RawResponse>((resolve, reject) => {
      const writing = new AbortController()
      let answered = false
      let settled = false
      const finish = (error: unknown, response?: RawResponse) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        writing.abort()
        if (response) resolve(response)
        else reject(error)
      }
      const request = (tls ? httpsRequest : httpRequest)(url, {
        method,
        headers: {'User-Agent': this.userAgent, ...headers},
        agent: tls ? this.httpsAgent : this.httpAgent,
        signal: this.options.signal,
      })
      const timer =
        remaining === undefined
          ? undefined
          : setTimeout(() => {
              finish(deadlineReached())
              request.destroy()
            }, remaining)
      // Once an answer has come, a failed write (the server closed after answering early) is no longer news.
      request.on('error', error => {
        if (!answered) finish(error)
      })
      request.on('response', res => {
        answered = true
        writing.abort()
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', error => finish(error))
        res.on('end', () => {
          // Cut short, the request cannot leave its socket fit for another one.
          if (!request.writableFinished) request.destroy()
          finish(undefined, {status: res.statusCode ?? 0, headers: headerMap(res.headers), text: Buffer.concat(chunks).toString('utf8')})
        })
      })
      // Settles when the socket has taken the chunk, or at once when the writing is stopped: a destroyed request
      // need not call back, and the body's file must still be closed.
      const write = (chunk: Buffer) =>
        new Promise<void>((done, failed) => {
          const stop = () => failed(writing.signal.reason)
          if (writing.signal.aborted) return stop()
          writing.signal.addEventListener('abort', stop, {once: true})
          request.write(chunk, error => {
            writing.signal.removeEventListener('abort', stop)
            if (error) failed(error)
            else done()
          })
        })
      body.writeTo(write, writing.signal).then(
        () => {
          if (!writing.signal.aborted) request.end()
        },
        error => {
          if (answered || settled) return
          finish(error)
          request.destroy()
        },
      )
    })
  }

  private get userAgent(): string {
    return this.options.userAgent ?? 'workerctl'
  }

  private async axios(): Promise<AxiosInstance> {
    if (this.client) return this.client
    const {default: axios} = await loadAxios()
    this.client = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      // Redirects are reported, not followed: following them buffers request bodies (uploads) in memory,
      // and Corda's lower-case redirect would turn a POST into a GET.
      maxRedirects: 0,
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      responseType: 'text',
      transformResponse: [(body: unknown) => body],
      validateStatus: () => true,
      headers: {'User-Agent': this.userAgent},
    })
    return this.client
  }

  private parse<T>(req: HttpRequest, status: number, contentType: string, text: string, shown: string, errorStatus: boolean): T {
    if (req.responseType === 'text' || (errorStatus && status >= 400)) return text as T
    if (text.trim() === '') {
      // A read always has a body (a 204 aside): an empty one is a proxy's or a broken server's, not the service's answer.
      if (req.method === 'GET' && status !== 204 && !req.allowEmpty) {
        throw new ApiError({
          service: this.service,
          kind: 'protocol',
          method: req.method,
          url: shown,
          title: `an empty ${status} response where JSON was expected`,
          hint: `is the ${SERVICE_LABEL[this.service]} URL right? Something answered ${status} with no body instead of the service`,
        })
      }
      return undefined as T
    }
    try {
      return JSON.parse(text) as T
    } catch {
      const html = looksLikeHtml(contentType, text)
      const title = html ? htmlTitle(text) : undefined
      throw new ApiError({
        service: this.service,
        kind: 'protocol',
        method: req.method,
        url: shown,
        title: html ? `expected JSON but got an HTML page${title ? ` titled "${title}"` : ''}` : `the response is truncated or malformed JSON (${Buffer.byteLength(text)} bytes)`,
        hint: html ? `is the ${SERVICE_LABEL[this.service]} URL right? A proxy or web server answered instead of the service` : undefined,
      })
    }
  }

  private toApiError(error: unknown, method: string, shown: string): ApiError {
    if (error instanceof ApiError) return error
    if (error instanceof FileSendError) throw error
    const signal = this.options.signal
    if (signal?.aborted) throw signal.reason
    const e = error as {code?: string; message?: string; deadline?: boolean; cause?: {code?: string}}
    const code = e.code === 'ERR_CANCELED' ? undefined : (e.cause?.code ?? e.code)
    const message = e.message ?? String(error)
    const base = {service: this.service, method, url: shown, code}
    if (e.deadline || code === 'ECONNABORTED' || /timeout of \d+ms exceeded/.test(message)) {
      return new ApiError({...base, kind: 'timeout', code: 'ETIMEDOUT', title: 'no answer before the command deadline (--timeout)'})
    }
    const plain = /^http:/i.test(shown)
    if ((code && TLS_CODES.test(code)) || /certificate|ssl|tls/i.test(message)) {
      // OpenSSL's "wrong version number": what came back was not TLS at all, so no CA would help.
      if (/wrong version number|ERR_SSL_WRONG_VERSION_NUMBER|packet length too long/i.test(`${code} ${message}`)) {
        return new ApiError({
          ...base,
          kind: 'tls',
          title: 'TLS failure: the server did not answer in TLS (it may serve plain HTTP on this port)',
          hint: 'if the service does not use TLS, give its URL with http://',
        })
      }
      return new ApiError({...base, kind: 'tls', title: `TLS failure: ${oneLine(message)}`})
    }
    if (code?.startsWith('HPE_') || /parse error/i.test(message)) {
      return new ApiError({...base, kind: 'protocol', title: `the server does not speak HTTP (${oneLine(message)})`, hint: 'check the port in the service URL'})
    }
    if (code === 'ECONNRESET' || /socket hang up/i.test(message)) {
      // Connected, then closed before any answer: a server that died, a proxy, or a TLS port spoken to in plain HTTP.
      return new ApiError({
        ...base,
        kind: 'network',
        title: `the connection was closed without an answer (${oneLine(message)})`,
        hint: `check the URL in the context (\`workerctl context show\`) and that the service is running${plain ? '; if it serves HTTPS, the URL must start with https://' : ''}`,
      })
    }
    const what = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' ? 'host not found' : oneLine(message)
    return new ApiError({...base, kind: 'network', title: `cannot connect: ${what}`})
  }

  /** Waits before another attempt; false when attempts or the deadline are used up. */
  private async backoff(attempt: number, reason: string): Promise<boolean> {
    if (attempt >= this.retry.attempts) return false
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1))
    const delay = Math.round(cap / 2 + Math.random() * (cap / 2)) // "equal jitter": spreads clients, keeps a floor
    if (this.options.deadline !== undefined && Date.now() + delay >= this.options.deadline) return false
    this.trace(`  retrying after ${reason} in ${delay} ms (attempt ${attempt + 1} of ${this.retry.attempts})`)
    await sleep(delay, this.options.signal)
    return true
  }

  private trace(line: string): void {
    this.options.trace?.(line)
  }
}
