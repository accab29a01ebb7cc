// The multi-step Corda operations against a nock cluster: what is sent, what is skipped, how failures surface.
import {mkdtempSync, rmSync, truncateSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import nock from 'nock'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {sha256File} from '../../../../src/api/corda/cpi-file.js'
import {CpiNotFoundError} from '../../../../src/api/corda/cpis.js'
import {deployCpi} from '../../../../src/api/corda/ops/cpi-deploy.js'
import {ensureVnode, holdingIdShortHash} from '../../../../src/api/corda/ops/vnode-create.js'
import {upgradeVnode} from '../../../../src/api/corda/ops/vnode-upgrade.js'
import type {CpiMetadata, VirtualNodeInfo} from '../../../../src/api/corda/types.js'
import {InvalidX500Error} from '../../../../src/api/corda/x500.js'
import {ApiError} from '../../../../src/api/errors.js'
import {toFailure} from '../../../../src/cli/failure.js'
import {OperationFailedError, UsageError} from '../../../../src/errors.js'
import {checksumsOf, makeCpi} from '../../../helpers/cpi.js'
import {caught, client, expectValidRequest, recorder, type Seen, URL} from './support.js'

const dir = mkdtempSync(join(tmpdir(), 'workerctl-deploy-'))
beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const SIGNER = 'SHA-256:8E0B'
const GROUP = 'a1b2c3d4-0000-4000-8000-000000000001'
const cpiFile = (name: string, version: string, extra?: string) => {
  const bytes = makeCpi({name, version, groupId: GROUP, extraBytes: extra})
  const path = join(dir, `${name}-${version}${extra ?? ''}.cpi`)
  writeFileSync(path, bytes)
  return {path, bytes, ...checksumsOf(bytes)}
}
const meta = (name: string, version: string, checksums: {cpiFileChecksum: string; cpiFileFullChecksum: string}): CpiMetadata => ({
  id: {cpiName: name, cpiVersion: version, signerSummaryHash: SIGNER},
  ...checksums,
  cpks: [],
  groupPolicy: JSON.stringify({groupId: GROUP}),
  timestamp: '2026-01-01T00:00:00Z',
})
const corda = () => client()

describe('deployCpi', () => {
  it('sends nothing but GET /cpi when the same file is there (checksums compared case-insensitively)', async () => {
    const file = cpiFile('demo', '1.0')
    const listed = meta('demo', '1.0', {cpiFileChecksum: file.cpiFileChecksum, cpiFileFullChecksum: file.cpiFileFullChecksum.toLowerCase()})
    const scope = nock(URL)
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: [listed]})
    const result = await deployCpi(corda(), file.path)
    expect(result).toEqual({
      cpiName: 'demo',
      cpiVersion: '1.0',
      cpiFileChecksum: file.cpiFileChecksum,
      cpiFileFullChecksum: listed.cpiFileFullChecksum,
      requestId: null,
      status: 'OK',
      result: 'unchanged',
    })
    expect(scope.isDone()).toBe(true) // and nock would have refused a POST
  })

  it('uploads a new CPI as multipart `upload`, follows the status through the race, and reports created', async () => {
    const file = cpiFile('fresh', '1.0')
    const statuses: string[] = []
    let head: Record<string, unknown> = {}
    let body = ''
    nock(URL)
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: []})
      .post('/api/v5_2/cpi')
      .reply(function (_uri, received) {
        head = this.req.headers
        body = received as string // binary bodies reach nock as hex
        return [200, {id: 'u1'}]
      })
      .get('/api/v5_2/cpi/status/u1')
      .reply(400, {title: 'No such requestId=u1', status: 400, details: {}})
      .get('/api/v5_2/cpi/status/u1')
      .reply(200, {status: 'Validating CPI', cpiFileChecksum: ''})
      .get('/api/v5_2/cpi/status/u1')
      .reply(200, {status: 'OK', cpiFileChecksum: file.cpiFileChecksum})
    const c = corda()
    const result = await deployCpi(c, file.path, {onStatus: s => statuses.push(s)})
    expect(result).toMatchObject({cpiName: 'fresh', cpiVersion: '1.0', requestId: 'u1', status: 'OK', result: 'created', cpiFileFullChecksum: file.cpiFileFullChecksum})
    expect(statuses).toEqual(['Validating CPI', 'OK'])
    expect(head['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    const raw = /^[0-9a-f]+$/.test(body) ? Buffer.from(body, 'hex') : Buffer.from(body, 'binary')
    expect(raw.length).toBe(Number(head['content-length']))
    expect(raw.includes(file.bytes)).toBe(true)
    expect(raw.toString('latin1')).toContain('Content-Disposition: form-data; name="upload"; filename="fresh-1.0.cpi"')
  })

  it('--no-wait returns after the POST with the checksums hashed on the way', async () => {
    const file = cpiFile('nowait', '1.0')
    nock(URL).get('/api/v5_2/cpi').reply(200, {cpis: []}).post('/api/v5_2/cpi').reply(200, {id: 'u2'})
    expect(await deployCpi(corda(), file.path, {wait: false})).toEqual({
      cpiName: 'nowait',
      cpiVersion: '1.0',
      ...checksumsOf(file.bytes),
      requestId: 'u2',
      status: 'Uploaded',
      result: 'submitted',
    })
  })

  it('--force uses force-upload even for an identical file, and reports updated', async () => {
    const file = cpiFile('forced', '1.0')
    nock(URL)
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: [meta('forced', '1.0', checksumsOf(file.bytes))]})
      .post('/api/v5_2/maintenance/virtualnode/forcecpiupload')
      .reply(200, {id: 'u3'})
      .get('/api/v5_2/cpi/status/u3')
      .reply(200, {status: 'OK', cpiFileChecksum: file.cpiFileChecksum})
    expect(await deployCpi(corda(), file.path, {force: true})).toMatchObject({requestId: 'u3', result: 'updated'})
  })

  it('--force with no such CPI on the cluster is refused before uploading', async () => {
    const file = cpiFile('absent', '1.0')
    nock(URL).get('/api/v5_2/cpi').reply(200, {cpis: []})
    const error = await caught(deployCpi(corda(), file.path, {force: true}))
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toMatch(/has no absent 1.0: upload it without --force/)
  })

  it('a duplicate (409 from the status call) keeps its status and gets a --force hint', async () => {
    const file = cpiFile('dup', '1.0', 'changed')
    nock(URL)
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: [meta('dup', '1.0', {cpiFileChecksum: 'AAAAAAAAAAAA', cpiFileFullChecksum: 'A'.repeat(64)})]})
      .post('/api/v5_2/cpi')
      .reply(200, {id: 'u4'})
      .get('/api/v5_2/cpi/status/u4')
      .reply(409, {title: `CPI dup, 1.0, ${SIGNER} already exists.`, status: 409, details: {}})
      // Looked up again: the cluster's dup 1.0 is another file, so the duplicate verdict stands.
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: [meta('dup', '1.0', {cpiFileChecksum: 'AAAAAAAAAAAA', cpiFileFullChecksum: 'A'.repeat(64)})]})
    const error = (await caught(deployCpi(corda(), file.path))) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(toFailure(error)).toMatchObject({exitCode: 5})
    expect(error.hint).toMatch(/--force/)
  })

  it('an upload met by a 503 is sent again; the duplicate verdict for a file that did arrive is success', async () => {
    const file = cpiFile('lost', '1.0')
    const full = (await sha256File(file.path)).toUpperCase()
    nock(URL)
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: []})
      .post('/api/v5_2/cpi')
      .reply(503, {title: 'Service unavailable', status: 503, details: {}})
      .post('/api/v5_2/cpi')
      .reply(200, {id: 'u9'})
      .get('/api/v5_2/cpi/status/u9')
      .reply(409, {title: `CPI lost, 1.0, ${SIGNER} already exists.`, status: 409, details: {}})
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: [meta('lost', '1.0', {cpiFileChecksum: full.slice(0, 12), cpiFileFullChecksum: full})]})
    const done = await deployCpi(corda(), file.path)
    expect(done).toMatchObject({cpiName: 'lost', cpiFileChecksum: full.slice(0, 12), status: 'OK', result: 'created'})
    expect(nock.isDone()).toBe(true)
  })

  it('an upload sent again whose twin was persisted first fails with a 400 at persisting: the listed CPI makes it success', async () => {
    const file = cpiFile('twin', '1.0')
    const full = (await sha256File(file.path)).toUpperCase()
    const persist = 'Unexpected error when trying to persist CPI and CPK to database'
    nock(URL)
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: []})
      .post('/api/v5_2/cpi')
      .reply(503, {title: 'Service unavailable', status: 503, details: {}})
      .post('/api/v5_2/cpi')
      .reply(200, {id: 'u10'})
      .get('/api/v5_2/cpi/status/u10')
      .reply(400, {title: persist, status: 400, details: {errorType: 'net.corda.libs.cpiupload.ValidationException', errorMessage: persist, message: persist}})
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: [meta('twin', '1.0', {cpiFileChecksum: full.slice(0, 12), cpiFileFullChecksum: full})]})
    expect(await deployCpi(corda(), file.path)).toMatchObject({cpiName: 'twin', status: 'OK', result: 'created'})
    expect(nock.isDone()).toBe(true)
  })

  it('a rejected CPI ends as a failed operation (exit 8) whose state says why', async () => {
    const file = cpiFile('unsigned', '1.0')
    nock(URL)
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: []})
      .post('/api/v5_2/cpi')
      .reply(200, {id: 'u5'})
      .get('/api/v5_2/cpi/status/u5')
      .reply(400, {title: 'Validation failed', status: 400, details: {errorType: 'ValidationException', errorMessage: 'signer is not trusted'}})
    const error = (await caught(deployCpi(corda(), file.path))) as OperationFailedError
    expect(error).toBeInstanceOf(OperationFailedError)
    expect(toFailure(error).exitCode).toBe(8)
    expect(error.message).toContain('signer is not trusted')
    expect(error.state).toMatchObject({cpiName: 'unsigned', requestId: 'u5', status: 'signer is not trusted', result: 'failed'})
    expect(error.hint).toMatch(/cert import SIGNER.pem --usage code-signer/)
  })

  it('refuses a file over the limit, a missing file and a directory before any request', async () => {
    const big = join(dir, 'big.cpi')
    writeFileSync(big, '')
    truncateSync(big, 200_000_001)
    expect(((await caught(deployCpi(corda(), big))) as Error).message).toMatch(/200,000,001 bytes; the cluster accepts at most 200,000,000/)
    expect(await caught(deployCpi(corda(), join(dir, 'missing.cpi')))).toBeInstanceOf(UsageError)
    expect(((await caught(deployCpi(corda(), dir))) as Error).message).toMatch(/is a directory/)
    expect(nock.pendingMocks()).toEqual([])
  })
})

