// The worker-manager client and its operations against nock: paging on the wire, safe retry/delete filters,
// config import outcomes, the summary's causes.
import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {HttpTransport} from '../../../src/api/http.js'
import {WorkerManagerClient} from '../../../src/api/workermanager/client.js'
import {actionSearch, blockedStatuses, errorShape, toSearch} from '../../../src/api/workermanager/filters.js'
import {followAction, planAction, sendAction} from '../../../src/api/workermanager/ops/request-actions.js'
import {summarizeRequests} from '../../../src/api/workermanager/ops/request-summary.js'
import type {LightRequest} from '../../../src/api/workermanager/types.js'
import {UsageError} from '../../../src/errors.js'
import {validateRequest} from '../../helpers/contract.js'

const GW = 'http://regards.test'
const BASE = '/api/v1/rs-worker-manager'
const wm = () => new WorkerManagerClient(new HttpTransport({service: 'workerManager', url: GW, retry: {attempts: 1}}))

beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())

const row = (id: number, extra: Partial<LightRequest> = {}): LightRequest => ({
  id,
  requestId: `req-${id}`,
  creationDate: '2026-11-25T08:00:00.000Z',
  contentType: 'ct-a',
  source: 'CNES',
  session: 's1',
  status: 'ERROR',
  ...extra,
})
const page = (rows: LightRequest[], number: number, totalElements: number, size: number) => ({
  content: rows.map(content => ({content, links: []})),
  metadata: {size, totalElements, totalPages: Math.ceil(totalElements / size), number},
  links: [],
})

interface Seen {
  query: Record<string, string | string[]>
  body: unknown
  method: string
  path: string
}

function record(seen: Seen[], reply: (s: Seen) => [number, unknown?]) {
  return function (this: nock.ReplyFnContext, uri: string, body: nock.Body): [number, nock.Body] {
    const url = new URL(uri, GW)
    const query: Record<string, string | string[]> = {}
    for (const k of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(k)
      query[k] = all.length === 1 ? all[0]! : all
    }
    const s = {query, body: typeof body === 'string' && body !== '' ? JSON.parse(body) : body, method: this.req.method ?? '', path: url.pathname}
    seen.push(s)
    const [status, answer] = reply(s)
    return [status, (answer ?? '') as nock.Body]
  }
}

const valid = (s: Seen) =>
  expect(validateRequest({method: s.method, path: s.path, query: s.query, requestContentType: 'application/json', requestBody: s.body, status: 200})).toEqual([])

describe('search', () => {
  it('pages with separate page, size and sort parameters and stops at the last page', async () => {
    const seen: Seen[] = []
    nock(GW)
      .post(`${BASE}/requests`)
      .query(true)
      .times(3)
      .reply(
        record(seen, s => {
          const n = Number(s.query.page)
          const rows = [row(n * 2 + 1), row(n * 2 + 2)].filter(r => r.id <= 5)
          return [200, page(rows, n, 5, 2)]
        }),
      )
    const ids: number[] = []
    for await (const r of wm().requests.search({source: 'CNES'}, {pageSize: 2, sort: ['creationDate,DESC', 'id,ASC']})) ids.push(r.id)
    expect(ids).toEqual([1, 2, 3, 4, 5])
    expect(seen.map(s => s.query)).toEqual([0, 1, 2].map(n => ({page: String(n), size: '2', sort: ['creationDate,DESC', 'id,ASC']})))
    expect(seen[0]!.body).toEqual({source: 'CNES'})
    seen.forEach(valid)
  })

  it('stops at the limit without fetching more pages', async () => {
    nock(GW)
      .post(`${BASE}/requests`)
      .query(true)
      .once()
      .reply(200, page([row(1), row(2), row(3)], 0, 100, 3))
    const ids: number[] = []
    for await (const r of wm().requests.search({}, {pageSize: 3, limit: 2})) ids.push(r.id)
    expect(ids).toEqual([1, 2])
  })
})

