// Errors that reach the Job Service's callers from PostgreSQL, in the text the service passes on.
//
// DatabaseHelper hands `SQLException.getMessage()` to the exception mappers, and pgjdbc builds that message from the
// server's fields (ServerErrorMessage.toString): `<SEVERITY>: <message>`, then `\n  Hint: …` and `\n  Where: <context>`
// when the server sent them. The context is PostgreSQL's error context stack, innermost first, one frame a line:
//   `PL/pgSQL function <name>(<argument types>) line <n> at <statement>`, with the line counted from the start of the
//   function body (`AS $$` is line 1) in job-service-db/src/main/resources/db/migration/functions at
//   JobService/job-service@6f66d0b (the line each constant below names is worked out there);
//   `SQL statement "<the statement>"` / `PL/pgSQL expression "<the expression>"` for a statement or expression that
//   called further in (PostgreSQL 14 and later word the latter so). Those quote the service's SQL, which the sandbox
//   does not copy: they are written `"…"` here.
// Texts raised by the service's Java code (e.g. resume's 400, `Job already exists`) have none of this.

const VC = 'character varying'
const sig = (name: string, ...args: string[]) => `${name}(${args.join(',')})`

/** The functions whose frames appear, with their argument types as PostgreSQL prints them (typmods dropped). */
export const FN = {
  getJob: sig('get_job', VC, VC),
  deleteJob: sig('delete_job', VC, VC),
  cancelJob: sig('cancel_job', VC, VC),
  pauseJob: sig('pause_job', VC, VC),
  getJobs: sig('get_jobs', VC, VC, VC, 'integer', 'integer', VC, VC, 'boolean', `${VC}[]`, VC),
  getJobsCount: sig('get_jobs_count', VC, VC, VC, VC),
  cancelJobs: sig('cancel_jobs', VC, VC, 'integer', `${VC}[]`, VC),
  deleteJobs: sig('delete_jobs', VC, VC, VC, 'integer', `${VC}[]`, VC),
  /** create_job as JobsPut calls it without prerequisites (R__createJob.sql). */
  createJob: sig('create_job', VC, VC, VC, 'text', 'text', 'integer', VC, 'integer', 'bytea', VC, VC, 'integer', `${VC}[]`),
  /** create_job with prerequisites or in a suspended partition (R__createJobForDependencies.sql). */
  createJobWithDependencies: sig('create_job', VC, VC, VC, 'text', 'text', 'integer', VC, 'integer', 'bytea', VC, VC, `${VC}[]`, 'integer', `${VC}[]`, 'boolean'),
  internalCreateJob: sig('internal_create_job', VC, VC, VC, 'text', 'text', 'integer', 'integer', `${VC}[]`),
  failedPrereqs: sig('internal_raise_exception_for_failed_prereqs', `${VC}[]`),
} as const

const at = (fn: string, line: number, statement: string) => `PL/pgSQL function ${fn} line ${line} at ${statement}`
const STATEMENT = 'SQL statement "…"'
const EXPRESSION = 'PL/pgSQL expression "…"'
const ASSIGNMENT = 'PL/pgSQL assignment "…"'

/** The text of a PostgreSQL ERROR as pgjdbc words it. */
export function pgError(message: string, where: readonly string[], hint?: string): string {
  return `ERROR: ${message}${hint === undefined ? '' : `\n  Hint: ${hint}`}${where.length === 0 ? '' : `\n  Where: ${where.join('\n')}`}`
}

/** `RAISE EXCEPTION 'job_id {%} not found'` in each function that looks a job up (SQLSTATE P0002, answered 404). */
export function jobNotFound(id: string, fn: 'getJob' | 'deleteJob' | 'cancelJob' | 'pauseJob'): string {
  const line = {getJob: 39, deleteJob: 21, cancelJob: 20, pauseJob: 19}[fn]
  return pgError(`job_id {${id}} not found`, [at(FN[fn], line, 'RAISE')])
}

