// How the Corda REST worker authenticates and authorises (corda-rest.md §2, §8) against its RBAC users, roles and
// permissions. A permission string is a regex matched, whole and case-insensitively, against
// `METHOD:/api/<version>/<path>[?query]`; a matching DENY wins, else a matching ALLOW allows. Flow starts also
// need `StartFlow:<flowClassName>`. The built-in admin (the sandbox's configured credentials) holds the role
// "Default System Admin" with the one permission ALLOW `.*`, and cannot lose it. The RBAC endpoints are rbac-routes.ts.
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto'
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {SandboxRequest, SandboxResponse} from '../http/router.js'
import type {RbacPermission, RbacRole, RbacUser} from './model.js'

export const ADMIN_ROLE_NAME = 'Default System Admin'

/** 403 as the REST worker answers it (corda-rest.md §2). */
export function cordaForbidden(details: Record<string, string> = {}): SandboxResponse {
  return cordaError(403, 'User not authorized.', details)
}

// ---------------------------------------------------------------------------------------------------------------
// Passwords, authentication, authorisation

export function hashPassword(password: string, salt = randomBytes(16).toString('hex')): {salt: string; hash: string} {
  return {salt, hash: createHash('sha256').update(`${salt}:${password}`).digest('hex')}
}

export function passwordMatches(stored: {salt: string; hash: string}, given: string): boolean {
  return timingSafeEqual(Buffer.from(hashPassword(given, stored.salt).hash, 'hex'), Buffer.from(stored.hash, 'hex'))
}

/** A stable id for a built-in entity: the same on every start, and it draws nothing from the seeded id stream. */
export function builtInId(name: string): string {
  const h = createHash('sha256').update(`workerctl sandbox rbac ${name}`).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export const ADMIN_USER_ID = builtInId('admin user')

export const findUser = (ctx: SandboxContext, loginName: string) => ctx.corda.users.get(loginName.toLowerCase())

/** The one user the cluster never authorises request by request (it holds `.*` and cannot lose it). */
export const isAdmin = (user: RbacUser) => user.id === ADMIN_USER_ID

/** An expired password still lets its owner change it (POST /user/selfpassword), and nothing else. */
function isSelfPasswordChange(req: SandboxRequest): boolean {
  return req.method === 'POST' && /^\/api\/v5_2\/user\/selfpassword$/.test(req.path)
}

/** The user whose Basic credentials these are, if they may sign in (enabled, password matches and not expired). */
export function authenticate(ctx: SandboxContext, credentials: {username: string; password: string} | undefined, req: SandboxRequest): RbacUser | undefined {
  if (!credentials) return undefined
  const user = findUser(ctx, credentials.username)
  if (!user?.enabled || !user.password || !passwordMatches(user.password, credentials.password)) return undefined
  if (user.passwordExpiry !== null && Date.parse(user.passwordExpiry) <= ctx.clock() && !isSelfPasswordChange(req)) return undefined
  return user
}

/** Every permission the user holds through its roles, each once. */
export function permissionsOf(ctx: SandboxContext, user: RbacUser): RbacPermission[] {
  const out = new Map<string, RbacPermission>()
  for (const {roleId} of user.roles) {
    for (const {permissionId} of ctx.corda.roles.get(roleId)?.permissions ?? []) {
      const permission = ctx.corda.permissions.get(permissionId)
      if (permission) out.set(permission.id, permission)
    }
  }
  return [...out.values()]
}

/** DENY beats ALLOW; no match denies. */
function permits(permissions: RbacPermission[], resource: string): boolean {
  const matching = permissions.filter(p => p.regex.test(resource))
  return !matching.some(p => p.permissionType === 'DENY') && matching.some(p => p.permissionType === 'ALLOW')
}

/**
 * What the REST worker checks a request against: `METHOD:<path as sent>` plus `?<query>` when there is one.
 * The guard sees the parsed query, so the query string is re-encoded (form encoding, parameters in order).
 */
export function resourceString(req: SandboxRequest): string {
  const pairs = Object.entries(req.query).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]))
  const query = new URLSearchParams(pairs).toString()
  return `${req.method}:${req.path}${query === '' ? '' : `?${query}`}`
}

/** Authorises an authenticated request by its resource string: undefined when allowed, else the 403. */
export function authorize(ctx: SandboxContext, user: RbacUser, req: SandboxRequest): SandboxResponse | undefined {
  // Any authenticated user may change its own password (corda-rest.md §8).
  if (isAdmin(user) || isSelfPasswordChange(req)) return undefined
  // Vnode-scoped permissions take part here too: their regex names the vnode's paths anyway.
  return permits(permissionsOf(ctx, user), resourceString(req)) ? undefined : cordaForbidden()
}

/**
 * Whether `principal` may start `flowClassName` on the vnode `shortHash`: a permission matching
 * `StartFlow:<flowClassName>` that is not scoped to another vnode. The flow start endpoint asks this last, after
 * its own checks (FlowRestResourceImpl.startFlow).
 */
export function mayStartFlow(ctx: SandboxContext, principal: string, shortHash: string, flowClassName: string): boolean {
  const user = findUser(ctx, principal)
  if (!user || isAdmin(user)) return true
  const h = shortHash.toUpperCase()
  const applicable = permissionsOf(ctx, user).filter(p => p.virtualNode === null || p.virtualNode.toUpperCase() === h)
  return permits(applicable, `StartFlow:${flowClassName}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding

export function compile(permissionString: string): RegExp {
  return new RegExp(`^(?:${permissionString})$`, 'i')
}

/** The built-in admin user, its role and its one permission, as a new cluster has them. */
export function seedRbac(ctx: SandboxContext): void {
  const now = ctx.clock()
  const permission: RbacPermission = {
    id: builtInId('admin permission'),
    permissionType: 'ALLOW',
    permissionString: '.*',
    groupVisibility: null,
    virtualNode: null,
    version: 0,
    updated: now,
    regex: compile('.*'),
  }
  const role: RbacRole = {
    id: builtInId('admin role'),
    roleName: ADMIN_ROLE_NAME,
    groupVisibility: null,
    version: 0,
    updated: now,
    permissions: [{permissionId: permission.id, created: now}],
  }
  const {username, password} = ctx.settings
  const admin: RbacUser = {
    id: ADMIN_USER_ID,
    loginName: username,
    fullName: 'Default Admin',
    enabled: true,
    password: hashPassword(password),
    passwordExpiry: null,
    parentGroup: null,
    version: 0,
    updated: now,
    roles: [{roleId: role.id, created: now}],
  }
  ctx.corda.permissions.set(permission.id, permission)
  ctx.corda.roles.set(role.id, role)
  ctx.corda.users.set(username.toLowerCase(), admin)
}
