// Applying a deployment: stage by stage in dependency order (KINDS), each stage planned afresh from the live state
// (so it sees what the earlier ones made) and run with bounded parallelism. Every object ends created, updated,
// unchanged, failed, or needs-recreate/needs-upgrade when only a flag would allow the change.
import {basename} from 'node:path'
import {setConfigSection} from '../api/corda/ops/config-set.js'
import {deployCpi} from '../api/corda/ops/cpi-deploy.js'
import {ensureRole, ensureUser} from '../api/corda/ops/rbac.js'
import {ensureVnode} from '../api/corda/ops/vnode-create.js'
import {upgradeVnode} from '../api/corda/ops/vnode-upgrade.js'
import type {RoleResponseType} from '../api/corda/types.js'
import {JobExistsError} from '../api/jobservice/client.js'
import {DEFINITION_LABEL, definitionHash} from '../api/jobservice/definition.js'
import type {WaitOptions} from '../api/wait.js'
import {keepDefinition} from '../config/job-definitions.js'
import {ConflictError} from '../errors.js'
import {DeploymentError} from './manifest.js'
import {type Action, type Change, type PlanContext, type Planned, planObject, References, rolePermissions} from './plan.js'
import {KINDS, type ObjectSpec, objectName} from './types.js'

export type Result = 'created' | 'updated' | 'unchanged' | 'failed' | 'needs-recreate' | 'needs-upgrade'

export interface ObjectReport {
  kind: ObjectSpec['kind']
  name: string
  file: string
  line: number
  action: Action
  result: Result
  reason?: string
  hint?: string
  changes: Change[]
  /** What the service calls it: requestId, shortHash, role id, checksum… */
  ids?: Record<string, string>
  durationMs: number
}

export interface ApplyOptions extends PlanContext, Pick<WaitOptions, 'deadline' | 'signal'> {
  /** The context name (job definitions are kept per context, for `job retry`). */
  contextName: string
  env: NodeJS.ProcessEnv
  /** Objects applied at once within a stage. */
  parallel?: number
  onReport?: (report: ObjectReport) => void
}

export const APPLY_PARALLELISM = 6

/** Reads only: every object's plan, after the references were checked (a problem → DeploymentError, exit 2). */
export async function planDeployment(specs: ObjectSpec[], ctx: PlanContext, source: string): Promise<Planned[]> {
  await checkReferences(specs, ctx, source)
  return mapLimit(specs, APPLY_PARALLELISM, spec => planObject(spec, ctx))
}

async function checkReferences(specs: ObjectSpec[], ctx: PlanContext, source: string): Promise<void> {
  const problems = await ctx.refs.check()
  if (problems.length > 0) throw new DeploymentError(source, problems)
}

export async function applyDeployment(specs: ObjectSpec[], options: ApplyOptions, source: string): Promise<ObjectReport[]> {
  await checkReferences(specs, options, source)
  const reports: ObjectReport[] = []
  const failed = new Set<string>()
  for (const kind of KINDS) {
    const stage = specs.filter(s => s.kind === kind)
    if (stage.length === 0) continue
    options.live.refresh()
    const refs = new References(specs, options.live)
    const ctx = {...options, refs}
    const done = await mapLimit(stage, options.parallel ?? APPLY_PARALLELISM, async spec => {
      const started = Date.now()
      const blocker = (await dependencies(spec, refs)).find(d => failed.has(d))
      const report = blocker ? base(spec, 'create', started, {result: 'failed', reason: `not tried: ${blocker} failed`}) : await applyOne(spec, ctx, started)
      if (report.result === 'failed') failed.add(`${spec.kind} ${report.name}`)
      options.onReport?.(report)
      return report
    })
    reports.push(...done)
  }
  return reports
}

/** `Kind name` of the objects this one needs, as reports name them (a failed one means this one is not tried). */
async function dependencies(spec: ObjectSpec, refs: References): Promise<string[]> {
  switch (spec.kind) {
    case 'VirtualNode': {
      const cpi = await refs.cpi(spec.cpi)
      return typeof cpi === 'string' ? [] : [`Cpi ${cpi.name}@${cpi.version}`]
    }
    case 'Role':
      return [spec.vnode, ...spec.permissions.map(p => p.vnode)].filter(v => v !== undefined).map(v => `VirtualNode ${v}`)
    case 'User':
      return spec.roles.map(r => `Role ${r}`)
    default:
      return []
  }
}

function base(spec: ObjectSpec, action: Action, started: number, rest: Partial<ObjectReport> & {result: Result}): ObjectReport {
  return {kind: spec.kind, name: objectName(spec), file: spec.at.file, line: spec.at.line, action, changes: [], ...rest, durationMs: Date.now() - started}
}

