// The sandbox server in-process on a free port, driven with Node's own fetch/https as a client would.
import {X509Certificate} from 'node:crypto'
import {createServer, request as httpRequest} from 'node:http'
import {get as httpsGet} from 'node:https'
import {connect} from 'node:net'
import type {AddressInfo} from 'node:net'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {Faults} from '../../../src/sandbox/http/faults.js'
import type {LoggedRequest} from '../../../src/sandbox/http/log.js'
import {RequestLog} from '../../../src/sandbox/http/log.js'
import {requestHandler} from '../../../src/sandbox/http/pipeline.js'
import {Router} from '../../../src/sandbox/http/router.js'
import {type SandboxServer, startSandbox} from '../../../src/sandbox/server.js'

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const ADMIN = basic('admin', 'admin')
const CLIENT = basic('client', 'secret')
const TOKEN_PATH = '/api/v1/rs-authentication/oauth/token'
const WORKERS_PATH = '/api/v1/rs-worker-manager/workers'
const CORDA_NO_CREDENTIALS = {title: 'User credentials are empty or cannot be resolved', status: 401, details: {}}
const CORDA_BAD_CREDENTIALS = {title: 'Error during user authentication', status: 401, details: {}}
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/

function form(fields: Record<string, string>): RequestInit {
  return {method: 'POST', headers: {authorization: CLIENT, 'content-type': 'application/x-www-form-urlencoded'}, body: new URLSearchParams(fields).toString()}
}

const GRANT = {grant_type: 'password', username: 'admin', password: 'admin', scope: 'sandbox'}

async function token(server: SandboxServer, fields: Record<string, string> = GRANT): Promise<string> {
  const res = await fetch(server.url + TOKEN_PATH, form(fields))
  expect(res.status).toBe(200)
  return ((await res.json()) as {access_token: string}).access_token
}

/** The status, or 'reset' when the connection dropped without an answer. */
async function outcome(target: string | (() => Promise<Response>)): Promise<string> {
  try {
    const res = await (typeof target === 'string' ? fetch(target) : target())
    await res.text()
    return String(res.status)
  } catch (error) {
    const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(code)
    return 'reset'
  }
}

