// REGARDS worker-manager requests (worker-manager.md §3–§9): the status machine of the request table
// (request-store.ts), the retry/delete scan jobs and the NO_WORKER_AVAILABLE re-dispatch scheduler. Time comes only
// from the caller (`ctx.clock`); nothing runs on timers: every handler calls `settle(now)` first, which applies, in
// time order, every scheduled transition and every scheduler tick that is due.
import {Random} from '../random.js'
import {errorKindsFor, errorText, hash, INVALID_KINDS} from './error-texts.js'
import {Queue} from './event-queue.js'
import {compileFilter, type Filterable, FilterError, type SearchParameters, widenStatuses} from './filter.js'
import type {Fate, NewRequest, RequestRow} from './request-row.js'
import type {RequestStore} from './request-store.js'
import type {Workers} from './workers.js'

/** Every delay of the emulated worker manager, in milliseconds. */
export const WM_DELAYS = {
  /** A worker acks a dispatched message and answers RUNNING. */
  running: 200,
  /** A worker answers its final status (SUCCESS, ERROR, INVALID_CONTENT). */
  finish: 500,
  /** A retry/delete job waits QUEUED this long before its scan runs; the per-page Dispatch/Delete jobs as long again. */
  job: 100,
  /** Each further page of 400 of a scan is handled this much later. */
  page: 10,
  /** NoWorkerAvailableScanRequestTaskScheduler: initial delay, then period. */
  schedulerInitial: 30_000,
  schedulerPeriod: 3_000,
} as const

/** regards.workermanager.scan.page.size */
export const SCAN_PAGE_SIZE = 400

export interface ScanLogEntry {
  kind: 'retry' | 'delete' | 'scheduler'
  at: number
  matched: number
  failed?: string
}

export class RequestMachine {
  /** DISPATCHED rows waiting in a queue whose worker type has no running instance. */
  private readonly parked = new Map<string, Set<RequestRow>>()
  private readonly queue = new Queue()
  private schedulerFrom = Number.POSITIVE_INFINITY
  private lastTick = Number.NEGATIVE_INFINITY
  private settled = Number.NEGATIVE_INFINITY
  /** What the scan jobs did (not exposed by the real API; for tests and the sandbox's own endpoints). */
  readonly scans: ScanLogEntry[] = []

  constructor(
    private readonly store: RequestStore,
    private readonly workers: Workers,
    private readonly seed: number,
  ) {}

  /** The scheduler's first tick comes `schedulerInitial` after the manager started. */
  startScheduler(startedAt: number): void {
    this.schedulerFrom = startedAt + WM_DELAYS.schedulerInitial
    this.settled = startedAt
  }

  /** A request received over AMQP at `now`: skipped (undefined) for a duplicate id or a skipped content type. */
  receive(request: NewRequest, now: number): RequestRow | undefined {
    if (this.workers.skipContentTypes.includes(request.contentType)) return undefined
    const id = this.store.reserveId()
    const requestId = request.requestId ?? `req-${id}-${new Random(hash(`${this.seed}:${id}`)).hex(8).toLowerCase()}`
    if (this.store.get(requestId)) return undefined
    const row = this.store.insert({
      id,
      requestId,
      creationMicros: now * 1000,
      contentType: request.contentType,
      source: request.source ?? 'sandbox',
      session: request.session ?? 'sandbox-session',
      status: 'TO_DISPATCH',
      dispatchedWorkerType: null,
      error: null,
      stepNumber: null,
      stepWorkerType: null,
      fates: [...(request.fates ?? [])],
      always: request.always,
      errorKind: request.errorKind,
    })
    this.dispatch(row, now)
    return row
  }

  // -------------------------------------------------------------------------------------------------------------
  // Status machine

  /** handleRequests: DISPATCHED to the alive worker type serving the content type (or the current workflow step), else NO_WORKER_AVAILABLE. */
  private dispatch(row: RequestRow, at: number): void {
    const workflow = this.workers.workflows.get(row.contentType)
    let workerType: string | undefined
    if (workflow) {
      const steps = [...workflow.steps].sort((a, b) => a.stepNumber - b.stepNumber)
      if (row.stepNumber === null || !steps.some(s => s.stepNumber === row.stepNumber)) row.stepNumber = steps[0]?.stepNumber ?? null
      workerType = steps.find(s => s.stepNumber === row.stepNumber)?.workerType
    } else {
      workerType = this.workers.workerFor(row.contentType)?.workerType
    }
    row.stepWorkerType = workerType ?? null
    if (workerType === undefined || !this.workers.configs.has(workerType) || !this.workers.isAlive(workerType, at)) {
      this.store.setStatus(row, 'NO_WORKER_AVAILABLE')
      return
    }
    row.dispatchedWorkerType = workerType
    row.attempts++
    row.fate = this.nextFate(row)
    this.store.setStatus(row, 'DISPATCHED')
    this.later(row, at + WM_DELAYS.running, t => this.toRunning(row, t))
  }

