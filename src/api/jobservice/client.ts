// The CAF Job Service: no auth of its own (a gateway may want a bearer token); the partition is a path segment.
import {randomUUID} from 'node:crypto'
import {ConflictError, OperationFailedError} from '../../errors.js'
import {isStatus} from '../errors.js'
import type {HttpTransport} from '../http.js'
import type {ChangeResult} from '../types.js'
import {poll, type WaitOptions} from '../wait.js'
import type {Job, JobQuery, JobStatus, NewJob, PingResponse} from './types.js'
import {checkPartition} from './validate.js'

export const JOB_SERVICE_PATH = '/job-service/v1'

/** The job exists with another definition (the service's 403 "Job already exists"): exit 5. Callers say what to do. */
export class JobExistsError extends ConflictError {
  constructor(
    readonly id: string,
    readonly partition: string,
  ) {
    super(`job ${id} already exists in partition ${partition} with another definition`)
  }
}

/** Every call carries a fresh CAF-Correlation-Id, so an operator can find it in the service's logs (--verbose shows it). */
export const correlationHeaders = (): Record<string, string> => ({'CAF-Correlation-Id': randomUUID()})

export class JobServiceClient {
  constructor(
    readonly http: HttpTransport,
    readonly partition: string,
  ) {}

  ping(): Promise<PingResponse> {
    return this.http.get<PingResponse>(`${JOB_SERVICE_PATH}/ping`)
  }

  /**
   * Another partition of the same service (this one when none is named); a name the service would refuse is bad input
   * (exit 2), nothing sent.
   */
  inPartition(partition: string | undefined): JobServiceClient {
    if (partition === undefined) return this
    checkPartition(partition)
    return partition === this.partition ? this : new JobServiceClient(this.http, partition)
  }

  private base(): string {
    return `${JOB_SERVICE_PATH}/partitions/${encodeURIComponent(this.partition)}`
  }

  private job(id: string, rest = ''): string {
    return `${this.base()}/jobs/${encodeURIComponent(id)}${rest}`
  }

  async list(query: JobQuery = {}): Promise<Job[]> {
    const {labelExist, ...rest} = query
    return this.http.get<Job[]>(`${this.base()}/jobs`, {query: {...rest, labelExist: labelExist?.length ? labelExist.join(',') : undefined}})
  }

  /** Every matching job, a page at a time (offset/limit); the sort should be stable (`jobId:asc`). */
  async *scan(query: JobQuery = {}, pageSize = 500): AsyncGenerator<Job> {
    for (let offset = query.offset ?? 0; ; offset += pageSize) {
      const page = await this.list({...query, limit: pageSize, offset})
      yield* page
      if (page.length < pageSize) return
    }
  }

  async count(query: Pick<JobQuery, 'jobIdStartsWith' | 'statusType' | 'filter'> = {}): Promise<number> {
    return this.http.get<number>(`${this.base()}/jobStats/count`, {query})
  }

  get(id: string): Promise<Job> {
    return this.http.get<Job>(this.job(id))
  }

  /**
   * PUT: 201 created, 204 an identical job exists. A 204 to a PUT sent again (an answer lost on the way) is most likely
   * our own first one: `created`. The service's 403 "Job already exists" (another definition) is a JobExistsError; any
   * other 403 (a gateway refusing) stays an authorisation failure.
   */
  async create(id: string, job: NewJob): Promise<Extract<ChangeResult, 'created' | 'unchanged'>> {
    try {
      const res = await this.http.request<unknown>({method: 'PUT', path: this.job(id), json: job, idempotent: true})
      return res.status === 204 && res.attempts === 1 ? 'unchanged' : 'created'
    } catch (error) {
      if (isStatus(error, 403, /^Job already exists$/)) throw new JobExistsError(id, this.partition)
      throw error
    }
  }

  async delete(id: string): Promise<void> {
    await this.http.delete<void>(this.job(id))
  }

  /** The status and how long the service asks callers to wait before asking again (Cache-Control max-age). */
  async status(id: string): Promise<{status: JobStatus; maxAgeMs?: number}> {
    const res = await this.http.request<JobStatus>({method: 'GET', path: this.job(id, '/status')})
    const maxAge = /max-age=(\d+)/.exec(res.headers['cache-control'] ?? '')?.[1]
    return {status: res.data, maxAgeMs: maxAge === undefined ? undefined : Number(maxAge) * 1000}
  }

  /**
   * Polls the status until the job ends: Completed returns the job; Failed or Cancelled throw OperationFailedError with
   * the job (and its failures). The interval follows the service's Cache-Control max-age.
   */
  async waitFor(id: string, options: WaitOptions<JobStatus> = {}): Promise<Job> {
    let asked: number | undefined
    const status = await poll({
      initialMs: 500,
      maxMs: 10_000,
      ...options,
      what: `job ${id}`,
      resumeId: id,
      fetch: async () => {
        const s = await this.status(id)
        asked = s.maxAgeMs
        return s.status
      },
      done: s => s === 'Completed' || s === 'Failed' || s === 'Cancelled',
      interval: () => asked,
    })
    const job = await this.get(id)
    if (status === 'Completed') return job
    const reason = job.failures?.[0]?.failureMessage ?? status
    throw new OperationFailedError({what: `job ${id}`, state: job, reason: `${status}${status === 'Failed' ? `: ${reason}` : ''}`})
  }

  isActive(id: string): Promise<boolean> {
    return this.http.get<boolean>(this.job(id, '/isActive'))
  }

  async cancel(id: string): Promise<void> {
    await this.http.post<void>(this.job(id, '/cancel'), {idempotent: true})
  }

  async pause(id: string): Promise<void> {
    await this.http.post<void>(this.job(id, '/pause'), {idempotent: true})
  }

  async resume(id: string): Promise<void> {
    await this.http.post<void>(this.job(id, '/resume'), {idempotent: true})
  }

  /** POST …/jobs:cancel with the colon as is. Acts on the whole partition when no filter is given: callers must give one. */
  async cancelMatching(filter: Pick<JobQuery, 'jobIdStartsWith' | 'filter' | 'labelExist'>): Promise<number> {
    const res = await this.http.post<{jobsCanceled: number}>(`${this.base()}/jobs:cancel`, {query: bulkQuery(filter), idempotent: false})
    return res.jobsCanceled
  }

  async deleteMatching(filter: Pick<JobQuery, 'jobIdStartsWith' | 'filter' | 'labelExist'>): Promise<number> {
    const res = await this.http.post<{jobsDeleted: number}>(`${this.base()}/jobs:delete`, {query: bulkQuery(filter), idempotent: false})
    return res.jobsDeleted
  }
}

function bulkQuery(filter: Pick<JobQuery, 'jobIdStartsWith' | 'filter' | 'labelExist'>): Record<string, string | undefined> {
  return {jobIdStartsWith: filter.jobIdStartsWith, filter: filter.filter, labelExist: filter.labelExist?.length ? filter.labelExist.join(',') : undefined}
}
