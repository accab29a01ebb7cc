// NewJob validation as JobsPut/ApiServiceUtil and Jackson do it (job-service.md §2, §3, §7).
import type {DemoTask, NewJobDefinition} from './job.js'
import {hashOf, JS_TIMING} from './job.js'

const FORBIDDEN = /[.,:;*?!|()]/

/** A 400 message for a bad partition or job id, or undefined. */
export function checkIds(partition: string, jobId?: string): string | undefined {
  if (partition.length > 40) return 'The partition ID is longer than 40 characters.'
  if (FORBIDDEN.test(partition)) return 'The partition ID contains one or more invalid characters.'
  if (jobId !== undefined) {
    if (jobId.length > 48) return 'The job identifier is longer than 48 characters.'
    if (FORBIDDEN.test(jobId)) return 'The job identifier contains one or more invalid characters.'
  }
  return undefined
}

export type Validated =
  | {ok: true; hash: string; def: NewJobDefinition}
  /** `framework`: Jackson could not bind the body (Dropwizard answers `{code, message}`). */
  | {ok: false; message: string; framework?: boolean}

const NEW_JOB_FIELDS = ['name', 'description', 'externalData', 'task', 'type', 'parameters', 'prerequisiteJobIds', 'delay', 'labels']
const TASK_FIELDS = ['taskClassifier', 'taskApiVersion', 'taskData', 'taskDataEncoding', 'taskPipe', 'targetPipe']
const LABEL_KEY = /^[a-zA-Z0-9_\-:]+$/

const unbindable = (): Validated => ({ok: false, message: 'Unable to process JSON', framework: true})
const bad = (message: string): Validated => ({ok: false, message})
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const optString = (v: unknown) => v === undefined || v === null || typeof v === 'string'

function unknownField(fields: string[], value: Record<string, unknown>, cls: string): Validated | undefined {
  const extra = Object.keys(value).find(k => !fields.includes(k))
  if (extra === undefined) return undefined
  return bad(`Unrecognized field "${extra}" (class com.hpe.caf.services.job.api.generated.model.${cls}), not marked as ignorable`)
}

export function validateNewJob(body: unknown): Validated {
  if (!isObject(body)) return unbindable()
  const top = unknownField(NEW_JOB_FIELDS, body, 'NewJob')
  if (top) return top
  if (!optString(body.name) || !optString(body.description) || !optString(body.externalData) || !optString(body.type)) return unbindable()
  if (body.delay !== undefined && body.delay !== null && !Number.isInteger(body.delay)) return unbindable()
  if (body.labels !== undefined && body.labels !== null && (!isObject(body.labels) || !Object.values(body.labels).every(v => typeof v === 'string'))) return unbindable()
  if (
    body.prerequisiteJobIds !== undefined &&
    body.prerequisiteJobIds !== null &&
    (!Array.isArray(body.prerequisiteJobIds) || !body.prerequisiteJobIds.every(v => v === null || typeof v === 'string'))
  )
    return unbindable()
  const task = body.task
  if (task !== undefined && task !== null && !isObject(task)) return unbindable()

  const hasType = body.type !== undefined && body.type !== null
  const hasTask = task !== undefined && task !== null
  if (hasType && hasTask) return bad('Specifying both typeId and task properties is not allowed.')
  if (hasType) return bad(`Invalid type: ${String(body.type)}. No job types are defined.`)
  if (body.parameters !== undefined && body.parameters !== null) return bad('The parameters property is only valid with a job type.')
  if (!hasTask) return bad('The job task has not been specified.')

  const t = task
  const inner = unknownField(TASK_FIELDS, t, 'WorkerAction')
  if (inner) return inner
  if (!optString(t.taskClassifier) || !optString(t.taskPipe) || !optString(t.targetPipe)) return unbindable()
  if (t.taskApiVersion !== undefined && t.taskApiVersion !== null && !Number.isInteger(t.taskApiVersion)) return unbindable()
  if (t.taskDataEncoding !== undefined && t.taskDataEncoding !== null && t.taskDataEncoding !== 'utf8' && t.taskDataEncoding !== 'base64') return unbindable()
  if (typeof t.taskClassifier !== 'string' || t.taskClassifier === '') return bad('The task classifier has not been specified.')
  if (!t.taskApiVersion) return bad('The task api version has not been specified.')
  if (t.taskData === undefined || t.taskData === null) return bad('The task data has not been specified.')
  const encoded = t.taskDataEncoding !== undefined && t.taskDataEncoding !== null
  if (typeof t.taskData !== 'string' && encoded) {
    return bad('An encoding type has been found in the task along with taskDataObject. Remove taskDataEncoding and try again')
  }
  if (typeof t.taskPipe !== 'string' || t.taskPipe === '') return bad('The task pipe has not been specified.')
  if (t.targetPipe === '') return bad('The target pipe has not been specified.')

  const labels = (body.labels ?? {}) as Record<string, string>
  if (Object.keys(labels).some(k => !LABEL_KEY.test(k))) {
    return bad("A provided label name contains an invalid character, only alphanumeric, '-' and '_' are supported")
  }
  const prerequisites = ((body.prerequisiteJobIds ?? []) as Array<string | null>)
    .filter((e): e is string => typeof e === 'string' && e.trim() !== '')
    .map(entry => {
      const [id = '', ...options] = entry.split(',').map(s => s.trim())
      return {id, precreated: options.includes('pc')}
    })
    .filter(p => p.id !== '')

  const def: NewJobDefinition = {
    ...(typeof body.name === 'string' ? {name: body.name} : {}),
    ...(typeof body.description === 'string' ? {description: body.description} : {}),
    ...(typeof body.externalData === 'string' ? {externalData: body.externalData} : {}),
    classifier: t.taskClassifier,
    taskHash: hashOf(t),
    demo:
      t.taskClassifier === 'DemoWorker'
        ? demoTask(t.taskData, encoded ? String(t.taskDataEncoding) : 'utf8')
        : {durationMs: JS_TIMING.defaultDurationMs, fail: false, failTimes: 0},
    prerequisites,
    delaySeconds: typeof body.delay === 'number' ? body.delay : 0,
    labels: Object.assign(Object.create(null) as Record<string, string>, labels),
  }
  return {ok: true, hash: hashOf(body), def}
}

/** The DemoWorker fields of taskData (an object, or a string holding that JSON in utf8/base64). */
function demoTask(taskData: unknown, encoding: string): DemoTask {
  let data: unknown = taskData
  if (typeof taskData === 'string') {
    try {
      data = JSON.parse(encoding === 'base64' ? Buffer.from(taskData, 'base64').toString('utf8') : taskData)
    } catch {
      data = {}
    }
  }
  const d = isObject(data) ? data : {}
  const seconds = typeof d.durationSeconds === 'number' && Number.isFinite(d.durationSeconds) && d.durationSeconds >= 0 ? d.durationSeconds : undefined
  return {
    durationMs: seconds === undefined ? JS_TIMING.defaultDurationMs : Math.round(seconds * 1000),
    fail: d.fail === true,
    failTimes: typeof d.failTimes === 'number' && d.failTimes > 0 ? Math.floor(d.failTimes) : 0,
    ...(typeof d.message === 'string' ? {message: d.message} : {}),
  }
}
