// One Job Service job (job-service.md §3–§6) as the sandbox stores it, the public view GET answers, and the timing
// of its lifecycle (job-machine.ts). The store is job-store.ts.
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
  /** null when not given: the generated Job model has no @JsonInclude, so Jackson writes the nulls. */
  name: string | null
  description: string | null
  externalData: string | null
  createTime: number
  lastUpdateTime: number
  status: JobStatus
  percentageComplete: number
  failures: Failure[]
  /** A label's value may be null: the column is nullable and a PUT may send null. */
  labels: Record<string, string | null>
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
  /** NewJob.hashCode() as JobsPut stored it (job_hash): a PUT with the same hash answers 204. */
  hash: number
  /** Hash of the task alone: DemoWorker counts runs per task definition. */
  taskHash: string
  classifier: string
  demo: DemoTask
  /** job_dependency rows of this job: the prerequisites it still waits for. */
  awaiting: Set<string>
  /** The job row's delay: added when the last prerequisite completes. */
  delayMs: number
  /**
   * job_task_data: the task, not yet sent to its worker; `eligibleAt` unset while prerequisites are awaited. Absent once
   * sent, and from the start for a job created with prerequisites all satisfied and no delay (create_job stores none).
   */
  task?: {eligibleAt?: number}
  /** The task reached the worker while the job was Paused: held (stowed) until a resume. */
  stowed?: boolean
  run?: Run
  /** A completion report not applied yet (completed_subtask_report): when it came. Reads apply it. */
  completedAt?: number
  /** When it reached Completed/Failed. */
  finishedAt?: number
  /** Failed jobs: the job whose task failed (itself, or the prerequisite it inherited the failure from). */
  root?: {id: string; failures: Failure[]}
  /** Scheduled events (event queue entries) still meant for this job: a newer one replaces the older. */
  pending: {dispatch?: number; finish?: number}
}

/** What create_job receives. */
export interface NewJobDefinition {
  name: string | null
  description: string | null
  externalData: string | null
  hash: number
  classifier: string
  /** The job_task_data columns limited to 255 characters: taskClassifier, taskPipe, targetPipe. */
  taskColumns: Array<string | null>
  taskHash: string
  demo: DemoTask
  /** Entries as JobsPut passes them (nulls and blanks dropped), options not yet split off. */
  prerequisites: string[]
  delaySeconds: number
  labels: Map<string, string | null>
}

/** What the worker side will do next to a job: send its task, or report the end of its run. */
export interface JobEvent {
  at: number
  seq: number
  job: StoredJob
  kind: 'dispatch' | 'finish'
}

export interface Partition {
  name: string
  jobs: Map<string, StoredJob>
  /** job_dependency rows by the prerequisite they name (the job may not exist, or may have been deleted). */
  dependents: Map<string, Set<StoredJob>>
  /** Jobs whose run is in an active segment: their progress moves with the clock. */
  running: Set<StoredJob>
  /** Future events, earliest first (a binary heap on at, then seq). */
  events: JobEvent[]
}

export function percent(activeMs: number, durationMs: number): number {
  if (durationMs <= 0) return 100
  return Math.min(99.9, Math.floor((activeMs / durationMs) * 1000) / 10)
}

/** The public shape, all ten fields always (DatabaseHelper.getJob sets each): never task, prerequisites or delay. */
export function jobBody(job: StoredJob): JobView {
  return {
    id: job.id,
    name: job.name,
    description: job.description,
    externalData: job.externalData,
    createTime: job.createTime,
    lastUpdateTime: job.lastUpdateTime,
    status: job.status,
    percentageComplete: job.percentageComplete,
    failures: job.failures.map(f => ({...f})),
    labels: {...job.labels},
  }
}
