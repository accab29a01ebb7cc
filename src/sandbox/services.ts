// Which emulated service a path belongs to: decides the error shape, faults and the log's `service`.
import type {LoggedRequest} from './http/log.js'

export type Service = LoggedRequest['service']

export const CORDA_API = '/api'
export const AUTH_BASE = '/api/v1/rs-authentication'
export const WM_BASE = '/api/v1/rs-worker-manager'
export const JOBS_BASE = '/job-service/v1'
export const ADMIN_BASE = '/_sandbox'

function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`)
}

export function serviceOf(path: string): Service {
  if (under(path, ADMIN_BASE)) return 'sandbox'
  if (under(path, AUTH_BASE)) return 'auth'
  if (under(path, WM_BASE)) return 'workerManager'
  if (under(path, JOBS_BASE)) return 'jobService'
  // REGARDS shares `/api/v1` with Corda's 5.0 surface; no Corda resource starts with `rs-`.
  // Case-insensitive: Corda answers a mixed-case path with a redirect, so it is still Corda's.
  const lower = path.toLowerCase()
  if (lower.startsWith('/api/v1/rs-')) return 'unknown'
  if (lower.startsWith(`${CORDA_API}/`)) return 'corda'
  return 'unknown'
}

/** Where Corda serves its own spec: never subject to faults (the CLI probes it to pick an API version). */
export function isSpecDocument(path: string): boolean {
  return /^\/api\/[^/]+\/swagger\.json$/i.test(path)
}
