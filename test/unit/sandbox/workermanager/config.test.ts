// Worker-manager configuration export/import, settings, heartbeats (/_sandbox/workers) and seeding.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {startSandbox} from '../../../../src/sandbox/server.js'
import {WM_DELAYS} from '../../../../src/sandbox/workermanager/request-machine.js'
import {startWm, WM, type WmSandbox} from './helpers.js'

let sbx: WmSandbox
beforeEach(async () => {
  sbx = await startWm()
})
afterEach(async () => {
  await sbx.close()
})

async function upload(file: unknown): Promise<{status: number; body: any}> {
  const form = new FormData()
  form.append('file', new Blob([typeof file === 'string' ? file : JSON.stringify(file)], {type: 'application/json'}), 'config.json')
  const res = await fetch(sbx.url + WM + '/microservice/configuration', {method: 'POST', headers: {authorization: `Bearer ${sbx.token}`}, body: form})
  const text = await res.text()
  return {status: res.status, body: text === '' ? undefined : JSON.parse(text)}
}

const WORKER = 'fr.cnes.regards.modules.workermanager.dto.WorkerConfigDto'
const WORKFLOW = 'fr.cnes.regards.modules.workermanager.dto.WorkflowConfigDto'
const moduleWith = (configuration: object[], resetBeforeImport = false) => ({
  microservice: 'rs-worker-manager',
  modules: [{module: {id: 'workermanager', name: 'Worker Manager module', version: '2.4.0', author: 'REGARDS'}, resetBeforeImport, configuration}],
})
const worker = (workerType: string, inputs: string[], output: string | null = null) => ({
  key: WORKER,
  value: {workerType, contentTypeInputs: inputs, contentTypeOutput: output, keepErrors: true},
})
const workflow = (workflowType: string, steps: Array<[number, string]>) => ({
  key: WORKFLOW,
  value: {workflowType, keepErrors: true, steps: steps.map(([stepNumber, workerType]) => ({stepNumber, workerType}))},
})

