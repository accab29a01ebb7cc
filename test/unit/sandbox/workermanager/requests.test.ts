// Worker-manager requests over real HTTP: filters, paging, the status machine on a manual clock, retry and delete.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {WM_DELAYS} from '../../../../src/sandbox/workermanager/request-machine.js'
import {startWm, T0, type WmSandbox} from './helpers.js'

let sbx: WmSandbox
beforeEach(async () => {
  sbx = await startWm()
})
afterEach(async () => {
  await sbx.close()
})

const iso = (ms: number) => new Date(ms).toISOString()
const ids = (rows: any[]) => rows.map(r => r.requestId)
const BLOCKED = ['ERROR', 'NO_WORKER_AVAILABLE', 'INVALID_CONTENT']
/** Lets a retry/delete job and its page job run. */
const JOBS = 2 * WM_DELAYS.job + 1

describe('POST /requests filters', () => {
  beforeEach(() => {
    sbx.add({
      contentType: 'lta-to-extract-request',
      source: 'CNES',
      session: 'Mission1_a',
      status: 'ERROR',
      dispatchedWorkerType: 'lta-product-zip-extraction-worker',
      creationMicros: T0 * 1000 - 3e9,
    })
    sbx.add({
      contentType: 'lta-extracted-request',
      source: 'cnes-lab',
      session: 'Mission2',
      status: 'RUNNING',
      dispatchedWorkerType: 'lta-sip-generator-worker',
      creationMicros: T0 * 1000 - 2e9,
    })
    sbx.add({contentType: 'lta-request', source: 'ESA', session: 'Mission1_b', status: 'NO_WORKER_AVAILABLE', creationMicros: T0 * 1000 - 1e9})
    sbx.add({
      contentType: 'ingest-check-request',
      source: 'ESA_ops',
      session: 'other',
      status: 'INVALID_CONTENT',
      dispatchedWorkerType: 'ingest-checker-worker',
      creationMicros: T0 * 1000,
    })
  })

  it('source, session and dispatchedWorkerType are LIKE %v%, case-sensitive', async () => {
    expect(ids((await sbx.list({source: 'CNES'})).rows)).toEqual(['r-001'])
    expect(ids((await sbx.list({source: 'cnes'})).rows)).toEqual(['r-002'])
    expect(ids((await sbx.list({session: 'Mission1'})).rows)).toEqual(['r-001', 'r-003'])
    expect(ids((await sbx.list({session: 'Mission_'})).rows)).toEqual(['r-001', 'r-002', 'r-003']) // `_` is LIKE's any character
    expect(ids((await sbx.list({dispatchedWorkerType: 'worker'})).rows)).toEqual(['r-001', 'r-002', 'r-004']) // null never matches
  })

  it('contentTypes: INCLUDE/EXCLUDE, match modes and ignoreCase', async () => {
    const ct = (r: object) => sbx.list({contentTypes: r}).then(x => ids(x.rows))
    expect(await ct({mode: 'INCLUDE', values: ['lta-request']})).toEqual(['r-003'])
    expect(await ct({mode: 'EXCLUDE', values: ['lta-request', 'ingest-check-request']})).toEqual(['r-001', 'r-002'])
    expect(await ct({mode: 'INCLUDE', values: ['LTA-REQUEST']})).toEqual([])
    expect(await ct({mode: 'INCLUDE', values: ['LTA-REQUEST'], ignoreCase: true})).toEqual(['r-003'])
    expect(await ct({mode: 'INCLUDE', values: ['lta-'], matchMode: 'STARTS_WITH'})).toEqual(['r-001', 'r-002', 'r-003'])
    expect(await ct({mode: 'INCLUDE', values: ['extract'], matchMode: 'CONTAINS'})).toEqual(['r-001', 'r-002'])
    expect(await ct({mode: 'INCLUDE', values: ['-request'], matchMode: 'ENDS_WITH'})).toHaveLength(4)
    expect(await ct({mode: 'EXCLUDE', values: []})).toHaveLength(4)
  })

  it('statuses and ids (the DB id, not the requestId)', async () => {
    expect(ids((await sbx.list({statuses: {mode: 'INCLUDE', values: BLOCKED}})).rows)).toEqual(['r-001', 'r-003', 'r-004'])
    expect(ids((await sbx.list({statuses: {mode: 'EXCLUDE', values: ['ERROR']}})).rows)).toEqual(['r-002', 'r-003', 'r-004'])
    const all = (await sbx.list()).rows
    expect(ids((await sbx.list({ids: {mode: 'INCLUDE', values: [all[1].id, all[3].id]}})).rows)).toEqual(['r-002', 'r-004'])
    expect(ids((await sbx.list({ids: {mode: 'EXCLUDE', values: [all[0].id]}})).rows)).toEqual(['r-002', 'r-003', 'r-004'])
  })

  it('creationDate after and before are inclusive', async () => {
    const dates = {after: iso(T0 - 2_000_000), before: iso(T0 - 1_000_000)}
    expect(ids((await sbx.list({creationDate: dates})).rows)).toEqual(['r-002', 'r-003'])
    expect(ids((await sbx.list({creationDate: {after: iso(T0)}})).rows)).toEqual(['r-004'])
  })

  it('INCLUDE with an empty list is a 500 (unmapped InvalidParameterException); bad JSON types a 400', async () => {
    const res = await sbx.list({ids: {mode: 'INCLUDE', values: []}})
    expect(res.status).toBe(500)
    expect(res.body).toEqual({messages: ['Forbidden empty list of values with include mode.']})
    expect((await sbx.list({creationDate: {after: 'yesterday'}})).status).toBe(400)
  })

  it('links: self always, retry and delete only on blocked statuses', async () => {
    const {body} = await sbx.list()
    const rels = body.content.map((e: any) => e.links.map((l: any) => l.rel).join(','))
    expect(rels).toEqual(['self,retry,delete', 'self', 'self,retry,delete', 'self,retry,delete'])
    expect(body.content[0].links[0].href).toBe(`${sbx.url}/api/v1/rs-worker-manager/requests/r-001`)
    expect(body.links).toEqual([])
  })
})

