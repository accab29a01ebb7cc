// RBAC operations as an operator means them, on a real cluster's terms (reference/corda-rest.md §8):
// - Corda never answers 409 for roles or permissions: a role POST sent twice makes two roles with one name, so a POST
//   whose answer was lost is never sent again before looking for what it made;
// - writes reach reads through Kafka and each REST worker's cache, so a read right after a write may not see it yet;
// - permissions are matched by value, and the list only returns vnode-scoped ones when asked for that vnode.
import {ConflictError} from '../../../errors.js'
import {isOutage, isStatus} from '../../errors.js'
import type {ChangeResult} from '../../types.js'
import {poll, type WaitOptions} from '../../wait.js'
import type {CordaClient} from '../client.js'
import {samePermission} from '../permissions.js'
import {ambiguousRole} from '../roles.js'
import type {CreatePermissionType, CreateUserType, PermissionResponseType, RoleResponseType, UserResponseType} from '../types.js'

const norm = (v: string | null | undefined) => (v === undefined || v === null || v === '' ? null : v)

/** How long a read may lag a write (RBAC changes travel through Kafka to every REST worker's cache); `graceMs` overrides it. */
export const RBAC_LAG_MS = 15_000

/** Sends of a create whose answer was lost, counting the first. */
const CREATE_ATTEMPTS = 3

/**
 * Reads until `done` holds, or the lag window ends (then the last answer is taken as it is). A 404 within the window
 * is the write not seen yet.
 */
async function afterWrite<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, options: WaitOptions = {}): Promise<T> {
  const lag = options.graceMs ?? RBAC_LAG_MS
  let last: T | undefined
  try {
    return await poll({
      what,
      fetch: read,
      done,
      onStatus: value => (last = value),
      transient: (error, elapsed) => elapsed < lag && isStatus(error, 404),
      deadline: Math.min(options.deadline ?? Infinity, Date.now() + lag),
      signal: options.signal,
      initialMs: 200,
      maxMs: 1000,
    })
  } catch (error) {
    if (last !== undefined && !options.signal?.aborted) return last
    throw error
  }
}

/** A permission with a virtual node keeps it only when created on its own: the bulk call drops it. */
const vnodeScoped = (p: CreatePermissionType) => norm(p.virtualNode) !== null

/** Creates `wanted` on `role`s: in one bulk call, but one at a time (create, then associate) when vnode-scoped. */
async function createOn(corda: CordaClient, wanted: CreatePermissionType[], roleIds: string[], options: WaitOptions): Promise<string[]> {
  const ids: string[] = []
  const bulk = wanted.filter(p => !vnodeScoped(p))
  if (bulk.length > 0) {
    // Right after the role was made, the REST worker's cache may not know it yet ("Roles with the following ids cannot be found").
    const made = await poll({
      what: 'the new role to be known',
      fetch: () => corda.permissions.bulkCreate({permissionsToCreate: bulk, roleIds}),
      done: () => true,
      transient: (error, elapsed) => elapsed < (options.graceMs ?? RBAC_LAG_MS) && isStatus(error, 400, /^Roles with the following ids cannot be found/),
      deadline: options.deadline,
      signal: options.signal,
      initialMs: 200,
      maxMs: 1000,
    })
    ids.push(...made.permissionIds)
  }
  for (const p of wanted.filter(vnodeScoped)) {
    const created = await corda.permissions.create(p)
    for (const roleId of roleIds)
      await afterWrite(
        `permission ${created.id}`,
        () => corda.roles.addPermission(roleId, created.id),
        () => true,
        options,
      )
    ids.push(created.id)
  }
  return ids
}

export type PermissionChange = PermissionResponseType & {result: ChangeResult; roles: string[]}

/**
 * Creates a permission unless an equal one exists, and makes sure each role has it. `roles` are resolved roles; the
 * result lists their ids. Corda never answers 409 for a permission, so the create is never sent twice.
 */
export async function ensurePermission(corda: CordaClient, wanted: CreatePermissionType, roles: RoleResponseType[] = [], options: WaitOptions = {}): Promise<PermissionChange> {
  const roleIds = roles.map(r => r.id)
  const existing = await corda.permissions.find(wanted)
  if (!existing) {
    if (roleIds.length === 0) return {...(await corda.permissions.create(wanted)), result: 'created', roles: []}
    const [id] = await createOn(corda, [wanted], roleIds, options)
    return {
      ...(await afterWrite(
        `permission ${id}`,
        () => corda.permissions.get(id!),
        () => true,
        options,
      )),
      result: 'created',
      roles: roleIds,
    }
  }
  let added = false
  for (const role of roles) {
    if (role.permissions.some(p => p.id === existing.id)) continue
    added = (await corda.roles.addPermission(role.id, existing.id)).result === 'updated' || added
  }
  return {...existing, result: added ? 'updated' : 'unchanged', roles: roleIds}
}

