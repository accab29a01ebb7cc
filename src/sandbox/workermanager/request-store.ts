// The worker manager's request table: rows in id order, indexed by id, requestId and status, with the DB sequence
// of ids. Rows change status only through `setStatus` (the status machine, request-machine.ts); search reads the
// rows and keeps its sorted orders in `sortCache` (request-search.ts).
import {formatMicros, type RequestStatus, type SortField} from './filter.js'
import type {RequestRow} from './request-row.js'

export class RequestStore {
  /** In id order (deleted rows are dropped on the next read). */
  private all: RequestRow[] = []
  private readonly byId = new Map<number, RequestRow>()
  private readonly byRequestId = new Map<string, RequestRow>()
  private readonly byStatus = new Map<RequestStatus, Set<RequestRow>>()
  /** Sorted orders of the rows by field, built by request-search.ts: cleared when a row is added, compacted with the rows. */
  readonly sortCache = new Map<SortField, RequestRow[]>()
  private deletedPending = 0
  private nextId = 1

  /** Every row in id order, deleted ones included until `compact`. */
  get rows(): RequestRow[] {
    return this.all
  }

  get size(): number {
    return this.byId.size
  }

  countByStatus(): Partial<Record<RequestStatus, number>> {
    const out: Partial<Record<RequestStatus, number>> = {}
    for (const [status, set] of this.byStatus) if (set.size > 0) out[status] = set.size
    return out
  }

  get(requestId: string): RequestRow | undefined {
    return this.byRequestId.get(requestId)
  }

  getById(id: number): RequestRow | undefined {
    return this.byId.get(id)
  }

  /** The live set of rows in `status` (it changes as they do). */
  withStatus(status: RequestStatus): ReadonlySet<RequestRow> {
    return this.byStatus.get(status) ?? new Set<RequestRow>()
  }

  /** Hidden workflow state, for tests. */
  step(requestId: string): {stepNumber: number | null; stepWorkerType: string | null} | undefined {
    const row = this.byRequestId.get(requestId)
    return row && {stepNumber: row.stepNumber, stepWorkerType: row.stepWorkerType}
  }

  /** Seeding and reception: stores a row as given (ids must only grow). */
  insert(fields: Omit<RequestRow, 'version' | 'deleted' | 'creationDate' | 'fate' | 'attempts' | 'fates'> & Partial<Pick<RequestRow, 'fates' | 'fate' | 'attempts'>>): RequestRow {
    const row: RequestRow = {
      fates: [],
      fate: null,
      attempts: 0,
      ...fields,
      creationDate: formatMicros(fields.creationMicros),
      version: 0,
      deleted: false,
    }
    if (row.id < this.nextId) throw new Error(`request id ${row.id} is not above ${this.nextId - 1}`)
    this.nextId = row.id + 1
    this.all.push(row)
    this.byId.set(row.id, row)
    this.byRequestId.set(row.requestId, row)
    this.index(row)
    this.sortCache.clear()
    return row
  }

  /** The DB sequence moves on for rows that were created and are gone (finished requests). */
  skipIds(count: number): void {
    this.nextId += count
  }

  reserveId(): number {
    return this.nextId
  }

  private index(row: RequestRow): void {
    let set = this.byStatus.get(row.status)
    if (!set) this.byStatus.set(row.status, (set = new Set()))
    set.add(row)
  }

  setStatus(row: RequestRow, status: RequestStatus): void {
    this.byStatus.get(row.status)?.delete(row)
    row.status = status
    row.version++
    this.index(row)
  }

  remove(row: RequestRow): void {
    if (row.deleted) return
    row.deleted = true
    row.version++
    this.byStatus.get(row.status)?.delete(row)
    this.byId.delete(row.id)
    this.byRequestId.delete(row.requestId)
    this.deletedPending++
  }

  compact(): void {
    if (this.deletedPending === 0) return
    this.all = this.all.filter(r => !r.deleted)
    for (const [field, sorted] of this.sortCache)
      this.sortCache.set(
        field,
        sorted.filter(r => !r.deleted),
      )
    this.deletedPending = 0
  }
}
