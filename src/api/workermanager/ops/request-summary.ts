// "Why is it stuck?": counts by status and content type from size=1 queries, and a likely cause for each blocked
// group (reference/worker-manager.md §3, §8, §9, §12). Bounded: never a full scan.
import {ApiError} from '../../errors.js'
import type {WorkerManagerClient} from '../client.js'
import {configuredTypes} from '../configuration.js'
import {errorShape, type RequestFilter, toSearch} from '../filters.js'
import type {RequestStatus} from '../types.js'

/** Statuses a request can be seen in (SUCCESS rows are deleted at once). */
const VISIBLE: RequestStatus[] = ['TO_DISPATCH', 'NO_WORKER_AVAILABLE', 'DISPATCHED', 'RUNNING', 'ERROR', 'INVALID_CONTENT', 'TO_DELETE']

export interface StatusCount {
  status: RequestStatus
  count: number
  contentTypes: Array<{contentType: string; count: number}>
}

export interface Cause {
  status: RequestStatus
  contentType?: string
  count: number
  cause: string
  /** For ERROR / INVALID_CONTENT: the most frequent error shapes in a sample. */
  errors?: Array<{error: string; count: number}>
  sampled?: number
}

export interface RequestSummary {
  total: number
  byStatus: StatusCount[]
  causes: Cause[]
  /** DISPATCHED/RUNNING created before `stuckBefore`. */
  stuck: Array<{status: RequestStatus; count: number; olderThan: string}>
  /** Why the config could not be used for causes (e.g. 403), if so. */
  configUnavailable?: string
}

export interface SummaryOptions {
  /** DISPATCHED/RUNNING older than this many ms are flagged. */
  stuckMs: number
  now?: Date
  /** Rows read to group error texts. */
  errorSample?: number
}

/** The content types present in one status, each with its count: one discovery query and one count per type. */
async function byContentType(wm: WorkerManagerClient, filter: RequestFilter, status: RequestStatus, total: number): Promise<StatusCount['contentTypes']> {
  const base = toSearch({...filter, statuses: [status]})
  // Content types the operator named are counted one by one: the discovery below would step outside them.
  if (filter.contentTypes?.length) {
    const counts = await Promise.all(
      [...new Set(filter.contentTypes)].map(async contentType => ({
        contentType,
        count: await wm.requests.count(toSearch({...filter, statuses: [status], contentTypes: [contentType]})),
      })),
    )
    return counts.filter(c => c.count > 0).sort((a, b) => b.count - a.count)
  }
  const out: StatusCount['contentTypes'] = []
  let accounted = 0
  while (accounted < total && out.length < 50) {
    const rest = {...base, contentTypes: {mode: 'EXCLUDE' as const, values: out.map(c => c.contentType)}}
    const page = await wm.requests.page(out.length === 0 ? base : rest, {page: 0, size: 1})
    const row = page.rows[0]
    if (!row) break
    const count = await wm.requests.count({...base, contentTypes: {mode: 'INCLUDE', values: [row.contentType]}})
    out.push({contentType: row.contentType, count})
    accounted += count
  }
  return out.sort((a, b) => b.count - a.count)
}

type Mapping = ReturnType<typeof configuredTypes>

async function noWorkerCause(wm: WorkerManagerClient, contentType: string, mapping: Mapping | undefined): Promise<string> {
  const alive = await wm.workers.alive([contentType])
  if (alive.length > 0) {
    const who = alive.map(w => `${w.workerType} (${w.nbInstance} alive)`).join(', ')
    return `${who} serves it now: requests are re-dispatched within seconds; if they stay, run \`workerctl request retry --content-type ${contentType}\``
  }
  if (!mapping) return `no live worker serves content type ${contentType} (export the config to see whether one is mapped)`
  const worker = mapping.workers.find(w => w.contentTypeInputs?.includes(contentType))
  if (worker) return `worker type ${worker.workerType} is mapped but sent no heartbeat in 60 s`
  const workflow = mapping.workflows.find(w => w.workflowType === contentType)
  if (workflow) {
    const allAlive = await wm.workers.alive()
    const dead = workflow.steps.filter(s => !allAlive.some(a => a.workerType === s.workerType)).map(s => `step ${s.stepNumber} (${s.workerType})`)
    const steps = dead.length > 0 ? `${dead.join(', ')} has no live instance` : 'every step has a live worker'
    return `workflow ${contentType}: ${steps}; workflow requests are not re-dispatched automatically: \`workerctl request retry --content-type ${contentType}\``
  }
  return `no config maps content type ${contentType} (no worker's contentTypeInputs, no workflow)`
}

