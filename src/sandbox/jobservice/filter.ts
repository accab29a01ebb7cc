// Job Service list/count/bulk selection as the service builds it (JobService/job-service@6f66d0b): statusType,
// jobIdStartsWith and labelExist (SQL get_jobs / get_jobs_count), the RSQL `filter` (jirutka rsql-parser 2.1.0, then
// api/filter/JobFilterQuery's SQL) and `sort` (api/JobsGet). Parsed with @rsql/parser, then held to what jirutka's
// parser refuses; evaluated as PostgreSQL would evaluate the SQL, with text compared in the database's collation.
import {parse} from '@rsql/parser'
import type {SqlFault} from './db-errors.js'
import type {JobStatus, JobView} from './job.js'

type Expression = ReturnType<typeof parse>

/** What the service answers for a bad query before it reaches the database: 400 (its own checks) or 500 (Java). */
export class JobQueryError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 500 = 400,
  ) {
    super(message)
  }
}

/** en_US.UTF-8, the collation of the official postgres image the service's database runs on: `A, b, C`. */
const collator = new Intl.Collator('en-US')
/** ORDER BY and < > on text: the collation, then the bytes (a deterministic collation breaks ties so). */
export const collate = (a: string, b: string) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)

/** §5 table; missing or any other value (case-sensitive) means all statuses. */
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

const STATUSES = new Set(['Active', 'Cancelled', 'Completed', 'Failed', 'Paused', 'Waiting'])
/** jirutka's default operators; only =in= and =out= take several arguments. */
const OPERATORS = new Set(['==', '!=', '=gt=', '>', '=ge=', '>=', '=lt=', '<', '=le=', '<=', '=in=', '=out='])
const UNABLE = 'Unable to parse filter'

/** A filter as the service runs it: the predicate, and the first thing PostgreSQL will refuse in its SQL, if any. */
export interface Filter {
  test: JobPredicate
  fault?: SqlFault
}

/**
 * RSQL → predicate, with the service's failures: 400 `Unable to parse filter` for anything jirutka's parser refuses (an
 * empty filter, an unknown operator, several arguments to a single-value operator), 400 `Unsupported filter key
 * specified: k`, 500 for a percentageComplete that is not a Java double (NumberFormatException, uncaught), and as
 * `fault` what PostgreSQL refuses when it runs the SQL (a status outside the enum, `*` on status or percentageComplete).
 * SQL semantics: a NULL column never matches, and `labels.<key> op v` is `EXISTS (that label whose value op v)`.
 */
export function parseFilter(filter: string | undefined): Filter | undefined {
  if (filter === undefined) return undefined
  let ast: Expression
  try {
    ast = parse(filter)
  } catch {
    throw new JobQueryError(UNABLE)
  }
  // jirutka builds (and so refuses) every node while parsing, before any node is converted to SQL.
  checkNodes(ast)
  const state: {fault?: SqlFault} = {}
  const test = compile(ast, state)
  return {test, ...(state.fault ? {fault: state.fault} : {})}
}

function checkNodes(node: Expression): void {
  if (node.type === 'LOGIC') {
    checkNodes(node.left)
    checkNodes(node.right)
    return
  }
  if (!OPERATORS.has(node.operator)) throw new JobQueryError(UNABLE)
  const values = node.right.value
  if (Array.isArray(values) && values.length > 1 && node.operator !== '=in=' && node.operator !== '=out=') throw new JobQueryError(UNABLE)
}

function compile(node: Expression, state: {fault?: SqlFault}): JobPredicate {
  if (node.type === 'LOGIC') {
    const left = compile(node.left, state)
    const right = compile(node.right, state)
    return node.operator === ';' || node.operator === 'and' ? job => left(job) && right(job) : job => left(job) || right(job)
  }
  const key = node.left.selector
  const operator = node.operator
  const values = Array.isArray(node.right.value) ? node.right.value : [node.right.value]
  const fault = (f: SqlFault) => {
    state.fault ??= f
  }
  const like = (operator === '==' || operator === '!=') && values[0]!.includes('*')
  const likeOperator = operator === '==' ? '~~' : '!~~'
  let read: (job: JobView) => string | number | null | undefined
  let operands: Array<string | number> = values
  let compare: (a: string | number, b: string | number) => number = (a, b) => collate(String(a), String(b))
  if (key.startsWith('labels.')) {
    const label = key.slice('labels.'.length) // `labels.` alone names the label '' (which no job has)
    read = job => (Object.hasOwn(job.labels, label) ? job.labels[label] : undefined)
  } else if (key === 'id') read = job => job.id
  else if (key === 'name') read = job => job.name
  else if (key === 'status') {
    read = job => job.status
    compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0) // enum order, declared alphabetically
    if (like) fault(noOperator('job_status', likeOperator))
    else {
      const bad = values.find(v => !STATUSES.has(v))
      if (bad !== undefined) fault({message: `invalid input value for enum job_status: "${bad}"`})
    }
  } else if (key === 'percentageComplete') {
    read = job => job.percentageComplete
    compare = (a, b) => Number(a) - Number(b)
    if (like) fault(noOperator('double precision', likeOperator))
    else {
      // JobFilterQuery.convertValue: Double.parseDouble; the SQL then holds Double.toString of it.
      operands = (operator === '=in=' || operator === '=out=' ? values : values.slice(0, 1)).map(javaParseDouble)
      const odd = operands.find(n => !Number.isFinite(n))
      if (odd !== undefined) fault({message: `column "${Number.isNaN(odd) ? 'nan' : 'infinity'}" does not exist`})
    }
  } else throw new JobQueryError(`Unsupported filter key specified: ${key}`)

  const test = like ? likeTest(values[0]!, operator === '!=') : comparison(operator, operands, compare)
  return job => {
    const value = read(job)
    return value !== undefined && value !== null && test(value)
  }
}