describe('retry and delete filters', () => {
  it('keeps only blocked statuses, refuses an empty intersection, and always sets creationDate.before', () => {
    expect(blockedStatuses()).toEqual(['ERROR', 'NO_WORKER_AVAILABLE', 'INVALID_CONTENT'])
    expect(blockedStatuses(['ERROR', 'DISPATCHED'])).toEqual(['ERROR'])
    expect(() => blockedStatuses(['DISPATCHED', 'RUNNING'])).toThrow(UsageError)
    const now = new Date('2026-11-25T10:00:00Z')
    expect(actionSearch({statuses: ['ERROR'], session: 'M1'}, now)).toEqual({
      session: 'M1',
      statuses: {mode: 'INCLUDE', values: ['ERROR']},
      creationDate: {before: '2026-11-25T10:00:00.000Z'},
    })
    expect(actionSearch({until: new Date('2026-11-24T00:00:00Z')}, now).creationDate).toEqual({before: '2026-11-24T00:00:00.000Z'})
  })

  it('sends DELETE with a JSON body, and ids in batches of 1000, one batch after another once the previous one began', async () => {
    const seen: Seen[] = []
    const counted: Seen[] = []
    // Blocked rows: 700 per status and batch; queued rows (TO_DELETE) appear once a batch's DELETE arrived.
    const queued = (req: Seen) => {
      const body = req.body as {statuses?: {values: string[]}; ids?: {values: number[]}}
      if (body.statuses?.values[0] !== 'TO_DELETE') return 700
      return seen.some(d => (d.body as {ids: {values: number[]}}).ids.values[0] === body.ids?.values[0]) ? 5 : 0
    }
    nock(GW)
      .post(`${BASE}/requests`)
      .query(true)
      .times(100)
      .optionally()
      .reply(record(counted, req => [200, page([], 0, queued(req), 1)]))
      .delete(`${BASE}/requests/delete`)
      .times(3)
      .reply(record(seen, () => [200]))
    const ids = Array.from({length: 2500}, (_, i) => i + 1)
    const plan = await planAction(wm(), 'delete', {ids})
    // Counting is batched too: three statuses per batch of ids, summed; plus one sample page.
    expect(counted).toHaveLength(10)
    expect(counted.every(c => (c.body as {ids: {values: number[]}}).ids.values.length <= 1000)).toBe(true)
    expect(plan.total).toBe(9 * 700)
    expect(await sendAction(wm(), plan)).toBe(3)
    expect(seen.map(s => (s.body as {ids: {values: number[]}}).ids.values.length)).toEqual([1000, 1000, 500])
    for (const s of seen) {
      expect((s.body as {statuses: unknown}).statuses).toEqual({mode: 'INCLUDE', values: ['ERROR', 'NO_WORKER_AVAILABLE', 'INVALID_CONTENT']})
      expect((s.body as {creationDate: {before: string}}).creationDate.before).toBe(plan.search.creationDate!.before)
      valid(s)
    }
  })

  it('a delete whose scan job shows no sign of beginning (its lock was taken) is sent again, at most three times; a retry is not', async () => {
    const sent: Seen[] = []
    nock(GW)
      .post(`${BASE}/requests`)
      .query(true)
      .times(100)
      .optionally()
      .reply(() => [200, page([], 0, 4, 1)])
      .delete(`${BASE}/requests/delete`)
      .times(3)
      .reply(record(sent, () => [200]))
      .post(`${BASE}/requests/retry`)
      .reply(record(sent, () => [200]))
    const search = {statuses: {mode: 'INCLUDE' as const, values: ['ERROR' as const]}}
    expect(await sendAction(wm(), {action: 'delete', search, counts: {ERROR: 4}, total: 4, sample: []}, {graceMs: 200})).toBe(3)
    expect(await sendAction(wm(), {action: 'retry', search, counts: {ERROR: 4}, total: 4, sample: []}, {graceMs: 200})).toBe(1)
    expect(sent.map(s => s.method)).toEqual(['DELETE', 'DELETE', 'DELETE', 'POST'])
  })
})

describe('following a retry', () => {
  it('ends once nothing is queued on two polls in a row: requests that failed again are reported, not waited for', async () => {
    // The job queues the 4 rows (TO_DISPATCH), dispatches them, and they fail again: back in ERROR, still in the set.
    const states = [
      {ERROR: 0, TO_DISPATCH: 4},
      {ERROR: 4, TO_DISPATCH: 0},
      {ERROR: 4, TO_DISPATCH: 0},
    ]
    let poll = -1
    nock(GW)
      .post(`${BASE}/requests`)
      .query(true)
      .times(100)
      .optionally()
      .reply((_uri, body) => {
        const status = (body as {statuses: {values: string[]}}).statuses.values[0] as 'ERROR' | 'TO_DISPATCH' | 'NO_WORKER_AVAILABLE' | 'INVALID_CONTENT'
        if (status === 'ERROR') poll++
        const state = states[Math.min(poll, states.length - 1)]!
        return [200, page([], 0, status === 'ERROR' || status === 'TO_DISPATCH' ? state[status] : 0, 1)]
      })
    const plan = {
      action: 'retry' as const,
      search: {statuses: {mode: 'INCLUDE' as const, values: ['ERROR' as const, 'NO_WORKER_AVAILABLE' as const, 'INVALID_CONTENT' as const]}},
      counts: {ERROR: 4},
      total: 4,
      sample: [],
    }
    const outcome = await followAction(wm(), plan, {initialMs: 10, maxMs: 20})
    expect(outcome).toEqual({action: 'retry', matched: 4, redispatched: 0, delayedAgain: 0, stillErrored: 4, pending: 0, complete: true})
  })
})

