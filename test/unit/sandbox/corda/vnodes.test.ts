// Sandbox virtual nodes as VirtualNodeRestResourceImpl and the DB worker's handlers (corda-runtime-os 5.2.1) answer,
// driven over HTTP with a manual sandbox clock.
import {createHash} from 'node:crypto'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {SANDBOX_FLOWS} from '../../../../src/sandbox/corda/flow-lifecycle.js'
import {CORDA_DELAYS, SANDBOX_SIGNER} from '../../../../src/sandbox/corda/store.js'
import {canonicalX500} from '../../../../src/sandbox/corda/x500.js'
import {expectValidAnswers} from '../../../helpers/contract.js'
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

const shortHashOf = (x500: string, groupId: string) =>
  createHash('sha256')
    .update(x500 + groupId)
    .digest('hex')
    .toUpperCase()
    .slice(0, 12)

/** Moves the clock and returns the status answer of a request id. */
const statusOf = async (requestId: string) => (await sbx.call('GET', `/virtualnode/status/${requestId}`)).body
/** How long after a POST a create is SUCCEEDED, and the vnode readable. */
const CREATED = CORDA_DELAYS.vnodeOperationPickup + CORDA_DELAYS.vnodeCreateRun
const READABLE = CREATED + CORDA_DELAYS.vnodeReadLag