async function applyOne(spec: ObjectSpec, ctx: ApplyOptions, started: number): Promise<ObjectReport> {
  let plan: Planned | undefined
  try {
    plan = await planObject(spec, ctx)
    const {action, changes, reason} = plan
    if (action === 'unchanged') return base(spec, action, started, {result: 'unchanged'})
    if (action === 'conflict') return base(spec, action, started, {result: 'failed', changes, reason})
    if (action === 'needs-recreate' || action === 'needs-upgrade') return base(spec, action, started, {result: action, changes, reason})
    const ids = await change(spec, plan, ctx)
    return base(spec, action, started, {result: action === 'create' ? 'created' : 'updated', changes, ...(ids ? {ids} : {})})
  } catch (error) {
    if (ctx.signal?.aborted) throw error
    const e = error as Error & {hint?: string}
    return base(spec, plan?.action ?? 'create', started, {result: 'failed', changes: plan?.changes ?? [], reason: e.message, ...(e.hint ? {hint: e.hint} : {})})
  }
}

/** Makes the planned change; the ids worth reporting. */
async function change(spec: ObjectSpec, plan: Planned, ctx: ApplyOptions): Promise<Record<string, string> | undefined> {
  const step = {deadline: ctx.deadline, signal: ctx.signal}
  switch (spec.kind) {
    case 'Certificate': {
      await (await ctx.live.corda()).certificates.importCluster(spec.usage, spec.alias, spec.pem, basename(spec.file))
      return undefined
    }
    case 'Cpi': {
      const done = await deployCpi(await ctx.live.corda(), spec.file, {...step, force: plan.action === 'update'})
      return {cpiFileChecksum: done.cpiFileChecksum, ...(done.requestId ? {requestId: done.requestId} : {})}
    }
    case 'VirtualNode': {
      const corda = await ctx.live.corda()
      const cpi = await corda.cpis.resolve(spec.cpi, await ctx.live.cpis()) // the list this stage was planned from
      const node = await ctx.live.vnodeByX500(spec.x500)
      const done = node
        ? await upgradeVnode(corda, node, cpi, {
            ...step,
            confirmKill: async flows => {
              throw new ConflictError(
                `${flows.length} flow(s) are running on ${node.holdingIdentity.shortHash}: not upgraded, as maintenance would kill them`,
                'run apply again when they have finished',
              )
            },
          })
        : await ensureVnode(corda, spec.x500, cpi, {...step, request: spec.db})
      return 'holdingIdentity' in done
        ? {shortHash: done.holdingIdentity.shortHash, ...(done.requestId && done.requestId !== done.holdingIdentity.shortHash ? {requestId: done.requestId} : {})}
        : undefined
    }
    case 'Role': {
      const {permissions} = await rolePermissions(spec, ctx.refs)
      const role = await ensureRole(await ctx.live.corda(), spec.name, {groupVisibility: spec.groupVisibility ?? null, permissions, ...step})
      ctx.refs.rememberRole(role)
      return {roleId: role.id}
    }
    case 'User': {
      const corda = await ctx.live.corda()
      const password = ctx.env[spec.passwordEnv] ?? ''
      const roles = await Promise.all(spec.roles.map(ref => resolveRole(ctx, ref)))
      const exists = plan.action === 'update'
      const user = await ensureUser(
        corda,
        {
          loginName: spec.login,
          fullName: spec.fullName,
          enabled: spec.enabled,
          initialPassword: password,
          ...(spec.passwordExpiry ? {passwordExpiry: spec.passwordExpiry} : {}),
        },
        roles,
        step,
      )
      if (exists && ctx.flags.rotatePasswords) await corda.users.setPassword({loginName: user.loginName}, password)
      // Corda stores logins lower-cased: the report says which login the file's name became.
      return {loginName: user.loginName}
    }
    case 'ConfigSection': {
      const done = await setConfigSection(await ctx.live.corda(), spec.section, spec.values)
      return {version: String(done.version)}
    }
    case 'Job': {
      const js = await ctx.live.jobs(spec.partition)
      const definition = {...spec.definition, labels: {...spec.definition.labels, [DEFINITION_LABEL]: definitionHash(spec.definition)}}
      if (plan.action === 'update') await js.delete(spec.id)
      try {
        await js.create(spec.id, definition)
      } catch (error) {
        if (error instanceof JobExistsError) throw new ConflictError(error.message, '--recreate-jobs deletes it and creates it again')
        throw error
      }
      await keepDefinition(ctx.contextName, js.partition, spec.id, definition)
      return undefined
    }
  }
}

/** A role a User names, by id or name, as the live state has it now (after the Role stage). */
async function resolveRole(ctx: ApplyOptions, ref: string): Promise<RoleResponseType> {
  const role = await ctx.refs.role(ref)
  if (role === 'pending') throw new ConflictError(`role ${ref} does not exist yet`)
  if ('problem' in role) throw new ConflictError(role.problem)
  return role
}

/** Runs `work` over `items`, at most `limit` at once, results in the items' order. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i]!)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return results
}