describe('sandbox server', () => {
  let server: SandboxServer
  const url = (path: string) => server.url + path

  beforeAll(async () => {
    server = await startSandbox()
  })
  afterAll(async () => {
    await server.close()
  })

  describe('Corda', () => {
    it('serves swagger.json for every API version without auth', async () => {
      for (const v of ['v5_2', 'v5_1', 'v1']) {
        const res = await fetch(url(`/api/${v}/swagger.json`))
        expect(res.status).toBe(200)
        const doc = (await res.json()) as {openapi: string; servers: Array<{url: string}>; paths: object}
        expect(doc).toMatchObject({openapi: '3.0.1', servers: [{url: `/api/${v}`}], paths: {}})
      }
    })

    it('answers hello in raw text labelled JSON, greeting from the authenticated user', async () => {
      const res = await fetch(url('/api/v5_2/hello?addressee=Bob'), {method: 'POST', headers: {authorization: ADMIN}})
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/json')
      const text = await res.text()
      expect(text).toBe('Hello, Bob! (from admin)') // not JSON-quoted
      expect(() => JSON.parse(text)).toThrow()
    })

    it('refuses hello without credentials or with wrong ones: 401, Corda body, Basic challenge', async () => {
      const attempts: Array<[Record<string, string>, object]> = [
        [{}, CORDA_NO_CREDENTIALS],
        [{authorization: 'Digest x'}, CORDA_NO_CREDENTIALS],
        [{authorization: basic('admin', 'nope')}, CORDA_BAD_CREDENTIALS],
        [{authorization: basic('root', 'admin')}, CORDA_BAD_CREDENTIALS],
        [{authorization: 'Bearer x'}, CORDA_BAD_CREDENTIALS],
      ]
      for (const [headers, body] of attempts) {
        const res = await fetch(url('/api/v5_2/hello?addressee=Bob'), {method: 'POST', headers})
        expect(res.status).toBe(401)
        expect(res.headers.get('www-authenticate')).toBe('Basic realm="Corda REST Worker"')
        expect(await res.json()).toEqual(body)
      }
    })

    it('answers hello without addressee with a 400 Corda error', async () => {
      const res = await fetch(url('/api/v1/hello'), {method: 'POST', headers: {authorization: ADMIN}})
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({
        title: "Unable to parse parameter 'addressee'",
        status: 400,
        details: {cause: 'BadRequestException', reason: 'Missing query parameter "addressee".'},
      })
      // parameter names match whatever their case
      expect(await (await fetch(url('/api/v1/hello?AddRessee=Ann'), {method: 'POST', headers: {authorization: ADMIN}})).text()).toBe('Hello, Ann! (from admin)')
    })

    it('answers getprotocolversion without auth with the platform version', async () => {
      const res = await fetch(url('/api/v5_1/hello/getprotocolversion'))
      expect(res.status).toBe(200)
      expect(await res.json()).toBe(50201)
    })

    it('answers an unknown path and a wrong method alike: 404 "Not found", before authentication (Javalin)', async () => {
      const missing = await fetch(url('/api/v5_2/nosuchresource'))
      expect(missing.status).toBe(404)
      expect(await missing.json()).toEqual({title: 'Not found', status: 404, details: {}})
      const wrong = await fetch(url('/api/v5_2/hello'), {method: 'DELETE'})
      expect(wrong.status).toBe(404)
      expect(wrong.headers.get('allow')).toBeNull()
      expect(await wrong.json()).toEqual({title: 'Not found', status: 404, details: {}})
    })

    it('redirects a mixed-case static segment to the lower-case path, query kept', async () => {
      const res = await fetch(url('/api/v5_2/Hello?addressee=Bob'), {method: 'POST', headers: {authorization: ADMIN}, redirect: 'manual'})
      expect(res.status).toBe(301)
      expect(res.headers.get('location')).toBe('/api/v5_2/hello?addressee=Bob')
      const swagger = await fetch(url('/API/V5_2/Swagger.json'), {redirect: 'manual'})
      expect(swagger.status).toBe(301)
      expect(swagger.headers.get('location')).toBe('/api/v5_2/swagger.json')
    })
  })

  describe('REGARDS token endpoint', () => {
    it('grants a token for the password grant sent as a form', async () => {
      const res = await fetch(url(TOKEN_PATH), form(GRANT))
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toEqual({
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'bearer',
        expires_in: 3600,
        scope: 'sandbox',
        tenant: 'sandbox',
        role: 'ADMIN',
        sub: 'admin',
        email: 'admin',
      })
    })

    it('refuses a wrong password (400 invalid_grant) and a wrong tenant (400 invalid_scope)', async () => {
      const bad = await fetch(url(TOKEN_PATH), form({...GRANT, password: 'wrong'}))
      expect(bad.status).toBe(400)
      expect(await bad.json()).toEqual({error: 'invalid_grant', error_description: 'Bad credentials'})
      const scope = await fetch(url(TOKEN_PATH), form({...GRANT, scope: 'other'}))
      expect(scope.status).toBe(400)
      expect(await scope.json()).toMatchObject({error: 'invalid_scope'})
    })

    it('refuses a missing or wrong OAuth client with 401', async () => {
      for (const authorization of [undefined, basic('client', 'wrong'), ADMIN]) {
        const init = form(GRANT)
        const res = await fetch(url(TOKEN_PATH), {...init, headers: {'content-type': 'application/x-www-form-urlencoded', ...(authorization ? {authorization} : {})}})
        expect(res.status).toBe(401)
        expect(await res.json()).toEqual({error: 'unauthorized', error_description: 'Full authentication is required to access this resource'})
      }
    })

    it('does not read a JSON body: 400 Missing grant type', async () => {
      const res = await fetch(url(TOKEN_PATH), {method: 'POST', headers: {authorization: CLIENT, 'content-type': 'application/json'}, body: JSON.stringify(GRANT)})
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({error: 'invalid_request', error_description: 'Missing grant type'})
    })

    it('refuses a password in the query string', async () => {
      const res = await fetch(url(`${TOKEN_PATH}?password=admin`), form({grant_type: 'password', username: 'admin', scope: 'sandbox'}))
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({error: 'invalid_request'})
    })
  })

  describe('REGARDS worker manager', () => {
    it('lists alive worker types with a token; a configured type with no instance is absent', async () => {
      const res = await fetch(url(WORKERS_PATH), {headers: {authorization: `Bearer ${await token(server)}`}})
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual([
        {workerType: 'lta-product-zip-extraction-worker', nbInstance: 2},
        {workerType: 'lta-sip-generator-worker', nbInstance: 1},
      ])
    })

    it('filters by the content types the workers take as input', async () => {
      const auth = {authorization: `Bearer ${await token(server)}`}
      const list = async (query: string) => (await fetch(url(`${WORKERS_PATH}?${query}`), {headers: auth})).json()
      expect(await list('contentTypes=lta-extracted-request')).toEqual([{workerType: 'lta-sip-generator-worker', nbInstance: 1}])
      expect(await list('contentTypes=lta-to-extract-request&contentTypes=lta-extracted-request')).toHaveLength(2)
      expect(await list('contentTypes=ingest-check-request')).toEqual([]) // configured, but dead
    })

    it("answers a missing or unknown token with Spring's 401", async () => {
      const missing = await fetch(url(WORKERS_PATH))
      expect(missing.status).toBe(401)
      expect(await missing.json()).toEqual({
        timestamp: expect.stringMatching(ISO),
        status: 401,
        error: 'Unauthorized',
        message: '[REGARDS JWT FILTER] Missing authentication token on /workers@GET',
        path: WORKERS_PATH,
      })
      const unknown = await fetch(url(WORKERS_PATH), {headers: {authorization: 'Bearer not-a-token'}})
      expect(unknown.status).toBe(401)
      expect(await unknown.json()).toMatchObject({status: 401, error: 'Unauthorized', message: '[REGARDS JWT FILTER] Invalid token on /workers@GET'})
    })

    it('answers other worker-manager paths with 404 {messages}', async () => {
      const res = await fetch(url('/api/v1/rs-worker-manager/nothing-here'))
      expect(res.status).toBe(404)
      const body = (await res.json()) as {messages: string[]}
      expect(Object.keys(body)).toEqual(['messages'])
      expect(body.messages[0]).toContain('/api/v1/rs-worker-manager/nothing-here')
    })
  })

  describe('Job Service', () => {
    it('answers ping with and without a bearer header', async () => {
      const attempts: Array<Record<string, string>> = [{}, {authorization: 'Bearer whatever'}]
      for (const headers of attempts) {
        const res = await fetch(url('/job-service/v1/ping'), {headers})
        expect(res.status).toBe(200)
        expect(await res.json()).toEqual({success: true})
      }
    })

    it("answers other paths as its exception mapper answers Jersey's 404: 500 and a message", async () => {
      const res = await fetch(url('/job-service/v1/partitions/default/nothing'))
      expect(res.status).toBe(500)
      expect(await res.json()).toEqual({message: 'HTTP 404 Not Found'})
    })
  })

  it('answers paths of no service with a plain 404', async () => {
    const res = await fetch(url('/nothing'))
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
  })

  describe('request log', () => {
    beforeEach(async () => {
      expect((await fetch(url('/_sandbox/log'), {method: 'DELETE'})).status).toBe(204)
    })

    it('records what was sent and answered, with the password and credentials redacted', async () => {
      await token(server)
      await fetch(url('/api/v5_2/hello?addressee=Ann'), {method: 'POST', headers: {authorization: ADMIN}})
      await fetch(url(`${WORKERS_PATH}?contentTypes=a&contentTypes=b`), {headers: {authorization: 'bare-secret-token'}})
      const entries = server.log.entries()
      expect(entries).toHaveLength(3)
      const [grant, hello, workers] = entries as [LoggedRequest, LoggedRequest, LoggedRequest]
      expect(grant).toMatchObject({
        service: 'auth',
        method: 'POST',
        path: TOKEN_PATH,
        query: {},
        status: 200,
        requestContentType: 'application/x-www-form-urlencoded',
        requestBody: {grant_type: 'password', username: 'admin', password: '[redacted]', scope: 'sandbox'},
        responseContentType: 'application/json',
        responseBody: {token_type: 'bearer', tenant: 'sandbox'},
      })
      expect(grant.headers.authorization).toBe('Basic [redacted]')
      expect(hello).toMatchObject({service: 'corda', method: 'POST', path: '/api/v5_2/hello', query: {addressee: 'Ann'}, status: 200, responseBody: 'Hello, Ann! (from admin)'})
      expect(hello.requestBody).toBeUndefined()
      expect(workers).toMatchObject({service: 'workerManager', query: {contentTypes: ['a', 'b']}, status: 401})
      expect(workers.headers.authorization).toBe('[redacted]') // no scheme: all of it is secret
      expect(hello.seq).toBe(grant.seq + 1)
      for (const e of entries) {
        expect(e.time).toMatch(ISO)
        expect(e.durationMs).toBeGreaterThanOrEqual(0)
        expect(e.headers.host).toBeDefined()
      }
      // A token is a credential: the log keeps the answer's shape, not the token.
      expect(grant.responseBody).toMatchObject({access_token: '[redacted]', token_type: 'bearer'})
    })

    it('redacts a password sent in the query, and keeps /_sandbox routes out of it', async () => {
      await fetch(url(`${TOKEN_PATH}?password=admin`), form({grant_type: 'password'}))
      const health = (await (await fetch(url('/_sandbox/health'))).json()) as Record<string, unknown>
      expect(health).toEqual({ok: true, pid: process.pid, startedAt: expect.stringMatching(ISO), requests: expect.any(Number), tls: false})
      const served = await (await fetch(url('/_sandbox/log'))).json()
      expect(served).toEqual(JSON.parse(JSON.stringify(server.log.entries())))
      expect(server.log.entries()).toHaveLength(1)
      expect(server.log.entries()[0]).toMatchObject({path: TOKEN_PATH, query: {password: '[redacted]'}, status: 400})
    })

    it('counts requests in health, including ones cleared from the log', async () => {
      const before = ((await (await fetch(url('/_sandbox/health'))).json()) as {requests: number}).requests
      await fetch(url('/job-service/v1/ping'))
      await fetch(url('/job-service/v1/ping'))
      const after = ((await (await fetch(url('/_sandbox/health'))).json()) as {requests: number}).requests
      expect(after - before).toBe(2)
      expect(server.log.size).toBe(2)
    })
  })

  describe('robustness', () => {
    it('answers huge headers with 431 and keeps serving', async () => {
      const res = await fetch(url('/job-service/v1/ping'), {headers: {'x-big': 'x'.repeat(64 * 1024)}})
      expect(res.status).toBe(431)
      expect((await fetch(url('/job-service/v1/ping'))).status).toBe(200)
    })

    it('survives a request abandoned halfway through its body', async () => {
      const {port} = server
      await new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write('POST /api/v5_2/hello?addressee=x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":')
          setTimeout(() => {
            socket.destroy()
            resolve()
          }, 50)
        })
        socket.on('error', reject)
      })
      expect((await fetch(url('/job-service/v1/ping'))).status).toBe(200)
    })
  })
})

