// Job Service jobs per partition (job-service.md §3–§6), in memory: create, read, delete, and the state changes
// asked for by handlers, each job brought up to the sandbox clock first by its lifecycle (job-machine.ts).
import {JobMachine} from './job-machine.js'
import type {InsertSite} from './db-errors.js'
import type {JobStatus, NewJobDefinition, Partition, StoredJob} from './job.js'
import {seedJobs} from './seed.js'

export type CreateResult = 'created' | 'identical' | 'conflict' | {failed: string[]} | {tooLong: {length: number; site: InsertSite; withDependencies: boolean}}

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
  private readonly machine: JobMachine

  constructor(private readonly clock: () => number) {
    this.machine = new JobMachine(clock)
  }

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

  /**
   * create_job: the job row first (its varchar columns may be too narrow: 22001), then 204/403 for an existing id,
   * then labels, then the task or the prerequisites.
   */
  create(partition: string, id: string, def: NewJobDefinition): CreateResult {
    const p = this.partition(partition)
    this.settleAll(partition)
    const withDependencies = def.prerequisites.length > 0
    const tooLong = (length: number, site: InsertSite): CreateResult => ({tooLong: {length, site, withDependencies}})
    if (chars(id) > 48 || (def.name !== null && chars(def.name) > 255)) return tooLong(chars(id) > 48 ? 48 : 255, 'job')
    const existing = p.jobs.get(id)
    if (existing) return existing.hash === def.hash ? 'identical' : 'conflict'
    if ([...def.labels].some(([k, v]) => chars(k) > 255 || (v !== null && chars(v) > 255))) return tooLong(255, 'labels')
    const taskTooLong = def.taskColumns.some(c => c !== null && chars(c) > 255)
    if (!withDependencies && taskTooLong) return tooLong(255, 'taskData')
    const prerequisites = prerequisiteOptions(def.prerequisites)
    const failed = prerequisites.filter(r => p.jobs.get(r.id)?.status === 'Failed').map(r => r.id)
    if (failed.length > 0) return {failed}
    const deps = new Set<string>()
    for (const pre of prerequisites) {
      const job = p.jobs.get(pre.id)
      if (job ? job.status !== 'Completed' : !pre.precreated) deps.add(pre.id)
    }
    if ([...deps].some(d => chars(d) > 48)) return tooLong(48, 'dependencies')
    if (withDependencies && (deps.size > 0 || def.delaySeconds > 0) && taskTooLong) return tooLong(255, 'taskDataWithDependencies')
    const now = this.clock()
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
      deps: [...deps],
      delayMs: Math.max(0, def.delaySeconds) * 1000,
    }
    p.jobs.set(id, job)
    p.live.add(job)
    this.machine.settle(p, job, now, new Set())
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

  /** undefined = done; 'finished' = refused (Completed or Failed). */
  cancel(job: StoredJob): 'finished' | undefined {
    return this.machine.cancel(job, this.partition(job.partition))
  }

  /** undefined = done; a status = refused, the job has it. */
  pause(job: StoredJob): JobStatus | undefined {
    return this.machine.pause(job)
  }

  /** undefined = done; a status = refused, the job has it. */
  resume(job: StoredJob): JobStatus | undefined {
    return this.machine.resume(job)
  }

  private settleAll(partition: string): void {
    this.machine.settleAll(this.partition(partition))
  }

  /** A realistic deterministic history in `partition` (seed.ts). */
  seed(partition: string, n: number, seed: number): void {
    seedJobs(this.partition(partition), partition, n, seed, this.clock())
  }
}