describe('configuration export and import', () => {
  it('exports the §7 format as an attachment, and a re-import of it is all OK (201, no body)', async () => {
    const res = await fetch(sbx.url + WM + '/microservice/configuration', {headers: {authorization: `Bearer ${sbx.token}`}})
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe('attachment; filename=config-rs-worker-manager.json')
    const exported = (await res.json()) as any
    expect(exported.microservice).toBe('rs-worker-manager')
    const [module] = exported.modules
    expect(module.module).toMatchObject({id: 'workermanager', name: 'Worker Manager module'})
    expect(module.resetBeforeImport).toBe(true)
    const keys = module.configuration.map((c: any) => c.key.split('.').at(-1))
    expect(keys).toEqual(['DynamicTenantSetting', 'WorkerConfigDto', 'WorkerConfigDto', 'WorkerConfigDto', 'WorkflowConfigDto'])
    expect(module.configuration[0].value).toEqual({name: 'skipContentTypes', description: expect.any(String), value: '[]', defaultValue: '[]', className: 'java.util.ArrayList'})
    expect(module.configuration[4].value.steps).toEqual([
      {stepNumber: 1, workerType: 'lta-product-zip-extraction-worker'},
      {stepNumber: 2, workerType: 'lta-sip-generator-worker'},
    ])

    const imported = await upload(exported)
    expect(imported).toEqual({status: 201, body: undefined})
    const again = await sbx.call('GET', '/microservice/configuration')
    expect(again.body).toEqual(exported)
  })

  it('resetBeforeImport replaces the configuration; without it, items are added', async () => {
    expect((await upload(moduleWith([worker('w-new', ['ct-new'])]))).status).toBe(201)
    expect(sbx.server.context.workers.configs.size).toBe(4)
    expect((await upload(moduleWith([worker('only', ['ct-only'])], true))).status).toBe(201)
    expect([...sbx.server.context.workers.configs.keys()]).toEqual(['only'])
    expect(sbx.server.context.workers.workflows.size).toBe(0)
  })

  it('206 with ModuleImportReport[] on partial success: a content type already used by another worker', async () => {
    const res = await upload(moduleWith([worker('dup', ['lta-to-extract-request']), worker('fine', ['ct-fine'])]))
    expect(res.status).toBe(206)
    expect(res.body).toEqual([
      {
        moduleInformation: expect.objectContaining({id: 'workermanager'}),
        importErrors: ['WorkerConf with type=dup declares contentType lta-to-extract-request which are already used by lta-product-zip-extraction-worker'],
        onlyErrors: false,
      },
    ])
    expect(sbx.server.context.workers.configs.has('fine')).toBe(true)
    expect(sbx.server.context.workers.configs.has('dup')).toBe(false)
  })

  it('409 when nothing imports: each workflow error', async () => {
    const res = await upload(
      moduleWith([
        workflow('missing', [[1, 'no-such-worker']]),
        workflow('dups', [
          [1, 'lta-product-zip-extraction-worker'],
          [1, 'lta-sip-generator-worker'],
        ]),
        workflow('null-out', [
          [1, 'lta-sip-generator-worker'],
          [2, 'lta-product-zip-extraction-worker'],
        ]),
        workflow('inconsistent', [
          [0, 'lta-product-zip-extraction-worker'],
          [5, 'ingest-checker-worker'],
        ]),
      ]),
    )
    expect(res.status).toBe(409)
    const errors: string[] = res.body[0].importErrors
    expect(res.body[0].onlyErrors).toBe(true)
    expect(errors.map(e => /^\[(\w+)/.exec(e)?.[1])).toEqual([
      'NotExistingWorkerError',
      'DuplicatedStepNumbersError',
      'NullContentTypeOutError',
      'NonConsistentContentTypeOutError',
    ])
  })

  it('a content type in skipContentTypes cannot be a worker input; settings read and write the list', async () => {
    const put = await sbx.call('PUT', '/settings/skipContentTypes', {name: 'skipContentTypes', value: ['ct-skip']})
    expect(put.status).toBe(200)
    expect(put.body.content).toMatchObject({name: 'skipContentTypes', value: ['ct-skip'], defaultValue: []})
    expect((await sbx.call('GET', '/settings?names=skipContentTypes')).body[0].content.value).toEqual(['ct-skip'])
    const res = await upload(moduleWith([worker('skipper', ['ct-skip'])]))
    expect(res.status).toBe(409)
    expect(res.body[0].importErrors).toEqual(['WorkerConf with type=skipper declares contentType ct-skip which are already used inside the skipContentTypes setting'])
    // A skipped content type is never stored.
    expect((await sbx.admin('POST', '/requests?contentType=ct-skip')).body).toEqual({created: [], skipped: 1})
    expect((await sbx.call('PUT', '/settings/nope', {value: []})).status).toBe(404)
  })

  it('400 without a file part or with a file that is not JSON', async () => {
    expect((await upload('not json')).status).toBe(400)
    const form = new FormData()
    form.append('other', 'x')
    const res = await fetch(sbx.url + WM + '/microservice/configuration', {method: 'POST', headers: {authorization: `Bearer ${sbx.token}`}, body: form})
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({messages: ["Required part 'file' is not present."]})
  })
})

describe('heartbeats and /_sandbox/workers', () => {
  const alive = async () => (await sbx.call('GET', '/workers')).body.map((w: any) => w.workerType)

  it('stop: alive for 60 s of sandbox time after the last heartbeat, then absent; start: alive at once', async () => {
    const stopped = await sbx.admin('POST', '/workers/lta-sip-generator-worker/stop')
    expect(stopped).toEqual({
      status: 200,
      body: {
        workerType: 'lta-sip-generator-worker',
        configured: true,
        contentTypeInputs: ['lta-extracted-request'],
        instances: 1,
        beating: false,
        alive: true,
        lastHeartbeat: new Date(sbx.now()).toISOString(),
        deadAt: new Date(sbx.now() + 60_000).toISOString(),
      },
    })
    sbx.advance(59_999)
    expect(await alive()).toContain('lta-sip-generator-worker')
    sbx.advance(1)
    expect(await alive()).toEqual(['lta-product-zip-extraction-worker'])
    const started = await sbx.admin('POST', '/workers/lta-sip-generator-worker/start?instances=3')
    expect(started.body).toMatchObject({beating: true, alive: true, instances: 3, deadAt: null})
    expect((await sbx.call('GET', '/workers')).body).toContainEqual({workerType: 'lta-sip-generator-worker', nbInstance: 3})
  })

  it('stop?now=true is dead at once; unknown types are 404; the list shows every type', async () => {
    expect((await sbx.admin('POST', '/workers/lta-product-zip-extraction-worker/stop?now=true')).body.alive).toBe(false)
    expect(await alive()).toEqual(['lta-sip-generator-worker'])
    expect((await sbx.admin('POST', '/workers/nobody/stop')).status).toBe(404)
    expect((await sbx.admin('POST', '/workers/bad%20name/start')).status).toBe(400)
    const list = await sbx.admin('GET', '/workers')
    expect(list.body.map((w: any) => [w.workerType, w.alive])).toEqual([
      ['lta-product-zip-extraction-worker', false],
      ['lta-sip-generator-worker', true],
      ['ingest-checker-worker', false],
    ])
  })

  it('messages dispatched to a stopped (not yet dead) worker wait in its queue; RUNNING ones die with it', async () => {
    await sbx.admin('POST', '/requests?contentType=lta-to-extract-request&outcome=success&requestId=running')
    sbx.advance(WM_DELAYS.running)
    await sbx.admin('POST', '/workers/lta-product-zip-extraction-worker/stop')
    await sbx.admin('POST', '/requests?contentType=lta-to-extract-request&outcome=success&requestId=queued')
    sbx.advance(10_000)
    const status = async (id: string) => (await sbx.call('GET', `/requests/${id}`)).body?.content?.status ?? 'GONE'
    expect([await status('running'), await status('queued')]).toEqual(['RUNNING', 'DISPATCHED'])
    await sbx.admin('POST', '/workers/lta-product-zip-extraction-worker/start')
    sbx.advance(WM_DELAYS.running + WM_DELAYS.finish)
    expect([await status('running'), await status('queued')]).toEqual(['RUNNING', 'GONE'])
  })
})

describe('seeding', () => {
  it('150 requests by default: a deterministic mix with every situation an operator meets', async () => {
    const a = await startSandbox({clock: () => Date.parse('2025-01-10T12:00:00Z')})
    const b = await startSandbox({clock: () => Date.parse('2025-01-10T12:00:00Z')})
    try {
      const rowsOf = (s: typeof a) => s.context.wm.search({}, {page: 0, size: 2000, sort: [{field: 'id', desc: false}]}).rows
      const rows = rowsOf(a)
      expect(rows.map(r => [r.requestId, r.status, r.error])).toEqual(rowsOf(b).map(r => [r.requestId, r.status, r.error]))
      expect(rows.length).toBeGreaterThan(20)
      expect(rows.length).toBeLessThan(150) // most finished: SUCCESS rows are gone
      expect(rows.at(-1)!.id).toBeLessThanOrEqual(150)
      const has = (p: (r: (typeof rows)[number]) => boolean) => expect(rows.some(p)).toBe(true)
      has(r => r.status === 'ERROR' && (r.error ?? '').includes('\n\tat '))
      has(r => r.status === 'INVALID_CONTENT')
      has(r => r.status === 'NO_WORKER_AVAILABLE' && r.contentType === 'ingest-check-request')
      has(r => r.status === 'NO_WORKER_AVAILABLE' && r.contentType === 'legacy-archive-request')
      has(r => r.status === 'NO_WORKER_AVAILABLE' && r.contentType === 'lta-request' && r.stepNumber === 2)
      const hourAgo = (Date.parse('2025-01-10T12:00:00Z') - 3_600_000) * 1000
      has(r => r.status === 'DISPATCHED' && r.creationMicros < hourAgo)
      has(r => r.status === 'RUNNING' && r.creationMicros < hourAgo)
      expect(new Set(rows.filter(r => r.status === 'ERROR').map(r => r.error)).size).toBeGreaterThan(3)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('requests: 100000 seeds and pages; per-status counts add up to the total', async () => {
    const big = await startSandbox({requests: 100_000})
    try {
      const wm = big.context.wm
      const counts = Object.values(wm.countByStatus()).reduce((n, c) => n + c, 0)
      expect(counts).toBe(wm.size)
      expect(wm.size).toBeGreaterThan(20_000)
      const page = wm.search(
        {statuses: {mode: 'INCLUDE', values: ['ERROR'], matchMode: 'STRICT', ignoreCase: false}},
        {page: 3, size: 50, sort: [{field: 'requestId', desc: false}]},
      )
      expect(page.total).toBe(wm.countByStatus().ERROR)
      expect(page.rows).toHaveLength(50)
      expect(wm.reserveId()).toBe(100_001)
    } finally {
      await big.close()
    }
  })
})
