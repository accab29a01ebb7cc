// What apply would do to each object, from the live state and reads only: nothing here changes the cluster.
// The plan is also where references are checked (a vnode's CPI, a role's vnode, a user's roles): in the file or on
// the cluster, else a problem with its line, so a bad file stops before anything is sent.
import {isDeepStrictEqual} from 'node:util'
import type {CordaClient} from '../api/corda/client.js'
import {sha256File} from '../api/corda/cpi-file.js'
import {permissionsOf} from '../api/corda/ops/rbac.js'
import {samePermission} from '../api/corda/permissions.js'
import {templatePermissions} from '../api/corda/rbac-templates.js'
import {ambiguousRole} from '../api/corda/roles.js'
import type {CpiMetadata, CreatePermissionType, PermissionResponseType, RoleResponseType, VirtualNodeInfo} from '../api/corda/types.js'
import {tryCanonicalX500} from '../api/corda/x500.js'
import {isStatus} from '../api/errors.js'
import type {JobServiceClient} from '../api/jobservice/client.js'
import {DEFINITION_LABEL, definitionHash} from '../api/jobservice/definition.js'
import type {Job, NewJob} from '../api/jobservice/types.js'
import {canonicalJson} from '../shared/canonical-json.js'
import {
  type ConfigSectionSpec,
  type CpiSpec,
  type Kind,
  type ObjectSpec,
  type PermissionSpec,
  type Problem,
  type RoleSpec,
  type UserSpec,
  type VirtualNodeSpec,
  objectName,
} from './types.js'

/** `needs-*`: a change apply makes only with a flag; `conflict`: one the API cannot make at all. */
export type Action = 'create' | 'update' | 'unchanged' | 'needs-recreate' | 'needs-upgrade' | 'conflict'

export interface Change {
  field: string
  from?: unknown
  to?: unknown
}

export interface Planned {
  spec: ObjectSpec
  kind: Kind
  name: string
  action: Action
  changes: Change[]
  /** Why, for conflicts and needs-*. */
  reason?: string
}

export interface PlanFlags {
  allowUpgrade?: boolean
  recreateJobs?: boolean
  rotatePasswords?: boolean
}

const orUndefinedOn404 = <T>(p: Promise<T>): Promise<T | undefined> =>
  p.catch(error => {
    if (isStatus(error, 404)) return undefined
    throw error
  })
const once = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let p: Promise<T> | undefined
  return () => (p ??= load())
}

/**
 * The live state, each part read once and only if the file needs it. `refresh()` forgets it all (apply re-reads
 * between stages, so later stages see what earlier ones made).
 */
export class LiveState {
  cpis!: () => Promise<CpiMetadata[]>
  vnodes!: () => Promise<VirtualNodeInfo[]>
  roles!: () => Promise<RoleResponseType[]>
  permissions!: () => Promise<PermissionResponseType[]>

  constructor(
    readonly corda: () => Promise<CordaClient>,
    readonly jobs: (partition?: string) => Promise<JobServiceClient>,
  ) {
    this.refresh()
  }

  refresh(): void {
    this.cpis = once(async () => (await this.corda()).cpis.list())
    this.vnodes = once(async () => (await this.corda()).vnodes.list())
    this.roles = once(async () => (await this.corda()).roles.list())
    this.permissions = once(async () => {
      const corda = await this.corda()
      return (await Promise.all((['ALLOW', 'DENY'] as const).map(permissionType => corda.permissions.list({permissionType})))).flat()
    })
  }

  async vnodeByX500(x500: string): Promise<VirtualNodeInfo | undefined> {
    return (await this.vnodes()).find(n => (tryCanonicalX500(n.holdingIdentity.x500Name) ?? n.holdingIdentity.x500Name) === x500)
  }
}

// ---------------------------------------------------------------------------------------------------------------
// references

const SHORT_HASH = /^[0-9A-F]{12}$/
const CHECKSUM = /^(?:[0-9a-fA-F]{12}|[0-9a-fA-F]{64})$/