describe('virtual node create', () => {
  it('202 {requestId = short hash}; status 404 a moment, ACCEPTED, IN_PROGRESS, SUCCEEDED (resourceId only then); readable a moment later', async () => {
    const h = shortHashOf(ALICE, GROUP)
    // attributes in any order and a lower-case checksum are accepted; the name is canonicalised
    const res = await sbx.call('POST', '/virtualnode', {x500Name: 'C=GB, L=London, O=R3, OU=Test Dept, CN=Alice', cpiFileChecksum: checksum.toLowerCase()})
    expect(res).toMatchObject({status: 202, body: {requestId: h}})
    expect(await statusOf(h)).toEqual({title: `Failed to find a status for requestId = '${h}'`, status: 404, details: {}})
    expect((await sbx.call('GET', `/virtualnode/status/${h.toLowerCase()}`)).status).toBe(404)
    sbx.advance(CORDA_DELAYS.vnodeStatusUnknown)
    expect(await statusOf(h)).toEqual({
      requestId: h,
      operation: 'CREATE_VIRTUAL_NODE',
      status: 'ACCEPTED',
      lastUpdatedTimestamp: expect.any(String),
      processingStage: null,
      errorReason: null,
      resourceId: null,
    })
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup - CORDA_DELAYS.vnodeStatusUnknown)
    expect(await statusOf(h)).toMatchObject({status: 'IN_PROGRESS', resourceId: null})
    sbx.advance(CORDA_DELAYS.vnodeCreateRun)
    expect(await statusOf(h)).toMatchObject({status: 'SUCCEEDED', processingStage: null, errorReason: null, resourceId: h})
    // the REST worker's read model has it a moment later: list and get alike
    expect((await sbx.call('GET', '/virtualnode')).body).toEqual({virtualNodes: []})
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body).toEqual({title: `VirtualNode with shortHash ${h} could not be found.`, status: 404, details: {}})
    sbx.advance(CORDA_DELAYS.vnodeReadLag)
    expect((await sbx.call('GET', '/virtualnode')).body.virtualNodes).toHaveLength(1)
    const one = await sbx.call('GET', `/virtualnode/${h.toLowerCase()}`)
    expect(one.status).toBe(200)
    expect(one.body).toEqual({
      holdingIdentity: {x500Name: ALICE, groupId: GROUP, shortHash: h, fullHash: expect.stringMatching(/^[0-9A-F]{64}$/)},
      cpiIdentifier: {cpiName: 'App', cpiVersion: '1.0', signerSummaryHash: SANDBOX_SIGNER},
      vaultDdlConnectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      vaultDmlConnectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      cryptoDdlConnectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      cryptoDmlConnectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      uniquenessDdlConnectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      uniquenessDmlConnectionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      hsmConnectionId: 'null',
      flowP2pOperationalStatus: 'ACTIVE',
      flowStartOperationalStatus: 'ACTIVE',
      flowOperationalStatus: 'ACTIVE',
      vaultDbOperationalStatus: 'ACTIVE',
      operationInProgress: null,
      externalMessagingRouteConfiguration: null,
    })
    expect((await sbx.call('GET', '/virtualnode/ABC')).body.title).toBe('Invalid holding identity short hash: Hex string has length of 3 but should be 12 characters')
    expectValidAnswers(sbx.server.log.entries())
  })

  it('validates in the real order with the real texts', async () => {
    const post = (body: object) => sbx.call('POST', '/virtualnode', body)
    const title = async (body: object) => (await post(body)).body.title as string
    const bob = 'O=Bob, L=Paris, C=FR'
    expect(await title({x500Name: 'CN=Bob, O=R3, C=GB', cpiFileChecksum: 'XYZ'})).toBe(
      'X500 name "CN=Bob, O=R3, C=GB" could not be parsed. Cause: Member X.500 names must include an L attribute',
    )
    expect(await title({x500Name: 'O=R3, L=London, C=GBR', cpiFileChecksum: checksum})).toBe(
      'X500 name "O=R3, L=London, C=GBR" could not be parsed. Cause: Invalid country code GBR',
    )
    expect(await title({x500Name: 'O=R3, L=London, C=XX', cpiFileChecksum: checksum})).toMatch(/Cause: Invalid country code XX$/)
    expect(await title({x500Name: 'O=R3, O=R4, L=London, C=GB', cpiFileChecksum: checksum})).toMatch(/Cause: Duplicate attribute O$/)
    expect(await title({x500Name: 'O=R3, L=London, C=GB, STREET=x', cpiFileChecksum: checksum})).toMatch(/Cause: The following attribute is not supported in Corda: STREET$/)
    expect(await title({x500Name: `CN=${'c'.repeat(64)}, O=R3, L=London, C=GB`, cpiFileChecksum: checksum})).toMatch(
      /Cause: Common Name attribute \(CN\) must contain no more then 64 characters\.$/,
    )
    expect(await title({x500Name: 'nonsense', cpiFileChecksum: checksum})).toMatch(/Cause: improperly specified input name: nonsense$/)
    expect(await title({x500Name: bob, cpiFileChecksum: 'abc'})).toBe("CPI file checksum value 'ABC' is invalid, expecting 12 digit hex value")
    for (const kind of ['Vault', 'Crypto', 'Uniqueness']) {
      const lower = kind.toLowerCase()
      expect(await title({x500Name: bob, cpiFileChecksum: 'ABCDEF123456', [`${lower}DdlConnection`]: '{}'})).toBe(
        `If ${kind} DDL connection is provided, ${kind} DML connection needs to be provided as well.`,
      )
    }
    expect(await title({x500Name: bob, cpiFileChecksum: 'abcdef123456'})).toBe("No CPI metadata found for checksum 'ABCDEF123456'.")
    expect(await post({x500Name: bob})).toMatchObject({status: 400, body: {title: "Unable to parse parameter 'request'"}})
    expect(await post({x500Name: bob, cpiFileChecksum: checksum, extra: 1})).toMatchObject({status: 400, body: {details: {cause: 'UnrecognizedPropertyException'}}})
    expect((await post({x500Name: bob, cpiFileChecksum: checksum, vaultDmlConnection: {a: 1}})).status).toBe(400) // a connection is a String
    // the wrapper wins: the key `request` is the body whatever else is there
    expect((await post({request: {x500Name: bob, cpiFileChecksum: checksum}, x500Name: 'nonsense'})).status).toBe(202)
    expect(canonicalX500('c=GB, l=London, o=R3')).toEqual({ok: true, value: 'O=R3, L=London, C=GB'})
    expectValidAnswers(sbx.server.log.entries())
  })

  it('a re-POST before this worker reads the vnode is 202 again: the shared status goes back to ACCEPTED and ends FAILED, for good', async () => {
    const h = shortHashOf(ALICE, GROUP)
    const body = {x500Name: ALICE, cpiFileChecksum: checksum.toLowerCase()}
    expect((await sbx.call('POST', '/virtualnode', body)).status).toBe(202)
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup + 10)
    expect((await statusOf(h)).status).toBe('IN_PROGRESS')
    // while the first runs
    expect(await sbx.call('POST', '/virtualnode', body)).toMatchObject({status: 202, body: {requestId: h}})
    expect((await statusOf(h)).status).toBe('ACCEPTED')
    sbx.advance(CREATED)
    const failed = await statusOf(h)
    expect(failed).toEqual({
      requestId: h,
      operation: 'CREATE_VIRTUAL_NODE',
      status: 'FAILED',
      lastUpdatedTimestamp: expect.any(String),
      processingStage: null,
      errorReason: `Virtual node for CPI with file checksum ${checksum} and x500Name ${ALICE} already exists.`,
      resourceId: null,
    })
    // the vnode is there all the same; the status stays FAILED
    sbx.advance(READABLE)
    expect((await sbx.call('GET', `/virtualnode/${h}`)).status).toBe(200)
    expect((await statusOf(h)).status).toBe('FAILED')
    // only now that this worker reads it is a re-POST a 409
    expect((await sbx.call('POST', '/virtualnode', body)).body).toEqual({
      title: `Virtual Node 'HoldingIdentity(x500Name=${ALICE}, groupId=${GROUP})' already exists.`,
      status: 409,
      details: {},
    })
    expect((await sbx.call('GET', '/virtualnode')).body.virtualNodes).toHaveLength(1)
    expectValidAnswers(sbx.server.log.entries())
  })

  it('between SUCCEEDED and readable, a re-POST also ends FAILED', async () => {
    const h = await sbx.createVNode(ALICE, checksum)
    expect((await statusOf(h)).status).toBe('SUCCEEDED')
    sbx.ctx.corda.vnodes.get(h)!.readableAt = Number.POSITIVE_INFINITY // this REST worker has not read it yet
    expect((await sbx.call('POST', '/virtualnode', {x500Name: ALICE, cpiFileChecksum: checksum})).status).toBe(202)
    expect((await statusOf(h)).status).toBe('ACCEPTED')
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup)
    expect(await statusOf(h)).toMatchObject({status: 'FAILED', errorReason: expect.stringMatching(/already exists\.$/)})
  })

  it('an MGM CPI (group id CREATE_ID) gets a new group on every POST: a re-POST makes a second vnode', async () => {
    const mgm = makeCpi({name: 'Mgm', version: '1.0', groupId: 'CREATE_ID'})
    expect((await sbx.uploadAndWait(mgm)).body.status).toBe('OK')
    const body = {x500Name: 'CN=MGM, O=R3, L=London, C=GB', cpiFileChecksum: checksumsOf(mgm).cpiFileChecksum}
    const first = (await sbx.call('POST', '/virtualnode', body)).body.requestId as string
    const second = (await sbx.call('POST', '/virtualnode', body)).body.requestId as string
    expect(first).not.toBe(second)
    sbx.advance(READABLE)
    const nodes = (await sbx.call('GET', '/virtualnode')).body.virtualNodes as Array<{holdingIdentity: {groupId: string; shortHash: string}}>
    expect(nodes.map(n => n.holdingIdentity.shortHash).sort()).toEqual([first, second].sort())
    for (const n of nodes) expect(n.holdingIdentity.groupId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expectValidAnswers(sbx.server.log.entries())
  })
})

