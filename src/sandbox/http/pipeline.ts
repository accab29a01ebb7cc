// The request pipeline: route, read the body, inject faults, authenticate, handle, answer, log.
// Nothing a client sends may crash the process: every failure becomes a response in the service's shape.
import {randomUUID} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import {performance} from 'node:perf_hooks'
import {isSpecDocument, serviceOf} from '../services.js'
import {BodyTooLarge, flatHeaders, jsonOrText, loggedBody, parseBody, parsePairs, readBody, redactJson, redactPassword} from './body.js'
import {frameworkError} from './errors.js'
import type {Faults} from './faults.js'
import type {RequestLog} from './log.js'
import type {Router, SandboxRequest, SandboxResponse} from './router.js'

export interface Pipeline {
  services: Router
  admin: Router
  log: RequestLog
  faults: Faults
  /** Where handler crashes are reported (default: stderr, i.e. the background sandbox's log file). */
  onError?: (line: string) => void
}

export function requestHandler(p: Pipeline): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.on('error', () => {}) // the client went away mid-answer: nothing left to do
    handle(p, req, res).catch(error => {
      report(p, req, error)
      if (!res.headersSent) res.destroy()
    })
  }
}

/** What was answered, for the log. */
interface Sent {
  status: number
  contentType?: string
  body?: unknown
}

async function handle(p: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now()
  const time = new Date().toISOString()
  const method = (req.method ?? 'GET').toUpperCase()
  const {path, search} = splitUrl(req.url ?? '/')
  const service = serviceOf(path)
  if (service === 'sandbox') {
    const match = p.admin.match(method, path)
    const response =
      match.kind === 'route'
        ? await match.route.handler(emptyRequest(method, path, match.params, search, req))
        : frameworkError(service, match.kind === 'wrongMethod' ? {kind: 'methodNotAllowed', method, allowed: match.allowed} : {kind: 'notFound', method, path})
    send(res, response)
    return
  }

  const query = parsePairs(search)
  let requestBody: unknown
  let sent: Sent = {status: 0}
  // Logged when the exchange ends, whichever way: answered, reset by a fault, or abandoned by the client.
  res.once('close', () => {
    p.log.append({
      time,
      service,
      method,
      path,
      query: redactPassword(query),
      headers: flatHeaders(req.headers, true),
      requestContentType: req.headers['content-type'],
      requestBody,
      status: sent.status,
      responseContentType: sent.contentType,
      responseBody: sent.body,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    })
  })
  let loseReply = false
  const correlation = service === 'jobService' ? correlationId(req) : undefined
  const reply = (response: SandboxResponse) => {
    if (response.loggedRequestBody !== undefined) requestBody = response.loggedRequestBody
    if (correlation !== undefined) response = {...response, headers: {...response.headers, 'CAF-Correlation-Id': correlation}}
    if (loseReply) return resetSocket(req.socket) // done, but the client never hears it (logged with status 0)
    sent = send(res, response)
  }

  const match = p.services.match(method, path, search)
  const raw = match.kind === 'route' && match.route.raw === true
  let body: Buffer = Buffer.alloc(0)
  if (!raw) {
    try {
      body = await readBody(req, match.kind === 'route' ? match.route.bodyLimit?.() : undefined)
    } catch (error) {
      if (error instanceof BodyTooLarge) reply(frameworkError(service, {kind: 'tooLarge', size: error.size, limit: error.limit}))
      return // otherwise the client went away: nobody to answer
    }
    requestBody = loggedBody(body, req.headers['content-type'])
  }

  if (service !== 'unknown' && !isSpecDocument(path)) {
    const fault = p.faults.draw({method, path})
    if (fault === 'reset') return resetSocket(req.socket)
    if (fault === 'unavailable') return reply(frameworkError(service, {kind: 'unavailable'}))
    if (fault === 'slow') await new Promise(resolve => setTimeout(resolve, p.faults.delayMs()))
    loseReply = fault === 'lostReply'
  }

  if (match.kind === 'none') return reply(frameworkError(service, {kind: 'notFound', method, path}))
  if (match.kind === 'wrongMethod') return reply(frameworkError(service, {kind: 'methodNotAllowed', method, allowed: match.allowed}))
  if (match.kind === 'redirect') return reply({status: 301, headers: {location: match.location}})

  try {
    const request: SandboxRequest = {method, path, params: match.params, query, headers: flatHeaders(req.headers), body: undefined}
    const {route} = match
    if (route.guard) {
      const verdict = route.guard(request)
      if ('response' in verdict) return reply(verdict.response)
      request.principal = verdict.principal
    }
    if (raw) {
      request.stream = req
    } else if (route.bodyAsText) {
      request.body = body.length === 0 ? undefined : body.toString('utf8')
    } else {
      const parsed = parseBody(body, req.headers['content-type'], route.parseJson !== false)
      if (!parsed.ok) return reply(frameworkError(service, {kind: 'badJson', reason: parsed.reason}))
      request.body = parsed.value
    }
    reply(await route.handler(request))
  } catch (error) {
    report(p, req, error)
    reply(frameworkError(service, {kind: 'internal'}))
  }
}

