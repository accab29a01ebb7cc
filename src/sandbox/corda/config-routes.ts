// Cluster configuration (corda-rest.md §10) as ConfigRestResourceImpl and the DB worker's ConfigWriterProcessor of
// corda-runtime-os 5.2.1 answer: GET /config/{section}, PUT /config with optimistic locking. `sourceConfig` is the
// text as it was PUT (JSON or HOCON); `configWithDefaults` is the defaults deep-merged with it (config-schema.ts).
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {parseError, readBody} from './body.js'
import {effectiveConfig, isObject, seedConfig, validationProblem} from './config-schema.js'
import {parseHocon} from './hocon.js'
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
const WRONG_VERSION_EXCEPTION = 'net.corda.libs.configuration.exception.WrongConfigVersionException'

/** Jackson reads an Int from a JSON integer or a string holding one. */
function intField(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim())
  return undefined
}

const AVRO_ESCAPES: Record<string, string> = {'"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t'}

/** Avro's GenericData.toString of a string: quoted, with its escapes (control and some Unicode ranges as \uXXXX). */
function avroString(text: string): string {
  let out = '"'
  for (const c of text) {
    const code = c.charCodeAt(0)
    if (AVRO_ESCAPES[c] !== undefined) out += AVRO_ESCAPES[c]
    else if (code <= 0x1f || (code >= 0x7f && code <= 0x9f) || (code >= 0x2000 && code <= 0x20ff)) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`
    else out += c
  }
  return `${out}"`
}

/**
 * ConfigRestResourceImpl.updateConfig: the body (Jackson), the config parsed as JSON or HOCON and validated against
 * the section's schema (400, the reason in the title), then the DB worker's optimistic lock (409, its whole message).
 * The config is stored as sent: GET answers it as `sourceConfig`.
 */
function update(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'UpdateConfigParameters', fields: UPDATE_FIELDS, requiredStrings: ['section']})
  if ('error' in read) return read.error
  const {fields} = read
  const section = fields.section as string
  const version = intField(fields.version)
  if (version === undefined) return parseError('request', 'Missing or non-integer required field version', 'MissingKotlinParameterException')
  // JsonObject: a JSON string is the text itself, an object or array its JSON; anything else is no text at all.
  const config = fields.config
  if (config === undefined || config === null) return parseError('request', 'Missing required field config', 'MissingKotlinParameterException')
  if (typeof config !== 'string' && typeof config !== 'object') return parseError('request', 'Field config must be a JSON object or string', 'NullPointerException')
  const sv = fields.schemaVersion as {major?: unknown; minor?: unknown} | undefined
  if (!isObject(sv) || intField(sv.major) === undefined || intField(sv.minor) === undefined || Object.keys(sv).some(k => k !== 'major' && k !== 'minor')) {
    return parseError('request', 'Missing or invalid required field schemaVersion: expected {"major": Int, "minor": Int}', 'MissingKotlinParameterException')
  }
  const schemaVersion = {major: intField(sv.major)!, minor: intField(sv.minor)!}

  const text = typeof config === 'string' ? config : JSON.stringify(config)
  const invalid = (cause: string) => cordaError(400, `Configuration "${text}" could not be validated. Valid JSON or HOCON expected. Cause: ${cause}`)
  const parsed = parseHocon(text)
  if ('error' in parsed) return invalid(parsed.error)
  const problem = validationProblem(section, schemaVersion, parsed.value)
  if (problem) return invalid(problem)

  const stored = ctx.corda.configs.get(section)
  const current = stored?.version ?? -1
  if (version !== current) {
    const request =
      `{"section": ${avroString(section)}, "config": ${avroString(text)}, ` +
      `"schemaVersion": {"majorVersion": ${schemaVersion.major}, "minorVersion": ${schemaVersion.minor}}, ` +
      `"updateActor": ${avroString(req.principal ?? '')}, "version": ${version}}`
    const cause =
      `${WRONG_VERSION_EXCEPTION}: The request specified a version of ${version}, but the current version in the database is ${current}. ` +
      'These versions must match to update the cluster configuration.'
    return cordaError(409, `${WRONG_VERSION_EXCEPTION}: New configuration represented by ${request} couldn't be written to the database. Cause: ${cause}`, {
      schemaVersion: `${schemaVersion.major}.${schemaVersion.minor}`,
      config: text,
    })
  }
  const next: ConfigSection = {section, source: text, version: current + 1, schemaVersion}
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
