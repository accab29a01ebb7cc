// Job Service jobs per partition, in memory: what each SQL function does to them (JobService/job-service@6f66d0b),
// each request having first brought the partition up to the sandbox clock (job-machine.ts).
//
// Reads differ in what they see, as in the service: get_job (GET, status, isActive, resume) applies a pending
// completion report before answering; get_jobs (the list, and the bulk calls through it) selects, sorts and pages on
// the rows as they are, then applies the reports of the page's jobs; get_jobs_count applies nothing. So a job whose
// run has ended but that nobody has read since still counts as Active, and may still be picked by a NotFinished list.
import type {InsertSite} from './db-errors.js'
import {collate} from './filter.js'
import {JobMachine} from './job-machine.js'
import type {JobStatus, NewJobDefinition, Partition, StoredJob} from './job.js'
import {seedJobs} from './seed.js'

export type CreateResult = 'created' | 'identical' | 'conflict' | {failed: string[]} | {tooLong: {length: number; site: InsertSite; withDependencies: boolean}}

/** CAF_CANCEL_JOBS_BATCH_LIMIT and CAF_DELETE_JOBS_BATCH_LIMIT when unset (AppConfig). */
export const BULK_BATCH = 100

/** PostgreSQL counts characters (code points), not UTF-16 units. */
const chars = (s: string) => [...s].length

/**
 * create_job's reading of prerequisite entries: each cast to VARCHAR(128) (truncated), the id up to the first comma,
 * the options after it split on commas (not trimmed); a repeated id is taken once, precreated if any entry says `pc`.
 */
export function prerequisiteOptions(entries: readonly string[]): Array<{id: string; precreated: boolean}> {
  const byId = new Map<string, boolean>()
  for (const entry of entries) {
    const text = [...entry].slice(0, 128).join('')
    const comma = text.indexOf(',')
    const id = comma < 0 ? text : text.slice(0, comma)
    const precreated =
      comma >= 0 &&
      text
        .slice(comma + 1)
        .split(',')
        .includes('pc')
    byId.set(id, (byId.get(id) ?? false) || precreated)
  }
  return [...byId].map(([id, precreated]) => ({id, precreated}))
}

export class JobStore {
  private readonly partitions = new Map<string, Partition>()
  private readonly machine = new JobMachine()

  constructor(private readonly clock: () => number) {}

  /** The partition, brought up to now. */
  private at(name: string): Partition {
    let p = this.partitions.get(name)
    if (!p) {
      p = {name, jobs: new Map(), dependents: new Map(), running: new Set(), events: []}
      this.partitions.set(name, p)
    }
    this.machine.advance(p, this.clock())
    return p
  }

  /** Every job of the partition as its row stands (no pending report applied): what lists and counts select on. */
  all(partition: string): StoredJob[] {
    return [...this.at(partition).jobs.values()]
  }

  /** The job as its row stands (cancel_job, pause_job and delete_job read no pending report). */
  find(partition: string, id: string): StoredJob | undefined {
    return this.at(partition).jobs.get(id)
  }

  /** get_job: the job with its pending completion report applied. */
  read(partition: string, id: string): StoredJob | undefined {
    const p = this.at(partition)
    const job = p.jobs.get(id)
    if (job) this.machine.applyPending(p, job, this.clock())
    return job
  }

  /** What get_jobs does to each job of the page it returns, after choosing them. */
  applyPending(job: StoredJob): void {
    this.machine.applyPending(this.at(job.partition), job, this.clock())
  }