/**
 * The Job Service's CorrelationIdFilter (caf-correlation, a servlet filter in front of everything, errors included):
 * the request's CAF-Correlation-Id when it has a non-empty one, otherwise a fresh UUID.
 */
function correlationId(req: IncomingMessage): string {
  const sent = req.headersDistinct['caf-correlation-id']?.[0]
  return sent !== undefined && sent !== '' ? sent : randomUUID()
}

/** Splits the request target by hand: `new URL` would read `//x/y` as a host. */
function splitUrl(target: string): {path: string; search: string} {
  let rest = target
  if (!rest.startsWith('/')) {
    try {
      const url = new URL(rest) // absolute form, as sent through a proxy
      rest = url.pathname + url.search
    } catch {
      rest = '/'
    }
  }
  const q = rest.indexOf('?')
  return q < 0 ? {path: rest, search: ''} : {path: rest.slice(0, q), search: rest.slice(q + 1)}
}

function emptyRequest(method: string, path: string, params: Record<string, string>, search: string, req: IncomingMessage): SandboxRequest {
  return {method, path, params, query: parsePairs(search), headers: flatHeaders(req.headers), body: undefined}
}

/** Writes the response; returns what the log records of it. */
function send(res: ServerResponse, response: SandboxResponse): Sent {
  const {payload, contentType} = encode(response)
  const sent: Sent = {status: response.status, contentType, body: payload ? redactJson(jsonOrText(payload.toString('utf8'))) : undefined}
  if (res.headersSent || res.destroyed) return {status: 0}
  res.statusCode = response.status
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value)
  if (contentType) res.setHeader('content-type', contentType)
  if (payload || (response.status !== 204 && response.status !== 304)) res.setHeader('content-length', payload?.length ?? 0)
  res.end(payload)
  return sent
}

function encode(response: SandboxResponse): {payload?: Buffer; contentType?: string} {
  const {body} = response
  if (body === undefined) return {contentType: response.contentType}
  if (Buffer.isBuffer(body)) return {payload: body, contentType: response.contentType ?? 'application/octet-stream'}
  if (typeof body === 'string') return {payload: Buffer.from(body, 'utf8'), contentType: response.contentType ?? 'text/plain; charset=utf-8'}
  return {payload: Buffer.from(JSON.stringify(body), 'utf8'), contentType: response.contentType ?? 'application/json'}
}

/** A connection reset: RST on plain TCP; a TLS socket cannot send one, so it is just destroyed. */
function resetSocket(socket: Socket): void {
  try {
    socket.resetAndDestroy()
  } catch {
    socket.destroy()
  }
}

function report(p: Pipeline, req: IncomingMessage, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error)
  const line = `sandbox: ${req.method} ${req.url} failed: ${detail}`
  if (p.onError) p.onError(line)
  else process.stderr.write(`${line}\n`)
}
