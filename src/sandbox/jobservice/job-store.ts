// Job Service jobs per partition (job-service.md §3–§6), in memory. Progress is computed lazily from the
// sandbox clock whenever a handler looks (`settle`), never by timers.
//
// Demo task classifier `DemoWorker` (taskData object, or a string taskData holding that JSON):
//   {durationSeconds?: number (default 2), fail?: boolean, failTimes?: number, message?: string}
//   fail: true       → every run fails;
//   failTimes: N     → the first N runs of this task definition (hash of `task`, counted across deletes and
//                      new job ids) fail, later runs complete;
//   a failing run fails half-way through its duration with
//   {failureId: 'TASK_FAILURE', failureSource: 'demoworker-worker', failureMessage: 'java.lang.RuntimeException: <message>'}.
// Any other classifier completes after 2 s. A job becomes Active SCHEDULER_MS after it is eligible (prerequisites
// complete, then `delay` seconds).
import {createHash} from 'node:crypto'
import {canonicalJson} from '../../shared/canonical-json.js'
import {type JobStatus} from './filter.js'
import {Random} from '../random.js'

export const JS_TIMING = {
  /** Between eligibility and dispatch (the scheduler ping on create). */
  schedulerMs: 300,
  /** Duration of a task that does not say otherwise. */
  defaultDurationMs: 2000,
  /** How often a running task reports progress (percentageComplete and lastUpdateTime move in these steps). */
  progressTickMs: 250,
  /** `Cache-Control: max-age` of status/isActive (CAF_STATUS_CHECK_INTERVAL_SECONDS; 10 in production). */
  statusMaxAgeSeconds: 1,
} as const

export interface Failure {
  failureId: string
  failureTime: number
  failureSource: string
  failureMessage: string
}

/** What GET returns (and what filters and sorts read). */
export interface JobView {
  id: string
  name?: string
  description?: string
  externalData?: string
  createTime: number
  lastUpdateTime: number
  status: JobStatus
  percentageComplete: number
  failures: Failure[]
  labels: Record<string, string>
}

export interface DemoTask {
  durationMs: number
  fail: boolean
  failTimes: number
  message?: string
}

interface Run {
  durationMs: number
  /** Active time at which the run fails; undefined = completes. */
  failAtMs?: number
  message: string
  /** Active time accumulated before the current segment (pauses split a run). */
  activeBefore: number
  /** Wall time the current active segment began; undefined while Paused. */
  segmentStart?: number
  /** Seeded "stuck" jobs: Active, never reporting again. */
  stuck?: boolean
}

export interface StoredJob extends JobView {
  partition: string
  /** Hash of the whole canonical NewJob: an identical PUT answers 204. */
  hash: string
  /** Hash of the task alone: DemoWorker counts runs per task definition. */
  taskHash: string
  classifier: string
  demo: DemoTask
  /** Prerequisite ids still awaited when the job was created (job_dependency rows). */
  deps: string[]
  delayMs: number
  readyAt?: number
  run?: Run
  /** When it reached Completed/Failed. */
  finishedAt?: number
  /** Failed jobs: the job whose task failed (itself, or the prerequisite it inherited the failure from). */
  root?: {id: string; failures: Failure[]}
}

export interface NewJobDefinition {
  name?: string
  description?: string
  externalData?: string
  classifier: string
  taskHash: string
  demo: DemoTask
  prerequisites: Array<{id: string; precreated: boolean}>
  delaySeconds: number
  labels: Record<string, string>
}

interface Partition {
  jobs: Map<string, StoredJob>
  /** Jobs not yet Completed/Failed/Cancelled: the only ones settle has to look at. */
  live: Set<StoredJob>
}

const TERMINAL = new Set<JobStatus>(['Completed', 'Failed', 'Cancelled'])

export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

export class JobStore {
  private readonly partitions = new Map<string, Partition>()
  /** Runs started per task hash (DemoWorker failTimes). */
  private readonly runs = new Map<string, number>()

  constructor(private readonly clock: () => number) {}

  private partition(name: string): Partition {
    let p = this.partitions.get(name)
    if (!p) {
      p = {jobs: new Map(), live: new Set()}
      this.partitions.set(name, p)
    }
    return p
  }

  /** Every job of the partition, settled to now. */
  all(partition: string): StoredJob[] {
    this.settleAll(partition)
    return [...this.partition(partition).jobs.values()]
  }

  get(partition: string, id: string): StoredJob | undefined {
    this.settleAll(partition)
    return this.partition(partition).jobs.get(id)
  }

