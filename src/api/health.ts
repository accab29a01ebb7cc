// What `cluster status` and `login` ask each service: reachable, TLS, authenticated, and one fact worth knowing.
import type {CordaClient} from './corda/client.js'
import type {CordaApiVersion} from './corda/types.js'
import {ApiError, type ServiceName} from './errors.js'
import type {HttpTransport} from './http.js'
import type {JobServiceClient} from './jobservice/client.js'
import type {WorkerManagerClient} from './workermanager/client.js'

export interface ServiceHealth {
  service: ServiceName
  url: string
  healthy: boolean
  /** An HTTP answer came back (a TLS failure counts as unreachable: nothing was said). */
  reachable: boolean
  /** none: plain HTTP; unknown: the connection failed before TLS; unverified: --insecure. */
  tls: 'ok' | 'failed' | 'unverified' | 'none' | 'unknown'
  /** null when the check did not get as far as authenticating. */
  authenticated: boolean | null
  latencyMs: number | null
  apiVersion?: CordaApiVersion
  aliveWorkerTypes?: number
  workerInstances?: number
  ping?: boolean
  error?: string
  hint?: string
  /** Something worth saying about a healthy service (e.g. a user with few permissions). */
  note?: string
}

export interface Probe {
  url: string
  insecure: boolean
}

function tlsOf(probe: Probe, reached: boolean): ServiceHealth['tls'] {
  if (!/^https:/i.test(probe.url)) return 'none'
  if (!reached) return 'unknown'
  return probe.insecure ? 'unverified' : 'ok'
}

async function check(service: ServiceName, probe: Probe, steps: (h: ServiceHealth) => Promise<void>): Promise<ServiceHealth> {
  const health: ServiceHealth = {service, url: probe.url, healthy: false, reachable: false, tls: tlsOf(probe, false), authenticated: null, latencyMs: null}
  try {
    await steps(health)
    health.healthy = true
  } catch (error) {
    if (!(error instanceof ApiError)) throw error
    health.error = error.status ? `${error.status} ${error.title}` : error.title
    health.hint = error.hint
    if (error.kind === 'tls') health.tls = 'failed'
    if (error.kind === 'http') {
      health.reachable = true
      health.tls = tlsOf(probe, true)
    }
    if (error.status === 401 || error.status === 403) health.authenticated = false
  }
  return health
}

async function timed<T>(health: ServiceHealth, http: HttpTransport, call: () => Promise<T>): Promise<T> {
  await http.prepare()
  const started = performance.now()
  const result = await call()
  health.latencyMs = Math.round(performance.now() - started)
  return result
}

export function checkCorda(client: CordaClient, probe: Probe): Promise<ServiceHealth> {
  return check('corda', probe, async h => {
    h.apiVersion = await client.detectVersion()
    h.reachable = true
    h.tls = tlsOf(probe, true)
    await timed(h, client.http, () => client.hello()).catch(error => {
      // 403: the password was accepted, the user just may not say hello (every Corda endpoint is permission-checked,
      // and a CI or flow-runner user rarely has that one). 401 would be a wrong password.
      if (!(error instanceof ApiError && error.status === 403)) throw error
      h.note = 'authenticated; this user may not call POST /hello, so what it may do is not checked here'
    })
    h.authenticated = true
  })
}

export function checkWorkerManager(client: WorkerManagerClient, probe: Probe): Promise<ServiceHealth> {
  return check('workerManager', probe, async h => {
    const workers = await timed(h, client.http, () => client.workers.alive())
    h.reachable = true
    h.tls = tlsOf(probe, true)
    h.authenticated = true
    h.aliveWorkerTypes = workers.length
    h.workerInstances = workers.reduce((n, w) => n + w.nbInstance, 0)
  })
}

export function checkJobService(client: JobServiceClient, probe: Probe): Promise<ServiceHealth> {
  return check('jobService', probe, async h => {
    const pong = await timed(h, client.http, () => client.ping())
    h.reachable = true
    h.tls = tlsOf(probe, true)
    // The Job Service has no auth of its own; a gateway in front of it would have answered 401/403 above.
    h.authenticated = true
    h.ping = pong?.success === true
    if (!h.ping) throw new ApiError({service: 'jobService', kind: 'protocol', method: 'GET', url: probe.url, title: 'ping did not answer {"success": true}'})
  })
}
