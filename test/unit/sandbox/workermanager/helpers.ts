// Shared by the worker-manager sandbox tests: a sandbox on a manual clock, a token, and JSON calls.
import {type SandboxOptions, type SandboxServer, startSandbox} from '../../../../src/sandbox/server.js'
import type {RequestRow} from '../../../../src/sandbox/workermanager/request-row.js'

export const WM = '/api/v1/rs-worker-manager'
export const T0 = Date.parse('2025-01-10T12:00:00Z')

export interface WmSandbox {
  server: SandboxServer
  url: string
  token: string
  /** Sandbox time (ms). */
  now(): number
  advance(ms: number): void
  call(method: string, path: string, body?: unknown, token?: string): Promise<{status: number; body: any; headers: Headers}>
  /** POST /requests; the page's LightRequests and metadata. */
  list(filter?: object, query?: string): Promise<{rows: any[]; metadata: any; status: number; body: any}>
  admin(method: string, path: string): Promise<{status: number; body: any}>
  /** Inserts a row as the DB would hold it (next id). */
  add(fields: Partial<RequestRow> & {contentType: string}): RequestRow
  close(): Promise<void>
}

export async function startWm(options: SandboxOptions = {}): Promise<WmSandbox> {
  let now = T0
  const server = await startSandbox({requests: 0, clock: () => now, ...options})
  const grant = await fetch(`${server.url}/api/v1/rs-authentication/oauth/token`, {
    method: 'POST',
    headers: {authorization: `Basic ${Buffer.from('client:secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({grant_type: 'password', username: 'admin', password: 'admin', scope: 'sandbox'}).toString(),
  })
  const token = ((await grant.json()) as {access_token: string}).access_token
  const call = async (method: string, path: string, body?: unknown, tok = token) => {
    const res = await fetch(server.url + WM + path, {
      method,
      headers: {authorization: `Bearer ${tok}`, ...(body === undefined ? {} : {'content-type': 'application/json'})},
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return {status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers}
  }
  let seq = 0
  return {
    server,
    url: server.url,
    token,
    now: () => now,
    advance: ms => {
      now += ms
    },
    call,
    list: async (filter = {}, query = '') => {
      const res = await call('POST', `/requests${query}`, filter)
      return {status: res.status, body: res.body, rows: res.body?.content?.map((e: any) => e.content) ?? [], metadata: res.body?.metadata}
    },
    admin: async (method, path) => {
      const res = await fetch(server.url + '/_sandbox' + path, {method})
      return {status: res.status, body: await res.json()}
    },
    add: fields => {
      const wm = server.context.wm
      const id = wm.reserveId()
      return wm.insert({
        id,
        requestId: `r-${String(++seq).padStart(3, '0')}`,
        creationMicros: (now - 3_600_000) * 1000,
        source: 'CNES',
        session: 'S1',
        status: 'ERROR',
        dispatchedWorkerType: null,
        error: null,
        stepNumber: null,
        stepWorkerType: null,
        ...fields,
      })
    },
    close: () => server.close(),
  }
}