  /** 'created' | 'identical' | 'conflict' | {failedPrerequisites}. */
  create(partition: string, id: string, hash: string, def: NewJobDefinition): 'created' | 'identical' | 'conflict' | {failed: string[]} {
    const p = this.partition(partition)
    this.settleAll(partition)
    const existing = p.jobs.get(id)
    if (existing) return existing.hash === hash ? 'identical' : 'conflict'
    const failed = [...new Set(def.prerequisites.map(r => r.id))].filter(r => p.jobs.get(r)?.status === 'Failed')
    if (failed.length > 0) return {failed}
    const deps = new Set<string>()
    for (const pre of def.prerequisites) {
      const job = p.jobs.get(pre.id)
      if (job ? job.status !== 'Completed' : !pre.precreated) deps.add(pre.id)
    }
    const now = this.clock()
    const job: StoredJob = {
      id, ...(def.name !== undefined ? {name: def.name} : {}), ...(def.description !== undefined ? {description: def.description} : {}),
      ...(def.externalData !== undefined ? {externalData: def.externalData} : {}),
      createTime: now, lastUpdateTime: now, status: 'Waiting', percentageComplete: 0, failures: [], labels: def.labels,
      partition, hash, taskHash: def.taskHash, classifier: def.classifier, demo: def.demo, deps: [...deps], delayMs: Math.max(0, def.delaySeconds) * 1000,
    }
    p.jobs.set(id, job)
    p.live.add(job)
    this.settle(p, job, now, new Set())
    return 'created'
  }

  delete(partition: string, id: string): boolean {
    const p = this.partition(partition)
    const job = p.jobs.get(id)
    if (!job) return false
    p.jobs.delete(id)
    p.live.delete(job)
    return true
  }

  /** undefined = done; a string = the 400 message. */
  cancel(job: StoredJob): string | undefined {
    if (job.status === 'Completed' || job.status === 'Failed') return `job_id {${job.id}} cannot be cancelled`
    if (job.status !== 'Cancelled') {
      job.status = 'Cancelled'
      job.lastUpdateTime = this.clock()
      this.partition(job.partition).live.delete(job)
    }
    return undefined
  }

  pause(job: StoredJob): string | undefined {
    if (job.status !== 'Active' && job.status !== 'Paused' && job.status !== 'Waiting') {
      return `job_id {${job.id}} cannot be paused as it has a status of {${job.status}}. Only jobs with a status of Active or Waiting can be paused.`
    }
    if (job.status === 'Paused') return undefined
    const now = this.clock()
    if (job.run?.segmentStart !== undefined && !job.run.stuck) {
      job.run.activeBefore += now - job.run.segmentStart
      job.run.segmentStart = undefined
    }
    job.status = 'Paused'
    job.lastUpdateTime = now
    return undefined
  }

  resume(job: StoredJob): string | undefined {
    if (job.status !== 'Paused' && job.status !== 'Active') {
      return `job_id {${job.id}} cannot be resumed as it has a status of {${job.status}}. Only jobs with a status of Paused can be resumed.`
    }
    if (job.status === 'Active') return undefined
    const now = this.clock()
    job.status = 'Active'
    job.lastUpdateTime = now
    // Resume publishes the task again and marks the job Active, whether or not it had been dispatched.
    if (!job.run) this.startRun(job, now)
    else if (!job.run.stuck) job.run.segmentStart = now
    return undefined
  }

  // ---------------------------------------------------------------------------------------------------------
  // lazy progress

  private settleAll(partition: string): void {
    const p = this.partition(partition)
    if (p.live.size === 0) return
    const now = this.clock()
    const pending = [...p.live].sort((a, b) => a.createTime - b.createTime)
    for (const job of pending) this.settle(p, job, now, new Set())
  }

  private settle(p: Partition, job: StoredJob, now: number, visiting: Set<StoredJob>): void {
    if (TERMINAL.has(job.status) || visiting.has(job)) return
    visiting.add(job)
    if (job.status === 'Waiting' && job.readyAt === undefined) {
      let eligibleFrom = job.createTime
      for (const depId of job.deps) {
        const dep = p.jobs.get(depId)
        if (!dep) return
        this.settle(p, dep, now, visiting)
        if (dep.status === 'Failed') return this.failFromPrerequisite(p, job, dep)
        if (dep.status !== 'Completed') return
        eligibleFrom = Math.max(eligibleFrom, dep.finishedAt ?? dep.lastUpdateTime)
      }
      job.readyAt = eligibleFrom + job.delayMs + JS_TIMING.schedulerMs
    }
    if (job.status === 'Waiting' && job.readyAt !== undefined && now >= job.readyAt) {
      job.status = 'Active'
      job.lastUpdateTime = job.readyAt
      this.startRun(job, job.readyAt)
    }
    if (job.status === 'Active') this.progress(p, job, now)
  }

