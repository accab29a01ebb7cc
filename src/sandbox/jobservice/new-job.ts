// A PUT body as the Job Service takes it (JobService/job-service@6f66d0b): Jackson binds it to the generated NewJob
// and WorkerAction before the resource method runs, then JobsPut.createOrUpdateJob checks it in a fixed order.
//
// Binding is Dropwizard's ObjectMapper (Jackson.newObjectMapper): FAIL_ON_UNKNOWN_PROPERTIES is disabled there, so
// unknown fields are dropped without a word; scalars are coerced (a number or boolean where a String is declared
// becomes its text, "5" where an Integer is declared becomes 5, a fraction there is truncated); anything Jackson
// cannot bind is Dropwizard's JsonProcessingExceptionMapper: 400 {code: 400, message: 'Unable to process JSON'}.
// The generated models initialise `delay` to 0, `labels` to {} and `prerequisiteJobIds` to [] (so absent equals the
// default), while an explicit null stays null: a null delay or labels then fails in Java (NullPointerException, 500).
import {createHash} from 'node:crypto'
import {canonicalJson} from '../../shared/canonical-json.js'
import {isNumber, isObject, type Json, type JsonObject, listHash, mapHash, nullableString, readJson, stringHash, toPlain, untypedHash} from './java-json.js'
import {type DemoTask, JS_TIMING} from './job.js'

export type Encoding = 'utf8' | 'base64'

/** WorkerAction as bound. */
export interface WorkerAction {
  taskClassifier: string | null
  taskApiVersion: number | null
  taskData: Json
  taskDataEncoding: Encoding | null
  taskPipe: string | null
  targetPipe: string | null
}

/** NewJob as bound (defaults applied for absent fields). */
export interface NewJob {
  name: string | null
  description: string | null
  externalData: string | null
  task: WorkerAction | null
  type: string | null
  parameters: Json
  prerequisiteJobIds: Array<string | null> | null
  delay: number | null
  labels: Map<string, string | null> | null
}

class Unbindable extends Error {}

/** The body: a NewJob, null (an empty body, or JSON null), or 'unbindable' (Jackson failed: 400 {code, message}). */
export function bindNewJob(text: string): NewJob | null | 'unbindable' {
  try {
    const json = readJson(text)
    if (json === undefined || json === null) return null
    return newJob(json)
  } catch {
    return 'unbindable'
  }
}

function newJob(v: Json): NewJob {
  const o = bean(v)
  const job: NewJob = {
    name: null,
    description: null,
    externalData: null,
    task: null,
    type: null,
    parameters: null,
    prerequisiteJobIds: [],
    delay: 0,
    labels: new Map(),
  }
  for (const [key, value] of o) {
    switch (key) {
      case 'name':
      case 'description':
      case 'externalData':
      case 'type':
        job[key] = text(value)
        break
      case 'task':
        job.task = value === null ? null : workerAction(value)
        break
      case 'parameters':
        job.parameters = value
        break
      case 'prerequisiteJobIds':
        job.prerequisiteJobIds = value === null ? null : list(value).map(text)
        break
      case 'delay':
        job.delay = integer(value)
        break
      case 'labels':
        job.labels = value === null ? null : new Map([...bean(value)].map(([k, x]) => [k, text(x)]))
        break
      default: // FAIL_ON_UNKNOWN_PROPERTIES is off: ignored
    }
  }
  return job
}

function workerAction(v: Json): WorkerAction {
  const action: WorkerAction = {taskClassifier: null, taskApiVersion: null, taskData: null, taskDataEncoding: null, taskPipe: null, targetPipe: null}
  for (const [key, value] of bean(v)) {
    switch (key) {
      case 'taskClassifier':
      case 'taskPipe':
      case 'targetPipe':
        action[key] = text(value)
        break
      case 'taskApiVersion':
        action.taskApiVersion = integer(value)
        break
      case 'taskData':
        action.taskData = value
        break
      case 'taskDataEncoding': {
        // The generated enum's @JsonCreator fromValue matches the value exactly, else IllegalArgumentException.
        const encoding = text(value)
        if (encoding !== null && encoding !== 'utf8' && encoding !== 'base64') throw new Unbindable()
        action.taskDataEncoding = encoding
        break
      }
      default:
    }
  }
  return action
}

