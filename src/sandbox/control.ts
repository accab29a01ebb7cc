// The CLI side of the sandbox: where a running one is recorded, and the `sandbox` context it writes.
import {readFileSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {join} from 'node:path'
import {updateConfig} from '../config/config.js'
import {Credentials} from '../config/credentials.js'
import {readJsonIfExists, writeFileAtomic} from '../config/files.js'
import {configFile, sandboxDir} from '../config/paths.js'
import {NotFoundError, UnreachableError} from '../errors.js'

export const SANDBOX_CONTEXT = 'sandbox'
export const SANDBOX_USER = 'admin'
export const SANDBOX_PASSWORD = 'admin'
export const SANDBOX_TENANT = 'sandbox'
export const SANDBOX_PARTITION = 'default'

export interface SandboxState {
  pid: number
  url: string
  port: number
  tls: boolean
  caPath?: string
  logPath?: string
  startedAt: string
  faults: number
  seed: number
  /** CPIs fail validation until a code-signer certificate is imported. */
  requireSigner?: boolean
}

export const statePath = (env = process.env) => join(sandboxDir(env), 'state.json')
export const caPath = (env = process.env) => join(sandboxDir(env), 'ca.pem')
export const logPath = (env = process.env) => join(sandboxDir(env), 'sandbox.log')

export const readState = (env = process.env) => readJsonIfExists<SandboxState>(statePath(env))
export const writeState = (state: SandboxState, env = process.env) => writeFileAtomic(statePath(env), `${JSON.stringify(state, null, 2)}\n`)
export const removeState = (env = process.env) => rm(statePath(env), {force: true})

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface SandboxHealth {
  ok: boolean
  pid: number
  startedAt: string
  requests: number
  tls: boolean
}

/** Asks a running sandbox how it is (trusting its own CA); undefined when nothing answers. */
export function fetchHealth(state: SandboxState): Promise<SandboxHealth | undefined> {
  return sandboxCall<SandboxHealth>(state, 'GET', '/_sandbox/health')
}

/** A call to the running sandbox's own control endpoints (/_sandbox/...): its JSON answer, or undefined if none. */
export function sandboxCall<T>(state: SandboxState, method: string, path: string): Promise<T | undefined> {
  const ca = state.caPath ? readFileSync(state.caPath, 'utf8') : undefined
  return new Promise(resolve => {
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', chunk => (body += chunk))
      res.on('end', () => {
        try {
          resolve(res.statusCode === 200 ? (JSON.parse(body) as T) : undefined)
        } catch {
          resolve(undefined)
        }
      })
    }
    const options = {method, timeout: 2000, ...(state.tls ? {ca} : {})}
    const req = state.tls ? httpsRequest(`${state.url}${path}`, options, onResponse) : httpRequest(`${state.url}${path}`, options, onResponse)
    req.on('error', () => resolve(undefined))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}

/** Writes the `sandbox` context, makes it current and stores its credentials, so every command works at once. */
export async function configureSandboxContext(opts: {url: string; caPath?: string; env?: NodeJS.ProcessEnv; warn: (m: string) => void}): Promise<void> {
  const env = opts.env ?? process.env
  const tls = opts.caPath ? {caCert: opts.caPath} : {}
  await updateConfig(data => {
    data.contexts[SANDBOX_CONTEXT] = {
      corda: {url: opts.url, username: SANDBOX_USER, apiVersion: 'auto', ...tls},
      workerManager: {url: opts.url, tenant: SANDBOX_TENANT, username: SANDBOX_USER, oauthClient: 'client', ...tls},
      jobService: {url: opts.url, partition: SANDBOX_PARTITION, ...tls},
    }
    data['current-context'] = SANDBOX_CONTEXT
  }, configFile(env))
  const credentials = new Credentials({env, warn: opts.warn})
  await credentials.set(SANDBOX_CONTEXT, 'corda-password', SANDBOX_PASSWORD)
  await credentials.set(SANDBOX_CONTEXT, 'wm-password', SANDBOX_PASSWORD)
  await credentials.delete(SANDBOX_CONTEXT, 'wm-session') // a token from an earlier sandbox is not valid on this one
}

/** Stops or starts a simulated worker type of the running sandbox; its state as the sandbox reports it. */
export async function switchSandboxWorker(type: string, action: 'stop' | 'start', now = false): Promise<Record<string, unknown>> {
  const state = await readState()
  if (!state) throw new UnreachableError('no sandbox is running', 'start one: `workerctl sandbox start`')
  const answer = await sandboxCall<Record<string, unknown>>(state, 'POST', `/_sandbox/workers/${encodeURIComponent(type)}/${action}${now ? '?now=true' : ''}`)
  if (!answer) throw new NotFoundError(`the sandbox at ${state.url} did not ${action} worker type ${type}`, 'check the type with `workerctl worker check`')
  return answer
}
