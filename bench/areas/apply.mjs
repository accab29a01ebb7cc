// Apply: a generated deployment (a Cpi, 50 VirtualNodes, a Role, 20 Users) applied in-process by the apply engine
// one object at a time (parallel: 1) and with its default parallelism, each run on a fresh sandbox; the real
// `workerctl apply -f FILE` once, for reference.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {dist, median, round, runs, sandbox, table, tempHome, testHelper, workerctl} from '../lib.mjs'

const VNODES = 50
const USERS = 20
const PASSWORD_ENV = 'BENCH_USER_PASSWORD'
const ENV = {[PASSWORD_ENV]: 'bench-password-1'}

/** The deployment file (YAML documents written as JSON flow mappings) and its CPI, in `dir`. */
async function writeDeployment(dir) {
  const {makeCpi} = await testHelper('demo-files.ts')
  writeFileSync(join(dir, 'bench.cpi'), makeCpi({name: 'bench-apply', version: '1.0', groupId: '3f2c1a9e-8b7d-4c6e-a5f4-0d1e2c3b4a59'}))
  const docs = [{kind: 'Cpi', file: 'bench.cpi'}]
  for (let i = 0; i < VNODES; i++) docs.push({kind: 'VirtualNode', x500: `CN=Node ${i}, O=Bench Corp, L=London, C=GB`, cpi: 'bench-apply@1.0'})
  docs.push({kind: 'Role', name: 'BenchReader', permissions: [{type: 'ALLOW', string: 'GET:/api/v5_2/virtualnode.*'}]})
  for (let i = 0; i < USERS; i++) docs.push({kind: 'User', login: `bench-user-${i}`, fullName: `Bench user ${i}`, roles: ['BenchReader'], passwordFrom: {env: PASSWORD_ENV}})
  const file = join(dir, 'deployment.yaml')
  writeFileSync(
    file,
    docs
      .map(
        d =>
          `apiVersion: workerctl/v1\n${Object.entries(d)
            .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
            .join('\n')}\n`,
      )
      .join('---\n'),
  )
  return {file, objects: docs.length}
}

/** One in-process apply on a fresh sandbox: the engine as `workerctl apply` runs it, with our own Corda client. */
async function applyOnce(file, parallel, home) {
  const [{loadDeployment}, {planContext}, {applyDeployment}, {HttpTransport}, {basicAuth}, {CordaClient}] = await Promise.all([
    dist('apply/manifest.js'),
    dist('apply/plan.js'),
    dist('apply/run.js'),
    dist('api/http.js'),
    dist('api/auth.js'),
    dist('api/corda/client.js'),
  ])
  const sbx = await sandbox({requests: 0, jobs: 0}, home)
  const transports = []
  try {
    const specs = await loadDeployment(file, {env: ENV})
    let corda
    const clients = {
      corda: () =>
        (corda ??= Promise.resolve().then(() => {
          const t = new HttpTransport({service: 'corda', url: sbx.url, auth: basicAuth('admin', 'admin'), userAgent: 'workerctl-bench'})
          transports.push(t)
          return new CordaClient(t, {apiVersion: 'auto'})
        })),
      jobService: () => Promise.reject(new Error('the bench deployment has no Job')),
    }
    const ctx = planContext(specs, {allowUpgrade: false, recreateJobs: false, rotatePasswords: false}, clients)
    const stageEnd = {}
    const started = performance.now()
    const reports = await applyDeployment(
      specs,
      {
        ...ctx,
        contextName: 'bench',
        env: ENV,
        parallel,
        onReport: r => (stageEnd[r.kind] = performance.now() - started),
      },
      file,
    )
    const ms = performance.now() - started
    const failed = reports.filter(r => r.result !== 'created')
    if (failed.length > 0)
      throw new Error(
        `apply (parallel ${parallel ?? 'default'}): ${failed.length} object(s) not created, e.g. ${failed[0].kind} ${failed[0].name}: ${failed[0].result} ${failed[0].reason ?? ''}`,
      )
    return {ms, stageEnd, calls: sbx.server.log.total}
  } finally {
    for (const t of transports) t.close()
    await sbx.close()
  }
}