/** cancel_job on a Completed or Failed job (02000, answered 400); `bulk`: called by cancel_jobs. */
export function cannotBeCancelled(id: string, bulk = false): string {
  const frames = [at(FN.cancelJob, 24, 'RAISE')]
  if (bulk) frames.push(STATEMENT, at(FN.cancelJobs, 11, 'PERFORM'))
  return pgError(`job_id {${id}} cannot be cancelled`, frames)
}

/** pause_job on a job that is not Active, Paused or Waiting (02000, answered 400). */
export function cannotBePaused(id: string, status: string): string {
  return pgError(`job_id {${id}} cannot be paused as it has a status of {${status}}. Only jobs with a status of Active or Waiting can be paused.`, [at(FN.pauseJob, 23, 'RAISE')])
}

/** create_job's prerequisite statement when some prerequisite is Failed (02000, answered 400). */
export function prerequisitesFailed(ids: readonly string[]): string {
  return pgError(`One or more prerequisite jobs have failed. Failed Job IDs: ${ids.join(', ')}`, [
    at(FN.failedPrereqs, 3, 'RAISE'),
    STATEMENT,
    at(FN.createJobWithDependencies, 47, 'SQL statement'),
  ])
}

/** Where in create_job a value meets a column (or variable) too narrow for it. */
export type InsertSite = 'job' | 'labels' | 'taskData' | 'taskDataWithDependencies' | 'dependencies'

/** SQLSTATE 22001 from an INSERT in create_job (rethrown as it is: answered 500). */
export function valueTooLong(length: number, site: InsertSite, withDependencies: boolean): string {
  const outer = [EXPRESSION, at(withDependencies ? FN.createJobWithDependencies : FN.createJob, 38, 'IF')]
  const where = {
    // internal_create_job's INSERT INTO public.job (job_id varchar(48), name varchar(255)).
    job: [STATEMENT, at(FN.internalCreateJob, 6, 'SQL statement'), ...outer],
    // `FOREACH t SLICE 1 IN ARRAY in_labels` into `t VARCHAR(255)[]`: the variable's typmod is enforced on assignment.
    labels: [at(FN.internalCreateJob, 35, 'FOREACH over array'), ...outer],
    taskData: [STATEMENT, at(FN.createJob, 43, 'SQL statement')],
    taskDataWithDependencies: [STATEMENT, at(FN.createJobWithDependencies, 114, 'SQL statement')],
    // INSERT INTO public.job_dependency (dependent_job_id varchar(48)).
    dependencies: [STATEMENT, at(FN.createJobWithDependencies, 47, 'SQL statement')],
  }[site]
  return pgError(`value too long for type character varying(${length})`, where)
}

/** Which statement ran a list's SQL: get_jobs (the list, and the bulk operations through it) or get_jobs_count. */
export type QuerySite = 'list' | 'count' | 'cancelJobs' | 'deleteJobs'

function queryFrames(site: QuerySite): string[] {
  const getJobs = at(FN.getJobs, 117, 'EXECUTE')
  switch (site) {
    case 'list':
      return [getJobs]
    case 'count':
      return [at(FN.getJobsCount, 50, 'RETURN QUERY')]
    case 'cancelJobs':
      return [getJobs, ASSIGNMENT, at(FN.cancelJobs, 6, 'assignment')]
    case 'deleteJobs':
      return [getJobs, ASSIGNMENT, at(FN.deleteJobs, 6, 'assignment')]
  }
}

/** A problem PostgreSQL finds in the SQL a filter became (RsqlToSqlConverter's output), before any row is read. */
export interface SqlFault {
  message: string
  hint?: string
}

/** The fault as the caller of `site` receives it (rethrown SQLException: answered 500). */
export function sqlFault(fault: SqlFault, site: QuerySite): string {
  return pgError(fault.message, queryFrames(site), fault.hint)
}