function bean(v: Json): JsonObject {
  if (!isObject(v)) throw new Unbindable()
  return v
}

function list(v: Json): Json[] {
  if (!Array.isArray(v)) throw new Unbindable()
  return v
}

/** A String property: scalars are coerced to their text as written; objects and arrays cannot be. */
function text(v: Json): string | null {
  if (v === null || typeof v === 'string') return v
  if (typeof v === 'boolean') return String(v)
  if (isNumber(v)) return v.text
  throw new Unbindable()
}

/** An Integer property: an int in range, a fraction truncated (ACCEPT_FLOAT_AS_INT), a numeric String parsed. */
function integer(v: Json): number | null {
  if (v === null) return null
  let n: number
  if (isNumber(v)) n = Math.trunc(Number(v.text))
  else if (typeof v === 'string') {
    const t = v.trim()
    if (t === '' || t === 'null') return null
    if (!/^[+-]?\d+$/.test(t)) throw new Unbindable()
    n = Number(t)
  } else throw new Unbindable()
  if (!Number.isFinite(n) || n > 2147483647 || n < -2147483648) throw new Unbindable()
  return n
}

// ---------------------------------------------------------------------------------------------------------------
// The identity JobsPut stores: NewJob.hashCode()

/** Enum constants hash by identity: fixed for the life of one JVM (one sandbox), different in another. */
const ENCODING_IDENTITY_HASH: Record<Encoding, number> = {utf8: 0x1b6d3586, base64: 0x4554617c}

const integerHash = (n: number | null) => (n === null ? 0 : n)

function workerActionHash(t: WorkerAction | null): number {
  if (t === null) return 0
  return listHash([
    nullableString(t.taskClassifier),
    integerHash(t.taskApiVersion),
    untypedHash(t.taskData),
    t.taskDataEncoding === null ? 0 : ENCODING_IDENTITY_HASH[t.taskDataEncoding],
    nullableString(t.taskPipe),
    nullableString(t.targetPipe),
  ])
}

/**
 * `Objects.hash(name, description, externalData, task, type, parameters, prerequisiteJobIds, delay, labels)`, the
 * generated NewJob.hashCode, taken before blank prerequisites are dropped. Being a 32-bit hash, it also makes
 * different definitions "identical" now and then, as the service does ("Aa" and "BB" hash alike).
 */
export function newJobHash(job: NewJob): number {
  return listHash([
    nullableString(job.name),
    nullableString(job.description),
    nullableString(job.externalData),
    workerActionHash(job.task),
    nullableString(job.type),
    untypedHash(job.parameters),
    job.prerequisiteJobIds === null ? 0 : listHash(job.prerequisiteJobIds.map(nullableString)),
    integerHash(job.delay),
    job.labels === null ? 0 : mapHash([...job.labels].map(([k, v]) => [stringHash(k), nullableString(v)])),
  ])
}

// ---------------------------------------------------------------------------------------------------------------
// JobsPut.createOrUpdateJob's checks, after the partition and the job id

const LABEL_KEY = /^[a-zA-Z0-9_\-:]+$/

/** A checked definition, ready for the database. */
export interface CheckedJob {
  job: NewJob
  task: WorkerAction & {taskClassifier: string; taskApiVersion: number; taskPipe: string}
  hash: number
  /** Prerequisite entries without the null and blank ones (JobsPut drops them after hashing). */
  prerequisites: string[]
  delay: number
  labels: Map<string, string | null>
}

/** 400 and 500 are what the service answers; the message is the exception's. */
export type Checked = CheckedJob | {status: 400 | 500; message: string}

const npe = (call: string, because: string) => ({status: 500 as const, message: `Cannot invoke "${call}" because ${because}`})
const MODEL = 'com.hpe.caf.services.job.api.generated.model'

