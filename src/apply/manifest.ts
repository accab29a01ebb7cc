// A deployment file read into checked objects (PRODUCT.md §7). Every problem of the file is found in one pass and
// reported by line, so `apply` and `diff` only ever start from a file that is right as written.
import {readFile, stat} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'
import type {Document, LineCounter, Node, YAMLMap} from 'yaml'
import {checkSection} from '../api/corda/config.js'
import {InvalidCpiError, readCpiManifest} from '../api/corda/cpi-file.js'
import {CPI_MAX_BYTES} from '../api/corda/ops/cpi-deploy.js'
import {checkPermissionString} from '../api/corda/permissions.js'
import {ROLE_TEMPLATE_NAMES, ROLE_TEMPLATES} from '../api/corda/rbac-templates.js'
import {CLUSTER_CERT_USAGES} from '../api/corda/types.js'
import {checkLoginName, checkPassword} from '../api/corda/users.js'
import {canonicalX500, parseX500} from '../api/corda/x500.js'
import type {NewJob} from '../api/jobservice/types.js'
import {checkJobId, checkNewJob, checkPartition} from '../api/jobservice/validate.js'
import {UsageError} from '../errors.js'
import {inputName, localFileError, readInput} from '../input/files.js'
import {API_VERSION, KINDS, type Kind, type ObjectSpec, objectName, type PermissionSpec, type Problem, VNODE_DB_FIELDS, type VnodeDbField} from './types.js'

export interface LoadOptions {
  /** Where `${VAR}` and `passwordFrom: {env}` are read; default process.env. */
  env?: NodeJS.ProcessEnv
  /** Whether the passwords must be there (apply); a diff or a dry run sets none, so only their variables are named. Default true. */
  passwords?: boolean
}

/** Every problem of a deployment file: bad input, exit 2, nothing sent. */
export class DeploymentError extends UsageError {
  readonly problems: Problem[]
  constructor(file: string, problems: Problem[]) {
    // One line, as every error is printed: the problems in line order, each with its place.
    const each = problems.map(p => `${p.file}:${p.line}: ${p.message}`)
    super(each.length === 1 ? each[0]! : `${file} has ${each.length} problems: ${each.join('; ')}`)
    this.problems = problems
  }
}

/** Reads and checks a deployment file ('-' = stdin; then relative paths resolve against the cwd). */
export async function loadDeployment(file: string, options: LoadOptions = {}): Promise<ObjectSpec[]> {
  const text = await readInput(file)
  return parseDeployment(text, inputName(file), file === '-' ? process.cwd() : dirname(resolve(file)), options)
}

/** The same from text already read; `name` is how problems name the file, `baseDir` resolves relative paths. */
export async function parseDeployment(text: string, name: string, baseDir: string, options: LoadOptions = {}): Promise<ObjectSpec[]> {
  const yaml = await import('yaml')
  const lineCounter = new yaml.LineCounter()
  const problems: Problem[] = []
  const substituted = new Map<string, string>()
  const reads: Promise<ObjectSpec | undefined>[] = []
  for (const doc of yaml.parseAllDocuments(text, {lineCounter, prettyErrors: false})) {
    const c = new Ctx(yaml, doc, lineCounter, name, baseDir, options.env ?? process.env, problems, substituted)
    c.needPasswords = options.passwords !== false
    if (doc.errors.length > 0) {
      for (const error of doc.errors) c.report(lineCounter.linePos(error.pos[0]).line, `invalid YAML: ${error.message.split('\n')[0]}`)
    } else if (!(yaml.isScalar(doc.contents) && doc.contents.value === null)) reads.push(readObject(c)) // else an empty document
  }
  if (reads.length === 0 && problems.length === 0) {
    problems.push({file: name, line: 1, message: `no object: write YAML documents with apiVersion: ${API_VERSION} and a kind (${KINDS.join(', ')})`})
  }
  const specs = (await Promise.all(reads)).filter(s => s !== undefined)
  const seen = new Map<string, number>()
  for (const spec of specs) {
    const key = `${spec.kind} ${objectName(spec)}`
    const first = seen.get(key)
    if (first === undefined) seen.set(key, spec.at.line)
    else problems.push({file: name, line: spec.at.line, message: `duplicate ${spec.kind} "${objectName(spec)}" (first at line ${first})`})
  }
  if (problems.length > 0) {
    // Redacted everywhere, whichever check quoted it: an environment variable's value may be a secret. Longest first,
    // so a value inside another is not half-replaced.
    const values = [...substituted].filter(([, v]) => v !== '').sort((a, b) => b[1].length - a[1].length)
    const redact = (message: string) => values.reduce((m, [n, v]) => m.replaceAll(v, `\${${n}}`), message)
    throw new DeploymentError(
      name,
      problems.sort((a, b) => a.line - b.line).map(p => ({...p, message: redact(p.message)})),
    )
  }
  return specs
}

