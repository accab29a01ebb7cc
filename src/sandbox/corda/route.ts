// How a Corda endpoint is registered: under /api/<version> for each API version that has it, behind the REST
// worker's request pipeline as Javalin 4.6.8 and corda-runtime-os 5.2.1 run it (docs/sandbox-fidelity/corda-core.md):
// a POST/PUT/DELETE too large for corda.rest.maxContentLength is refused before anything else, then HTTP Basic
// against the RBAC users, then their permissions (rbac-auth.ts); inside the handler the content type is checked
// and the body parameter is read as JSON whatever the content type. Every resource's routes register through
// `cordaRoute`; routes.ts is the route table.
import type {SandboxContext} from '../context.js'
import {parseBasic} from '../http/auth.js'
import {cordaError} from '../http/errors.js'
import type {Guard, Handler, RouteOptions, Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {CORDA_API} from '../services.js'
import {jsonBody, parseError} from './body.js'
import {authenticate, authorize} from './rbac-auth.js'
import {CORDA_VERSIONS, type CordaVersion} from './versions.js'

export type CordaHandler = (req: SandboxRequest, version: CordaVersion) => SandboxResponse | Promise<SandboxResponse>

export interface CordaRouteOptions extends Pick<RouteOptions, 'raw'> {
  /** false for the few endpoints served without credentials. */
  auth?: boolean
  /** The API versions that have the endpoint (default: all). */
  versions?: readonly CordaVersion[]
  /**
   * The Kotlin name of the endpoint's one (required) JSON body parameter: a missing or malformed body is refused
   * naming it, before the handler. Without it, a body is handed over parsed when it is JSON, else as text.
   */
  body?: string
}

/** What the REST worker's credential check answers when it fails (ContextUtils.authenticate). */
export type Unauthenticated = 'no credentials' | 'wrong credentials'

/** 401 exactly as the REST worker answers it. */
export function cordaUnauthorized(reason: Unauthenticated): SandboxResponse {
  const title = reason === 'no credentials' ? 'User credentials are empty or cannot be resolved' : 'Error during user authentication'
  return {...cordaError(401, title), headers: {'www-authenticate': 'Basic realm="Corda REST Worker"'}}
}

/** Content length is checked by a `before` handler for these methods only, ahead of authentication. */
const LENGTH_CHECKED = new Set(['POST', 'PUT', 'DELETE'])

/**
 * The REST worker's `before` handlers, in their order: the declared Content-Length against
 * corda.rest.maxContentLength (POST/PUT/DELETE), then HTTP Basic against the RBAC users (the built-in admin and
 * any created user that is enabled, with a matching, unexpired password), then the user's permissions against the
 * request's resource string (rbac-auth.ts). Javalin authenticates GET routes only for GET, so HEAD passes.
 */
export function basicGuard(ctx: SandboxContext): Guard {
  return req => {
    const limit = ctx.corda.settings.maxUploadBytes
    const declared = Number(req.headers['content-length'])
    if (LENGTH_CHECKED.has(req.method) && declared > limit) return {response: tooLarge(declared, limit)}
    const header = req.headers.authorization
    const credentials = parseBasic(header)
    // A Bearer token is resolved as credentials; with no provider for it, authentication fails.
    if (!credentials && !/^bearer/i.test(header ?? '')) return {response: cordaUnauthorized('no credentials')}
    const user = credentials && authenticate(ctx, credentials, req)
    if (!user) return {response: cordaUnauthorized('wrong credentials')}
    const refused = authorize(ctx, user, req)
    return refused ? {response: refused} : {principal: user.loginName}
  }
}

export function tooLarge(size: number, limit: number): SandboxResponse {
  return cordaError(400, `Content length is ${size} which exceeds the maximum limit of ${limit}.`)
}

/** HttpExceptionMapper: an IllegalArgumentException anywhere in a handler. */
export function illegalArgument(reason: string): SandboxResponse {
  return cordaError(500, 'Illegal argument occurred.', {cause: 'IllegalArgumentException', reason})
}

/**
 * Registers `path` (lower-case, relative to /api/<version>) for each version it exists in that the sandbox serves.
 * A GET route also answers HEAD: 200, no body, no authentication and no handler (Javalin 4).
 */
export function cordaRoute(router: Router, ctx: SandboxContext, method: string, path: string, handler: CordaHandler, options: CordaRouteOptions = {}): void {
  const guard = options.auth === false ? undefined : basicGuard(ctx)
  const served = ctx.corda.settings.versions
  const common: RouteOptions = {lowercaseRedirect: true, ignoreTrailingSlash: true}
  for (const version of (options.versions ?? CORDA_VERSIONS).filter(v => served.includes(v))) {
    const template = `${CORDA_API}/${version}${path}`
    const invoke: Handler = async req => {
      const refused = checkContent(req, options)
      if (refused) return refused
      const response = await handler(req, version)
      // Every answer a handler returns normally gets this header (ContextUtils.invokeHttpMethod).
      return response.status < 400 ? {...response, headers: {'cache-control': 'no-cache', ...response.headers}} : response
    }
    const bodyLimit = () => ctx.corda.settings.maxUploadBytes
    router.add(method, template, invoke, {...common, guard, raw: options.raw, bodyAsText: !options.raw, bodyLimit})
    if (method === 'GET') router.add('HEAD', template, () => ({status: 200, contentType: 'application/json'}), common)
  }
}

/**
 * What the handler does before the endpoint's own code (ContextUtils.invokeHttpMethod): the content type against
 * the endpoint's (multipart or not), then the body parameter, read as JSON whatever the content type.
 * Replaces `req.body` (text) with the parsed value.
 */
function checkContent(req: SandboxRequest, options: CordaRouteOptions): SandboxResponse | undefined {
  const contentType = req.headers['content-type']
  const multipart = contentType?.toLowerCase().includes('multipart/') === true
  if (options.raw && !multipart) {
    req.stream?.resume()
    return illegalArgument(`Endpoint expects Content-Type [multipart/form-data] but received [${contentType ?? 'null'}].`)
  }
  if (!options.raw && multipart) return illegalArgument(`Unexpected Content-Type [${contentType}].`)
  if (options.raw) return undefined
  const text = req.body as string | undefined
  if (options.body === undefined) {
    // No declared body parameter: JSON when it parses, else the text for the handler to judge.
    const parsed = text === undefined ? undefined : jsonBody(text)
    req.body = parsed && 'value' in parsed ? parsed.value : text
    return undefined
  }
  if (text === undefined || text.trim() === '') return parseError(options.body, `Missing body parameter "${options.body}".`, 'BadRequestException')
  const parsed = jsonBody(text)
  if ('error' in parsed) return parseError(options.body, parsed.error.reason, parsed.error.cause)
  req.body = parsed.value
  return undefined
}

/**
 * The first value of a query parameter sent once or repeated. Names match case-insensitively
 * (ParametersRetrieverContext lower-cases every query parameter name).
 */
export function queryValue(req: SandboxRequest, name: string): string | undefined {
  const wanted = name.toLowerCase()
  const key = Object.keys(req.query).find(k => k.toLowerCase() === wanted)
  const value = key === undefined ? undefined : req.query[key]
  return Array.isArray(value) ? value[0] : value
}

/** A Kotlin Boolean query parameter: `String.toBoolean()`, true only for "true" in any case. */
export function queryFlag(req: SandboxRequest, name: string): boolean {
  return queryValue(req, name)?.toLowerCase() === 'true'
}
