// RBAC operations as an operator means them: idempotent creation (a 409 that is the same object is `unchanged`),
// permissions matched by value (Corda never answers 409 for them).
import {ConflictError} from '../../../errors.js'
import {isStatus} from '../../errors.js'
import type {ChangeResult} from '../../types.js'
import type {CordaClient} from '../client.js'
import {samePermission} from '../permissions.js'
import type {CreatePermissionType, CreateUserType, PermissionResponseType, RoleResponseType, UserResponseType} from '../types.js'

const norm = (v: string | null | undefined) => (v === undefined || v === null || v === '' ? null : v)

export type PermissionChange = PermissionResponseType & {result: ChangeResult; roles: string[]}

/**
 * Creates a permission unless an equal one exists, and makes sure each role has it: one bulk call when it is new.
 * `roles` are resolved roles; the result lists their ids.
 */
export async function ensurePermission(corda: CordaClient, wanted: CreatePermissionType, roles: RoleResponseType[] = []): Promise<PermissionChange> {
  const roleIds = roles.map(r => r.id)
  const existing = await corda.permissions.find(wanted)
  if (!existing) {
    if (roleIds.length === 0) return {...(await corda.permissions.create(wanted)), result: 'created', roles: []}
    const {
      permissionIds: [id],
    } = await corda.permissions.bulkCreate({permissionsToCreate: [wanted], roleIds})
    return {...(await corda.permissions.get(id!)), result: 'created', roles: roleIds}
  }
  let added = false
  for (const role of roles) {
    if (role.permissions.some(p => p.id === existing.id)) continue
    await corda.roles.addPermission(role.id, existing.id)
    added = true
  }
  return {...existing, result: added ? 'updated' : 'unchanged', roles: roleIds}
}

export type RoleChange = RoleResponseType & {result: ChangeResult; addedPermissions: string[]}

/**
 * Creates the role unless it exists, then gives it every wanted permission it lacks (reusing equal permissions that
 * exist elsewhere, creating the rest in one bulk call). An existing role with another group visibility is a conflict.
 */
export async function ensureRole(corda: CordaClient, roleName: string, options: {groupVisibility?: string | null; permissions?: CreatePermissionType[]} = {}): Promise<RoleChange> {
  const wanted = options.permissions ?? []
  let role = (await corda.roles.list()).find(r => r.roleName === roleName)
  let result: ChangeResult = 'unchanged'
  if (!role) {
    try {
      role = await corda.roles.create({roleName, groupVisibility: norm(options.groupVisibility)})
      result = 'created'
    } catch (error) {
      if (!isStatus(error, 409)) throw error
      role = (await corda.roles.list()).find(r => r.roleName === roleName)
      if (!role) throw error
    }
  }
  if (result === 'unchanged' && norm(role.groupVisibility) !== norm(options.groupVisibility)) {
    throw new ConflictError(
      `role ${roleName} exists with group visibility ${norm(role.groupVisibility) ?? 'none'}, not ${norm(options.groupVisibility) ?? 'none'}`,
      "Corda cannot change a role's group visibility: choose another role name",
    )
  }
  if (wanted.length === 0) return {...role, result, addedPermissions: []}

  // What the role has, by value: one list per permission type rather than one GET per permission.
  const types = [...new Set(wanted.map(p => p.permissionType))]
  const all = (await Promise.all(types.map(permissionType => corda.permissions.list({permissionType})))).flat()
  const onRole = new Set(role.permissions.map(p => p.id))
  const missing = wanted.filter(w => !all.some(p => onRole.has(p.id) && samePermission(p, w)))
  if (missing.length === 0) return {...role, result, addedPermissions: []}

  const added: string[] = []
  const toCreate: CreatePermissionType[] = []
  for (const w of missing) {
    const reusable = all.find(p => samePermission(p, w))
    if (reusable) {
      await corda.roles.addPermission(role.id, reusable.id)
      added.push(reusable.id)
    } else toCreate.push(w)
  }
  if (toCreate.length > 0) added.push(...(await corda.permissions.bulkCreate({permissionsToCreate: toCreate, roleIds: [role.id]})).permissionIds)
  return {...(await corda.roles.get(role.id)), result: result === 'created' ? 'created' : 'updated', addedPermissions: added}
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
 * Creates the user unless one with that login exists; an existing one that matches is `unchanged` (its password is
 * left alone, and not even asked for), one that differs is a 409 naming the differences. Then each role in `roles` is
 * associated.
 */
export async function ensureUser(corda: CordaClient, wanted: WantedUser, roles: RoleResponseType[] = []): Promise<UserChange> {
  // Looked up first, so an existing user's password is never sent again.
  const existing = () =>
    corda.users.get(wanted.loginName).catch(error => {
      if (isStatus(error, 404)) return undefined
      throw error
    })
  let user = await existing()
  let result: ChangeResult = 'unchanged'
  if (!user) {
    const initialPassword = typeof wanted.initialPassword === 'function' ? await wanted.initialPassword() : wanted.initialPassword
    try {
      user = await corda.users.create({...wanted, initialPassword})
      result = 'created'
    } catch (error) {
      // Created meanwhile (another run, or our own request whose answer was lost): compared like any existing user.
      if (!isStatus(error, 409) || !(user = await existing())) throw error
    }
  }
  if (result === 'unchanged') {
    const differences = userDifferences(user, wanted)
    if (differences.length > 0) {
      throw new ConflictError(
        `user ${wanted.loginName} exists with ${differences.join(', ')}`,
        'Corda cannot edit a user except for its roles and password; create another login, or match the existing one',
      )
    }
  }
  for (const role of roles) {
    if (user.roleAssociations.some(a => a.roleId === role.id)) continue
    user = await corda.users.addRole(user.loginName, role.id)
    if (result === 'unchanged') result = 'updated'
  }
  return {...user, result}
}
