// Bulk: `request retry --status ERROR --session S --yes -o json` over 10,000 errored requests: time, and the HTTP
// calls it made to the worker manager (from the sandbox's log), split into counting, retry calls and polling.
import {loggedSince, median, pause, round, runs, sandbox, table, tempHome, verdict, workerctl} from '../lib.mjs'

const N = 10_000
/** Served by lta-sip-generator-worker (alive in the sandbox), so the retry re-dispatches them. */
const CONTENT_TYPE = 'lta-extracted-request'
const SESSION = 'bench-retry'
const TARGET_RETRY_CALLS = 1 + Math.ceil(N / 1000)

/** A fresh sandbox (its default history of 150 requests) plus N requests of SESSION that ended in ERROR. */
async function errored(home) {
  const sbx = await sandbox({}, home)
  const res = await fetch(`${sbx.url}/_sandbox/requests?contentType=${CONTENT_TYPE}&count=${N}&outcome=error&session=${SESSION}`, {method: 'POST'})
  if (res.status !== 201) throw new Error(`POST /_sandbox/requests answered ${res.status}: ${await res.text()}`)
  const wm = sbx.server.context.wm
  for (let waited = 0; ; waited += 100) {
    wm.settle(Date.now())
    if ((wm.countByStatus().ERROR ?? 0) >= N) return sbx
    if (waited > 30_000) throw new Error(`the sandbox's requests did not reach ERROR: ${JSON.stringify(wm.countByStatus())}`)
    await pause(100)
  }
}

/** What each logged call was for: the retry itself, counting before it (incl. the sample), polling after it. */
function breakdown(calls) {
  const retryAt = calls.findIndex(c => c.path.endsWith('/requests/retry'))
  const out = {auth: 0, count: 0, sample: 0, retry: 0, poll: 0, other: 0}
  calls.forEach((c, i) => {
    if (c.service === 'auth') out.auth++
    else if (c.path.endsWith('/requests/retry')) out.retry++
    else if (c.method === 'POST' && c.path.endsWith('/requests')) {
      if (retryAt >= 0 && i > retryAt) out.poll++
      else if (c.query.size === '1') out.count++
      else out.sample++
    } else out.other++
  })
  return out
}

export async function bulk() {
  const RUNS = runs(5)
  const WARMUP = 1
  const home = tempHome()
  const args = ['request', 'retry', '--status', 'ERROR', '--session', SESSION, '--yes', '-o', 'json']
  const samples = []
  try {
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const sbx = await errored(home)
      try {
        const mark = sbx.server.log.total
        const r = await workerctl(args, {env: sbx.env, keep: true, timeoutMs: 600_000})
        const outcome = JSON.parse(r.stdout)
        if (outcome.matched !== N || outcome.complete !== true) throw new Error(`request retry did not retry all ${N}: ${r.stdout}`)
        const calls = loggedSince(sbx.server, mark).filter(c => c.service === 'workerManager' || c.service === 'auth')
        if (i >= WARMUP) samples.push({ms: r.ms, total: calls.length, ...breakdown(calls), outcome})
      } finally {
        await sbx.close()
      }
    }
  } finally {
    await home.remove()
  }
  const med = key => median(samples.map(s => s[key]))
  const m = {ms: med('ms'), total: med('total'), auth: med('auth'), count: med('count'), sample: med('sample'), retry: med('retry'), poll: med('poll'), other: med('other')}
  table(
    `bulk retry of ${N} ERROR requests (a fresh sandbox each run), median of ${RUNS} runs (${WARMUP} warm-up)`,
    [
      ['command', 'name', 44, 'left'],
      ['ms', 'ms', 9],
      ['calls', 'total', 7, 'right', 0],
      ['token', 'auth', 7, 'right', 0],
      ['count', 'count', 7, 'right', 0],
      ['sample', 'sample', 8, 'right', 0],
      ['retry', 'retry', 7, 'right', 0],
      ['polls', 'poll', 7, 'right', 0],
      ['other', 'other', 7, 'right', 0],
    ],
    [{name: `request retry --status ERROR --session … --yes`, ...m, ms: round(m.ms)}],
  )
  const verdicts = [`retry calls = ${m.retry} for ${N} requests, target ≤ 1 + ⌈n/1000⌉ = ${TARGET_RETRY_CALLS}: ${verdict(m.retry <= TARGET_RETRY_CALLS)}`]
  for (const v of verdicts) console.log(v)
  console.log(`  (counting and the 5-row sample happen before the retry; polls are the counts that follow the job: ${m.poll / 2} rounds of 2)`)
  return {
    runs: RUNS,
    warmup: WARMUP,
    requests: N,
    command: `workerctl ${args.join(' ')}`,
    medianMs: round(m.ms),
    medianCalls: m,
    samples: samples.map(s => ({
      ms: round(s.ms),
      calls: {total: s.total, auth: s.auth, count: s.count, sample: s.sample, retry: s.retry, poll: s.poll, other: s.other},
      outcome: s.outcome,
    })),
    targets: {retryCalls: TARGET_RETRY_CALLS},
    verdicts,
  }
}
