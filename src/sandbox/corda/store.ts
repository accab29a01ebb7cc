// Emulated Corda cluster state (CPIs, certificates, virtual nodes, flows, RBAC, configuration: records in model.ts)
// and the timing of its async work. Time comes only from `ctx.clock`; every delay is one of the constants below. State
// advances lazily: each handler calls `settle` first, which applies, in time order, every scheduled transition that is
// now due (scheduler.ts).
import {createHash} from 'node:crypto'
import type {ConfigSection, CpiRecord, CpiUpload, Flow, RbacPermission, RbacRole, RbacUser, VNode, VNodeOperation} from './model.js'
import {Scheduler} from './scheduler.js'
import type {CordaVersion} from './versions.js'

/** Every delay of the emulated Corda cluster, in milliseconds. */
export const CORDA_DELAYS = {
  /** After an upload is answered, `GET /cpi/status/{id}` answers 400 "No such requestId" this long (the real race). */
  cpiStatusUnknown: 300,
  /** Each CPI validation progress message lasts this long. */
  cpiStage: 50,
  /** A new vnode's create status answers 404 "Failed to find a status" this long (per-worker cache). */
  vnodeStatusUnknown: 100,
  /** Create: ACCEPTED from vnodeStatusUnknown, IN_PROGRESS from here, SUCCEEDED at vnodeCreateDone. */
  vnodeCreateInProgress: 150,
  vnodeCreateDone: 200,
  /** After SUCCEEDED, `GET /virtualnode/{h}` still answers 404 this long (eventual consistency). */
  vnodeReadLag: 100,
  /** Upgrade and DB change: ACCEPTED, IN_PROGRESS from here, SUCCEEDED at vnodeUpgradeDone (no transient 404: served by RPC). */
  vnodeUpgradeInProgress: 50,
  vnodeUpgradeDone: 200,
  /** A started flow's status reaches the REST worker's status store this late: GET 404s and a re-POST is 202 again. */
  flowStatusLag: 20,
  /** Flows: START_REQUESTED, RUNNING from flowRunning, terminal at flowDone (SlowFlow: flowSlowDone). */
  flowRunning: 100,
  flowDone: 300,
  flowSlowDone: 2000,
} as const

export interface CordaSettings {
  /** corda.rest.maxContentLength: larger uploads get 400 "Content length is N which exceeds...". */
  maxUploadBytes: number
  /** When true a CPI fails at "Validating CPI" unless a code-signer certificate was imported. */
  requireSigner: boolean
  /** The API versions served (a 5.2 cluster serves all three, 5.1 `v1`+`v5_1`, 5.0 only `v1`); others 404. */
  versions: readonly CordaVersion[]
}

export const DEFAULT_CORDA_SETTINGS: CordaSettings = {maxUploadBytes: 200_000_000, requireSigner: false, versions: ['v5_2', 'v5_1', 'v1']}

/** The sandbox signs nothing: every CPI carries this signer summary hash. */
export const SANDBOX_SIGNER = `SHA-256:${createHash('sha256').update('workerctl sandbox code signer').digest('hex').toUpperCase()}`

export class CordaState {
  settings: CordaSettings = {...DEFAULT_CORDA_SETTINGS}
  readonly uploads = new Map<string, CpiUpload>()
  /** Persisted CPIs, oldest first; a force upload replaces the entry with the same name + version + signer. */
  cpis: CpiRecord[] = []
  /** usage → alias → PEM chain. */
  readonly certificates = new Map<string, Map<string, string>>()
  /** By short hash, including vnodes still being created. */
  readonly vnodes = new Map<string, VNode>()
  readonly operations = new Map<string, VNodeOperation>()
  /** short hash → clientRequestId → flow, in start order. */
  readonly flows = new Map<string, Map<string, Flow>>()
  /** RBAC users by lower-case login name (logins compare case-insensitively). */
  readonly users = new Map<string, RbacUser>()
  /** RBAC roles and permissions by id, in creation order. */
  readonly roles = new Map<string, RbacRole>()
  readonly permissions = new Map<string, RbacPermission>()
  /** Cluster configuration sections that have a stored config, by name. */
  readonly configs = new Map<string, ConfigSection>()
  private readonly scheduler = new Scheduler()

  /** Runs `apply` once the clock reaches `at` (at the next settle). */
  schedule(at: number, apply: () => void): void {
    this.scheduler.schedule(at, apply)
  }

  /** Applies every due transition, in time order. */
  settle(now: number): void {
    this.scheduler.settle(now)
  }

  cpiByChecksum(checksum: string): CpiRecord | undefined {
    const upper = checksum.toUpperCase()
    return this.cpis.find(c => c.checksum === upper)
  }

  cpiByIdentity(name: string, version: string, signer: string): CpiRecord | undefined {
    return this.cpis.find(c => c.name === name && c.version === version && c.signerSummaryHash === signer)
  }

  /** Persists a CPI (replacing the one with the same identity) and moves vnodes on it to the new checksum. */
  persistCpi(cpi: CpiRecord): void {
    const old = this.cpiByIdentity(cpi.name, cpi.version, cpi.signerSummaryHash)
    if (old) {
      this.cpis = this.cpis.filter(c => c !== old)
      for (const vnode of this.vnodes.values()) if (vnode.cpi.checksum === old.checksum) vnode.cpi = {...vnode.cpi, checksum: cpi.checksum}
    }
    this.cpis.push(cpi)
  }

  flowsOf(shortHash: string): Map<string, Flow> {
    let flows = this.flows.get(shortHash)
    if (!flows) this.flows.set(shortHash, (flows = new Map<string, Flow>()))
    return flows
  }
}

export const iso = (ms: number) => new Date(ms).toISOString()

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex').toUpperCase()
