// Emulated Corda cluster state (CPIs, certificates, virtual nodes, flows) and the timing of its async work.
// Time comes only from `ctx.clock`; every delay is one of the constants below. State advances lazily: each
// handler calls `settle` first, which applies, in time order, every scheduled transition that is now due.
import {createHash} from 'node:crypto'
import type {FlowStatus} from '../../shared/flow-status.js'
import type {CordaVersion} from './versions.js'

/** Milliseconds since some epoch (Date.now() by default; tests substitute a manual clock). */
export type Clock = () => number

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

export interface CpiRecord {
  name: string
  version: string
  signerSummaryHash: string
  groupId: string
  groupPolicy: string
  /** 64 upper-case hex. */
  fullChecksum: string
  /** First 12 of fullChecksum. */
  checksum: string
  timestamp: string
}

export interface CpiFailure {
  status: number
  title: string
  details?: Record<string, string>
  /** Index in CPI_STAGES of the stage that fails. */
  stage: number
}

export interface CpiUpload {
  id: string
  /** clock() when the upload was answered. */
  at: number
  /** The CPI it persists, unless it fails. */
  cpi?: CpiRecord
  failure?: CpiFailure
}

export type OperationalStatus = 'ACTIVE' | 'INACTIVE'

export interface VNode {
  x500Name: string
  groupId: string
  shortHash: string
  fullHash: string
  cpi: {name: string; version: string; signerSummaryHash: string; checksum: string}
  state: 'ACTIVE' | 'MAINTENANCE'
  connections: {vaultDdl: string | null; vaultDml: string; cryptoDdl: string | null; cryptoDml: string; uniquenessDdl: string | null; uniquenessDml: string}
  operationInProgress: string | null
  /** false until the create operation SUCCEEDED. */
  created: boolean
  /** clock() from which GET /virtualnode/{h} finds it. */
  readableAt: number
}

export type AsyncStatus = 'ACCEPTED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'ABORTED'

export interface VNodeOperation {
  requestId: string
  operation: 'CREATE_VIRTUAL_NODE' | 'UPGRADE_VIRTUAL_NODE' | 'CHANGE_VIRTUAL_NODE_DB'
  resourceId: string
  status: AsyncStatus
  lastUpdated: number
  /** clock() before which the status GET answers 404 (create statuses live in a per-worker cache). */
  visibleAt: number
}


export interface Flow {
  holdingIdentityShortHash: string
  clientRequestId: string
  flowClassName: string
  flowId: string | null
  flowStatus: FlowStatus
  flowResult: string | null
  flowError: {type: string; message: string} | null
  updated: number
}

export type PermissionType = 'ALLOW' | 'DENY'

/** An RBAC user. The built-in admin's password is the sandbox's configured one (`settings.password`) until changed. */
export interface RbacUser {
  id: string
  loginName: string
  fullName: string
  enabled: boolean
  /** null for SSO users (created without initialPassword): they cannot use Basic auth. */
  password: {salt: string; hash: string} | null
  /** ISO instant, or null: never expires. */
  passwordExpiry: string | null
  parentGroup: string | null
  version: number
  updated: number
  /** In association order. */
  roles: Array<{roleId: string; created: number}>
}

export interface RbacRole {
  id: string
  roleName: string
  groupVisibility: string | null
  version: number
  updated: number
  permissions: Array<{permissionId: string; created: number}>
}

export interface RbacPermission {
  id: string
  permissionType: PermissionType
  permissionString: string
  groupVisibility: string | null
  /** Short hash (as given); a permission with one applies only to that vnode's flow starts. */
  virtualNode: string | null
  version: number
  updated: number
  /** permissionString compiled to match a whole resource string, case-insensitively. */
  regex: RegExp
}

/** One stored cluster configuration section (PUT /config). */
export interface ConfigSection {
  section: string
  /** The JSON text as stored (what GET answers as `sourceConfig`). */
  source: string
  version: number
  schemaVersion: {major: number; minor: number}
}

interface Scheduled {
  at: number
  seq: number
  apply: () => void
}

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
  private queue: Scheduled[] = []
  private seq = 0

  /** Runs `apply` once the clock reaches `at` (at the next settle). */
  schedule(at: number, apply: () => void): void {
    this.queue.push({at, seq: this.seq++, apply})
  }

  /** Applies every due transition, in time order. */
  settle(now: number): void {
    for (;;) {
      let next: Scheduled | undefined
      for (const s of this.queue) if (s.at <= now && (!next || s.at < next.at || (s.at === next.at && s.seq < next.seq))) next = s
      if (!next) return
      this.queue.splice(this.queue.indexOf(next), 1)
      next.apply()
    }
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
    if (!flows) this.flows.set(shortHash, (flows = new Map()))
    return flows
  }
}

export const iso = (ms: number) => new Date(ms).toISOString()

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex').toUpperCase()