export type RoleChange = RoleResponseType & {result: ChangeResult; addedPermissions: string[]}

/** The only role of that name, or none; several are refused with their ids. */
async function onlyRole(corda: CordaClient, roleName: string): Promise<RoleResponseType | undefined> {
  const roles = await corda.roles.named(roleName)
  if (roles.length > 1) throw ambiguousRole(roleName, roles)
  return roles[0]
}

/**
 * POST /role, never twice blindly: a POST whose answer was lost (or that met a 503) may have made the role, and sending
 * it again would make a second one, so the role is looked for first (for as long as reads may lag), and sent again only
 * if it did not appear.
 */
async function createRole(corda: CordaClient, roleName: string, groupVisibility: string | null, options: WaitOptions): Promise<RoleResponseType> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await corda.roles.create({roleName, groupVisibility})
    } catch (error) {
      if (!isOutage(error) || attempt >= CREATE_ATTEMPTS || options.signal?.aborted) throw error
      const made = await afterWrite(
        `role ${roleName} to appear`,
        () => corda.roles.named(roleName),
        roles => roles.length > 0,
        options,
      )
      if (made.length > 1) throw ambiguousRole(roleName, made)
      if (made[0]) return made[0]
    }
  }
}

/**
 * What a role has, by value: the lists of cluster-wide permissions (or `listed`, read already), and each other one of
 * its own read by id.
 */
export async function permissionsOf(
  corda: CordaClient,
  role: RoleResponseType,
  types: Array<CreatePermissionType['permissionType']>,
  listed?: PermissionResponseType[],
): Promise<PermissionResponseType[]> {
  listed ??= (await Promise.all(types.map(permissionType => corda.permissions.list({permissionType})))).flat()
  const known = new Set(listed.map(p => p.id))
  // The list leaves out vnode-scoped permissions unless asked for that vnode: the role's own are read one by one.
  const own = await Promise.all(role.permissions.filter(p => !known.has(p.id)).map(p => corda.permissions.get(p.id).catch(() => undefined)))
  return [...listed, ...own.filter((p): p is PermissionResponseType => p !== undefined)]
}

/**
 * Creates the role unless one of that name exists, then gives it every wanted permission it lacks (reusing equal
 * permissions that exist elsewhere, creating the rest). An existing role with another group visibility is a conflict;
 * several roles of that name (Corda allows it) are refused with their ids.
 */
export async function ensureRole(
  corda: CordaClient,
  roleName: string,
  options: {groupVisibility?: string | null; permissions?: CreatePermissionType[]} & WaitOptions = {},
): Promise<RoleChange> {
  const wanted = options.permissions ?? []
  let role = await onlyRole(corda, roleName)
  let result: ChangeResult = 'unchanged'
  if (!role) {
    role = await createRole(corda, roleName, norm(options.groupVisibility), options)
    result = 'created'
  } else if (norm(role.groupVisibility) !== norm(options.groupVisibility)) {
    throw new ConflictError(
      `role ${roleName} exists with group visibility ${norm(role.groupVisibility) ?? 'none'}, not ${norm(options.groupVisibility) ?? 'none'}`,
      "Corda cannot change a role's group visibility: choose another role name",
    )
  }
  if (wanted.length === 0) return {...role, result, addedPermissions: []}

  const all = await permissionsOf(corda, role, [...new Set(wanted.map(p => p.permissionType))])
  const onRole = new Set(role.permissions.map(p => p.id))
  const missing = wanted.filter(w => !all.some(p => onRole.has(p.id) && samePermission(p, w)))
  if (missing.length === 0) return {...role, result, addedPermissions: []}

  const added: string[] = []
  const toCreate: CreatePermissionType[] = []
  for (const w of missing) {
    const reusable = all.find(p => samePermission(p, w)) ?? (vnodeScoped(w) ? await corda.permissions.find(w) : undefined)
    if (reusable) {
      const {id} = role
      await afterWrite(
        `role ${id}`,
        () => corda.roles.addPermission(id, reusable.id),
        () => true,
        options,
      )
      added.push(reusable.id)
    } else toCreate.push(w)
  }
  if (toCreate.length > 0) added.push(...(await createOn(corda, toCreate, [role.id], options)))
  const {id} = role
  const updated = await afterWrite(
    `role ${id}`,
    () => corda.roles.get(id),
    r => added.every(a => r.permissions.some(p => p.id === a)),
    options,
  )
  return {...updated, result: result === 'created' ? 'created' : 'updated', addedPermissions: added}
}