describe('config import', () => {
  it('reports 201, 206 with reports, and 409', async () => {
    nock(GW)
      .post(`${BASE}/microservice/configuration`)
      .reply(201)
      .post(`${BASE}/microservice/configuration`)
      .reply(206, [{moduleInformation: {id: 'workermanager'}, importErrors: ['NotExistingWorkerError'], onlyErrors: false}])
      .post(`${BASE}/microservice/configuration`)
      .reply(409, [{importErrors: ['all bad'], onlyErrors: true}])
    expect(await wm().configuration.import('{}')).toEqual({status: 201, reports: []})
    expect((await wm().configuration.import('{}')).reports[0]!.importErrors).toEqual(['NotExistingWorkerError'])
    expect(await wm().configuration.import('{}')).toMatchObject({status: 409})
  })
})

describe('settings', () => {
  it('reads the HATEOAS-wrapped settings and writes one by name', async () => {
    nock(GW)
      .get(`${BASE}/settings`)
      .query({names: 'skipContentTypes'})
      .reply(200, [{content: {name: 'skipContentTypes', value: ['ct1']}, links: []}])
      .put(`${BASE}/settings/skipContentTypes`, {name: 'skipContentTypes', value: ['ct1', 'ct2']})
      .reply(200, {content: {name: 'skipContentTypes', value: ['ct1', 'ct2']}, links: []})
    expect(await wm().settings.list(['skipContentTypes'])).toEqual([{name: 'skipContentTypes', value: ['ct1']}])
    expect((await wm().settings.set('skipContentTypes', ['ct1', 'ct2'])).value).toEqual(['ct1', 'ct2'])
  })
})

describe('errorShape', () => {
  it('groups the same failure with other ids, numbers and times', () => {
    const a = 'Timeout after 3000 ms for request 6f1c2a9e-1111-4222-8333-944445555666 at 2026-11-25T08:00:00Z\n\tat fr.cnes.X(X.java:12)'
    const b = 'Timeout after 4500 ms for request 0a1b2c3d-1111-4222-8333-944445555666 at 2026-11-24T09:13:11.123Z'
    expect(errorShape(a)).toBe(errorShape(b))
    expect(errorShape(a)).toBe('Timeout after <n> ms for request <id> at <time>')
    expect(errorShape(null)).toBe('(no error text)')
  })
})

describe('summarizeRequests', () => {
  it('counts by status and content type, and explains a dead mapped worker, an unmapped type and the top error', async () => {
    const counts: Record<string, number> = {NO_WORKER_AVAILABLE: 5, ERROR: 3}
    const perType: Record<string, number> = {'NO_WORKER_AVAILABLE/ct-dead': 3, 'NO_WORKER_AVAILABLE/ct-none': 2, 'ERROR/ct-a': 3}
    nock(GW)
      .post(`${BASE}/requests`)
      .query(true)
      .times(100)
      .reply(
        record([], s => {
          const body = s.body as {statuses?: {values: string[]}; contentTypes?: {mode: string; values: string[]}}
          const status = body.statuses!.values[0]!
          const types = Object.keys(perType)
            .filter(k => k.startsWith(`${status}/`))
            .map(k => k.split('/')[1]!)
          const ct = body.contentTypes
          const matching = ct ? types.filter(t => (ct.mode === 'INCLUDE') === ct.values.includes(t)) : types
          const total = ct ? matching.reduce((n, t) => n + perType[`${status}/${t}`]!, 0) : (counts[status] ?? 0)
          const size = Number(s.query.size)
          const rows = matching.length
            ? Array.from({length: Math.min(size, total)}, (_, i) => row(i, {status: status as LightRequest['status'], contentType: matching[0]!, error: `Timeout after ${i} ms`}))
            : []
          return [200, page(rows, 0, total, size)]
        }),
      )
      .get(`${BASE}/microservice/configuration`)
      .reply(200, {
        microservice: 'rs-worker-manager',
        modules: [
          {
            module: {id: 'workermanager'},
            configuration: [{key: 'fr.cnes.regards.modules.workermanager.dto.WorkerConfigDto', value: {workerType: 'dead-worker', contentTypeInputs: ['ct-dead']}}],
          },
        ],
      })
      .get(`${BASE}/workers`)
      .query(true)
      .times(2)
      .reply(200, [])
    const summary = await summarizeRequests(wm(), {}, {stuckMs: 3_600_000})
    expect(summary.total).toBe(8)
    expect(summary.byStatus.find(s => s.status === 'NO_WORKER_AVAILABLE')!.contentTypes).toEqual([
      {contentType: 'ct-dead', count: 3},
      {contentType: 'ct-none', count: 2},
    ])
    expect(summary.causes.map(c => [c.contentType, c.cause])).toEqual([
      ['ct-dead', 'worker type dead-worker is mapped but sent no heartbeat in 60 s'],
      ['ct-none', "no config maps content type ct-none (no worker's contentTypeInputs, no workflow)"],
      ['ct-a', 'most frequent: "Timeout after <n> ms" (3 of the 3 latest)'],
    ])
  })
})

it('toSearch leaves out what was not asked', () => {
  expect(toSearch({})).toEqual({})
})