  private nextFate(row: RequestRow): Fate {
    const queued = row.fates.shift()
    if (queued) return queued
    if (row.always) return row.always
    const draw = new Random(hash(`${this.seed}:${row.requestId}:${row.attempts}:${row.stepNumber ?? ''}`)).next()
    if (draw < 0.06) {
      row.errorKind = undefined
      return 'ERROR'
    }
    if (draw < 0.08) {
      row.errorKind = undefined
      return 'INVALID_CONTENT'
    }
    return 'SUCCESS'
  }

  /** Schedules a transition of `row` that is void if the row changed status meanwhile. */
  private later(row: RequestRow, at: number, apply: (t: number) => void): void {
    const version = row.version
    this.queue.push(at, t => {
      if (!row.deleted && row.version === version) apply(t)
    })
  }

  private toRunning(row: RequestRow, at: number): void {
    const workerType = row.dispatchedWorkerType!
    if (!this.workers.isBeating(workerType)) {
      // The message waits in the worker's queue until an instance runs again.
      let set = this.parked.get(workerType)
      if (!set) this.parked.set(workerType, (set = new Set()))
      set.add(row)
      return
    }
    if (row.fate === 'STUCK_DISPATCHED') return // acked by a worker that died without a DLQ message
    this.store.setStatus(row, 'RUNNING')
    row.error = null // a RUNNING response with no messages clears the error
    if (row.fate === 'STUCK_RUNNING') return
    this.later(row, at + WM_DELAYS.finish, t => this.finish(row, t))
  }

