// Retry and delete, safely (reference/worker-manager.md §6): count what the filter matches, act on exactly that set
// (blocked statuses as INCLUDE, `creationDate.before` fixed at counting time), then follow the asynchronous job by
// polling counts, since the service gives no job id.
import {TimeoutError} from '../../../errors.js'
import {poll, type WaitOptions} from '../../wait.js'
import type {WorkerManagerClient} from '../client.js'
import {actionSearch, batches, type RequestFilter} from '../filters.js'
import type {BlockedStatus, LightRequest, SearchRequestParameters} from '../types.js'

export type RequestAction = 'retry' | 'delete'

export interface ActionPlan {
  action: RequestAction
  /** The filter sent: what was counted is what is acted on. */
  search: SearchRequestParameters
  /** Per blocked status, how many match now. */
  counts: Partial<Record<BlockedStatus, number>>
  total: number
  sample: LightRequest[]
}

const statusesOf = (search: SearchRequestParameters) => (search.statuses?.values ?? []) as BlockedStatus[]
const withStatus = (search: SearchRequestParameters, status: string): SearchRequestParameters => ({...search, statuses: {mode: 'INCLUDE', values: [status as BlockedStatus]}})

/** The filter split so that no `ids` restriction holds more than 1000 values (the spec's maxItems). */
const idBatches = (search: SearchRequestParameters): SearchRequestParameters[] => {
  const ids = search.ids?.values
  return ids && ids.length > 1000 ? batches(ids).map(values => ({...search, ids: {mode: 'INCLUDE' as const, values}})) : [search]
}

/** Counts per blocked status, summed over id batches. */
async function countEach(wm: WorkerManagerClient, search: SearchRequestParameters): Promise<Partial<Record<BlockedStatus, number>>> {
  const out: Partial<Record<BlockedStatus, number>> = {}
  for (const part of idBatches(search)) {
    const pairs = await Promise.all(statusesOf(part).map(async s => [s, await wm.requests.count(withStatus(part, s))] as const))
    for (const [s, n] of pairs) out[s] = (out[s] ?? 0) + n
  }
  return out
}

async function countAll(wm: WorkerManagerClient, search: SearchRequestParameters): Promise<number> {
  let total = 0
  for (const part of idBatches(search)) total += await wm.requests.count(part)
  return total
}

const sum = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce<number>((n, c) => n + (c ?? 0), 0)

/** Counts what a retry or delete would touch and keeps a few rows to show. Nothing is changed. */
export async function planAction(wm: WorkerManagerClient, action: RequestAction, filter: RequestFilter, now = new Date()): Promise<ActionPlan> {
  const search = actionSearch(filter, now)
  const [counts, page] = await Promise.all([countEach(wm, search), wm.requests.page(idBatches(search)[0]!, {page: 0, size: 5, sort: ['creationDate,DESC']})])
  return {action, search, counts, total: sum(counts), sample: page.rows}
}

export interface ActionOutcome {
  action: RequestAction
  matched: number
  /** Retry: moved out of the blocked statuses (dispatched, running or done). */
  redispatched?: number
  /** Retry: back in NO_WORKER_AVAILABLE, no live worker. */
  delayedAgain?: number
  /** Retry: still ERROR or INVALID_CONTENT: failed again, or not processed before the deadline. */
  stillErrored?: number
  deleted?: number
  /** Still queued by the service's job (TO_DISPATCH / TO_DELETE) when waiting stopped. */
  pending: number
  /** false when --timeout ran out before the job finished. */
  complete: boolean
}

/** How long a sent part may show nothing before it is sent again (reference/worker-manager.md §6). */
export const SEND_AGAIN_AFTER_MS = 6_000
/** Sends of one part, counting the first. */
const SENDS = 3

const queueOf = (action: RequestAction) => (action === 'retry' ? 'TO_DISPATCH' : 'TO_DELETE')

/** Blocked rows a part of the filter still matches, and rows queued for the job. */
async function progressOf(wm: WorkerManagerClient, action: RequestAction, search: SearchRequestParameters): Promise<{remaining: number; pending: number}> {
  const [remaining, pending] = await Promise.all([countAll(wm, search), countAll(wm, withStatus(search, queueOf(action)))])
  return {remaining, pending}
}

