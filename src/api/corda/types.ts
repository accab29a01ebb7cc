// Types named after the schemas of specs/corda-5.2.1-openapi-v5_2.json.
// The spec types Kotlin enums as objects; on the wire they are plain strings.
export type CordaApiVersion = 'v5_2' | 'v5_1' | 'v1'

/** Newest first: the order in which `apiVersion: auto` probes (PRODUCT.md §3). */
export const CORDA_API_VERSIONS: readonly CordaApiVersion[] = ['v5_2', 'v5_1', 'v1']

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

/** The usages an operator imports cluster certificates for. */
export const CLUSTER_CERT_USAGES = ['code-signer', 'p2p-tls', 'p2p-session'] as const

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

export type FlowStatus = 'START_REQUESTED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'KILLED' | 'RETRYING'

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