describe('virtual node state', () => {
  it('checks the state name first, then the vnode, then an operation in progress; echoes what was sent; a no-op is 200', async () => {
    const h = await sbx.createVNode(ALICE, checksum)
    expect((await sbx.call('PUT', '/virtualnode/000000000000/state/SLEEPING')).body).toEqual({
      title: 'Invalid input data.',
      status: 400,
      details: {newState: 'must be one of ACTIVE, MAINTENANCE'},
    })
    expect((await sbx.call('PUT', '/virtualnode/000000000000/state/ACTIVE')).body.title).toBe('VirtualNode with shortHash 000000000000 could not be found.')
    expect((await sbx.call('PUT', '/virtualnode/zz/state/ACTIVE')).body.title).toBe('Invalid holding identity short hash: Hex string has length of 2 but should be 12 characters')
    const m = await sbx.call('PUT', `/virtualnode/${h.toLowerCase()}/state/maintenance`)
    expect(m).toMatchObject({status: 200, body: {holdingIdShortHash: h.toLowerCase(), newState: 'maintenance'}})
    const info = (await sbx.call('GET', `/virtualnode/${h}`)).body
    expect([info.flowP2pOperationalStatus, info.flowStartOperationalStatus, info.flowOperationalStatus, info.vaultDbOperationalStatus]).toEqual([
      'INACTIVE',
      'INACTIVE',
      'INACTIVE',
      'INACTIVE',
    ])
    expect((await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)).status).toBe(200) // already: no-op
    sbx.ctx.corda.vnodes.get(h)!.operationInProgress = 'op-1'
    expect((await sbx.call('PUT', `/virtualnode/${h}/state/ACTIVE`)).body).toEqual({
      title: `The Virtual Node with shortHash ${h} has an operation in progress and cannot be set to Active`,
      status: 400,
      details: {},
    })
    sbx.ctx.corda.vnodes.get(h)!.operationInProgress = null
    expect((await sbx.call('PUT', `/virtualnode/${h}/state/Active`)).body).toEqual({holdingIdShortHash: h, newState: 'Active'})
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.flowStartOperationalStatus).toBe('ACTIVE')
    expectValidAnswers(sbx.server.log.entries())
  })
})

