// Job Service filters (reference/job-service.md §5): RSQL built safely from the operator's statuses and labels, and
// the operator's own RSQL checked as the service's parser would check it.
import {UsageError} from '../../errors.js'
import {JOB_STATUSES, type JobStatus} from './types.js'
import {LABEL_KEY} from './validate.js'

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
const MULTI_VALUE = new Set(['=in=', '=out='])

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
      visit(node.left)
      visit(node.right)
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
    // What the service's parser refuses (400) or its query fails on (a 500): refused here, with what would work.
    const values = Array.isArray(node.right.value) ? node.right.value : [node.right.value]
    if (Array.isArray(node.right.value) && !MULTI_VALUE.has(node.operator)) {
      throw new UsageError(`--filter: ${key}${node.operator} takes one value; =in= and =out= take a list (e.g. status=in=(Failed,Cancelled))`)
    }
    if (key === 'status') {
      const bad = values.find(v => !(JOB_STATUSES as readonly string[]).includes(v))
      if (bad !== undefined) throw new UsageError(`--filter: "${bad}" is not a job status (exactly one of ${JOB_STATUSES.join(', ')})`)
    }
    if (key === 'percentageComplete') {
      const bad = values.find(v => v.trim() === '' || !Number.isFinite(Number(v)))
      if (bad !== undefined) throw new UsageError(`--filter: percentageComplete compares numbers, not "${bad}"`)
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

/** The fields the service sorts jobs by (JobSortField), besides `labels.KEY`. */
export const JOB_SORT_FIELDS = ['jobId', 'name', 'description', 'externalData', 'createTime', 'lastUpdateTime', 'status', 'percentageComplete'] as const

/**
 * `FIELD[:asc|desc]` as the service takes it: split at the first colon, the direction in lower case. A label key with a
 * colon in it cannot be sorted by (the service would read the rest as the direction).
 */
export function jobSort(text: string): string {
  const [field = '', direction = 'asc', ...rest] = text.split(':')
  const label = field.startsWith('labels.') ? field.slice('labels.'.length) : undefined
  const fieldOk = label === undefined ? (JOB_SORT_FIELDS as readonly string[]).includes(field) : LABEL_KEY.test(label)
  if (!fieldOk || rest.length > 0) {
    throw new UsageError(`--sort "${text}": sort by one of ${JOB_SORT_FIELDS.join(', ')} or labels.KEY (a label without a colon in its name)`)
  }
  const lower = direction.toLowerCase()
  if (lower !== 'asc' && lower !== 'desc') throw new UsageError(`--sort "${text}": the direction is asc or desc`)
  return `${field}:${lower}`
}
