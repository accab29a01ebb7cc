// A small router: method + path template with whole-segment `{param}`s. Service modules register their
// routes here; the request pipeline (pipeline.ts) does the HTTP side.
import type {IncomingMessage} from 'node:http'

export type Query = Record<string, string | string[]>

export interface SandboxRequest {
  method: string
  /** Pathname as sent (not decoded). */
  path: string
  /** Path parameters, percent-decoded. */
  params: Record<string, string>
  query: Query
  /** Lower-case names, repeated headers joined with ', '. */
  headers: Record<string, string>
  /** JSON → value, urlencoded form → fields object, text/* → string, other → Buffer; undefined if empty or raw. */
  body: unknown
  /** Who the route's guard authenticated. */
  principal?: string
  /** Raw routes only: the request stream, unread (uploads that must not be buffered). */
  stream?: IncomingMessage
}

export interface SandboxResponse {
  status: number
  /** A string or Buffer is sent as is (raw text, e.g. Corda's string endpoints); anything else as JSON. */
  body?: unknown
  /** Defaults: application/json for JSON, text/plain for strings, application/octet-stream for Buffers. */
  contentType?: string
  headers?: Record<string, string>
  /** Raw routes: what the request log shows as the request body, since the pipeline never read it. */
  loggedRequestBody?: unknown
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>

/** Runs before the body is parsed (as a real auth filter does): a principal, or the response that refuses. */
export type Guard = (req: SandboxRequest) => {principal: string} | {response: SandboxResponse}

export interface RouteOptions {
  guard?: Guard
  /** Hand the handler the unread request stream instead of a parsed body (no size limit applies). */
  raw?: boolean
  /** false: a JSON body is passed as a string, never refused as malformed (endpoints that ignore it). */
  parseJson?: boolean
  /** Javalin's RedirectToLowercasePathPlugin: a mixed-case static segment gets a 301 to the lower-case path. */
  lowercaseRedirect?: boolean
  /** Javalin's ignoreTrailingSlashes: the path with one trailing `/` matches too. */
  ignoreTrailingSlash?: boolean
  /** The most a buffered body may hold (default MAX_BODY_BYTES); read each time, so a changed setting applies. */
  bodyLimit?: () => number
  /** The handler gets the buffered body as text (undefined when empty), whatever its content type: it parses it itself. */
  bodyAsText?: boolean
}

export interface Route extends RouteOptions {
  method: string
  template: string
  segments: Segment[]
  handler: Handler
}

/** A static segment, or a `{name}` parameter taking the whole segment. */
type Segment = {literal: string; param?: undefined} | {param: string; literal?: undefined}

export type Match = {kind: 'route'; route: Route; params: Record<string, string>} | {kind: 'redirect'; location: string} | {kind: 'wrongMethod'; allowed: string[]} | {kind: 'none'}

export class Router {
  /** By segment count, most specific first (static segments beat parameters, leftmost first). */
  private readonly routes = new Map<number, Route[]>()

  add(method: string, template: string, handler: Handler, options: RouteOptions = {}): void {
    const segments = template.split('/').map((s): Segment => {
      const param = /^\{([^{}/]+)\}$/.exec(s)?.[1]
      return param === undefined ? {literal: s} : {param}
    })
    const list = this.routes.get(segments.length) ?? []
    if (list.some(r => r.method === method && r.template === template)) throw new Error(`route ${method} ${template} registered twice`)
    list.push({...options, method: method.toUpperCase(), template, segments, handler})
    list.sort((a, b) => specificity(b).localeCompare(specificity(a)))
    this.routes.set(segments.length, list)
  }

  /** `search` (without '?') is kept on redirects. */
  match(method: string, path: string, search = ''): Match {
    const found = this.find(method, path, search, () => true)
    if (found.kind !== 'none' || !path.endsWith('/') || path === '/') return found
    return this.find(method, path.slice(0, -1), search, r => r.ignoreTrailingSlash === true)
  }

  private find(method: string, path: string, search: string, eligible: (route: Route) => boolean): Match {
    const parts = path.split('/')
    const candidates = (this.routes.get(parts.length) ?? []).filter(eligible)
    const matching = candidates.filter(r => matches(r, parts, false))
    // HEAD is answered by the GET route, as most servers do.
    const route = matching.find(r => r.method === method) ?? (method === 'HEAD' ? matching.find(r => r.method === 'GET') : undefined)
    if (route) return {kind: 'route', route, params: paramsOf(route, parts)}
    if (matching.length > 0) return {kind: 'wrongMethod', allowed: [...new Set(matching.map(r => r.method))]}
    const lower = candidates.find(r => r.lowercaseRedirect && r.method === method && matches(r, parts, true))
    if (lower) {
      const location = lower.segments.map((s, i) => s.literal ?? parts[i]).join('/')
      return {kind: 'redirect', location: search ? `${location}?${search}` : location}
    }
    return {kind: 'none'}
  }
}

function specificity(route: Route): string {
  return route.segments.map(s => (s.param === undefined ? '1' : '0')).join('')
}

function matches(route: Route, parts: string[], ignoreCase: boolean): boolean {
  return route.segments.every((s, i) => {
    const part = parts[i]!
    if (s.param !== undefined) return part !== ''
    return ignoreCase ? s.literal === part.toLowerCase() : s.literal === part
  })
}

function paramsOf(route: Route, parts: string[]): Record<string, string> {
  const params: Record<string, string> = {}
  route.segments.forEach((s, i) => {
    if (s.param !== undefined) params[s.param] = decode(parts[i]!)
  })
  return params
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment // bad percent-encoding: the handler sees it as sent
  }
}
