import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {HttpTransport} from '../../../src/api/http.js'
import {RegardsOAuth, TOKEN_PATH, type CachedToken} from '../../../src/api/workermanager/auth.js'
import {WorkerManagerClient} from '../../../src/api/workermanager/client.js'

const GW = 'http://regards.test'

function client(options: Partial<ConstructorParameters<typeof RegardsOAuth>[1]> = {}) {
  const http = new HttpTransport({service: 'workerManager', url: GW, retry: {attempts: 1}})
  const auth = new RegardsOAuth(http, {tenant: 'project1', username: 'ops', password: 'p@ss word&=', clientId: 'client', clientSecret: 'secret', ...options})
  http.authenticateWith(auth)
  return new WorkerManagerClient(http)
}

beforeAll(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
})

describe('REGARDS OAuth2 password grant', () => {
  it('posts a form-urlencoded body with client Basic auth and scope = tenant, never the password in the URL', async () => {
    let seen: {body?: string; auth?: string; type?: string; path?: string} = {}
    nock(GW)
      .post(TOKEN_PATH)
      .reply(function (uri, body) {
        seen = {body: body as string, auth: this.req.headers.authorization, type: this.req.headers['content-type'], path: uri}
        return [200, {access_token: 'tok-1', expires_in: 3600, token_type: 'bearer'}]
      })
      .get('/api/v1/rs-worker-manager/workers')
      .matchHeader('authorization', 'Bearer tok-1')
      .reply(200, [{workerType: 'w', nbInstance: 1}])
    await expect(client().workers.alive()).resolves.toEqual([{workerType: 'w', nbInstance: 1}])
    expect(seen.type).toBe('application/x-www-form-urlencoded')
    expect(seen.auth).toBe(`Basic ${Buffer.from('client:secret').toString('base64')}`)
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({grant_type: 'password', username: 'ops', password: 'p@ss word&=', scope: 'project1'})
    expect(seen.path).toBe(TOKEN_PATH)
  })

  it('concurrent calls share one grant', async () => {
    let grants = 0
    nock(GW)
      .post(TOKEN_PATH)
      .times(5)
      .reply(() => {
        grants++
        return [200, {access_token: 'tok-1', expires_in: 3600}]
      })
      .get('/api/v1/rs-worker-manager/workers')
      .times(5)
      .matchHeader('authorization', 'Bearer tok-1')
      .reply(200, [])
    const wm = client()
    await Promise.all([1, 2, 3, 4, 5].map(() => wm.workers.alive()))
    expect(grants).toBe(1)
  })

  it('renews the token once on 401 and repeats the call', async () => {
    let grants = 0
    nock(GW)
      .post(TOKEN_PATH)
      .times(2)
      .reply(() => [200, {access_token: `tok-${++grants}`, expires_in: 3600}])
      .get('/api/v1/rs-worker-manager/workers')
      .matchHeader('authorization', 'Bearer tok-1')
      .reply(401, {status: 401, error: 'Unauthorized', message: 'expired'})
      .get('/api/v1/rs-worker-manager/workers')
      .matchHeader('authorization', 'Bearer tok-2')
      .reply(200, [])
    await expect(client().workers.alive()).resolves.toEqual([])
    expect(grants).toBe(2)
  })

  it('reuses a cached token that has not expired, and saves new ones', async () => {
    const saved: CachedToken[] = []
    const cache = {load: async () => ({accessToken: 'cached', expiresAt: Date.now() + 600_000}), save: async (t: CachedToken) => void saved.push(t)}
    nock(GW).get('/api/v1/rs-worker-manager/workers').matchHeader('authorization', 'Bearer cached').reply(200, [])
    await client({cache}).workers.alive()
    expect(saved).toEqual([])
    const expired = {load: async () => ({accessToken: 'old', expiresAt: Date.now() - 1}), save: async (t: CachedToken) => void saved.push(t)}
    nock(GW)
      .post(TOKEN_PATH)
      .reply(200, {access_token: 'fresh', expires_in: 60})
      .get('/api/v1/rs-worker-manager/workers')
      .matchHeader('authorization', 'Bearer fresh')
      .reply(200, [])
    await client({cache: expired}).workers.alive()
    expect(saved.map(t => t.accessToken)).toEqual(['fresh'])
  })

  it('turns a refused grant (400 invalid_grant) into a 401: the login failed', async () => {
    nock(GW).post(TOKEN_PATH).reply(400, {error: 'invalid_grant', error_description: 'Bad credentials'})
    await expect(client().workers.alive()).rejects.toMatchObject({status: 401, title: 'token request refused: invalid_grant: Bad credentials'})
  })

  it('uses a static token as is, and does not loop when it is refused', async () => {
    nock(GW).get('/api/v1/rs-worker-manager/workers').matchHeader('authorization', 'Bearer static').reply(401, {status: 401, error: 'Unauthorized', message: 'Invalid token'})
    await expect(client({staticToken: 'static', password: undefined}).workers.alive()).rejects.toMatchObject({status: 401})
  })
})
