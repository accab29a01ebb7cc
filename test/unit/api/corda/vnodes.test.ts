import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {VirtualNodeInfo} from '../../../../src/api/corda/types.js'
import {AmbiguousVnodeError, VnodeNotFoundError} from '../../../../src/api/corda/vnodes.js'
import {InvalidX500Error} from '../../../../src/api/corda/x500.js'
import {ApiError} from '../../../../src/api/errors.js'
import {toFailure} from '../../../../src/cli/failure.js'
import {NotFoundError, OperationFailedError, TimeoutError} from '../../../../src/errors.js'
import {caught, client, expectValidRequest, recorder, type Seen, URL} from './support.js'

beforeAll(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
})

const fast = {initialMs: 1, maxMs: 2}

function vnode(shortHash: string, x500Name: string): VirtualNodeInfo {
  return {
    holdingIdentity: {x500Name, groupId: 'g', shortHash, fullHash: `${shortHash}FFFF`},
    cpiIdentifier: {cpiName: 'demo', cpiVersion: '1.0', signerSummaryHash: null},
    vaultDmlConnectionId: 'v',
    cryptoDmlConnectionId: 'c',
    uniquenessDmlConnectionId: 'u',
    flowP2pOperationalStatus: 'ACTIVE',
    flowStartOperationalStatus: 'ACTIVE',
    flowOperationalStatus: 'ACTIVE',
    vaultDbOperationalStatus: 'ACTIVE',
    operationInProgress: null,
  }
}

const ALICE = vnode('58B6030FABDD', 'CN=Alice, OU=Test Dept, O=R3, L=London, C=GB')
const BOB = vnode('1234567890AB', 'CN=Bob, OU=Test Dept, O=R3, L=London, C=GB')
const CAROL = vnode('ABCDEF012345', 'CN=Carol, O=Acme, L=Paris, C=FR')
const status = (s: string, extra = {}) => ({
  requestId: '58B6030FABDD',
  operation: 'CREATE_VIRTUAL_NODE',
  status: s,
  lastUpdatedTimestamp: '2024-05-01T10:00:05Z',
  processingStage: null,
  errorReason: null,
  resourceId: null,
  ...extra,
})

describe('vnodes requests', () => {
  it('creates with a bare JSON body and reads status, list, get', async () => {
    const seen: Seen[] = []
    const req = {x500Name: 'CN=Alice, OU=Test Dept, O=R3, L=London, C=GB', cpiFileChecksum: 'BA4B24E6A0D0'}
    nock(URL)
      .post('/api/v5_2/virtualnode')
      .reply(recorder(seen, [202, {requestId: '58B6030FABDD'}]))
      .get('/api/v5_2/virtualnode/status/58B6030FABDD')
      .reply(recorder(seen, [200, status('IN_PROGRESS')]))
      .get('/api/v5_2/virtualnode')
      .reply(recorder(seen, [200, {virtualNodes: [ALICE, BOB]}]))
      .get('/api/v5_2/virtualnode/58B6030FABDD')
      .reply(recorder(seen, [200, ALICE]))
    const c = client()
    expect(await c.vnodes.create(req)).toEqual({requestId: '58B6030FABDD'})
    expect(seen[0]!.body).toEqual(req)
    expect((await c.vnodes.status('58B6030FABDD')).status).toBe('IN_PROGRESS')
    expect(await c.vnodes.list()).toEqual([ALICE, BOB])
    expect(await c.vnodes.get('58B6030FABDD')).toEqual(ALICE)
    seen.forEach(expectValidRequest)
  })

  it('changes state, upgrades (with force) and updates the DB', async () => {
    const seen: Seen[] = []
    nock(URL)
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/MAINTENANCE')
      .reply(recorder(seen, [200, {holdingIdShortHash: '58B6030FABDD', newState: 'MAINTENANCE'}]))
      .put('/api/v5_2/virtualnode/58B6030FABDD/cpi/CCCCCCCCCCCC')
      .query({forceupgrade: 'true'})
      .reply(recorder(seen, [202, {requestId: '58B6030FABDDBA4B24E6A0D0CCCCCCCCCCCC'}]))
      .put('/api/v5_2/virtualnode/58B6030FABDD/cpi/CCCCCCCCCCCC')
      .reply(recorder(seen, [202, {requestId: '58B6030FABDDBA4B24E6A0D0CCCCCCCCCCCC'}]))
      .put('/api/v5_2/virtualnode/58B6030FABDD/db')
      .reply(recorder(seen, [202, {requestId: '3f1e-uuid'}]))
    const c = client()
    expect(await c.vnodes.setState('58B6030FABDD', 'MAINTENANCE')).toEqual({holdingIdShortHash: '58B6030FABDD', newState: 'MAINTENANCE'})
    await c.vnodes.upgrade('58B6030FABDD', 'CCCCCCCCCCCC', {force: true})
    expect(seen[1]!.query).toEqual({forceupgrade: 'true'})
    await c.vnodes.upgrade('58B6030FABDD', 'CCCCCCCCCCCC')
    expect(seen[2]!.query).toEqual({})
    const db = {vaultDdlConnection: {database: {jdbc: {url: 'jdbc:postgresql://db/x'}}}}
    expect(await c.vnodes.updateDb('58B6030FABDD', db)).toEqual({requestId: '3f1e-uuid'})
    expect(seen[3]!.body).toEqual(db)
    seen.forEach(expectValidRequest)
  })

  it('upgrades on v1 (200, no force)', async () => {
    const seen: Seen[] = []
    nock(URL)
      .put('/api/v1/virtualnode/58B6030FABDD/cpi/CCCCCCCCCCCC')
      .reply(recorder(seen, [200, {requestId: 'r'}, {Warning: '299 - deprecated'}]))
    expect(await client('v1').vnodes.upgrade('58B6030FABDD', 'CCCCCCCCCCCC')).toEqual({requestId: 'r'})
    expectValidRequest(seen[0]!)
  })
})