export async function apply() {
  const RUNS = runs(5)
  const WARMUP = 1
  const {APPLY_PARALLELISM} = await dist('apply/run.js')
  const home = tempHome()
  // The engine may keep job definitions under the config dir (not for these kinds): point it at the temp home anyway.
  const saved = process.env.WORKERCTL_CONFIG
  process.env.WORKERCTL_CONFIG = home.env.WORKERCTL_CONFIG
  try {
    const {file, objects} = await writeDeployment(home.dir)
    const seq = []
    const par = []
    for (let i = 0; i < WARMUP; i++) await applyOnce(file, undefined, home)
    // One of each in turn, so a slow spell of the machine falls on both.
    for (let i = 0; i < RUNS; i++) {
      seq.push(await applyOnce(file, 1, home))
      par.push(await applyOnce(file, undefined, home))
    }
    // The real command once, for reference (start-up, file loading and printing included).
    const sbx = await sandbox({requests: 0, jobs: 0}, home)
    let cli
    try {
      const r = await workerctl(['apply', '-f', file, '-o', 'json'], {env: {...sbx.env, ...ENV}, keep: true, timeoutMs: 600_000})
      const out = JSON.parse(r.stdout)
      if (out.summary?.created !== objects) throw new Error(`workerctl apply did not create all ${objects} objects: ${JSON.stringify(out.summary)}`)
      cli = {ms: r.ms, calls: sbx.server.log.total}
    } finally {
      await sbx.close()
    }

    const mSeq = median(seq.map(r => r.ms))
    const mPar = median(par.map(r => r.ms))
    const speedup = mSeq / mPar
    table(
      `apply of ${objects} objects (1 Cpi, ${VNODES} VirtualNodes, 1 Role, ${USERS} Users), each on a fresh sandbox; median of ${RUNS} runs (${WARMUP} warm-up)`,
      [
        ['case', 'name', 48, 'left'],
        ['ms', 'ms', 10],
        ['calls', 'calls', 7, 'right', 0],
        ['speed-up', 'speedup', 10],
      ],
      [
        {name: 'engine in-process, parallel 1 (one after another)', ms: round(mSeq), calls: median(seq.map(r => r.calls))},
        {name: `engine in-process, parallel ${APPLY_PARALLELISM} (default)`, ms: round(mPar), calls: median(par.map(r => r.calls)), speedup: `×${speedup.toFixed(2)}`},
        {name: 'workerctl apply -f FILE -o json (1 run, reference)', ms: round(cli.ms), calls: cli.calls},
      ],
    )
    // Where the time goes: each stage's share (stages run one after another, in dependency order).
    const kinds = ['Cpi', 'VirtualNode', 'Role', 'User']
    const stages = list => {
      const med = Object.fromEntries(kinds.map(k => [k, median(list.map(r => r.stageEnd[k]))]))
      return Object.fromEntries(kinds.map((k, i) => [k, med[k] - (i === 0 ? 0 : med[kinds[i - 1]])]))
    }
    const sSeq = stages(seq)
    const sPar = stages(par)
    table(
      "  by stage (median time from the previous stage's end to the stage's last object)",
      [
        ['  stage', 'stage', 24, 'left'],
        ['parallel 1 ms', 'seq', 15],
        [`parallel ${APPLY_PARALLELISM} ms`, 'par', 15],
      ],
      kinds.map(k => ({stage: `  ${k}`, seq: round(sSeq[k]), par: round(sPar[k])})),
    )
    const verdicts = [`speed-up of the default parallelism (${APPLY_PARALLELISM}) over one at a time: ×${speedup.toFixed(2)} (no target)`]
    for (const v of verdicts) console.log(v)
    return {
      runs: RUNS,
      warmup: WARMUP,
      objects,
      vnodes: VNODES,
      users: USERS,
      parallelism: APPLY_PARALLELISM,
      sequential: {medianMs: round(mSeq), samplesMs: seq.map(r => round(r.ms)), stagesMs: Object.fromEntries(kinds.map(k => [k, round(sSeq[k])]))},
      parallel: {medianMs: round(mPar), samplesMs: par.map(r => round(r.ms)), stagesMs: Object.fromEntries(kinds.map(k => [k, round(sPar[k])]))},
      speedup: round(speedup, 2),
      cliOnce: {ms: round(cli.ms), calls: cli.calls},
      verdicts,
    }
  } finally {
    if (saved === undefined) delete process.env.WORKERCTL_CONFIG
    else process.env.WORKERCTL_CONFIG = saved
    await home.remove()
  }
}