describe('resolveCpi', () => {
  const a1 = meta('app', '1.0', {cpiFileChecksum: 'AAAAAAAAAAA1', cpiFileFullChecksum: `AAAAAAAAAAA1${'0'.repeat(52)}`})
  const a2 = meta('app', '2.0', {cpiFileChecksum: 'BBBBBBBBBBB2', cpiFileFullChecksum: `BBBBBBBBBBB2${'0'.repeat(52)}`})
  const known = [a1, a2]

  it('finds by checksum (any case), full checksum, NAME@VERSION, and NAME when only one version exists', async () => {
    expect(await corda().cpis.resolve('aaaaaaaaaaa1', known)).toBe(a1)
    expect(await corda().cpis.resolve(a2.cpiFileFullChecksum, known)).toBe(a2)
    expect(await corda().cpis.resolve('app@2.0', known)).toBe(a2)
    expect(await corda().cpis.resolve('app', [a1])).toBe(a1)
  })

  it('a name with several versions must say which; an unknown one is not found (exit 3)', async () => {
    const ambiguous = (await caught(corda().cpis.resolve('app', known))) as Error
    expect(ambiguous).toBeInstanceOf(UsageError)
    expect(ambiguous.message).toContain('app@1.0 (AAAAAAAAAAA1), app@2.0 (BBBBBBBBBBB2)')
    const missing = await caught(corda().cpis.resolve('other@1.0', known))
    expect(missing).toBeInstanceOf(CpiNotFoundError)
    expect(toFailure(missing).exitCode).toBe(3)
  })
})