describe('virtual node upgrade', () => {
  let h: string
  let v2: string
  let v2Full: string
  beforeEach(async () => {
    h = await sbx.createVNode(ALICE, checksum)
    const v2File = makeCpi({name: 'App', version: '2.0', groupId: GROUP})
    ;({cpiFileChecksum: v2, cpiFileFullChecksum: v2Full} = checksumsOf(v2File))
    await sbx.uploadAndWait(v2File)
  })

  it('checks in the real order with the real texts: vnode, maintenance, same CPI (409), target (404/500), name, signer', async () => {
    const other = makeCpi({name: 'Other', version: '1.0', groupId: GROUP})
    await sbx.uploadAndWait(other)
    const put = (vnode: string, target: string) => sbx.call('PUT', `/virtualnode/${vnode}/cpi/${target}`)
    expect((await put('XYZ', v2)).body.title).toBe('Invalid holding identity short hash: Hex string has length of 3 but should be 12 characters')
    expect((await put('00000000000a', v2)).body).toEqual({title: "Virtual node '00000000000a' not found.", status: 404, details: {}})
    expect((await put(h, v2)).body).toEqual({title: 'Virtual node must be in maintenance to perform an upgrade.', status: 400, details: {}})
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    expect((await put(h, checksum.slice(0, 4))).body).toEqual({
      title: `Virtual Node with shorthash ${h} already has CPI with file checksum ${checksum.slice(0, 4)}`,
      status: 409,
      details: {},
    })
    // the target is a case-sensitive prefix of the upper-case full checksum
    expect((await put(h, v2.toLowerCase())).body).toEqual({title: `CPI '${v2.toLowerCase()}' not found.`, status: 404, details: {}})
    expect((await put(h, 'ABCDEF123456')).status).toBe(404)
    expect((await put(h, 'x'.repeat(65))).body).toEqual({
      title: 'Unexpected error occurred.',
      status: 500,
      details: {cause: 'StringIndexOutOfBoundsException', reason: 'begin 0, end 65, length 64'},
    })
    // two CPIs whose full checksums start alike: `single()` throws
    const twin = sbx.ctx.corda.cpis.find(c => c.fullChecksum === v2Full)!
    sbx.ctx.corda.cpis.push({...twin, version: '2.1', fullChecksum: v2Full.slice(0, 10) + 'F'.repeat(54), checksum: v2Full.slice(0, 10) + 'FF'})
    expect((await put(h, v2Full.slice(0, 10))).body).toEqual({
      title: 'Illegal argument occurred.',
      status: 500,
      details: {cause: 'IllegalArgumentException', reason: 'Collection has more than one element.'},
    })
    sbx.ctx.corda.cpis.pop()
    expect((await put(h, checksumsOf(other).cpiFileChecksum)).body.title).toBe('Upgrade CPI must have the same name as the current CPI.')
    // a whole checksum or any prefix of it will do
    expect(await put(h, v2Full.slice(0, 20))).toMatchObject({status: 202, body: {requestId: h + checksum + v2}})
    expectValidAnswers(sbx.server.log.entries())
  })

  it('runs when the DB worker picks it up: 404 until then, no ACCEPTED, IN_PROGRESS on the new CPI, SUCCEEDED with resourceId null', async () => {
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    // a running flow does not stop it
    const up = await sbx.call('PUT', `/virtualnode/${h}/cpi/${v2}`)
    expect(up).toMatchObject({status: 202, body: {requestId: h + checksum + v2}})
    const requestId = up.body.requestId as string
    expect(await statusOf(requestId)).toEqual({title: `Could not find a virtual node operation with requestId of ${requestId}`, status: 404, details: {}})
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup)
    expect(await statusOf(requestId)).toMatchObject({requestId, operation: 'UPGRADE_VIRTUAL_NODE', status: 'IN_PROGRESS', resourceId: null})
    const during = (await sbx.call('GET', `/virtualnode/${h}`)).body
    expect(during).toMatchObject({cpiIdentifier: {cpiVersion: '2.0'}, operationInProgress: requestId})
    expect((await sbx.call('PUT', `/virtualnode/${h}/state/ACTIVE`)).status).toBe(400)
    // the same request again: the vnode already has the target
    expect((await sbx.call('PUT', `/virtualnode/${h}/cpi/${v2}`)).status).toBe(409)
    sbx.advance(CORDA_DELAYS.vnodeUpgradeRun)
    expect(await statusOf(requestId)).toEqual({
      requestId,
      operation: 'UPGRADE_VIRTUAL_NODE',
      status: 'SUCCEEDED',
      lastUpdatedTimestamp: expect.any(String),
      processingStage: null,
      errorReason: null,
      resourceId: null,
    })
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.operationInProgress).toBeNull()
    expect((await sbx.call('PUT', `/virtualnode/${h}/state/ACTIVE`)).status).toBe(200)
    expectValidAnswers(sbx.server.log.entries())
  })

  it('fails asynchronously (Validation) when the vnode left maintenance before it ran, or the target is in another group', async () => {
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    const first = (await sbx.call('PUT', `/virtualnode/${h}/cpi/${v2}`)).body.requestId as string
    await sbx.call('PUT', `/virtualnode/${h}/state/ACTIVE`) // allowed: nothing is in progress yet
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup)
    expect(await statusOf(first)).toMatchObject({status: 'FAILED', processingStage: 'Validation', errorReason: 'Virtual node must be in maintenance', resourceId: null})
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.cpiIdentifier.cpiVersion).toBe('1.0')

    const otherGroup = makeCpi({name: 'App', version: '3.0', groupId: 'a0000000-0000-4000-8000-000000000000'})
    await sbx.uploadAndWait(otherGroup)
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    const second = (await sbx.call('PUT', `/virtualnode/${h}/cpi/${checksumsOf(otherGroup).cpiFileChecksum}`)).body.requestId as string
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup)
    expect(await statusOf(second)).toMatchObject({
      status: 'FAILED',
      processingStage: 'Validation',
      errorReason: `Expected MGM GroupId ${GROUP} but was a0000000-0000-4000-8000-000000000000 in CPI`,
    })
    expectValidAnswers(sbx.server.log.entries())
  })

  it('an operation left in progress (a crashed DB worker) fails the next upgrade asynchronously: that operation is marked, the new one has no status; forceupgrade goes on', async () => {
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    const v3File = makeCpi({name: 'App', version: '3.0', groupId: GROUP})
    await sbx.uploadAndWait(v3File)
    const v3 = checksumsOf(v3File).cpiFileChecksum
    // an upgrade whose DB worker died mid-way: the vnode still holds it, its row stays IN_PROGRESS
    const stuck = `${h}${checksum}${'0'.repeat(12)}`
    sbx.ctx.corda.vnodes.get(h)!.operationInProgress = stuck
    const blocked = await sbx.call('PUT', `/virtualnode/${h}/cpi/${v3}`)
    expect(blocked.status).toBe(202) // no check at the REST layer
    const blockedId = blocked.body.requestId as string
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup + CORDA_DELAYS.vnodeUpgradeRun)
    expect(await statusOf(stuck)).toMatchObject({status: 'FAILED', processingStage: 'Validation', errorReason: `Operation ${stuck} already in progress`})
    expect((await statusOf(blockedId)).status).toBe(404)
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body).toMatchObject({operationInProgress: null, cpiIdentifier: {cpiVersion: '1.0'}})

    sbx.ctx.corda.vnodes.get(h)!.operationInProgress = stuck
    const forced = await sbx.call('PUT', `/virtualnode/${h}/cpi/${v3}?forceUpgrade=TRUE`)
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup + CORDA_DELAYS.vnodeUpgradeRun)
    expect((await statusOf(forced.body.requestId as string)).status).toBe('SUCCEEDED')
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.cpiIdentifier.cpiVersion).toBe('3.0')
  })

  it('a short hash sent in lower case is accepted but never runs (the database looks it up as sent); v1 answers 200 + Warning', async () => {
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    const lower = await sbx.call('PUT', `/virtualnode/${h.toLowerCase()}/cpi/${v2}`)
    expect(lower).toMatchObject({status: 202, body: {requestId: h.toLowerCase() + checksum + v2}})
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup + CORDA_DELAYS.vnodeUpgradeRun)
    expect((await statusOf(lower.body.requestId as string)).status).toBe(404)
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.cpiIdentifier.cpiVersion).toBe('1.0')
    const v1 = await sbx.call('PUT', `/virtualnode/${h}/cpi/${v2}`, undefined, 'v1')
    expect(v1).toMatchObject({status: 200, body: {requestId: h + checksum + v2}})
    expect(v1.headers.get('warning')).toBe('299 - Deprecated, please use next version where loginName is passed as a path parameter.')
  })
})

