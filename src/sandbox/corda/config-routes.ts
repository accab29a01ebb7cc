// Cluster configuration (corda-rest.md §10): GET /config/{section}, PUT /config with optimistic locking.
// `configWithDefaults` is the defaults deep-merged with the stored `sourceConfig` (config-schema.ts).
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {parseError, readBody} from './body.js'
import {effectiveConfig, isObject, problemsOf, SCHEMA_VERSION, SCHEMAS, seedConfig} from './config-schema.js'
import type {ConfigSection} from './model.js'
import {cordaRoute} from './route.js'
import {PLATFORM_VERSION} from './versions.js'

function getResponse(ctx: SandboxContext, stored: ConfigSection) {
  return {
    section: stored.section,
    sourceConfig: stored.source,
    configWithDefaults: JSON.stringify(effectiveConfig(ctx, stored.section)),
    schemaVersion: stored.schemaVersion,
    version: stored.version,
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
  const invalid = (reason: string) =>
    cordaError(400, `Configuration "${escaped}" could not be validated. Valid JSON or HOCON expected.`, {
      cause: VALIDATION_EXCEPTION,
      reason,
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
    return cordaError(
      409,
      `${WRONG_VERSION_EXCEPTION}: The request specified a version of ${version}, but the current version in the database is ${current}. ` +
        'These versions must match to update the cluster configuration.',
      {schemaVersion: `${schemaVersion.major}.${schemaVersion.minor}`, config: escaped},
    )
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
  cordaRoute(router, ctx, 'PUT', '/config', req => update(ctx, req), {body: 'request'})
}
