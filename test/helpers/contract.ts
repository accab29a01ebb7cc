/**
 * Contract checks: validates recorded HTTP exchanges (request + response) against the API specs the three
 * services publish, which live in `../shared/specs/` beside the repository (PRODUCT.md §7, §8).
 *
 * The specs are read in place, never copied: a copy would drift from what the services really publish.
 * What the specs leave out (real success codes, error shapes, wire form of REGARDS paging...) is allowed here
 * exactly as PRODUCT.md §8 lists it, and nothing else.
 */
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import AjvModule from 'ajv'
import type {ErrorObject, ValidateFunction} from 'ajv'
import addFormatsModule from 'ajv-formats'
import {parse as parseYaml} from 'yaml'

export type ContractName = 'corda-v5_2' | 'corda-v5_1' | 'corda-v1' | 'workermanager' | 'jobservice'

/** One HTTP exchange, in the same shape as the sandbox's request-log entries. */
export interface Exchange {
  method: string
  /** Full URL pathname without the query, e.g. `/api/v5_2/hello`. */
  path: string
  query: Record<string, string | string[]>
  requestContentType?: string
  /** Parsed JSON, or for multipart an object of field names -> string | {filename, size}. */
  requestBody?: unknown
  status: number
  responseContentType?: string
  /** Parsed JSON where the response was JSON, raw string otherwise, undefined if empty. */
  responseBody?: unknown
}

// ---------------------------------------------------------------------------------------------------------------
// Which spec covers a path

/** Base paths, most specific first: the worker manager lives under Corda v1's `/api/v1`. */
const PREFIXES: ReadonlyArray<readonly [string, ContractName]> = [
  ['/api/v5_2', 'corda-v5_2'],
  ['/api/v5_1', 'corda-v5_1'],
  ['/api/v1/rs-worker-manager', 'workermanager'],
  ['/api/v1', 'corda-v1'],
  ['/job-service/v1', 'jobservice'],
]

function isUnder(p: string, prefix: string): boolean {
  return p === prefix || p.startsWith(prefix + '/')
}

export function contractFor(p: string): ContractName | undefined {
  // Other REGARDS micro-services (rs-authentication's token endpoint, ...) share `/api/v1` with Corda's 5.0
  // surface; no Corda resource starts with `rs-`, and we hold no spec for those services.
  if (p.startsWith('/api/v1/rs-') && !isUnder(p, '/api/v1/rs-worker-manager')) return undefined
  // `/api/<v>/swagger.json` (and the Swagger UI) is where Corda serves the spec itself, not an operation of it;
  // the CLI fetches it to detect the API version.
  if (/^\/api\/v[0-9_]+\/swagger(\.json)?$/.test(p)) return undefined
  return PREFIXES.find(([prefix]) => isUnder(p, prefix))?.[1]
}

// ---------------------------------------------------------------------------------------------------------------
// Loading the specs

/** Spec documents are untyped JSON/YAML; this alias keeps the walking code readable. */

type Json = Record<string, any>

type Family = 'corda' | 'workermanager' | 'jobservice'

const SPEC_FILES: Record<ContractName, string> = {
  'corda-v5_2': 'corda-5.2.1-openapi-v5_2.json',
  'corda-v5_1': 'corda-5.2.1-openapi-v5_1.json',
  'corda-v1': 'corda-5.2.1-openapi-v1.json',
  workermanager: 'regards-rs-worker-manager.openapi.json',
  jobservice: 'jobservice-swagger.yaml',
}
const OVERLAY_FILE = 'endpoint-overlay.json'

function specsDir(): string {
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
  const override = process.env.WORKERCTL_SPECS_DIR
  const dir = override ? path.resolve(override) : path.resolve(repoRoot, '../shared/specs')
  if (!existsSync(dir)) throw specsMissing(dir)
  return dir
}

function specsMissing(what: string): Error {
  return new Error(
    `CONTRACT SPECS MISSING: ../shared/specs is missing (${what} does not exist). The services' published specs ` +
      `must sit beside the repo in ../shared/specs (or set WORKERCTL_SPECS_DIR). Contract tests never skip and never use copies.`,
  )
}

function readSpecFile(file: string): Json {
  const full = path.join(specsDir(), file)
  if (!existsSync(full)) throw specsMissing(full)
  const text = readFileSync(full, 'utf8')
  return (file.endsWith('.yaml') ? parseYaml(text) : JSON.parse(text)) as Json
}