describe('POST /requests paging and sorting', () => {
  it('pages from 0 with size 20 by default, sorted by requestId ASC; sort takes field,DIR (repeatable)', async () => {
    for (let i = 0; i < 45; i++)
      sbx.add({contentType: 'lta-request', requestId: `q-${String(44 - i).padStart(2, '0')}`, creationMicros: (T0 - i * 1000) * 1000, status: i % 2 ? 'ERROR' : 'INVALID_CONTENT'})
    const first = await sbx.list()
    expect(first.metadata).toEqual({size: 20, totalElements: 45, totalPages: 3, number: 0})
    expect(first.rows[0].requestId).toBe('q-00')
    const last = await sbx.list({}, '?page=2&size=20')
    expect(last.rows).toHaveLength(5)
    expect(last.metadata.number).toBe(2)
    expect((await sbx.list({}, '?size=3&sort=creationDate,DESC')).rows.map(r => r.requestId)).toEqual(['q-44', 'q-43', 'q-42'])
    expect((await sbx.list({}, '?size=3&sort=id,DESC')).rows.map(r => r.requestId)).toEqual(['q-00', 'q-01', 'q-02'])
    const byStatus = await sbx.list({}, '?size=45&sort=status,ASC&sort=requestId,DESC')
    expect(byStatus.rows[0]).toMatchObject({status: 'ERROR', requestId: 'q-43'})
    expect(byStatus.rows[44]).toMatchObject({status: 'INVALID_CONTENT', requestId: 'q-00'})
    expect((await sbx.list({}, '?sort=nope,ASC')).status).toBe(400)
  })

  it('dates are ISO UTC with Z and at most microseconds; null fields are left out', async () => {
    sbx.add({contentType: 'x', creationMicros: Date.parse('2025-01-10T08:15:30.123Z') * 1000 + 456})
    sbx.add({contentType: 'x', creationMicros: Date.parse('2025-01-10T08:15:30Z') * 1000})
    const {rows} = await sbx.list()
    expect(rows.map(r => r.creationDate)).toEqual(['2025-01-10T08:15:30.123456Z', '2025-01-10T08:15:30Z'])
    expect(Object.keys(rows[0]).sort()).toEqual(['contentType', 'creationDate', 'id', 'requestId', 'session', 'source', 'status'])
  })
})

