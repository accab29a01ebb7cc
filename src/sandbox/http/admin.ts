// The sandbox's own routes under /_sandbox: not part of any service, and never logged, so a test that
// asserts "no request was sent" sees only service traffic. No authentication: they drive the emulation itself
// (worker instances stopping and starting, requests arriving), as a cluster operator's actions would.
import type {SandboxContext} from '../context.js'
import {type Fault, FAULT_KINDS, type Faults} from './faults.js'
import type {RequestLog} from './log.js'
import {Router, type SandboxResponse} from './router.js'
import {ADMIN_BASE} from '../services.js'
import type {Fate} from '../workermanager/request-machine.js'
import {toLight} from '../workermanager/request-machine.js'

export function adminRoutes(opts: {log: RequestLog; startedAt: string; tls: boolean; ctx?: SandboxContext; faults?: Faults}): Router {
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
  if (opts.ctx) workerManagerControls(router, opts.ctx)
  return router
}

/**
 * - `GET  /_sandbox/faults`: the rate and kinds now.
 * - `POST /_sandbox/faults?rate=R[&kinds=reset,slow,…]`: from now on (kinds: unavailable, reset, slow, lostReply).
 */
function faultControls(router: Router, faults: Faults): void {
  router.add('GET', `${ADMIN_BASE}/faults`, () => ({status: 200, body: faults.settings}))
  router.add('POST', `${ADMIN_BASE}/faults`, req => {
    const rate = Number(first(req.query.rate))
    const kinds = (first(req.query.kinds) ?? FAULT_KINDS.join(',')).split(',').map(k => k.trim()).filter(Boolean) as Fault[]
    try {
      faults.set(rate, kinds)
    } catch (error) {
      return problem(400, (error as Error).message)
    }
    return {status: 200, body: faults.settings}
  })
}

const WORKER_TYPE = /^[a-zA-Z0-9-_.]{1,128}$/
const FATES: Record<string, Fate> = {
  success: 'SUCCESS', error: 'ERROR', invalid: 'INVALID_CONTENT', 'stuck-dispatched': 'STUCK_DISPATCHED', 'stuck-running': 'STUCK_RUNNING',
}

const problem = (status: number, error: string): SandboxResponse => ({status, body: {error}})
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/**
 * - `GET  /_sandbox/workers`: every configured or started worker type's state.
 * - `POST /_sandbox/workers/{type}/stop[?now=true]`: its instances stop beating; the manager drops the type 60 s
 *   (sandbox time) after the last heartbeat, or at once with `now=true`.
 * - `POST /_sandbox/workers/{type}/start[?instances=N]`: instances beat again (N, default the previous count or 1).
 * - `POST /_sandbox/requests?contentType=T[&count=N][&outcome=O][&source=S][&session=S][&requestId=R]`: requests
 *   received over AMQP now; O = success|error|invalid|stuck-dispatched|stuck-running (first dispatch), or random.
 */
function workerManagerControls(router: Router, ctx: SandboxContext): void {
  const now = () => {
    const t = ctx.clock()
    ctx.wm.settle(t)
    return t
  }
  router.add('GET', `${ADMIN_BASE}/workers`, () => ({status: 200, body: ctx.workers.states(now())}))

  router.add('POST', `${ADMIN_BASE}/workers/{type}/stop`, req => {
    const type = req.params.type!
    const t = now()
    const immediately = ['true', '1', ''].includes(first(req.query.now) ?? 'false')
    const pool = ctx.workers.stop(type, t, immediately)
    if (!pool && !ctx.workers.configs.has(type)) return problem(404, `No worker type ${type}`)
    return {status: 200, body: ctx.workers.state(type, t)}
  })

  router.add('POST', `${ADMIN_BASE}/workers/{type}/start`, req => {
    const type = req.params.type!
    if (!WORKER_TYPE.test(type)) return problem(400, `Invalid worker type ${type}: [a-zA-Z0-9-_.]{1,128} expected`)
    const raw = first(req.query.instances)
    const instances = raw === undefined ? undefined : Number(raw)
    if (instances !== undefined && (!Number.isInteger(instances) || instances < 1 || instances > 1000)) {
      return problem(400, `instances must be an integer from 1 to 1000, got ${raw}`)
    }
    const t = now()
    ctx.workers.start(type, instances)
    ctx.wm.workerStarted(type, t)
    return {status: 200, body: ctx.workers.state(type, t)}
  })

  router.add('POST', `${ADMIN_BASE}/requests`, req => {
    const contentType = first(req.query.contentType)
    if (!contentType) return problem(400, 'contentType is required')
    const count = Number(first(req.query.count) ?? '1')
    if (!Number.isInteger(count) || count < 1 || count > 10_000) return problem(400, 'count must be an integer from 1 to 10000')
    const outcome = first(req.query.outcome) ?? 'random'
    if (outcome !== 'random' && !(outcome in FATES)) return problem(400, `outcome must be one of random, ${Object.keys(FATES).join(', ')}`)
    const requestId = first(req.query.requestId)
    if (requestId !== undefined && count !== 1) return problem(400, 'requestId needs count=1')
    const t = now()
    const created = []
    let skipped = 0
    for (let i = 0; i < count; i++) {
      const fate = FATES[outcome]
      const row = ctx.wm.receive({
        contentType, requestId, source: first(req.query.source), session: first(req.query.session), fates: fate ? [fate] : [],
      }, t)
      if (row) created.push(toLight(row))
      else skipped++
    }
    return {status: 201, body: {created, skipped}}
  })
}