/** A CPI a VirtualNode names, as far as it can be known before the file's own CPIs are uploaded. */
export interface CpiTarget {
  name: string
  version: string
  /** On the cluster now (undefined: only in the file, not uploaded yet). */
  live?: CpiMetadata
}

export class References {
  private readonly fileCpiHashes = new Map<CpiSpec, Promise<string>>()
  /** Roles this run made: reads may lag writes, so a User stage may not see them listed yet. */
  private readonly madeRoles = new Map<string, RoleResponseType>()

  constructor(
    private readonly specs: ObjectSpec[],
    private readonly live: LiveState,
  ) {}

  private fileCpis(): CpiSpec[] {
    return this.specs.filter((s): s is CpiSpec => s.kind === 'Cpi')
  }

  private fileHash(spec: CpiSpec): Promise<string> {
    let hash = this.fileCpiHashes.get(spec)
    if (!hash) this.fileCpiHashes.set(spec, (hash = sha256File(spec.file)))
    return hash
  }

  /** The file's CPI wins over the cluster's: it is what the cluster will have once its stage ran. */
  async cpi(ref: string): Promise<CpiTarget | string> {
    const text = ref.trim()
    const live = await this.live.cpis()
    const label = (c: CpiTarget) => `${c.name}@${c.version}`
    const candidates: CpiTarget[] = []
    if (CHECKSUM.test(text)) {
      const upper = text.toUpperCase()
      for (const spec of this.fileCpis()) {
        const hash = await this.fileHash(spec)
        if (hash.startsWith(upper)) candidates.push({name: spec.cpiName, version: spec.cpiVersion})
      }
      for (const c of live) {
        if ((text.length === 12 ? c.cpiFileChecksum : c.cpiFileFullChecksum).toUpperCase() === upper) candidates.push({name: c.id.cpiName, version: c.id.cpiVersion, live: c})
      }
    }
    if (candidates.length === 0) {
      const at = text.lastIndexOf('@')
      const [name, version] = at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [text, undefined]
      for (const spec of this.fileCpis())
        if (spec.cpiName === name && (version === undefined || spec.cpiVersion === version)) candidates.push({name: spec.cpiName, version: spec.cpiVersion})
      for (const c of live)
        if (c.id.cpiName === name && (version === undefined || c.id.cpiVersion === version)) candidates.push({name: c.id.cpiName, version: c.id.cpiVersion, live: c})
    }
    const byLabel = new Map<string, CpiTarget>()
    for (const c of candidates) byLabel.set(label(c), {...byLabel.get(label(c)), ...c, live: c.live ?? byLabel.get(label(c))?.live})
    if (byLabel.size === 1) return [...byLabel.values()][0]!
    if (byLabel.size > 1) return `cpi "${ref}" matches ${[...byLabel.keys()].join(', ')}: say NAME@VERSION`
    return `cpi "${ref}" is neither a Cpi in this file nor on the cluster`
  }

  /** A vnode named by short hash (must exist) or X.500 (in the file or on the cluster): its short hash, or pending. */
  async vnode(ref: string): Promise<{shortHash?: string; x500?: string} | string> {
    if (SHORT_HASH.test(ref)) {
      return (await this.live.vnodes()).some(n => n.holdingIdentity.shortHash.toUpperCase() === ref) ? {shortHash: ref} : `no virtual node ${ref} on the cluster`
    }
    const live = await this.live.vnodeByX500(ref)
    if (live) return {shortHash: live.holdingIdentity.shortHash, x500: ref}
    if (this.specs.some(s => s.kind === 'VirtualNode' && s.x500 === ref)) return {x500: ref}
    return `virtual node "${ref}" is neither a VirtualNode in this file nor on the cluster`
  }

