// REGARDS rs-worker-manager (worker-manager.md): bearer-token routes under /api/v1/rs-worker-manager.
// Later modules (requests, config export/import) register through `wmRoute`.
import {bearerToken} from './auth.js'
import type {SandboxContext} from './context.js'
import {springError} from './errors.js'
import type {Guard, Handler, RouteOptions, Router} from './router.js'
import {WM_BASE} from './services.js'

/** The JWT filter's 401: Spring's error body, message naming the service-relative path and method. */
export function bearerGuard(ctx: SandboxContext): Guard {
  return req => {
    const where = `${req.path.slice(WM_BASE.length) || '/'}@${req.method}`
    const token = bearerToken(req.headers.authorization)
    if (token === undefined) return {response: springError(401, 'Unauthorized', `[REGARDS JWT FILTER] Missing authentication token on ${where}`, req.path)}
    const check = ctx.tokens.check(token)
    if (check.ok) return {principal: check.token.username}
    const problem = check.reason === 'expired' ? 'Expired token' : 'Invalid token'
    return {response: springError(401, 'Unauthorized', `[REGARDS JWT FILTER] ${problem} on ${where}`, req.path)}
  }
}

/** Registers `path` (relative to the service) behind the bearer-token check. */
export function wmRoute(router: Router, ctx: SandboxContext, method: string, path: string, handler: Handler, options: Omit<RouteOptions, 'guard'> = {}): void {
  router.add(method, `${WM_BASE}${path}`, handler, {...options, guard: bearerGuard(ctx)})
}

/** Spring binds a list parameter from repeated values and from comma-separated ones. */
export function listParam(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).flatMap(v => v.split(',')).map(v => v.trim()).filter(v => v !== '')
}

export function registerWorkerManager(router: Router, ctx: SandboxContext): void {
  wmRoute(router, ctx, 'GET', '/workers', req => ({status: 200, body: ctx.workers.alive(listParam(req.query.contentTypes))}))
}
