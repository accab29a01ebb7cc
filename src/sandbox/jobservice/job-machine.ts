// The life of Job Service jobs over time, as the service's SQL and its workers give it (JobService/job-service@6f66d0b,
// job-service-db/…/functions). Nothing runs on a timer: every request first brings its partition up to the sandbox
// clock (`advance`), handling the events that fell due in the meantime, in time order.
//
//   create_job        the job row (Waiting); job_dependency rows for each prerequisite not yet Completed (a missing
//                     one too, unless `,pc`); job_task_data (the task) unless there are no such rows and delay is 0:
//                     such a job is never sent to a worker and stays Waiting.
//   dispatch          the scheduler sends an eligible task (no rows left, eligible date passed); the worker's first
//                     progress report makes a Waiting job Active. A Paused job's task is stowed; a Cancelled one's
//                     is dropped.
//   finish (fail)     report_failure: Failed, percentageComplete 0, and at once every job depending on it, however
//                     far down and whatever its status (Cancelled ones too), Failed with the root's failure, its
//                     failureSource prefixed `<partition>:<root id>:`.
//   finish (success)  report_complete: if some job depends on it, Completed now and the dependents released (their
//                     delay counts from now); otherwise only a completed_subtask_report row, applied by the next
//                     read of the job (get_job, a get_jobs page, create_job's prerequisite check), which stamps
//                     lastUpdateTime with the time of that read. Until then the job is Active everywhere else.
//
// Demo task classifier `DemoWorker` (taskData object, or a string taskData holding that JSON):
//   {durationSeconds?: number (default 2), fail?: boolean, failTimes?: number, message?: string}
//   fail: true       → every run fails;
//   failTimes: N     → the first N runs of this task definition (hash of `task`, counted across deletes and
//                      new job ids) fail, later runs complete;
//   a failing run fails half-way through its duration with
//   {failureId: 'TASK_FAILURE', failureSource: 'demoworker-worker', failureMessage: 'java.lang.RuntimeException: <message>'}.
// Any other classifier completes after 2 s. The sandbox's worker holds a paused job's task (progress stops) until it
// is resumed.
import {type JobEvent, type JobStatus, JS_TIMING, type Partition, percent, type StoredJob} from './job.js'

export class JobMachine {
  /** Runs started per task hash (DemoWorker failTimes). */
  private readonly runs = new Map<string, number>()
  private seq = 0

  /** Handles every event due by `now`, in time order, then brings running jobs' progress up to `now`. */
  advance(p: Partition, now: number): void {
    for (let e = peek(p); e !== undefined && e.at <= now; e = peek(p)) {
      pop(p)
      const job = e.job
      if (p.jobs.get(job.id) !== job || job.pending[e.kind] !== e.seq) continue // deleted, or rescheduled
      job.pending[e.kind] = undefined
      if (e.kind === 'dispatch') this.dispatch(p, job, e.at)
      else this.finish(p, job, e.at)
    }
    for (const job of p.running) this.progress(job, now)
  }

  /** A job as create_job made it, or as the seed left it: its rows indexed, its next event scheduled. */
  adopt(p: Partition, job: StoredJob, now: number): void {
    p.jobs.set(job.id, job)
    for (const id of job.awaiting) rowsOf(p, id).add(job)
    if (job.task?.eligibleAt !== undefined && job.awaiting.size === 0) this.schedule(p, job, 'dispatch', Math.max(job.task.eligibleAt, now) + JS_TIMING.schedulerMs)
    const run = job.run
    if (job.status === 'Active' && run?.segmentStart !== undefined && !run.stuck) {
      p.running.add(job)
      this.schedule(p, job, 'finish', run.segmentStart + (runEnd(run) - run.activeBefore))
    }
  }

  /** delete_job: the row and its own job_dependency rows; rows naming it as a prerequisite stay. */
  remove(p: Partition, job: StoredJob): void {
    p.jobs.delete(job.id)
    p.running.delete(job)
    for (const id of job.awaiting) p.dependents.get(id)?.delete(job)
  }