type Yaml = typeof import('yaml')

/** One document being read: where its problems go and how its nodes map to lines. */
class Ctx {
  /** Problems found in this document: an object is kept only when it has none. */
  count = 0
  /** LoadOptions.passwords. */
  needPasswords = true

  constructor(
    readonly y: Yaml,
    readonly doc: Document.Parsed,
    private readonly lc: LineCounter,
    readonly file: string,
    readonly baseDir: string,
    readonly env: NodeJS.ProcessEnv,
    readonly problems: Problem[],
    readonly substituted: Map<string, string>,
  ) {}

  line(node: unknown, fallback = 1): number {
    const range = (node as Node | null | undefined)?.range
    return range ? this.lc.linePos(range[0]).line : fallback
  }

  report(line: number, message: string): undefined {
    this.problems.push({file: this.file, line, message})
    this.count++
    return undefined
  }
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{/g

/** `${NAME}` from the environment in every string value (not keys), `$${` a literal `${`. */
function interpolate(c: Ctx): void {
  c.y.visit(c.doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string') return
      node.value = node.value.replace(REFERENCE, (match: string, name?: string) => {
        if (match === '$${') return '${'
        const value = name === undefined ? undefined : c.env[name]
        if (value === undefined) {
          c.report(
            c.line(node),
            name === undefined
              ? 'malformed ${…}: write ${NAME} (letters, digits and _, not starting with a digit), or $${ for a literal ${'
              : `environment variable ${name} is not set`,
          )
          return match
        }
        c.substituted.set(name!, value)
        return value
      })
    },
  })
}

