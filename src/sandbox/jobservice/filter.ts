// Job Service list/count/bulk selection (job-service.md §5, §6): statusType, jobIdStartsWith, labelExist,
// the RSQL `filter` (parsed with @rsql/parser, evaluated as JobFilterQuery's SQL would be) and `sort`.
import {parse} from '@rsql/parser'
import type {JobStatus, JobView} from './job.js'

type Expression = ReturnType<typeof parse>

/** A 400 the handlers turn into `{message}`. */
export class JobQueryError extends Error {}

/** §5 table; missing or any other value means all statuses. */
export function statusTypeSet(statusType: string | undefined): ReadonlySet<JobStatus> | undefined {
  switch (statusType) {
    case 'NotCompleted':
      return new Set(['Active', 'Paused', 'Waiting', 'Cancelled', 'Failed'])
    case 'Completed':
      return new Set(['Completed'])
    case 'Inactive':
      return new Set(['Completed', 'Cancelled', 'Failed'])
    case 'NotFinished':
      return new Set(['Active', 'Paused', 'Waiting'])
    default:
      return undefined
  }
}

export type JobPredicate = (job: JobView) => boolean

const FILTER_KEYS = new Set(['id', 'name', 'status', 'percentageComplete'])

/**
 * RSQL → predicate. SQL semantics: a comparison with a missing (NULL) column is never true, and a
 * `labels.<key>` comparison is `EXISTS (label row with that key whose value compares)`, so `!=` does not
 * match jobs without the label. `*` in `==`/`!=` is a LIKE wildcard; `_` and `%` are literal.
 */
export function parseFilter(filter: string | undefined): JobPredicate | undefined {
  if (filter === undefined || filter.trim() === '') return undefined
  let ast: Expression
  try {
    ast = parse(filter)
  } catch {
    throw new JobQueryError('Unable to parse filter')
  }
  return compile(ast)
}

function compile(node: Expression): JobPredicate {
  if (node.type === 'LOGIC') {
    const left = compile(node.left)
    const right = compile(node.right)
    return node.operator === ';' || node.operator === 'and' ? job => left(job) && right(job) : job => left(job) || right(job)
  }
  const key = node.left.selector
  const operator = node.operator
  const values = Array.isArray(node.right.value) ? node.right.value : [node.right.value]
  if (!['==', '!=', '=gt=', '>', '=ge=', '>=', '=lt=', '<', '=le=', '<=', '=in=', '=out='].includes(operator)) {
    throw new JobQueryError('Unable to parse filter') // jirutka's parser knows only these operators
  }
  let read: (job: JobView) => string | number | null | undefined
  let numeric = false
  if (key.startsWith('labels.') && key.length > 'labels.'.length) {
    const label = key.slice('labels.'.length)
    read = job => labelOf(job, label)
  } else if (FILTER_KEYS.has(key)) {
    numeric = key === 'percentageComplete'
    read = key === 'id' ? job => job.id : key === 'name' ? job => job.name : key === 'status' ? job => job.status : job => job.percentageComplete
  } else {
    throw new JobQueryError(`Unsupported filter key specified: ${key}`)
  }
  const operands = values.map(v => (numeric ? numberOf(v, key) : v))
  const first = operands[0]!
  const test = comparison(operator, first, operands, numeric)
  return job => {
    const value = read(job)
    return value !== undefined && value !== null && test(value)
  }
}

function labelOf(job: JobView, label: string): string | null | undefined {
  return Object.hasOwn(job.labels, label) ? job.labels[label] : undefined
}

function numberOf(text: string, key: string): number {
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n)) throw new JobQueryError(`Invalid value for ${key}: ${text}`)
  return n
}

function comparison(operator: string, first: string | number, operands: Array<string | number>, numeric: boolean): (v: string | number) => boolean {
  const cmp = (a: string | number, b: string | number) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0)
  switch (operator) {
    case '==':
    case '!=': {
      const negate = operator === '!='
      if (!numeric && typeof first === 'string' && first.includes('*')) {
        const like = likeRegex(first)
        return v => like.test(String(v)) !== negate
      }
      return v => (cmp(v, first) === 0) !== negate
    }
    case '=gt=':
    case '>':
      return v => cmp(v, first) > 0
    case '=ge=':
    case '>=':
      return v => cmp(v, first) >= 0
    case '=lt=':
    case '<':
      return v => cmp(v, first) < 0
    case '=le=':
    case '<=':
      return v => cmp(v, first) <= 0
    case '=in=':
      return v => operands.some(o => cmp(v, o) === 0)
    default:
      return v => !operands.some(o => cmp(v, o) === 0) // =out=
  }
}

function likeRegex(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${body}$`, 's')
}

// ---------------------------------------------------------------------------------------------------------------
// sort

const SORT_FIELDS: Record<string, (job: JobView) => string | number | null | undefined> = {
  jobId: job => job.id,
  name: job => job.name,
  description: job => job.description,
  externalData: job => job.externalData,
  createTime: job => job.createTime,
  lastUpdateTime: job => job.lastUpdateTime,
  status: job => job.status,
  percentageComplete: job => job.percentageComplete,
}

export type JobComparator = (a: JobView, b: JobView) => number

/** `<field>:<asc|desc>` (JobSortField); NULLs last ascending and first descending, as Postgres orders them; ties by id. */
export function parseSort(sort: string | undefined): JobComparator {
  const text = sort === undefined || sort === '' ? 'createTime:desc' : sort
  const colon = text.lastIndexOf(':')
  if (colon <= 0 || colon === text.length - 1) throw new JobQueryError(`Invalid format for sort: ${text}`)
  const field = text.slice(0, colon)
  const direction = text.slice(colon + 1).toLowerCase()
  if (direction !== 'asc' && direction !== 'desc') throw new JobQueryError(`Invalid format for sort: ${text}`)
  let read: (job: JobView) => string | number | null | undefined
  if (field.startsWith('labels.') && field.length > 'labels.'.length) {
    const label = field.slice('labels.'.length)
    read = job => labelOf(job, label)
  } else {
    const known = SORT_FIELDS[field]
    if (!known) throw new JobQueryError(`Invalid value for sort field: ${field}`)
    read = known
  }
  const sign = direction === 'asc' ? 1 : -1
  return (a, b) => {
    const x = read(a) ?? undefined
    const y = read(b) ?? undefined
    let c: number
    if (x === undefined || y === undefined) c = x === y ? 0 : x === undefined ? 1 : -1
    else c = x < y ? -1 : x > y ? 1 : 0
    if (c !== 0) return c * sign
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  }
}

// ---------------------------------------------------------------------------------------------------------------
// the whole selection

export interface Selection {
  jobIdStartsWith?: string
  statusType?: string
  labelExist?: string
  filter?: string
}

/** One predicate for jobIdStartsWith + statusType + labelExist + filter; throws JobQueryError for a bad filter. */
export function selection(s: Selection): JobPredicate {
  const tests: JobPredicate[] = []
  if (s.jobIdStartsWith) {
    const prefix = s.jobIdStartsWith
    tests.push(job => job.id.startsWith(prefix))
  }
  const statuses = statusTypeSet(s.statusType)
  if (statuses) tests.push(job => statuses.has(job.status))
  if (s.labelExist !== undefined && s.labelExist !== '') {
    const names = s.labelExist
      .split(',')
      .map(n => n.trim())
      .filter(n => n !== '')
    if (names.length > 0) tests.push(job => names.some(n => Object.hasOwn(job.labels, n)))
  }
  const filter = parseFilter(s.filter)
  if (filter) tests.push(filter)
  return job => tests.every(t => t(job))
}
