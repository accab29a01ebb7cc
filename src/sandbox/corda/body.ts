// How the REST worker's Jackson reads a request body into a Kotlin class (corda-rest.md §3): JSON text (duplicate
// keys refused), bare or wrapped in the parameter name, unknown properties refused, missing non-null fields refused;
// every refusal a 400 `Unable to parse parameter '<name>'` (ContextUtils.retrieveParameters).
import {cordaError} from '../http/errors.js'
import type {SandboxResponse} from '../http/router.js'

export function parseError(parameter: string, reason: string, cause = 'MismatchedInputException'): SandboxResponse {
  return cordaError(400, `Unable to parse parameter '${parameter}'`, {cause, reason})
}

/** JSON text as the REST worker's mapper reads it: malformed → JsonParseException; a key twice in one object refused. */
export function jsonBody(text: string): {value: unknown} | {error: {cause: string; reason: string}} {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return {error: {cause: 'JsonParseException', reason: (error as Error).message}}
  }
  const duplicate = duplicateKey(text)
  if (duplicate !== undefined) {
    const reason = `Duplicate field '${duplicate}' for \`ObjectNode\`: not allowed when \`DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY\` enabled`
    return {error: {cause: 'MismatchedInputException', reason}}
  }
  return {value}
}

/** The first key found twice in one object of well-formed JSON text. */
function duplicateKey(text: string): string | undefined {
  const objects: Array<Set<string> | undefined> = [] // undefined: an array
  let expectKey = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      if (expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string
        const keys = objects.at(-1)!
        if (keys.has(key)) return key
        keys.add(key)
        expectKey = false
      }
      i = end
    } else if (c === '{' || c === '[') {
      objects.push(c === '{' ? new Set() : undefined)
      expectKey = c === '{'
    } else if (c === '}' || c === ']') {
      objects.pop()
    } else if (c === ',') {
      expectKey = objects.at(-1) !== undefined
    }
  }
  return undefined
}

/** A single body parameter may come bare or wrapped in its Kotlin parameter name; the wrapper wins (`get(name) ?: root`). */
function unwrap(body: unknown, parameter: string): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body) && Object.hasOwn(body, parameter)) return (body as Record<string, unknown>)[parameter]
  return body
}

export interface KotlinClass {
  /** The controller method's parameter name (the wrapper key, and the name errors give). */
  parameter: string
  className: string
  fields: ReadonlySet<string>
  /** Non-null String fields. */
  requiredStrings?: readonly string[]
}

/** The body's fields, or the 400 the REST worker answers. */
export function readBody(body: unknown, spec: KotlinClass): {fields: Record<string, unknown>} | {error: SandboxResponse} {
  const {parameter, className} = spec
  const value = unwrap(body, parameter)
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {error: parseError(parameter, `Expected a JSON object (${className}).`)}
  const fields = value as Record<string, unknown>
  const unknown = Object.keys(fields).find(k => !spec.fields.has(k))
  if (unknown !== undefined) {
    return {error: parseError(parameter, `Unrecognized field "${unknown}" (class ${className}), not marked as ignorable`, 'UnrecognizedPropertyException')}
  }
  for (const key of spec.requiredStrings ?? []) {
    if (typeof fields[key] !== 'string') return {error: parseError(parameter, `Missing or non-string required field ${key}`, 'MissingKotlinParameterException')}
  }
  return {fields}
}

/** An optional String field: null when absent or null, else it must be a string. */
export function optionalString(fields: Record<string, unknown>, key: string, parameter: string): {value: string | null} | {error: SandboxResponse} {
  const value = fields[key]
  if (value === undefined || value === null) return {value: null}
  if (typeof value !== 'string') return {error: parseError(parameter, `Field ${key} must be a string or null.`, 'MismatchedInputException')}
  return {value}
}
