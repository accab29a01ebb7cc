// Types named after the schemas of specs/corda-5.2.1-openapi-v5_2.json.
// The spec types Kotlin enums as objects; on the wire they are plain strings.
import type {FlowStatus} from '../../shared/flow-status.js'
import type {HttpTransport} from '../http.js'

export type CordaApiVersion = 'v5_2' | 'v5_1' | 'v1'

/** Newest first: the order in which `apiVersion: auto` probes (PRODUCT.md §3). */
export const CORDA_API_VERSIONS: readonly CordaApiVersion[] = ['v5_2', 'v5_1', 'v1']

/** What each resource (cpis, vnodes, flows, …) needs of the client. */
export interface CordaApi {
  readonly http: HttpTransport
  apiVersion(): Promise<CordaApiVersion>
  /** `/api/<version><resource>`. */
  path(resource: string): Promise<string>
}

// --- CPIs -------------------------------------------------------------------------------------------------------

/** POST /cpi and POST /maintenance/virtualnode/forcecpiupload. */
export interface CpiUploadResponse {
  id: string
}

/** GET /cpi/status/{id}: `status` is free text; success is exactly `OK`. */
export interface CpiUploadStatus {
  status: string
  /** Empty until the CPI is persisted; then the 12-hex short checksum. */
  cpiFileChecksum: string
}

export interface CpiIdentifier {
  cpiName: string
  cpiVersion: string
  signerSummaryHash?: string | null
}

export interface CpkIdentifier {
  name: string
  version: string
  signerSummaryHash?: string | null
}

/** Minimal: the fields the CLI reads; the rest pass through untouched. */
export interface CpkMetadata {
  id: CpkIdentifier
  mainBundle: string
  libraries: string[]
  type: string
  hash: string
  timestamp: string
  [key: string]: unknown
}

export interface CpiMetadata {
  id: CpiIdentifier
  cpiFileChecksum: string
  cpiFileFullChecksum: string
  cpks: CpkMetadata[]
  groupPolicy?: string | null
  timestamp: string
}

export interface GetCPIsResponse {
  cpis: CpiMetadata[]
}

// --- Certificates -------------------------------------------------------------------------------------------------

export type CertificateUsage = 'code-signer' | 'p2p-tls' | 'p2p-session' | 'rest-tls'

export const CERTIFICATE_USAGES = ['code-signer', 'p2p-tls', 'p2p-session', 'rest-tls'] as const satisfies readonly CertificateUsage[]

/** The usages a certificate can be imported under at cluster level: a p2p-session one belongs to a holding identity. */
export const CLUSTER_CERT_USAGES = ['code-signer', 'p2p-tls', 'rest-tls'] as const satisfies readonly CertificateUsage[]

// --- Virtual nodes ------------------------------------------------------------------------------------------------

/** The `*Connection` fields are strings holding JSON. */
export interface CreateVirtualNodeRequest {
  x500Name: string
  cpiFileChecksum: string
  vaultDdlConnection?: string | null
  vaultDmlConnection?: string | null
  cryptoDdlConnection?: string | null
  cryptoDmlConnection?: string | null
  uniquenessDdlConnection?: string | null
  uniquenessDmlConnection?: string | null
}

export interface AsyncResponse {
  requestId: string
}

export type AsyncOperationState = 'ACCEPTED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'ABORTED'
export type AsyncOperation = 'CREATE_VIRTUAL_NODE' | 'UPGRADE_VIRTUAL_NODE' | 'CHANGE_VIRTUAL_NODE_DB'
export type ProcessingStage = 'Validation' | 'Liquibase diff check' | 'Migration'

export interface AsyncOperationStatus {
  requestId: string
  operation: AsyncOperation | (string & {})
  status: AsyncOperationState
  lastUpdatedTimestamp: string
  processingStage?: ProcessingStage | (string & {}) | null
  errorReason?: string | null
  resourceId?: string | null
}

export interface HoldingIdentity {
  x500Name: string
  groupId: string
  shortHash: string
  fullHash: string
}

export type OperationalStatus = 'ACTIVE' | 'INACTIVE'

export interface VirtualNodeInfo {
  holdingIdentity: HoldingIdentity
  cpiIdentifier: CpiIdentifier
  vaultDdlConnectionId?: string | null
  vaultDmlConnectionId: string
  cryptoDdlConnectionId?: string | null
  cryptoDmlConnectionId: string
  uniquenessDdlConnectionId?: string | null
  uniquenessDmlConnectionId: string
  hsmConnectionId?: string | null
  flowP2pOperationalStatus: OperationalStatus
  flowStartOperationalStatus: OperationalStatus
  flowOperationalStatus: OperationalStatus
  vaultDbOperationalStatus: OperationalStatus
  operationInProgress?: string | null
  externalMessagingRouteConfiguration?: unknown
}

export interface VirtualNodes {
  virtualNodes: VirtualNodeInfo[]
}

export type VirtualNodeState = 'ACTIVE' | 'MAINTENANCE'

export interface ChangeVirtualNodeStateResponse {
  holdingIdShortHash: string
  newState: string
}

