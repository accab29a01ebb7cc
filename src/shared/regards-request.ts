// A REGARDS worker-manager request on the wire (the spec's LightRequest and RequestStatus): what the client reads and
// the sandbox answers.

export const REQUEST_STATUSES = ['TO_DISPATCH', 'NO_WORKER_AVAILABLE', 'DISPATCHED', 'RUNNING', 'SUCCESS', 'ERROR', 'INVALID_CONTENT', 'TO_DELETE'] as const
export type RequestStatus = (typeof REQUEST_STATUSES)[number]

/** The only statuses retry and delete act on (RequestScanTask.BLOCKED_REQUESTS_STATUSES). */
export const BLOCKED_STATUSES = ['ERROR', 'NO_WORKER_AVAILABLE', 'INVALID_CONTENT'] as const satisfies readonly RequestStatus[]
export type BlockedStatus = (typeof BLOCKED_STATUSES)[number]

/** GSON leaves null fields out, so the optional ones may be absent; a client reads null as absent too. */
export interface LightRequest {
  /** The database id: what the `ids` filter takes. */
  id: number
  /** The business id: what GET /requests/{requestId} takes. */
  requestId: string
  creationDate: string
  contentType: string
  source: string
  session: string
  status: RequestStatus
  dispatchedWorkerType?: string | null
  /** Free text, possibly a whole Java stack trace. */
  error?: string | null
}
