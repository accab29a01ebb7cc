// How a Corda endpoint is registered: under /api/<version> for each API version that has it, behind the REST
// worker's security (HTTP Basic against the RBAC users, then their permissions, rbac-auth.ts). Every resource's
// routes register through `cordaRoute`; routes.ts is the route table.
import type {SandboxContext} from '../context.js'
import {parseBasic} from '../http/auth.js'
import {cordaError} from '../http/errors.js'
import type {Guard, RouteOptions, Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {CORDA_API} from '../services.js'
import {authenticate, authorize, authorizeBody} from './rbac-auth.js'
import {CORDA_VERSIONS, type CordaVersion} from './versions.js'

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
 * resource string (corda-rest.md §2, rbac-auth.ts). 401 / 403 as the cluster answers them.
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
      raw: options.raw,
      parseJson: options.parseJson,
      guard,
      lowercaseRedirect: true,
    })
  }
}

/** The first value of a query parameter sent once or repeated. */
export function queryValue(req: SandboxRequest, name: string): string | undefined {
  const value = req.query[name]
  return Array.isArray(value) ? value[0] : value
}
