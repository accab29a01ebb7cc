// How `apply` and `diff` read: one line per object with what happened, then the field changes under it.
import type {Change, Planned} from '../apply/plan.js'
import type {ObjectReport, Result} from '../apply/run.js'
import type {View} from './output.js'
import type {Paint} from './paint.js'

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))

export function changeLine(c: Change): string {
  if (c.from === undefined) return `+ ${c.field}: ${show(c.to)}`
  if (c.to === undefined) return `- ${c.field}: ${show(c.from)}`
  return `~ ${c.field}: ${show(c.from)} → ${show(c.to)}`
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`

function resultWord(r: Result | 'conflict', p: Paint): string {
  const word = r.padEnd(14)
  return r === 'unchanged' ? p.dim(word) : r === 'failed' || r === 'conflict' ? p.bad(word) : r.startsWith('needs-') ? p.warn(word) : p.ok(word)
}

/** "3 created, 1 updated, 5 unchanged" — only the results that occurred, in a fixed order. */
export function summaryLine(results: string[]): string {
  const order = ['create', 'created', 'update', 'updated', 'unchanged', 'needs-recreate', 'needs-upgrade', 'conflict', 'failed']
  const counts = new Map<string, number>()
  for (const r of results) counts.set(r, (counts.get(r) ?? 0) + 1)
  return (
    order
      .filter(r => counts.has(r))
      .map(r => `${counts.get(r)} ${r === 'create' ? 'to create' : r === 'update' ? 'to update' : r}`)
      .join(', ') || 'nothing'
  )
}

export interface ApplyReport {
  summary: Record<string, number>
  objects: ObjectReport[]
}

export const applyView: View<ApplyReport> = {
  text: (report, p) =>
    report.objects
      .map(o => {
        const detail =
          o.result === 'failed' || o.result.startsWith('needs-')
            ? o.reason
            : o.ids
              ? Object.entries(o.ids)
                  .map(([k, v]) => `${k} ${v}`)
                  .join(', ')
              : ''
        const lines = [`${resultWord(o.result, p)} ${o.kind} ${p.bold(o.name)}${detail ? `  ${detail}` : ''}  ${p.dim(seconds(o.durationMs))}`]
        if (o.result !== 'unchanged') lines.push(...o.changes.map(c => `    ${changeLine(c)}`))
        if (o.hint) lines.push(`    Hint: ${o.hint}`)
        return lines.join('\n')
      })
      .join('\n'),
}

export interface PlanReport {
  summary: Record<string, number>
  objects: Array<Omit<Planned, 'spec'> & {file: string; line: number}>
}

const SIGN: Record<string, string> = {create: '+', update: '~', unchanged: '=', 'needs-recreate': '!', 'needs-upgrade': '!', conflict: '✗'}

export const planView: View<PlanReport> = {
  text: (plan, p) => {
    const lines: string[] = []
    for (const o of plan.objects) {
      if (o.action === 'unchanged') continue
      const head = `${SIGN[o.action]} ${o.kind} ${p.bold(o.name)} (${o.action}${o.reason ? `: ${o.reason}` : ''})`
      lines.push(o.action === 'conflict' ? p.bad(head) : o.action.startsWith('needs-') ? p.warn(head) : head)
      lines.push(...o.changes.map(c => `    ${changeLine(c)}`))
    }
    const same = plan.objects.filter(o => o.action === 'unchanged').length
    if (same > 0) lines.push(p.dim(`= ${same} unchanged`))
    return lines.join('\n')
  },
}

/** The plan as printed: objects without their parsed spec, with where they were written, and counts per action. */
export function planReport(plan: Planned[]): PlanReport {
  const objects = plan.map(({spec, ...o}) => ({...o, file: spec.at.file, line: spec.at.line}))
  return {summary: countBy(objects.map(o => o.action)), objects}
}

export function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const v of values) out[v] = (out[v] ?? 0) + 1
  return out
}
