// The config file of PRODUCT.md §3: contexts of service settings. It never holds a secret.
import {UsageError} from '../errors.js'
import {readTextIfExists, writeFileAtomic} from './files.js'
import {configFile} from './paths.js'

export type CordaApiVersionSetting = 'auto' | 'v5_2' | 'v5_1' | 'v1'

interface CommonSettings {
  url: string
  caCert?: string
  insecure?: boolean
}

export interface CordaSettings extends CommonSettings {
  username?: string
  apiVersion?: CordaApiVersionSetting
}

export interface WorkerManagerSettings extends CommonSettings {
  tenant?: string
  username?: string
  /** The OAuth client id; its secret is a credential (default `secret`, REGARDS' documented default). */
  oauthClient?: string
  /** Overrides the `/api/v1/rs-worker-manager` prefix, for direct access to the service. */
  servicePath?: string
}

export interface JobServiceSettings extends CommonSettings {
  partition?: string
}

export interface ContextSettings {
  corda?: CordaSettings
  workerManager?: WorkerManagerSettings
  jobService?: JobServiceSettings
}

export interface ConfigData {
  'current-context'?: string
  contexts: Record<string, ContextSettings>
}

export const SERVICES = ['corda', 'workerManager', 'jobService'] as const
export type ServiceKey = (typeof SERVICES)[number]

const ALLOWED_KEYS: Record<ServiceKey, string[]> = {
  corda: ['url', 'caCert', 'insecure', 'username', 'apiVersion'],
  workerManager: ['url', 'caCert', 'insecure', 'tenant', 'username', 'oauthClient', 'servicePath'],
  jobService: ['url', 'caCert', 'insecure', 'partition'],
}
const SECRET_KEY = /pass(word)?|token|secret/i

function fail(path: string, what: string): never {
  throw new UsageError(`config file ${path}: ${what}`, 'fix the file by hand, or delete it and run `workerctl login` again')
}

function validate(path: string, data: unknown): ConfigData {
  if (data === null || data === undefined) return {contexts: {}}
  if (typeof data !== 'object' || Array.isArray(data)) fail(path, 'expected a mapping with `contexts`')
  const raw = data as Record<string, unknown>
  const contexts = (raw.contexts ?? {}) as Record<string, unknown>
  if (typeof contexts !== 'object' || Array.isArray(contexts)) fail(path, '`contexts` must be a mapping of names to settings')
  for (const [name, ctx] of Object.entries(contexts)) {
    if (ctx === null || typeof ctx !== 'object' || Array.isArray(ctx)) fail(path, `context "${name}" must be a mapping`)
    for (const [service, settings] of Object.entries(ctx as Record<string, unknown>)) {
      if (!(SERVICES as readonly string[]).includes(service)) fail(path, `context "${name}": unknown service "${service}" (expected ${SERVICES.join(', ')})`)
      const s = settings as Record<string, unknown>
      if (s === null || typeof s !== 'object' || typeof s.url !== 'string') fail(path, `context "${name}": ${service} needs a url`)
      for (const key of Object.keys(s)) {
        if (!ALLOWED_KEYS[service as ServiceKey].includes(key))
          fail(path, `context "${name}": ${service}: unknown setting "${key}"${SECRET_KEY.test(key) ? ' (secrets never go in this file)' : ''}`)
      }
    }
  }
  const current = raw['current-context']
  if (current !== undefined && typeof current !== 'string') fail(path, '`current-context` must be a context name')
  return {'current-context': current, contexts: contexts as Record<string, ContextSettings>}
}

export async function readConfig(path = configFile()): Promise<ConfigData> {
  const text = await readTextIfExists(path)
  if (text === undefined) return {contexts: {}}
  const {parse, YAMLParseError} = await import('yaml')
  try {
    return validate(path, parse(text))
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const line = error.linePos?.[0]?.line
      fail(path, `malformed YAML${line ? ` at line ${line}` : ''}: ${error.message.split('\n')[0]}`)
    }
    throw error
  }
}

export async function writeConfig(data: ConfigData, path = configFile()): Promise<void> {
  validate(path, data) // never write what we could not read back, nor anything that looks like a secret
  const {stringify} = await import('yaml')
  await writeFileAtomic(path, stringify(data))
}

/** Reads, changes and writes the config in one step. */
export async function updateConfig(change: (data: ConfigData) => void, path = configFile()): Promise<ConfigData> {
  const data = await readConfig(path)
  change(data)
  await writeConfig(data, path)
  return data
}
