// SearchRequestParameters (worker-manager.md §4) as the JPA specifications apply them, and Spring's paging params.
import {BLOCKED_STATUSES, type RequestStatus} from '../../shared/regards-request.js'

export type {RequestStatus}
/** RequestScanTask.BLOCKED_REQUESTS_STATUSES: the only ones retry/delete may touch, and the ones with links. */
export const BLOCKED: readonly RequestStatus[] = BLOCKED_STATUSES

export interface ValuesRestriction<T> {
  mode: 'INCLUDE' | 'EXCLUDE'
  values: T[]
  matchMode: 'STRICT' | 'STARTS_WITH' | 'CONTAINS' | 'ENDS_WITH'
  ignoreCase: boolean
}

export interface SearchParameters {
  source?: string
  session?: string
  dispatchedWorkerType?: string
  contentTypes?: ValuesRestriction<string>
  statuses?: ValuesRestriction<string>
  ids?: ValuesRestriction<number>
  /** Epoch microseconds, inclusive. */
  after?: number
  before?: number
}

/** What the filters read of a row. */
export interface Filterable {
  id: number
  creationMicros: number
  contentType: string
  source: string
  session: string
  status: RequestStatus
  dispatchedWorkerType: string | null
}

export type Parsed<T> = {ok: true; value: T} | {ok: false; status: number; messages: string[]}

const MAX_VALUES = 1000
const MATCH_MODES = ['STRICT', 'STARTS_WITH', 'CONTAINS', 'ENDS_WITH']

/**
 * Reads the JSON body. Type errors are GSON's 400; with `validate` (retry/delete use @Valid) the bean constraints
 * give 422 with one message per violation.
 */
export function parseSearch(body: unknown, validate: boolean): Parsed<SearchParameters> {
  if (body === undefined || body === '') return {ok: false, status: 400, messages: ['Required request body is missing']}
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {ok: false, status: 400, messages: ['JSON parse error: Expected BEGIN_OBJECT but was ' + (Array.isArray(body) ? 'BEGIN_ARRAY' : typeof body)]}
  }
  const b = body as Record<string, unknown>
  const out: SearchParameters = {}
  const bad: string[] = []
  const violations: string[] = []
  for (const field of ['source', 'session', 'dispatchedWorkerType'] as const) {
    const v = b[field]
    if (v === undefined || v === null) continue
    if (typeof v !== 'string') bad.push(`JSON parse error: Expected a string for ${field}`)
    else out[field] = v
  }
  const restriction = <T>(field: string, check: (v: unknown) => v is T): ValuesRestriction<T> | undefined => {
    const raw = b[field]
    if (raw === undefined || raw === null) return undefined
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      bad.push(`JSON parse error: Expected BEGIN_OBJECT for ${field}`)
      return undefined
    }
    const r = raw as Record<string, unknown>
    const mode = r.mode
    if (mode !== undefined && mode !== null && mode !== 'INCLUDE' && mode !== 'EXCLUDE') bad.push(`JSON parse error: unknown mode ${String(mode)} for ${field}`)
    if (mode == null && validate) violations.push(`${field}.mode: must not be null`)
    const matchMode = r.matchMode ?? 'STRICT'
    if (typeof matchMode !== 'string' || !MATCH_MODES.includes(matchMode)) bad.push(`JSON parse error: unknown matchMode ${String(matchMode)} for ${field}`)
    if (r.ignoreCase != null && typeof r.ignoreCase !== 'boolean') bad.push(`JSON parse error: Expected a boolean for ${field}.ignoreCase`)
    let values: T[] = []
    if (r.values == null) {
      if (validate) violations.push(`${field}.values: must not be null`)
    } else if (!Array.isArray(r.values) || !r.values.every(check)) {
      bad.push(`JSON parse error: invalid values for ${field}`)
    } else {
      values = r.values
      if (validate && values.length > MAX_VALUES) violations.push('List of values have a maximal size of 1000')
    }
    return {mode: mode === 'EXCLUDE' ? 'EXCLUDE' : 'INCLUDE', values, matchMode: matchMode as ValuesRestriction<T>['matchMode'], ignoreCase: r.ignoreCase === true}
  }
  out.contentTypes = restriction('contentTypes', (v): v is string => typeof v === 'string')
  // GSON reads an unknown enum constant as null: it matches nothing, it is not an error.
  out.statuses = restriction('statuses', (v): v is string => typeof v === 'string')
  out.ids = restriction('ids', (v): v is number => typeof v === 'number' && Number.isInteger(v))
  const dates = b.creationDate
  if (dates !== undefined && dates !== null) {
    if (typeof dates !== 'object' || Array.isArray(dates)) bad.push('JSON parse error: Expected BEGIN_OBJECT for creationDate')
    else {
      for (const field of ['after', 'before'] as const) {
        const v = (dates as Record<string, unknown>)[field]
        if (v === undefined || v === null) continue
        const micros = typeof v === 'string' ? parseMicros(v) : undefined
        if (micros === undefined) bad.push(`JSON parse error: Failed parsing '${String(v)}' as OffsetDateTime`)
        else out[field] = micros
      }
    }
  }
  for (const key of Object.keys(out) as Array<keyof SearchParameters>) if (out[key] === undefined) delete out[key]
  if (bad.length > 0) return {ok: false, status: 400, messages: [bad[0]!]}
  if (violations.length > 0) return {ok: false, status: 422, messages: [...new Set(violations)]}
  return {ok: true, value: out}
}