describe('sandbox options', () => {
  it('uses the given credentials and tenant and never logs the password', async () => {
    const server = await startSandbox({username: 'ops', password: 'pw-Zq81x', tenant: 'project1', oauthClientId: 'cli', oauthClientSecret: 'cs-77'})
    try {
      const corda = await fetch(`${server.url}/api/v5_2/hello?addressee=a`, {method: 'POST', headers: {authorization: basic('ops', 'pw-Zq81x')}})
      expect(await corda.text()).toBe('Hello, a! (from ops)')
      const res = await fetch(`${server.url}${TOKEN_PATH}`, {
        method: 'POST',
        headers: {authorization: basic('cli', 'cs-77'), 'content-type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({grant_type: 'password', username: 'ops', password: 'pw-Zq81x', scope: 'project1'}).toString(),
      })
      expect(await res.json()).toMatchObject({tenant: 'project1', sub: 'ops'})
      const logged = JSON.stringify(server.log.entries())
      expect(logged).not.toContain('pw-Zq81x')
      expect(logged).not.toContain(Buffer.from('ops:pw-Zq81x').toString('base64'))
      expect(logged).not.toContain(Buffer.from('cli:cs-77').toString('base64'))
    } finally {
      await server.close()
    }
  })

  it('answers an expired token with 401', async () => {
    const server = await startSandbox({tokenTtlSeconds: 0})
    try {
      const expired = await token(server)
      const res = await fetch(`${server.url}${WORKERS_PATH}`, {headers: {authorization: `Bearer ${expired}`}})
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({message: '[REGARDS JWT FILTER] Expired token on /workers@GET'})
    } finally {
      await server.close()
    }
  })

  it('refuses out-of-range options', async () => {
    await expect(startSandbox({faults: 1.5})).rejects.toThrow(RangeError)
    await expect(startSandbox({port: -1})).rejects.toThrow(RangeError)
  })
})

describe('faults', () => {
  const PING = '/job-service/v1/ping'

  async function run(seed: number, count = 24): Promise<{outcomes: string[]; log: LoggedRequest[]; server: SandboxServer}> {
    const server = await startSandbox({faults: 1, seed})
    server.faults.set(1, ['unavailable', 'reset'])
    const outcomes: string[] = []
    for (let i = 0; i < count; i++) outcomes.push(await outcome(server.url + PING))
    await new Promise(r => setTimeout(r, 20)) // resets are logged when the socket closes
    const log = server.log.entries()
    await server.close()
    return {outcomes, log, server}
  }

  it('fails every service request with faults=1: some 503, some resets, the same for the same seed', async () => {
    const first = await run(7)
    expect(first.outcomes).toContain('503')
    expect(first.outcomes).toContain('reset')
    expect(first.outcomes.every(o => o === '503' || o === 'reset')).toBe(true)
    const again = await run(7)
    expect(again.outcomes).toEqual(first.outcomes)
    const other = await run(8)
    expect(other.outcomes).not.toEqual(first.outcomes)
    // Logged: 503s with the service's error body, resets with status 0.
    expect(first.log.map(e => (e.status === 0 ? 'reset' : String(e.status)))).toEqual(first.outcomes)
    const unavailable = first.log.find(e => e.status === 503)
    expect(unavailable?.responseBody).toEqual({message: 'Service unavailable'})
  })

  it('faults aimed at one method and path prefix, a number of times, leave every other request alone', async () => {
    const server = await startSandbox({faults: 0, seed: 3, jobs: 0})
    try {
      const set = await fetch(`${server.url}/_sandbox/faults?rate=1&kinds=unavailable&method=PUT&path=/job-service/v1/partitions/default/jobs/&times=1`, {method: 'POST'})
      expect(await set.json()).toEqual({rate: 1, kinds: ['unavailable'], target: {method: 'PUT', pathPrefix: '/job-service/v1/partitions/default/jobs/', times: 1, left: 1}})
      expect(await outcome(server.url + PING)).toBe('200')
      const put = () =>
        fetch(`${server.url}/job-service/v1/partitions/default/jobs/aimed`, {
          method: 'PUT',
          headers: {'content-type': 'application/json'},
          body: JSON.stringify({task: {taskClassifier: 'c', taskApiVersion: 1, taskData: {}, taskPipe: 'p', targetPipe: 't'}}),
        })
      expect((await put()).status).toBe(503)
      expect((await put()).status).toBe(201)
      expect(server.faults.settings.target).toMatchObject({left: 0})
    } finally {
      await server.close()
    }
  })

  it('slow answers come late but whole; a lost reply is done although the client sees a reset', async () => {
    const server = await startSandbox({faults: 0, seed: 5, jobs: 0})
    try {
      server.faults.set(1, ['slow'])
      const started = Date.now()
      expect((await fetch(server.url + PING)).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(290)

      server.faults.set(1, ['lostReply'])
      const job = {task: {taskClassifier: 'DemoWorker', taskApiVersion: 1, taskData: {}, taskPipe: 'in'}}
      const put = () =>
        fetch(`${server.url}/job-service/v1/partitions/default/jobs/lost-1`, {method: 'PUT', headers: {'content-type': 'application/json'}, body: JSON.stringify(job)})
      expect(await outcome(put)).toBe('reset')
      server.faults.set(0)
      expect((await fetch(`${server.url}/job-service/v1/partitions/default/jobs/lost-1`)).status).toBe(200) // it was created
      expect((await put()).status).toBe(204) // and sending it again is harmless here: the same definition
    } finally {
      await server.close()
    }
  })

  it('can be changed while running through /_sandbox/faults', async () => {
    const server = await startSandbox({faults: 0, seed: 5})
    try {
      const res = await fetch(`${server.url}/_sandbox/faults?rate=0.25&kinds=reset,slow`, {method: 'POST'})
      expect(await res.json()).toEqual({rate: 0.25, kinds: ['reset', 'slow']})
      expect(server.faults.settings).toEqual({rate: 0.25, kinds: ['reset', 'slow']})
      expect((await fetch(`${server.url}/_sandbox/faults?rate=2`, {method: 'POST'})).status).toBe(400)
      expect((await fetch(`${server.url}/_sandbox/faults?rate=0.1&kinds=meteor`, {method: 'POST'})).status).toBe(400)
      expect(await (await fetch(`${server.url}/_sandbox/faults`)).json()).toEqual({rate: 0.25, kinds: ['reset', 'slow']})
    } finally {
      await server.close()
    }
  })

  it("answers 503s in each service's shape and never faults swagger.json or /_sandbox", async () => {
    const server = await startSandbox({faults: 1, seed: 3})
    try {
      for (let i = 0; i < 5; i++) {
        expect((await fetch(`${server.url}/api/v5_2/swagger.json`)).status).toBe(200)
        expect((await fetch(`${server.url}/_sandbox/health`)).status).toBe(200)
      }
      const bodies = new Map<string, unknown>()
      for (let i = 0; i < 40 && bodies.size < 3; i++) {
        for (const path of ['/api/v5_2/hello?addressee=a', WORKERS_PATH, PING]) {
          try {
            const res = await fetch(server.url + path, {method: path.includes('hello') ? 'POST' : 'GET'})
            if (res.status === 503) bodies.set(path, await res.json())
          } catch {
            // a reset
          }
        }
      }
      expect(bodies.get('/api/v5_2/hello?addressee=a')).toEqual({title: 'Service unavailable', status: 503, details: {}})
      expect(bodies.get(WORKERS_PATH)).toEqual({messages: ['Service unavailable']})
      expect(bodies.get(PING)).toEqual({message: 'Service unavailable'})
    } finally {
      await server.close()
    }
  })
})

describe('TLS', () => {
  let server: SandboxServer
  beforeAll(async () => {
    server = await startSandbox({tls: true})
  })
  afterAll(async () => {
    await server.close()
  })

  const get = (path: string, ca?: string) =>
    new Promise<{status: number; body: string}>((resolve, reject) => {
      const req = httpsGet(`https://127.0.0.1:${server.port}${path}`, ca ? {ca: [ca]} : {}, res => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', c => (body += c))
        res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
      })
      req.on('error', reject)
    })

  it('serves HTTPS that Node trusts with the certificate as CA', async () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`)
    expect(server.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/)
    const health = await get('/_sandbox/health', server.caPem)
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body)).toMatchObject({ok: true, tls: true})
    expect((await get('/job-service/v1/ping', server.caPem)).body).toBe('{"success" : true}')
  })

  it('is refused without the CA', async () => {
    const error = await get('/_sandbox/health').then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    )
    expect(error?.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/)
  })

  it('has a self-signed CA certificate for localhost and 127.0.0.1, valid 30 days', () => {
    const cert = new X509Certificate(server.caPem!)
    expect(cert.ca).toBe(true)
    expect(cert.subject).toContain('CN=localhost')
    expect(cert.subjectAltName).toContain('DNS:localhost')
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1')
    expect(cert.checkIssued(cert)).toBe(true)
    const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(29)
    expect(days).toBeLessThanOrEqual(30)
  })
})

describe('close', () => {
  it('resolves with a keep-alive connection open, then the port is refused', async () => {
    const server = await startSandbox()
    const agent = new (await import('node:http')).Agent({keepAlive: true})
    await new Promise<void>((resolve, reject) => {
      httpRequest(`${server.url}/job-service/v1/ping`, {agent}, res => {
        res.resume()
        res.on('end', resolve)
      })
        .on('error', reject)
        .end()
    })
    await server.close()
    await server.close() // a second call is harmless
    const error = await fetch(`${server.url}/job-service/v1/ping`).then(
      () => undefined,
      (e: Error) => e,
    )
    expect((error?.cause as NodeJS.ErrnoException | undefined)?.code).toBe('ECONNREFUSED')
    agent.destroy()
  })
})

describe('handler failures', () => {
  it("answer 500 in the service's shape and the server keeps going", async () => {
    const services = new Router()
    services.add('GET', '/api/v5_2/boom', () => {
      throw new Error('boom (expected by this test)')
    })
    services.add('GET', '/job-service/v1/boom', () => Promise.reject(new Error('boom (expected by this test)')))
    const log = new RequestLog()
    const errors: string[] = []
    const http = createServer(requestHandler({services, admin: new Router(), log, faults: new Faults(0, 1), onError: line => errors.push(line)}))
    await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
    try {
      const corda = await fetch(`${base}/api/v5_2/boom`)
      expect(corda.status).toBe(500)
      expect(await corda.json()).toEqual({title: 'Unexpected error occurred.', status: 500, details: {}})
      const jobs = await fetch(`${base}/job-service/v1/boom`)
      expect(jobs.status).toBe(500)
      expect(await jobs.json()).toEqual({message: 'Internal server error'})
      expect(log.entries().map(e => e.status)).toEqual([500, 500])
      expect(errors).toHaveLength(2)
      expect(errors[0]).toMatch(/^sandbox: GET \/api\/v5_2\/boom failed: Error: boom/)
    } finally {
      http.closeAllConnections()
      await new Promise(resolve => http.close(resolve))
    }
  })
})
