// The sandbox's own routes under /_sandbox: not part of any service, and never logged, so a test that
// asserts "no request was sent" sees only service traffic.
import type {RequestLog} from './log.js'
import {Router} from './router.js'
import {ADMIN_BASE} from './services.js'

export function adminRoutes(opts: {log: RequestLog; startedAt: string; tls: boolean}): Router {
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
  return router
}
