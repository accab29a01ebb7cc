// One Job Service job (job-service.md §3–§6) as the sandbox stores it, the public view GET answers, and the timing
// of its lifecycle (job-machine.ts). The store is job-store.ts.
import {createHash} from 'node:crypto'
import {canonicalJson} from '../../shared/canonical-json.js'
import type {JobStatus} from '../../shared/job-status.js'

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

export type {JobStatus}

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

export interface Run {
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

export interface Partition {
  jobs: Map<string, StoredJob>
  /** Jobs not yet Completed/Failed/Cancelled: the only ones settle has to look at. */
  live: Set<StoredJob>
}

export const TERMINAL = new Set<JobStatus>(['Completed', 'Failed', 'Cancelled'])

export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

export function percent(activeMs: number, durationMs: number): number {
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
    createTime: job.createTime,
    lastUpdateTime: job.lastUpdateTime,
    status: job.status,
    percentageComplete: job.percentageComplete,
    failures: job.failures.map(f => ({...f})),
    labels: {...job.labels},
  }
}
