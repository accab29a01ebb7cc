// End to end: `flow start|status|list|classes|wait`, the real binary against the sandbox (PRODUCT.md §2, §4).
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import {expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {writeDemoFiles} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

const ECHO = 'com.r3.sandbox.EchoFlow'
const SLOW = 'com.r3.sandbox.SlowFlow'
const FAILING = 'com.r3.sandbox.FailingFlow'

interface Flow {
  holdingIdentityShortHash: string
  clientRequestId: string
  flowId: string | null
  flowStatus: string
  flowResult: string | null
  flowError?: {type: string; message: string} | null
  timestamp: string
}

let sbx: Sbx
/** Short hash of the node most tests start flows on. */
let node: string

const mark = (): number => sbx.mark()
const since = (seq: number): LoggedRequest[] => sbx.since(seq)
const flowPosts = (seq: number): LoggedRequest[] => since(seq).filter(r => r.method === 'POST' && r.path.startsWith('/api/v5_2/flow'))

const json = <T>(args: string[]): Promise<T> => sbx.json<T>(args)

async function createNode(x500: string): Promise<string> {
  const created = await json<{holdingIdentity: {shortHash: string}}>(['vnode', 'create', '--x500', x500, '--cpi', 'workerctl-demo@1.0'])
  return created.holdingIdentity.shortHash
}

const FLOW_SHAPE = {
  holdingIdentityShortHash: expect.stringMatching(/^[0-9A-F]{12}$/),
  clientRequestId: expect.any(String),
  flowStatus: expect.any(String),
  timestamp: expect.any(String),
}

beforeAll(async () => {
  sbx = await startSandbox()
  const demo = await writeDemoFiles(join(sbx.dir, 'demo'))
  await json(['cpi', 'upload', demo.cpi])
  node = await createNode('CN=Flo, O=Flow Corp, L=London, C=GB')
})
afterAll(async () => {
  await sbx?.close()
})

describe('flow classes', () => {
  it('lists the startable classes as a JSON array of strings', async () => {
    const classes = await json<unknown[]>(['flow', 'classes', node])
    expect(classes).toEqual(expect.arrayContaining([ECHO, SLOW, FAILING]))
    expect(classes.every(c => typeof c === 'string')).toBe(true)
  })
})

describe('flow start', () => {
  it('starts EchoFlow with --args JSON, waits, and prints the completed FlowStatusResponse', async () => {
    const args = {greeting: 'hello', n: 42, list: [1, 2]}
    const {stdout, stderr, exitCode} = await sbx.cli(['flow', 'start', node, ECHO, '--args', JSON.stringify(args), '-o', 'json'])
    expect(exitCode, stderr).toBe(0)
    const flow = JSON.parse(stdout) as Flow
    expect(flow).toMatchObject({...FLOW_SHAPE, holdingIdentityShortHash: node, flowStatus: 'COMPLETED', flowId: expect.any(String)})
    expect(typeof flow.flowResult).toBe('string')
    expect(JSON.parse(flow.flowResult!)).toEqual(args)
    expect(flow.clientRequestId).toMatch(/^[-._A-Za-z0-9]{1,242}$/)
  })

  it('takes --args @- from standard input, as the data-file flags take -f -', async () => {
    const args = {from: 'standard input'}
    const started = await sbx.cli(['flow', 'start', node, ECHO, '--args', '@-', '-o', 'json'], {stdin: JSON.stringify(args)})
    expect(started.exitCode, started.stderr).toBe(0)
    expect(JSON.parse((JSON.parse(started.stdout) as Flow).flowResult!)).toEqual(args)
  })

  it('takes --args @file and --id; flow status finds the flow by that id (JSON and YAML)', async () => {
    const file = join(sbx.dir, 'args.json')
    const args = {from: 'a file', values: [true, null]}
    writeFileSync(file, JSON.stringify(args, null, 2))
    const started = await sbx.cli(['flow', 'start', node, ECHO, '--args', `@${file}`, '--id', 'from-file.1', '-o', 'json'])
    expect(started.exitCode, started.stderr).toBe(0)
    const flow = JSON.parse(started.stdout) as Flow
    expect(flow).toMatchObject({clientRequestId: 'from-file.1', flowStatus: 'COMPLETED'})
    expect(JSON.parse(flow.flowResult!)).toEqual(args)

    const status = await sbx.cli(['flow', 'status', node, 'from-file.1', '-o', 'json'])
    expect(status.exitCode, status.stderr).toBe(0)
    expect(JSON.parse(status.stdout)).toEqual(flow)

    const yaml = await sbx.cli(['flow', 'status', node, 'from-file.1', '-o', 'yaml'])
    expect(yaml.exitCode, yaml.stderr).toBe(0)
    expect(parseYaml(yaml.stdout)).toEqual(flow)
  })

  it('in table mode pretty-prints the result', async () => {
    const args = {a: 1, b: 'x'}
    const {stdout, stderr, exitCode} = await sbx.cli(['flow', 'start', node, ECHO, '--args', JSON.stringify(args)])
    expect(exitCode, stderr).toBe(0)
    expect(stdout).toContain('COMPLETED')
    expect(stdout).toContain(JSON.stringify(args, null, 2))
    expect(stdout).not.toContain('\u001b[')
  })

  it('FailingFlow exits 8 and still prints the final FlowStatusResponse', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['flow', 'start', node, FAILING, '-o', 'json'])
    expect(exitCode, stderr).toBe(8)
    expectOneError(stderr)
    const flow = JSON.parse(stdout) as Flow
    expect(flow).toMatchObject({...FLOW_SHAPE, flowStatus: 'FAILED', flowError: {type: 'FLOW_FAILED', message: expect.any(String)}})
    expect(stderr).toContain(flow.clientRequestId)
  })

  it('a reused --id shows the existing flow (exit 0) and starts no second one', async () => {
    const first = await sbx.cli(['flow', 'start', node, ECHO, '--args', '{"run":1}', '--id', 'reused-id', '-o', 'json'])
    expect(first.exitCode, first.stderr).toBe(0)
    const original = JSON.parse(first.stdout) as Flow
    expect(original).toMatchObject({clientRequestId: 'reused-id', flowStatus: 'COMPLETED', flowResult: '{"run":1}'})

    const second = await sbx.cli(['flow', 'start', node, ECHO, '--args', '{"run":2}', '--id', 'reused-id', '-o', 'json'])
    expect(second.exitCode, second.stderr).toBe(0)
    expect(second.stderr).toMatch(/already used/)
    expect(second.stderr).toContain('reused-id')
    const shown = JSON.parse(second.stdout) as Flow
    expect(shown).toMatchObject({clientRequestId: 'reused-id', flowId: original.flowId, flowStatus: 'COMPLETED', flowResult: '{"run":1}'})

    const flows = await json<Flow[]>(['flow', 'list', node])
    expect(flows.filter(f => f.clientRequestId === 'reused-id')).toHaveLength(1)
  })

  it('on a node in maintenance exits 5 with a Hint to vnode activate', async () => {
    const paused = await createNode('CN=Paused, O=Flow Maint Corp, L=London, C=GB')
    await json(['vnode', 'maintenance', paused, '--yes'])
    try {
      const {stdout, stderr, exitCode} = await sbx.cli(['flow', 'start', paused, ECHO, '-o', 'json'])
      expect(exitCode, stderr).toBe(5)
      expect(stdout).toBe('')
      expectOneError(stderr)
      expect(stderr).toMatch(/^Hint: .*vnode activate/m)
      expect((await json<Flow[]>(['flow', 'list', paused])).filter(f => f.flowStatus !== 'KILLED')).toEqual([])
    } finally {
      await json(['vnode', 'activate', paused])
    }
  })

  it('an unknown class exits 2 with a Hint listing the startable classes', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['flow', 'start', node, 'com.example.NoSuchFlow', '-o', 'json'])
    expect(exitCode, stderr).toBe(2)
    expect(stdout).toBe('')
    expectOneError(stderr, /com\.example\.NoSuchFlow/)
    const hint = stderr.split('\n').find(l => l.startsWith('Hint:'))
    expect(hint).toBeDefined()
    for (const c of [ECHO, SLOW, FAILING]) expect(hint).toContain(c)
  })

  it('invalid --args JSON, a missing @file and an invalid --id exit 2 without POSTing a flow', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--args', '{not json'], /--args/],
      [['--args', `@${join(sbx.dir, 'no-such-args.json')}`], /no-such-args\.json/],
      [['--id', 'has space'], /--id/],
      [['--id', 'has/slash'], /--id/],
    ]
    for (const [extra, message] of cases) {
      const before = mark()
      const {stdout, stderr, exitCode} = await sbx.cli(['flow', 'start', node, ECHO, ...extra, '-o', 'json'])
      expect(exitCode, `${extra.join(' ')}: ${stderr}`).toBe(2)
      expect(stdout).toBe('')
      expectOneError(stderr, message)
      expect(flowPosts(before), extra.join(' ')).toEqual([])
      expect(since(before).filter(r => r.method !== 'GET')).toEqual([])
    }
  })
})