describe('GET /requests/{requestId}', () => {
  it('finds by the business id; 404 in the REGARDS shape otherwise', async () => {
    const row = sbx.add({contentType: 'x', status: 'NO_WORKER_AVAILABLE'})
    const found = await sbx.call('GET', `/requests/${row.requestId}`)
    expect(found.status).toBe(200)
    expect(found.body.content).toMatchObject({id: row.id, requestId: row.requestId, status: 'NO_WORKER_AVAILABLE'})
    const missing = await sbx.call('GET', `/requests/${row.id}`)
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({messages: [`Entity fr.cnes.regards.modules.workermanager.domain.database.LightRequest with id : ${row.id} doesn't exist`]})
  })
})

describe('status machine', () => {
  const receive = async (query: string) => (await sbx.admin('POST', `/requests?${query}`)).body.created as any[]
  const status = async (requestId: string) => {
    const res = await sbx.call('GET', `/requests/${requestId}`)
    return res.status === 404 ? 'GONE' : res.body.content.status
  }

  it('DISPATCHED → RUNNING → SUCCESS (row deleted), ERROR with a text, INVALID_CONTENT', async () => {
    const [ok] = await receive('contentType=lta-to-extract-request&outcome=success&requestId=ok')
    await receive('contentType=lta-to-extract-request&outcome=error&requestId=ko')
    await receive('contentType=lta-extracted-request&outcome=invalid&requestId=bad')
    expect(ok).toMatchObject({status: 'DISPATCHED', dispatchedWorkerType: 'lta-product-zip-extraction-worker'})
    sbx.advance(WM_DELAYS.running)
    expect(await status('ok')).toBe('RUNNING')
    sbx.advance(WM_DELAYS.finish)
    expect(await status('ok')).toBe('GONE')
    const ko = (await sbx.call('GET', '/requests/ko')).body.content
    expect(ko).toMatchObject({status: 'ERROR', dispatchedWorkerType: 'lta-product-zip-extraction-worker', error: expect.any(String)})
    expect(await status('bad')).toBe('INVALID_CONTENT')
  })

  it('NO_WORKER_AVAILABLE for a dead worker type and for a content type no config maps', async () => {
    const [dead] = await receive('contentType=ingest-check-request')
    const [unmapped] = await receive('contentType=legacy-archive-request')
    expect(dead.status).toBe('NO_WORKER_AVAILABLE')
    expect(unmapped.status).toBe('NO_WORKER_AVAILABLE')
    expect(dead.dispatchedWorkerType).toBeUndefined()
    expect(sbx.server.context.wm.step(dead.requestId)).toEqual({stepNumber: null, stepWorkerType: 'ingest-checker-worker'})
  })

  it('a workflow request walks its steps; dispatchedWorkerType follows the step', async () => {
    const [wf] = await receive('contentType=lta-request&outcome=success&requestId=wf')
    expect(wf).toMatchObject({status: 'DISPATCHED', dispatchedWorkerType: 'lta-product-zip-extraction-worker'})
    sbx.advance(WM_DELAYS.running + WM_DELAYS.finish)
    const step2 = (await sbx.call('GET', '/requests/wf')).body.content
    expect(step2).toMatchObject({contentType: 'lta-request', status: 'DISPATCHED', dispatchedWorkerType: 'lta-sip-generator-worker'})
    expect(sbx.server.context.wm.step('wf')).toEqual({stepNumber: 2, stepWorkerType: 'lta-sip-generator-worker'})
  })

  it('stuck requests stay DISPATCHED or RUNNING forever', async () => {
    await receive('contentType=lta-to-extract-request&outcome=stuck-dispatched&requestId=d')
    await receive('contentType=lta-to-extract-request&outcome=stuck-running&requestId=r')
    sbx.advance(24 * 3_600_000)
    expect([await status('d'), await status('r')]).toEqual(['DISPATCHED', 'RUNNING'])
  })

  it('keepErrors=false deletes ERROR rows', async () => {
    sbx.server.context.workers.configs.get('lta-product-zip-extraction-worker')!.keepErrors = false
    await receive('contentType=lta-to-extract-request&outcome=error&requestId=gone')
    sbx.advance(WM_DELAYS.running + WM_DELAYS.finish)
    expect(await status('gone')).toBe('GONE')
  })

  it('automatic re-dispatch every 3 s after 30 s: worker content types once their worker is alive, never workflow requests', async () => {
    const [ingest] = await receive('contentType=ingest-check-request&outcome=stuck-dispatched')
    // A workflow request delayed at step 2 while the sip worker was down.
    await sbx.admin('POST', '/workers/lta-sip-generator-worker/stop?now=true')
    await receive('contentType=lta-request&outcome=success&requestId=wf')
    sbx.advance(WM_DELAYS.running + WM_DELAYS.finish)
    expect(await status('wf')).toBe('NO_WORKER_AVAILABLE')
    await receive('contentType=lta-extracted-request&outcome=stuck-dispatched&requestId=sip')
    expect(await status('sip')).toBe('NO_WORKER_AVAILABLE')

    await sbx.admin('POST', '/workers/ingest-checker-worker/start')
    await sbx.admin('POST', '/workers/lta-sip-generator-worker/start')
    sbx.advance(10_000)
    expect(await status(ingest.requestId)).toBe('NO_WORKER_AVAILABLE') // the scheduler's initial delay
    sbx.advance(20_000 + WM_DELAYS.job)
    expect(await status(ingest.requestId)).toBe('DISPATCHED')
    expect(await status('sip')).toBe('DISPATCHED')
    sbx.advance(60_000)
    expect(await status('wf')).toBe('NO_WORKER_AVAILABLE') // §9 blind spot: needs a manual retry
    expect((await sbx.call('POST', '/requests/retry', {statuses: {mode: 'INCLUDE', values: ['NO_WORKER_AVAILABLE']}})).status).toBe(200)
    sbx.advance(JOBS)
    expect(await status('wf')).toBe('DISPATCHED')
    expect((await sbx.call('GET', '/requests/wf')).body.content.dispatchedWorkerType).toBe('lta-sip-generator-worker') // restarted at its step
  })
})

