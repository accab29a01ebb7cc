// Job Service jobs per partition (job-service.md §3–§6), in memory: create, read, delete, and the state changes
// asked for by handlers, each job brought up to the sandbox clock first by its lifecycle (job-machine.ts).
import {JobMachine} from './job-machine.js'
import type {JobStatus, NewJobDefinition, Partition, StoredJob} from './job.js'
import {seedJobs} from './seed.js'

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
      id,
      ...(def.name !== undefined ? {name: def.name} : {}),
      ...(def.description !== undefined ? {description: def.description} : {}),
      ...(def.externalData !== undefined ? {externalData: def.externalData} : {}),
      createTime: now,
      lastUpdateTime: now,
      status: 'Waiting',
      percentageComplete: 0,
      failures: [],
      labels: def.labels,
      partition,
      hash,
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