/** PUT /virtualnode/{h}/db (v5_2): each connection as a JSON value (or a string holding JSON). */
export interface UpdateVirtualNodeDbRequest {
  vaultDdlConnection?: unknown
  vaultDmlConnection?: unknown
  cryptoDdlConnection?: unknown
  cryptoDmlConnection?: unknown
  uniquenessDdlConnection?: unknown
  uniquenessDmlConnection?: unknown
}

// --- Flows --------------------------------------------------------------------------------------------------------

export interface StartFlowParameters {
  clientRequestId: string
  flowClassName: string
  /** A JSON value or a string holding JSON; required (send `{}` when the flow takes no arguments). */
  requestBody: unknown
}

export type {FlowStatus}

export interface FlowStateErrorResponse {
  type: string
  message: string
}

export interface FlowStatusResponse {
  holdingIdentityShortHash: string
  clientRequestId?: string | null
  flowId?: string | null
  flowStatus: FlowStatus
  flowResult?: string | null
  flowError?: FlowStateErrorResponse | null
  timestamp: string
}

export interface FlowStatusResponses {
  flowStatusResponses: FlowStatusResponse[]
}

export interface FlowResultResponse {
  holdingIdentityShortHash: string
  clientRequestId?: string | null
  flowId?: string | null
  flowStatus: FlowStatus
  /** The flow's result as a JSON value, set once COMPLETED. */
  json?: unknown
  flowError?: FlowStateErrorResponse | null
  timestamp: string
}

export interface StartableFlowsResponse {
  flowClassNames: string[]
}

// --- RBAC ---------------------------------------------------------------------------------------------------------

export interface CreateUserType {
  loginName: string
  fullName: string
  enabled: boolean
  /** Null for SSO users; 5..255 characters (more if corda.rbac says so). */
  initialPassword?: string | null
  /** ISO instant. */
  passwordExpiry?: string | null
  parentGroup?: string | null
}

export interface RoleAssociationResponseType {
  roleId: string
  createTimestamp: string
}

export interface PropertyResponseType {
  key: string
  value: string
  lastChangedTimestamp: string
}

export interface UserResponseType {
  id: string
  version: number
  updateTimestamp: string
  loginName: string
  fullName: string
  enabled: boolean
  ssoAuth: boolean
  passwordExpiry?: string | null
  parentGroup?: string | null
  properties: PropertyResponseType[]
  roleAssociations: RoleAssociationResponseType[]
}

export type PermissionType = 'ALLOW' | 'DENY'

export interface CreateRoleType {
  roleName: string
  groupVisibility?: string | null
}

export interface PermissionAssociationResponseType {
  id: string
  createdTimestamp: string
}

export interface RoleResponseType {
  id: string
  version: number
  updateTimestamp: string
  roleName: string
  groupVisibility?: string | null
  permissions: PermissionAssociationResponseType[]
}

export interface CreatePermissionType {
  permissionType: PermissionType
  permissionString: string
  groupVisibility?: string | null
  virtualNode?: string | null
}

export interface PermissionResponseType {
  id: string
  version: number
  updateTimestamp: string
  permissionType: PermissionType
  permissionString: string
  groupVisibility?: string | null
  virtualNode?: string | null
}

export interface BulkCreatePermissionsRequestType {
  permissionsToCreate: CreatePermissionType[]
  roleIds: string[]
}

export interface BulkCreatePermissionsResponseType {
  permissionIds: string[]
  roleIds: string[]
}

export interface PermissionSummaryResponseType {
  id: string
  permissionType: PermissionType
  permissionString: string
  groupVisibility?: string | null
  virtualNode?: string | null
}

export interface UserPermissionSummaryResponseType {
  loginName: string
  enabled: boolean
  lastUpdateTimestamp: string
  permissions: PermissionSummaryResponseType[]
}

// --- Configuration ------------------------------------------------------------------------------------------------

export interface ConfigSchemaVersion {
  major: number
  minor: number
}

/** `sourceConfig` and `configWithDefaults` are JSON held in strings. */
export interface GetConfigResponse {
  section: string
  sourceConfig: string
  configWithDefaults: string
  schemaVersion: ConfigSchemaVersion
  version: number
}

export interface UpdateConfigParameters {
  section: string
  /** The current version (−1 for a section never set): optimistic locking, 409 when stale. */
  version: number
  config: unknown
  schemaVersion: ConfigSchemaVersion
}

export interface UpdateConfigResponse {
  section: string
  config: string
  schemaVersion: ConfigSchemaVersion
  version: number
}

/** The configuration sections of a 5.2 cluster (reference/corda-rest.md §10); the API has no call that lists them. */
export const CONFIG_SECTIONS = [
  'corda.boot',
  'corda.crypto',
  'corda.db',
  'corda.externalMessaging',
  'corda.flow',
  'corda.ledger.utxo',
  'corda.membership',
  'corda.messaging',
  'corda.p2p.gateway',
  'corda.p2p.linkManager',
  'corda.rbac',
  'corda.reconciliation',
  'corda.rest',
  'corda.sandbox',
  'corda.secrets',
  'corda.security',
  'corda.stateManager',
  'corda.vnode.datasource',
] as const
