// Job Service input checked as the swagger and the service check it (reference/job-service.md), so a bad id, partition,
// label or definition is refused with every problem at once and nothing sent.
import {UsageError} from '../../errors.js'
import {JOB_STATUSES, type JobStatus, type NewJob} from './types.js'

/**
 * What the service refuses in ids and partitions, and the separators a path cannot carry (a `/` sent as `%2F` is
 * refused by the web server before the service sees it).
 */
const FORBIDDEN = /[.,:;*?!|()/\\]/
const FORBIDDEN_TEXT = '. , : ; * ? ! | ( ) / \\'
export const LABEL_KEY = /^[a-zA-Z0-9_\-:]+$/
/** The database's varchar(255) columns (name, labels, task fields): longer values are a 500, not a refusal. */
const MAX_TEXT = 255

/** Length as the database counts it: characters, not UTF-16 units. */
const length = (text: string) => [...text].length

/**
 * The service does not check the length itself: a longer id reaches the database's varchar(48) and comes back as a 500
 * on create, a 404 elsewhere. So it is checked here.
 */
export function checkJobId(id: string, what = 'job id'): void {
  if (length(id) < 1 || length(id) > 48) throw new UsageError(`${what} "${id}" must be 1 to 48 characters long`)
  if (FORBIDDEN.test(id)) throw new UsageError(`${what} "${id}" contains one of the characters the service refuses: ${FORBIDDEN_TEXT}`)
}

export function checkPartition(partition: string): void {
  if (length(partition) < 1 || length(partition) > 40 || FORBIDDEN.test(partition)) {
    throw new UsageError(`partition "${partition}" must be 1 to 40 characters, none of ${FORBIDDEN_TEXT}`)
  }
}

export function parseJobStatus(text: string): JobStatus {
  const found = JOB_STATUSES.find(s => s.toLowerCase() === text.trim().toLowerCase())
  if (!found) throw new UsageError(`unknown job status "${text}" (one of ${JOB_STATUSES.join(', ')})`)
  return found
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
        else if (typeof v !== 'string') problems.push(`task.${field} must be a string, not ${describe(v)}`)
        else if (length(v) > MAX_TEXT) problems.push(`task.${field} is longer than ${MAX_TEXT} characters`)
      }
      text('taskClassifier')
      if (!Number.isInteger(t.taskApiVersion) || t.taskApiVersion === 0) problems.push('task.taskApiVersion must be a non-zero integer')
      if (t.taskData === undefined || t.taskData === null || t.taskData === '') problems.push('task.taskData is required')
      else if (typeof t.taskData !== 'string' && (typeof t.taskData !== 'object' || Array.isArray(t.taskData))) {
        problems.push(`task.taskData must be a mapping or a string, not ${describe(t.taskData)}`)
      }
      text('taskPipe')
      if (t.targetPipe === '') problems.push('task.targetPipe may be null but not empty')
      else if (t.targetPipe !== undefined && t.targetPipe !== null) text('targetPipe')
      if (t.taskDataEncoding !== undefined) {
        if (typeof t.taskData !== 'string') problems.push('task.taskDataEncoding goes only with a string taskData (remove it for an object)')
        if (t.taskDataEncoding !== 'utf8' && t.taskDataEncoding !== 'base64') problems.push('task.taskDataEncoding must be utf8 or base64')
      }
    }
  }
  if (j.labels !== undefined) {
    if (typeof j.labels !== 'object' || j.labels === null || Array.isArray(j.labels)) problems.push('"labels" must be a mapping')
    else
      for (const [k, v] of Object.entries(j.labels)) {
        if (!LABEL_KEY.test(k)) problems.push(`label name "${k}" may only hold letters, digits, - _ and :`)
        else if (length(k) > MAX_TEXT) problems.push(`label name "${k}" is longer than ${MAX_TEXT} characters`)
        if (typeof v !== 'string') problems.push(`label "${k}" must be a string`)
        else if (length(v) > MAX_TEXT) problems.push(`label "${k}" is longer than ${MAX_TEXT} characters`)
      }
  }
  if (j.prerequisiteJobIds !== undefined) {
    if (!Array.isArray(j.prerequisiteJobIds) || j.prerequisiteJobIds.some(p => typeof p !== 'string')) problems.push('"prerequisiteJobIds" must be a list of job ids')
    else
      for (const p of j.prerequisiteJobIds as string[]) {
        // The service neither trims nor unquotes: " a" waits for a job called " a".
        const id = p.split(',')[0]!
        if (id !== id.trim()) problems.push(`prerequisite "${p}" has spaces around its job id`)
        else if (id !== '' && (length(id) > 48 || FORBIDDEN.test(id))) problems.push(`prerequisite "${p}" is not a valid job id`)
      }
  }
  if (j.delay !== undefined && (!Number.isInteger(j.delay) || (j.delay as number) < 0)) problems.push('"delay" must be a whole number of seconds ≥ 0')
  for (const field of ['name', 'description', 'externalData'] as const) if (j[field] !== undefined && typeof j[field] !== 'string') problems.push(`"${field}" must be a string`)
  if (typeof j.name === 'string' && length(j.name) > MAX_TEXT) problems.push(`"name" is longer than ${MAX_TEXT} characters`)
  if (problems.length > 0) throw new UsageError(`invalid job definition: ${problems.join('; ')}`)
  return j
}

const describe = (v: unknown) => (Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`)