  private startRun(job: StoredJob, at: number): void {
    const count = this.runs.get(job.taskHash) ?? 0
    this.runs.set(job.taskHash, count + 1)
    const demo = job.demo
    const fails = job.classifier === 'DemoWorker' && (demo.fail || count < demo.failTimes)
    job.run = {
      durationMs: demo.durationMs,
      ...(fails ? {failAtMs: Math.floor(demo.durationMs / 2)} : {}),
      message: demo.message ?? `${job.classifier} task failed`,
      activeBefore: 0,
      segmentStart: at,
    }
  }

  private progress(p: Partition, job: StoredJob, now: number): void {
    const run = job.run
    if (!run || run.segmentStart === undefined || run.stuck) return
    const start = run.segmentStart
    const end = run.failAtMs ?? run.durationMs
    const finishAt = start + (end - run.activeBefore)
    if (now >= finishAt) {
      job.finishedAt = finishAt
      job.lastUpdateTime = finishAt
      p.live.delete(job)
      if (run.failAtMs !== undefined) {
        job.status = 'Failed'
        job.percentageComplete = percent(run.failAtMs, run.durationMs)
        job.failures = [{
          failureId: 'TASK_FAILURE', failureTime: finishAt, failureSource: `${job.classifier.toLowerCase()}-worker`,
          failureMessage: `java.lang.RuntimeException: ${run.message}`,
        }]
        job.root = {id: job.id, failures: job.failures}
      } else {
        job.status = 'Completed'
        job.percentageComplete = 100
      }
      return
    }
    const ticks = Math.floor((now - start) / JS_TIMING.progressTickMs)
    if (ticks > 0) {
      job.lastUpdateTime = Math.max(job.lastUpdateTime, start + ticks * JS_TIMING.progressTickMs)
      job.percentageComplete = percent(run.activeBefore + ticks * JS_TIMING.progressTickMs, run.durationMs)
    }
  }

  /** internal_process_failed_dependent_jobs: the failure of the root task, its source prefixed `<partition>:<root>:`. */
  private failFromPrerequisite(p: Partition, job: StoredJob, prerequisite: StoredJob): void {
    const root = prerequisite.root ?? {id: prerequisite.id, failures: prerequisite.failures}
    const at = Math.max(job.createTime, prerequisite.finishedAt ?? prerequisite.lastUpdateTime)
    job.status = 'Failed'
    job.finishedAt = at
    job.lastUpdateTime = at
    job.root = root
    job.failures = root.failures.map(f => ({...f, failureSource: `${job.partition}:${root.id}:${f.failureSource}`}))
    p.live.delete(job)
  }

  // ---------------------------------------------------------------------------------------------------------
  // seeding

