// Sandbox virtual nodes and flows, driven over HTTP with a manual sandbox clock.
import {createHash} from 'node:crypto'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {SANDBOX_FLOWS} from '../../../../src/sandbox/corda/flow-lifecycle.js'
import {CORDA_DELAYS, SANDBOX_SIGNER} from '../../../../src/sandbox/corda/store.js'
import {canonicalX500} from '../../../../src/sandbox/corda/x500.js'
import {validateExchange} from '../../../helpers/contract.js'
import {checksumsOf, type CordaSandbox, makeCpi, startCorda} from '../../../helpers/cpi.js'

let sbx: CordaSandbox
let checksum: string
const GROUP = '7c5d6948-e17b-44e7-9d1c-fa4a3f667cad'
const ALICE = 'CN=Alice, OU=Test Dept, O=R3, L=London, C=GB'

beforeEach(async () => {
  sbx = await startCorda()
  const file = makeCpi({name: 'App', version: '1.0', groupId: GROUP})
  checksum = checksumsOf(file).cpiFileChecksum
  expect((await sbx.uploadAndWait(file)).body.status).toBe('OK')
})
afterEach(async () => {
  await sbx.close()
})

/**
 * Every logged exchange conforms to the spec + overlay; exchanges whose *request* the tests made invalid on
 * purpose (missing body fields, v5_2-only query parameters or paths sent to v5_1) are left out, their answers aside.
 */
function expectValidResponses(): void {
  for (const e of sbx.server.log.entries()) {
    const problems = validateExchange(e)
    if (problems.some(p => /-> \d+: (request body|query parameter|no such operation)/.test(p))) continue
    expect(problems).toEqual([])
  }
}

const shortHashOf = (x500: string, groupId: string) =>
  createHash('sha256')
    .update(x500 + groupId)
    .digest('hex')
    .toUpperCase()
    .slice(0, 12)