const node = (x500Name: string, cpi: CpiMetadata, hash = '58B6030FABDD', active = true): VirtualNodeInfo => ({
  holdingIdentity: {x500Name, groupId: GROUP, shortHash: hash, fullHash: `${hash}${'0'.repeat(52)}`},
  cpiIdentifier: cpi.id,
  vaultDmlConnectionId: 'v',
  cryptoDmlConnectionId: 'c',
  uniquenessDmlConnectionId: 'u',
  flowP2pOperationalStatus: active ? 'ACTIVE' : 'INACTIVE',
  flowStartOperationalStatus: active ? 'ACTIVE' : 'INACTIVE',
  flowOperationalStatus: active ? 'ACTIVE' : 'INACTIVE',
  vaultDbOperationalStatus: active ? 'ACTIVE' : 'INACTIVE',
})
const opStatus = (status: string, extra: object = {}) => ({
  requestId: '58B6030FABDD',
  operation: 'CREATE_VIRTUAL_NODE',
  status,
  lastUpdatedTimestamp: '2026-01-01T00:00:00Z',
  resourceId: '58B6030FABDD',
  ...extra,
})

describe('ensureVnode', () => {
  const app = meta('app', '1.0', {cpiFileChecksum: 'AAAAAAAAAAA1', cpiFileFullChecksum: `AAAAAAAAAAA1${'0'.repeat(52)}`})
  const other = meta('other', '1.0', {cpiFileChecksum: 'CCCCCCCCCCC3', cpiFileFullChecksum: `CCCCCCCCCCC3${'0'.repeat(52)}`})
  const ALICE = 'CN=Alice, O=R3, L=London, C=GB'

  it('rejects a bad X.500 name before sending anything', async () => {
    expect(await caught(ensureVnode(corda(), 'CN=Alice, O=R3, L=London', app))).toBeInstanceOf(InvalidX500Error)
  })

  it('retries a transient "No CPI metadata found", sends the canonical name, then waits through the early 404s', async () => {
    const seen: Seen[] = []
    nock(URL)
      .post('/api/v5_2/virtualnode')
      .reply(400, {title: 'No CPI metadata found for checksum AAAAAAAAAAA1', status: 400, details: {}})
      .post('/api/v5_2/virtualnode')
      .reply(recorder(seen, [202, {requestId: '58B6030FABDD'}]))
      .get('/api/v5_2/virtualnode/status/58B6030FABDD')
      .reply(404, {title: 'Failed to find a status for requestId 58B6030FABDD', status: 404, details: {}})
      .get('/api/v5_2/virtualnode/status/58B6030FABDD')
      .reply(200, opStatus('SUCCEEDED'))
      .get('/api/v5_2/virtualnode/58B6030FABDD')
      .reply(404, {title: 'not found', status: 404, details: {}})
      .get('/api/v5_2/virtualnode/58B6030FABDD')
      .reply(200, node(ALICE, app))
    const result = await ensureVnode(corda(), 'C=GB, L=London, O=R3, CN=Alice', app)
    expect(seen[0]!.body).toEqual({x500Name: ALICE, cpiFileChecksum: 'AAAAAAAAAAA1'})
    expectValidRequest(seen[0]!)
    expect(result).toMatchObject({holdingIdentity: {shortHash: '58B6030FABDD'}, requestId: '58B6030FABDD', result: 'created'})
  })

  it('a 409 for the same X.500 and CPI is unchanged; for another CPI a conflict pointing at vnode upgrade', async () => {
    nock(URL)
      .post('/api/v5_2/virtualnode')
      .reply(409, {title: 'Virtual node 58B6030FABDD already exists.', status: 409, details: {}})
      .get('/api/v5_2/virtualnode')
      .reply(200, {virtualNodes: [node(ALICE, app)]})
    expect(await ensureVnode(corda(), ALICE, app)).toMatchObject({requestId: null, result: 'unchanged', holdingIdentity: {shortHash: '58B6030FABDD'}})

    nock(URL)
      .post('/api/v5_2/virtualnode')
      .reply(409, {title: 'Virtual node 58B6030FABDD already exists.', status: 409, details: {}})
      .get('/api/v5_2/virtualnode')
      .reply(200, {virtualNodes: [node(ALICE, app)]})
    const error = (await caught(ensureVnode(corda(), ALICE, other))) as ApiError
    expect(toFailure(error).exitCode).toBe(5)
    expect(error.title).toContain('already exists with CPI app@1.0, not other@1.0')
    expect(error.hint).toBe('to move it to other@1.0: workerctl vnode upgrade 58B6030FABDD --cpi other@1.0')
  })

  describe('a create whose answer was lost is never sent again blindly (a second POST fails the first)', () => {
    const hash = () => holdingIdShortHash(ALICE, GROUP)

    it('computes the request id as Corda does: SHA-256 of the X.500 name and group id, 12 upper-case hex', () => {
      expect(holdingIdShortHash('CN=Alice, O=R3, L=London, C=GB', 'g1')).toBe('14ED60D4FDE9')
      expect(hash()).toMatch(/^[0-9A-F]{12}$/)
    })

    it('a reset connection: the status of the expected request id answers, so it is followed, not POSTed again', async () => {
      const h = hash()
      const posts: Seen[] = []
      nock(URL)
        .post('/api/v5_2/virtualnode')
        .reply(function (uri, body) {
          posts.push({method: 'POST', path: uri, query: {}, headers: {}, body})
          this.req.destroy()
          return [202, {}]
        })
        .get(`/api/v5_2/virtualnode/status/${h}`)
        .reply(200, opStatus('IN_PROGRESS', {requestId: h, resourceId: null}))
        .get(`/api/v5_2/virtualnode/status/${h}`)
        .reply(200, opStatus('SUCCEEDED', {requestId: h, resourceId: h}))
        .get(`/api/v5_2/virtualnode/${h}`)
        .reply(200, node(ALICE, app, h))
      const result = await ensureVnode(corda(), ALICE, app, {graceMs: 1000})
      expect(result).toMatchObject({requestId: h, result: 'created', holdingIdentity: {shortHash: h}})
      expect(posts).toHaveLength(1)
    })

    it('a 503: nothing shows the request arrived (status 404, not listed), so it is sent again, once', async () => {
      const h = hash()
      let posts = 0
      // The status answers only once a POST has really arrived: the first met a 503.
      nock(URL)
        .post('/api/v5_2/virtualnode')
        .reply(() => (posts++, [503, 'Service Unavailable']))
        .get('/api/v5_2/virtualnode')
        .reply(200, {virtualNodes: []})
        .post('/api/v5_2/virtualnode')
        .reply(() => (posts++, [202, {requestId: h}]))
        .get(`/api/v5_2/virtualnode/${h}`)
        .reply(200, node(ALICE, app, h))
      nock(URL)
        .get(`/api/v5_2/virtualnode/status/${h}`)
        .times(50)
        .optionally()
        .reply(() =>
          posts < 2 ? [404, {title: `Failed to find a status for requestId = '${h}'`, status: 404, details: {}}] : [200, opStatus('SUCCEEDED', {requestId: h, resourceId: h})],
        )
      expect(await ensureVnode(corda(), ALICE, app, {graceMs: 300})).toMatchObject({result: 'created', holdingIdentity: {shortHash: h}})
      expect(posts).toBe(2)
    })

    it('a FAILED status that a duplicate create explains is checked against the vnode itself: it is there, so created', async () => {
      nock(URL)
        .post('/api/v5_2/virtualnode')
        .reply(202, {requestId: '58B6030FABDD'})
        .get('/api/v5_2/virtualnode/status/58B6030FABDD')
        .reply(
          200,
          opStatus('FAILED', {
            processingStage: null,
            resourceId: null,
            errorReason: `Virtual node for CPI with file checksum AAAAAAAAAAA1 and x500Name ${ALICE} already exists.`,
          }),
        )
        .get('/api/v5_2/virtualnode')
        .reply(200, {virtualNodes: [node(ALICE, app)]})
      expect(await ensureVnode(corda(), ALICE, app)).toMatchObject({result: 'created', requestId: '58B6030FABDD', holdingIdentity: {shortHash: '58B6030FABDD'}})
    })

    it('an MGM CPI (group CREATE_ID) has no predictable request id: a node listed under that X.500 name is the one made', async () => {
      const mgm: CpiMetadata = {...app, groupPolicy: JSON.stringify({groupId: 'CREATE_ID'})}
      let posts = 0
      nock(URL)
        .post('/api/v5_2/virtualnode')
        .reply(() => (posts++, [503, 'Service Unavailable']))
        .get('/api/v5_2/virtualnode')
        .reply(200, {virtualNodes: [node(ALICE, mgm, 'ABCDEF123456')]})
        .get('/api/v5_2/virtualnode/status/ABCDEF123456')
        .reply(200, opStatus('SUCCEEDED', {requestId: 'ABCDEF123456', resourceId: 'ABCDEF123456'}))
        .get('/api/v5_2/virtualnode/ABCDEF123456')
        .reply(200, node(ALICE, mgm, 'ABCDEF123456'))
      expect(await ensureVnode(corda(), ALICE, mgm, {graceMs: 300})).toMatchObject({result: 'created', holdingIdentity: {shortHash: 'ABCDEF123456'}})
      expect(posts).toBe(1)
    })
  })

  it('a FAILED creation is a failed operation with the reason and stage', async () => {
    nock(URL)
      .post('/api/v5_2/virtualnode')
      .reply(202, {requestId: '58B6030FABDD'})
      .get('/api/v5_2/virtualnode/status/58B6030FABDD')
      .reply(200, opStatus('FAILED', {processingStage: 'Migration', errorReason: 'liquibase broke'}))
    const error = (await caught(ensureVnode(corda(), ALICE, app))) as OperationFailedError
    expect(error).toBeInstanceOf(OperationFailedError)
    expect(error.message).toContain('FAILED at Migration: liquibase broke')
  })

  it('--no-wait returns what the 202 said', async () => {
    nock(URL).post('/api/v5_2/virtualnode').reply(202, {requestId: '58B6030FABDD'})
    expect(await ensureVnode(corda(), ALICE, app, {wait: false})).toEqual({
      requestId: '58B6030FABDD',
      x500Name: ALICE,
      cpiFileChecksum: 'AAAAAAAAAAA1',
      status: 'ACCEPTED',
      result: 'submitted',
    })
  })
})