interface Param {
  name: string
  in: string
  required: boolean
  /** What Ajv validates: a `$ref` into the spec document, or an inline schema. */
  schema: Json
  /** The resolved schema, read to know how to coerce the wire strings. */
  shape: Json
  /** Swagger 2 arrays: `multi` = repeated params, otherwise one joined value (csv by default). */
  collectionFormat?: string
}

interface BodyContent {
  mediaType: string
  /** JSON bodies: validated whole. */
  schema?: Json
  /** Form and multipart bodies: validated field by field, like query parameters. */
  fields?: Param[]
}

interface Operation {
  method: string
  template: string
  segments: Segment[]
  params: Param[]
  body?: {required: boolean; contents: BodyContent[]}
  /** The operation object of the spec (responses, operationId, ...). */
  node: Json
  /** JSON pointer of the operation object, to address its response schemas. */
  pointer: string
}

interface Segment {
  regex: RegExp
  names: string[]
  literal: boolean
}

interface Spec {
  name: ContractName
  family: Family
  file: string
  id: string
  doc: Json
  swagger2: boolean
  basePath: string
  operations: Operation[]
  /** Corda only: real success codes by `METHOD /relative/path`. */
  overlay?: Map<string, number[]>
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const
const loaded = new Map<ContractName, Spec>()

function loadSpec(name: ContractName): Spec {
  const cached = loaded.get(name)
  if (cached) return cached
  const file = SPEC_FILES[name]
  // The parsed document is our own object; rewriting it never touches the file on disk.
  const doc = toJsonSchemaDialect(readSpecFile(file))
  if (name.startsWith('corda')) allowNullReferences(doc)
  if (name === 'jobservice') allowJobServiceNulls(doc)
  const id = `https://workerctl.contract/${name}.json`
  doc.$id = id
  ajv().addSchema(doc)
  const swagger2 = doc.swagger === '2.0'
  const basePath = swagger2 ? String(doc.basePath) : new URL(String(doc.servers?.[0]?.url ?? ''), 'http://x').pathname
  const expected = PREFIXES.find(([, n]) => n === name)?.[0]
  // contractFor() routes by fixed prefixes; fail loudly if a spec update moved the base path.
  if (basePath !== expected) throw new Error(`${file}: base path is ${basePath}, contractFor() expects ${expected}`)
  const family: Family = name.startsWith('corda') ? 'corda' : (name as Family)
  const spec: Spec = {name, family, file, id, doc, swagger2, basePath, operations: []}
  spec.operations = buildOperations(spec)
  if (family === 'corda') spec.overlay = loadOverlay()
  loaded.set(name, spec)
  return spec
}

/** `METHOD /relative/path` -> success codes the server really answers (v5_2 paths, reused for v5_1 and v1). */
function loadOverlay(): Map<string, number[]> {
  const overlay = readSpecFile(OVERLAY_FILE)
  const codes = new Map<string, number[]>()
  for (const op of overlay.operations as Json[]) {
    const relative = String(op.path).replace(/^\/api\/v5_2/, '')
    codes.set(`${String(op.method).toUpperCase()} ${relative}`, [op.actualSuccess, ...(op.alsoSuccess ?? [])])
  }
  return codes
}

/**
 * Rewrites the OpenAPI 3.0 / Swagger 2 schema dialect into plain JSON Schema, in place:
 * - Corda types Kotlin enums as `{type: object, enum: [...]}`; they are strings on the wire (PRODUCT.md §8).
 * - `nullable: true` becomes a `null` type (Ajv's own `nullable` support refuses schemas without `type`).
 * `example` values are left alone: they are data, not schemas, and Ajv ignores the keyword (strict: false).
 */
function toJsonSchemaDialect(node: Json): Json {
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key === 'examples') continue
    if (value && typeof value === 'object') toJsonSchemaDialect(value as Json)
  }
  if (node.type === 'object' && Array.isArray(node.enum)) node.type = 'string'
  if ('nullable' in node && typeof node.nullable === 'boolean') {
    const nullable = node.nullable
    delete node.nullable
    if (nullable) allowNull(node)
  }
  return node
}

