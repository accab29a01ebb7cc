// The lifecycle of a Job Service job (job-service.md §3–§6): Waiting → Active → Completed/Failed, Paused and Cancelled
// on request. Progress is computed lazily from the sandbox clock whenever a handler looks (`settle`), never by timers.
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
import {type JobStatus, JS_TIMING, type Partition, percent, type StoredJob, TERMINAL} from './job.js'

export class JobMachine {
  /** Runs started per task hash (DemoWorker failTimes). */
  private readonly runs = new Map<string, number>()

  constructor(private readonly clock: () => number) {}

  /** undefined = done; 'finished' = refused (Completed or Failed). */
  cancel(job: StoredJob, p: Partition): 'finished' | undefined {
    if (job.status === 'Completed' || job.status === 'Failed') return 'finished'
    if (job.status !== 'Cancelled') {
      job.status = 'Cancelled'
      job.lastUpdateTime = this.clock()
      p.live.delete(job)
    }
    return undefined
  }

  /** undefined = done; a status = refused, the job has it. */
  pause(job: StoredJob): JobStatus | undefined {
    if (job.status !== 'Active' && job.status !== 'Paused' && job.status !== 'Waiting') return job.status
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

  /** undefined = done; a status = refused, the job has it. */
  resume(job: StoredJob): JobStatus | undefined {
    if (job.status !== 'Paused' && job.status !== 'Active') return job.status
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

  /** Brings every live job of the partition up to now, oldest first. */
  settleAll(p: Partition): void {
    if (p.live.size === 0) return
    const now = this.clock()
    const pending = [...p.live].sort((a, b) => a.createTime - b.createTime)
    for (const job of pending) this.settle(p, job, now, new Set())
  }

  settle(p: Partition, job: StoredJob, now: number, visiting: Set<StoredJob>): void {
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
        job.failures = [
          {
            failureId: 'TASK_FAILURE',
            failureTime: finishAt,
            failureSource: `${job.classifier.toLowerCase()}-worker`,
            failureMessage: `java.lang.RuntimeException: ${run.message}`,
          },
        ]
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
}
