// End to end: `vnode create|list|get|status|maintenance|activate|upgrade`, the real binary against the sandbox
// (PRODUCT.md §2, §4).
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import {expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {checksumsOf, makeCpi} from '../helpers/cpi.js'
import {DEMO_CPI, writeDemoFiles} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

interface VNode {
  holdingIdentity: {x500Name: string; groupId: string; shortHash: string; fullHash: string}
  cpiIdentifier: {cpiName: string; cpiVersion: string; signerSummaryHash?: string | null}
  flowStartOperationalStatus: string
  flowOperationalStatus: string
  flowP2pOperationalStatus: string
  vaultDbOperationalStatus: string
  requestId?: string | null
  result?: string
}

interface Flow {
  clientRequestId: string
  flowStatus: string
}

let sbx: Sbx
/** Checksums of the CPIs uploaded in beforeAll. */
let demoV1: string
let demoV2: string

const mark = (): number => sbx.mark()
const since = (seq: number): LoggedRequest[] => sbx.since(seq)
const notGets = (seq: number): LoggedRequest[] => since(seq).filter(r => r.method !== 'GET')

const json = <T>(args: string[]): Promise<T> => sbx.json<T>(args)

/** Creates a vnode on workerctl-demo 1.0 and returns its short hash. */
async function createNode(x500: string, cpi = 'workerctl-demo@1.0'): Promise<string> {
  const node = await json<VNode>(['vnode', 'create', '--x500', x500, '--cpi', cpi])
  return node.holdingIdentity.shortHash
}

const getNode = (name: string): Promise<VNode> => json<VNode>(['vnode', 'get', name])

beforeAll(async () => {
  sbx = await startSandbox()
  const demo = await writeDemoFiles(join(sbx.dir, 'demo'))
  // A CPI with another name in the same group as workerctl-demo.
  const other = join(sbx.dir, 'other-app.cpi')
  writeFileSync(other, makeCpi({name: 'other-app', version: '1.0', groupId: DEMO_CPI.groupId}))
  const uploads = await Promise.all([demo.cpi, demo.cpiV2, other].map(f => json<{cpiFileChecksum: string; result: string}>(['cpi', 'upload', f])))
  for (const u of uploads) expect(u.result).toBe('created')
  demoV1 = uploads[0]!.cpiFileChecksum
  demoV2 = uploads[1]!.cpiFileChecksum
  expect(demoV1).toBe(checksumsOf(readFileSync(demo.cpi)).cpiFileChecksum)
  expect(demoV2).toBe(checksumsOf(readFileSync(demo.cpiV2)).cpiFileChecksum)
})
afterAll(async () => {
  await sbx?.close()
})

describe('vnode create', () => {
  it('rejects an invalid X.500 name with exit 2 before sending any request', async () => {
    for (const x500 of ['CN=Nemo, O=Nemo Corp, L=London', 'CN=Nemo, O=Nemo Corp, L=London, C=gbr']) {
      const before = mark()
      const {stdout, stderr, exitCode} = await sbx.cli(['vnode', 'create', '--x500', x500, '--cpi', 'workerctl-demo@1.0', '-o', 'json'])
      expect(exitCode, `${x500}: ${stderr}`).toBe(2)
      expect(stdout).toBe('')
      expectOneError(stderr, /X\.500/)
      expect(since(before), x500).toEqual([])
    }
  })

  it('creates a node (created), and the same X.500 and CPI again is unchanged, however the name and CPI are written', async () => {
    const x500 = 'CN=Alice, O=Alice Corp, L=London, C=GB'
    const created = await sbx.cli(['vnode', 'create', '--x500', x500, '--cpi', 'workerctl-demo@1.0', '-o', 'json'])
    expect(created.exitCode, created.stderr).toBe(0)
    const node = JSON.parse(created.stdout) as VNode
    expect(node).toMatchObject({
      holdingIdentity: {x500Name: x500, groupId: DEMO_CPI.groupId, shortHash: expect.stringMatching(/^[0-9A-F]{12}$/)},
      cpiIdentifier: {cpiName: 'workerctl-demo', cpiVersion: '1.0'},
      flowStartOperationalStatus: 'ACTIVE',
      requestId: expect.any(String),
      result: 'created',
    })

    const before = mark()
    const byName = await sbx.cli(['vnode', 'create', '--x500', x500, '--cpi', 'workerctl-demo@1.0', '-o', 'json'])
    expect(byName.exitCode, byName.stderr).toBe(0)
    expect(JSON.parse(byName.stdout)).toMatchObject({holdingIdentity: {shortHash: node.holdingIdentity.shortHash}, result: 'unchanged'})

    const reordered = await sbx.cli(['vnode', 'create', '--x500', 'O=Alice Corp,  L=London, C=GB, CN=Alice', '--cpi', demoV1, '-o', 'json'])
    expect(reordered.exitCode, reordered.stderr).toBe(0)
    expect(JSON.parse(reordered.stdout)).toMatchObject({holdingIdentity: {shortHash: node.holdingIdentity.shortHash}, cpiIdentifier: {cpiVersion: '1.0'}, result: 'unchanged'})
    // Nothing was created: still one node with this name.
    const nodes = await json<VNode[]>(['vnode', 'list'])
    expect(nodes.filter(n => n.holdingIdentity.x500Name === x500)).toHaveLength(1)
    expect(since(before).filter(r => r.method === 'PUT')).toEqual([])
  })

  it('the same X.500 with another CPI of the group is a conflict: exit 5 with a Hint to use vnode upgrade', async () => {
    const x500 = 'CN=Conflicted, O=Conflict Corp, L=Paris, C=FR'
    const hash = await createNode(x500)
    const {stdout, stderr, exitCode} = await sbx.cli(['vnode', 'create', '--x500', x500, '--cpi', 'other-app@1.0', '-o', 'json'])
    expect(exitCode, stderr).toBe(5)
    expect(stdout).toBe('')
    expectOneError(stderr)
    expect(stderr).toMatch(/^Hint: .*vnode upgrade/m)
    expect((await getNode(hash)).cpiIdentifier).toMatchObject({cpiName: 'workerctl-demo', cpiVersion: '1.0'})
  })

  it('an unknown CPI is not found: exit 3', async () => {
    const before = mark()
    const {stderr, exitCode} = await sbx.cli(['vnode', 'create', '--x500', 'CN=Orphan, O=Orphan Corp, L=Paris, C=FR', '--cpi', 'no-such-cpi@9.9', '-o', 'json'])
    expect(exitCode, stderr).toBe(3)
    expectOneError(stderr, /no-such-cpi/)
    expect(notGets(before)).toEqual([])
  })

  it('--no-wait returns the request (submitted); vnode status --wait follows it to SUCCEEDED', async () => {
    const x500 = 'CN=Quick, O=Quick Corp, L=Berlin, C=DE'
    const {stdout, stderr, exitCode} = await sbx.cli(['vnode', 'create', '--x500', x500, '--cpi', 'workerctl-demo@1.0', '--no-wait', '-o', 'json'])
    expect(exitCode, stderr).toBe(0)
    const submitted = JSON.parse(stdout) as {requestId: string}
    expect(submitted).toEqual({requestId: expect.any(String), x500Name: x500, cpiFileChecksum: demoV1, status: 'ACCEPTED', result: 'submitted'})

    const waited = await sbx.cli(['vnode', 'status', submitted.requestId, '--wait', '-o', 'json'])
    expect(waited.exitCode, waited.stderr).toBe(0)
    expect(JSON.parse(waited.stdout)).toMatchObject({requestId: submitted.requestId, status: 'SUCCEEDED'})

    const status = await sbx.cli(['vnode', 'status', submitted.requestId, '-o', 'json'])
    expect(status.exitCode).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({requestId: submitted.requestId, status: 'SUCCEEDED'})
    expect((await getNode(x500)).holdingIdentity.x500Name).toBe(x500)
  })
})

describe('vnode list and get', () => {
  let carol: string
  let dave: string
  let erin: string
  beforeAll(async () => {
    erin = await createNode('CN=Erin, O=Erin Unique Corp, L=Madrid, C=ES')
    carol = await createNode('CN=Carol, O=Shared Corp, L=Madrid, C=ES')
    dave = await createNode('CN=Dave, O=Shared Corp, L=Madrid, C=ES')
  })

  it('lists nodes as JSON, as YAML and as a table', async () => {
    const asJson = await json<VNode[]>(['vnode', 'list'])
    expect(Array.isArray(asJson)).toBe(true)
    const hashes = asJson.map(n => n.holdingIdentity.shortHash)
    expect(hashes).toEqual(expect.arrayContaining([carol, dave]))
    for (const n of asJson) expect(n).toMatchObject({holdingIdentity: {x500Name: expect.any(String)}, cpiIdentifier: {cpiName: expect.any(String)}})

    const yaml = await sbx.cli('vnode list -o yaml')
    expect(yaml.exitCode).toBe(0)
    expect(parseYaml(yaml.stdout)).toEqual(asJson)

    const table = await sbx.cli('vnode list')
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/HASH\s+X500\s+CPI/)
    expect(table.stdout).toMatch(new RegExp(`${carol}\\s+CN=Carol, O=Shared Corp, L=Madrid, C=ES\\s+workerctl-demo@1\\.0`))
    expect(table.stdout).not.toMatch(/^\s*[[{]/)
  })

  it('gets a node by short hash, by full X.500 in another order and spacing, and by a CN or O that matches one', async () => {
    for (const name of [carol, carol.toLowerCase(), 'CN=Carol, O=Shared Corp, L=Madrid, C=ES', 'C=ES,L=Madrid,  O=Shared Corp,CN=Carol', 'Carol']) {
      const {stdout, stderr, exitCode} = await sbx.cli(['vnode', 'get', name, '-o', 'json'])
      expect(exitCode, `${name}: ${stderr}`).toBe(0)
      expect(JSON.parse(stdout), name).toMatchObject({holdingIdentity: {shortHash: carol, x500Name: 'CN=Carol, O=Shared Corp, L=Madrid, C=ES'}})
    }
    expect((await getNode('Erin Unique Corp')).holdingIdentity).toMatchObject({shortHash: erin, x500Name: 'CN=Erin, O=Erin Unique Corp, L=Madrid, C=ES'})
  })

  it('an ambiguous name exits 2 listing the matches; no match exits 3', async () => {
    const ambiguous = await sbx.cli(['vnode', 'get', 'Shared Corp', '-o', 'json'])
    expect(ambiguous.exitCode, ambiguous.stderr).toBe(2)
    expect(ambiguous.stdout).toBe('')
    expectOneError(ambiguous.stderr)
    expect(ambiguous.stderr).toContain(carol)
    expect(ambiguous.stderr).toContain(dave)

    for (const name of ['Nobody At All', '000000000000']) {
      const none = await sbx.cli(['vnode', 'get', name, '-o', 'json'])
      expect(none.exitCode, `${name}: ${none.stderr}`).toBe(3)
      expect(none.stdout).toBe('')
      expectOneError(none.stderr, new RegExp(name))
    }
  })
})

describe('vnode maintenance and activate', () => {
  it('without --yes and no terminal: exit 2 "missing --yes", and nothing is changed', async () => {
    const hash = await createNode('CN=Maud, O=Maint Corp, L=Oslo, C=NO')
    const slow = await json<Flow>(['flow', 'start', hash, 'com.r3.sandbox.SlowFlow', '--args', '{"seconds":120}', '--no-wait'])
    const before = mark()
    const {stderr, exitCode} = await sbx.cli(['vnode', 'maintenance', hash, '-o', 'json'])
    expect(exitCode, stderr).toBe(2)
    expectOneError(stderr, /missing --yes/)
    expect(notGets(before)).toEqual([])
    expect((await getNode(hash)).flowStartOperationalStatus).toBe('ACTIVE')

    const dry = await sbx.cli(['vnode', 'maintenance', hash, '--dry-run', '-o', 'json'])
    expect(dry.exitCode, dry.stderr).toBe(0)
    expect(dry.stderr).toContain(slow.clientRequestId)
    expect(notGets(before)).toEqual([])
    expect((await getNode(hash)).flowStartOperationalStatus).toBe('ACTIVE')
  })

  it('--yes puts the node in maintenance (updated, INACTIVE) and its running flows are killed; again is unchanged', async () => {
    const hash = await createNode('CN=Mallory, O=Maint Corp, L=Oslo, C=NO')
    const slow = await json<Flow>(['flow', 'start', hash, 'com.r3.sandbox.SlowFlow', '--args', '{"seconds":6}', '--no-wait'])

    const first = await sbx.cli(['vnode', 'maintenance', hash, '--yes', '-o', 'json'])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toMatchObject({holdingIdentity: {shortHash: hash}, flowStartOperationalStatus: 'INACTIVE', result: 'updated'})
    // The flow engine kills a flow of a vnode in maintenance at the flow's next event (here: when it wakes up).
    const killed = await sbx.cli(['flow', 'wait', hash, slow.clientRequestId, '--timeout', '30s', '-o', 'json'])
    expect(killed.exitCode).toBe(8)
    expect(JSON.parse(killed.stdout)).toMatchObject({clientRequestId: slow.clientRequestId, flowStatus: 'KILLED'})

    const second = await sbx.cli(['vnode', 'maintenance', hash, '--yes', '-o', 'json'])
    expect(second.exitCode, second.stderr).toBe(0)
    expect(JSON.parse(second.stdout)).toMatchObject({flowStartOperationalStatus: 'INACTIVE', result: 'unchanged'})

    const active = await sbx.cli(['vnode', 'activate', hash, '-o', 'json'])
    expect(active.exitCode, active.stderr).toBe(0)
    expect(JSON.parse(active.stdout)).toMatchObject({holdingIdentity: {shortHash: hash}, flowStartOperationalStatus: 'ACTIVE', result: 'updated'})
    const again = await sbx.cli(['vnode', 'activate', hash, '-o', 'json'])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({flowStartOperationalStatus: 'ACTIVE', result: 'unchanged'})
  })
})

describe('vnode upgrade', () => {
  it('refuses while a flow runs unless --yes (exit 5, node untouched); with --yes moves it to the new version', async () => {
    const hash = await createNode('CN=Uma, O=Upgrade Corp, L=Rome, C=IT')
    await json<Flow>(['flow', 'start', hash, 'com.r3.sandbox.SlowFlow', '--args', '{"seconds":120}', '--no-wait'])

    const before = mark()
    const refused = await sbx.cli(['vnode', 'upgrade', hash, '--cpi', 'workerctl-demo@2.0', '-o', 'json'])
    expect(refused.exitCode, refused.stderr).toBe(5)
    expect(refused.stdout).toBe('')
    expectOneError(refused.stderr)
    expect(notGets(before)).toEqual([])
    const untouched = await getNode(hash)
    expect(untouched.cpiIdentifier.cpiVersion).toBe('1.0')
    expect(untouched.flowStartOperationalStatus).toBe('ACTIVE')

    const upgraded = await sbx.cli(['vnode', 'upgrade', hash, '--cpi', 'workerctl-demo@2.0', '--yes', '-o', 'json'])
    expect(upgraded.exitCode, upgraded.stderr).toBe(0)
    expect(JSON.parse(upgraded.stdout)).toMatchObject({
      holdingIdentity: {shortHash: hash},
      cpiIdentifier: {cpiName: 'workerctl-demo', cpiVersion: '2.0'},
      flowStartOperationalStatus: 'ACTIVE',
      result: 'updated',
    })
    const after = await getNode(hash)
    expect(after.cpiIdentifier.cpiVersion).toBe('2.0')
    expect(after.flowStartOperationalStatus).toBe('ACTIVE')
  })

  it('upgrading to the CPI it already has is unchanged; to a CPI with another name exits 2', async () => {
    const hash = await createNode('CN=Ulrich, O=Upgrade Corp, L=Rome, C=IT', demoV2)
    const before = mark()
    const same = await sbx.cli(['vnode', 'upgrade', hash, '--cpi', 'workerctl-demo@2.0', '--yes', '-o', 'json'])
    expect(same.exitCode, same.stderr).toBe(0)
    expect(JSON.parse(same.stdout)).toMatchObject({cpiIdentifier: {cpiVersion: '2.0'}, flowStartOperationalStatus: 'ACTIVE', result: 'unchanged'})
    expect(notGets(before)).toEqual([])

    const otherName = await sbx.cli(['vnode', 'upgrade', hash, '--cpi', 'other-app@1.0', '--yes', '-o', 'json'])
    expect(otherName.exitCode, otherName.stderr).toBe(2)
    expect(otherName.stdout).toBe('')
    expectOneError(otherName.stderr)
    expect(notGets(before)).toEqual([])
    expect((await getNode(hash)).cpiIdentifier).toMatchObject({cpiName: 'workerctl-demo', cpiVersion: '2.0'})
    expect((await getNode(hash)).flowStartOperationalStatus).toBe('ACTIVE')
  })
})

describe('contract', () => {
  it('every exchange the commands made matches the API contract', () => {
    expectContract(sbx.requests())
  })
})