describe('upgradeVnode', () => {
  const v1 = meta('app', '1.0', {cpiFileChecksum: 'AAAAAAAAAAA1', cpiFileFullChecksum: `AAAAAAAAAAA1${'0'.repeat(52)}`})
  const v2 = meta('app', '2.0', {cpiFileChecksum: 'BBBBBBBBBBB2', cpiFileFullChecksum: `BBBBBBBBBBB2${'0'.repeat(52)}`})
  const ALICE = 'CN=Alice, O=R3, L=London, C=GB'
  const noFlows = () => nock(URL).get('/api/v5_2/flow/58B6030FABDD').query(true).times(2).reply(200, {flowStatusResponses: []})

  it('checks preconditions locally: same CPI is unchanged, another name or signer is refused, nothing sent', async () => {
    expect(await upgradeVnode(corda(), node(ALICE, v1), v1)).toMatchObject({result: 'unchanged', requestId: null})
    const renamed = {...v2, id: {...v2.id, cpiName: 'renamed'}}
    expect(((await caught(upgradeVnode(corda(), node(ALICE, v1), renamed))) as Error).message).toMatch(/must keep the CPI name/)
    const resigned = {...v2, id: {...v2.id, signerSummaryHash: 'SHA-256:FFFF'}}
    expect(await caught(upgradeVnode(corda(), node(ALICE, v1), resigned))).toBeInstanceOf(UsageError)
  })

  it('maintenance → PUT cpi → poll → active (retrying while the operation is still recorded)', async () => {
    const order: string[] = []
    const log = (label: string, reply: [number, object]) => () => (order.push(label), reply)
    noFlows()
    nock(URL)
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/MAINTENANCE')
      .reply(log('maintenance', [200, {holdingIdShortHash: '58B6030FABDD', newState: 'MAINTENANCE'}]))
      .put('/api/v5_2/virtualnode/58B6030FABDD/cpi/BBBBBBBBBBB2')
      .reply(log('upgrade', [202, {requestId: 'R-UP'}]))
      .get('/api/v5_2/virtualnode/status/R-UP')
      .reply(log('status', [200, opStatus('SUCCEEDED', {requestId: 'R-UP', operation: 'UPGRADE_VIRTUAL_NODE'})]))
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/ACTIVE')
      .reply(log('active-refused', [400, {title: 'Virtual node 58B6030FABDD cannot be set ACTIVE: operation R-UP is in progress.', status: 400, details: {}}]))
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/ACTIVE')
      .reply(log('active', [200, {holdingIdShortHash: '58B6030FABDD', newState: 'ACTIVE'}]))
      .get('/api/v5_2/virtualnode/58B6030FABDD')
      .reply(200, node(ALICE, v2))
    const result = await upgradeVnode(corda(), node(ALICE, v1), v2)
    expect(order).toEqual(['maintenance', 'upgrade', 'status', 'active-refused', 'active'])
    expect(result).toMatchObject({requestId: 'R-UP', result: 'updated', cpiIdentifier: {cpiVersion: '2.0'}})
  })

  it('running flows are shown to confirmKill, which may refuse before anything changes', async () => {
    const running = {holdingIdentityShortHash: '58B6030FABDD', clientRequestId: 'f1', flowStatus: 'RUNNING', timestamp: '2026-01-01T00:00:00Z'}
    nock(URL)
      .get('/api/v5_2/flow/58B6030FABDD')
      .query({status: 'RUNNING'})
      .reply(200, {flowStatusResponses: [running]})
      .get('/api/v5_2/flow/58B6030FABDD')
      .query({status: 'START_REQUESTED'})
      .reply(200, {flowStatusResponses: []})
    let shown: unknown[] = []
    const error = await caught(
      upgradeVnode(corda(), node(ALICE, v1), v2, {
        confirmKill: async flows => {
          shown = flows
          throw new Error('refused')
        },
      }),
    )
    expect((error as Error).message).toBe('refused')
    expect(shown).toEqual([running])
    expect(nock.pendingMocks()).toEqual([])
  })

  it('a PUT sent again after a 503 meets "already has CPI": the upgrade it made (request id = hash + both checksums) is followed, then updated', async () => {
    const id = '58B6030FABDDAAAAAAAAAAA1BBBBBBBBBBB2'
    noFlows()
    nock(URL)
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/MAINTENANCE')
      .reply(200, {holdingIdShortHash: '58B6030FABDD', newState: 'MAINTENANCE'})
      .put('/api/v5_2/virtualnode/58B6030FABDD/cpi/BBBBBBBBBBB2')
      .reply(503, 'Service Unavailable')
      .put('/api/v5_2/virtualnode/58B6030FABDD/cpi/BBBBBBBBBBB2')
      .reply(409, {title: 'Virtual Node with shorthash 58B6030FABDD already has CPI with file checksum BBBBBBBBBBB2', status: 409, details: {}})
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: [v1, v2]})
      .get(`/api/v5_2/virtualnode/status/${id}`)
      .reply(200, opStatus('IN_PROGRESS', {requestId: id, operation: 'UPGRADE_VIRTUAL_NODE', resourceId: null}))
      .get(`/api/v5_2/virtualnode/status/${id}`)
      .reply(200, opStatus('SUCCEEDED', {requestId: id, operation: 'UPGRADE_VIRTUAL_NODE', resourceId: null}))
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/ACTIVE')
      .reply(200, {holdingIdShortHash: '58B6030FABDD', newState: 'ACTIVE'})
      .get('/api/v5_2/virtualnode/58B6030FABDD')
      .reply(200, node(ALICE, v2))
    const retrying = client('v5_2', {attempts: 2, baseDelayMs: 1, maxDelayMs: 1})
    expect(await upgradeVnode(retrying, node(ALICE, v1), v2)).toMatchObject({requestId: id, result: 'updated'})
    expect(nock.isDone()).toBe(true)
  })

  it('"already has CPI" with no operation of ours (404) is unchanged: the node is made active again', async () => {
    noFlows()
    nock(URL)
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/MAINTENANCE')
      .reply(200, {holdingIdShortHash: '58B6030FABDD', newState: 'MAINTENANCE'})
      .put('/api/v5_2/virtualnode/58B6030FABDD/cpi/BBBBBBBBBBB2')
      .reply(409, {title: 'Virtual Node with shorthash 58B6030FABDD already has CPI with file checksum BBBBBBBBBBB2', status: 409, details: {}})
      .get('/api/v5_2/cpi')
      .reply(200, {cpis: [v1, v2]})
      .get('/api/v5_2/virtualnode/status/58B6030FABDDAAAAAAAAAAA1BBBBBBBBBBB2')
      .reply(404, {title: 'Could not find a virtual node operation with requestId of 58B6030FABDDAAAAAAAAAAA1BBBBBBBBBBB2', status: 404, details: {}})
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/ACTIVE')
      .reply(200, {holdingIdShortHash: '58B6030FABDD', newState: 'ACTIVE'})
      .get('/api/v5_2/virtualnode/58B6030FABDD')
      .reply(200, node(ALICE, v2))
    expect(await upgradeVnode(corda(), node(ALICE, v1), v2)).toMatchObject({requestId: null, result: 'unchanged'})
  })

  it('a FAILED upgrade says the node stays in maintenance', async () => {
    noFlows()
    nock(URL)
      .put('/api/v5_2/virtualnode/58B6030FABDD/state/MAINTENANCE')
      .reply(200, {holdingIdShortHash: '58B6030FABDD', newState: 'MAINTENANCE'})
      .put('/api/v5_2/virtualnode/58B6030FABDD/cpi/BBBBBBBBBBB2')
      .reply(202, {requestId: 'R-UP'})
      .get('/api/v5_2/virtualnode/status/R-UP')
      .reply(200, opStatus('FAILED', {requestId: 'R-UP', processingStage: 'Migration', errorReason: 'boom'}))
    const error = (await caught(upgradeVnode(corda(), node(ALICE, v1), v2))) as OperationFailedError
    expect(error).toBeInstanceOf(OperationFailedError)
    expect(error.message).toBe('upgrade of virtual node 58B6030FABDD failed: FAILED at Migration: boom')
    expect(toFailure(error)).toMatchObject({exitCode: 8, hint: expect.stringContaining('stays in maintenance')})
  })
})

describe('flowsInFlight', () => {
  it('on v5_1 lists every flow and keeps RUNNING and START_REQUESTED (no status filter there)', async () => {
    const flow = (id: string, flowStatus: string) => ({holdingIdentityShortHash: 'H', clientRequestId: id, flowStatus, timestamp: 't'})
    nock(URL)
      .get('/api/v5_1/flow/H')
      .reply(200, {flowStatusResponses: [flow('a', 'RUNNING'), flow('b', 'COMPLETED'), flow('c', 'START_REQUESTED')]})
    expect((await client('v5_1').flows.inFlight('H')).map(f => f.clientRequestId)).toEqual(['a', 'c'])
  })
})
