// The worker manager's requests as the rest of the sandbox sees them (`ctx.wm`): one object over the request table
// (request-store.ts), its status machine and scheduler (request-machine.ts) and search (request-search.ts).
import type {PageRequest, RequestStatus, SearchParameters} from './filter.js'
import {RequestMachine, type ScanLogEntry} from './request-machine.js'
import type {NewRequest, RequestRow} from './request-row.js'
import {searchRequests, sortedBy} from './request-search.js'
import {RequestStore} from './request-store.js'
import type {Workers} from './workers.js'

export class WmRequests {
  private readonly store = new RequestStore()
  private readonly machine: RequestMachine
  /** What the scan jobs did (not exposed by the real API; for tests and the sandbox's own endpoints). */
  readonly scans: ScanLogEntry[]

  constructor(
    readonly workers: Workers,
    seed: number,
  ) {
    this.machine = new RequestMachine(this.store, workers, seed)
    this.scans = this.machine.scans
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rows

  get size(): number {
    return this.store.size
  }

  countByStatus(): Partial<Record<RequestStatus, number>> {
    return this.store.countByStatus()
  }

  get(requestId: string): RequestRow | undefined {
    return this.store.get(requestId)
  }

  getById(id: number): RequestRow | undefined {
    return this.store.getById(id)
  }

  /** Hidden workflow state, for tests. */
  step(requestId: string): {stepNumber: number | null; stepWorkerType: string | null} | undefined {
    return this.store.step(requestId)
  }

  /** Seeding and reception: stores a row as given (ids must only grow). */
  insert(fields: Parameters<RequestStore['insert']>[0]): RequestRow {
    return this.store.insert(fields)
  }

  /** The DB sequence moves on for rows that were created and are gone (finished requests). */
  skipIds(count: number): void {
    this.store.skipIds(count)
  }

  reserveId(): number {
    return this.store.reserveId()
  }

  // -------------------------------------------------------------------------------------------------------------
  // Status machine and time

  /** The scheduler's first tick comes `schedulerInitial` after the manager started. */
  startScheduler(startedAt: number): void {
    this.machine.startScheduler(startedAt)
  }

  /** A request received over AMQP at `now`: skipped (undefined) for a duplicate id or a skipped content type. */
  receive(request: NewRequest, now: number): RequestRow | undefined {
    return this.machine.receive(request, now)
  }

  /** Applies every due transition and scheduler tick up to `now`, in time order. */
  settle(now: number): void {
    this.machine.settle(now)
  }

  /** The controller's part of retry and delete: queue the job; the HTTP answer is an empty 200. */
  scheduleScan(kind: 'retry' | 'delete', params: SearchParameters, now: number): void {
    this.machine.scheduleScan(kind, params, now)
  }

  /** Seeding: a RUNNING row whose worker answers at `at`. */
  finishLater(row: RequestRow, at: number): void {
    this.machine.finishLater(row, at)
  }

  /** Messages waiting in the queue of a type that runs again are picked up (call after settle(now)). */
  workerStarted(workerType: string, now: number): void {
    this.machine.workerStarted(workerType, now)
  }

  // -------------------------------------------------------------------------------------------------------------
  // Search

  /** Throws FilterError for INCLUDE with an empty list. */
  search(params: SearchParameters, page: PageRequest): {rows: RequestRow[]; total: number} {
    return searchRequests(this.store, params, page)
  }

  /** Sorts by the default order (requestId) now, so the first list request is as fast as the next ones. */
  warmUp(): void {
    sortedBy(this.store, 'requestId')
  }
}