describe('retry and delete', () => {
  beforeEach(() => {
    sbx.add({contentType: 'lta-to-extract-request', requestId: 'err', status: 'ERROR', error: 'x'})
    sbx.add({contentType: 'ingest-check-request', requestId: 'nwa', status: 'NO_WORKER_AVAILABLE'})
    sbx.add({contentType: 'lta-extracted-request', requestId: 'inv', status: 'INVALID_CONTENT', error: 'y'})
    sbx.add({contentType: 'lta-to-extract-request', requestId: 'disp', status: 'DISPATCHED', dispatchedWorkerType: 'lta-product-zip-extraction-worker'})
    sbx.add({contentType: 'lta-extracted-request', requestId: 'run', status: 'RUNNING', dispatchedWorkerType: 'lta-sip-generator-worker'})
  })
  const statuses = async () => Object.fromEntries((await sbx.list()).rows.map(r => [r.requestId, r.status]))

  it('answers 200 with no body at once; the job runs later', async () => {
    const res = await sbx.call('POST', '/requests/retry', {statuses: {mode: 'INCLUDE', values: ['ERROR']}})
    expect(res.status).toBe(200)
    expect(res.body).toBeUndefined()
    expect((await statuses()).err).toBe('ERROR')
    sbx.advance(WM_DELAYS.job)
    expect((await statuses()).err).toBe('TO_DISPATCH')
    sbx.advance(WM_DELAYS.job)
    expect(await statuses()).toMatchObject({err: 'DISPATCHED', nwa: 'NO_WORKER_AVAILABLE', inv: 'INVALID_CONTENT'})
  })

  it('widening: INCLUDE [ERROR, DISPATCHED] retries all three blocked statuses; the dead type is delayed again', async () => {
    await sbx.call('POST', '/requests/retry', {statuses: {mode: 'INCLUDE', values: ['ERROR', 'DISPATCHED']}})
    sbx.advance(JOBS)
    expect(await statuses()).toEqual({err: 'DISPATCHED', nwa: 'NO_WORKER_AVAILABLE', inv: 'DISPATCHED', disp: 'DISPATCHED', run: 'RUNNING'})
    expect(sbx.server.context.wm.scans.at(-1)).toMatchObject({kind: 'retry', matched: 3})
  })

  it('hazard: EXCLUDE [ERROR] is kept as is and re-dispatches in-flight requests', async () => {
    await sbx.call('POST', '/requests/retry', {statuses: {mode: 'EXCLUDE', values: ['ERROR']}})
    sbx.advance(JOBS)
    const after = await statuses()
    expect(after.err).toBe('ERROR')
    expect(after.run).toBe('DISPATCHED') // was RUNNING: sent to a worker again
    expect(sbx.server.context.wm.scans.at(-1)).toMatchObject({matched: 4})
  })

  it('creationDate.before defaults to the time the job runs: requests created after it are not touched', async () => {
    const jobAt = sbx.now() + WM_DELAYS.job
    await sbx.call('POST', '/requests/retry', {})
    sbx.add({contentType: 'lta-to-extract-request', requestId: 'late', status: 'ERROR', creationMicros: jobAt * 1000 + 1})
    sbx.add({contentType: 'lta-to-extract-request', requestId: 'early', status: 'ERROR', creationMicros: jobAt * 1000})
    sbx.advance(JOBS)
    expect(await statuses()).toMatchObject({err: 'DISPATCHED', early: 'DISPATCHED', late: 'ERROR'})
  })

  it('delete removes blocked requests, in the background; needs ADMIN', async () => {
    const server = sbx.server
    const exploit = server.context.tokens.issue('op', 'sandbox', 'EXPLOIT').token
    const refused = await sbx.call('DELETE', '/requests/delete', {}, exploit)
    expect(refused.status).toBe(403)
    expect(refused.body).toEqual({messages: [expect.stringContaining('ADMIN')]})
    expect((await sbx.call('POST', '/requests', {}, exploit)).status).toBe(200) // EXPLOIT may list
    const user = server.context.tokens.issue('u', 'sandbox', 'REGISTERED_USER').token
    expect((await sbx.call('POST', '/requests/retry', {}, user)).status).toBe(403)

    expect((await sbx.call('DELETE', '/requests/delete', {statuses: {mode: 'INCLUDE', values: ['ERROR', 'INVALID_CONTENT']}})).status).toBe(200)
    sbx.advance(WM_DELAYS.job)
    expect((await statuses()).err).toBe('TO_DELETE')
    sbx.advance(WM_DELAYS.job)
    expect(await statuses()).toEqual({nwa: 'NO_WORKER_AVAILABLE', disp: 'DISPATCHED', run: 'RUNNING'})
  })

  it('more than 1000 values: 422 on retry and delete (list does not validate)', async () => {
    const values = Array.from({length: 1001}, (_, i) => i + 1)
    for (const [method, path] of [
      ['POST', '/requests/retry'],
      ['DELETE', '/requests/delete'],
    ] as const) {
      const res = await sbx.call(method, path, {ids: {mode: 'INCLUDE', values}})
      expect(res.status).toBe(422)
      expect(res.body).toEqual({messages: ['List of values have a maximal size of 1000']})
    }
    expect((await sbx.list({ids: {mode: 'INCLUDE', values}})).status).toBe(200)
  })

  it('pages of 400: a big retry is handled page by page', async () => {
    for (let i = 0; i < 900; i++) sbx.add({contentType: 'legacy-archive-request', status: 'NO_WORKER_AVAILABLE'})
    await sbx.call('POST', '/requests/retry', {contentTypes: {mode: 'INCLUDE', values: ['legacy-archive-request']}})
    sbx.advance(WM_DELAYS.job)
    const counts = () => {
      sbx.server.context.wm.settle(sbx.now())
      return sbx.server.context.wm.countByStatus()
    }
    expect(counts().TO_DISPATCH).toBe(400)
    sbx.advance(2 * WM_DELAYS.page)
    expect(counts().TO_DISPATCH).toBe(900)
    sbx.advance(WM_DELAYS.job + 2 * WM_DELAYS.page)
    expect(counts().TO_DISPATCH).toBeUndefined()
    expect(counts().NO_WORKER_AVAILABLE).toBe(901) // re-delayed: nothing maps that type
  })
})
