// Job Service operations as an operator means them (reference/job-service.md): RSQL filters built safely, job
// definitions checked before anything is sent, waiting that honours the service's poll hint.
import {poll} from '../wait.js'
import type {JobServiceClient} from './client.js'
import {JOB_STATUSES, type Job, type JobStatus, type NewJob} from './types.js'
import {OperationFailedError, UsageError} from '../../errors.js'

const FORBIDDEN = /[.,:;*?!|()]/
const LABEL_KEY = /^[a-zA-Z0-9_\-:]+$/

export function checkJobId(id: string, what = 'job id'): void {
  if (id.length < 1 || id.length > 48) throw new UsageError(`${what} "${id}" must be 1 to 48 characters long`)
  if (FORBIDDEN.test(id)) throw new UsageError(`${what} "${id}" contains one of the characters the service refuses: . , : ; * ? ! | ( )`)
}

export function checkPartition(partition: string): void {
  if (partition.length < 1 || partition.length > 40 || FORBIDDEN.test(partition)) {
    throw new UsageError(`partition "${partition}" must be 1 to 40 characters, none of . , : ; * ? ! | ( )`)
  }
}

export function parseJobStatus(text: string): JobStatus {
  const found = JOB_STATUSES.find(s => s.toLowerCase() === text.trim().toLowerCase())
  if (!found) throw new UsageError(`unknown job status "${text}" (one of ${JOB_STATUSES.join(', ')})`)
  return found
}

/**
 * An RSQL value: bare when it is a plain word, else double-quoted with `\` and `"` escaped. A `*` stays a wildcard
 * in == and != (the service turns it into SQL LIKE): the API has no way to match a literal star.
 */