  /** A realistic deterministic history in `partition` (PRODUCT.md §7 sandbox): n jobs over the last 7 days. */
  seed(partition: string, n: number, seed: number): void {
    const rnd = new Random((seed ^ 0x5eed0b5) >>> 0)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd.next() * xs.length)]!
    const p = this.partition(partition)
    const now = this.clock()
    const span = 7 * 24 * 3600_000
    const kinds = [
      {prefix: 'ingest', classifier: 'BatchWorker', name: 'Ingest batch'},
      {prefix: 'export', classifier: 'ExportWorker', name: 'Export'},
      {prefix: 'reindex', classifier: 'IndexWorker', name: 'Reindex'},
      {prefix: 'ocr', classifier: 'OcrWorker', name: 'OCR pass'},
    ] as const
    const owners = ['alice', 'bob', 'carol', 'dave', 'erin'] as const
    // Outcomes spread evenly (a golden-ratio sequence, not independent draws), so even a small history has its
    // share of Failed, Cancelled and running jobs for `job list --status Failed` to find.
    const phase = rnd.next()
    const teams = ['ingest', 'search', 'archive'] as const
    for (let i = 0; i < n; i++) {
      const kind = pick(kinds)
      const id = `${kind.prefix}-${String(i + 1).padStart(6, '0')}`
      const createTime = Math.floor(now - span + (span * (i + rnd.next())) / Math.max(n, 1)) - 60_000
      const labels: Record<string, string> = {owner: pick(owners)}
      if (rnd.next() < 0.8) labels.team = pick(teams)
      const day = new Date(createTime).toISOString().slice(0, 10)
      labels.batch = `${day}-${Math.floor(rnd.next() * 4)}`
      const durationMs = Math.floor(30_000 + rnd.next() * 3600_000)
      const job: StoredJob = {
        id, name: `${kind.name} ${i + 1}`, ...(rnd.next() < 0.3 ? {description: `${kind.name} for ${labels.owner}`} : {}),
        createTime, lastUpdateTime: createTime, status: 'Completed', percentageComplete: 100, failures: [], labels,
        partition, hash: hashOf({seeded: id}), taskHash: hashOf({seededTask: id}), classifier: kind.classifier,
        demo: {durationMs, fail: false, failTimes: 0}, deps: [], delayMs: 0,
      }
      const r = (phase + i * 0.6180339887) % 1
      const age = now - createTime
      if (r < 0.78 || age < 0) {
        job.finishedAt = Math.min(now - 1000, createTime + durationMs)
        job.lastUpdateTime = Math.max(createTime, job.finishedAt)
      } else if (r < 0.86) {
        const at = Math.min(now - 1000, createTime + Math.floor(durationMs * rnd.next()))
        job.status = 'Failed'
        job.percentageComplete = Math.round(rnd.next() * 900) / 10
        job.finishedAt = Math.max(createTime, at)
        job.lastUpdateTime = job.finishedAt
        job.failures = [{
          failureId: 'TASK_FAILURE', failureTime: job.finishedAt, failureSource: `${kind.classifier.toLowerCase()}-worker`,
          failureMessage: pick(['java.lang.RuntimeException: Unable to read source document', 'java.io.IOException: Connection reset by peer',
            'java.lang.IllegalStateException: Storage quota exceeded', 'java.util.concurrent.TimeoutException: Task timed out after 600s']),
        }]
        job.root = {id, failures: job.failures}
      } else if (r < 0.89) {
        job.status = 'Cancelled'
        job.percentageComplete = Math.round(rnd.next() * 500) / 10
        job.lastUpdateTime = Math.min(now - 1000, createTime + Math.floor(rnd.next() * 600_000))
      } else if (r < 0.985) {
        // Still running: the most recent ones, so their progress is plausible.
        const sub = rnd.next()
        job.createTime = now - Math.floor(rnd.next() * 1800_000) - 1000
        if (sub < 0.6) {
          job.status = 'Active'
          const done = Math.floor(rnd.next() * durationMs * 0.9)
          job.run = {durationMs: durationMs + 3600_000, message: `${kind.classifier} task failed`, activeBefore: done, segmentStart: now}
          job.percentageComplete = percent(done, durationMs + 3600_000)
          job.lastUpdateTime = now - Math.floor(rnd.next() * 5000)
        } else if (sub < 0.85) {
          // Waiting on an upstream job that has not been created yet.
          job.status = 'Waiting'
          job.percentageComplete = 0
          job.deps = [`upstream-${String(i + 1).padStart(6, '0')}`]
          job.lastUpdateTime = job.createTime
        } else {
          job.status = 'Paused'
          const done = Math.floor(rnd.next() * durationMs * 0.9)
          job.run = {durationMs, message: `${kind.classifier} task failed`, activeBefore: done}
          job.percentageComplete = percent(done, durationMs)
          job.lastUpdateTime = job.createTime + Math.floor(rnd.next() * (now - job.createTime))
        }
      } else {
        // Stuck: Active, no progress for hours.
        job.status = 'Active'
        job.createTime = now - Math.floor((6 + rnd.next() * 24) * 3600_000)
        job.lastUpdateTime = now - Math.floor((2 + rnd.next() * 4) * 3600_000)
        job.percentageComplete = Math.round(rnd.next() * 800) / 10
        job.run = {durationMs, message: `${kind.classifier} task failed`, activeBefore: 0, stuck: true}
      }
      p.jobs.set(id, job)
      if (!TERMINAL.has(job.status)) p.live.add(job)
    }
  }
}

function percent(activeMs: number, durationMs: number): number {
  if (durationMs <= 0) return 100
  return Math.min(99.9, Math.floor((activeMs / durationMs) * 1000) / 10)
}

/** The public shape: never task, taskData, prerequisiteJobIds or delay. */
export function jobBody(job: StoredJob): JobView {
  return {
    id: job.id,
    ...(job.name !== undefined ? {name: job.name} : {}),
    ...(job.description !== undefined ? {description: job.description} : {}),
    ...(job.externalData !== undefined ? {externalData: job.externalData} : {}),
    createTime: job.createTime, lastUpdateTime: job.lastUpdateTime, status: job.status, percentageComplete: job.percentageComplete,
    failures: job.failures.map(f => ({...f})), labels: {...job.labels},
  }
}