/**
 * Corda's generator lists exactly the non-nullable Kotlin properties in `required`, and marks the others
 * `nullable: true`, except an object-typed one, which it writes as a bare `$ref` (OpenAPI 3.0 allows nothing beside a
 * `$ref`). Such a property absent from `required` is a nullable Kotlin reference, serialized as `null` (e.g.
 * FlowStatusResponse.flowError, VirtualNodeInfo.externalMessagingRouteConfiguration): let it be null.
 */
function allowNullReferences(node: Json): void {
  for (const value of Object.values(node)) if (value && typeof value === 'object') allowNullReferences(value as Json)
  const properties = node.properties as Record<string, Json> | undefined
  if (node.type !== 'object' || !properties || typeof properties !== 'object') return
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : [])
  for (const [name, property] of Object.entries(properties)) {
    if (!required.has(name) && typeof property?.$ref === 'string' && Object.keys(property).length === 1) allowNull(property)
  }
}

/**
 * The Job Service writes `null` where its swagger says string (PRODUCT.md §8 extra): the generated Job model has no
 * @JsonInclude and Dropwizard's mapper includes nulls, so a job created without a name, description or externalData
 * comes back with them as null (DatabaseHelper.getJob sets every field), and a label whose value was sent as null is
 * stored (label.value is nullable) and returned as null. Only those fields of `job` are widened.
 */
function allowJobServiceNulls(doc: Json): void {
  const job = doc.definitions?.job?.properties as Json | undefined
  for (const field of ['name', 'description', 'externalData']) if (job?.[field]) allowNull(job[field] as Json)
  if (job?.labels?.additionalProperties) allowNull(job.labels.additionalProperties as Json)
}