export function checkNewJob(job: NewJob | null): Checked {
  if (job === null) return npe(`${MODEL}.NewJob.getType()`, '"job" is null')
  let task: WorkerAction | null
  if (job.type === null) task = job.task
  else {
    if (job.task !== null) return {status: 400, message: 'Specifying both typeId and task properties is not allowed.'}
    // No CAF_JOB_SERVICE_JOB_TYPE_DEFINITIONS_DIR: JobTypesInitialization loads no job types at all.
    return {status: 400, message: `Unknown job type ID: ${job.type}`}
  }
  if (task === null) return npe(`${MODEL}.WorkerAction.getTaskClassifier()`, '"jobTask" is null')
  const {taskClassifier, taskApiVersion, taskPipe} = task
  if (taskClassifier === null || taskClassifier === '') return {status: 400, message: 'The task classifier has not been specified.'}
  if (taskApiVersion === null) return npe('java.lang.Integer.intValue()', `the return value of "${MODEL}.WorkerAction.getTaskApiVersion()" is null`)
  if (taskApiVersion === 0) return {status: 400, message: 'The task api version has not been specified.'}
  if (task.targetPipe === '') return {status: 400, message: 'The target queue name has not been specified.'}
  if (taskPipe === null || taskPipe === '') return {status: 400, message: 'The task queue name has not been specified.'}
  if (job.labels !== null && [...job.labels.keys()].some(k => !LABEL_KEY.test(k))) {
    return {status: 400, message: "A provided label name contains an invalid character, only alphanumeric, '-' and '_' are supported"}
  }
  const data = task.taskData
  if (data === null || data === '') return {status: 400, message: 'The task data has not been specified.'}
  if (isObject(data)) {
    if (task.taskDataEncoding !== null) {
      return {status: 400, message: 'An encoding type has been found in the task along with taskDataObject. Remove taskDataEncoding and try again'}
    }
  } else if (typeof data !== 'string') {
    return {status: 400, message: 'The taskData is null or empty, please ensure taskData is populated and of a suitable datatype'}
  }
  const hash = newJobHash(job)
  const prerequisites = (job.prerequisiteJobIds ?? []).filter((p): p is string => p !== null && p.trim() !== '')
  // The database call's arguments: `job.getDelay()` is unboxed into an int, then `labels.entrySet()` is read.
  if (job.delay === null) return npe('java.lang.Integer.intValue()', `the return value of "${MODEL}.NewJob.getDelay()" is null`)
  if (job.labels === null) return npe('java.util.Map.entrySet()', '"labels" is null')
  return {job, task: {...task, taskClassifier, taskApiVersion, taskPipe}, hash, prerequisites, delay: job.delay, labels: job.labels}
}

// ---------------------------------------------------------------------------------------------------------------
// What the sandbox's own worker makes of a task

/** The task's identity for DemoWorker's failTimes (runs are counted per task definition). */
export function taskHash(task: WorkerAction): string {
  const plain = {...task, taskData: toPlain(task.taskData)}
  return createHash('sha256').update(canonicalJson(plain)).digest('hex')
}

/** The DemoWorker fields of taskData (an object, or a string holding that JSON in utf8/base64). */
export function demoTask(task: WorkerAction): DemoTask {
  const fallback: DemoTask = {durationMs: JS_TIMING.defaultDurationMs, fail: false, failTimes: 0}
  if (task.taskClassifier !== 'DemoWorker') return fallback
  let data: unknown = toPlain(task.taskData)
  if (typeof data === 'string') {
    try {
      data = JSON.parse(task.taskDataEncoding === 'base64' ? Buffer.from(data, 'base64').toString('utf8') : data)
    } catch {
      data = {}
    }
  }
  const d = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {}
  const seconds = typeof d.durationSeconds === 'number' && Number.isFinite(d.durationSeconds) && d.durationSeconds >= 0 ? d.durationSeconds : undefined
  return {
    durationMs: seconds === undefined ? JS_TIMING.defaultDurationMs : Math.round(seconds * 1000),
    fail: d.fail === true,
    failTimes: typeof d.failTimes === 'number' && d.failTimes > 0 ? Math.floor(d.failTimes) : 0,
    ...(typeof d.message === 'string' ? {message: d.message} : {}),
  }
}
