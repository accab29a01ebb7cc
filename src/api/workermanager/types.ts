// Types named after the schemas of specs/regards-rs-worker-manager.openapi.json (reference/worker-manager.md).
import {BLOCKED_STATUSES, type BlockedStatus, type LightRequest, REQUEST_STATUSES, type RequestStatus} from '../../shared/regards-request.js'
import type {HttpTransport} from '../http.js'

/** What each resource (requests, workers, settings, configuration) needs of the client. */
export interface WorkerManagerApi {
  readonly http: HttpTransport
  /** The service's path prefix (through the gateway, or direct) followed by `rest`. */
  path(rest: string): string
}

export interface WorkerTypeAlive {
  workerType: string
  nbInstance: number
}

/** The token endpoint's answer (Spring OAuth2). */
export interface OAuthToken {
  access_token: string
  expires_in?: number
  token_type?: string
  tenant?: string
  scope?: string
}

export {BLOCKED_STATUSES, REQUEST_STATUSES}
export type {BlockedStatus, LightRequest, RequestStatus}

export interface Link {
  rel: string
  href: string
}

export interface EntityModelLightRequest {
  content: LightRequest
  links: Link[]
}

export interface PageMetadata {
  size: number
  totalElements: number
  totalPages: number
  number: number
}

export interface PagedModelEntityModelLightRequest {
  content: EntityModelLightRequest[]
  metadata: PageMetadata
  links: Link[]
}

export interface ValuesRestriction<T> {
  mode: 'INCLUDE' | 'EXCLUDE'
  values: T[]
  matchMode?: 'STRICT' | 'STARTS_WITH' | 'CONTAINS' | 'ENDS_WITH'
  ignoreCase?: boolean
}

export interface DatesRangeRestriction {
  after?: string
  before?: string
}

export interface SearchRequestParameters {
  source?: string
  session?: string
  dispatchedWorkerType?: string
  contentTypes?: ValuesRestriction<string>
  statuses?: ValuesRestriction<RequestStatus>
  ids?: ValuesRestriction<number>
  creationDate?: DatesRangeRestriction
}

export interface ModuleInformation {
  id?: string
  name?: string
  [key: string]: unknown
}

export interface ModuleImportReport {
  moduleInformation?: ModuleInformation
  importErrors?: string[]
  onlyErrors?: boolean
}

/** What `POST /microservice/configuration` reported: 201 all imported, 206 some, 409 none. */
export interface ConfigImportResult {
  status: 201 | 206 | 409
  reports: ModuleImportReport[]
}

export interface WorkerConfigDto {
  workerType: string
  contentTypeInputs: string[]
  contentTypeOutput?: string | null
  keepErrors?: boolean
}

export interface WorkflowConfigDto {
  workflowType: string
  keepErrors?: boolean
  steps: Array<{stepNumber: number; workerType: string}>
}

/** The export's format (reference §7): one module with `{key, value}` items. */
export interface MicroserviceConfiguration {
  microservice: string
  modules: Array<{module: ModuleInformation; resetBeforeImport?: boolean; configuration: Array<{key: string; value: unknown}>}>
}

/** A tenant setting; `value` is what the setting holds (skipContentTypes: a list of content types). */
export interface DynamicTenantSetting {
  name: string
  description?: string
  value: unknown
  defaultValue?: unknown
}