describe('BYOD (v5_2)', () => {
  it('serves raw SQL; an unknown CPI or vnode gets no answer from the DB worker: 500 at the endpoint timeout', async () => {
    for (const path of ['/virtualnode/create/db/crypto', '/virtualnode/create/db/uniqueness', `/virtualnode/create/db/vault/${checksum.toLowerCase().slice(2, 9)}`]) {
      const res = await sbx.call('GET', path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(res.text).toMatch(/^-- workerctl sandbox/)
    }
    expect((await sbx.call('GET', '/virtualnode/create/db/crypto', undefined, 'v5_1')).status).toBe(404)
    expect((await sbx.call('GET', '/virtualnode/create/db/vault/ABCDEF123456')).body).toEqual({
      title: 'Could not get Schema SQL to create Vault DB and CPI: Could not complete virtual node management request.',
      status: 500,
      details: {},
    })
    const h = await sbx.createVNode(ALICE, checksum)
    expect((await sbx.call('GET', `/virtualnode/${h}/db/vault/${checksum}`)).status).toBe(200)
    expect((await sbx.call('GET', `/virtualnode/000000000000/db/vault/${checksum}`)).body.title).toBe(
      'Could not get Schema SQL to update CPI: Could not complete virtual node management request.',
    )
    expectValidAnswers(sbx.server.log.entries())
  })

  it('changes DB connections with no maintenance needed: 404 until picked up, IN_PROGRESS, SUCCEEDED; a DDL without its DML fails there', async () => {
    const h = await sbx.createVNode(ALICE, checksum)
    const conn = JSON.stringify({database: {jdbc: {url: 'jdbc:postgresql://db:5432/x'}, user: 'u', pass: 'p'}})
    expect((await sbx.call('PUT', '/virtualnode/ABC/db', {vaultDmlConnection: conn})).body).toEqual({
      title: 'Unexpected error occurred.',
      status: 500,
      details: {cause: 'ShortHashException', reason: 'Hex string has length of 3 but should be 12 characters'},
    })
    expect((await sbx.call('PUT', '/virtualnode/000000000000/db', {vaultDmlConnection: conn})).body.title).toBe('Virtual node not found')
    const before = (await sbx.call('GET', `/virtualnode/${h}`)).body.vaultDmlConnectionId as string
    const res = await sbx.call('PUT', `/virtualnode/${h}/db`, {vaultDmlConnection: JSON.parse(conn)})
    expect(res.status).toBe(202)
    const requestId = res.body.requestId as string
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect((await statusOf(requestId)).title).toBe(`Could not find a virtual node operation with requestId of ${requestId}`)
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup)
    expect(await statusOf(requestId)).toMatchObject({operation: 'CHANGE_VIRTUAL_NODE_DB', status: 'IN_PROGRESS', resourceId: null})
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.operationInProgress).toBeNull()
    sbx.advance(CORDA_DELAYS.vnodeDbChangeRun)
    expect(await statusOf(requestId)).toMatchObject({status: 'SUCCEEDED', resourceId: null})
    expect((await sbx.call('GET', `/virtualnode/${h}`)).body.vaultDmlConnectionId).not.toBe(before)

    const bad = (await sbx.call('PUT', `/virtualnode/${h}/db`, {cryptoDdlConnection: conn})).body.requestId as string
    sbx.advance(CORDA_DELAYS.vnodeOperationPickup)
    expect(await statusOf(bad)).toMatchObject({
      status: 'FAILED',
      processingStage: null,
      errorReason: 'If Crypto DDL connection is provided, Crypto DML connection needs to be provided as well.',
    })
    expectValidAnswers(sbx.server.log.entries())
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
