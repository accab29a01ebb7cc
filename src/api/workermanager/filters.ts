// Building SearchRequestParameters from what an operator types, and the safe filter retry and delete must use
// (reference/worker-manager.md §4 and §6.2: always an INCLUDE list of blocked statuses, always `creationDate.before`).
import {UsageError} from '../../errors.js'
import {BLOCKED_STATUSES, type BlockedStatus, REQUEST_STATUSES, type RequestStatus, type SearchRequestParameters} from './types.js'

export interface RequestFilter {
  statuses?: RequestStatus[]
  contentTypes?: string[]
  /** Contains, case-sensitive (SQL LIKE %v%). */
  source?: string
  session?: string
  workerType?: string
  since?: Date
  until?: Date
  /** Database ids (not business request ids). */
  ids?: number[]
}

export function toSearch(filter: RequestFilter): SearchRequestParameters {
  const search: SearchRequestParameters = {}
  if (filter.source) search.source = filter.source
  if (filter.session) search.session = filter.session
  if (filter.workerType) search.dispatchedWorkerType = filter.workerType
  if (filter.contentTypes?.length) search.contentTypes = {mode: 'INCLUDE', values: [...new Set(filter.contentTypes)], matchMode: 'STRICT', ignoreCase: false}
  if (filter.statuses?.length) search.statuses = {mode: 'INCLUDE', values: [...new Set(filter.statuses)]}
  if (filter.ids?.length) search.ids = {mode: 'INCLUDE', values: [...new Set(filter.ids)]}
  if (filter.since || filter.until) {
    search.creationDate = {}
    if (filter.since) search.creationDate.after = filter.since.toISOString()
    if (filter.until) search.creationDate.before = filter.until.toISOString()
  }
  return search
}

export function parseStatus(text: string): RequestStatus {
  const status = text.trim().toUpperCase()
  if (!(REQUEST_STATUSES as readonly string[]).includes(status)) throw new UsageError(`unknown request status "${text}" (one of ${REQUEST_STATUSES.join(', ')})`)
  return status as RequestStatus
}

/**
 * The statuses retry and delete may send: the blocked ones, intersected with what the operator asked for. The service
 * widens anything else to all three blocked statuses (and keeps an EXCLUDE list as is, reaching in-flight requests),
 * so this refuses instead of letting that happen.
 */
export function blockedStatuses(asked?: RequestStatus[]): BlockedStatus[] {
  if (!asked?.length) return [...BLOCKED_STATUSES]
  const kept = BLOCKED_STATUSES.filter(s => asked.includes(s))
  if (kept.length === 0) {
    throw new UsageError(
      `only ${BLOCKED_STATUSES.join(', ')} requests can be retried or deleted; --status ${asked.join(', ')} leaves none (DISPATCHED and RUNNING requests cannot be moved through the API)`,
    )
  }
  return kept
}

/** The filter a retry or delete sends: blocked statuses as INCLUDE, and everything created up to `now`. */
export function actionSearch(filter: RequestFilter, now: Date): SearchRequestParameters {
  const until = filter.until && filter.until < now ? filter.until : now
  return toSearch({...filter, statuses: blockedStatuses(filter.statuses), until})
}

/** At most 1000 values per restriction (the service's @Size on retry and delete). */
export function batches<T>(values: T[], size = 1000): T[][] {
  const out: T[][] = []
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size))
  return out
}

/**
 * An error text reduced to its shape, so that the same failure with other ids, numbers and times groups together:
 * its first line, with UUIDs, long hex ids, ISO times and numbers masked.
 */
export function errorShape(text: string | null | undefined): string {
  const first =
    (text ?? '')
      .split(/\r?\n/)
      .find(line => line.trim() !== '')
      ?.trim() ?? '(no error text)'
  return first
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b[0-9a-f]{16,}\b/gi, '<id>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .slice(0, 200)
}

/** The LightRequest properties the service sorts by; any other is a 500 there (PropertyReferenceException). */
export const REQUEST_SORT_FIELDS = [
  'id',
  'requestId',
  'creationDate',
  'contentType',
  'source',
  'session',
  'status',
  'dispatchedWorkerType',
  'error',
  'stepNumber',
  'stepWorkerType',
] as const

/** `FIELD[,ASC|DESC]` as Spring takes it, checked here: the service answers an unknown field with a 500. */
export function requestSort(text: string): string {
  const [field = '', direction = 'ASC', ...rest] = text.split(',').map(part => part.trim())
  if (!(REQUEST_SORT_FIELDS as readonly string[]).includes(field) || rest.length > 0) {
    throw new UsageError(`--sort "${text}": sort by one of ${REQUEST_SORT_FIELDS.join(', ')}`)
  }
  const upper = direction.toUpperCase()
  if (upper !== 'ASC' && upper !== 'DESC') throw new UsageError(`--sort "${text}": the direction is ASC or DESC`)
  return `${field},${upper}`
}
