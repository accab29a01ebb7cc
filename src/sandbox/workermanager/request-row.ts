// One worker-manager request as the sandbox stores it (worker-manager.md §3): its row, the spec's LightRequest view
// of it, what arrives over AMQP, and the fates a retry gives it. The table is request-store.ts, the status machine
// request-machine.ts.
import type {LightRequest} from '../../shared/regards-request.js'
import {type ErrorKind, TRANSIENT} from './error-texts.js'
import {BLOCKED, type Filterable, type RequestStatus} from './filter.js'

/** What a worker does with one dispatch of the request. */
export type Fate = 'SUCCESS' | 'ERROR' | 'INVALID_CONTENT' | 'STUCK_DISPATCHED' | 'STUCK_RUNNING'

export interface RequestRow extends Filterable {
  requestId: string
  /** Epoch microseconds, and its wire form. */
  creationMicros: number
  creationDate: string
  error: string | null
  /** Hidden (not in LightRequest): the current workflow step, and the worker type it needs. */
  stepNumber: number | null
  stepWorkerType: string | null
  /** Outcomes of the next dispatches, in order; then `always`; then a seeded draw. */
  fates: Fate[]
  always?: Fate
  /** The error text family of this request's failures. */
  errorKind?: ErrorKind
  /** Decided when dispatched. */
  fate: Fate | null
  attempts: number
  /** Bumped on every status change: scheduled transitions of an older version are void. */
  version: number
  deleted: boolean
}

export type {LightRequest}

export function toLight(row: RequestRow): LightRequest {
  const light: LightRequest = {
    id: row.id,
    requestId: row.requestId,
    creationDate: row.creationDate,
    contentType: row.contentType,
    source: row.source,
    session: row.session,
    status: row.status,
  }
  if (row.dispatchedWorkerType !== null) light.dispatchedWorkerType = row.dispatchedWorkerType
  if (row.error !== null) light.error = row.error
  return light
}

export interface NewRequest {
  requestId?: string
  contentType: string
  source?: string
  session?: string
  /** Outcomes of the first dispatches (then a seeded draw); `always`: every dispatch. */
  fates?: Fate[]
  always?: Fate
  errorKind?: ErrorKind
}

/** Which statuses carry the `retry` and `delete` links. */
export const isBlocked = (status: RequestStatus) => BLOCKED.includes(status)

/** Fates for a request whose current state is an error of `kind`: transient errors succeed when retried. */
export function retryFatesFor(status: RequestStatus, kind: ErrorKind): Pick<RequestRow, 'fates' | 'always'> {
  if (status === 'INVALID_CONTENT') return {fates: [], always: 'INVALID_CONTENT'}
  if (TRANSIENT.has(kind)) return {fates: ['SUCCESS'], always: undefined}
  return {fates: [], always: 'ERROR'}
}
