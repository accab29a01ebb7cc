// Cluster configuration sections (corda-rest.md §10): the JSON schemas of corda-api 5.2.1.53
// (data/config-schema/…/configuration/<section>/1.0/corda.<section>.json), checked as the REST worker's networknt
// validator checks them (loose typing: "5" is an integer; its messages), and the defaults they give. A section's
// effective configuration is the defaults deep-merged with what is stored. The endpoints are config-routes.ts.
import type {SandboxContext} from '../context.js'
import {parseHocon} from './hocon.js'

type Node =
  | {type: 'object'; properties: Record<string, Node>; closed: boolean; required: readonly string[]; defaulted: boolean}
  /** `minimumText`: how Java prints a threshold written as a double (1e7 → 1.0E7). */
  | {type: 'integer' | 'number'; default?: number; minimum?: number; maximum?: number; minimumText?: string}
  | {type: 'string'; default?: string; pattern?: string}
  | {type: 'boolean'; default?: boolean}
  | {type: 'array'; default?: unknown[]; minItems?: number; items?: Node}
  /** No type: only the listed values (an `enum`), or one of several `const`s (a `oneOf`). */
  | {type: 'choice'; values: readonly string[]; oneOf: boolean; default?: string}
  /** corda.membership's `ttl`: an integer within bounds, or null. */
  | {type: 'ttl'; default: number}
  /** Anything (a section whose schema the sandbox does not reproduce). */
  | {type: 'any'}

const MAX = 2147483647

interface ObjectOptions {
  /** `additionalProperties: false` */
  closed?: boolean
  required?: readonly string[]
  /** Has `"default": {}`, so the walker creates it with its defaults. */
  defaulted?: boolean
}
const obj = (properties: Record<string, Node>, o: ObjectOptions = {}): Node => ({
  type: 'object',
  properties,
  closed: o.closed ?? false,
  required: o.required ?? [],
  defaulted: o.defaulted ?? true,
})
const int = (value: number | undefined, minimum?: number, maximum?: number): Node => ({type: 'integer', default: value, minimum, maximum})
const str = (value?: string, pattern?: string): Node => ({type: 'string', default: value, pattern})
const oneOf = (values: readonly string[], value: string): Node => ({type: 'choice', values, oneOf: true, default: value})
const ttl = (value: number): Node => ({type: 'ttl', default: value})

/** The schema version every section has on 5.2. */
export const SCHEMA_VERSION = {major: 1, minor: 0} as const

