// Corda 5.2 REST worker (corda-rest.md): one route table served under /api/v5_2, /api/v5_1 and /api/v1,
// as a 5.2 cluster serves all three. Later modules (CPIs, vnodes, flows, RBAC...) register through `cordaRoute`.
import {parseBasic} from '../http/auth.js'
import type {SandboxContext} from '../context.js'
import {registerCertificates} from './cert-routes.js'
import {registerConfig} from './config-routes.js'
import {registerCpi} from './cpi-routes.js'
import {registerFlows} from './flow-routes.js'
import {authenticate, authorize, authorizeBody, registerRbac} from './rbac-routes.js'
import {registerVirtualNodes} from './vnode-routes.js'
import {cordaError} from '../http/errors.js'
import type {Guard, RouteOptions, Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {CORDA_API} from '../services.js'

export const CORDA_VERSIONS = ['v5_2', 'v5_1', 'v1'] as const
export type CordaVersion = (typeof CORDA_VERSIONS)[number]

/** What `getprotocolversion` answers on 5.2.1. */
export const PLATFORM_VERSION = 50201

export type CordaHandler = (req: SandboxRequest, version: CordaVersion) => SandboxResponse | Promise<SandboxResponse>

export interface CordaRouteOptions extends Pick<RouteOptions, 'raw' | 'parseJson'> {
  /** false for the few endpoints served without credentials. */
  auth?: boolean
  /** The API versions that have the endpoint (default: all). */
  versions?: readonly CordaVersion[]
}

/** 401 exactly as the REST worker answers it. */
export function cordaUnauthorized(): SandboxResponse {
  return {...cordaError(401, 'User authentication failed.'), headers: {'www-authenticate': 'Basic realm="FlowWorker"'}}
}

/**
 * The REST worker's security, in one place: HTTP Basic against the RBAC users (the built-in admin and any created
 * user that is enabled, with a matching, unexpired password), then the user's permissions against the request's
 * resource string (corda-rest.md §2, rbac-routes.ts). 401 / 403 as the cluster answers them.
 */
export function basicGuard(ctx: SandboxContext): Guard {
  return req => {
    const user = authenticate(ctx, parseBasic(req.headers.authorization), req)
    if (!user) return {response: cordaUnauthorized()}
    const refused = authorize(ctx, user, req)
    return refused ? {response: refused} : {principal: user.loginName}
  }
}

/**
 * Registers `path` (lower-case, relative to /api/<version>) for each version it exists in that the sandbox serves.
 * Guarded routes also pass the checks that need the body (the `StartFlow:` permission) before their handler.
 */
export function cordaRoute(router: Router, ctx: SandboxContext, method: string, path: string, handler: CordaHandler, options: CordaRouteOptions = {}): void {
  const guard = options.auth === false ? undefined : basicGuard(ctx)
  const served = ctx.corda.settings.versions
  for (const version of (options.versions ?? CORDA_VERSIONS).filter(v => served.includes(v))) {
    router.add(method, `${CORDA_API}/${version}${path}`, req => (guard && authorizeBody(ctx, method, path, req)) || handler(req, version), {
      raw: options.raw, parseJson: options.parseJson, guard, lowercaseRedirect: true,
    })
  }
}

/** The first value of a query parameter sent once or repeated. */
export function queryValue(req: SandboxRequest, name: string): string | undefined {
  const value = req.query[name]
  return Array.isArray(value) ? value[0] : value
}

export function registerCorda(router: Router, ctx: SandboxContext): void {
  // Our own minimal document: the CLI only needs it to answer (version detection). Never the real spec.
  cordaRoute(router, ctx, 'GET', '/swagger.json', (_req, version) => ({
    status: 200,
    body: {openapi: '3.0.1', info: {title: 'workerctl sandbox — Corda REST API', version: '5.2.1'}, servers: [{url: `${CORDA_API}/${version}`}], paths: {}},
  }), {auth: false})

  cordaRoute(router, ctx, 'POST', '/hello', req => {
    const addressee = queryValue(req, 'addressee')
    if (addressee === undefined) return cordaError(400, 'Missing query parameter "addressee".')
    // Endpoints typed `string` answer raw text labelled application/json, not a JSON string.
    return {status: 200, body: `Hello, ${addressee}! (from ${req.principal})`, contentType: 'application/json'}
  })

  cordaRoute(router, ctx, 'GET', '/hello/getprotocolversion', () => ({status: 200, body: PLATFORM_VERSION}), {auth: false})

  registerCpi(router, ctx)
  registerCertificates(router, ctx)
  registerVirtualNodes(router, ctx)
  registerFlows(router, ctx)
  registerRbac(router, ctx)
  registerConfig(router, ctx)
}