/** Whether the part's scan job visibly began (rows queued, or fewer blocked) within the wait. */
async function begun(
  wm: WorkerManagerClient,
  action: RequestAction,
  search: SearchRequestParameters,
  before: {remaining: number; pending: number},
  options: WaitOptions,
): Promise<boolean> {
  try {
    await poll({
      what: `${action} to begin`,
      fetch: () => progressOf(wm, action, search),
      done: now => now.pending > before.pending || now.remaining < before.remaining,
      deadline: Math.min(options.deadline ?? Infinity, Date.now() + (options.graceMs ?? SEND_AGAIN_AFTER_MS)),
      signal: options.signal,
      initialMs: 250,
      maxMs: 1000,
    })
    return true
  } catch (error) {
    if (error instanceof TimeoutError) return false
    throw error
  }
}

/**
 * Sends the action: one call for a filter, or one per 1000 database ids, one part after another. Each scan job takes a
 * lock the service shares between scans (the automatic re-dispatch every 3 s takes it too), and a job that finds it
 * held is skipped yet reported a success. So a part is sent only once the one before it visibly began; and a delete
 * (whose effect always shows) that shows no sign of beginning is sent again, which is safe: the filter acts on what is
 * left. A retry of requests that go straight back to NO_WORKER_AVAILABLE shows nothing either, so it is not repeated.
 * Returns the number of calls made.
 */
export async function sendAction(wm: WorkerManagerClient, plan: ActionPlan, options: WaitOptions = {}): Promise<number> {
  let calls = 0
  const parts = idBatches(plan.search)
  for (const [i, part] of parts.entries()) {
    const last = i === parts.length - 1
    const before = plan.action === 'delete' || !last ? await progressOf(wm, plan.action, part) : undefined
    for (let send = 1; ; send++) {
      await (plan.action === 'retry' ? wm.requests.retry(part) : wm.requests.delete(part))
      calls++
      const out = options.deadline !== undefined && Date.now() >= options.deadline
      if (!before || out || (await begun(wm, plan.action, part, before, options))) break
      if (plan.action === 'retry' || send >= SENDS) break
    }
  }
  return calls
}

/**
 * Polls until the service's job has handled the matched set: nothing queued (TO_DISPATCH/TO_DELETE) on two polls in a
 * row once it has visibly begun. A retried request that fails again goes back to ERROR with its own creation date, so
 * it stays in the set: it is reported as still errored, not waited for. Stops at the deadline with what it saw.
 */
export async function followAction(wm: WorkerManagerClient, plan: ActionPlan, options: WaitOptions<ActionOutcome> = {}): Promise<ActionOutcome> {
  const measure = async (): Promise<ActionOutcome> => {
    const [after, pending] = await Promise.all([countEach(wm, plan.search), countAll(wm, withStatus(plan.search, queueOf(plan.action)))])
    const remaining = sum(after)
    if (plan.action === 'delete') return {action: 'delete', matched: plan.total, deleted: Math.max(0, plan.total - remaining - pending), pending, complete: false}
    const delayedAgain = after.NO_WORKER_AVAILABLE ?? 0
    const stillErrored = (after.ERROR ?? 0) + (after.INVALID_CONTENT ?? 0)
    return {action: 'retry', matched: plan.total, redispatched: Math.max(0, plan.total - remaining - pending), delayedAgain, stillErrored, pending, complete: false}
  }
  // The job starts asynchronously: until it has visibly begun (something pending or moved), give it a few polls.
  let polls = 0
  let begun = false
  let queuedBefore = true
  const isDone = (o: ActionOutcome) => {
    polls++
    begun ||= o.pending > 0 || (o.deleted ?? o.redispatched ?? 0) > 0
    const drained = o.pending === 0 && !queuedBefore
    queuedBefore = o.pending > 0
    return drained && (begun || polls >= 4)
  }
  let last: ActionOutcome | undefined
  try {
    last = await poll({
      what: `${plan.action} of ${plan.total} requests`,
      fetch: measure,
      done: isDone,
      initialMs: 500,
      maxMs: 3000,
      ...options,
      onStatus: o => {
        last = o
        options.onStatus?.(o)
      },
    })
    return {...last, complete: true}
  } catch (error) {
    if (last && error instanceof TimeoutError) return last
    throw error
  }
}