/** Sections whose schema the sandbox reproduces (root objects). */
const REPRODUCED: Record<string, Node> = {
  'corda.rest': obj({
    address: str('0.0.0.0:8888'),
    context: obj({description: str('Exposing REST interfaces as OpenAPI WebServices.'), title: str('REST')}),
    maxContentLength: int(200_000_000, 1024, MAX),
    endpoint: obj({timeoutMs: int(100_000, 100, MAX)}),
    websocket: obj({idleTimeoutMs: int(30_000, 0, MAX)}),
    flowStatusCleanupTimeMs: int(604_800_000, 60_000),
  }),
  'corda.flow': obj(
    {
      processing: obj(
        {
          maxRetryAttempts: int(5, 0, 1000),
          maxRetryWindowDuration: int(300_000, 0, MAX),
          maxRetryDelay: int(16_000, 1000, MAX),
          maxFlowSleepDuration: int(900_000, 1000, MAX),
          maxIdleTime: int(1_800_000, 60_000, 31_557_600_000),
          cleanupTime: int(600_000, 1000, MAX),
          poolSize: int(8, 1, MAX),
        },
        {closed: true},
      ),
      session: obj(
        {
          messageResendWindow: int(120_000, 1000, MAX),
          heartbeatTimeout: int(1_800_000, 1000, MAX),
          missingCounterpartyTimeout: int(300_000, 1000, MAX),
          timeout: int(1_800_000, 1000, MAX),
          p2pTTL: int(300_000, 10_000, MAX),
          cleanupTime: int(600_000, 10_000, MAX),
        },
        {closed: true},
      ),
      event: obj({messageResendWindow: int(60_000, 1000, MAX), maxRetries: int(5, 0, MAX)}, {closed: true}),
    },
    {closed: true},
  ),
  'corda.messaging': obj(
    {
      // Polymorphic by busType (allOf/if/then); the sandbox checks busType only.
      bus: obj({busType: {type: 'choice', values: ['KAFKA', 'DATABASE', 'INMEMORY'], oneOf: false}}, {defaulted: false}),
      subscription: obj(
        {
          pollTimeout: int(500, 100, MAX),
          threadStopTimeout: int(10_000, 100, MAX),
          processorRetries: int(3, 0, 1000),
          subscribeRetries: int(3, 0, 1000),
          commitRetries: int(3, 0, 1000),
          processorTimeout: int(15_000, 1000, MAX),
          mediator: obj({poolSize: int(8, 1, MAX), minPoolRecordCount: int(20, 1, MAX), pollTimeout: int(50, 10, MAX), processorTimeout: int(120_000, 1000, MAX)}),
        },
        {closed: true},
      ),
      publisher: obj({closeTimeout: int(600, 100, MAX), transactional: {type: 'boolean', default: true}}, {closed: true}),
      maxAllowedMessageSize: int(972_800, 512_000, 8_388_608),
    },
    {closed: true},
  ),
  'corda.security': obj({policy: str()}, {closed: true, required: ['policy']}),
  'corda.rbac': obj({
    password: obj({
      userPasswordChangeExpiry: int(90, 30),
      adminPasswordChangeExpiry: int(7, 1),
      passwordExpiryWarningWindow: int(30),
      lengthLimit: int(255, 10, 1000),
    }),
  }),
  'corda.p2p.gateway': obj(
    {
      serversConfiguration: {
        type: 'array',
        minItems: 1,
        default: [{hostAddress: '0.0.0.0', hostPort: 8080, urlPath: '/'}],
        items: obj({hostAddress: str('0.0.0.0'), hostPort: int(8080, 0, 65_535), urlPath: str('/', '^\\/[\\/.a-zA-Z0-9-]*$')}),
      },
      sslConfig: obj({revocationCheck: obj({mode: oneOf(['SOFT_FAIL', 'HARD_FAIL', 'OFF'], 'SOFT_FAIL')}), tlsType: oneOf(['ONE_WAY', 'MUTUAL'], 'ONE_WAY')}),
      maxRequestSize: {type: 'number', default: 5e8, minimum: 1e7, minimumText: '1.0E7'},
      connectionConfig: obj(
        {
          maxClientConnections: int(100, 1, 10_000),
          acquireTimeout: int(10, 1, 3000),
          connectionIdleTimeout: int(60, 1, 3000),
          responseTimeout: int(3000, 100, 10_000),
          retryDelay: int(2000, 100, 10_000),
          initialReconnectionDelay: int(1, 1, 3000),
          maxReconnectionDelay: int(16, 1, 3000),
        },
        {closed: true},
      ),
    },
    {closed: true},
  ),
  'corda.membership': obj({
    maxDurationBetweenSyncRequestsMinutes: int(480, 10, 2880),
    frequencyOfExpirationPoll: int(300, 1, 2880),
    expirationTimeFrame: int(180, 1, 2880),
    TTLs: obj({
      membersPackageUpdate: ttl(10),
      declineRegistration: ttl(8),
      updateToPendingAutoApproval: ttl(3),
      verifyMemberRequest: ttl(20),
      waitForMgmSession: int(30, 10, 2880),
    }),
  }),
  'corda.reconciliation': obj(
    Object.fromEntries(
      (
        [
          ['permissionSummaryIntervalMs', 30_000],
          ['cpkWriteIntervalMs', 10_000],
          ['cpiInfoIntervalMs', 30_000],
          ['vnodeInfoIntervalMs', 30_000],
          ['configIntervalMs', 30_000],
          ['groupParamsIntervalMs', 120_000],
          ['mtlsMgmAllowedCertificateSubjectsIntervalMs', 120_000],
          ['memberInfoIntervalMs', 120_000],
          ['hostedIdentityIntervalMs', 120_000],
        ] as const
      ).map(([key, value]) => [key, int(value, 5000, MAX)]),
    ),
  ),
}

/** The other sections corda-api 5.2.1.53 has a schema for: any object is accepted (not reproduced). */
const OTHER_SECTIONS = ['crypto', 'db', 'externalMessaging', 'ledger.utxo', 'p2p.linkManager', 'sandbox', 'secrets', 'stateManager', 'vnode.datasource']

export const SCHEMAS: Record<string, Node> = {...REPRODUCED, ...Object.fromEntries(OTHER_SECTIONS.map(s => [`corda.${s}`, {type: 'any'}]))}

/** Sections a new sandbox has stored (with no overrides, version 0). */
export const SEEDED_SECTIONS = ['corda.rest', 'corda.flow', 'corda.messaging', 'corda.security', 'corda.rbac', 'corda.p2p.gateway'] as const

type Json = Record<string, unknown>

export const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value)

function defaultsOf(node: Node): unknown {
  if (node.type === 'object') {
    const out: Json = {}
    for (const [key, child] of Object.entries(node.properties)) {
      const value = child.type === 'object' && !child.defaulted ? undefined : defaultsOf(child)
      if (value !== undefined) out[key] = value
    }
    return out
  }
  return 'default' in node ? node.default : undefined
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = {...base}
  for (const [key, value] of Object.entries(over)) out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key], value) : value
  return out
}