export function rsqlValue(value: string): string {
  return /^[^\s"'();,=!~<>\\]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, c => `\\${c}`)}"`
}

/** What the service's RSQL parser (jirutka's, default operators) and its JobFilterQuery accept (job-service.md §5). */
const FILTER_OPERATORS = new Set(['==', '!=', '=gt=', '>', '=ge=', '>=', '=lt=', '<', '=le=', '<=', '=in=', '=out='])
const FILTER_KEYS = new Set(['id', 'name', 'status', 'percentageComplete'])

/**
 * The operator's own `--filter`, checked as the service would check it, so a typo is exit 2 with nothing sent rather
 * than a 400 "Unable to parse filter" (or, in a bulk delete, a count and a prompt first). The parser loads only here.
 */
export async function checkRsqlFilter(filter: string): Promise<void> {
  const {parse} = await import('@rsql/parser')
  const hint = 'e.g. status==Failed, labels.owner==bob;percentageComplete=lt=50, id==batch-*'
  let ast: ReturnType<typeof parse>
  try {
    ast = parse(filter)
  } catch (error) {
    throw new UsageError(`--filter "${filter}" is not valid RSQL: ${(error as Error).message.replace(/\.$/, '')} (${hint})`)
  }
  const visit = (node: ReturnType<typeof parse>): void => {
    if (node.type === 'LOGIC') {
      visit(node.left as ReturnType<typeof parse>)
      visit(node.right as ReturnType<typeof parse>)
      return
    }
    const key = node.left.selector
    const label = key.startsWith('labels.') ? key.slice('labels.'.length) : undefined
    if (label === undefined ? !FILTER_KEYS.has(key) : !LABEL_KEY.test(label)) {
      throw new UsageError(`--filter: the service cannot filter on "${key}" (keys: ${[...FILTER_KEYS].join(', ')}, labels.KEY)`)
    }
    if (!FILTER_OPERATORS.has(node.operator)) {
      throw new UsageError(`--filter: unknown operator "${node.operator}" (one of ${[...FILTER_OPERATORS].join(' ')})`)
    }
  }
  visit(ast)
}

export interface JobFilter {
  statuses?: JobStatus[]
  /** `key=value` labels: all must match. */
  labels?: Record<string, string>
  prefix?: string
  /** Raw RSQL from the operator, ANDed with the rest. */
  rsql?: string
}

/** The list/count parameters for a filter: statuses and labels as RSQL (count has no labelExist), the prefix as jobIdStartsWith. */
export function jobQuery(filter: JobFilter): {filter?: string; jobIdStartsWith?: string} {
  const parts: string[] = []
  if (filter.statuses?.length) parts.push(filter.statuses.length === 1 ? `status==${filter.statuses[0]}` : `status=in=(${filter.statuses.join(',')})`)
  for (const [key, value] of Object.entries(filter.labels ?? {})) {
    if (!LABEL_KEY.test(key)) throw new UsageError(`label name "${key}" may only hold letters, digits, - _ and :`)
    parts.push(`labels.${key}==${rsqlValue(value)}`)
  }
  if (filter.rsql?.trim()) parts.push(parts.length > 0 ? `(${filter.rsql.trim()})` : filter.rsql.trim())
  return {filter: parts.length > 0 ? parts.join(';') : undefined, jobIdStartsWith: filter.prefix || undefined}
}

export function parseLabels(pairs: string[] = []): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const pair of pairs) {
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new UsageError(`--label "${pair}" is not KEY=VALUE`)
    labels[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  return labels
}

/**
 * Checks a job definition as the swagger and the service do, so a bad one is refused with every problem at once
 * and nothing sent: exactly one of task or type+parameters; task fields; taskDataEncoding only with string
 * taskData; label names; prerequisite ids.
 */
export function checkNewJob(job: unknown): NewJob {
  const problems: string[] = []
  if (typeof job !== 'object' || job === null || Array.isArray(job)) throw new UsageError('the job definition must be a mapping (YAML or JSON object)')
  const j = job as Record<string, unknown>
  const known = new Set(['name', 'description', 'externalData', 'task', 'type', 'parameters', 'prerequisiteJobIds', 'delay', 'labels'])
  for (const key of Object.keys(j)) if (!known.has(key)) problems.push(`unknown field "${key}"`)
  const hasTask = j.task !== undefined && j.task !== null
  const hasType = j.type !== undefined && j.type !== null
  if (hasTask === hasType) problems.push('give exactly one of "task" or "type" (with "parameters")')
  if (hasType && typeof j.type !== 'string') problems.push('"type" must be a string')
  if (hasTask) {
    const t = j.task as Record<string, unknown>
    if (typeof t !== 'object' || Array.isArray(t)) problems.push('"task" must be a mapping')
    else {
      const text = (field: string) => {
        const v = t[field]
        if (v === undefined || v === null || v === '') problems.push(`task.${field} is required`)
        else if (typeof v !== 'string') problems.push(`task.${field} must be a string, not ${Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`}`)
      }
      text('taskClassifier')
      if (!Number.isInteger(t.taskApiVersion) || t.taskApiVersion === 0) problems.push('task.taskApiVersion must be a non-zero integer')
      if (t.taskData === undefined || t.taskData === null) problems.push('task.taskData is required')
      text('taskPipe')
      if (t.targetPipe === '') problems.push('task.targetPipe may be null but not empty')
      if (t.taskDataEncoding !== undefined) {
        if (typeof t.taskData !== 'string') problems.push('task.taskDataEncoding goes only with a string taskData (remove it for an object)')
        if (t.taskDataEncoding !== 'utf8' && t.taskDataEncoding !== 'base64') problems.push('task.taskDataEncoding must be utf8 or base64')
      }
    }
  }
  if (j.labels !== undefined) {
    if (typeof j.labels !== 'object' || j.labels === null || Array.isArray(j.labels)) problems.push('"labels" must be a mapping')
    else for (const [k, v] of Object.entries(j.labels)) {
      if (!LABEL_KEY.test(k)) problems.push(`label name "${k}" may only hold letters, digits, - _ and :`)
      if (typeof v !== 'string') problems.push(`label "${k}" must be a string`)
    }
  }
  if (j.prerequisiteJobIds !== undefined) {
    if (!Array.isArray(j.prerequisiteJobIds) || j.prerequisiteJobIds.some(p => typeof p !== 'string')) problems.push('"prerequisiteJobIds" must be a list of job ids')
    else for (const p of j.prerequisiteJobIds as string[]) {
      const id = p.split(',')[0]!.trim()
      if (id !== '' && (id.length > 48 || FORBIDDEN.test(id))) problems.push(`prerequisite "${p}" is not a valid job id`)
    }
  }
  if (j.delay !== undefined && (!Number.isInteger(j.delay) || (j.delay as number) < 0)) problems.push('"delay" must be a whole number of seconds ≥ 0')
  for (const field of ['name', 'description', 'externalData'] as const) if (j[field] !== undefined && typeof j[field] !== 'string') problems.push(`"${field}" must be a string`)
  if (problems.length > 0) throw new UsageError(`invalid job definition: ${problems.join('; ')}`)
  return j as NewJob
}

/**
 * Polls the status until the job ends: Completed returns the job; Failed or Cancelled throw OperationFailedError with
 * the job (and its failures). The interval follows the service's Cache-Control max-age.
 */
export async function waitForJob(js: JobServiceClient, id: string, options: {deadline?: number; signal?: AbortSignal; onStatus?: (s: JobStatus) => void} = {}): Promise<Job> {
  let hint: number | undefined
  const status = await poll({
    what: `job ${id}`,
    resumeId: id,
    fetch: async () => {
      const s = await js.status(id)
      hint = s.maxAgeMs
      return s.status
    },
    done: s => s === 'Completed' || s === 'Failed' || s === 'Cancelled',
    onState: options.onStatus,
    deadline: options.deadline, signal: options.signal,
    initialMs: 500, maxMs: 10_000, factor: 1.5,
    interval: () => hint,
  })
  const job = await js.get(id)
  if (status === 'Completed') return job
  const reason = job.failures?.[0]?.failureMessage ?? status
  throw new OperationFailedError({what: `job ${id}`, state: job, reason: `${status}${status === 'Failed' ? `: ${reason}` : ''}`})
}
