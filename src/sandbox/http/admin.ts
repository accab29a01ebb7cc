// The sandbox's own routes under /_sandbox: not part of any service, and never logged, so a test that
// asserts "no request was sent" sees only service traffic. No authentication: they drive the emulation itself
// (worker instances stopping and starting, requests arriving), as a cluster operator's actions would.
// Here: health, the request log and faults; the worker manager adds its controls (workermanager/sandbox-routes.ts).
import {ADMIN_BASE} from '../services.js'
import {type Fault, FAULT_KINDS, type Faults} from './faults.js'
import type {RequestLog} from './log.js'
import {Router, type SandboxResponse} from './router.js'

export function adminRoutes(opts: {log: RequestLog; startedAt: string; tls: boolean; faults?: Faults}): Router {
  const router = new Router()
  const {log} = opts
  router.add('GET', `${ADMIN_BASE}/health`, () => ({
    status: 200,
    body: {ok: true, pid: process.pid, startedAt: opts.startedAt, requests: log.total, tls: opts.tls},
  }))
  router.add('GET', `${ADMIN_BASE}/log`, () => ({status: 200, body: log.entries()}))
  router.add('DELETE', `${ADMIN_BASE}/log`, () => {
    log.clear()
    return {status: 204}
  })
  if (opts.faults) faultControls(router, opts.faults)
  return router
}

/**
 * - `GET  /_sandbox/faults`: the rate and kinds now.
 * - `POST /_sandbox/faults?rate=R[&kinds=reset,slow,…][&method=POST&path=/api/v5_2/role&times=1]`: from now on (kinds:
 *   unavailable, reset, slow, lostReply), for every service request or, with method/path/times, only those.
 */
function faultControls(router: Router, faults: Faults): void {
  router.add('GET', `${ADMIN_BASE}/faults`, () => ({status: 200, body: faults.settings}))
  router.add('POST', `${ADMIN_BASE}/faults`, req => {
    const rate = Number(first(req.query.rate))
    const kinds = (first(req.query.kinds) ?? FAULT_KINDS.join(','))
      .split(',')
      .map(k => k.trim())
      .filter(Boolean) as Fault[]
    const times = first(req.query.times)
    try {
      faults.set(rate, kinds, {method: first(req.query.method), pathPrefix: first(req.query.path), times: times === undefined ? undefined : Number(times)})
    } catch (error) {
      return problem(400, (error as Error).message)
    }
    return {status: 200, body: faults.settings}
  })
}

/** The /_sandbox routes' error body, and the first value of a query parameter (workermanager/sandbox-routes.ts too). */
export const problem = (status: number, error: string): SandboxResponse => ({status, body: {error}})
export const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)
