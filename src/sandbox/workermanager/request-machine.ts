// REGARDS worker-manager requests (worker-manager.md §3–§9): the request table, its status machine, the
// retry/delete scan jobs and the NO_WORKER_AVAILABLE re-dispatch scheduler. Time comes only from the caller
// (`ctx.clock`); nothing runs on timers: every handler calls `settle(now)` first, which applies, in time order,
// every scheduled transition and every scheduler tick that is due.
import {Random} from '../random.js'
import {
  BLOCKED, compileFilter, type Filterable, FilterError, formatMicros, type PageRequest, type RequestStatus, type SearchParameters,
  type SortField, widenStatuses,
} from './filter.js'
import {type ErrorKind, errorKindsFor, errorText, hash, INVALID_KINDS, TRANSIENT} from './error-texts.js'
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

/** The spec's LightRequest; GSON leaves null fields out. */
export interface LightRequest {
  id: number
  requestId: string
  creationDate: string
  contentType: string
  source: string
  session: string
  status: RequestStatus
  dispatchedWorkerType?: string
  error?: string
}

export function toLight(row: RequestRow): LightRequest {
  const light: LightRequest = {
    id: row.id, requestId: row.requestId, creationDate: row.creationDate, contentType: row.contentType,
    source: row.source, session: row.session, status: row.status,
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

interface Scheduled {
  at: number
  seq: number
  apply: (at: number) => void
}

/** A binary min-heap on (at, seq). */
class Queue {
  private readonly items: Scheduled[] = []
  private seq = 0

  get size(): number {
    return this.items.length
  }

  push(at: number, apply: (at: number) => void): void {
    const items = this.items
    items.push({at, seq: this.seq++, apply})
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  peek(): Scheduled | undefined {
    return this.items[0]
  }

  pop(): Scheduled | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && before(items[l]!, items[m]!)) m = l
        if (r < items.length && before(items[r]!, items[m]!)) m = r
        if (m === i) break
        ;[items[i], items[m]] = [items[m]!, items[i]!]
        i = m
      }
    }
    return top
  }
}

const before = (a: Scheduled, b: Scheduled) => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/** Fields whose order never changes once a row exists: their sorted order is cached. */
const STABLE_FIELDS: ReadonlySet<SortField> = new Set(['id', 'requestId', 'creationDate', 'contentType', 'source', 'session'])

function compareBy(field: SortField): (a: RequestRow, b: RequestRow) => number {
  const key = (r: RequestRow): string | number | null => field === 'creationDate' ? r.creationMicros : r[field]
  return (a, b) => {
    const x = key(a)
    const y = key(b)
    if (x === y) return 0
    if (x === null) return 1 // NULLS LAST (PostgreSQL's default for ASC)
    if (y === null) return -1
    return x < y ? -1 : 1
  }
}

export interface ScanLogEntry {
  kind: 'retry' | 'delete' | 'scheduler'
  at: number
  matched: number
  failed?: string
}

export class WmRequests {
  /** In id order (deleted rows are dropped on the next read). */
  private rows: RequestRow[] = []
  private readonly byId = new Map<number, RequestRow>()
  private readonly byRequestId = new Map<string, RequestRow>()
  private readonly byStatus = new Map<RequestStatus, Set<RequestRow>>()
  /** DISPATCHED rows waiting in a queue whose worker type has no running instance. */
  private readonly parked = new Map<string, Set<RequestRow>>()
  private readonly sortCache = new Map<SortField, RequestRow[]>()
  private deletedPending = 0
  private readonly queue = new Queue()
  private nextId = 1
  private schedulerFrom = Number.POSITIVE_INFINITY
  private lastTick = Number.NEGATIVE_INFINITY
  private settled = Number.NEGATIVE_INFINITY
  /** What the scan jobs did (not exposed by the real API; for tests and the sandbox's own endpoints). */
  readonly scans: ScanLogEntry[] = []

  constructor(readonly workers: Workers, private readonly seed: number) {}