  /** internal_update_job_progress: a pending completion report is applied, stamped with the time of this read. */
  applyPending(p: Partition, job: StoredJob, now: number): void {
    if (job.completedAt !== undefined) this.complete(p, job, now)
  }

  /** cancel_job: undefined = done; 'finished' = refused (Completed or Failed). A pending completion is dropped. */
  cancel(p: Partition, job: StoredJob, now: number): 'finished' | undefined {
    if (job.status === 'Completed' || job.status === 'Failed') return 'finished'
    job.completedAt = undefined
    if (job.status !== 'Cancelled') {
      job.status = 'Cancelled'
      job.lastUpdateTime = now
      this.stop(p, job, now)
    }
    return undefined
  }

  /** pause_job: undefined = done; a status = refused, the job has it. A pending completion stays (and wins later). */
  pause(p: Partition, job: StoredJob, now: number): JobStatus | undefined {
    if (job.status !== 'Active' && job.status !== 'Paused' && job.status !== 'Waiting') return job.status
    if (job.status === 'Paused') return undefined
    this.stop(p, job, now)
    job.status = 'Paused'
    job.lastUpdateTime = now
    return undefined
  }

  /**
   * JobsResume after get_job: undefined = done; a status = refused. Active: nothing to do. Paused: Active now; a held
   * task runs on, a stowed one starts; a task not sent yet is sent when its prerequisites and delay allow.
   */
  resume(p: Partition, job: StoredJob, now: number): JobStatus | undefined {
    if (job.status !== 'Paused' && job.status !== 'Active') return job.status
    if (job.status === 'Active') return undefined
    job.status = 'Active'
    job.lastUpdateTime = now
    const run = job.run
    if (run && !run.stuck && job.completedAt === undefined && job.finishedAt === undefined) {
      run.segmentStart = now
      p.running.add(job)
      this.schedule(p, job, 'finish', now + (runEnd(run) - run.activeBefore))
    } else if (job.stowed) {
      job.stowed = false
      this.start(p, job, now)
    }
    return undefined
  }

  // -------------------------------------------------------------------------------------------------------------

  private schedule(p: Partition, job: StoredJob, kind: JobEvent['kind'], at: number): void {
    const seq = ++this.seq
    job.pending[kind] = seq
    push(p, {at, seq, job, kind})
  }

  /** The scheduler sends the task (job_task_data row deleted). */
  private dispatch(p: Partition, job: StoredJob, at: number): void {
    job.task = undefined
    if (job.status === 'Waiting' || job.status === 'Active') this.start(p, job, at)
    else if (job.status === 'Paused') job.stowed = true
    // Cancelled: the worker finds the job inactive and drops the task.
  }

  /** The worker starts the task and reports progress at once: Active. */
  private start(p: Partition, job: StoredJob, at: number): void {
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
    job.status = 'Active'
    job.lastUpdateTime = at
    p.running.add(job)
    this.schedule(p, job, 'finish', at + runEnd(job.run))
  }

  /** Progress stops (pause, cancel): what ran so far is kept for a resume. */
  private stop(p: Partition, job: StoredJob, now: number): void {
    job.pending.finish = undefined
    if (!p.running.delete(job)) return
    const run = job.run!
    this.progress(job, now)
    run.activeBefore += now - run.segmentStart!
    run.segmentStart = undefined
  }

  /** The worker's progress reports up to `now` (strictly before it when `before`): percentageComplete and lastUpdateTime. */
  private progress(job: StoredJob, now: number, before = false): void {
    const run = job.run
    if (run?.segmentStart === undefined) return
    const elapsed = now - run.segmentStart
    const ticks = before ? Math.ceil(elapsed / JS_TIMING.progressTickMs) - 1 : Math.floor(elapsed / JS_TIMING.progressTickMs)
    if (ticks <= 0) return
    job.lastUpdateTime = Math.max(job.lastUpdateTime, run.segmentStart + ticks * JS_TIMING.progressTickMs)
    job.percentageComplete = percent(run.activeBefore + ticks * JS_TIMING.progressTickMs, run.durationMs)
  }

