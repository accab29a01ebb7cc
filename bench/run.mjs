#!/usr/bin/env node
// `npm run bench`: builds (npm does), then measures each area and prints one table per area; everything goes to
// bench/results.json. Every figure is a median of runs after warm-up, every ratio compares figures taken in this same
// invocation. Nothing here is a test: a missed target prints MISSED; only a measurement that failed exits non-zero.
//
//   BENCH_ONLY=upload,listing   some areas only (startup, upload, listing, bulk, apply)
//   BENCH_RUNS=N                runs per figure (default 15 for start-up, 5 for the others)
import {writeFileSync} from 'node:fs'
import {cpus, loadavg} from 'node:os'
import {join} from 'node:path'
import {ROOT, cleanupAll, runs} from './lib.mjs'

const AREAS = {
  startup: () => import('./areas/startup.mjs').then(m => m.startup()),
  upload: () => import('./areas/upload.mjs').then(m => m.upload()),
  listing: () => import('./areas/listing.mjs').then(m => m.listing()),
  bulk: () => import('./areas/bulk.mjs').then(m => m.bulk()),
  apply: () => import('./areas/apply.mjs').then(m => m.apply()),
}

const only = process.env.BENCH_ONLY?.split(',')
  .map(s => s.trim())
  .filter(Boolean)
const unknown = only?.filter(a => !(a in AREAS)) ?? []
if (unknown.length > 0) {
  console.error(`BENCH_ONLY: unknown area ${unknown.join(', ')} (one of ${Object.keys(AREAS).join(', ')})`)
  process.exit(2)
}
if (process.env.BENCH_RUNS !== undefined && !(Number.isInteger(Number(process.env.BENCH_RUNS)) && Number(process.env.BENCH_RUNS) >= 1)) {
  console.error(`BENCH_RUNS must be a positive integer, got ${process.env.BENCH_RUNS}`)
  process.exit(2)
}

const started = Date.now()
const results = {
  node: process.version,
  cpus: cpus().length,
  loadAverageAtStart: loadavg().map(l => Math.round(l * 100) / 100),
  startedAt: new Date(started).toISOString(),
  runsOverride: process.env.BENCH_RUNS ? Number(process.env.BENCH_RUNS) : undefined,
}
console.log(`workerctl bench: Node ${process.version}, ${results.cpus} CPUs, load average ${results.loadAverageAtStart.join(' ')}`)
if (runs(5) < 5) console.log(`BENCH_RUNS=${runs(5)}: fewer than 5 runs per figure, for trying the bench only`)

let failed = 0
for (const [name, area] of Object.entries(AREAS)) {
  if (only && !only.includes(name)) continue
  console.log(`\n== ${name} ${'='.repeat(Math.max(0, 70 - name.length))}`)
  const t = Date.now()
  try {
    results[name] = {...(await area()), seconds: Math.round((Date.now() - t) / 100) / 10}
  } catch (error) {
    failed++
    console.log(`${name}: the measurement FAILED: ${error.stack ?? error}`)
    results[name] = {error: String(error.message ?? error)}
  } finally {
    await cleanupAll()
  }
}

results.seconds = Math.round((Date.now() - started) / 100) / 10
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
console.log(`\nwritten: bench/results.json (${results.seconds} s${failed ? `; ${failed} area(s) failed` : ''})`)
process.exitCode = failed ? 1 : 0