describe('virtual nodes', () => {
  it('creates: 202 {requestId = short hash}, transient 404 status, ACCEPTED → IN_PROGRESS → SUCCEEDED, then list/get', async () => {
    const h = shortHashOf(ALICE, GROUP)
    // attributes in any order and lower-case checksum are accepted; the name is canonicalised
    const res = await sbx.call('POST', '/virtualnode', {x500Name: 'C=GB, L=London, O=R3, OU=Test Dept, CN=Alice', cpiFileChecksum: checksum.toLowerCase()})
    expect(res).toMatchObject({status: 202, body: {requestId: h}})

    const early = await sbx.call('GET', `/virtualnode/status/${h}`)
    expect(early.status).toBe(404)
    expect(early.body.title).toBe(`Failed to find a status for requestId ${h}`)
    sbx.advance(CORDA_DELAYS.vnodeStatusUnknown)
    expect((await sbx.call('GET', `/virtualnode/status/${h}`)).body).toMatchObject({requestId: h, operation: 'CREATE_VIRTUAL_NODE', status: 'ACCEPTED', resourceId: h})
    expect((await sbx.call('GET', '/virtualnode')).body).toEqual({virtualNodes: []})
    sbx.advance(CORDA_DELAYS.vnodeCreateInProgress - CORDA_DELAYS.vnodeStatusUnknown)
    expect((await sbx.call('GET', `/virtualnode/status/${h}`)).body.status).toBe('IN_PROGRESS')
    sbx.advance(CORDA_DELAYS.vnodeCreateDone - CORDA_DELAYS.vnodeCreateInProgress)
    const done = await sbx.call('GET', `/virtualnode/status/${h}`)
    expect(done.body).toMatchObject({status: 'SUCCEEDED', processingStage: null, errorReason: null})

    const list = await sbx.call('GET', '/virtualnode')
    expect(list.body.virtualNodes).toHaveLength(1)
    // eventual consistency: the single GET lags behind
    expect((await sbx.call('GET', `/virtualnode/${h}`)).status).toBe(404)
    sbx.advance(CORDA_DELAYS.vnodeReadLag)
    const one = await sbx.call('GET', `/virtualnode/${h}`)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({
      holdingIdentity: {x500Name: ALICE, groupId: GROUP, shortHash: h},
      cpiIdentifier: {cpiName: 'App', cpiVersion: '1.0', signerSummaryHash: SANDBOX_SIGNER},
      flowP2pOperationalStatus: 'ACTIVE',
      flowStartOperationalStatus: 'ACTIVE',
      flowOperationalStatus: 'ACTIVE',
      vaultDbOperationalStatus: 'ACTIVE',
      operationInProgress: null,
    })
    expect(one.body.holdingIdentity.fullHash).toMatch(/^[0-9A-F]{64}$/)
    expect(one.body.vaultDmlConnectionId).toMatch(/^[0-9a-f-]{36}$/)

    expectValidResponses()
  })

  it('refuses duplicates (409), bad X.500 names, bad checksums and unknown CPIs (400), bad bodies (400)', async () => {
    const h = await sbx.createVNode(ALICE, checksum)
    const dup = await sbx.call('POST', '/virtualnode', {x500Name: ALICE, cpiFileChecksum: checksum})
    expect(dup.status).toBe(409)
    expect(dup.body.title).toContain(h)
    for (const x500Name of ['CN=Bob, O=R3, C=GB', 'O=R3, L=London, C=GBR', 'O=R3, L=London, C=GB, X=1', 'nonsense', 'O=R3, O=R4, L=London, C=GB']) {
      const res = await sbx.call('POST', '/virtualnode', {x500Name, cpiFileChecksum: checksum})
      expect(res.status, x500Name).toBe(400)
    }
    expect((await sbx.call('POST', '/virtualnode', {x500Name: 'O=Bob, L=Paris, C=FR', cpiFileChecksum: 'XYZ'})).status).toBe(400)
    const unknown = await sbx.call('POST', '/virtualnode', {x500Name: 'O=Bob, L=Paris, C=FR', cpiFileChecksum: 'ABCDEF123456'})
    expect(unknown.status).toBe(400)
    expect(unknown.body.title).toBe('No CPI metadata found for checksum ABCDEF123456')
    expect((await sbx.call('POST', '/virtualnode', {x500Name: 'O=Bob, L=Paris, C=FR'})).status).toBe(400)
    expect((await sbx.call('POST', '/virtualnode', {x500Name: 'O=Bob, L=Paris, C=FR', cpiFileChecksum: checksum, extra: 1})).status).toBe(400)
    // the wrapped form is accepted
    expect((await sbx.call('POST', '/virtualnode', {request: {x500Name: 'O=Bob, L=Paris, C=FR', cpiFileChecksum: checksum}})).status).toBe(202)
    expect(canonicalX500('c=GB, l=London, o=R3')).toEqual({ok: true, value: 'O=R3, L=London, C=GB'})
    expectValidResponses()
  })

  it('switches maintenance/active (echoing the state), refuses other states, and 404s unknown vnodes', async () => {
    const h = await sbx.createVNode(ALICE, checksum)
    const m = await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    expect(m).toMatchObject({status: 200, body: {holdingIdShortHash: h, newState: 'MAINTENANCE'}})
    const info = (await sbx.call('GET', `/virtualnode/${h}`)).body
    expect([info.flowP2pOperationalStatus, info.flowStartOperationalStatus, info.flowOperationalStatus, info.vaultDbOperationalStatus]).toEqual([
      'INACTIVE',
      'INACTIVE',
      'INACTIVE',
      'INACTIVE',
    ])
    const bad = await sbx.call('PUT', `/virtualnode/${h}/state/SLEEPING`)
    expect(bad.status).toBe(400)
    expect(bad.body.title).toContain('must be one of ACTIVE, MAINTENANCE')
    expect((await sbx.call('PUT', `/virtualnode/${h}/state/ACTIVE`)).body.newState).toBe('ACTIVE')
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.flowStartOperationalStatus).toBe('ACTIVE')
    expect((await sbx.call('PUT', '/virtualnode/000000000000/state/ACTIVE')).status).toBe(404)
    expectValidResponses()
  })

  it('upgrades a vnode in maintenance to another version of the same CPI, with the real preconditions', async () => {
    const h = await sbx.createVNode(ALICE, checksum)
    const v2File = makeCpi({name: 'App', version: '2.0', groupId: GROUP})
    const v2 = checksumsOf(v2File).cpiFileChecksum
    const otherFile = makeCpi({name: 'Other', version: '1.0', groupId: GROUP})
    const other = checksumsOf(otherFile).cpiFileChecksum
    await sbx.uploadAndWait(v2File)
    await sbx.uploadAndWait(otherFile)

    expect((await sbx.call('PUT', `/virtualnode/${h}/cpi/${v2}`)).status).toBe(400) // not in maintenance
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    expect((await sbx.call('PUT', `/virtualnode/${h}/cpi/${checksum}`)).status).toBe(409) // same CPI
    expect((await sbx.call('PUT', `/virtualnode/${h}/cpi/${other}`)).status).toBe(400) // other name
    expect((await sbx.call('PUT', `/virtualnode/${h}/cpi/ABCDEF123456`)).status).toBe(404) // unknown target
    expect((await sbx.call('PUT', `/virtualnode/000000000000/cpi/${v2}`)).status).toBe(404)

    const up = await sbx.call('PUT', `/virtualnode/${h}/cpi/${v2}`)
    expect(up).toMatchObject({status: 202, body: {requestId: h + checksum + v2}})
    const requestId = up.body.requestId as string
    expect((await sbx.call('GET', `/virtualnode/status/${requestId}`)).body).toMatchObject({operation: 'UPGRADE_VIRTUAL_NODE', status: 'ACCEPTED', resourceId: h})
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.operationInProgress).toBe(requestId)
    expect((await sbx.call('PUT', `/virtualnode/${h}/state/ACTIVE`)).status).toBe(400) // operation in progress
    sbx.advance(CORDA_DELAYS.vnodeUpgradeDone)
    expect((await sbx.call('GET', `/virtualnode/status/${requestId}`)).body.status).toBe('SUCCEEDED')
    const info = (await sbx.call('GET', `/virtualnode/${h}`)).body
    expect(info.cpiIdentifier).toMatchObject({cpiName: 'App', cpiVersion: '2.0'})
    expect(info.operationInProgress).toBeNull()
    expect((await sbx.call('PUT', `/virtualnode/${h}/state/ACTIVE`)).status).toBe(200)
    expectValidResponses()
  })
})

