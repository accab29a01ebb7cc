import {SERVICE_LABEL} from '../api/errors.js'
import type {ServiceHealth} from '../api/health.js'
import {columns} from './table.js'

function detail(h: ServiceHealth): string {
  if (h.error) return h.error
  if (h.apiVersion) return `API ${h.apiVersion}${h.note ? ` (${h.note})` : ''}`
  if (h.aliveWorkerTypes !== undefined) return `${h.aliveWorkerTypes} alive worker type(s), ${h.workerInstances} instance(s)`
  if (h.ping) return 'ping ok'
  return ''
}

const yesNo = (v: boolean | null) => (v === null ? '-' : v ? 'yes' : 'no')

export const healthTable = columns<ServiceHealth>({
  SERVICE: h => SERVICE_LABEL[h.service],
  URL: h => h.url,
  STATUS: (h, p) => (h.healthy ? p.ok('healthy') : p.bad('unhealthy')),
  REACHABLE: h => yesNo(h.reachable),
  TLS: (h, p) => (h.tls === 'failed' ? p.bad(h.tls) : h.tls === 'unverified' ? p.warn(h.tls) : h.tls),
  AUTH: h => yesNo(h.authenticated),
  LATENCY: h => (h.latencyMs === null ? '-' : `${h.latencyMs}ms`),
  DETAIL: h => detail(h),
})