function noOperator(type: string, operator: string): SqlFault {
  return {
    message: `operator does not exist: ${type} ${operator} unknown`,
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  }
}

/** `*` is LIKE's `%`; `_`, `%` and `\` are escaped, so they are themselves. Case-sensitive. */
function likeTest(pattern: string, negate: boolean): (v: string | number) => boolean {
  const body = pattern
    .split('*')
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  const re = new RegExp(`^${body}$`, 's')
  return v => re.test(String(v)) !== negate
}

function comparison(operator: string, operands: Array<string | number>, compare: (a: string | number, b: string | number) => number): (v: string | number) => boolean {
  const first = operands[0]!
  switch (operator) {
    case '==':
      return v => compare(v, first) === 0
    case '!=':
      return v => compare(v, first) !== 0
    case '=gt=':
    case '>':
      return v => compare(v, first) > 0
    case '=ge=':
    case '>=':
      return v => compare(v, first) >= 0
    case '=lt=':
    case '<':
      return v => compare(v, first) < 0
    case '=le=':
    case '<=':
      return v => compare(v, first) <= 0
    case '=in=':
      return v => operands.some(o => compare(v, o) === 0)
    default:
      return v => !operands.some(o => compare(v, o) === 0) // =out=
  }
}

/** Double.parseDouble: surrounding control characters and spaces trimmed, Java's literal forms; else NumberFormatException. */
export function javaParseDouble(text: string): number {
  let start = 0
  let end = text.length
  while (start < end && text.charCodeAt(start) <= 0x20) start++
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--
  const t = text.slice(start, end)
  if (t === '') throw new JobQueryError('empty String', 500)
  const decimal = /^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/.exec(t)
  if (decimal) return Number(t.replace(/[fFdD]$/, ''))
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/.exec(t)
  if (hex && (hex[2] !== '' || hex[3] !== '')) {
    const [, sign, whole = '', fraction = '', exponent = '0'] = hex
    const mantissa = parseInt(`${whole}${fraction}` || '0', 16) / 16 ** fraction.length
    return (sign === '-' ? -1 : 1) * mantissa * 2 ** Number(exponent)
  }
  throw new JobQueryError(`For input string: "${t}"`, 500)
}

// ---------------------------------------------------------------------------------------------------------------
// sort

type Field = (job: JobView) => string | number | null | undefined

/** JobSortField: API name → what the column holds. */
const SORT_FIELDS: Record<string, Field> = {
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

/**
 * JobsGet: absent → `createTime:desc`. Otherwise split at the first colon; field names and directions are
 * case-sensitive; the texts are the service's (an unknown field echoes the whole value). ORDER BY semantics: text in
 * the collation, status in enum order, NULLs (a missing label) last ascending and first descending; ties (no order in
 * SQL) by id.
 */
export function parseSort(sort: string | undefined): JobComparator {
  const text = sort ?? 'createTime:desc'
  const colon = text.indexOf(':')
  if (colon < 0) throw new JobQueryError(`Invalid format for sort: ${text}`)
  const field = text.slice(0, colon)
  const direction = text.slice(colon + 1)
  let read: Field
  let textual: boolean
  if (field.startsWith('labels.')) {
    const label = field.slice('labels.'.length)
    if (label === '') throw new JobQueryError('Invalid format for label sort specified')
    read = job => (Object.hasOwn(job.labels, label) ? job.labels[label] : undefined)
    textual = true
  } else {
    const known = Object.hasOwn(SORT_FIELDS, field) ? SORT_FIELDS[field] : undefined
    if (!known) throw new JobQueryError(`Invalid value for sort field: ${text}`)
    read = known
    textual = ['jobId', 'name', 'description', 'externalData'].includes(field)
  }
  if (direction !== 'asc' && direction !== 'desc') throw new JobQueryError(`Invalid value for sort direction: ${direction}`)
  const sign = direction === 'asc' ? 1 : -1
  return (a, b) => {
    const x = read(a) ?? undefined
    const y = read(b) ?? undefined
    let c: number
    if (x === undefined || y === undefined) c = x === y ? 0 : x === undefined ? 1 : -1
    else if (textual) c = collate(String(x), String(y))
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

/** String.split(","): trailing empty strings dropped, nothing trimmed. */
export function javaSplit(text: string, separator: string): string[] {
  if (!text.includes(separator)) return [text]
  const parts = text.split(separator)
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts
}

/**
 * One predicate for jobIdStartsWith + statusType + labelExist + filter, checked in the service's order (labelExist is
 * split before the filter is parsed); throws JobQueryError. `fault`: what PostgreSQL refuses when it runs it.
 */
export function selection(s: Selection): Filter {
  const tests: JobPredicate[] = []
  if (s.jobIdStartsWith) {
    const prefix = s.jobIdStartsWith // LIKE 'prefix%' with _ and % escaped: a case-sensitive literal prefix
    tests.push(job => job.id.startsWith(prefix))
  }
  const statuses = statusTypeSet(s.statusType)
  if (statuses) tests.push(job => statuses.has(job.status))
  if (s.labelExist !== undefined && s.labelExist !== '') {
    const names = javaSplit(s.labelExist, ',')
    if (names.length > 0) tests.push(job => names.some(n => Object.hasOwn(job.labels, n)))
  }
  const filter = parseFilter(s.filter)
  if (filter) tests.push(filter.test)
  return {test: job => tests.every(t => t(job)), ...(filter?.fault ? {fault: filter.fault} : {})}
}