function allowNull(schema: Json): void {
  if (typeof schema.type === 'string' && !('$ref' in schema)) {
    schema.type = [schema.type, 'null']
    if (Array.isArray(schema.enum)) schema.enum = [...schema.enum, null]
    return
  }
  // No single type (a `$ref`, an `anyOf`...): wrap the whole schema.
  const rest = {...schema}
  for (const key of Object.keys(schema)) delete schema[key]
  schema.anyOf = [rest, {type: 'null'}]
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

function pointerOf(...parts: string[]): string {
  // JSON-pointer escaping, then URI encoding because Ajv reads the pointer from a URI fragment.
  return parts.map(part => '/' + encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1'))).join('')
}

function refTo(spec: Spec, pointer: string): Json {
  return {$ref: `${spec.id}#${pointer}`}
}

/** Follows local `$ref`s; returns the node and its pointer (the pointer stays encoded as in `pointerOf`). */
function deref(spec: Spec, node: Json, pointer: string): [Json, string] {
  let [current, at] = [node, pointer]
  for (let hops = 0; typeof current?.$ref === 'string' && hops < 20; hops++) {
    const ref = current.$ref
    if (!ref.startsWith('#/')) throw new Error(`${spec.file}: only local $refs are supported, got ${ref}`)
    const parts = ref
      .slice(2)
      .split('/')
      .map(p => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    current = parts.reduce<Json>((n, p) => n?.[p], spec.doc)
    if (current === undefined) throw new Error(`${spec.file}: unresolvable $ref ${ref}`)
    at = pointerOf(...parts)
  }
  return [current, at]
}

function buildOperations(spec: Spec): Operation[] {
  const operations: Operation[] = []
  for (const [template, item] of Object.entries(spec.doc.paths as Json)) {
    for (const method of HTTP_METHODS) {
      const node = (item as Json)[method] as Json | undefined
      if (!node) continue
      const pointer = pointerOf('paths', template, method)
      const shared = rawParams(spec, (item as Json).parameters, pointerOf('paths', template, 'parameters'))
      const own = rawParams(spec, node.parameters, pointer + pointerOf('parameters'))
      // Operation-level parameters override path-level ones with the same name and location.
      const merged = [...shared.filter(s => !own.some(o => o[0].name === s[0].name && o[0].in === s[0].in)), ...own]
      const op: Operation = {method: method.toUpperCase(), template, segments: compileTemplate(template), params: [], node, pointer}
      for (const [param, at] of merged) {
        if (param.in === 'body') op.body = swaggerJsonBody(spec, node, param, at)
        else op.params.push(...toParams(spec, param, at))
      }
      const formFields = op.params.filter(p => p.in === 'formData')
      if (formFields.length > 0) op.body = swaggerFormBody(spec, node, formFields)
      if (node.requestBody) op.body = openApiBody(spec, node.requestBody, pointer + pointerOf('requestBody'))
      operations.push(op)
    }
  }
  return operations
}

function rawParams(spec: Spec, list: unknown, pointer: string): Array<[Json, string]> {
  if (!Array.isArray(list)) return []
  return list.map((p, i) => deref(spec, p as Json, `${pointer}/${i}`))
}

/** One spec parameter -> the parameters seen on the wire. */
function toParams(spec: Spec, param: Json, at: string): Param[] {
  // PRODUCT.md §8: REGARDS bundles Spring paging as one `pageable` query object; on the wire it is separate
  // `page`, `size` and (one or more) `sort` parameters, all optional (Spring falls back to its defaults).
  if (spec.family === 'workermanager' && param.in === 'query' && param.name === 'pageable') {
    const nonNegative = {type: 'integer', minimum: 0}
    const sort = {type: 'array', items: {type: 'string'}}
    return [
      {name: 'page', in: 'query', required: false, schema: nonNegative, shape: nonNegative},
      {name: 'size', in: 'query', required: false, schema: nonNegative, shape: nonNegative},
      {name: 'sort', in: 'query', required: false, schema: sort, shape: sort},
    ]
  }
  const required = param.in === 'path' || param.required === true
  if (spec.swagger2) {
    // Swagger 2 non-body parameters carry their schema keywords inline, next to `name`/`in`/`required`.
    const inline = swaggerParamSchema(param)
    return [{name: param.name, in: param.in, required, schema: inline, shape: inline, collectionFormat: param.collectionFormat ?? 'csv'}]
  }
  const [shape] = deref(spec, param.schema ?? {}, `${at}/schema`)
  return [{name: param.name, in: param.in, required, schema: refTo(spec, `${at}/schema`), shape}]
}

const SWAGGER_SCHEMA_KEYS = [
  'type',
  'format',
  'enum',
  'pattern',
  'items',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'multipleOf',
]

function swaggerParamSchema(param: Json): Json {
  const schema: Json = {}
  for (const key of SWAGGER_SCHEMA_KEYS) if (key in param) schema[key] = param[key]
  if (schema.type === 'file') Object.assign(schema, {type: 'string', format: 'binary'})
  return schema
}

function consumesOf(spec: Spec, node: Json): string[] {
  return (node.consumes ?? spec.doc.consumes ?? ['application/json']) as string[]
}

function swaggerJsonBody(spec: Spec, node: Json, param: Json, at: string): Operation['body'] {
  const contents = consumesOf(spec, node).map(mediaType => ({mediaType, schema: refTo(spec, `${at}/schema`)}))
  return {required: param.required === true, contents}
}

function swaggerFormBody(spec: Spec, node: Json, fields: Param[]): Operation['body'] {
  const contents = consumesOf(spec, node).map(mediaType => ({mediaType, fields}))
  return {required: fields.some(f => f.required), contents}
}

function openApiBody(spec: Spec, raw: Json, at: string): Operation['body'] {
  const [body, bodyAt] = deref(spec, raw, at)
  const contents: BodyContent[] = []
  for (const [mediaType, media] of Object.entries((body.content ?? {}) as Json)) {
    const schemaAt = bodyAt + pointerOf('content', mediaType, 'schema')
    if (isFormMedia(mediaType)) contents.push({mediaType, fields: formFields(spec, (media as Json).schema ?? {}, schemaAt)})
    else contents.push({mediaType, schema: (media as Json).schema ? refTo(spec, schemaAt) : undefined})
  }
  return {required: body.required === true, contents}
}

/** Form and multipart schemas are objects whose properties are the fields. */
function formFields(spec: Spec, raw: Json, at: string): Param[] {
  const [schema, schemaAt] = deref(spec, raw, at)
  const required = new Set<string>((schema.required ?? []) as string[])
  return Object.entries((schema.properties ?? {}) as Json).map(([name, prop]) => {
    const [shape, propAt] = deref(spec, prop as Json, schemaAt + pointerOf('properties', name))
    return {name, in: 'formData', required: required.has(name), schema: refTo(spec, propAt), shape}
  })
}

function isFormMedia(mediaType: string): boolean {
  return mediaType === 'multipart/form-data' || mediaType === 'application/x-www-form-urlencoded'
}

function compileTemplate(template: string): Segment[] {
  return template.split('/').map(segment => {
    const names: string[] = []
    const source = segment
      .split(/(\{[^}]+\})/)
      .map(part => {
        const param = /^\{([^}]+)\}$/.exec(part)
        if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        names.push(param[1]!)
        return '([^/]+)'
      })
      .join('')
    return {regex: new RegExp(`^${source}$`), names, literal: names.length === 0}
  })
}

interface Located {
  spec: Spec
  op: Operation
  pathParams: Record<string, string>
}

/** Finds the operation; a string is the problem when there is none. */
function locate(ex: Exchange): Located | string {
  const name = contractFor(ex.path)
  if (!name) return `no contract covers this path`
  const spec = loadSpec(name)
  const relative = ex.path.slice(spec.basePath.length) || '/'
  const parts = relative.split('/')
  const method = ex.method.toUpperCase()
  const matching = spec.operations
    .filter(op => op.segments.length === parts.length && op.segments.every((s, i) => s.regex.test(parts[i]!)))
    // Literal segments beat templates, leftmost first: `/user/getprotocolversion` is not `/user/{loginname}`.
    .sort((a, b) => specificity(b).localeCompare(specificity(a)))
  const op = matching.find(o => o.method === method)
  if (!op) {
    const others = [...new Set(matching.map(o => o.method))]
    const hint = others.length > 0 ? ` (the path exists for ${others.join(', ')})` : ''
    return `no such operation in ${spec.file}: ${method} ${relative}${hint}`
  }
  const pathParams: Record<string, string> = {}
  op.segments.forEach((segment, i) => {
    const values = segment.regex.exec(parts[i]!)!.slice(1)
    segment.names.forEach((n, j) => (pathParams[n] = values[j]!))
  })
  return {spec, op, pathParams}
}

function specificity(op: Operation): string {
  return op.segments.map(s => (s.literal ? '1' : '0')).join('')
}

// ---------------------------------------------------------------------------------------------------------------
// Ajv

type AjvClass = typeof AjvModule.default
type AjvInstance = InstanceType<AjvClass>
type FormatsPlugin = typeof addFormatsModule.default
// CommonJS packages: the default export is `module.exports` under Node's ESM, but `exports.default` elsewhere.
const Ajv = ((AjvModule as unknown as {default?: AjvClass}).default ?? AjvModule) as AjvClass
const addFormats = ((addFormatsModule as unknown as {default?: FormatsPlugin}).default ?? addFormatsModule) as FormatsPlugin

let ajvInstance: AjvInstance | undefined
const validators = new Map<string, ValidateFunction>()

function ajv(): AjvInstance {
  if (ajvInstance) return ajvInstance
  const instance = new Ajv({strict: false, allErrors: true})
  addFormats(instance)
  // Corda spells date-time as `datetime`; its values are ISO-8601 instants.
  instance.addFormat('datetime', addFormats.get('date-time'))
  ajvInstance = instance
  return instance
}

function validate(schema: Json, value: unknown, where: string): string[] {
  const key = JSON.stringify(schema)
  let check = validators.get(key)
  if (!check) {
    check = ajv().compile(schema)
    validators.set(key, check)
  }
  return check(value) ? [] : describeErrors(where, check.errors)
}

function describeErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(e => {
    const detail = e.keyword === 'additionalProperties' ? ` ('${e.params.additionalProperty}')` : e.keyword === 'enum' ? ` ${JSON.stringify(e.params.allowedValues)}` : ''
    return `${where}${e.instancePath} ${e.message}${detail}`
  })
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value]
}

