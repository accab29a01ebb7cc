// Listing: `request list --all -o json` over 100,000 worker-manager requests and `job list --all -o json` over 50,000
// jobs: total time, time to the first row, peak RSS, and the peak when a tenth and half of the rows had arrived (flat
// memory: the second half costs nothing more). stdout goes to a counter (bytes and lines), never a buffer; the row
// count is checked.
import {loggedSince, median, mib, pause, round, runs, sandbox, table, verdict, workerctl} from '../lib.mjs'

const REQUESTS = 100_000
const JOBS = 50_000
const TARGET_RSS_MB = 200
/** Flat: the peak RSS at the end may exceed the peak at half the rows by at most this factor. */
const FLAT_GROWTH = 1.15

/** 100,000 requests that stay as they are: ERROR rows (errors are kept), added through the sandbox's control route. */
async function seedRequests(sbx) {
  const types = ['lta-to-extract-request', 'lta-extracted-request']
  for (let i = 0; i < REQUESTS / 10_000; i++) {
    const res = await fetch(`${sbx.url}/_sandbox/requests?contentType=${types[i % 2]}&count=10000&outcome=error&session=bench-list`, {method: 'POST'})
    if (res.status !== 201) throw new Error(`POST /_sandbox/requests answered ${res.status}: ${await res.text()}`)
  }
  // Dispatched, running, then ERROR a second later (sandbox time is real time): wait until all are.
  const wm = sbx.server.context.wm
  for (let waited = 0; ; waited += 200) {
    wm.settle(Date.now())
    if ((wm.countByStatus().ERROR ?? 0) === REQUESTS && wm.size === REQUESTS) return
    if (waited > 30_000) throw new Error(`the sandbox's requests did not settle: ${JSON.stringify(wm.countByStatus())}`)
    await pause(200)
  }
}

/**
 * Runs `args` RUNS times after a warm-up; each: the time to exit and to the first stdout byte, peak RSS (at the end,
 * and when a tenth and half of the rows had arrived), rows (lines of the streamed JSON array minus its brackets), and
 * the calls the sandbox answered and the time it spent on them (its log).
 */
async function listCase(sbx, args, rows, RUNS, warmup) {
  const samples = []
  const tenth = 1 + rows / 10 // the array's opening line, then one line per row
  const half = 1 + rows / 2
  for (let i = 0; i < warmup + RUNS; i++) {
    const mark = sbx.server.log.total
    const r = await workerctl(args, {env: sbx.env, maxRss: true, timeoutMs: 600_000, probeLines: [tenth, half]})
    const got = r.newlines - 2
    if (got !== rows) throw new Error(`workerctl ${args.join(' ')} printed ${got} rows, expected ${rows}`)
    const calls = loggedSince(sbx.server, mark).filter(e => e.service !== 'auth')
    if (i >= warmup) {
      samples.push({
        ms: r.ms,
        firstByteMs: r.firstByteMs,
        maxRss: r.maxRss,
        rssTenth: r.hwmAt[tenth],
        rssHalf: r.hwmAt[half],
        bytes: r.bytes,
        calls: calls.length,
        serverMs: calls.reduce((n, e) => n + e.durationMs, 0),
      })
    }
  }
  const med = Object.fromEntries(Object.keys(samples[0]).map(k => [k, median(samples.map(s => s[k]))]))
  return {command: `workerctl ${args.join(' ')}`, rows, runs: samples, median: med}
}

export async function listing() {
  const RUNS = runs(5)
  const WARMUP = 1
  const cases = []
  let sbx = await sandbox({requests: 0, jobs: 0})
  try {
    await seedRequests(sbx)
    cases.push(await listCase(sbx, ['request', 'list', '--all', '-o', 'json'], REQUESTS, RUNS, WARMUP))
  } finally {
    await sbx.close()
  }
  sbx = await sandbox({requests: 0, jobs: JOBS})
  try {
    cases.push(await listCase(sbx, ['job', 'list', '--all', '-o', 'json'], JOBS, RUNS, WARMUP))
  } finally {
    await sbx.close()
  }

  table(
    `listing from the sandbox, median of ${RUNS} runs (${WARMUP} warm-up); stdout counted, not kept`,
    [
      ['command', 'command', 30, 'left'],
      ['rows', 'rows', 8, 'right', 0],
      ['ms', 'ms', 9],
      ['first row ms', 'first', 14],
      ['rows/s', 'rate', 8, 'right', 0],
      ['peak RSS MB', 'rss', 13],
      ['at 10%', 'tenth', 8],
      ['at 50%', 'half', 8],
      ['calls', 'calls', 7, 'right', 0],
      ['sandbox ms', 'server', 12],
    ],
    cases.map(c => ({
      command: c.command.replace('workerctl ', ''),
      rows: c.rows,
      ms: c.median.ms,
      first: c.median.firstByteMs,
      rate: c.rows / (c.median.ms / 1000),
      rss: mib(c.median.maxRss),
      tenth: c.median.rssTenth && mib(c.median.rssTenth),
      half: c.median.rssHalf && mib(c.median.rssHalf),
      calls: c.median.calls,
      server: c.median.serverMs,
    })),
  )
  const verdicts = []
  for (const c of cases) {
    const rss = mib(c.median.maxRss)
    const what = c.command.split(' ').slice(1, 3).join(' ')
    verdicts.push(`${what}: peak RSS ${rss.toFixed(1)} MB over ${c.rows} rows, target < ${TARGET_RSS_MB} MB: ${verdict(rss < TARGET_RSS_MB)}`)
    if (c.median.rssHalf) {
      const growth = c.median.maxRss / c.median.rssHalf
      verdicts.push(`${what}: flat memory, peak at the end vs at half the rows = ×${growth.toFixed(2)}, target ≤ ×${FLAT_GROWTH}: ${verdict(growth <= FLAT_GROWTH)}`)
    } else verdicts.push(`${what}: flat memory not measured (no /proc to read the peak at half the rows)`)
  }
  for (const v of verdicts) console.log(v)
  return {
    runs: RUNS,
    warmup: WARMUP,
    cases: cases.map(c => ({
      command: c.command,
      rows: c.rows,
      medianMs: round(c.median.ms),
      medianFirstRowMs: round(c.median.firstByteMs),
      medianPeakRssMB: round(mib(c.median.maxRss)),
      medianPeakRssAtTenthMB: round(c.median.rssTenth && mib(c.median.rssTenth)),
      medianPeakRssAtHalfMB: round(c.median.rssHalf && mib(c.median.rssHalf)),
      stdoutBytes: c.median.bytes,
      httpCalls: c.median.calls,
      medianSandboxMs: round(c.median.serverMs),
      samples: c.runs.map(s => ({ms: round(s.ms), firstRowMs: round(s.firstByteMs), peakRssMB: round(mib(s.maxRss)), sandboxMs: round(s.serverMs)})),
    })),
    targets: {peakRssMB: TARGET_RSS_MB, flatGrowth: FLAT_GROWTH},
    verdicts,
  }
}