  /** A role a User names: by id, or by name (in the file, or on the cluster, where a name may belong to several). */
  async role(ref: string): Promise<RoleResponseType | 'pending' | {problem: string}> {
    const live = await this.live.roles()
    const byId = live.find(r => r.id.toLowerCase() === ref.toLowerCase())
    if (byId) return byId
    const named = live.filter(r => r.roleName === ref)
    if (named.length > 1) return {problem: ambiguousRole(ref, named).message + ': name the role by its id'}
    if (named[0]) return named[0]
    const made = this.madeRoles.get(ref)
    if (made) return made
    if (this.specs.some(s => s.kind === 'Role' && s.name === ref)) return 'pending'
    return {problem: `role "${ref}" is neither a Role in this file nor on the cluster`}
  }

  /** A role the Role stage made or found, for the stages after it. */
  rememberRole(role: RoleResponseType): void {
    this.madeRoles.set(role.roleName, role)
  }

  /** Every reference of every object checked; the problems found, with their lines. */
  async check(): Promise<Problem[]> {
    const problems: Problem[] = []
    const add = (spec: ObjectSpec, message: string) => problems.push({...spec.at, message: `${spec.kind} "${objectName(spec)}": ${message}`})
    for (const spec of this.specs) {
      if (spec.kind === 'VirtualNode') {
        const cpi = await this.cpi(spec.cpi)
        if (typeof cpi === 'string') add(spec, cpi)
      } else if (spec.kind === 'Role') {
        for (const ref of [spec.vnode, ...spec.permissions.map(p => p.vnode)]) {
          if (ref === undefined) continue
          const found = await this.vnode(ref)
          if (typeof found === 'string') add(spec, found)
        }
      } else if (spec.kind === 'User') {
        for (const role of spec.roles) {
          const found = await this.role(role)
          if (typeof found === 'object' && 'problem' in found) add(spec, found.problem)
        }
      }
    }
    return problems
  }
}

// ---------------------------------------------------------------------------------------------------------------
// planning, one object at a time

export interface PlanContext {
  live: LiveState
  refs: References
  flags: PlanFlags
}

/** The context to plan a file's objects in, reading the live state through the command's clients. */
export function planContext(specs: ObjectSpec[], flags: PlanFlags, clients: {corda: () => Promise<CordaClient>; jobService: () => Promise<JobServiceClient>}): PlanContext {
  const live = new LiveState(clients.corda, async partition => (await clients.jobService()).inPartition(partition))
  return {live, refs: new References(specs, live), flags}
}

const planned = (spec: ObjectSpec, action: Action, changes: Change[] = [], reason?: string): Planned => ({
  spec,
  kind: spec.kind,
  name: objectName(spec),
  action,
  changes,
  ...(reason ? {reason} : {}),
})

export async function planObject(spec: ObjectSpec, ctx: PlanContext): Promise<Planned> {
  switch (spec.kind) {
    case 'Certificate': {
      const plan = await (await ctx.live.corda()).certificates.importPlan(spec.usage, spec.alias, spec.pem)
      if ('takenBy' in plan) return planned(spec, 'conflict', [], `alias ${spec.alias} already holds a ${plan.takenBy} certificate: aliases are unique across usages`)
      return plan.action === 'update'
        ? planned(spec, 'update', [{field: 'certificate', from: 'another certificate chain', to: 'the chain in the file'}])
        : planned(spec, plan.action)
    }
    case 'Cpi':
      return planCpi(spec, ctx)
    case 'VirtualNode':
      return planVnode(spec, ctx)
    case 'Role':
      return planRole(spec, ctx)
    case 'User':
      return planUser(spec, ctx)
    case 'ConfigSection':
      return planConfig(spec, ctx)
    case 'Job': {
      const js = await ctx.live.jobs(spec.partition)
      const job = await orUndefinedOn404(js.get(spec.id))
      if (!job) return planned(spec, 'create')
      const differences = jobDifferences(job, spec.definition)
      if (differences.length === 0) return planned(spec, 'unchanged')
      return planned(
        spec,
        ctx.flags.recreateJobs ? 'update' : 'needs-recreate',
        differences,
        ctx.flags.recreateJobs ? undefined : 'the Job Service cannot change a job: --recreate-jobs deletes and creates it again',
      )
    }
  }
}