const describe = (v: unknown) => (Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`)

/** The fields of one mapping, read with their types checked and problems placed on their lines. Null is absent. */
class Fields {
  constructor(
    readonly c: Ctx,
    private readonly map: YAMLMap,
    readonly line: number,
    private readonly prefix = '',
  ) {}

  /** How problems name a field: `permissions[0].vnode`. */
  label(name: string): string {
    return this.prefix + name
  }

  private pair(name: string) {
    return this.map.items.find(p => this.c.y.isScalar(p.key) && String(p.key.value) === name)
  }

  /** Reports every field not in `allowed` (or the message `special` has for it). */
  rejectUnknown(allowed: readonly string[], special: Record<string, string> = {}): this {
    for (const {key} of this.map.items) {
      const name = String(this.c.y.isScalar(key) ? key.value : key)
      if (!allowed.includes(name)) this.c.report(this.c.line(key, this.line), special[name] ?? `unknown field "${this.label(name)}" (allowed: ${allowed.join(', ')})`)
    }
    return this
  }

  node(name: string): Node | undefined {
    let node = this.pair(name)?.value
    if (this.c.y.isAlias(node)) node = node.resolve(this.c.doc)
    return node === null || node === undefined || (this.c.y.isScalar(node) && node.value === null) ? undefined : (node as Node)
  }

  js(name: string): unknown {
    return this.node(name)?.toJS(this.c.doc)
  }

  /** The line of a field's value, else of its key, else of the mapping. */
  at(name?: string): number {
    const pair = name === undefined ? undefined : this.pair(name)
    return this.c.line(pair?.value ?? pair?.key, this.line)
  }

  problem(name: string | undefined, message: string): undefined {
    return this.c.report(this.at(name), message)
  }

  missing(name: string): undefined {
    return this.problem(undefined, `"${this.label(name)}" is required`)
  }

  wrong(name: string, expected: string, value: unknown): undefined {
    return this.problem(name, `"${this.label(name)}" must be ${expected}, not ${describe(value)}`)
  }

  /** `fn(value)`, with a UsageError it throws reported at the field (or the mapping when `name` is undefined). */
  check<T, R>(name: string | undefined, value: T | undefined, fn: (value: T) => R, context = ''): R | undefined {
    if (value === undefined) return undefined
    try {
      return fn(value)
    } catch (error) {
      if (!(error instanceof UsageError)) throw error
      return this.problem(name, context + error.message)
    }
  }

  string(name: string, required = false): string | undefined {
    const v = this.js(name)
    if (v === undefined) return required ? this.missing(name) : undefined
    if (typeof v !== 'string') return this.wrong(name, 'a string', v)
    if (required && v.trim() === '') return this.problem(name, `"${this.label(name)}" must not be empty`)
    return v
  }

  bool(name: string, absent: boolean): boolean | undefined {
    const v = this.js(name)
    if (v === undefined) return absent
    return typeof v === 'boolean' ? v : this.wrong(name, 'true or false', v)
  }

  oneOf<T extends string>(name: string, values: readonly T[], required = false): T | undefined {
    const v = this.string(name, required)
    if (v === undefined || values.includes(v as T)) return v as T | undefined
    return this.problem(name, `"${this.label(name)}" must be one of ${values.join(', ')}, not "${v}"`)
  }

  /** The fields of a nested mapping. */
  sub(name: string, required = false): Fields | undefined {
    const node = this.node(name)
    if (node === undefined) return required ? this.missing(name) : undefined
    if (!this.c.y.isMap(node)) return this.wrong(name, 'a mapping', this.js(name))
    return new Fields(this.c, node, this.at(name), `${this.label(name)}.`)
  }

  /** A list's items, each with its line and its name in problems (`roles[2]`). */
  list(name: string): {node: Node; line: number; label: string}[] | undefined {
    const node = this.node(name)
    if (node === undefined) return undefined
    if (!this.c.y.isSeq(node)) return this.wrong(name, 'a list', this.js(name))
    return node.items.map((item, i) => {
      const resolved = this.c.y.isAlias(item) ? item.resolve(this.c.doc) : item
      return {node: resolved as Node, line: this.c.line(item, this.at(name)), label: `${this.label(name)}[${i}]`}
    })
  }
}

/** A virtual node named in a role or permission: a short hash (upper-cased) or an X.500 name (canonical). */
function vnodeRef(f: Fields, name: string): string | undefined {
  const text = f.string(name)
  if (text !== undefined && /^[0-9A-Fa-f]{12}$/.test(text)) return text.toUpperCase()
  return f.check(name, text, t => canonicalX500(parseX500(t)), `"${f.label(name)}" is neither a 12-hex short hash nor an X.500 name: `)
}

/** checkPermissionString's message names the CLI flag (--string); the caller names the field instead. */
function permissionString(text: string): string {
  try {
    checkPermissionString(text)
  } catch (error) {
    throw error instanceof UsageError ? new UsageError(error.message.replace(/^--string /, '')) : error
  }
  return text
}

/** A file named relative to the deployment file; the problem names it as written. */
function fileProblem(file: string, error: unknown, expected: string): string {
  const e = localFileError(file, error, expected)
  return e instanceof UsageError ? e.message : `${file}: ${(e as Error).message}`
}

type SpecOf<K extends Kind> = Extract<ObjectSpec, {kind: K}>
/** What a kind's reader returns: undefined where a problem was reported. Any problem drops the whole object, so values
 * nested deeper (a permission, a role name) may be cast once their own problems are reported. */
type Draft<K extends Kind> = {[F in keyof Omit<SpecOf<K>, 'kind' | 'at'>]: Omit<SpecOf<K>, 'kind' | 'at'>[F] | undefined}

interface Reader<K extends Kind> {
  fields: readonly string[]
  special?: Record<string, string>
  read(f: Fields): Draft<K> | Promise<Draft<K>>
}

// Typed as a record so a field added to NewJob must be added here too.
const NEW_JOB: Record<keyof NewJob, true> = {
  name: true,
  description: true,
  externalData: true,
  task: true,
  type: true,
  parameters: true,
  prerequisiteJobIds: true,
  delay: true,
  labels: true,
}
const NEW_JOB_FIELDS = Object.keys(NEW_JOB) as (keyof NewJob)[]
const PER_VNODE_TEMPLATES = ROLE_TEMPLATE_NAMES.filter(n => ROLE_TEMPLATES[n].perVnode)

const READERS: {[K in Kind]: Reader<K>} = {
  Certificate: {
    fields: ['usage', 'alias', 'file'],
    async read(f) {
      const usage = f.oneOf('usage', CLUSTER_CERT_USAGES, true)
      const alias = f.string('alias', true)
      if (alias !== undefined && !/^[-._a-zA-Z0-9]{1,255}$/.test(alias)) f.problem('alias', `alias "${alias}" must be 1 to 255 of a-z A-Z 0-9 - . _`)
      const written = f.string('file', true)
      if (written === undefined) return {usage, alias, file: undefined, pem: undefined}
      const file = resolve(f.c.baseDir, written)
      const pem = await readFile(file, 'utf8').catch(error => f.problem('file', fileProblem(written, error, 'a PEM file')))
      if (pem !== undefined && !pem.includes('-----BEGIN CERTIFICATE-----')) f.problem('file', `${written} holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)`)
      return {usage, alias, file, pem}
    },
  },
  Cpi: {
    fields: ['file', 'force'],
    async read(f) {
      const force = f.bool('force', false)
      const written = f.string('file', true)
      if (written === undefined) return {file: undefined, cpiName: undefined, cpiVersion: undefined, force}
      const file = resolve(f.c.baseDir, written)
      try {
        const info = await stat(file)
        if (!info.isFile()) f.problem('file', `${written} is not a regular file`)
        else if (info.size > CPI_MAX_BYTES) f.problem('file', `${written} is ${info.size} bytes, over the cluster's limit of ${CPI_MAX_BYTES}`)
        else {
          const manifest = await readCpiManifest(file)
          return {file, cpiName: manifest.name, cpiVersion: manifest.version, force}
        }
      } catch (error) {
        f.problem('file', error instanceof InvalidCpiError ? error.message.replace(error.file, written) : fileProblem(written, error, 'a CPI file'))
      }
      return {file, cpiName: undefined, cpiVersion: undefined, force}
    },
  },
  VirtualNode: {
    fields: ['x500', 'cpi', 'db'],
    read(f) {
      const x500 = f.check('x500', f.string('x500', true), t => canonicalX500(parseX500(t)))
      const cpi = f.string('cpi', true)
      const g = f.sub('db')?.rejectUnknown(VNODE_DB_FIELDS)
      const db: Partial<Record<VnodeDbField, string>> | undefined = g && {}
      for (const k of g ? VNODE_DB_FIELDS : []) {
        const v = g!.js(k)
        // Corda takes each connection as JSON text: a mapping written in YAML is sent as its JSON.
        if (typeof v === 'string') db![k] = v
        else if (typeof v === 'object') db![k] = JSON.stringify(v)
        else if (v !== undefined) g!.wrong(k, 'a string or a mapping', v)
      }
      return {x500, cpi, db}
    },
  },
  Role: {
    fields: ['name', 'groupVisibility', 'template', 'vnode', 'permissions'],
    read(f) {
      const name = f.string('name', true)
      const groupVisibility = f.string('groupVisibility')
      const template = f.oneOf('template', ROLE_TEMPLATE_NAMES)
      const perVnode = template !== undefined && ROLE_TEMPLATES[template].perVnode
      const hasVnode = f.node('vnode') !== undefined
      if (perVnode && !hasVnode) f.problem(undefined, `template ${template} is for one virtual node: give "vnode"`)
      if (!perVnode && hasVnode) {
        f.problem('vnode', `"vnode" goes only with a per-vnode template (${PER_VNODE_TEMPLATES.join(', ')})${template ? `; ${template} is cluster-wide` : ''}`)
      }
      const vnode = perVnode ? vnodeRef(f, 'vnode') : undefined
      const permissions = (f.list('permissions') ?? []).map(({node, line, label}) => {
        if (!f.c.y.isMap(node)) return f.c.report(line, `"${label}" must be a mapping {type, string, vnode}, not ${describe(node?.toJS(f.c.doc))}`)
        const p = new Fields(f.c, node, line, `${label}.`).rejectUnknown(['type', 'string', 'vnode'])
        const type = p.oneOf('type', ['ALLOW', 'DENY'] as const, true)
        const string = p.check('string', p.string('string', true), permissionString, `"${label}.string": `)
        const pvnode = vnodeRef(p, 'vnode')
        return {type, string, ...(pvnode !== undefined && {vnode: pvnode})} as PermissionSpec
      })
      return {name, groupVisibility, template, vnode, permissions: permissions as PermissionSpec[]}
    },
  },
  User: {
    fields: ['login', 'fullName', 'enabled', 'passwordExpiry', 'roles', 'passwordFrom'],
    special: {password: 'an inline password is not allowed: use passwordFrom: {env: NAME}'},
    read(f) {
      const login = f.check('login', f.string('login', true), s => (checkLoginName(s), s))
      const fullName = f.string('fullName') ?? login
      const enabled = f.bool('enabled', true)
      const passwordExpiry = f.check('passwordExpiry', f.string('passwordExpiry'), s => {
        if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(Date.parse(s))) throw new UsageError(`passwordExpiry "${s}" is not a date (2030-12-31 or 2030-12-31T12:00:00Z)`)
        return new Date(s).toISOString()
      })
      const roles = (f.list('roles') ?? []).map(({node, line, label}) => {
        const v: unknown = node?.toJS(f.c.doc)
        return typeof v === 'string' && v !== '' ? v : f.c.report(line, `"${label}" must be a role name, not ${v === '' ? 'empty' : describe(v)}`)
      })
      const from = f.sub('passwordFrom', true)?.rejectUnknown(['env'])
      const passwordEnv = from?.string('env', true)
      // Only the variable's name is ever kept or quoted: its value is the password.
      if (from && passwordEnv !== undefined) {
        const password = VAR_NAME.test(passwordEnv) ? f.c.env[passwordEnv] : undefined
        if (!VAR_NAME.test(passwordEnv)) from.problem('env', '"passwordFrom.env" must be a variable name (letters, digits and _, not starting with a digit)')
        else if (!password) {
          if (f.c.needPasswords) from.problem('env', `environment variable ${passwordEnv} (the password) is ${password === undefined ? 'not set' : 'empty'}`)
        } else from.check('env', password, checkPassword, `environment variable ${passwordEnv}: `)
      }
      return {login, fullName, enabled, passwordExpiry, roles: roles as string[], passwordEnv}
    },
  },
  ConfigSection: {
    fields: ['section', 'values'],
    read(f) {
      const section = f.check('section', f.string('section', true), s => (checkSection(s), s))
      const values = f.sub('values', true) && (f.js('values') as Record<string, unknown>)
      return {section, values}
    },
  },
  Job: {
    fields: ['id', 'partition', ...NEW_JOB_FIELDS],
    read(f) {
      const id = f.check('id', f.string('id', true), s => (checkJobId(s), s))
      const partition = f.check('partition', f.string('partition'), s => (checkPartition(s), s))
      const definition: Record<string, unknown> = {}
      for (const k of NEW_JOB_FIELDS) if (f.js(k) !== undefined) definition[k] = f.js(k)
      return {id, partition, definition: f.check(undefined, definition, checkNewJob)}
    },
  },
}

