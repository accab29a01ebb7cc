// The records of the emulated Corda cluster: CPIs and their uploads, virtual nodes and their operations, flows,
// RBAC users, roles and permissions, configuration sections. They live in CordaState (store.ts).
import type {FlowStatus} from '../../shared/flow-status.js'

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
  /** A force upload (POST /maintenance/virtualnode/forcecpiupload). */
  force: boolean
  /** The CPI it persists, unless it fails. */
  cpi?: CpiRecord
  failure?: CpiFailure
}

/** A cluster-level certificate chain (ClusterCertificate: the alias is the key, the usage is never updated). */
export interface ClusterCertificate {
  alias: string
  /** The usage's public name, as first imported: `code-signer`, `p2p-tls`, `rest-tls`. */
  usage: string
  /** The uploaded PEM files, joined with newlines. */
  pem: string
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
  /** clock() from which the REST worker's read model has it (GET /virtualnode, flows, upgrades...). */
  readableAt: number
}

export type AsyncStatus = 'ACCEPTED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'ABORTED'

/** A create status (the REST worker's status cache) or an upgrade / DB change row (the DB worker's table). */
export interface VNodeOperation {
  requestId: string
  operation: 'CREATE_VIRTUAL_NODE' | 'UPGRADE_VIRTUAL_NODE' | 'CHANGE_VIRTUAL_NODE_DB'
  status: AsyncStatus
  lastUpdated: number
  /** clock() before which the status GET answers 404 (a create status not yet in this worker's cache). */
  visibleAt: number
  /** `Validation`, `Migration`, `Liquibase diff check` or null. */
  processingStage: string | null
  errorReason: string | null
  /** The short hash, once a create SUCCEEDED; null otherwise (and always for upgrades and DB changes). */
  resourceId: string | null
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
  /** clock() from which the REST worker's status store has it (before: 404, and a re-POST is accepted again). */
  visibleAt: number
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