describe('vnodes.waitForOperation / waitUntilVisible', () => {
  it('treats an early 404 as pending and returns SUCCEEDED', async () => {
    nock(URL)
      .get('/api/v5_2/virtualnode/status/58B6030FABDD')
      .reply(404, {title: 'Failed to find a status for requestId 58B6030FABDD', status: 404, details: {}})
      .get('/api/v5_2/virtualnode/status/58B6030FABDD')
      .reply(200, status('IN_PROGRESS'))
      .get('/api/v5_2/virtualnode/status/58B6030FABDD')
      .reply(200, status('SUCCEEDED', {resourceId: '58B6030FABDD'}))
    expect((await client().vnodes.waitForOperation('58B6030FABDD', fast)).status).toBe('SUCCEEDED')
  })

  it('throws OperationFailedError carrying the status on FAILED', async () => {
    nock(URL)
      .get('/api/v5_2/virtualnode/status/58B6030FABDD')
      .reply(200, status('FAILED', {processingStage: 'Migration', errorReason: 'liquibase broke'}))
    const error = (await caught(client().vnodes.waitForOperation('58B6030FABDD', fast))) as OperationFailedError
    expect(error).toBeInstanceOf(OperationFailedError)
    expect(error.state).toMatchObject({status: 'FAILED', errorReason: 'liquibase broke'})
    expect(error.message).toMatch(/FAILED at Migration: liquibase broke/)
  })

  it('times out with the request id', async () => {
    nock(URL).get('/api/v5_2/virtualnode/status/58B6030FABDD').times(1000).reply(200, status('ACCEPTED'))
    const error = await caught(client().vnodes.waitForOperation('58B6030FABDD', {...fast, deadline: Date.now() + 40}))
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({resumeId: '58B6030FABDD'})
  })

  it('waits until GET stops answering 404', async () => {
    nock(URL)
      .get('/api/v5_2/virtualnode/58B6030FABDD')
      .twice()
      .reply(404, {title: 'not found', status: 404, details: {}})
      .get('/api/v5_2/virtualnode/58B6030FABDD')
      .reply(200, ALICE)
    expect(await client().vnodes.waitUntilVisible('58B6030FABDD', fast)).toEqual(ALICE)
  })
})

describe('vnodes.resolve', () => {
  const listed = () =>
    nock(URL)
      .get('/api/v5_2/virtualnode')
      .reply(200, {virtualNodes: [ALICE, BOB, CAROL]})

  it('by short hash (any case)', async () => {
    nock(URL).get('/api/v5_2/virtualnode/58B6030FABDD').reply(200, ALICE)
    expect(await client().vnodes.resolve('58b6030fabdd')).toEqual(ALICE)
  })

  it('by full X.500 name in another order and spacing', async () => {
    listed()
    expect(await client().vnodes.resolve('C=GB,L=London,O=R3,OU=Test Dept,CN=Bob')).toEqual(BOB)
  })

  it('by a CN or an O that matches one node', async () => {
    listed()
    expect(await client().vnodes.resolve('Alice')).toEqual(ALICE)
    listed()
    expect(await client().vnodes.resolve('Acme')).toEqual(CAROL)
  })

  it('refuses an ambiguous name, listing the candidates', async () => {
    listed()
    const error = (await caught(client().vnodes.resolve('R3'))) as AmbiguousVnodeError
    expect(error).toBeInstanceOf(AmbiguousVnodeError)
    expect(error.candidates.map(n => n.holdingIdentity.shortHash)).toEqual(['58B6030FABDD', '1234567890AB'])
    expect(error.message).toMatch(/matches 2 virtual nodes/)
  })

  it('reports none as a VnodeNotFoundError (not found, exit 3), not as an HTTP error', async () => {
    listed()
    const error = (await caught(client().vnodes.resolve('Dave'))) as VnodeNotFoundError
    expect(error).toBeInstanceOf(VnodeNotFoundError)
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error).not.toBeInstanceOf(ApiError)
    expect(toFailure(error)).toMatchObject({exitCode: 3, message: 'no virtual node matches "Dave"'})
    listed()
    expect(await caught(client().vnodes.resolve('CN=Dave, O=R3, L=London, C=GB'))).toBeInstanceOf(VnodeNotFoundError)
    nock(URL).get('/api/v5_2/virtualnode/FFFFFFFFFFFF').reply(404, {title: 'Virtual node not found', status: 404, details: {}})
    listed()
    expect(await caught(client().vnodes.resolve('FFFFFFFFFFFF'))).toBeInstanceOf(VnodeNotFoundError)
  })

  it('rejects an invalid X.500 name without listing', async () => {
    expect(await caught(client().vnodes.resolve('CN=Alice, O=R3'))).toBeInstanceOf(InvalidX500Error)
  })
})