function typeOf(schema: Json | undefined): string | undefined {
  const type = schema?.type
  return Array.isArray(type) ? type.find(t => t !== 'null') : type
}

/** Wire values are strings; turn them into what the schema types them as, when they look the part. */
function coerce(value: string, type: string | undefined): unknown {
  if (type === 'integer' && /^-?\d+$/.test(value)) return Number(value)
  if (type === 'number' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value)
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  return value
}

function isBinary(spec: Spec, shape: Json): boolean {
  if (shape.format === 'binary') return true
  return typeOf(shape) === 'array' && deref(spec, shape.items ?? {}, '')[0].format === 'binary'
}

function isFilePart(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'filename' in value && 'size' in value
}

const SEPARATORS: Record<string, string> = {csv: ',', ssv: ' ', tsv: '\t', pipes: '|'}

/** Checks one parameter's wire values (query, path, form or multipart field) against its schema. */
function checkValues(spec: Spec, where: string, param: Param, values: unknown[]): string[] {
  if (isBinary(spec, param.shape)) return values.every(isFilePart) ? [] : [`${where} must be a file part`]
  if (!values.every(v => typeof v === 'string')) return [`${where} must be a text value`]
  const strings = values
  if (typeOf(param.shape) === 'array') {
    const separator = param.collectionFormat ? SEPARATORS[param.collectionFormat] : undefined
    const items = separator && strings.length === 1 ? strings[0]!.split(separator) : strings
    const itemType = typeOf(deref(spec, param.shape.items ?? {}, '')[0])
    return validate(
      param.schema,
      items.map(v => coerce(v, itemType)),
      where,
    )
  }
  if (strings.length > 1) return [`${where} is repeated but is not an array`]
  return validate(param.schema, coerce(strings[0]!, typeOf(param.shape)), where)
}