/** networknt's JsonType of a value. */
function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value === 'object' ? 'object' : typeof value
}

/** Loose typing (SchemaValidatorsConfig.isTypeLoose): a string holding the type's value counts as that type. */
function asNumber(value: unknown, integer: boolean): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
  if (typeof n !== 'number' || Number.isNaN(n)) return undefined
  return integer && !Number.isInteger(n) ? undefined : n
}

/** Every way `value` breaks `node`, as networknt words it (`$.path: …`), in document order. */
export function problemsOf(node: Node, value: unknown, at = '$'): string[] {
  switch (node.type) {
    case 'any':
      return []
    case 'object': {
      if (!isObject(value)) return [`${at}: ${jsonType(value)} found, object expected`]
      const problems: string[] = []
      for (const key of node.required) if (!(key in value)) problems.push(`${at}.${key}: is missing but it is required`)
      for (const [key, field] of Object.entries(value)) {
        const child = node.properties[key]
        if (child) problems.push(...problemsOf(child, field, `${at}.${key}`))
        else if (node.closed) problems.push(`${at}.${key}: is not defined in the schema and the schema does not allow additional properties`)
      }
      return problems
    }
    case 'integer':
    case 'number': {
      const n = asNumber(value, node.type === 'integer')
      if (n === undefined) return [`${at}: ${jsonType(value)} found, ${node.type} expected`]
      if (node.minimum !== undefined && n < node.minimum) return [`${at}: must have a minimum value of ${node.minimumText ?? node.minimum}`]
      if (node.maximum !== undefined && n > node.maximum) return [`${at}: must have a maximum value of ${node.maximum}`]
      return []
    }
    case 'string':
      if (typeof value !== 'string') return [`${at}: ${jsonType(value)} found, string expected`]
      if (node.pattern !== undefined && !new RegExp(node.pattern).test(value)) return [`${at}: does not match the regex pattern ${node.pattern}`]
      return []
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : [`${at}: ${jsonType(value)} found, boolean expected`]
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: ${jsonType(value)} found, array expected`]
      if (node.minItems !== undefined && value.length < node.minItems) return [`${at}: there must be a minimum of ${node.minItems} items in the array`]
      return node.items ? value.flatMap((item, i) => problemsOf(node.items!, item, `${at}[${i}]`)) : []
    }
    case 'choice':
      if (node.values.includes(value as string)) return []
      return node.oneOf
        ? [`${at}: should be valid to one and only one of schema, but 0 are valid`]
        : [`${at}: does not have a value in the enumeration [${node.values.join(', ')}]`]
    case 'ttl': {
      if (value === null) return []
      const n = asNumber(value, true)
      if (n === undefined) return [`${at}: ${jsonType(value)} found, integer expected`]
      if (n < 1) return [`${at}: must have a minimum value of 1`]
      return n > 1440 ? [`${at}: must have a maximum value of 1440`] : []
    }
  }
}

/**
 * ConfigurationValidatorImpl.validate: the schema for section + version (else ConfigurationSchemaFetchException), then
 * the config against it (else ConfigurationValidationException). The message, or undefined when valid.
 */
export function validationProblem(section: string, version: {major: number; minor: number}, config: Json): string | undefined {
  const v = `${version.major}.${version.minor}`
  const schema = v === `${SCHEMA_VERSION.major}.${SCHEMA_VERSION.minor}` ? SCHEMAS[section] : undefined
  if (!schema) {
    const directory = section.startsWith('corda.') ? section.slice('corda.'.length) : section
    return `Could not retrieve the schema for key ${section} at schema version ${v}: Config schema at net/corda/schema/configuration/${directory}/${v}/${section}.json cannot be found.`
  }
  const problems = problemsOf(schema, config)
  return problems.length === 0 ? undefined : `Configuration failed to validate for key ${section} at schema version null: ${problems.join(', ')}`
}

/** A stored source (JSON or HOCON as sent) as an object; {} if it no longer parses. */
export function parsedSource(source: string): Json {
  const parsed = parseHocon(source)
  return 'value' in parsed ? parsed.value : {}
}

/** The effective configuration of a section (defaults merged with what is stored); undefined for an unknown section. */
export function effectiveConfig(ctx: SandboxContext, section: string): Json | undefined {
  const schema = SCHEMAS[section]
  if (!schema) return undefined
  const stored = ctx.corda.configs.get(section)
  return deepMerge((defaultsOf(schema) as Json | undefined) ?? {}, stored ? parsedSource(stored.source) : {})
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