describe('BYOD (v5_2)', () => {
  it('serves raw SQL and changes DB connections of a vnode in maintenance asynchronously', async () => {
    for (const path of ['/virtualnode/create/db/crypto', '/virtualnode/create/db/uniqueness', `/virtualnode/create/db/vault/${checksum}`]) {
      const res = await sbx.call('GET', path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(res.text).toMatch(/^-- workerctl sandbox/)
    }
    expect((await sbx.call('GET', '/virtualnode/create/db/crypto', undefined, 'v5_1')).status).toBe(404)
    expect((await sbx.call('GET', '/virtualnode/create/db/vault/ABCDEF123456')).status).toBe(404)
    const h = await sbx.createVNode(ALICE, checksum)
    expect((await sbx.call('GET', `/virtualnode/${h}/db/vault/${checksum}`)).status).toBe(200)
    const conn = JSON.stringify({database: {jdbc: {url: 'jdbc:postgresql://db:5432/x'}, user: 'u', pass: 'p'}})
    expect((await sbx.call('PUT', `/virtualnode/${h}/db`, {vaultDmlConnection: conn})).status).toBe(400) // not in maintenance
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    const before = (await sbx.call('GET', `/virtualnode/${h}`)).body.vaultDmlConnectionId as string
    const res = await sbx.call('PUT', `/virtualnode/${h}/db`, {vaultDmlConnection: conn})
    expect(res.status).toBe(202)
    expect(res.body.requestId).toMatch(/^[0-9a-f-]{36}$/)
    sbx.advance(CORDA_DELAYS.vnodeUpgradeDone)
    expect((await sbx.call('GET', `/virtualnode/status/${res.body.requestId}`)).body).toMatchObject({operation: 'CHANGE_VIRTUAL_NODE_DB', status: 'SUCCEEDED', resourceId: h})
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.vaultDmlConnectionId).not.toBe(before)
    expectValidResponses()
  })
})

describe('with the real clock', () => {
  it('goes from upload to a completed flow within the default delays', async () => {
    const real = await startCorda({realClock: true})
    try {
      const poll = async <T>(probe: () => Promise<T | undefined>): Promise<T> => {
        for (let i = 0; i < 200; i++) {
          const value = await probe()
          if (value !== undefined) return value
          await new Promise(resolve => setTimeout(resolve, 25))
        }
        throw new Error('timed out')
      }
      const file = makeCpi({name: 'Real', version: '1', groupId: GROUP})
      const {id} = (await real.upload(file)).body as {id: string}
      const started = Date.now()
      const ok = await poll(async () => {
        const s = await real.call('GET', `/cpi/status/${id}`)
        return s.status === 200 && s.body.status === 'OK' ? s.body : undefined
      })
      expect(ok.cpiFileChecksum).toBe(checksumsOf(file).cpiFileChecksum)
      expect(Date.now() - started).toBeGreaterThanOrEqual(CORDA_DELAYS.cpiStatusUnknown)
      const {requestId: h} = (await real.call('POST', '/virtualnode', {x500Name: ALICE, cpiFileChecksum: ok.cpiFileChecksum})).body as {requestId: string}
      await poll(async () => ((await real.call('GET', `/virtualnode/${h}`)).status === 200 ? true : undefined))
      expect((await real.call('POST', `/flow/${h}`, {clientRequestId: 'r1', flowClassName: SANDBOX_FLOWS.echo, requestBody: {a: 1}})).status).toBe(202)
      const result = await poll(async () => {
        const r = await real.call('GET', `/flow/${h}/r1/result`)
        return r.status === 200 ? r.body : undefined
      })
      expect(result).toMatchObject({flowStatus: 'COMPLETED', json: {a: 1}})
    } finally {
      await real.close()
    }
  })
})
