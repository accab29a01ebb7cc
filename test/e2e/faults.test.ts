// End to end under injected faults (the sandbox's 503s, connection resets, slow answers and lost replies): deployments
// converge without duplicates, waits complete, bulk retry counts stay right, and Ctrl-C leaves the config and the
// credentials intact (issue 8; PRODUCT.md §2, §7).
import {cpSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import type {ActionOutcome} from '../../src/api/workermanager/ops/request-actions.js'
import {ROOT} from '../helpers/cli.js'
import {DEMO_CPI, makeCpi, makeZip} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'
import {createRequests} from '../helpers/wm.js'

const PASSWORD = 'fault-Passw0rd'
const env = {DEMO_USER_PASSWORD: PASSWORD}

/** The example deployment and its files, copied into the test's directory. */
function exampleDeployment(sbx: Sbx): string {
  const dir = join(sbx.dir, 'deploy')
  cpSync(join(ROOT, 'examples'), dir, {recursive: true})
  return join(dir, 'deployment.yaml')
}

/** The config file and the credential store still parse, and the context still works. */
async function expectConfigIntact(sbx: Sbx): Promise<void> {
  const config = parseYaml(readFileSync(sbx.env.WORKERCTL_CONFIG!, 'utf8')) as {contexts: Record<string, unknown>; 'current-context': string}
  expect(config['current-context']).toBe('sandbox')
  expect(Object.keys(config.contexts)).toContain('sandbox')
  const credentials = JSON.parse(readFileSync(join(sbx.dir, 'config', 'credentials.json'), 'utf8')) as object
  expect(JSON.stringify(credentials)).toContain('sandbox')
  sbx.server.faults.set(0)
  const status = await sbx.cli(['cluster', 'status'])
  expect(status.exitCode, status.stderr).toBe(0)
}

describe('apply with 30% faults', () => {
  let sbx: Sbx
  beforeAll(async () => {
    sbx = await startSandbox({requireSigner: true, requests: 0, jobs: 0, seed: 11})
  })
  afterAll(async () => {
    await sbx.close()
  }, 300_000)

  it('converges over a few runs, with no duplicate object; then a clean run changes nothing', async () => {
    const file = exampleDeployment(sbx)
    sbx.server.faults.set(0.3)
    const exits: number[] = []
    for (let run = 0; run < 6 && exits.at(-1) !== 0; run++) {
      const {exitCode, stderr} = await sbx.cli(['apply', '-f', file], {env, timeoutMs: 180_000})
      expect([0, 6, 8], stderr).toContain(exitCode)
      exits.push(exitCode)
    }
    expect(exits.at(-1), `exit codes of the runs: ${exits.join(', ')}`).toBe(0)

    sbx.server.faults.set(0)
    const mark = sbx.mark()
    const {stdout, exitCode} = await sbx.cli(['apply', '-f', file, '-o', 'json'], {env})
    expect(exitCode).toBe(0)
    expect(new Set((JSON.parse(stdout) as {objects: Array<{result: string}>}).objects.map(o => o.result))).toEqual(new Set(['unchanged']))
    expect(sbx.since(mark).filter(r => r.method !== 'GET')).toEqual([])

    const count = <T>(items: T[], key: (t: T) => string) => {
      const keys = items.map(key)
      return {total: keys.length, distinct: new Set(keys).size}
    }
    expect(count(await sbx.json<Array<{holdingIdentity: {x500Name: string}}>>(['vnode', 'list']), n => n.holdingIdentity.x500Name)).toEqual({total: 2, distinct: 2})
    expect((await sbx.json<Array<{roleName: string}>>(['role', 'list'])).filter(r => r.roleName === 'FlowRunner-Alice')).toHaveLength(1)
    const perms = await sbx.json<Array<{permissionType: string; permissionString: string; virtualNode?: string | null}>>(['permission', 'list', '--type', 'ALLOW'])
    const {total, distinct} = count(perms, p => `${p.permissionString} ${p.virtualNode ?? ''}`)
    expect(total).toBe(distinct)
    expect(await sbx.json<unknown[]>(['cpi', 'list'])).toHaveLength(1)
    await expectConfigIntact(sbx)
  }, 300_000)
})

describe('waits and bulk actions with 30% faults', () => {
  let sbx: Sbx
  beforeAll(async () => {
    sbx = await startSandbox({requests: 0, jobs: 0, seed: 23})
  })
  afterAll(async () => {
    await sbx.close()
  }, 300_000)

  it('cpi upload, vnode create and flow start wait through the faults to the end', async () => {
    const cpi = join(sbx.dir, 'demo.cpi')
    writeFileSync(cpi, makeCpi({name: DEMO_CPI.name, version: '1.0', groupId: DEMO_CPI.groupId}))
    sbx.server.faults.set(0.3)
    const upload = await sbx.cli(['cpi', 'upload', cpi, '-o', 'json'], {timeoutMs: 120_000})
    expect(upload.exitCode, upload.stderr).toBe(0)
    expect(JSON.parse(upload.stdout)).toMatchObject({status: 'OK', result: 'created'})
    const vnode = await sbx.cli(['vnode', 'create', '--x500', 'CN=Alice, O=Alice Corp, L=London, C=GB', '--cpi', DEMO_CPI.name, '-o', 'json'], {timeoutMs: 120_000})
    expect(vnode.exitCode, vnode.stderr).toBe(0)
    const hash = (JSON.parse(vnode.stdout) as {holdingIdentity: {shortHash: string}}).holdingIdentity.shortHash
    const flow = await sbx.cli(['flow', 'start', hash, 'com.r3.sandbox.EchoFlow', '--args', '{"message":"through the storm"}', '--id', 'storm-1', '-o', 'json'], {
      timeoutMs: 120_000,
    })
    expect(flow.exitCode, flow.stderr).toBe(0)
    expect(JSON.parse(flow.stdout)).toMatchObject({clientRequestId: 'storm-1', flowStatus: 'COMPLETED'})
    sbx.server.faults.set(0)
    // One upload, one vnode and one flow on the cluster, whatever was sent twice.
    expect(await sbx.json<unknown[]>(['cpi', 'list'])).toHaveLength(1)
    expect(await sbx.json<unknown[]>(['vnode', 'list'])).toHaveLength(1)
    expect((await sbx.json<Array<{clientRequestId: string}>>(['flow', 'list', hash])).map(f => f.clientRequestId)).toEqual(['storm-1'])
  }, 300_000)

  it('request retry reports the right counts', async () => {
    sbx.server.faults.set(0)
    // Requests for a dead worker's content type: delayed (NO_WORKER_AVAILABLE) until the worker is back.
    await fetch(`${sbx.url}/_sandbox/workers/lta-sip-generator-worker/stop?now=true`, {method: 'POST'})
    await createRequests(sbx, {contentType: 'lta-extracted-request', count: 40, outcome: 'success', session: 'Storm'})
    await fetch(`${sbx.url}/_sandbox/workers/lta-sip-generator-worker/start`, {method: 'POST'})
    sbx.server.faults.set(0.3)
    const {stdout, stderr, exitCode} = await sbx.cli(['request', 'retry', '--session', 'Storm', '--yes', '-o', 'json'], {timeoutMs: 120_000})
    expect(exitCode, stderr).toBe(0)
    expect(JSON.parse(stdout) as ActionOutcome).toEqual({action: 'retry', matched: 40, redispatched: 40, delayedAgain: 0, stillErrored: 0, pending: 0, complete: true})
    sbx.server.faults.set(0)
    const left = await sbx.json<Array<{status: string}>>(['request', 'list', '--session', 'Storm', '--all'])
    expect(left.filter(r => r.status === 'NO_WORKER_AVAILABLE')).toEqual([])
  }, 300_000)
})

describe('Ctrl-C leaves the config and the credentials intact', () => {
  let sbx: Sbx
  beforeAll(async () => {
    sbx = await startSandbox({requests: 0, jobs: 0})
  })
  afterAll(async () => {
    await sbx.close()
  }, 300_000)

  const interrupt = (when: () => boolean) => (child: import('node:child_process').ChildProcess) => {
    const timer = setInterval(() => {
      if (!when()) return
      clearInterval(timer)
      child.kill('SIGINT')
    }, 20)
    child.on('close', () => clearInterval(timer))
  }

  it('mid-upload: exit 130, nothing half-written', async () => {
    const big = join(sbx.dir, 'big.cpi')
    writeFileSync(
      big,
      makeZip({'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\r\nCorda-CPI-Name: big\r\nCorda-CPI-Version: 1.0\r\n\r\n', 'payload.bin': Buffer.alloc(40 << 20, 7)}, true),
    )
    // Every answer late: the upload is still being sent when the interrupt comes (after the first GET /cpi).
    sbx.server.faults.set(1, ['slow'])
    const killed = await sbx.cli(['cpi', 'upload', big], {onSpawn: interrupt(() => sbx.requests().some(r => r.path === '/api/v5_2/cpi' && r.method === 'GET'))})
    expect(killed.exitCode, killed.stderr).toBe(130)
    expect(sbx.requests().some(r => r.method === 'POST' && r.path === '/api/v5_2/cpi' && r.status === 200)).toBe(false)
    await expectConfigIntact(sbx)
  }, 300_000)

  it('mid-apply: exit 130, and the next run completes', async () => {
    const file = exampleDeployment(sbx)
    sbx.server.faults.set(1, ['slow'])
    const killed = await sbx.cli(['apply', '-f', file], {env, onSpawn: interrupt(() => sbx.requests().some(r => r.method === 'POST' && r.path.endsWith('/virtualnode')))})
    expect(killed.exitCode, killed.stderr).toBe(130)
    await expectConfigIntact(sbx)
    const again = await sbx.cli(['apply', '-f', file], {env, timeoutMs: 120_000})
    expect(again.exitCode, again.stderr).toBe(0)
  }, 300_000)
})