/** Required fields present, none undeclared, each value valid: used for query, form and multipart fields. */
function checkFields(spec: Spec, kind: string, declared: Param[], given: Record<string, unknown>): string[] {
  const problems: string[] = []
  for (const param of declared) {
    const raw = given[param.name]
    if (raw === undefined) {
      if (param.required) problems.push(`missing required ${kind} '${param.name}'`)
      continue
    }
    problems.push(...checkValues(spec, `${kind} '${param.name}'`, param, asList(raw)))
  }
  for (const name of Object.keys(given)) {
    if (!declared.some(p => p.name === name)) problems.push(`${kind} '${name}' is not declared by the operation`)
  }
  return problems
}

function checkPathParams(located: Located): string[] {
  const {spec, op, pathParams} = located
  return op.params
    .filter(p => p.in === 'path' && p.name in pathParams)
    .flatMap(p => {
      let value: string
      try {
        value = decodeURIComponent(pathParams[p.name]!)
      } catch {
        return [`path parameter '${p.name}' is not valid percent-encoding`]
      }
      return checkValues(spec, `path parameter '${p.name}'`, p, [value])
    })
}

function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase()
}

function mediaMatches(declared: string, actual: string): boolean {
  const d = declared.toLowerCase()
  return d === actual || d === '*/*' || (d.endsWith('/*') && actual.startsWith(d.slice(0, -1)))
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === ''
}

function checkRequestBody(located: Located, ex: Exchange): string[] {
  const {spec, op} = located
  const present = !isEmptyBody(ex.requestBody)
  if (!op.body) return present ? ['the operation takes no request body, but one was sent'] : []
  if (!present) return op.body.required ? ['request body is required but none was sent'] : []
  if (!ex.requestContentType) return ['request has a body but no Content-Type']
  const media = mediaTypeOf(ex.requestContentType)
  const content = op.body.contents.find(c => mediaMatches(c.mediaType, media))
  if (!content) {
    return [`request Content-Type '${media}' is not accepted (expected ${op.body.contents.map(c => c.mediaType).join(' or ')})`]
  }
  if (content.fields) {
    const body = ex.requestBody
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return [`a ${media} body must be a set of fields`]
    const kind = media === 'multipart/form-data' ? 'multipart field' : 'form field'
    return checkFields(spec, kind, content.fields, body as Record<string, unknown>)
  }
  return content.schema ? validate(content.schema, ex.requestBody, 'request body') : []
}

// ---------------------------------------------------------------------------------------------------------------
// Responses

/** Checks a response body; receives the HTTP status for error bodies that repeat it. */
type BodyRule = (body: unknown, status: number) => string[]

const anyBody: BodyRule = () => []

const noBody: BodyRule = (body, status) => (isEmptyBody(body) ? [] : [`a ${status} response must have no body, got ${preview(body)}`])

function schemaBody(schema: Json): BodyRule {
  return body => (isEmptyBody(body) ? ['response body is missing'] : validate(schema, body, 'response body'))
}

/**
 * Corda endpoints typed `string` answer raw text (PRODUCT.md §8). When that text happens to be JSON (the
 * GroupPolicy of `/mgm/{h}/info`) the request log has parsed it, so a JSON object or array is raw text too.
 */
const rawTextBody: BodyRule = body => (typeof body === 'string' || (typeof body === 'object' && body !== null) ? [] : [`expected raw text, got ${preview(body)}`])

