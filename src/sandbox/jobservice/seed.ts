// The Job Service's history at sandbox start: jobs in partition `default` over the last days, deterministic from
// the seed, with their share of Failed, Cancelled, running, waiting, paused and stuck jobs.
import {Random} from '../random.js'
import {stringHash} from './java-json.js'
import {percent, type StoredJob} from './job.js'

/** Jobs `startSandbox` seeds in partition `default` unless told otherwise. */
export const DEFAULT_SEEDED_JOBS = 40

/** A realistic deterministic history in `partition` (PRODUCT.md §7 sandbox): n jobs over the last 7 days. */
export function seedJobs(partition: string, n: number, seed: number, now: number): StoredJob[] {
  const jobs: StoredJob[] = []
  const rnd = new Random((seed ^ 0x5eed0b5) >>> 0)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd.next() * xs.length)]!
  const span = 7 * 24 * 3600_000
  const kinds = [
    {prefix: 'ingest', classifier: 'BatchWorker', name: 'Ingest batch'},
    {prefix: 'export', classifier: 'ExportWorker', name: 'Export'},
    {prefix: 'reindex', classifier: 'IndexWorker', name: 'Reindex'},
    {prefix: 'ocr', classifier: 'OcrWorker', name: 'OCR pass'},
  ] as const
  const owners = ['alice', 'bob', 'carol', 'dave', 'erin'] as const
  // Outcomes spread evenly (a golden-ratio sequence, not independent draws), so even a small history has its
  // share of Failed, Cancelled and running jobs for `job list --status Failed` to find.
  const phase = rnd.next()
  const teams = ['ingest', 'search', 'archive'] as const
  for (let i = 0; i < n; i++) {
    const kind = pick(kinds)
    const id = `${kind.prefix}-${String(i + 1).padStart(6, '0')}`
    const createTime = Math.floor(now - span + (span * (i + rnd.next())) / Math.max(n, 1)) - 60_000
    const labels: Record<string, string> = {owner: pick(owners)}
    if (rnd.next() < 0.8) labels.team = pick(teams)
    const day = new Date(createTime).toISOString().slice(0, 10)
    labels.batch = `${day}-${Math.floor(rnd.next() * 4)}`
    const durationMs = Math.floor(30_000 + rnd.next() * 3600_000)
    const job: StoredJob = {
      id,
      name: `${kind.name} ${i + 1}`,
      description: rnd.next() < 0.3 ? `${kind.name} for ${labels.owner}` : null,
      externalData: null,
      createTime,
      lastUpdateTime: createTime,
      status: 'Completed',
      percentageComplete: 100,
      failures: [],
      labels,
      partition,
      hash: stringHash(`seeded:${id}`),
      taskHash: `seeded:${id}`,
      classifier: kind.classifier,
      demo: {durationMs, fail: false, failTimes: 0},
      awaiting: new Set(),
      delayMs: 0,
      pending: {},
    }
    const r = (phase + i * 0.6180339887) % 1
    const age = now - createTime
    if (r < 0.78 || age < 0) {
      job.finishedAt = Math.min(now - 1000, createTime + durationMs)
      job.lastUpdateTime = Math.max(createTime, job.finishedAt)
    } else if (r < 0.86) {
      const at = Math.min(now - 1000, createTime + Math.floor(durationMs * rnd.next()))
      job.status = 'Failed'
      job.percentageComplete = 0 // report_failure sets 0.00
      rnd.next() // (kept: the draws that follow, hence the whole history, stay as they were)
      job.finishedAt = Math.max(createTime, at)
      job.lastUpdateTime = job.finishedAt
      job.failures = [
        {
          failureId: 'TASK_FAILURE',
          failureTime: job.finishedAt,
          failureSource: `${kind.classifier.toLowerCase()}-worker`,
          failureMessage: pick([
            'java.lang.RuntimeException: Unable to read source document',
            'java.io.IOException: Connection reset by peer',
            'java.lang.IllegalStateException: Storage quota exceeded',
            'java.util.concurrent.TimeoutException: Task timed out after 600s',
          ]),
        },
      ]
      job.root = {id, failures: job.failures}
    } else if (r < 0.89) {
      job.status = 'Cancelled'
      job.percentageComplete = Math.round(rnd.next() * 500) / 10
      job.lastUpdateTime = Math.min(now - 1000, createTime + Math.floor(rnd.next() * 600_000))
    } else if (r < 0.985) {
      // Still running: the most recent ones, so their progress is plausible.
      const sub = rnd.next()
      job.createTime = now - Math.floor(rnd.next() * 1800_000) - 1000
      if (sub < 0.6) {
        job.status = 'Active'
        const done = Math.floor(rnd.next() * durationMs * 0.9)
        job.run = {durationMs: durationMs + 3600_000, message: `${kind.classifier} task failed`, activeBefore: done, segmentStart: now}
        job.percentageComplete = percent(done, durationMs + 3600_000)
        job.lastUpdateTime = now - Math.floor(rnd.next() * 5000)
      } else if (sub < 0.85) {
        // Waiting on an upstream job that has not been created yet.
        job.status = 'Waiting'
        job.percentageComplete = 0
        job.awaiting = new Set([`upstream-${String(i + 1).padStart(6, '0')}`])
        job.task = {}
        job.lastUpdateTime = job.createTime
      } else {
        job.status = 'Paused'
        const done = Math.floor(rnd.next() * durationMs * 0.9)
        job.run = {durationMs, message: `${kind.classifier} task failed`, activeBefore: done}
        job.percentageComplete = percent(done, durationMs)
        job.lastUpdateTime = job.createTime + Math.floor(rnd.next() * (now - job.createTime))
      }
    } else {
      // Stuck: Active, no progress for hours.
      job.status = 'Active'
      job.createTime = now - Math.floor((6 + rnd.next() * 24) * 3600_000)
      job.lastUpdateTime = now - Math.floor((2 + rnd.next() * 4) * 3600_000)
      job.percentageComplete = Math.round(rnd.next() * 800) / 10
      job.run = {durationMs, message: `${kind.classifier} task failed`, activeBefore: 0, stuck: true}
    }
    jobs.push(job)
  }
  return jobs
}