  private finish(row: RequestRow, at: number): void {
    const workerType = row.dispatchedWorkerType!
    if (!this.workers.isBeating(workerType)) return // the worker died mid-processing: RUNNING forever
    const workflow = this.workers.workflows.get(row.contentType)
    const keepErrors = workflow ? workflow.keepErrors : (this.workers.configs.get(workerType)?.keepErrors ?? true)
    switch (row.fate) {
      case 'SUCCESS': {
        const steps = workflow ? [...workflow.steps].sort((a, b) => a.stepNumber - b.stepNumber) : []
        const next = steps.find(s => row.stepNumber !== null && s.stepNumber > row.stepNumber)
        if (workflow && next) {
          row.stepNumber = next.stepNumber
          this.store.setStatus(row, 'TO_DISPATCH')
          this.dispatch(row, at)
        } else {
          this.store.remove(row) // SUCCESS rows are deleted right away
        }
        return
      }
      case 'ERROR':
      case 'INVALID_CONTENT': {
        const kinds = row.fate === 'ERROR' ? errorKindsFor(workerType) : INVALID_KINDS
        const rnd = new Random(hash(`${this.seed}:${row.requestId}:${row.attempts}:text`))
        const kind = row.errorKind && (row.fate === 'ERROR') === !INVALID_KINDS.includes(row.errorKind) ? row.errorKind : kinds[Math.floor(rnd.next() * kinds.length)]!
        row.error = errorText(kind, rnd, row.requestId, at)
        if (!keepErrors) return this.store.remove(row)
        this.store.setStatus(row, row.fate)
        return
      }
      default:
        return
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Time

  /** Applies every due transition and scheduler tick up to `now`, in time order. */
  settle(now: number): void {
    if (now < this.settled) now = this.settled // the clock never runs backwards for the manager
    for (;;) {
      const next = this.queue.peek()
      const eventAt = next ? next.at : Number.POSITIVE_INFINITY
      const tick = this.lastTick < this.schedulerFrom ? this.schedulerFrom : this.lastTick + WM_DELAYS.schedulerPeriod
      if (tick <= now && tick <= eventAt) {
        this.tick(tick, Math.min(now, eventAt))
        continue
      }
      if (!next || next.at > now) break
      this.queue.pop()
      next.apply(next.at)
    }
    this.settled = now
  }

  /**
   * NoWorkerAvailableScanRequestTaskScheduler (§9): for each worker config with an alive worker and a NO_WORKER_AVAILABLE
   * request whose stepWorkerType is that worker, a retry scan with contentTypes INCLUDE its inputs (and, inferred, the
   * NO_WORKER_AVAILABLE status). Workflow requests carry the workflow type as content type: never matched.
   * A tick that would match nothing leaves everything as is until the next transition, so those ticks are skipped.
   */
  private tick(at: number, horizon: number): void {
    const nwa = this.store.withStatus('NO_WORKER_AVAILABLE')
    const stepTypes = new Set<string>()
    const contentTypes = new Set<string>()
    for (const row of nwa) {
      if (row.stepWorkerType !== null && this.workers.isAlive(row.stepWorkerType, at)) stepTypes.add(row.stepWorkerType)
      contentTypes.add(row.contentType)
    }
    const effective = [...stepTypes]
      .map(t => this.workers.configs.get(t))
      .filter(c => c !== undefined)
      .filter(c => c.contentTypeInputs.some(ct => contentTypes.has(ct)))
    if (effective.length === 0) {
      const period = WM_DELAYS.schedulerPeriod
      this.lastTick = Math.max(at, at + Math.floor((horizon - at) / period) * period)
      return
    }
    this.lastTick = at
    for (const config of effective) {
      const inputs = new Set(config.contentTypeInputs)
      const rows = [...nwa].filter(r => inputs.has(r.contentType) && r.creationMicros <= at * 1000).sort((a, b) => a.id - b.id)
      this.scans.push({kind: 'scheduler', at, matched: rows.length})
      this.markPages(rows, 'retry', at, () => true)
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Retry and delete (§6): a ScanRequestJob, then per page of 400 a DispatchRequestJob or DeleteRequestJob

  /** The controller's part: queue the job; the HTTP answer is an empty 200. */
  scheduleScan(kind: 'retry' | 'delete', params: SearchParameters, now: number): void {
    this.queue.push(now + WM_DELAYS.job, t => this.scan(kind, params, t))
  }

  private scan(kind: 'retry' | 'delete', params: SearchParameters, at: number): void {
    const widened: SearchParameters = {...params, before: params.before ?? at * 1000, statuses: widenStatuses(params.statuses)}
    let filter: (row: Filterable) => boolean
    try {
      filter = compileFilter(widened)
    } catch (error) {
      if (!(error instanceof FilterError)) throw error
      this.scans.push({kind, at, matched: 0, failed: error.message}) // the job fails; nobody is told
      return
    }
    this.store.compact()
    const rows = this.store.rows.filter(r => !r.deleted && filter(r))
    this.scans.push({kind, at, matched: rows.length})
    this.markPages(rows, kind, at, filter)
  }

  private markPages(rows: RequestRow[], kind: 'retry' | 'delete', at: number, filter: (row: Filterable) => boolean): void {
    for (let start = 0, page = 0; start < rows.length; start += SCAN_PAGE_SIZE, page++) {
      const slice = rows.slice(start, start + SCAN_PAGE_SIZE)
      const markAt = at + page * WM_DELAYS.page
      const mark = (t: number) => {
        const marked = slice.filter(r => !r.deleted && filter(r))
        for (const row of marked) this.store.setStatus(row, kind === 'retry' ? 'TO_DISPATCH' : 'TO_DELETE')
        this.queue.push(t + WM_DELAYS.job, () => {
          for (const row of marked) {
            if (row.deleted) continue
            if (kind === 'retry' && row.status === 'TO_DISPATCH') this.dispatch(row, t + WM_DELAYS.job)
            if (kind === 'delete' && row.status === 'TO_DELETE') this.store.remove(row)
          }
        })
      }
      if (page === 0) mark(markAt)
      else this.queue.push(markAt, mark)
    }
  }

  /** Seeding: a RUNNING row whose worker answers at `at`. */
  finishLater(row: RequestRow, at: number): void {
    this.later(row, at, t => this.finish(row, t))
  }

  // -------------------------------------------------------------------------------------------------------------
  // Workers starting and stopping (called after settle(now))

  /** Messages waiting in the queue of a type that runs again are picked up. */
  workerStarted(workerType: string, now: number): void {
    const set = this.parked.get(workerType)
    if (!set) return
    this.parked.delete(workerType)
    for (const row of set) this.later(row, now + WM_DELAYS.running, t => this.toRunning(row, t))
  }
}