/** An error shape (inline schema) whose `status`/`code` field, when present, must repeat the HTTP status. */
function errorBody(shape: string, schema: Json, statusField?: string): BodyRule {
  return (body, status) => {
    const problems = validate(schema, body, `${shape} error body`)
    const echoed = statusField && typeof body === 'object' && body !== null ? (body as Json)[statusField] : undefined
    if (echoed !== undefined && echoed !== status) problems.push(`${shape} error body says ${statusField} ${echoed}, HTTP says ${status}`)
    return problems
  }
}

const cordaError = errorBody(
  'Corda',
  {
    type: 'object',
    required: ['title', 'status', 'details'],
    additionalProperties: false,
    properties: {
      title: {type: 'string'},
      status: {type: 'integer'},
      details: {type: 'object', additionalProperties: {type: 'string'}},
    },
  },
  'status',
)

const springError = errorBody(
  'Spring',
  {
    type: 'object',
    required: ['timestamp', 'status', 'error', 'message', 'path'],
    properties: {
      timestamp: {type: 'string'},
      status: {type: 'integer'},
      error: {type: 'string'},
      message: {type: 'string'},
      path: {type: 'string'},
    },
  },
  'status',
)

const regardsError = errorBody('REGARDS', {
  type: 'object',
  required: ['messages'],
  additionalProperties: false,
  properties: {messages: {type: 'array', items: {type: 'string'}}},
})

const jobServiceError = errorBody(
  'Job Service',
  {
    type: 'object',
    required: ['message'],
    additionalProperties: false,
    properties: {message: {type: 'string'}, code: {type: 'integer'}},
  },
  'code',
)

function eitherBody(...rules: BodyRule[]): BodyRule {
  return (body, status) => {
    const results = rules.map(rule => rule(body, status))
    return results.some(r => r.length === 0) ? [] : results.flat()
  }
}

function successCodes(op: Operation): number[] {
  return Object.keys(op.node.responses ?? {})
    .filter(code => /^2\d\d$/.test(code))
    .map(Number)
}

/** The spec's schema for one response code: a `$ref` Ajv can compile, and the resolved schema; undefined if none. */
function responseSchema(spec: Spec, op: Operation, code: string): {ref: Json; shape: Json} | undefined {
  const raw = op.node.responses?.[code] as Json | undefined
  if (!raw) return undefined
  const [response, at] = deref(spec, raw, op.pointer + pointerOf('responses', code))
  let schema: Json | undefined
  let schemaAt = at
  if (spec.swagger2) {
    schema = response.schema
    schemaAt += pointerOf('schema')
  } else {
    const content = (response.content ?? {}) as Json
    const media = 'application/json' in content ? 'application/json' : Object.keys(content)[0]
    schema = media ? content[media].schema : undefined
    if (media) schemaAt += pointerOf('content', media, 'schema')
  }
  if (!schema) return undefined
  return {ref: refTo(spec, schemaAt), shape: deref(spec, schema, schemaAt)[0]}
}

/** Rule for a success code that the spec describes. */
function specSuccessBody(spec: Spec, op: Operation, code: string, status: number): BodyRule {
  if (status === 204) return noBody
  const schema = responseSchema(spec, op, code)
  if (!schema) return anyBody
  if (spec.family === 'corda' && typeOf(schema.shape) === 'string') return rawTextBody
  return schemaBody(schema.ref)
}

const CORDA_ERRORS = [400, 401, 403, 404, 405, 409, 500, 503]
const REGARDS_ERRORS = [400, 403, 404, 409, 413, 422, 500]

