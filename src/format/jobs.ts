// How jobs look in the table format.
import type {Job} from '../api/jobservice/types.js'
import {details, resultText} from './corda.js'
import type {View} from './output.js'
import type {Paint} from './paint.js'
import {age} from './requests.js'
import {columns} from './table.js'

export const jobStatus = (s: string, p: Paint) => (s === 'Completed' ? p.ok(s) : s === 'Failed' || s === 'Cancelled' ? p.bad(s) : s === 'Paused' ? p.warn(s) : s)

/** `[#####.....] 50%` */
export function bar(percent: number, width = 10): string {
  const p = Math.max(0, Math.min(100, percent || 0))
  const filled = Math.round((p / 100) * width)
  return `${'#'.repeat(filled)}${'.'.repeat(width - filled)} ${Math.round(p)}%`
}

const labels = (j: Job) =>
  Object.entries(j.labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
const iso = (ms?: number) => (ms === undefined ? undefined : new Date(ms).toISOString())

export const jobTable = columns<Job>({
  ID: j => j.id,
  NAME: j => j.name ?? '',
  STATUS: (j, p) => jobStatus(j.status, p),
  PROGRESS: j => bar(j.percentageComplete),
  UPDATED: j => `${age(new Date(j.lastUpdateTime).toISOString())} ago`,
  LABELS: j => labels(j),
})

/** A failure's source without the `<partition>:<rootJobId>:` prefix a prerequisite's failure carries. */
export function splitFailureSource(source?: string): {root?: string; source?: string} {
  const match = /^([^:]+):([^:]+):(.*)$/.exec(source ?? '')
  return match ? {root: `${match[2]} (partition ${match[1]})`, source: match[3]} : {source}
}

export const jobView: View<Job & {result?: string}> = {
  text: (j, p) => {
    const head = details([
      ['Job', j.id],
      ['Name', j.name],
      ['Description', j.description],
      ['Status', jobStatus(j.status, p)],
      ['Progress', bar(j.percentageComplete)],
      ['Created', iso(j.createTime)],
      ['Updated', `${iso(j.lastUpdateTime)} (${age(new Date(j.lastUpdateTime).toISOString())} ago)`],
      ['Labels', labels(j)],
      ['Result', j.result && resultText(j.result, p)],
    ])
    const failures = (j.failures ?? []).map(f => {
      const {root, source} = splitFailureSource(f.failureSource)
      return [
        `  ${iso(f.failureTime) ?? '?'}  ${f.failureId ?? ''}${source ? `  from ${source}` : ''}`,
        root ? `    because prerequisite job ${root} failed` : undefined,
        `    ${(f.failureMessage ?? '').split('\n').join('\n    ')}`,
      ]
        .filter(Boolean)
        .join('\n')
    })
    return failures.length > 0 ? `${head}\nFailures:\n${failures.join('\n')}` : head
  },
}
