// CAF Job Service (JobService/job-service@6f66d0b; docs/sandbox-fidelity/jobservice.md): no authentication of its own,
// a bearer header is accepted and ignored. Jobs live per partition in `ctx.jobs` (job-store.ts); the PUT body is
// new-job.ts; selection, filter and sort are filter.ts; texts from the database are db-errors.ts.
import type {SandboxContext} from '../context.js'
import {dropwizardError, jobServiceError} from '../http/errors.js'
import type {Handler, Query, Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {JOBS_BASE} from '../services.js'
import {cannotBeCancelled, cannotBePaused, jobNotFound, prerequisitesFailed, sqlFault, valueTooLong} from './db-errors.js'
import {JobQueryError, selection, parseSort} from './filter.js'
import {jobBody, JS_TIMING, type StoredJob} from './job.js'
import {acceptsJson, consumable, integerParam, jerseyError, mediaTypeOf, one} from './jersey.js'
import {bindNewJob, checkNewJob, demoTask, taskHash} from './new-job.js'
import {checkIds} from './validate.js'

const P = `${JOBS_BASE}/partitions/{partitionId}`
const JOB = `${P}/jobs/{jobId}`
/** CAF_JOB_SERVICE_PAGE_SIZE unset: the SQL's LIMIT 25. */
export const DEFAULT_PAGE_SIZE = 25

export function registerJobService(router: Router, ctx: SandboxContext): void {
  const store = ctx.jobs
  /**
   * A JAX-RS resource method: Jersey matches @Produces (and @Consumes for PUT) before anything runs. The body is never
   * parsed by the pipeline: only PUT reads one, with the service's own JSON binding.
   */
  const add = (method: string, template: string, handler: Handler): void =>
    router.add(
      method,
      template,
      req => {
        if (!acceptsJson(req)) return jerseyError(406)
        if (method === 'PUT' && !consumable(mediaTypeOf(req))) return jerseyError(415)
        return handler(req)
      },
      {parseJson: false},
    )

  // Impl.ping: `Response.ok("{\"success\" : true}", MediaType.APPLICATION_JSON)`, the text as written.
  add('GET', `${JOBS_BASE}/ping`, () => ({status: 200, body: '{"success" : true}', contentType: 'application/json'}))

  /**
   * Runs `body` once the ids are valid and the job is found; else 404 with the text of the SQL function `lookup`.
   * get_job applies a pending completion report first; cancel_job, pause_job and delete_job read the row as it is.
   */
  const withJob = (
    req: SandboxRequest,
    lookup: 'getJob' | 'deleteJob' | 'cancelJob' | 'pauseJob',
    body: (job: StoredJob, partition: string) => SandboxResponse,
  ): SandboxResponse => {
    const {partitionId: partition = '', jobId: id = ''} = req.params
    const invalid = checkIds(partition, id)
    if (invalid) return jobServiceError(400, invalid)
    const job = lookup === 'getJob' ? store.read(partition, id) : store.find(partition, id)
    if (!job) return jobServiceError(404, jobNotFound(id, lookup))
    return body(job, partition)
  }

  add('GET', `${P}/jobs`, req => {
    // Jersey converts the Integer parameters before the method runs, so a bad one is reported before anything else.
    const limit = integerParam(req.query, 'limit')
    const offset = integerParam(req.query, 'offset')
    if (limit === null || offset === null) return jerseyError(404)
    const partition = req.params.partitionId ?? ''
    const invalid = checkIds(partition)
    if (invalid) return jobServiceError(400, invalid)
    return query(() => {
      // JobsGet: the sort first, then labelExist and the filter; the SQL runs last.
      const order = parseSort(one(req.query, 'sort'))
      const {test, fault} = selection(selectionOf(req.query, 'list'))
      if (fault) return jobServiceError(500, sqlFault(fault, 'list'))
      const matching = store.all(partition).filter(test).sort(order)
      // get_jobs: `IF in_limit > 0 … ELSE LIMIT 25`, `IF in_offset > 0 THEN OFFSET`: a negative offset is no offset.
      const size = limit === undefined || limit <= 0 ? DEFAULT_PAGE_SIZE : limit
      const start = offset !== undefined && offset > 0 ? offset : 0
      // The page is chosen on the rows as they stand; then each job's pending report is applied, and the answer takes
      // the new status and percentageComplete but keeps the lastUpdateTime it selected (get_job_temp is not updated).
      const page = matching.slice(start, start + size).map(job => {
        const selected = job.lastUpdateTime
        store.applyPending(job)
        return {...jobBody(job), lastUpdateTime: selected}
      })
      return {status: 200, body: page}
    })
  })

  add('GET', `${P}/jobStats/count`, req => {
    const partition = req.params.partitionId ?? ''
    const invalid = checkIds(partition)
    if (invalid) return jobServiceError(400, invalid)
    return query(() => {
      const {test, fault} = selection(selectionOf(req.query, 'count'))
      if (fault) return jobServiceError(500, sqlFault(fault, 'count'))
      let n = 0
      for (const job of store.all(partition)) if (test(job)) n++
      return {status: 200, body: n}
    })
  })

  add('PUT', JOB, req => {
    const text = typeof req.body === 'string' ? req.body : ''
    // A body without a Content-Type is read as application/octet-stream, which no reader takes.
    if (text !== '' && mediaTypeOf(req) === undefined) return jerseyError(415)
    // Jackson binds the body before the method runs: its failures come before any check of the path.
    const bound = bindNewJob(text)
    if (bound === 'unbindable') return dropwizardError(400, 'Unable to process JSON')
    const {partitionId: partition = '', jobId: id = ''} = req.params
    const invalid = checkIds(partition, id)
    if (invalid) return jobServiceError(400, invalid)
    const checked = checkNewJob(bound)
    if ('status' in checked) return jobServiceError(checked.status, checked.message)
    const {job, task} = checked
    const result = store.create(partition, id, {
      name: job.name,
      description: job.description,
      externalData: job.externalData,
      hash: checked.hash,
      classifier: task.taskClassifier,
      taskColumns: [task.taskClassifier, task.taskPipe, task.targetPipe],
      taskHash: taskHash(task),
      demo: demoTask(task),
      prerequisites: checked.prerequisites,
      delaySeconds: checked.delay,
      labels: checked.labels,
    })
    if (result === 'identical') return {status: 204}
    // A unique_violation whose hash differs: DatabaseHelper throws ForbiddenException("Job already exists").
    if (result === 'conflict') return jobServiceError(403, 'Job already exists')
    if (typeof result === 'object') {
      if ('failed' in result) return jobServiceError(400, prerequisitesFailed(result.failed))
      return jobServiceError(500, valueTooLong(result.tooLong.length, result.tooLong.site, result.tooLong.withDependencies))
    }
    return {status: 201, headers: {location: requestUri(ctx, req)}}
  })

  add('GET', JOB, req => withJob(req, 'getJob', job => ({status: 200, body: jobBody(job)})))

  add('DELETE', JOB, req =>
    withJob(req, 'deleteJob', (job, partition) => {
      store.delete(partition, job.id)
      return {status: 204}
    }),
  )

  add('GET', `${JOB}/status`, req => withJob(req, 'getJob', job => statusAnswer(job.status)))

  add('GET', `${JOB}/isActive`, req => {
    const {partitionId: partition = '', jobId: id = ''} = req.params
    const invalid = checkIds(partition, id)
    if (invalid) return jobServiceError(400, invalid)
    // DatabaseHelper.isJobActive swallows get_job's not-found: an unknown job (or an id too long to exist) is false.
    const status = store.read(partition, id)?.status
    return statusAnswer(status === 'Active' || status === 'Waiting')
  })

  // cancel_job and pause_job check the status in SQL (texts with PostgreSQL's envelope); JobsResume checks it in Java,
  // after reading the job with get_job (whose 404 it answers), so its 400 is a plain text.
  add('POST', `${JOB}/cancel`, req => withJob(req, 'cancelJob', job => (store.cancel(job) ? jobServiceError(400, cannotBeCancelled(job.id)) : {status: 204})))
  add('POST', `${JOB}/pause`, req =>
    withJob(req, 'pauseJob', job => {
      const refused = store.pause(job)
      return refused ? jobServiceError(400, cannotBePaused(job.id, refused)) : {status: 204}
    }),
  )
  add('POST', `${JOB}/resume`, req =>
    withJob(req, 'getJob', job => {
      const refused = store.resume(job)
      return refused
        ? jobServiceError(400, `job_id {${job.id}} cannot be resumed as it has a status of {${refused}}. Only jobs with a status of Paused can be resumed.`)
        : {status: 204}
    }),
  )

  // Bulk: literal colons in the path (a percent-encoded `jobs%3Acancel` matches nothing, as in Jersey).
  add('POST', `${P}/jobs:cancel`, req => {
    const partition = req.params.partitionId ?? ''
    const invalid = checkIds(partition)
    if (invalid) return jobServiceError(400, invalid)
    return query(() => {
      // statusType is not a parameter of jobs:cancel: cancel_jobs hard-codes NotFinished.
      const {test, fault} = selection(selectionOf(req.query, 'bulk'))
      if (fault) return jobServiceError(500, sqlFault(fault, 'cancelJobs'))
      const {cancelled, refused} = store.cancelMatching(partition, test)
      // cancel_job raised in a later batch: 400 for the whole call, though the batches before it stay cancelled.
      if (refused !== undefined) return jobServiceError(400, cannotBeCancelled(refused, true))
      return {status: 200, body: {jobsCanceled: cancelled}}
    })
  })

  add('POST', `${P}/jobs:delete`, req => {
    const partition = req.params.partitionId ?? ''
    const invalid = checkIds(partition)
    if (invalid) return jobServiceError(400, invalid)
    return query(() => {
      const {test, fault} = selection(selectionOf(req.query, 'bulk'))
      if (fault) return jobServiceError(500, sqlFault(fault, 'deleteJobs'))
      return {status: 200, body: {jobsDeleted: store.deleteMatching(partition, test)}}
    })
  })
}

/** A JSON string or boolean with the status-cache headers. */
function statusAnswer(value: string | boolean): SandboxResponse {
  return {
    status: 200,
    body: JSON.stringify(value),
    contentType: 'application/json',
    // A JAX-RS `new CacheControl()` has noTransform set; Jersey writes it before max-age.
    headers: {CacheableJobStatus: 'true', 'Cache-Control': `no-transform, max-age=${JS_TIMING.statusMaxAgeSeconds}`},
  }
}

function query(run: () => SandboxResponse): SandboxResponse {
  try {
    return run()
  } catch (error) {
    if (error instanceof JobQueryError) return jobServiceError(error.status, error.message)
    throw error
  }
}

/** The query parameters an operation declares: the list has them all, count no labelExist, the bulk calls no statusType. */
function selectionOf(q: Query, operation: 'list' | 'count' | 'bulk') {
  return {
    jobIdStartsWith: one(q, 'jobIdStartsWith'),
    ...(operation !== 'bulk' ? {statusType: one(q, 'statusType')} : {}),
    ...(operation !== 'count' ? {labelExist: one(q, 'labelExist')} : {}),
    filter: one(q, 'filter'),
  }
}

/** `Response.created(uriInfo.getRequestUri())`: the absolute request URI. */
function requestUri(ctx: SandboxContext, req: SandboxRequest): string {
  const host = req.headers.host ?? '127.0.0.1'
  const search = new URLSearchParams()
  for (const [k, v] of Object.entries(req.query)) for (const x of Array.isArray(v) ? v : [v]) search.append(k, x)
  const qs = search.toString()
  return `${ctx.scheme}://${host}${req.path}${qs ? `?${qs}` : ''}`
}
