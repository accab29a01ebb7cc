// What every service module shares: settings, generated ids, issued tokens and emulated state.
import {CordaState} from './corda/store.js'
import {TokenStore} from './http/auth.js'
import {JobStore} from './jobservice/job-store.js'
import {idStream, type Random} from './random.js'
import {WmRequests} from './workermanager/requests.js'
import {seededWorkers, type Workers} from './workermanager/workers.js'

/** Milliseconds since some epoch (Date.now() by default; tests substitute a manual clock). */
export type Clock = () => number

export interface Settings {
  username: string
  password: string
  tenant: string
  oauthClientId: string
  oauthClientSecret: string
  tokenTtlSeconds: number
}

export interface SandboxContext {
  settings: Settings
  /** Seeded: generated ids are the same for the same --seed. */
  ids: Random
  tokens: TokenStore
  workers: Workers
  /** The one source of time for emulated async work (replaceable: tests, a later speed option). */
  clock: Clock
  /** REGARDS worker-manager requests (seeded by startSandbox once the clock is set). */
  wm: WmRequests
  /** How clients reach the sandbox ('https' with --tls): the scheme of HATEOAS links. */
  scheme: 'http' | 'https'
  /** Emulated Corda cluster: CPIs, certificates, vnodes, flows (settings in `corda.settings`). */
  corda: CordaState
  /** Job Service jobs per partition (clock read through the context, so a replaced clock applies). */
  jobs: JobStore
}

export function createContext(settings: Settings, seed: number): SandboxContext {
  const ids = idStream(seed)
  const workers = seededWorkers()
  const ctx: SandboxContext = {
    settings,
    ids,
    tokens: new TokenStore(ids, settings.tokenTtlSeconds),
    workers,
    wm: new WmRequests(workers, seed),
    scheme: 'http',
    clock: Date.now,
    corda: new CordaState(),
    jobs: new JobStore(() => ctx.clock()),
  }
  return ctx
}
