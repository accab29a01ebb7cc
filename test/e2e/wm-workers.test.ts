// End to end: `worker list|check`, `worker config export|import`, and REGARDS authentication failures, the real
// binary against the sandbox's worker manager (PRODUCT.md §2, §5; reference/worker-manager.md §7, §8).
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import type {WorkerCheck} from '../../src/api/workermanager/ops/worker-check.js'
import type {WorkerTypeAlive} from '../../src/api/workermanager/types.js'
import {expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'
import {asArray, startWorker, stopWorker, WM, wmCalls} from '../helpers/wm.js'

type Alive = WorkerTypeAlive

type Check = WorkerCheck

interface ConfigItem {
  key: string
  value: Record<string, any>
}

interface Configuration {
  microservice: string
  modules: Array<{module: Record<string, string>; resetBeforeImport: boolean; configuration: ConfigItem[]}>
}

const WORKER_KEY = 'fr.cnes.regards.modules.workermanager.dto.WorkerConfigDto'
const WORKFLOW_KEY = 'fr.cnes.regards.modules.workermanager.dto.WorkflowConfigDto'
const ZIP = 'lta-product-zip-extraction-worker'
const SIP = 'lta-sip-generator-worker'
const INGEST = 'ingest-checker-worker'

describe('worker list, worker check and worker config', () => {
  let sbx: Sbx

  beforeAll(async () => {
    sbx = await startSandbox()
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  it('worker list: the alive types and their instance counts; a stopped type disappears and comes back', async () => {
    const mark = sbx.mark()
    expect(await sbx.json<Alive[]>(['worker', 'list'])).toEqual([
      {workerType: ZIP, nbInstance: 2},
      {workerType: SIP, nbInstance: 1},
    ])
    expect(wmCalls(sbx.since(mark)).map(r => `${r.method} ${r.path}`)).toEqual([`GET ${WM}/workers`])

    const {stdout, exitCode} = await sbx.cli(['worker', 'list', '--no-color'])
    expect(exitCode).toBe(0)
    expect(stdout).toMatch(/^WORKER TYPE\s+INSTANCES$/m)
    expect(stdout).toMatch(new RegExp(`^${ZIP}\\s+2$`, 'm'))
    expect(stdout).toMatch(new RegExp(`^${SIP}\\s+1$`, 'm'))
    expect(stdout).not.toContain(INGEST)

    await stopWorker(sbx, SIP)
    expect(await sbx.json<Alive[]>(['worker', 'list'])).toEqual([{workerType: ZIP, nbInstance: 2}])
    await startWorker(sbx, SIP)
    expect(await sbx.json<Alive[]>(['worker', 'list'])).toEqual([
      {workerType: ZIP, nbInstance: 2},
      {workerType: SIP, nbInstance: 1},
    ])
  })

  it('worker list --content-type: only the workers configured for it', async () => {
    const mark = sbx.mark()
    expect(await sbx.json<Alive[]>(['worker', 'list', '--content-type', 'lta-to-extract-request'])).toEqual([{workerType: ZIP, nbInstance: 2}])
    const [call] = wmCalls(sbx.since(mark))
    expect(asArray(call!.query.contentTypes)).toEqual(['lta-to-extract-request'])
  })

  it('worker check: exit 9 with the dead ingest-checker-worker listed; JSON shape', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['worker', 'check', '-o', 'json'])
    expect(exitCode).toBe(9)
    const report = JSON.parse(stdout) as Check[]
    expect(report).toEqual([
      {kind: 'worker', name: ZIP, alive: true, instances: 2, contentTypes: ['lta-to-extract-request']},
      {kind: 'worker', name: SIP, alive: true, instances: 1, contentTypes: ['lta-extracted-request']},
      {kind: 'worker', name: INGEST, alive: false, instances: 0, contentTypes: ['ingest-check-request']},
      {kind: 'workflow', name: 'lta-request', alive: true, deadSteps: [], contentTypes: ['lta-request']},
    ])
    expect(stderr).toContain(INGEST)

    const table = await sbx.cli(['worker', 'check', '--no-color'])
    expect(table.exitCode).toBe(9)
    expect(table.stdout).toMatch(new RegExp(`^worker\\s+${INGEST}\\s+dead`, 'm'))
    expect(table.stdout).toMatch(/^workflow\s+lta-request\s+alive/m)
  })

  it('worker check: a workflow whose step worker stopped is dead, naming the step', async () => {
    await stopWorker(sbx, SIP)
    try {
      const {stdout, stderr, exitCode} = await sbx.cli(['worker', 'check', '-o', 'json'])
      expect(exitCode).toBe(9)
      const report = JSON.parse(stdout) as Check[]
      expect(report.find(c => c.name === 'lta-request')).toEqual({kind: 'workflow', name: 'lta-request', alive: false, deadSteps: [`2:${SIP}`], contentTypes: ['lta-request']})
      expect(report.find(c => c.name === SIP)).toMatchObject({alive: false, instances: 0})
      expect(stderr).toMatch(new RegExp(`3 dead: .*${SIP}`))
    } finally {
      await startWorker(sbx, SIP)
    }
  })

  it('worker config export -f FILE.json / FILE.yaml, then import FILE: a round trip, exit 0 "imported"', async () => {
    const original = await sbx.json<Configuration>(['worker', 'config', 'export'])
    expect(original.microservice).toBe('rs-worker-manager')
    for (const ext of ['json', 'yaml']) {
      const file = join(sbx.dir, `workers.${ext}`)
      const exported = await sbx.cli(['worker', 'config', 'export', '-f', file])
      expect(exported.exitCode, exported.stderr).toBe(0)
      const text = readFileSync(file, 'utf8')
      expect(ext === 'json' ? JSON.parse(text) : parseYaml(text)).toEqual(original)
      if (ext === 'yaml') expect(text.trimStart().startsWith('{')).toBe(false)

      const mark = sbx.mark()
      const {stdout, exitCode, stderr} = await sbx.cli(['worker', 'config', 'import', file, '-o', 'json'])
      expect(exitCode, stderr).toBe(0)
      expect(JSON.parse(stdout)).toMatchObject({status: 201, result: 'imported'})
      const [post] = wmCalls(sbx.since(mark)).filter(r => r.method === 'POST')
      expect(post!.path).toBe(`${WM}/microservice/configuration`)
      expect(post!.status).toBe(201)
      expect(await sbx.json<Configuration>(['worker', 'config', 'export'])).toEqual(original)
    }
    const text = await sbx.cli(['worker', 'config', 'import', join(sbx.dir, 'workers.json')])
    expect(text.exitCode).toBe(0)
    expect(text.stdout).toMatch(/Imported/)
  }, 180_000)

  it("worker config import with errors next to a valid part: exit 8 with the service's reasons; the valid part stays", async () => {
    const original = await sbx.json<Configuration>(['worker', 'config', 'export'])
    const bad: Configuration = structuredClone(original)
    bad.modules[0]!.configuration.push(
      {key: WORKER_KEY, value: {workerType: 'dup-worker', contentTypeInputs: ['lta-to-extract-request'], contentTypeOutput: null, keepErrors: true}},
      {key: WORKFLOW_KEY, value: {workflowType: 'broken-flow', keepErrors: true, steps: [{stepNumber: 1, workerType: 'missing-worker'}]}},
    )
    const file = join(sbx.dir, 'bad.json')
    writeFileSync(file, JSON.stringify(bad))
    const {stdout, stderr, exitCode} = await sbx.cli(['worker', 'config', 'import', file, '--no-color'])
    expect(exitCode, stderr).toBe(8)
    expect(stdout).toMatch(/Partly imported/)
    expect(stdout).toMatch(/WorkerConf with type=dup-worker declares contentType lta-to-extract-request which are already used by lta-product-zip-extraction-worker/)
    expect(stdout).toMatch(/NotExistingWorkerError - Workflow broken-flow step 1 refers to worker type missing-worker/)
    expect(await sbx.json<Configuration>(['worker', 'config', 'export'])).toEqual(original)

    const json = await sbx.cli(['worker', 'config', 'import', file, '-o', 'json'])
    expect(json.exitCode).toBe(8)
    const result = JSON.parse(json.stdout) as {status: number; result: string; reports: Array<{importErrors: string[]}>}
    expect(result).toMatchObject({status: 206, result: 'partial'})
    expect(result.reports[0]!.importErrors).toHaveLength(2)
  })

  it('worker config import of a file without modules: exit 2, nothing sent', async () => {
    const file = join(sbx.dir, 'nomodules.json')
    writeFileSync(file, JSON.stringify({microservice: 'rs-worker-manager'}))
    const mark = sbx.mark()
    const {exitCode, stderr, stdout} = await sbx.cli(['worker', 'config', 'import', file])
    expect(exitCode).toBe(2)
    expectOneError(stderr, /modules/)
    expect(stdout).toBe('')
    expect(sbx.since(mark)).toEqual([])
    // Another microservice's configuration: the service would answer 201 and import nothing.
    const other = join(sbx.dir, 'other-module.json')
    writeFileSync(other, JSON.stringify({microservice: 'rs-admin', modules: [{module: {id: 'accessrights'}, configuration: [{key: 'x', value: {}}]}]}))
    const foreign = await sbx.cli(['worker', 'config', 'import', other])
    expect(foreign.exitCode).toBe(2)
    expectOneError(foreign.stderr, /no worker manager configuration \(a module "accessrights"\)/)
    expect(sbx.since(mark)).toEqual([])
  })
})

describe('REGARDS authentication', () => {
  let sbx: Sbx
  beforeAll(async () => {
    sbx = await startSandbox()
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  it('a wrong REGARDS password: exit 4, one Error line, the password nowhere', async () => {
    const wrong = 'Wr0ng-Pa55-ZZZ'
    const mark = sbx.mark()
    const {exitCode, stderr, stdout} = await sbx.cli(['worker', 'list'], {env: {WORKERCTL_WM_PASSWORD: wrong}})
    expect(exitCode, stderr).toBe(4)
    expectOneError(stderr)
    expect(stdout + stderr).not.toContain(wrong)
    const sent = sbx.since(mark)
    expect(sent.some(r => r.path === '/api/v1/rs-authentication/oauth/token' && r.status === 400)).toBe(true)
    expect(sent.filter(r => r.path.startsWith(WM))).toEqual([])
    // The right one (stored) still works.
    expect((await sbx.json<Alive[]>(['worker', 'list'])).length).toBe(2)
  })

  it('a token cached by the right password does not hide a wrong one given in the environment', async () => {
    expect((await sbx.json<Alive[]>(['worker', 'list'])).length).toBe(2) // a token is now cached
    const {exitCode, stderr} = await sbx.cli(['worker', 'list'], {env: {WORKERCTL_WM_PASSWORD: 'Wr0ng-again'}})
    expect(exitCode, stderr).toBe(4)
    expectOneError(stderr, /token request refused/)
  })
})