export type UserChange = UserResponseType & {result: ChangeResult}

/** The fields of a user a create sets and a later create must agree with. */
function userDifferences(existing: UserResponseType, wanted: WantedUser): string[] {
  const differences: string[] = []
  if (existing.fullName !== wanted.fullName) differences.push(`full name "${existing.fullName}", not "${wanted.fullName}"`)
  if (existing.enabled !== wanted.enabled) differences.push(existing.enabled ? 'enabled, not disabled' : 'disabled, not enabled')
  const expiry = (v?: string | null) => (v ? new Date(v).toISOString() : null)
  if (wanted.passwordExpiry !== undefined && expiry(existing.passwordExpiry) !== expiry(wanted.passwordExpiry)) {
    differences.push(`password expiry ${existing.passwordExpiry ?? 'none'}, not ${wanted.passwordExpiry ?? 'none'}`)
  }
  return differences
}

/** A user to ensure. The password may be a function: it is then asked for only when the user has to be created. */
export interface WantedUser extends Omit<CreateUserType, 'initialPassword'> {
  initialPassword: string | (() => Promise<string>)
}

/**
 * POST /user. A 409 means it exists (made meanwhile by another run, or another casing of this login): it is then read
 * and compared like any existing user. No answer means it may exist, made by this very request: it is looked for before
 * the POST is sent again. Reads may lag writes, so looking lasts the lag window.
 */
async function createUser(
  corda: CordaClient,
  wanted: CreateUserType,
  existing: () => Promise<UserResponseType | undefined>,
  options: WaitOptions,
): Promise<{user: UserResponseType; made: boolean}> {
  for (let attempt = 1; ; attempt++) {
    try {
      return {user: await corda.users.create(wanted), made: true}
    } catch (error) {
      const lost = isOutage(error)
      if (!isStatus(error, 409) && (!lost || attempt >= CREATE_ATTEMPTS || options.signal?.aborted)) throw error
      const user = await afterWrite(`user ${wanted.loginName}`, existing, u => u !== undefined, options)
      if (user) return {user, made: lost}
      if (!lost) throw error
    }
  }
}

/**
 * Creates the user unless one with that login exists (in any case: Corda stores logins lower-cased, and the result
 * shows its form); an existing one that matches is `unchanged` (its password is left alone, and not even asked for),
 * one that differs is a 409 naming the differences. Then each role in `roles` is associated.
 */
export async function ensureUser(corda: CordaClient, wanted: WantedUser, roles: RoleResponseType[] = [], options: WaitOptions = {}): Promise<UserChange> {
  // Looked up first, so an existing user's password is never sent again.
  const existing = () =>
    corda.users.get(wanted.loginName).catch(error => {
      if (isStatus(error, 404)) return undefined
      throw error
    })
  let user: UserResponseType | undefined = await existing()
  let result: ChangeResult = 'unchanged'
  if (!user) {
    const initialPassword = typeof wanted.initialPassword === 'function' ? await wanted.initialPassword() : wanted.initialPassword
    const created = await createUser(corda, {...wanted, initialPassword}, existing, options)
    user = created.user
    if (created.made) result = 'created'
  }
  let shown: UserResponseType = user
  if (result === 'unchanged') {
    const differences = userDifferences(shown, wanted)
    if (differences.length > 0) {
      throw new ConflictError(
        `user ${shown.loginName} exists with ${differences.join(', ')}`,
        'Corda cannot edit a user except for its roles and password; create another login, or match the existing one',
      )
    }
  }
  for (const role of roles) {
    if (shown.roleAssociations.some(a => a.roleId === role.id)) continue
    const {loginName} = shown
    const {result: association, ...after} = await afterWrite(
      `user ${loginName}`,
      () => corda.users.addRole(loginName, role.id),
      () => true,
      options,
    )
    shown = after
    if (result === 'unchanged' && association === 'updated') result = 'updated'
  }
  return {...shown, result}
}
