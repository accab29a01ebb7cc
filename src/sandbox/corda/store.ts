// Emulated Corda cluster state (CPIs, certificates, virtual nodes, flows, RBAC, configuration: records in model.ts)
// and the timing of its async work. Time comes only from `ctx.clock`; every delay is one of the constants below. State
// advances lazily: each handler calls `settle` first, which applies, in time order, every scheduled transition that is
// now due (scheduler.ts).
import {createHash} from 'node:crypto'
import type {ClusterCertificate, ConfigSection, CpiRecord, CpiUpload, Flow, RbacPermission, RbacRole, RbacUser, VNode, VNodeOperation} from './model.js'
import {Scheduler} from './scheduler.js'
import type {CordaVersion} from './versions.js'

/** Every delay of the emulated Corda cluster, in milliseconds. */
export const CORDA_DELAYS = {
  /** After an upload is answered, `GET /cpi/status/{id}` answers 400 "No such requestId" this long (the real race). */
  cpiStatusUnknown: 300,
  /** Each CPI validation progress message lasts this long. */
  cpiStage: 50,
  /** A new vnode's create status answers 404 "Failed to find a status" this long (the status cache of another REST worker). */
  vnodeStatusUnknown: 100,
  /** The DB worker takes an async vnode request (create, upgrade, DB change) from its queue this long after it was sent. */
  vnodeOperationPickup: 150,
  /** A create runs this long (IN_PROGRESS), then SUCCEEDED. */
  vnodeCreateRun: 50,
  /** After a create SUCCEEDED, the REST worker's read model has the vnode this much later (GET 404s, a re-POST is 202). */
  vnodeReadLag: 100,
  /** An upgrade runs this long (IN_PROGRESS, the vnode already on the new CPI), then SUCCEEDED. */
  vnodeUpgradeRun: 150,
  /** A DB change runs this long (IN_PROGRESS), then SUCCEEDED. */
  vnodeDbChangeRun: 150,
  /** A DB worker RPC that never gets an answer (schema SQL for an unknown CPI or vnode) times out after this (corda.rest.endpoint.timeoutMs, scaled). */
  rpcTimeout: 200,
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
  /** Persisted CPIs, oldest first; a force upload replaces the entry with the same name + version + signer in place. */
  cpis: CpiRecord[] = []
  /** Cluster certificates by alias (one alias, one usage, whatever usage a later import names). */
  readonly certificates = new Map<string, ClusterCertificate>()
  /** Persisted vnodes by short hash. */
  readonly vnodes = new Map<string, VNode>()
  /** Create statuses and upgrade / DB-change rows by request id. */
  readonly operations = new Map<string, VNodeOperation>()
  /** The DB worker's queue of async vnode requests by Kafka key: each job runs when the one before it is done. */
  readonly partitions = new Map<string, Array<(start: number) => number>>()
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

  cpiByIdentity(name: string, version: string, signer: string): CpiRecord | undefined {
    return this.cpis.find(c => c.name === name && c.version === version && c.signerSummaryHash === signer)
  }

  /** Persists a CPI (replacing, in place, the one with the same identity) and moves vnodes on it to the new checksum. */
  persistCpi(cpi: CpiRecord): void {
    const old = this.cpiByIdentity(cpi.name, cpi.version, cpi.signerSummaryHash)
    if (!old) return void this.cpis.push(cpi)
    this.cpis[this.cpis.indexOf(old)] = cpi
    for (const vnode of this.vnodes.values()) if (vnode.cpi.checksum === old.checksum) vnode.cpi = {...vnode.cpi, checksum: cpi.checksum}
  }

  flowsOf(shortHash: string): Map<string, Flow> {
    let flows = this.flows.get(shortHash)
    if (!flows) this.flows.set(shortHash, (flows = new Map<string, Flow>()))
    return flows
  }
}

export const iso = (ms: number) => new Date(ms).toISOString()

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex').toUpperCase()
