// How REGARDS requests, their summary and retry/delete outcomes look in the table format.
import type {ActionOutcome, ActionPlan} from '../api/workermanager/ops/request-actions.js'
import type {RequestSummary} from '../api/workermanager/ops/request-summary.js'
import type {LightRequest, WorkerTypeAlive} from '../api/workermanager/types.js'
import {details} from './corda.js'
import type {View} from './output.js'
import type {Paint} from './paint.js'
import {columns} from './table.js'

const BAD = new Set(['ERROR', 'INVALID_CONTENT', 'NO_WORKER_AVAILABLE'])
export const requestStatus = (s: string, p: Paint) => (BAD.has(s) ? p.bad(s) : s === 'SUCCESS' ? p.ok(s) : s)

/** A relative age: 5s, 3m, 2h, 4d. */
export function age(iso: string, now = Date.now()): string {
  const ms = Math.max(0, now - new Date(iso).getTime())
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)}h`
  return `${Math.round(ms / 86_400_000)}d`
}

/** The first line of an error text, cut to fit a table cell. */
export const errorLine = (text?: string | null, max = 70) => {
  const first = (text ?? '').split(/\r?\n/)[0]!.trim()
  return first.length > max ? `${first.slice(0, max - 1)}…` : first
}

export const requestTable = columns<LightRequest>({
  ID: r => r.id,
  REQUEST: r => r.requestId,
  STATUS: (r, p) => requestStatus(r.status, p),
  'CONTENT TYPE': r => r.contentType,
  AGE: r => age(r.creationDate),
  SOURCE: r => r.source,
  SESSION: r => r.session,
  WORKER: r => r.dispatchedWorkerType ?? '',
  ERROR: r => errorLine(r.error),
})

export const requestView: View<LightRequest> = {
  text: (r, p) => {
    const head = details([
      ['Request', r.requestId],
      ['Id', r.id],
      ['Status', requestStatus(r.status, p)],
      ['Content type', r.contentType],
      ['Created', `${r.creationDate} (${age(r.creationDate)} ago)`],
      ['Source', r.source],
      ['Session', r.session],
      ['Worker type', r.dispatchedWorkerType],
    ])
    return r.error ? `${head}\nError:\n${r.error}` : head
  },
}

export const summaryView: View<RequestSummary> = {
  text: (s, p) => {
    if (s.total === 0) return 'No requests match.'
    const lines = [`${s.total} request(s)`]
    for (const group of s.byStatus) {
      lines.push(`  ${requestStatus(group.status, p).padEnd(20 + (requestStatus(group.status, p).length - group.status.length))} ${String(group.count).padStart(7)}`)
      for (const ct of group.contentTypes) lines.push(`    ${ct.contentType.padEnd(38)} ${String(ct.count).padStart(7)}`)
    }
    if (s.causes.length > 0) {
      lines.push('', 'Why:')
      for (const c of s.causes) {
        lines.push(`  ${c.status} ${c.contentType ?? ''} (${c.count}): ${c.cause}`)
        for (const e of c.errors?.slice(1) ?? []) lines.push(`      also: "${e.error}" (${e.count})`)
      }
    }
    for (const st of s.stuck) {
      lines.push(
        '',
        p.warn(`${st.count} request(s) ${st.status} since before ${st.olderThan}: the API cannot move them (no retry, no delete, no timeout); check the worker's queue and logs`),
      )
    }
    if (s.configUnavailable) lines.push('', p.dim(s.configUnavailable))
    return lines.join('\n')
  },
}

export function planText(plan: ActionPlan): string {
  const counts = Object.entries(plan.counts)
    .filter(([, n]) => n)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')
  const sample = plan.sample.map(r => `  ${r.requestId}  ${r.status}  ${r.contentType}  ${errorLine(r.error, 60)}`).join('\n')
  return `${plan.action === 'retry' ? 'Retry' : 'Delete'} ${plan.total} request(s)${counts ? ` (${counts})` : ''} created up to ${plan.search.creationDate?.before}${sample ? `, e.g.:\n${sample}` : ''}`
}

export const outcomeView: View<ActionOutcome> = {
  text: (o, p) =>
    details(
      o.action === 'retry'
        ? [
            ['Matched', o.matched],
            ['Re-dispatched', o.redispatched],
            ['Delayed again', o.delayedAgain],
            ['Still errored', o.stillErrored],
            ['Pending', o.pending],
            ['Complete', o.complete ? 'yes' : p.warn('no (--timeout ran out; the job goes on)')],
          ]
        : [
            ['Matched', o.matched],
            ['Deleted', o.deleted],
            ['Pending', o.pending],
            ['Complete', o.complete ? 'yes' : p.warn('no (--timeout ran out; the job goes on)')],
          ],
    ),
}

export const workerTable = columns<WorkerTypeAlive>({
  'WORKER TYPE': w => w.workerType,
  INSTANCES: w => w.nbInstance,
})