  /**
   * create_job: the job row first (its varchar columns may be too narrow: 22001), then 204/403 for an existing id,
   * then the labels, then the task (without prerequisites) or the prerequisites: existing ones read with their
   * pending reports applied, a Failed one refuses the whole job, the others not Completed (or missing without `,pc`)
   * become job_dependency rows; the task is stored only when there are rows or a positive delay.
   */
  create(partition: string, id: string, def: NewJobDefinition): CreateResult {
    const p = this.at(partition)
    const now = this.clock()
    const withDependencies = def.prerequisites.length > 0
    const tooLong = (length: number, site: InsertSite): CreateResult => ({tooLong: {length, site, withDependencies}})
    if (chars(id) > 48 || (def.name !== null && chars(def.name) > 255)) return tooLong(chars(id) > 48 ? 48 : 255, 'job')
    const existing = p.jobs.get(id)
    if (existing) return existing.hash === def.hash ? 'identical' : 'conflict'
    if ([...def.labels].some(([k, v]) => chars(k) > 255 || (v !== null && chars(v) > 255))) return tooLong(255, 'labels')
    const taskTooLong = def.taskColumns.some(c => c !== null && chars(c) > 255)
    if (!withDependencies && taskTooLong) return tooLong(255, 'taskData')

    const awaiting = new Set<string>()
    let task: StoredJob['task'] = {eligibleAt: now + def.delaySeconds * 1000}
    if (withDependencies) {
      // The existing prerequisites are read with their pending reports applied (a report makes a job Completed); the
      // statement fails as a whole on an error below, so nothing is applied unless the job is created.
      const prerequisites = prerequisiteOptions(def.prerequisites).map(pre => ({...pre, job: p.jobs.get(pre.id)}))
      const failed = prerequisites.filter(r => r.job?.status === 'Failed').map(r => r.id)
      // array_agg over a scan of the job table: no defined order. The sandbox names them as the PUT did.
      if (failed.length > 0) return {failed}
      for (const pre of prerequisites) {
        const done = pre.job !== undefined && (pre.job.status === 'Completed' || pre.job.completedAt !== undefined)
        if (pre.job ? !done : !pre.precreated) awaiting.add(pre.id)
      }
      if ([...awaiting].some(d => chars(d) > 48)) return tooLong(48, 'dependencies')
      // `IF FOUND OR in_delay > 0 OR in_suspended_partition THEN INSERT INTO job_task_data …`
      if (awaiting.size === 0 && def.delaySeconds <= 0) task = undefined
      else if (taskTooLong) return tooLong(255, 'taskDataWithDependencies')
      else if (awaiting.size > 0) task = {}
      for (const pre of prerequisites) if (pre.job) this.machine.applyPending(p, pre.job, now)
    }

    const job: StoredJob = {
      id,
      name: def.name,
      description: def.description,
      externalData: def.externalData,
      createTime: now,
      lastUpdateTime: now,
      status: 'Waiting',
      percentageComplete: 0,
      failures: [],
      labels: Object.fromEntries(def.labels),
      partition,
      hash: def.hash,
      taskHash: def.taskHash,
      classifier: def.classifier,
      demo: def.demo,
      awaiting,
      delayMs: def.delaySeconds * 1000,
      ...(task ? {task} : {}),
      pending: {},
    }
    this.machine.adopt(p, job, now)
    return 'created'
  }

  delete(partition: string, id: string): boolean {
    const p = this.at(partition)
    const job = p.jobs.get(id)
    if (!job) return false
    this.machine.remove(p, job)
    return true
  }

  /** undefined = done; 'finished' = refused (Completed or Failed). */
  cancel(job: StoredJob): 'finished' | undefined {
    return this.machine.cancel(this.at(job.partition), job, this.clock())
  }

  /** undefined = done; a status = refused, the job has it. */
  pause(job: StoredJob): JobStatus | undefined {
    return this.machine.pause(this.at(job.partition), job, this.clock())
  }

  /** undefined = done; a status = refused, the job has it. */
  resume(job: StoredJob): JobStatus | undefined {
    return this.machine.resume(this.at(job.partition), job, this.clock())
  }

  /**
   * cancel_jobs, called until a batch is empty: each batch is the first BULK_BATCH NotFinished matches by job_id
   * descending, as get_jobs finds them; get_jobs applies their pending reports, then cancel_job runs on each in
   * job_id order. A match that was in fact Completed makes cancel_job raise: that batch is rolled back (its reports
   * stay pending), earlier batches stay done. `refused`: the job that raised.
   */
  cancelMatching(partition: string, test: (job: StoredJob) => boolean): {cancelled: number; refused?: string} {
    const p = this.at(partition)
    const now = this.clock()
    let cancelled = 0
    for (;;) {
      const batch = this.batch(p, job => (job.status === 'Active' || job.status === 'Paused' || job.status === 'Waiting') && test(job))
      if (batch.length === 0) return {cancelled}
      const completed = batch.find(job => job.completedAt !== undefined)
      if (completed) return {cancelled, refused: completed.id}
      for (const job of batch) this.machine.cancel(p, job, now)
      cancelled += batch.length
    }
  }

  /** delete_jobs, called until a batch is empty: every status, Active included. */
  deleteMatching(partition: string, test: (job: StoredJob) => boolean): number {
    const p = this.at(partition)
    let deleted = 0
    for (;;) {
      const batch = this.batch(p, test)
      if (batch.length === 0) return deleted
      for (const job of batch) this.machine.remove(p, job)
      deleted += batch.length
    }
  }

  /** One get_jobs page for the bulk functions (sort job_id descending, limit BULK_BATCH), in job_id order. */
  private batch(p: Partition, test: (job: StoredJob) => boolean): StoredJob[] {
    const matching = [...p.jobs.values()].filter(test)
    return matching
      .sort((a, b) => collate(b.id, a.id))
      .slice(0, BULK_BATCH)
      .sort((a, b) => collate(a.id, b.id))
  }

  /** A realistic deterministic history in `partition` (seed.ts). */
  seed(partition: string, n: number, seed: number): void {
    const p = this.at(partition)
    const now = this.clock()
    for (const job of seedJobs(partition, n, seed, now)) this.machine.adopt(p, job, now)
  }
}