/** ISO-8601 with an offset → epoch microseconds (fraction kept to the microsecond, as the DB column). */
export function parseMicros(text: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)$/i.exec(text.trim())
  if (!m) return undefined
  const ms = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`)
  if (Number.isNaN(ms)) return undefined
  return ms * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6))
}

/** GSON's OffsetDateTimeAdapter: UTC, `Z`, truncated to microseconds, Java's shortest fraction (none, 3 or 6 digits). */
export function formatMicros(micros: number): string {
  const ms = Math.floor(micros / 1000)
  const sub = micros - ms * 1000
  const iso = new Date(ms).toISOString() // YYYY-MM-DDTHH:mm:ss.sssZ
  if (sub !== 0) return `${iso.slice(0, -1)}${String(sub).padStart(3, '0')}Z`
  if (ms % 1000 !== 0) return iso
  return `${iso.slice(0, 19)}Z`
}

export class FilterError extends Error {}

/** SQL LIKE (`%`, `_`, backslash escapes) as a regular expression. */
function likeRegex(pattern: string, flags = ''): RegExp {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '\\' && i + 1 < pattern.length) out += escapeRegex(pattern[++i]!)
    else if (c === '%') out += '.*'
    else if (c === '_') out += '.'
    else out += escapeRegex(c)
  }
  return new RegExp(`^${out}$`, `s${flags}`)
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c
}

function stringMatcher(r: ValuesRestriction<string>): (value: string) => boolean {
  if (r.matchMode === 'STRICT') {
    const set = new Set(r.ignoreCase ? r.values.map(v => v.toLowerCase()) : r.values)
    return r.ignoreCase ? v => set.has(v.toLowerCase()) : v => set.has(v)
  }
  const wrap = (v: string) => (r.matchMode === 'STARTS_WITH' ? `${v}%` : r.matchMode === 'ENDS_WITH' ? `%${v}` : `%${v}%`)
  const regexes = r.values.map(v => likeRegex(wrap(v), r.ignoreCase ? 'i' : ''))
  return v => regexes.some(re => re.test(v))
}

function restricted<T>(r: ValuesRestriction<T>, matches: (value: T) => boolean): (value: T) => boolean {
  if (r.mode === 'INCLUDE' && r.values.length === 0) {
    throw new FilterError('Forbidden empty list of values with include mode.')
  }
  return r.mode === 'INCLUDE' ? matches : v => !matches(v)
}

/** A predicate over rows; throws FilterError for INCLUDE with no values (as the specification builder does). */
export function compileFilter(p: SearchParameters): (row: Filterable) => boolean {
  const tests: Array<(row: Filterable) => boolean> = []
  if (p.source !== undefined) {
    const re = likeRegex(`%${p.source}%`)
    tests.push(row => re.test(row.source))
  }
  if (p.session !== undefined) {
    const re = likeRegex(`%${p.session}%`)
    tests.push(row => re.test(row.session))
  }
  if (p.dispatchedWorkerType !== undefined) {
    const re = likeRegex(`%${p.dispatchedWorkerType}%`)
    tests.push(row => row.dispatchedWorkerType !== null && re.test(row.dispatchedWorkerType))
  }
  if (p.contentTypes) {
    const test = restricted(p.contentTypes, stringMatcher(p.contentTypes))
    tests.push(row => test(row.contentType))
  }
  if (p.statuses) {
    const set = new Set(p.statuses.values)
    const test = restricted(p.statuses, (s: string) => set.has(s))
    tests.push(row => test(row.status))
  }
  if (p.ids) {
    const set = new Set(p.ids.values)
    const test = restricted(p.ids, (id: number) => set.has(id))
    tests.push(row => test(row.id))
  }
  const {after, before} = p
  if (after !== undefined) tests.push(row => row.creationMicros >= after)
  if (before !== undefined) tests.push(row => row.creationMicros <= before)
  return row => tests.every(t => t(row))
}

/**
 * RequestScanTask (§6.2): statuses null, empty, or naming ANY non-blocked status are replaced by INCLUDE all three
 * blocked ones, whatever the mode; EXCLUDE listing only blocked statuses is kept as is (and reaches in-flight rows).
 */
export function widenStatuses(statuses: ValuesRestriction<string> | undefined): ValuesRestriction<string> {
  if (!statuses || statuses.values.length === 0 || statuses.values.some(s => !(BLOCKED as readonly string[]).includes(s))) {
    return {mode: 'INCLUDE', values: [...BLOCKED], matchMode: 'STRICT', ignoreCase: false}
  }
  return statuses
}

// ---------------------------------------------------------------------------------------------------------------
// Paging (Spring's PageableHandlerMethodArgumentResolver)

export const SORT_FIELDS = ['id', 'requestId', 'creationDate', 'contentType', 'source', 'session', 'status', 'dispatchedWorkerType'] as const
export type SortField = (typeof SORT_FIELDS)[number]
export interface SortOrder {
  field: SortField
  desc: boolean
}
export interface PageRequest {
  page: number
  size: number
  sort: SortOrder[]
}

const DEFAULT_SIZE = 20
const MAX_SIZE = 2000

function intParam(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  return text !== undefined && /^-?\d+$/.test(text.trim()) ? Number(text) : undefined
}

export function parsePageable(query: Record<string, string | string[]>): Parsed<PageRequest> {
  const rawPage = intParam(query.page)
  const rawSize = intParam(query.size)
  const page = rawPage === undefined || rawPage < 0 ? 0 : rawPage
  const size = rawSize === undefined || rawSize < 1 ? DEFAULT_SIZE : Math.min(rawSize, MAX_SIZE)
  const sort: SortOrder[] = []
  const values = query.sort === undefined ? [] : Array.isArray(query.sort) ? query.sort : [query.sort]
  for (const value of values) {
    const parts = value
      .split(',')
      .map(s => s.trim())
      .filter(s => s !== '')
    const last = parts.at(-1)?.toUpperCase()
    const direction = last === 'ASC' || last === 'DESC' ? parts.pop()!.toUpperCase() : 'ASC'
    for (const field of parts) {
      if (!(SORT_FIELDS as readonly string[]).includes(field)) {
        return {ok: false, status: 400, messages: [`No property '${field}' found for type 'LightRequest'`]}
      }
      sort.push({field: field as SortField, desc: direction === 'DESC'})
    }
  }
  if (sort.length === 0) sort.push({field: 'requestId', desc: false})
  return {ok: true, value: {page, size, sort}}
}