async function planCpi(spec: CpiSpec, ctx: PlanContext): Promise<Planned> {
  const existing = (await ctx.live.cpis()).find(c => c.id.cpiName === spec.cpiName && c.id.cpiVersion === spec.cpiVersion)
  if (!existing) return planned(spec, 'create')
  const hash = await sha256File(spec.file)
  if (hash.toUpperCase() === existing.cpiFileFullChecksum.toUpperCase()) return planned(spec, 'unchanged')
  const change = {field: 'cpiFileChecksum', from: existing.cpiFileChecksum, to: hash.slice(0, 12).toUpperCase()}
  return spec.force
    ? planned(spec, 'update', [change])
    : planned(spec, 'conflict', [change], `the cluster has ${spec.cpiName}@${spec.cpiVersion} with other content: raise Corda-CPI-Version, or set force: true to replace it`)
}

async function planVnode(spec: VirtualNodeSpec, ctx: PlanContext): Promise<Planned> {
  const target = await ctx.refs.cpi(spec.cpi)
  if (typeof target === 'string') return planned(spec, 'conflict', [], target)
  const node = await ctx.live.vnodeByX500(spec.x500)
  const to = `${target.name}@${target.version}`
  if (!node) return planned(spec, 'create', [{field: 'cpi', to}])
  const from = `${node.cpiIdentifier.cpiName}@${node.cpiIdentifier.cpiVersion}`
  if (from === to) return planned(spec, 'unchanged')
  const change = {field: 'cpi', from, to}
  if (node.cpiIdentifier.cpiName !== target.name) return planned(spec, 'conflict', [change], 'an upgrade must keep the CPI name: a virtual node cannot move to another CorDapp')
  return ctx.flags.allowUpgrade
    ? planned(spec, 'update', [change])
    : planned(spec, 'needs-upgrade', [change], '--allow-upgrade upgrades it (maintenance, CPI change, active again)')
}

const permissionText = (p: CreatePermissionType) => `${p.permissionType} ${p.permissionString}${p.virtualNode ? ` (vnode ${p.virtualNode})` : ''}`

/** The permissions a role should hold; a vnode not created yet is named by its X.500 name until it exists. */
export async function rolePermissions(spec: RoleSpec, refs: References): Promise<{permissions: CreatePermissionType[]; pending: boolean}> {
  let pending = false
  const hashOf = async (ref: string) => {
    const found = await refs.vnode(ref)
    if (typeof found === 'string') throw new Error(found) // checked before planning
    if (!found.shortHash) pending = true
    return found.shortHash ?? `<${ref}>`
  }
  const fromTemplate = spec.template ? templatePermissions(spec.template, spec.vnode ? await hashOf(spec.vnode) : undefined) : []
  const inline = await Promise.all(
    spec.permissions.map(async (p: PermissionSpec): Promise<CreatePermissionType> => ({
      permissionType: p.type,
      permissionString: p.string,
      groupVisibility: null,
      virtualNode: p.vnode ? await hashOf(p.vnode) : null,
    })),
  )
  return {permissions: [...fromTemplate, ...inline], pending}
}

async function planRole(spec: RoleSpec, ctx: PlanContext): Promise<Planned> {
  const {permissions} = await rolePermissions(spec, ctx.refs)
  const named = (await ctx.live.roles()).filter(r => r.roleName === spec.name)
  if (named.length > 1) return planned(spec, 'conflict', [], ambiguousRole(spec.name, named).message)
  const role = named[0]
  if (!role)
    return planned(
      spec,
      'create',
      permissions.map(p => ({field: 'permission', to: permissionText(p)})),
    )
  const norm = (v?: string | null) => v || null
  if (norm(role.groupVisibility) !== norm(spec.groupVisibility)) {
    return planned(
      spec,
      'conflict',
      [{field: 'groupVisibility', from: norm(role.groupVisibility), to: norm(spec.groupVisibility)}],
      "Corda cannot change a role's group visibility",
    )
  }
  const all = await permissionsOf(await ctx.live.corda(), role, ['ALLOW', 'DENY'], await ctx.live.permissions())
  const onRole = new Set(role.permissions.map(p => p.id))
  const missing = permissions.filter(w => !all.some(p => onRole.has(p.id) && samePermission(p, w)))
  return missing.length === 0
    ? planned(spec, 'unchanged')
    : planned(
        spec,
        'update',
        missing.map(p => ({field: 'permission', to: permissionText(p)})),
      )
}

