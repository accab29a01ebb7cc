// Types named after the definitions of specs/jobservice-swagger.yaml (reference/job-service.md §3).
import {JOB_STATUSES, type JobStatus} from '../../shared/job-status.js'

export interface PingResponse {
  success: boolean
}

export {JOB_STATUSES}
export type {JobStatus}

export interface Failure {
  failureId?: string
  /** Epoch ms. */
  failureTime?: number
  /** For a job failed by a prerequisite: `<partition>:<rootJobId>:<source>`. */
  failureSource?: string
  failureMessage?: string
}

export interface Job {
  id: string
  name?: string | null
  description?: string | null
  externalData?: string | null
  /** Epoch ms. */
  createTime: number
  lastUpdateTime: number
  status: JobStatus
  percentageComplete: number
  failures?: Failure[] | null
  labels?: Record<string, string> | null
}

/** The swagger's `worker-action`. */
export interface WorkerAction {
  taskClassifier: string
  taskApiVersion: number
  /** An object, or a string with `taskDataEncoding` (utf8 default, base64). */
  taskData: unknown
  taskDataEncoding?: 'utf8' | 'base64'
  taskPipe: string
  targetPipe?: string | null
}

export interface NewJob {
  name?: string
  description?: string
  externalData?: string
  task?: WorkerAction
  type?: string
  parameters?: unknown
  prerequisiteJobIds?: string[]
  delay?: number
  labels?: Record<string, string>
}

export type StatusType = 'All' | 'NotCompleted' | 'Completed' | 'Inactive' | 'NotFinished'

export interface JobQuery {
  jobIdStartsWith?: string
  statusType?: StatusType
  /** RSQL. */
  filter?: string
  /** Any of these label names (list only; count has no labelExist). */
  labelExist?: string[]
  /** `field:asc|desc`. */
  sort?: string
  limit?: number
  offset?: number
}
