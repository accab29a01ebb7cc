// Shared by the Job Service sandbox tests: a sandbox on a manual clock and JSON calls under /job-service/v1.
import {type SandboxOptions, type SandboxServer, startSandbox} from '../../../../src/sandbox/server.js'

export const JS = '/job-service/v1'
export const T0 = Date.parse('2025-01-10T12:00:00Z')

export interface JsSandbox {
  server: SandboxServer
  now(): number
  advance(ms: number): void
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{status: number; body: any; headers: Headers; text: string}>
  /** PUT a job in partition p. */
  put(id: string, body: unknown, p?: string): Promise<{status: number; body: any; headers: Headers}>
  job(id: string, p?: string): Promise<any>
  close(): Promise<void>
}

export const task = (taskData: unknown = {}, classifier = 'DemoWorker') => ({taskClassifier: classifier, taskApiVersion: 1, taskData, taskPipe: 'demo-in', targetPipe: 'demo-out'})

export async function startJs(options: SandboxOptions = {}): Promise<JsSandbox> {
  let now = T0
  const server = await startSandbox({requests: 0, jobs: 0, clock: () => now, ...options})
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(server.url + JS + path, {
      method,
      headers: {...(body === undefined ? {} : {'content-type': 'application/json'}), ...headers},
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await res.text()
    let parsed: any
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = text
    }
    return {status: res.status, body: parsed, headers: res.headers, text}
  }
  return {
    server,
    now: () => now,
    advance: ms => {
      now += ms
    },
    call,
    put: (id, body, p = 'default') => call('PUT', `/partitions/${p}/jobs/${encodeURIComponent(id)}`, body),
    job: async (id, p = 'default') => (await call('GET', `/partitions/${p}/jobs/${encodeURIComponent(id)}`)).body,
    close: () => server.close(),
  }
}