/** Allowed statuses of one operation, each with its body rule. */
function responseRules(spec: Spec, op: Operation): Map<number, BodyRule> {
  const rules = new Map<number, BodyRule>()
  const specSuccess = successCodes(op)
  if (spec.family === 'corda') {
    // The generated spec only knows 200/201; the overlay has what the server really answers (202, 204...).
    const key = `${op.method} ${op.template}`
    const codes = spec.overlay?.get(key) ?? specSuccess
    const specCode = String(specSuccess[0] ?? 200)
    for (const code of codes) rules.set(code, specSuccessBody(spec, op, specCode, code))
    for (const code of CORDA_ERRORS) rules.set(code, cordaError)
    return rules
  }
  for (const code of specSuccess) rules.set(code, specSuccessBody(spec, op, String(code), code))
  if (spec.family === 'workermanager') {
    for (const code of REGARDS_ERRORS) rules.set(code, regardsError)
    rules.set(401, springError)
    if (op.method === 'POST' && op.template === '/microservice/configuration') {
      // Configuration import (PRODUCT.md §8): 201 all imported, 206 partly, 409 nothing imported, 422 no module.
      const reports = responseSchema(spec, op, '200')
      const reportsBody = reports ? schemaBody(reports.ref) : anyBody
      rules.set(201, noBody)
      rules.set(206, reportsBody)
      rules.set(409, eitherBody(reportsBody, regardsError))
      rules.set(422, eitherBody(noBody, regardsError))
    }
    return rules
  }
  // Job Service: the spec's error codes, plus PUT 403 (job exists with another definition) and 400 on list/count
  // for bad filters or sort (PRODUCT.md §8).
  const errors = Object.keys(op.node.responses ?? {})
    .map(Number)
    .filter(code => code >= 400)
  if (op.node.operationId === 'createOrUpdateJob') errors.push(403)
  if (op.node.operationId === 'getJobs' || op.node.operationId === 'getJobsCount') errors.push(400)
  // 500 where the service really answers it for what a caller sent (PRODUCT.md §8 extra), in `{message}`:
  // - PUT: a value too long for its varchar column (SQLSTATE 22001, rethrown), a Java NullPointerException for a body
  //   with neither task nor type, or a null taskApiVersion, delay or labels;
  // - list, count and the bulk calls: a filter whose SQL PostgreSQL refuses (a status outside the enum, `*` on status or
  //   percentageComplete) or whose percentageComplete is not a Java double (NumberFormatException), and for the list a
  //   limit or offset Jersey cannot convert (a 404 ParamException the service's ApiExceptionMapper turns into 500).
  if (['createOrUpdateJob', 'getJobs', 'getJobsCount', 'cancelJobs', 'deleteJobs'].includes(String(op.node.operationId))) errors.push(500)
  for (const code of errors) rules.set(code, jobServiceError)
  return rules
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

function label(ex: Exchange): string {
  return `${ex.method.toUpperCase()} ${ex.path} -> ${ex.status}: `
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? text.slice(0, 77) + '...' : text
}

export function validateRequest(ex: Exchange): string[] {
  const located = locate(ex)
  if (typeof located === 'string') return [label(ex) + located]
  const query = located.op.params.filter(p => p.in === 'query')
  const problems = [...checkPathParams(located), ...checkFields(located.spec, 'query parameter', query, ex.query ?? {}), ...checkRequestBody(located, ex)]
  return [...new Set(problems)].map(p => label(ex) + p)
}

export function validateResponse(ex: Exchange): string[] {
  const located = locate(ex)
  if (typeof located === 'string') return [label(ex) + located]
  const rules = responseRules(located.spec, located.op)
  const rule = rules.get(ex.status)
  if (!rule) {
    const allowed = [...rules.keys()].sort((a, b) => a - b).join(', ')
    return [`${label(ex)}status ${ex.status} is not allowed for this operation (allowed: ${allowed})`]
  }
  return [...new Set(rule(ex.responseBody, ex.status))].map(p => label(ex) + p)
}

export function validateExchange(ex: Exchange): string[] {
  // An unknown operation is reported by both halves; say it once.
  return [...new Set([...validateRequest(ex), ...validateResponse(ex)])]
}

export function expectContract(exchanges: Exchange[]): void {
  const checked = exchanges.filter(ex => contractFor(ex.path) !== undefined)
  if (checked.length === 0) {
    const paths = exchanges.map(ex => `${ex.method} ${ex.path}`).join(', ') || 'none'
    throw new Error(`expectContract: no exchange has a contract, so nothing was checked (exchanges: ${paths})`)
  }
  const problems = checked.flatMap(validateExchange)
  if (problems.length > 0) {
    throw new Error(`${problems.length} contract problem(s) in ${checked.length} exchange(s):\n  ${problems.join('\n  ')}`)
  }
}

/**
 * Like expectContract, for tests that also send wrong requests on purpose (a bad body, a query parameter or a path
 * the API version lacks): those exchanges are left out, their answers aside; every other answer must be right.
 */
export function expectValidAnswers(exchanges: Exchange[]): void {
  const deliberate = /-> \d+: (request body|query parameter|no such operation)/
  expectContract(exchanges.filter(ex => contractFor(ex.path) === undefined || !validateExchange(ex).some(p => deliberate.test(p))))
}
