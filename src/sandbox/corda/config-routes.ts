// Cluster configuration (corda-rest.md §10): GET /config/{section}, PUT /config with optimistic locking.
// Each section has a small schema (types, bounds, enums; unknown keys refused) that also gives its defaults;
// `configWithDefaults` is the defaults deep-merged with the stored `sourceConfig`.
import type {SandboxContext} from '../context.js'
import {cordaRoute} from './route.js'
import {PLATFORM_VERSION} from './versions.js'
import {parseError, readBody} from './body.js'
import type {ConfigSection} from './store.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'

type Leaf =
  | {type: 'integer'; default: number; min?: number; max?: number}
  | {type: 'string'; default: string; enum?: readonly string[]}
  | {type: 'boolean'; default: boolean}
type Node = Leaf | {type: 'object'; properties: Record<string, Node>}
type Schema = Record<string, Node>

const obj = (properties: Record<string, Node>): Node => ({type: 'object', properties})
const int = (value: number, min = 0, max?: number): Leaf => ({type: 'integer', default: value, min, ...(max === undefined ? {} : {max})})
const str = (value: string, values?: readonly string[]): Leaf => ({type: 'string', default: value, ...(values ? {enum: values} : {})})
const bool = (value: boolean): Leaf => ({type: 'boolean', default: value})

/** The schema version every section has on 5.2. */
export const SCHEMA_VERSION = {major: 1, minor: 0} as const

/** A trimmed-down version of each section's schema in 5.2.1 (the keys operators change most). */
const SCHEMAS: Record<string, Schema> = {
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
      maxRetryAttempts: int(5), maxRetryWindowDuration: int(300_000), maxFlowSleepDuration: int(60_000),
      cleanupTime: int(600_000), poolSize: int(8, 1),
    }),
    session: obj({messageResendWindow: int(120_000), heartbeatTimeout: int(1_800_000), missingCounterpartyTimeoutWindow: int(300_000), cleanupTime: int(600_000)}),
  },
  'corda.messaging': {
    maxAllowedMessageSize: int(972_800, 1),
    publisher: obj({closeTimeout: int(600), transactional: bool(true)}),
    subscription: obj({
      pollTimeout: int(500), processorTimeout: int(15_000), threadStopTimeout: int(10_000),
      processorRetries: int(3), subscribeRetries: int(3), commitRetries: int(3),
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
      maxClientConnections: int(100, 1), acquireTimeout: int(10), connectionIdleTimeout: int(60), responseTimeout: int(1000),
      retryDelay: int(1000), initialReconnectionDelay: int(1), maxReconnectionDelay: int(16),
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

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value)

function deepMerge(base: Json, over: Json): Json {
  const out: Json = {...base}
  for (const [key, value] of Object.entries(over)) out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key] as Json, value) : value
  return out
}

/** Every way `value` breaks `schema`, as `path: problem`. */
function problemsOf(schema: Schema, value: Json, at = ''): string[] {
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

function getResponse(ctx: SandboxContext, stored: ConfigSection) {
  return {
    section: stored.section, sourceConfig: stored.source, configWithDefaults: JSON.stringify(effectiveConfig(ctx, stored.section)),
    schemaVersion: stored.schemaVersion, version: stored.version,
  }
}

const UPDATE_FIELDS = new Set(['section', 'version', 'config', 'schemaVersion'])
const VALIDATION_EXCEPTION = 'net.corda.libs.configuration.validation.ConfigurationValidationException'
const WRONG_VERSION_EXCEPTION = 'net.corda.libs.configuration.exception.WrongConfigVersionException'

/** Jackson reads an Int from a JSON integer or a string holding one. */
function intField(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim())
  return undefined
}

function update(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'UpdateConfigParameters', fields: UPDATE_FIELDS, requiredStrings: ['section']})
  if ('error' in read) return read.error
  const {fields} = read
  const section = fields.section as string
  const version = intField(fields.version)
  if (version === undefined) return parseError('request', 'Missing or non-integer required field version', 'MissingKotlinParameterException')
  if (fields.config === undefined || fields.config === null) return parseError('request', 'Missing required field config', 'MissingKotlinParameterException')
  const sv = fields.schemaVersion as {major?: unknown; minor?: unknown} | undefined
  if (!isObject(sv) || intField(sv.major) === undefined || intField(sv.minor) === undefined || Object.keys(sv).some(k => k !== 'major' && k !== 'minor')) {
    return parseError('request', 'Missing or invalid required field schemaVersion: expected {"major": Int, "minor": Int}', 'MissingKotlinParameterException')
  }
  const schemaVersion = {major: intField(sv.major)!, minor: intField(sv.minor)!}

  // `config` is JSON or a string holding it (corda-rest.md §3); the escaped JSON is what errors quote.
  const escaped = typeof fields.config === 'string' ? fields.config : JSON.stringify(fields.config)
  const invalid = (reason: string) => cordaError(400, `Configuration "${escaped}" could not be validated. Valid JSON or HOCON expected.`, {
    cause: VALIDATION_EXCEPTION, reason,
  })
  let config: unknown = fields.config
  if (typeof config === 'string') {
    try {
      config = config.trim() === '' ? {} : JSON.parse(config)
    } catch (error) {
      return invalid(`The sandbox reads configuration as JSON only: ${(error as Error).message}`)
    }
  }
  if (!isObject(config)) return invalid('The configuration must be an object.')
  const schema = SCHEMAS[section]
  if (!schema) return invalid(`Unknown configuration section ${section} (known: ${Object.keys(SCHEMAS).join(', ')}).`)
  if (schemaVersion.major !== SCHEMA_VERSION.major || schemaVersion.minor !== SCHEMA_VERSION.minor) {
    return invalid(`No schema for section ${section} at version ${schemaVersion.major}.${schemaVersion.minor} (this cluster has ${SCHEMA_VERSION.major}.${SCHEMA_VERSION.minor}).`)
  }
  const problems = problemsOf(schema, config)
  if (problems.length > 0) return invalid(`Configuration failed to validate for key ${section}: ${problems.join('; ')}`)

  const stored = ctx.corda.configs.get(section)
  const current = stored?.version ?? -1
  if (version !== current) {
    return cordaError(409, `${WRONG_VERSION_EXCEPTION}: The request specified a version of ${version}, but the current version in the database is ${current}. ` +
      'These versions must match to update the cluster configuration.', {schemaVersion: `${schemaVersion.major}.${schemaVersion.minor}`, config: escaped})
  }
  const next: ConfigSection = {section, source: JSON.stringify(config), version: current + 1, schemaVersion}
  ctx.corda.configs.set(section, next)
  return {status: 202, body: {section, config: next.source, schemaVersion, version: next.version}}
}

export function registerConfig(router: Router, ctx: SandboxContext): void {
  seedConfig(ctx)
  cordaRoute(router, ctx, 'GET', '/config/getprotocolversion', () => ({status: 200, body: PLATFORM_VERSION}), {auth: false})
  cordaRoute(router, ctx, 'GET', '/config/{section}', req => {
    const section = req.params.section!
    const stored = ctx.corda.configs.get(section)
    // The real message lacks the closing quote.
    if (!stored) return cordaError(404, `Configuration for section '${section} not found.`)
    return {status: 200, body: getResponse(ctx, stored)}
  })
  cordaRoute(router, ctx, 'PUT', '/config', req => update(ctx, req))
}
