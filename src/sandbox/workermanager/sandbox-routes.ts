// The worker manager's controls among the sandbox's own routes (/_sandbox, see http/admin.ts): worker instances
// stopping and starting, requests arriving over AMQP.
import type {SandboxContext} from '../context.js'
import {first, problem} from '../http/admin.js'
import type {Router} from '../http/router.js'
import {ADMIN_BASE} from '../services.js'
import {type Fate, toLight} from './request-row.js'

const WORKER_TYPE = /^[a-zA-Z0-9-_.]{1,128}$/
const FATES: Record<string, Fate> = {
  success: 'SUCCESS',
  error: 'ERROR',
  invalid: 'INVALID_CONTENT',
  'stuck-dispatched': 'STUCK_DISPATCHED',
  'stuck-running': 'STUCK_RUNNING',
}

/**
 * - `GET  /_sandbox/workers`: every configured or started worker type's state.
 * - `POST /_sandbox/workers/{type}/stop[?now=true]`: its instances stop beating; the manager drops the type 60 s
 *   (sandbox time) after the last heartbeat, or at once with `now=true`.
 * - `POST /_sandbox/workers/{type}/start[?instances=N]`: instances beat again (N, default the previous count or 1).
 * - `POST /_sandbox/requests?contentType=T[&count=N][&outcome=O][&source=S][&session=S][&requestId=R]`: requests
 *   received over AMQP now; O = success|error|invalid|stuck-dispatched|stuck-running (first dispatch), or random.
 */
export function workerManagerControls(router: Router, ctx: SandboxContext): void {
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
      const row = ctx.wm.receive(
        {
          contentType,
          requestId,
          source: first(req.query.source),
          session: first(req.query.session),
          fates: fate ? [fate] : [],
        },
        t,
      )
      if (row) created.push(toLight(row))
      else skipped++
    }
    return {status: 201, body: {created, skipped}}
  })
}