async function errorCause(wm: WorkerManagerClient, filter: RequestFilter, status: RequestStatus, contentType: string, count: number, sample: number): Promise<Cause> {
  const page = await wm.requests.page(toSearch({...filter, statuses: [status], contentTypes: [contentType]}), {page: 0, size: sample, sort: ['creationDate,DESC']})
  const groups = new Map<string, number>()
  for (const row of page.rows) {
    const shape = errorShape(row.error)
    groups.set(shape, (groups.get(shape) ?? 0) + 1)
  }
  const errors = [...groups]
    .map(([error, n]) => ({error, count: n}))
    .sort((a, b) => b.count - a.count)
    .slice(0, 3)
  const top = errors[0]
  return {
    status,
    contentType,
    count,
    errors,
    sampled: page.rows.length,
    cause: top ? `most frequent: "${top.error}" (${top.count} of the ${page.rows.length} latest)` : 'no error text',
  }
}

export async function summarizeRequests(wm: WorkerManagerClient, filter: RequestFilter, options: SummaryOptions): Promise<RequestSummary> {
  const now = options.now ?? new Date()
  const statuses = filter.statuses?.length ? VISIBLE.filter(s => filter.statuses!.includes(s)) : VISIBLE
  const counts = await Promise.all(statuses.map(async status => ({status, count: await wm.requests.count(toSearch({...filter, statuses: [status]}))})))
  const byStatus: StatusCount[] = []
  for (const {status, count} of counts) {
    if (count === 0) continue
    byStatus.push({status, count, contentTypes: await byContentType(wm, filter, status, count)})
  }

  let mapping: Mapping | undefined
  let configUnavailable: string | undefined
  const causes: Cause[] = []
  const noWorker = byStatus.find(s => s.status === 'NO_WORKER_AVAILABLE')
  if (noWorker) {
    try {
      mapping = configuredTypes(await wm.configuration.export())
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 403 && error.status !== 401)) throw error
      configUnavailable = `the configuration export needs PROJECT_ADMIN (${error.status}): causes say less`
    }
    for (const {contentType, count} of noWorker.contentTypes) {
      causes.push({status: 'NO_WORKER_AVAILABLE', contentType, count, cause: await noWorkerCause(wm, contentType, mapping)})
    }
  }
  for (const status of ['ERROR', 'INVALID_CONTENT'] as const) {
    const group = byStatus.find(s => s.status === status)
    for (const {contentType, count} of group?.contentTypes ?? []) causes.push(await errorCause(wm, filter, status, contentType, count, options.errorSample ?? 200))
  }

  const olderThan = new Date(now.getTime() - options.stuckMs)
  const stuck: RequestSummary['stuck'] = []
  for (const status of ['DISPATCHED', 'RUNNING'] as const) {
    if (!byStatus.some(s => s.status === status)) continue
    const until = filter.until && filter.until < olderThan ? filter.until : olderThan
    const count = await wm.requests.count(toSearch({...filter, statuses: [status], until}))
    if (count > 0) stuck.push({status, count, olderThan: olderThan.toISOString()})
  }
  return {total: byStatus.reduce((n, s) => n + s.count, 0), byStatus, causes, stuck, ...(configUnavailable ? {configUnavailable} : {})}
}
