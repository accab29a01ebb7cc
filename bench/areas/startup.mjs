// Start-up: workerctl against `node -e 0` and a bare oclif hello-world (spawnSync: no sandbox involved), then a real
// command against the in-process sandbox (async spawn), with the time its module loading takes broken out and the
// heavy modules it loaded listed.
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {BIN, HOOKS, NODE, ROOT, baseEnv, measure, median, round, run, runs, sandbox, table, tempHome, verdict, workerctl} from '../lib.mjs'

const WARMUP = 3
const hello = join(ROOT, 'bench', 'hello', 'bin', 'run.js')

/** Our modules worth keeping out of commands that do not need them: [label, pattern on the resolved path]. */
const HEAVY = [
  ['axios', /\/node_modules\/axios\//],
  ['yaml', /\/node_modules\/yaml\//],
  ['@inquirer/prompts', /\/node_modules\/@inquirer\//],
  ['chalk', /\/node_modules\/chalk\//],
  ['cli-table3', /\/node_modules\/cli-table3\//],
  ['the sandbox (dist/sandbox)', /\/dist\/sandbox\//],
  ['keyring (@napi-rs/keyring)', /\/node_modules\/@napi-rs\/keyring/],
]

/** Medians of every case, spawnSync, the cases taking turns (a slow spell of the machine falls on all alike). */
function timeSync(cases, env, n) {
  const samples = Object.fromEntries(Object.keys(cases).map(name => [name, []]))
  for (let i = 0; i < WARMUP + n; i++) {
    for (const [name, args] of Object.entries(cases)) {
      const start = process.hrtime.bigint()
      const res = spawnSync(NODE, args, {env, stdio: ['ignore', 'ignore', 'pipe']})
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      if (res.status !== 0) throw new Error(`${args.join(' ')} exited ${res.status}: ${res.stderr}`)
      if (i >= WARMUP) samples[name].push(ms)
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, median(list)]))
}

export async function startup() {
  const RUNS = runs(15)
  const home = tempHome()
  const env = {...baseEnv(), ...home.env}

  // 1. The original start-up table: spawnSync, median of RUNS after 3 warm-ups (the cases now take turns).
  const cases = {
    'node -e 0': ['-e', '0'],
    'hello --version': [hello, '--version'],
    'hello --help': [hello, '--help'],
    'workerctl --version': [BIN, '--version'],
    'workerctl --help': [BIN, '--help'],
  }
  const results = timeSync(cases, env, RUNS)
  const targets = {'workerctl --version': ['hello --version', 1.1], 'workerctl --help': ['hello --help', 1.2]}
  const rows = Object.entries(results).map(([name, ms]) => {
    const [baseline, target] = targets[name] ?? []
    const ratio = baseline ? ms / results[baseline] : undefined
    return {name, ms: round(ms), vsNode: round(ms / results['node -e 0'], 2), vsHello: ratio && round(ratio, 2), target, ok: ratio === undefined ? undefined : ratio <= target}
  })
  console.log(`start-up, median of ${RUNS} runs (${WARMUP} warm-up), Node ${process.version}`)
  console.log(`${'case'.padEnd(22)}${'ms'.padStart(9)}${'× node'.padStart(9)}${'× hello'.padStart(9)}  target`)
  for (const r of rows) {
    const shown = r.target ? `≤ ${r.target}× ${r.ok ? 'ok' : 'MISSED'}` : ''
    console.log(`${r.name.padEnd(22)}${r.ms.toFixed(1).padStart(9)}${r.vsNode.toFixed(2).padStart(9)}${(r.vsHello?.toFixed(2) ?? '').padStart(9)}  ${shown}`)
  }

  // 2. A command that talks to a service: `vnode list -o json` against the sandbox, async spawn (the sandbox is here).
  const sbx = await sandbox({requests: 0, jobs: 0})
  try {
    const args = ['vnode', 'list', '-o', 'json']
    // Which modules it loads: one run with loader hooks recording every module (not timed).
    const list = join(home.dir, 'modules.txt')
    await workerctl(args, {env: {...sbx.env, BENCH_MODULES_FILE: list}, nodeOptions: [`--import "${join(HOOKS, 'modules.mjs')}"`]})
    const lines = readFileSync(list, 'utf8').split('\n').filter(Boolean)
    const files = new Set(lines.map(l => l.slice(4).replace(/^file:\/\//, '')))
    const heavy = HEAVY.map(([label, pattern]) => ({label, pattern, files: [...files].filter(f => pattern.test(f)).length}))

    // What loading them costs: the same modules loaded again in a fresh process, nothing run (bench/hooks/replay.mjs).
    const replay = async only => {
      const r = await run(NODE, [join(HOOKS, 'replay.mjs'), list, ...(only ? ['--only', only.source] : [])], {env: home.env, keep: true})
      return Number(r.stdout)
    }
    // The command, Node alone and the replay take turns (async spawn: the sandbox answers from this process), so the
    // three figures of the breakdown come from the same moments.
    const measured = await measure(RUNS, WARMUP, async () => {
      const floorMs = (await run(NODE, ['-e', '0'], {env: home.env})).ms
      const r = await workerctl(args, {env: sbx.env, keep: true})
      if (!Array.isArray(JSON.parse(r.stdout))) throw new Error(`vnode list -o json printed no array: ${r.stdout}`)
      return {ms: r.ms, floorMs, loadingMs: await replay()}
    })
    // Each loaded heavy package alone (and what it imports): a secondary figure, so the big-case count of runs.
    for (const h of heavy.filter(h => h.files > 0)) h.ms = (await measure(runs(5), 1, async () => ({ms: await replay(h.pattern)}))).median.ms

    const total = measured.median.ms
    const floor = measured.median.floorMs
    const loading = measured.median.loadingMs
    const vnodeRows = [
      {name: 'workerctl vnode list -o json', ms: total, share: 100},
      {name: '  node itself (node -e 0, same moments)', ms: floor, share: (floor / total) * 100},
      {name: '  loading modules', ms: loading, share: (loading / total) * 100},
      {name: '  the rest (oclif, config, HTTP…)', ms: total - floor - loading, share: ((total - floor - loading) / total) * 100},
    ]
    console.log()
    table(
      `start-up of a service command against the sandbox, median of ${RUNS} runs (${WARMUP} warm-up), the three taking turns`,
      [
        ['case', 'name', 42, 'left'],
        ['ms', 'ms', 9],
        ['% of total', 'share', 12],
      ],
      vnodeRows.map(r => ({...r, ms: round(r.ms), share: round(r.share)})),
    )
    console.log(`modules loaded: ${files.size} files (${lines.filter(l => l.startsWith('esm')).length} through import, the rest through require)`)
    table(
      `heavy modules in that command (lazy loading keeps the unused ones out); import ms: median of ${runs(5)} runs (1 warm-up)`,
      [
        ['module', 'label', 30, 'left'],
        ['loaded', 'loaded', 8],
        ['files', 'files', 7, 'right', 0],
        ['import ms', 'ms', 11],
      ],
      heavy.map(h => ({label: h.label, loaded: h.files > 0 ? 'yes' : 'no', files: h.files || undefined, ms: round(h.ms)})),
    )

    return {
      runs: RUNS,
      warmup: WARMUP,
      cases: rows,
      vnodeList: {
        command: `workerctl ${args.join(' ')}`,
        ms: round(total),
        nodeMs: round(floor),
        moduleLoadingMs: round(loading),
        restMs: round(total - floor - loading),
        samples: measured.runs.map(r => ({ms: round(r.ms), nodeMs: round(r.floorMs), moduleLoadingMs: round(r.loadingMs)})),
        moduleFiles: files.size,
        heavyModules: Object.fromEntries(heavy.map(h => [h.label, {loaded: h.files > 0, files: h.files, importMs: round(h.ms)}])),
      },
      verdicts: rows.filter(r => r.target).map(r => `${r.name} ≤ ${r.target}× hello: ${verdict(r.ok)}`),
    }
  } finally {
    await sbx.close()
    await home.remove()
  }
}
