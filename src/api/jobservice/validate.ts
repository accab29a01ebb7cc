// Job Service input checked as the swagger and the service check it (reference/job-service.md), so a bad id, partition,
// label or definition is refused with every problem at once and nothing sent.
import {UsageError} from '../../errors.js'
import {JOB_STATUSES, type JobStatus, type NewJob} from './types.js'

const FORBIDDEN = /[.,:;*?!|()]/
export const LABEL_KEY = /^[a-zA-Z0-9_\-:]+$/

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
    else
      for (const [k, v] of Object.entries(j.labels)) {
        if (!LABEL_KEY.test(k)) problems.push(`label name "${k}" may only hold letters, digits, - _ and :`)
        if (typeof v !== 'string') problems.push(`label "${k}" must be a string`)
      }
  }
  if (j.prerequisiteJobIds !== undefined) {
    if (!Array.isArray(j.prerequisiteJobIds) || j.prerequisiteJobIds.some(p => typeof p !== 'string')) problems.push('"prerequisiteJobIds" must be a list of job ids')
    else
      for (const p of j.prerequisiteJobIds as string[]) {
        const id = p.split(',')[0]!.trim()
        if (id !== '' && (id.length > 48 || FORBIDDEN.test(id))) problems.push(`prerequisite "${p}" is not a valid job id`)
      }
  }
  if (j.delay !== undefined && (!Number.isInteger(j.delay) || (j.delay as number) < 0)) problems.push('"delay" must be a whole number of seconds ≥ 0')
  for (const field of ['name', 'description', 'externalData'] as const) if (j[field] !== undefined && typeof j[field] !== 'string') problems.push(`"${field}" must be a string`)
  if (problems.length > 0) throw new UsageError(`invalid job definition: ${problems.join('; ')}`)
  return j
}