  private finish(p: Partition, job: StoredJob, at: number): void {
    const run = job.run!
    this.progress(job, at, true)
    p.running.delete(job)
    run.activeBefore += at - run.segmentStart!
    run.segmentStart = undefined
    if (run.failAtMs !== undefined) return this.fail(p, job, at, run.message)
    // report_complete: applied at once only when a job_dependency row names this job.
    if ((p.dependents.get(job.id)?.size ?? 0) > 0) this.complete(p, job, at)
    else job.completedAt = at
  }

  /** internal_report_task_status(…, 'Completed', 100): then the dependents are released (process_dependent_jobs). */
  private complete(p: Partition, job: StoredJob, at: number): void {
    job.completedAt = undefined
    job.status = 'Completed'
    job.percentageComplete = 100
    job.failures = []
    job.lastUpdateTime = at
    job.finishedAt = at
    const rows = p.dependents.get(job.id)
    if (!rows) return
    p.dependents.delete(job.id)
    for (const dependent of rows) {
      dependent.awaiting.delete(job.id)
      if (dependent.awaiting.size > 0 || !dependent.task) continue
      dependent.task.eligibleAt = at + dependent.delayMs
      this.schedule(p, dependent, 'dispatch', Math.max(dependent.task.eligibleAt, at) + JS_TIMING.schedulerMs)
    }
  }

  /** report_failure, then internal_process_failed_dependent_jobs. */
  private fail(p: Partition, job: StoredJob, at: number, message: string): void {
    job.status = 'Failed'
    job.percentageComplete = 0
    job.failures = [{failureId: 'TASK_FAILURE', failureTime: at, failureSource: `${job.classifier.toLowerCase()}-worker`, failureMessage: `java.lang.RuntimeException: ${message}`}]
    job.lastUpdateTime = at
    job.finishedAt = at
    job.root = {id: job.id, failures: job.failures}
    const root = job.root
    const queue = [job.id]
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const rows = p.dependents.get(id)
      if (!rows) continue
      for (const dependent of [...rows]) {
        for (const prerequisite of dependent.awaiting) p.dependents.get(prerequisite)?.delete(dependent)
        dependent.awaiting.clear()
        dependent.status = 'Failed'
        dependent.percentageComplete = 0
        dependent.failures = root.failures.map(f => ({...f, failureSource: `${p.name}:${root.id}:${f.failureSource}`}))
        dependent.lastUpdateTime = at
        dependent.finishedAt = at
        dependent.completedAt = undefined
        dependent.root = root
        dependent.pending = {}
        p.running.delete(dependent)
        queue.push(dependent.id)
      }
      p.dependents.delete(id)
    }
  }
}

/** The job_dependency rows naming `id` (created on demand). */
export function rowsOf(p: Partition, id: string): Set<StoredJob> {
  let rows = p.dependents.get(id)
  if (!rows) {
    rows = new Set()
    p.dependents.set(id, rows)
  }
  return rows
}

/** Active time at which a run ends, by failing or completing. */
const runEnd = (run: NonNullable<StoredJob['run']>) => run.failAtMs ?? run.durationMs

// A binary heap ordered by (at, seq).
const before = (a: JobEvent, b: JobEvent) => a.at < b.at || (a.at === b.at && a.seq < b.seq)

function peek(p: Partition): JobEvent | undefined {
  return p.events[0]
}

function push(p: Partition, e: JobEvent): void {
  const h = p.events
  h.push(e)
  for (let i = h.length - 1; i > 0;) {
    const parent = (i - 1) >> 1
    if (!before(h[i]!, h[parent]!)) break
    ;[h[i], h[parent]] = [h[parent]!, h[i]!]
    i = parent
  }
}

function pop(p: Partition): void {
  const h = p.events
  const last = h.pop()!
  if (h.length === 0) return
  h[0] = last
  for (let i = 0; ;) {
    const l = 2 * i + 1
    const r = l + 1
    let m = i
    if (l < h.length && before(h[l]!, h[m]!)) m = l
    if (r < h.length && before(h[r]!, h[m]!)) m = r
    if (m === i) break
    ;[h[i], h[m]] = [h[m]!, h[i]!]
    i = m
  }
}
