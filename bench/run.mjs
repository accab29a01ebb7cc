#!/usr/bin/env node
// `npm run bench`: start-up of workerctl against `node -e 0` and a bare oclif hello-world, measured in one run.
// Each figure is the median of RUNS runs after WARMUP runs; ratios compare figures from this same run only.
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const WARMUP = 3
const node = process.execPath
const workerctl = join(root, 'bin', 'run.js')
const hello = join(root, 'bench', 'hello', 'bin', 'run.js')
const env = {...process.env, WORKERCTL_CONFIG: join(root, 'bench', '.bench-config.yaml'), NO_COLOR: '1'}

function time(args) {
  const samples = []
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const start = process.hrtime.bigint()
    const res = spawnSync(node, args, {env, stdio: ['ignore', 'ignore', 'pipe']})
    const ms = Number(process.hrtime.bigint() - start) / 1e6
    if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}: ${res.stderr}`)
    if (i >= WARMUP) samples.push(ms)
  }
  samples.sort((a, b) => a - b)
  return samples[Math.floor(samples.length / 2)]
}

const cases = {
  'node -e 0': ['-e', '0'],
  'hello --version': [hello, '--version'],
  'hello --help': [hello, '--help'],
  'workerctl --version': [workerctl, '--version'],
  'workerctl --help': [workerctl, '--help'],
}
const results = Object.fromEntries(Object.entries(cases).map(([name, args]) => [name, time(args)]))
const targets = {'workerctl --version': ['hello --version', 1.1], 'workerctl --help': ['hello --help', 1.2]}

const rows = Object.entries(results).map(([name, ms]) => {
  const [baseline, target] = targets[name] ?? []
  const ratio = baseline ? ms / results[baseline] : undefined
  return {name, ms: Math.round(ms * 10) / 10, vsNode: Math.round((ms / results['node -e 0']) * 100) / 100, vsHello: ratio && Math.round(ratio * 100) / 100, target, ok: ratio === undefined ? undefined : ratio <= target}
})
console.log(`start-up, median of ${RUNS} runs (${WARMUP} warm-up), Node ${process.version}`)
console.log(`${'case'.padEnd(22)}${'ms'.padStart(9)}${'× node'.padStart(9)}${'× hello'.padStart(9)}  target`)
for (const r of rows) {
  const verdict = r.target ? `≤ ${r.target}× ${r.ok ? 'ok' : 'MISSED'}` : ''
  console.log(`${r.name.padEnd(22)}${r.ms.toFixed(1).padStart(9)}${r.vsNode.toFixed(2).padStart(9)}${(r.vsHello?.toFixed(2) ?? '').padStart(9)}  ${verdict}`)
}
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify({node: process.version, runs: RUNS, startup: rows}, null, 2)}\n`)
console.log('written: bench/results.json')
