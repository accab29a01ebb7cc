// Cluster configuration sections (corda-rest.md §10): each has a small schema (types, bounds, enums; unknown keys
// refused) that also gives its defaults; a section's effective configuration is the defaults deep-merged with what is
// stored. The endpoints are config-routes.ts.
import type {SandboxContext} from '../context.js'

type Leaf = {type: 'integer'; default: number; min?: number; max?: number} | {type: 'string'; default: string; enum?: readonly string[]} | {type: 'boolean'; default: boolean}
type Node = Leaf | {type: 'object'; properties: Record<string, Node>}
type Schema = Record<string, Node>

const obj = (properties: Record<string, Node>): Node => ({type: 'object', properties})
const int = (value: number, min = 0, max?: number): Leaf => ({type: 'integer', default: value, min, ...(max === undefined ? {} : {max})})
const str = (value: string, values?: readonly string[]): Leaf => ({type: 'string', default: value, ...(values ? {enum: values} : {})})
const bool = (value: boolean): Leaf => ({type: 'boolean', default: value})

/** The schema version every section has on 5.2. */
export const SCHEMA_VERSION = {major: 1, minor: 0} as const

/** A trimmed-down version of each section's schema in 5.2.1 (the keys operators change most). */
export const SCHEMAS: Record<string, Schema> = {
  'corda.rest': {
    address: str('0.0.0.0:8888'),
    context: obj({description: str('Exposing RPCOps interfaces as OpenAPI WebServices'), title: str('HTTP RPC')}),
    endpoint: obj({timeoutMs: int(100_000, 1)}),
    maxContentLength: int(200_000_000, 1),
    flowStatusCleanupTimeMs: int(604_800_000, 1),
    websocket: obj({idleTimeoutMs: int(30_000, 1)}),
  },
  'corda.flow': {
    processing: obj({
      maxRetryAttempts: int(5),
      maxRetryWindowDuration: int(300_000),
      maxFlowSleepDuration: int(60_000),
      cleanupTime: int(600_000),
      poolSize: int(8, 1),
    }),
    session: obj({messageResendWindow: int(120_000), heartbeatTimeout: int(1_800_000), missingCounterpartyTimeoutWindow: int(300_000), cleanupTime: int(600_000)}),
  },
  'corda.messaging': {
    maxAllowedMessageSize: int(972_800, 1),
    publisher: obj({closeTimeout: int(600), transactional: bool(true)}),
    subscription: obj({
      pollTimeout: int(500),
      processorTimeout: int(15_000),
      threadStopTimeout: int(10_000),
      processorRetries: int(3),
      subscribeRetries: int(3),
      commitRetries: int(3),
    }),
  },
  'corda.security': {
    policy: str(''),
  },
  'corda.rbac': {
    password: obj({length: obj({min: int(5, 1, 255), max: int(255, 1, 255)}), expiryDays: int(0)}),
  },
  'corda.p2p.gateway': {
    hostAddress: str('0.0.0.0'),
    hostPort: int(8080, 1, 65_535),
    urlPath: str('/'),
    maxRequestSize: int(500_000_000, 1),
    sslConfig: obj({tlsType: str('ONE_WAY', ['ONE_WAY', 'MUTUAL']), revocationCheck: obj({mode: str('SOFT_FAIL', ['SOFT_FAIL', 'HARD_FAIL', 'OFF'])})}),
    connectionConfig: obj({
      maxClientConnections: int(100, 1),
      acquireTimeout: int(10),
      connectionIdleTimeout: int(60),
      responseTimeout: int(1000),
      retryDelay: int(1000),
      initialReconnectionDelay: int(1),
      maxReconnectionDelay: int(16),
    }),
  },
  // Known, but not stored on a new sandbox: GET answers 404 until a PUT with version -1 creates them.
  'corda.membership': {
    maxDuration: int(300),
  },
  'corda.reconciliation': {
    permissionSummaryIntervalMs: int(30_000, 1),
    cpkWriteIntervalMs: int(10_000, 1),
    configIntervalMs: int(30_000, 1),
    vnodeInfoIntervalMs: int(30_000, 1),
  },
}

/** Sections a new sandbox has stored (with no overrides, version 0). */
export const SEEDED_SECTIONS = ['corda.rest', 'corda.flow', 'corda.messaging', 'corda.security', 'corda.rbac', 'corda.p2p.gateway'] as const

type Json = Record<string, unknown>

function defaultsOf(schema: Schema): Json {
  const out: Json = {}
  for (const [key, node] of Object.entries(schema)) out[key] = node.type === 'object' ? defaultsOf(node.properties) : node.default
  return out
}

export const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value)

function deepMerge(base: Json, over: Json): Json {
  const out: Json = {...base}
  for (const [key, value] of Object.entries(over)) out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key], value) : value
  return out
}

/** Every way `value` breaks `schema`, as `path: problem`. */
export function problemsOf(schema: Schema, value: Json, at = ''): string[] {
  const problems: string[] = []
  for (const [key, field] of Object.entries(value)) {
    const path = at + key
    const node = schema[key]
    if (!node) {
      problems.push(`${path}: is not a known key (known: ${Object.keys(schema).join(', ')})`)
      continue
    }
    switch (node.type) {
      case 'object':
        if (isObject(field)) problems.push(...problemsOf(node.properties, field, `${path}.`))
        else problems.push(`${path}: must be an object`)
        break
      case 'integer':
        if (typeof field !== 'number' || !Number.isInteger(field)) problems.push(`${path}: must be an integer`)
        else if (node.min !== undefined && field < node.min) problems.push(`${path}: must be >= ${node.min}`)
        else if (node.max !== undefined && field > node.max) problems.push(`${path}: must be <= ${node.max}`)
        break
      case 'string':
        if (typeof field !== 'string') problems.push(`${path}: must be a string`)
        else if (node.enum && !node.enum.includes(field)) problems.push(`${path}: must be one of ${node.enum.join(', ')}`)
        break
      case 'boolean':
        if (typeof field !== 'boolean') problems.push(`${path}: must be a boolean`)
        break
    }
  }
  return problems
}

/** The effective configuration of a section (defaults merged with what is stored); undefined for an unknown section. */
export function effectiveConfig(ctx: SandboxContext, section: string): Json | undefined {
  const schema = SCHEMAS[section]
  if (!schema) return undefined
  const stored = ctx.corda.configs.get(section)
  return deepMerge(defaultsOf(schema), stored ? (JSON.parse(stored.source) as Json) : {})
}

/** One value of a section's effective configuration, by key path. */
export function configValue(ctx: SandboxContext, section: string, path: readonly string[]): unknown {
  let value: unknown = effectiveConfig(ctx, section)
  for (const key of path) value = isObject(value) ? value[key] : undefined
  return value
}

export function seedConfig(ctx: SandboxContext): void {
  for (const section of SEEDED_SECTIONS) ctx.corda.configs.set(section, {section, source: '{}', version: 0, schemaVersion: {...SCHEMA_VERSION}})
}