async function planUser(spec: UserSpec, ctx: PlanContext): Promise<Planned> {
  const corda = await ctx.live.corda()
  const user = await orUndefinedOn404(corda.users.get(spec.login))
  if (!user)
    return planned(
      spec,
      'create',
      spec.roles.map(r => ({field: 'role', to: r})),
    )
  const changes: Change[] = []
  if (user.fullName !== spec.fullName) changes.push({field: 'fullName', from: user.fullName, to: spec.fullName})
  if (user.enabled !== spec.enabled) changes.push({field: 'enabled', from: user.enabled, to: spec.enabled})
  const expiry = (v?: string | null) => (v ? new Date(v).toISOString() : null)
  if (spec.passwordExpiry !== undefined && expiry(user.passwordExpiry) !== expiry(spec.passwordExpiry))
    changes.push({field: 'passwordExpiry', from: user.passwordExpiry ?? null, to: spec.passwordExpiry})
  if (changes.length > 0) return planned(spec, 'conflict', changes, 'Corda cannot edit a user except for its roles and password')
  for (const name of spec.roles) {
    const role = await ctx.refs.role(name)
    if (role === 'pending' || ('id' in role && !user.roleAssociations.some(a => a.roleId === role.id))) changes.push({field: 'role', to: name})
  }
  if (ctx.flags.rotatePasswords) changes.push({field: 'password', to: '(from the environment)'})
  return planned(spec, changes.length > 0 ? 'update' : 'unchanged', changes)
}

async function planConfig(spec: ConfigSectionSpec, ctx: PlanContext): Promise<Planned> {
  const corda = await ctx.live.corda()
  const current = await orUndefinedOn404(corda.config.get(spec.section))
  const source: unknown = current && current.sourceConfig.trim() !== '' ? JSON.parse(current.sourceConfig) : {}
  if (isDeepStrictEqual(source, spec.values)) return planned(spec, 'unchanged')
  return planned(spec, 'update', fieldChanges(source, spec.values))
}

/** Leaf by leaf (dotted paths), what differs between two JSON values. */
export function fieldChanges(from: unknown, to: unknown, path = ''): Change[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (isObject(from) && isObject(to)) {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()
    return keys.flatMap(k => fieldChanges(from[k], to[k], path ? `${path}.${k}` : k))
  }
  if (isDeepStrictEqual(from, to)) return []
  return [{field: path || '(whole)', ...(from !== undefined ? {from} : {}), ...(to !== undefined ? {to} : {})}]
}

/**
 * The service never returns a job's task, so apply labels each job it creates with its definition's hash. A job
 * without that label (made another way) is compared on what GET shows.
 */
function jobDifferences(job: Job, definition: NewJob): Change[] {
  const hash = job.labels?.[DEFINITION_LABEL]
  if (hash !== undefined) return hash === definitionHash(definition) ? [] : [{field: 'definition', from: hash, to: definitionHash(definition)}]
  const changes: Change[] = []
  for (const field of ['name', 'description', 'externalData'] as const) {
    if ((job[field] ?? undefined) !== definition[field]) changes.push({field, from: job[field] ?? undefined, to: definition[field]})
  }
  if (canonicalJson(job.labels ?? {}) !== canonicalJson(definition.labels ?? {})) changes.push({field: 'labels', from: job.labels ?? {}, to: definition.labels ?? {}})
  return changes
}
