// Job Service sandbox, the HTTP layer around the resource methods: the correlation filter, the status-cache headers,
// and what Jersey answers before a method runs (routing, @Produces/@Consumes, @QueryParam conversion), which the
// service's ApiExceptionMapper<Exception> turns into 500 `{message}`.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {JS, type JsSandbox, startJs, task} from './helpers.js'

let s: JsSandbox
beforeAll(async () => {
  s = await startJs()
  await s.put('j', {task: task()})
})
afterAll(async () => {
  await s.close()
})

const J = '/partitions/default/jobs'

describe('CAF-Correlation-Id (caf-correlation CorrelationIdFilter)', () => {
  it('echoes a non-empty request header on every answer, errors included', async () => {
    for (const [method, path] of [
      ['GET', '/ping'],
      ['GET', `${J}/j`],
      ['GET', `${J}/nope`],
      ['GET', `${J}/a:b`],
      ['POST', `${J}/nope/cancel`],
      ['GET', '/partitions/default/nowhere'],
    ] as const) {
      const res = await s.call(method, path, undefined, {'CAF-Correlation-Id': 'corr-42'})
      expect(res.headers.get('caf-correlation-id'), `${method} ${path}`).toBe('corr-42')
    }
  })

  it('generates a fresh UUID when the header is missing or empty', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    const a = (await s.call('GET', '/ping')).headers.get('caf-correlation-id')
    const b = (await s.call('GET', '/ping', undefined, {'CAF-Correlation-Id': ''})).headers.get('caf-correlation-id')
    expect(a).toMatch(uuid)
    expect(b).toMatch(uuid)
    expect(a).not.toBe(b)
  })

  it('is a Job Service filter only: Corda and REGARDS answers do not carry it', async () => {
    const res = await fetch(`${s.server.url}/api/v1/rs-worker-manager/nothing-here`, {headers: {'CAF-Correlation-Id': 'x'}})
    expect(res.headers.get('caf-correlation-id')).toBeNull()
  })
})

describe('ping and the status-cache headers', () => {
  it('ping answers the literal text Impl.ping writes', async () => {
    const res = await s.call('GET', '/ping')
    expect(res).toMatchObject({status: 200, text: '{"success" : true}'})
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('status and isActive: CacheableJobStatus and Cache-Control as a JAX-RS CacheControl writes it (no-transform first)', async () => {
    for (const path of [`${J}/j/status`, `${J}/j/isActive`, `${J}/nope/isActive`]) {
      const res = await s.call('GET', path)
      expect(res.headers.get('cacheablejobstatus'), path).toBe('true')
      expect(res.headers.get('cache-control'), path).toBe('no-transform, max-age=1')
    }
  })
})

describe("Jersey's own failures: 500 {message: 'HTTP <status> <reason>'}", () => {
  it('an unknown path, a wrong method and a percent-encoded bulk colon', async () => {
    expect(await s.call('GET', '/partitions/default/nowhere')).toMatchObject({status: 500, body: {message: 'HTTP 404 Not Found'}})
    expect(await s.call('POST', '/partitions/default/jobs%3Acancel')).toMatchObject({status: 500, body: {message: 'HTTP 404 Not Found'}})
    const wrong = await s.call('GET', '/partitions/default/jobs:cancel')
    expect(wrong).toMatchObject({status: 500, body: {message: 'HTTP 405 Method Not Allowed'}})
    expect(wrong.headers.get('allow')).toBeNull() // the mapper builds a new response
    expect(await s.call('DELETE', `${J}/j/status`)).toMatchObject({status: 500, body: {message: 'HTTP 405 Method Not Allowed'}})
  })

  it('a limit or offset Integer.valueOf refuses, before the partition is even looked at', async () => {
    for (const q of ['limit=ten', 'offset=1.5', 'limit=2147483648', 'limit=1e3']) {
      expect(await s.call('GET', `${J}?${q}`), q).toMatchObject({status: 500, body: {message: 'HTTP 404 Not Found'}})
    }
    expect(await s.call('GET', `/partitions/a:b/jobs?limit=x`)).toMatchObject({status: 500, body: {message: 'HTTP 404 Not Found'}})
    expect((await s.call('GET', `${J}?limit=&offset=`)).status).toBe(200)
  })

  it('an Accept without JSON (406) and a PUT body that is not JSON (415)', async () => {
    expect(await s.call('GET', `${J}/j`, undefined, {accept: 'text/plain'})).toMatchObject({status: 500, body: {message: 'HTTP 406 Not Acceptable'}})
    expect((await s.call('GET', `${J}/j`, undefined, {accept: 'text/plain, application/json;q=0.5'})).status).toBe(200)
    expect((await s.call('GET', `${J}/j`, undefined, {accept: '*/*'})).status).toBe(200)
    const text = await fetch(`${s.server.url}${JS}${J}/t`, {method: 'PUT', headers: {'content-type': 'text/plain'}, body: JSON.stringify({task: task()})})
    expect(text.status).toBe(500)
    expect(await text.json()).toEqual({message: 'HTTP 415 Unsupported Media Type'})
    // fetch sends text/plain for a string body unless told otherwise; a Blob without a type sends no Content-Type
    const bare = await fetch(`${s.server.url}${JS}${J}/t`, {method: 'PUT', body: new Blob([JSON.stringify({task: task()})])})
    expect(bare.status).toBe(500)
    expect(await bare.json()).toEqual({message: 'HTTP 415 Unsupported Media Type'})
    // Operations without a body declare no @Consumes: any Content-Type is fine there.
    expect((await fetch(`${s.server.url}${JS}${J}/j/pause`, {method: 'POST', headers: {'content-type': 'text/plain'}, body: 'x'})).status).toBe(204)
  })

  it("malformed JSON is Dropwizard's JsonProcessingExceptionMapper: 400 {code, message}", async () => {
    expect(await s.call('PUT', `${J}/k`, '{nope')).toMatchObject({status: 400, body: {code: 400, message: 'Unable to process JSON'}})
  })
})
