// Shared bits of the worker-manager end-to-end tests: the sandbox's control routes and the request-log entries of
// the worker manager's own endpoints.
import {expect} from 'vitest'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import type {Sbx} from './sandbox.js'

export const WM = '/api/v1/rs-worker-manager'

export type {LightRequest} from '../../src/api/workermanager/types.js'
import type {LightRequest} from '../../src/api/workermanager/types.js'

/** POST to a /_sandbox control route (no auth, never logged); its JSON answer. */
export async function control<T = unknown>(sbx: Sbx, path: string): Promise<T> {
  const res = await fetch(`${sbx.url}/_sandbox/${path}`, {method: 'POST'})
  const text = await res.text()
  expect(res.ok, `${path}: ${res.status} ${text}`).toBe(true)
  return (text ? JSON.parse(text) : undefined) as T
}

/** Requests received now over AMQP, as the control route creates them. */
export async function createRequests(sbx: Sbx, query: Record<string, string | number>): Promise<LightRequest[]> {
  const qs = new URLSearchParams(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])))
  return (await control<{created: LightRequest[]}>(sbx, `requests?${qs.toString()}`)).created
}

export const stopWorker = (sbx: Sbx, type: string) => control(sbx, `workers/${type}/stop?now=true`)
export const startWorker = (sbx: Sbx, type: string) => control(sbx, `workers/${type}/start`)

/** Worker-manager calls only (the token endpoint left out). */
export const wmCalls = (log: LoggedRequest[]) => log.filter(r => r.path.startsWith(WM))
export const searches = (log: LoggedRequest[]) => log.filter(r => r.method === 'POST' && r.path === `${WM}/requests`)
export const asArray = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])
