import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {basicAuth} from '../../../src/api/auth.js'
import {ApiError} from '../../../src/api/errors.js'
import {HttpTransport, type TransportOptions} from '../../../src/api/http.js'

const URL = 'http://svc.test'
const transport = (extra: Partial<TransportOptions> = {}) => new HttpTransport({service: 'corda', url: URL, retry: {attempts: 3, baseDelayMs: 1, maxDelayMs: 2}, ...extra})

beforeAll(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
})

describe('retries', () => {
  it('retries an idempotent GET after 503 and 502, then succeeds', async () => {
    const scope = nock(URL).get('/x').reply(503, {title: 'busy', status: 503, details: {}}).get('/x').reply(502, '<html><title>502</title></html>').get('/x').reply(200, {ok: true})
    await expect(transport().get('/x')).resolves.toEqual({ok: true})
    expect(scope.isDone()).toBe(true)
  })

  it('gives up after the attempts and reports the last error', async () => {
    nock(URL).get('/x').times(3).reply(504, '')
    const error = (await transport()
      .get('/x')
      .catch((e: unknown) => e)) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(504)
  })

  it('never retries a POST: it may have been applied', async () => {
    const scope = nock(URL).post('/x').reply(503, {title: 'busy', status: 503, details: {}}).post('/x').reply(200, {})
    const error = (await transport()
      .post('/x', {json: {a: 1}})
      .catch((e: unknown) => e)) as ApiError
    expect(error.status).toBe(503)
    expect(scope.pendingMocks()).toHaveLength(1) // the second answer was never asked for
  })

  it('never retries a POST after a connection reset either', async () => {
    // A real socket that is cut without an answer (nock cannot emulate a reset once a body was written).
    let hits = 0
    const server = createServer(req => {
      hits++
      req.socket.destroy()
    })
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    nock.enableNetConnect('127.0.0.1')
    try {
      const error = (await transport({url})
        .post('/x', {json: {}})
        .catch((e: unknown) => e)) as ApiError
      expect(error.kind).toBe('network')
      expect(hits).toBe(1)
      const again = (await transport({url})
        .get('/x')
        .catch((e: unknown) => e)) as ApiError
      expect(again.kind).toBe('network')
      expect(hits).toBe(4) // the GET was tried three times
    } finally {
      nock.disableNetConnect()
      server.close()
    }
  })

  it('retries a POST the caller marks idempotent (a search)', async () => {
    nock(URL).post('/search').reply(502, '').post('/search').reply(200, [1])
    await expect(transport().post('/search', {json: {}, idempotent: true})).resolves.toEqual([1])
  })

  it('does not retry 500 or 4xx', async () => {
    const scope = nock(URL).get('/x').reply(500, {title: 'boom', status: 500, details: {}}).get('/x').reply(200, {})
    await expect(transport().get('/x')).rejects.toMatchObject({status: 500, title: 'boom'})
    expect(scope.pendingMocks()).toHaveLength(1)
  })
})

describe('requests and responses', () => {
  it('always asks for JSON and sends credentials', async () => {
    nock(URL, {reqheaders: {accept: 'application/json', authorization: `Basic ${Buffer.from('admin:pw').toString('base64')}`}})
      .get('/x')
      .reply(200, {})
    await expect(transport({auth: basicAuth('admin', 'pw')}).get('/x')).resolves.toEqual({})
  })

  it('sends repeated query parameters for arrays and keeps a literal colon in the path', async () => {
    nock(URL)
      .post('/p/jobs:cancel')
      .query({filter: 'status==Active', sort: ['a', 'b']})
      .reply(200, {jobsCanceled: 2})
    await expect(transport().post('/p/jobs:cancel', {query: {filter: 'status==Active', sort: ['a', 'b'], skip: undefined}})).resolves.toEqual({jobsCanceled: 2})
  })

  it('returns raw text for text endpoints', async () => {
    nock(URL).post('/hello').query(true).reply(200, 'Hello, x! (from admin)', {'Content-Type': 'application/json'})
    await expect(transport().post('/hello', {query: {addressee: 'x'}, responseType: 'text'})).resolves.toBe('Hello, x! (from admin)')
  })

  it('reports an HTML page answered with 200 as not the service', async () => {
    nock(URL).get('/x').reply(200, '<!DOCTYPE html><html><head><title>Sign in</title></head></html>', {'Content-Type': 'text/html'})
    await expect(transport().get('/x')).rejects.toMatchObject({kind: 'protocol', title: 'expected JSON but got an HTML page titled "Sign in"'})
  })

  it('reports truncated JSON', async () => {
    nock(URL).get('/x').reply(200, '{"virtualNodes":[{"holding', {'Content-Type': 'application/json'})
    await expect(transport().get('/x')).rejects.toMatchObject({kind: 'protocol', title: expect.stringMatching(/truncated or malformed JSON/)})
  })

  it('reports redirects instead of following them', async () => {
    nock(URL).post('/CPI').reply(301, '', {Location: '/cpi'})
    await expect(transport().post('/CPI', {body: 'x'})).rejects.toMatchObject({kind: 'protocol', status: 301, title: 'redirected to /cpi'})
  })

  it('gives statuses the caller accepts back instead of throwing', async () => {
    nock(URL).get('/api/v5_2/swagger.json').reply(404, {title: 'not found', status: 404, details: {}})
    const res = await transport().request({method: 'GET', path: '/api/v5_2/swagger.json', accept: [404]})
    expect(res.status).toBe(404)
  })

  it('fails at once when the deadline has passed, sending nothing', async () => {
    const scope = nock(URL).get('/x').reply(200, {})
    await expect(transport({deadline: Date.now() - 1}).get('/x')).rejects.toMatchObject({kind: 'timeout'})
    expect(scope.isDone()).toBe(false)
  })

  it('renews credentials once after a 401, then gives up', async () => {
    let renewals = 0
    const auth = {headers: async () => ({Authorization: `Bearer t${renewals}`}), renew: async () => (++renewals, true)}
    nock(URL).get('/x').matchHeader('authorization', 'Bearer t0').reply(401, {}).get('/x').matchHeader('authorization', 'Bearer t1').reply(200, {ok: 1})
    await expect(transport({auth}).get('/x')).resolves.toEqual({ok: 1})
    nock(URL)
      .get('/y')
      .times(2)
      .reply(401, {messages: ['expired']})
    await expect(transport({auth}).get('/y')).rejects.toMatchObject({status: 401})
    expect(renewals).toBe(2) // once per request, never in a loop
  })
})

describe('--verbose trace', () => {
  it('shows method, URL, status and timing, with credentials and secret query values redacted', async () => {
    const lines: string[] = []
    nock(URL).get('/x').query(true).reply(200, {})
    await transport({auth: basicAuth('admin', 'hunter2'), trace: l => lines.push(l)}).get('/x', {query: {token: 'abc123', page: 2}})
    const text = lines.join('\n')
    expect(text).toMatch(/→ GET http:\/\/svc\.test\/x\?token=%5Bredacted%5D&page=2/)
    expect(text).toMatch(/← 200 OK \(\d+ ms\)/)
    expect(text).toContain('Authorization: Basic [redacted]')
    expect(text).not.toContain(Buffer.from('admin:hunter2').toString('base64'))
    expect(text).not.toContain('abc123')
  })
})