  /** The scheduler's first tick comes `schedulerInitial` after the manager started. */
  startScheduler(startedAt: number): void {
    this.schedulerFrom = startedAt + WM_DELAYS.schedulerInitial
    this.settled = startedAt
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

  /** Hidden workflow state, for tests. */
  step(requestId: string): {stepNumber: number | null; stepWorkerType: string | null} | undefined {
    const row = this.byRequestId.get(requestId)
    return row && {stepNumber: row.stepNumber, stepWorkerType: row.stepWorkerType}
  }

  // -------------------------------------------------------------------------------------------------------------
  // Rows

  /** Seeding and reception: stores a row as given (ids must only grow). */
  insert(fields: Omit<RequestRow, 'version' | 'deleted' | 'creationDate' | 'fate' | 'attempts' | 'fates'> & Partial<Pick<RequestRow, 'fates' | 'fate' | 'attempts'>>): RequestRow {
    const row: RequestRow = {
      fates: [], fate: null, attempts: 0, ...fields, creationDate: formatMicros(fields.creationMicros), version: 0, deleted: false,
    }
    if (row.id < this.nextId) throw new Error(`request id ${row.id} is not above ${this.nextId - 1}`)
    this.nextId = row.id + 1
    this.rows.push(row)
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

  private setStatus(row: RequestRow, status: RequestStatus): void {
    this.byStatus.get(row.status)?.delete(row)
    row.status = status
    row.version++
    this.index(row)
  }

  private remove(row: RequestRow): void {
    if (row.deleted) return
    row.deleted = true
    row.version++
    this.byStatus.get(row.status)?.delete(row)
    this.byId.delete(row.id)
    this.byRequestId.delete(row.requestId)
    this.deletedPending++
  }

  private compact(): void {
    if (this.deletedPending === 0) return
    this.rows = this.rows.filter(r => !r.deleted)
    for (const [field, sorted] of this.sortCache) this.sortCache.set(field, sorted.filter(r => !r.deleted))
    this.deletedPending = 0
  }

  /** A request received over AMQP at `now`: skipped (undefined) for a duplicate id or a skipped content type. */
  receive(request: NewRequest, now: number): RequestRow | undefined {
    if (this.workers.skipContentTypes.includes(request.contentType)) return undefined
    const id = this.nextId
    const requestId = request.requestId ?? `req-${id}-${new Random(hash(`${this.seed}:${id}`)).hex(8).toLowerCase()}`
    if (this.byRequestId.has(requestId)) return undefined
    const row = this.insert({
      id, requestId, creationMicros: now * 1000, contentType: request.contentType, source: request.source ?? 'sandbox',
      session: request.session ?? 'sandbox-session', status: 'TO_DISPATCH', dispatchedWorkerType: null, error: null,
      stepNumber: null, stepWorkerType: null, fates: [...(request.fates ?? [])], always: request.always, errorKind: request.errorKind,
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
      this.setStatus(row, 'NO_WORKER_AVAILABLE')
      return
    }
    row.dispatchedWorkerType = workerType
    row.attempts++
    row.fate = this.nextFate(row)
    this.setStatus(row, 'DISPATCHED')
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
    this.setStatus(row, 'RUNNING')
    row.error = null // a RUNNING response with no messages clears the error
    if (row.fate === 'STUCK_RUNNING') return
    this.later(row, at + WM_DELAYS.finish, t => this.finish(row, t))
  }

  private finish(row: RequestRow, at: number): void {
    const workerType = row.dispatchedWorkerType!
    if (!this.workers.isBeating(workerType)) return // the worker died mid-processing: RUNNING forever
    const workflow = this.workers.workflows.get(row.contentType)
    const keepErrors = workflow ? workflow.keepErrors : this.workers.configs.get(workerType)?.keepErrors ?? true
    switch (row.fate) {
      case 'SUCCESS': {
        const steps = workflow ? [...workflow.steps].sort((a, b) => a.stepNumber - b.stepNumber) : []
        const next = steps.find(s => row.stepNumber !== null && s.stepNumber > row.stepNumber)
        if (workflow && next) {
          row.stepNumber = next.stepNumber
          this.setStatus(row, 'TO_DISPATCH')
          this.dispatch(row, at)
        } else {
          this.remove(row) // SUCCESS rows are deleted right away
        }
        return
      }
      case 'ERROR':
      case 'INVALID_CONTENT': {
        const kinds = row.fate === 'ERROR' ? errorKindsFor(workerType) : INVALID_KINDS
        const rnd = new Random(hash(`${this.seed}:${row.requestId}:${row.attempts}:text`))
        const kind = row.errorKind && (row.fate === 'ERROR') === !INVALID_KINDS.includes(row.errorKind) ? row.errorKind : kinds[Math.floor(rnd.next() * kinds.length)]!
        row.error = errorText(kind, rnd, row.requestId, at)
        if (!keepErrors) return this.remove(row)
        this.setStatus(row, row.fate)
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
    const nwa = this.byStatus.get('NO_WORKER_AVAILABLE') ?? new Set<RequestRow>()
    const stepTypes = new Set<string>()
    const contentTypes = new Set<string>()
    for (const row of nwa) {
      if (row.stepWorkerType !== null && this.workers.isAlive(row.stepWorkerType, at)) stepTypes.add(row.stepWorkerType)
      contentTypes.add(row.contentType)
    }
    const effective = [...stepTypes].map(t => this.workers.configs.get(t)).filter(c => c !== undefined)
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
    this.compact()
    const rows = this.rows.filter(r => !r.deleted && filter(r))
    this.scans.push({kind, at, matched: rows.length})
    this.markPages(rows, kind, at, filter)
  }

  private markPages(rows: RequestRow[], kind: 'retry' | 'delete', at: number, filter: (row: Filterable) => boolean): void {
    for (let start = 0, page = 0; start < rows.length; start += SCAN_PAGE_SIZE, page++) {
      const slice = rows.slice(start, start + SCAN_PAGE_SIZE)
      const markAt = at + page * WM_DELAYS.page
      const mark = (t: number) => {
        const marked = slice.filter(r => !r.deleted && filter(r))
        for (const row of marked) this.setStatus(row, kind === 'retry' ? 'TO_DISPATCH' : 'TO_DELETE')
        this.queue.push(t + WM_DELAYS.job, () => {
          for (const row of marked) {
            if (row.deleted) continue
            if (kind === 'retry' && row.status === 'TO_DISPATCH') this.dispatch(row, t + WM_DELAYS.job)
            if (kind === 'delete' && row.status === 'TO_DELETE') this.remove(row)
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

  // -------------------------------------------------------------------------------------------------------------
  // Search

  /** Throws FilterError for INCLUDE with an empty list. */
  search(params: SearchParameters, page: PageRequest): {rows: RequestRow[]; total: number} {
    const filter = compileFilter(params)
    this.compact()
    const from = page.page * page.size
    const to = from + page.size
    const [first] = page.sort
    if (page.sort.length === 1 && first && STABLE_FIELDS.has(first.field)) {
      const sorted = this.sorted(first.field)
      const out: RequestRow[] = []
      let total = 0
      const n = sorted.length
      for (let i = 0; i < n; i++) {
        const row = sorted[first.desc ? n - 1 - i : i]!
        if (!filter(row)) continue
        if (total >= from && total < to) out.push(row)
        total++
      }
      return {rows: out, total}
    }
    const matched = this.rows.filter(filter)
    const comparators = page.sort.map(o => ({cmp: compareBy(o.field), sign: o.desc ? -1 : 1}))
    matched.sort((a, b) => {
      for (const {cmp, sign} of comparators) {
        const c = cmp(a, b)
        if (c !== 0) return c * sign
      }
      return a.id - b.id
    })
    return {rows: matched.slice(from, to), total: matched.length}
  }

  /** Sorts by the default order (requestId) now, so the first list request is as fast as the next ones. */
  warmUp(): void {
    this.sorted('requestId')
  }

  private sorted(field: SortField): RequestRow[] {
    if (field === 'id') return this.rows
    let sorted = this.sortCache.get(field)
    if (!sorted) {
      const cmp = compareBy(field)
      sorted = [...this.rows].sort((a, b) => cmp(a, b) || a.id - b.id)
      this.sortCache.set(field, sorted)
    }
    return sorted
  }
}

/** Which statuses carry the `retry` and `delete` links. */
export const isBlocked = (status: RequestStatus) => BLOCKED.includes(status)

/** Fates for a request whose current state is an error of `kind`: transient errors succeed when retried. */
export function retryFatesFor(status: RequestStatus, kind: ErrorKind): Pick<RequestRow, 'fates' | 'always'> {
  if (status === 'INVALID_CONTENT') return {fates: [], always: 'INVALID_CONTENT'}
  if (TRANSIENT.has(kind)) return {fates: ['SUCCESS'], always: undefined}
  return {fates: [], always: 'ERROR'}
}