describe('flow status, list and wait', () => {
  it('flow status of an unknown id exits 3', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['flow', 'status', node, 'never-started', '-o', 'json'])
    expect(exitCode, stderr).toBe(3)
    expect(stdout).toBe('')
    expectOneError(stderr, /never-started/)
  })

  it('--no-wait returns at once; flow list --status RUNNING shows the flow; flow wait follows it to COMPLETED', async () => {
    const started = await sbx.cli(['flow', 'start', node, SLOW, '--args', '{"seconds":15}', '--no-wait', '--id', 'slow-listed', '-o', 'json'])
    expect(started.exitCode, started.stderr).toBe(0)
    const flow = JSON.parse(started.stdout) as Flow
    expect(flow).toMatchObject({...FLOW_SHAPE, clientRequestId: 'slow-listed'})
    expect(['START_REQUESTED', 'RUNNING']).toContain(flow.flowStatus)

    const running = await json<Flow[]>(['flow', 'list', node, '--status', 'RUNNING'])
    expect(running.map(f => f.clientRequestId)).toContain('slow-listed')
    expect(running.every(f => f.flowStatus === 'RUNNING')).toBe(true)

    const waited = await sbx.cli(['flow', 'wait', node, 'slow-listed', '-o', 'json'])
    expect(waited.exitCode, waited.stderr).toBe(0)
    expect(JSON.parse(waited.stdout)).toMatchObject({clientRequestId: 'slow-listed', flowStatus: 'COMPLETED'})

    const table = await sbx.cli(['flow', 'list', node])
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/ID\s+STATUS/)
    expect(table.stdout).toMatch(/slow-listed\s+COMPLETED/)
  })

  it('flow list --status takes the statuses Corda 5.2 filters by, and refuses others (RETRYING too) before sending', async () => {
    const before = mark()
    const killed = await json<Flow[]>(['flow', 'list', node, '--status', 'KILLED'])
    expect(killed.every(f => f.flowStatus === 'KILLED')).toBe(true)
    expect(
      since(before)
        .filter(r => r.method === 'GET' && r.path === `/api/v5_2/flow/${node}`)
        .map(r => r.query.status),
    ).toEqual(['KILLED'])
    for (const status of ['PAUSED', 'RETRYING']) {
      const refused = mark()
      const bad = await sbx.cli(['flow', 'list', node, '--status', status])
      expect(bad.exitCode).toBe(2)
      expectOneError(bad.stderr, new RegExp(status))
      expect(since(refused)).toEqual([])
    }
  })

  it('flow wait --timeout 4s on a SlowFlow exits 7 and names the id to resume with', async () => {
    const started = await sbx.cli(['flow', 'start', node, SLOW, '--args', '{"seconds":120}', '--no-wait', '--id', 'slow-timeout', '-o', 'json'])
    expect(started.exitCode, started.stderr).toBe(0)
    const {stderr, exitCode} = await sbx.cli(['flow', 'wait', node, 'slow-timeout', '--timeout', '4s', '-o', 'json'])
    expect(exitCode, stderr).toBe(7)
    expectOneError(stderr)
    expect(stderr).toContain('slow-timeout')
  })

  it('flow wait exits 0 on a COMPLETED flow and 8 on a FAILED one (printing it)', async () => {
    await json(['flow', 'start', node, ECHO, '--args', '{"w":1}', '--id', 'wait-ok'])
    const ok = await sbx.cli(['flow', 'wait', node, 'wait-ok', '-o', 'json'])
    expect(ok.exitCode, ok.stderr).toBe(0)
    expect(JSON.parse(ok.stdout)).toMatchObject({clientRequestId: 'wait-ok', flowStatus: 'COMPLETED', flowResult: '{"w":1}'})

    await json(['flow', 'start', node, FAILING, '--no-wait', '--id', 'wait-fail'])
    const failed = await sbx.cli(['flow', 'wait', node, 'wait-fail', '-o', 'json'])
    expect(failed.exitCode, failed.stderr).toBe(8)
    expectOneError(failed.stderr)
    expect(JSON.parse(failed.stdout)).toMatchObject({clientRequestId: 'wait-fail', flowStatus: 'FAILED', flowError: {type: 'FLOW_FAILED'}})
  })
})

describe('contract', () => {
  it('every exchange the commands made matches the API contract', () => {
    expectContract(sbx.requests())
  })
})