async function readObject(c: Ctx): Promise<ObjectSpec | undefined> {
  interpolate(c)
  const root = c.doc.contents
  if (!c.y.isMap(root)) {
    return c.report(c.line(root), `a document must be one object (a mapping with apiVersion and kind), not ${describe(root?.toJS(c.doc))}`)
  }
  const kindKey = root.items.find(p => c.y.isScalar(p.key) && p.key.value === 'kind')?.key
  const f = new Fields(c, root, c.line(kindKey ?? root))
  const apiVersion = f.js('apiVersion')
  if (apiVersion === undefined) f.problem(undefined, `"apiVersion" is required: apiVersion: ${API_VERSION}`)
  else if (apiVersion !== API_VERSION) f.problem('apiVersion', `apiVersion ${JSON.stringify(apiVersion)} is not supported: use ${API_VERSION}`)
  const kind = f.string('kind', true)
  if (kind === undefined) return undefined
  if (!(KINDS as readonly string[]).includes(kind)) return f.problem('kind', `unknown kind "${kind}" (one of ${KINDS.join(', ')})`)
  const reader = READERS[kind as Kind] as Reader<Kind>
  f.rejectUnknown(['apiVersion', 'kind', ...reader.fields], reader.special)
  const draft = await reader.read(f)
  if (c.count > 0) return undefined
  const fields = Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined))
  return {kind, at: {file: c.file, line: f.line}, ...fields} as ObjectSpec
}
