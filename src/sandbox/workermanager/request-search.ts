// Searching the request table (worker-manager.md §4): the filter of a SearchRequestParameters body, one page in the
// requested order. A single sort on a field whose order never changes reads a cached sorted order of the table.
import {compileFilter, type PageRequest, type SearchParameters, type SortField} from './filter.js'
import type {RequestRow} from './request-row.js'
import type {RequestStore} from './request-store.js'

/** Fields whose order never changes once a row exists: their sorted order is cached. */
const STABLE_FIELDS: ReadonlySet<SortField> = new Set(['id', 'requestId', 'creationDate', 'contentType', 'source', 'session'])

function compareBy(field: SortField): (a: RequestRow, b: RequestRow) => number {
  const key = (r: RequestRow): string | number | null => (field === 'creationDate' ? r.creationMicros : r[field])
  return (a, b) => {
    const x = key(a)
    const y = key(b)
    if (x === y) return 0
    if (x === null) return 1 // NULLS LAST (PostgreSQL's default for ASC)
    if (y === null) return -1
    return x < y ? -1 : 1
  }
}

/** Throws FilterError for INCLUDE with an empty list. */
export function searchRequests(store: RequestStore, params: SearchParameters, page: PageRequest): {rows: RequestRow[]; total: number} {
  const filter = compileFilter(params)
  store.compact()
  const from = page.page * page.size
  const to = from + page.size
  const [first] = page.sort
  if (page.sort.length === 1 && first && STABLE_FIELDS.has(first.field)) {
    const sorted = sortedBy(store, first.field)
    const out: RequestRow[] = []
    let total = 0
    const n = sorted.length
    for (let i = 0; i < n; i++) {
      const row = sorted[first.desc ? n - 1 - i : i]!
      if (!filter(row)) continue
      if (total >= from && total < to) out.push(row)
      total++
    }
    return {rows: out, total}
  }
  const matched = store.rows.filter(filter)
  const comparators = page.sort.map(o => ({cmp: compareBy(o.field), sign: o.desc ? -1 : 1}))
  matched.sort((a, b) => {
    for (const {cmp, sign} of comparators) {
      const c = cmp(a, b)
      if (c !== 0) return c * sign
    }
    return a.id - b.id
  })
  return {rows: matched.slice(from, to), total: matched.length}
}

/** The rows sorted by `field` (ties by id), from the store's cache. */
export function sortedBy(store: RequestStore, field: SortField): RequestRow[] {
  if (field === 'id') return store.rows
  let sorted = store.sortCache.get(field)
  if (!sorted) {
    const cmp = compareBy(field)
    sorted = [...store.rows].sort((a, b) => cmp(a, b) || a.id - b.id)
    store.sortCache.set(field, sorted)
  }
  return sorted
}
