// Corda RBAC endpoints (corda-rest.md §8): users, roles and permissions. Who may call what is rbac-auth.ts.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {parseError, readBody} from './body.js'
import {configValue} from './config-routes.js'
import {
  ADMIN_ROLE_NAME, builtInId, compile, findUser, hashPassword, isAdmin, passwordMatches, permissionsOf, seedRbac,
} from './rbac-auth.js'
import {cordaRoute, queryValue} from './route.js'
import {iso, type PermissionType, type RbacPermission, type RbacRole, type RbacUser} from './store.js'
import {PLATFORM_VERSION} from './versions.js'

const LOGIN_NAME = /^[-._@a-zA-Z0-9]{3,255}$/
const FULL_NAME = /^[a-zA-Z0-9.@\-#' ]{0,255}$/
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const SHORT_HASH = /^[0-9a-fA-F]{12}$/
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/
const MAX_PERMISSION_STRING = 512
const MAX_PERMISSION_LIMIT = 1000

const USER_FIELDS = new Set(['enabled', 'fullName', 'initialPassword', 'loginName', 'parentGroup', 'passwordExpiry'])
const ROLE_FIELDS = new Set(['roleName', 'groupVisibility'])
const PERMISSION_FIELDS = new Set(['permissionType', 'permissionString', 'groupVisibility', 'virtualNode'])
const BULK_FIELDS = new Set(['permissionsToCreate', 'roleIds'])

// ---------------------------------------------------------------------------------------------------------------
// Shapes

function userResponse(u: RbacUser) {
  return {
    id: u.id, version: u.version, updateTimestamp: iso(u.updated), fullName: u.fullName, loginName: u.loginName, enabled: u.enabled,
    ssoAuth: u.password === null, passwordExpiry: u.passwordExpiry, parentGroup: u.parentGroup, properties: [],
    roleAssociations: u.roles.map(r => ({roleId: r.roleId, createTimestamp: iso(r.created)})),
  }
}

function roleResponse(r: RbacRole) {
  return {
    id: r.id, version: r.version, updateTimestamp: iso(r.updated), roleName: r.roleName, groupVisibility: r.groupVisibility,
    permissions: r.permissions.map(p => ({id: p.permissionId, createdTimestamp: iso(p.created)})),
  }
}

function permissionResponse(p: RbacPermission) {
  return {
    id: p.id, version: p.version, updateTimestamp: iso(p.updated), permissionType: p.permissionType, permissionString: p.permissionString,
    groupVisibility: p.groupVisibility, virtualNode: p.virtualNode,
  }
}

const userNotFound = (login: string) => cordaError(404, `User '${login}' not found.`)
const roleNotFound = (id: string) => cordaError(404, `Role '${id}' not found.`)
const permissionNotFound = (id: string) => cordaError(404, `Permission '${id}' not found.`)

/** Jackson writes an Instant without a zero fraction. */
const instant = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z')

// ---------------------------------------------------------------------------------------------------------------
// Validation

/** Password length limits: `corda.rbac` `password.length.{min,max}` (defaults 5..255). */
function passwordProblem(ctx: SandboxContext, password: string): string | undefined {
  const min = Number(configValue(ctx, 'corda.rbac', ['password', 'length', 'min']) ?? 5)
  const max = Number(configValue(ctx, 'corda.rbac', ['password', 'length', 'max']) ?? 255)
  if (password.length < min || password.length > max) return `Invalid password: it must be from ${min} to ${max} characters long.`
  return undefined
}

/** Corda's user validation: every problem found, as `Error #1`, `Error #2`... */
function validationErrors(problems: string[]): SandboxResponse | undefined {
  if (problems.length === 0) return undefined
  return cordaError(400, 'Invalid input data for user creation.', Object.fromEntries(problems.map((p, i) => [`Error #${i + 1}`, p])))
}

function optionalString(fields: Record<string, unknown>, key: string, parameter: string): {value: string | null} | {error: SandboxResponse} {
  const value = fields[key]
  if (value === undefined || value === null) return {value: null}
  if (typeof value !== 'string') return {error: parseError(parameter, `Field ${key} must be a string or null.`, 'MismatchedInputException')}
  return {value}
}

// ---------------------------------------------------------------------------------------------------------------
// Users

function createUser(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'CreateUserType', fields: USER_FIELDS, requiredStrings: ['fullName', 'loginName']})
  if ('error' in read) return read.error
  const {fields} = read
  if (typeof fields.enabled !== 'boolean') return parseError('request', 'Missing or non-boolean required field enabled', 'MissingKotlinParameterException')
  const strings: Record<string, string | null> = {}
  for (const key of ['initialPassword', 'parentGroup', 'passwordExpiry']) {
    const got = optionalString(fields, key, 'request')
    if ('error' in got) return got.error
    strings[key] = got.value
  }
  const expiry = strings.passwordExpiry ?? null
  if (expiry !== null && (!ISO_INSTANT.test(expiry) || Number.isNaN(Date.parse(expiry)))) {
    return parseError('request', `Cannot deserialize value of type \`java.time.Instant\` from String "${expiry}"`, 'InvalidFormatException')
  }
  const loginName = fields.loginName as string
  const fullName = fields.fullName as string
  const initialPassword = strings.initialPassword ?? null
  const parentGroup = strings.parentGroup ?? null
  const problems: string[] = []
  if (!LOGIN_NAME.test(loginName)) problems.push(`Invalid login name "${loginName}": it must match [-._@a-zA-Z0-9]{3,255}.`)
  if (!FULL_NAME.test(fullName)) problems.push("Invalid full name: at most 255 characters of a-z, A-Z, 0-9, '.', '@', '-', '#', ''' and space.")
  if (initialPassword !== null) {
    const problem = passwordProblem(ctx, initialPassword)
    if (problem) problems.push(problem)
  }
  if (parentGroup !== null && !UUID.test(parentGroup)) problems.push(`Invalid parent group "${parentGroup}": it must be a UUID.`)
  const invalid = validationErrors(problems)
  if (invalid) return invalid
  if (findUser(ctx, loginName)) return cordaError(409, `User '${loginName}' already exists.`)
  const now = ctx.clock()
  const user: RbacUser = {
    id: ctx.ids.uuid(), loginName, fullName, enabled: fields.enabled, password: initialPassword === null ? null : hashPassword(initialPassword),
    passwordExpiry: expiry === null ? null : instant(Date.parse(expiry)), parentGroup, version: 0, updated: now, roles: [],
  }
  ctx.corda.users.set(loginName.toLowerCase(), user)
  return {status: 201, body: userResponse(user)}
}

function getUser(ctx: SandboxContext, login: string): SandboxResponse {
  const user = findUser(ctx, login)
  return user ? {status: 200, body: userResponse(user)} : userNotFound(login)
}

function changeUserRole(ctx: SandboxContext, req: SandboxRequest, add: boolean): SandboxResponse {
  const login = req.params.loginname!
  const roleId = req.params.roleid!
  const user = findUser(ctx, login)
  if (!user) return userNotFound(login)
  const role = ctx.corda.roles.get(roleId)
  if (!role) return roleNotFound(roleId)
  const index = user.roles.findIndex(r => r.roleId === roleId)
  const now = ctx.clock()
  if (add) {
    if (index >= 0) return cordaError(400, `Role '${roleId}' is already associated with User '${user.loginName}'.`)
    user.roles.push({roleId, created: now})
  } else {
    if (index < 0) return cordaError(400, `Role '${roleId}' is not associated with User '${user.loginName}'.`)
    if (isAdmin(user) && role.roleName === ADMIN_ROLE_NAME && role.id === builtInId('admin role')) {
      return cordaError(400, `The initial admin role '${ADMIN_ROLE_NAME}' cannot be removed from the initial admin user '${user.loginName}'.`)
    }
    user.roles.splice(index, 1)
  }
  user.version++
  user.updated = now
  return {status: 200, body: userResponse(user)}
}

function permissionSummary(ctx: SandboxContext, login: string): SandboxResponse {
  const user = findUser(ctx, login)
  if (!user) return userNotFound(login)
  const permissions = permissionsOf(ctx, user)
  const roles = user.roles.map(r => ctx.corda.roles.get(r.roleId)).filter((r): r is RbacRole => r !== undefined)
  const last = Math.max(user.updated, ...roles.map(r => r.updated), ...permissions.map(p => p.updated))
  return {
    status: 200,
    body: {
      loginName: user.loginName, enabled: user.enabled, lastUpdateTimestamp: iso(last),
      permissions: permissions.map(p => ({id: p.id, groupVisibility: p.groupVisibility, virtualNode: p.virtualNode, permissionString: p.permissionString, permissionType: p.permissionType})),
    },
  }
}

/** Sets a new password (5.2): refused if it breaks the rules or repeats the current one; in force at once. */
function setPassword(ctx: SandboxContext, user: RbacUser, password: string): SandboxResponse {
  const problem = passwordProblem(ctx, password)
  if (problem) return validationErrors([problem])!
  if (user.password && passwordMatches(user.password, password)) return cordaError(400, 'The new password must be different from the current one.')
  const now = ctx.clock()
  user.password = hashPassword(password)
  const days = Number(configValue(ctx, 'corda.rbac', ['password', 'expiryDays']) ?? 0)
  user.passwordExpiry = days > 0 ? instant(now + days * 86_400_000) : null
  user.version++
  user.updated = now
  return {status: 200, body: userResponse(user)}
}

function selfPassword(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  // One String parameter named `password`: the body is `{"password": "..."}`.
  const body = req.body as Record<string, unknown> | undefined
  if (!body || typeof body !== 'object' || Array.isArray(body)) return parseError('password', 'Expected a JSON object with the field password.')
  const unknown = Object.keys(body).find(k => k !== 'password')
  if (unknown !== undefined) return parseError('password', `Unrecognized field "${unknown}", not marked as ignorable`, 'UnrecognizedPropertyException')
  if (typeof body.password !== 'string') return parseError('password', 'Missing or non-string required field password', 'MissingKotlinParameterException')
  const user = findUser(ctx, req.principal!)
  if (!user) return userNotFound(req.principal!)
  return setPassword(ctx, user, body.password)
}

function otherUserPassword(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const fields = req.body
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return parseError('username', 'Expected a JSON object with username and password.')
  const unknown = Object.keys(fields).find(k => k !== 'username' && k !== 'password')
  if (unknown !== undefined) return parseError(unknown, `Unrecognized field "${unknown}", not marked as ignorable`, 'UnrecognizedPropertyException')
  const {username, password} = fields as {username?: unknown; password?: unknown}
  if (typeof username !== 'string') return parseError('username', 'Missing or non-string required field username', 'MissingKotlinParameterException')
  if (typeof password !== 'string') return parseError('password', 'Missing or non-string required field password', 'MissingKotlinParameterException')
  const user = findUser(ctx, username)
  if (!user) return userNotFound(username)
  return setPassword(ctx, user, password)
}

// ---------------------------------------------------------------------------------------------------------------
// Roles

function createRole(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'CreateRoleType', fields: ROLE_FIELDS, requiredStrings: ['roleName']})
  if ('error' in read) return read.error
  const groupVisibility = optionalString(read.fields, 'groupVisibility', 'request')
  if ('error' in groupVisibility) return groupVisibility.error
  const roleName = read.fields.roleName as string
  if (roleName.trim() === '' || roleName.length > 255) return cordaError(400, 'Invalid role name: it must be 1 to 255 characters, not all blank.')
  if ([...ctx.corda.roles.values()].some(r => r.roleName === roleName)) return cordaError(409, `Role '${roleName}' already exists.`)
  const role: RbacRole = {id: ctx.ids.uuid(), roleName, groupVisibility: groupVisibility.value, version: 0, updated: ctx.clock(), permissions: []}
  ctx.corda.roles.set(role.id, role)
  return {status: 201, body: roleResponse(role)}
}

function changeRolePermission(ctx: SandboxContext, req: SandboxRequest, add: boolean): SandboxResponse {
  const roleId = req.params.roleid!
  const permissionId = req.params.permissionid!
  const role = ctx.corda.roles.get(roleId)
  if (!role) return roleNotFound(roleId)
  if (!ctx.corda.permissions.has(permissionId)) return permissionNotFound(permissionId)
  const index = role.permissions.findIndex(p => p.permissionId === permissionId)
  const now = ctx.clock()
  if (add) {
    if (index >= 0) return cordaError(400, `Permission '${permissionId}' is already associated with Role '${roleId}'.`)
    role.permissions.push({permissionId, created: now})
  } else {
    if (index < 0) return cordaError(400, `Permission '${permissionId}' is not associated with Role '${roleId}'.`)
    role.permissions.splice(index, 1)
  }
  role.version++
  role.updated = now
  return {status: 200, body: roleResponse(role)}
}

// ---------------------------------------------------------------------------------------------------------------
// Permissions

/** A validated permission, not stored yet; or the 400. */
function newPermission(ctx: SandboxContext, body: unknown, parameter: string): {permission: RbacPermission} | {error: SandboxResponse} {
  const read = readBody(body, {parameter, className: 'CreatePermissionType', fields: PERMISSION_FIELDS, requiredStrings: ['permissionString']})
  if ('error' in read) return read
  const {fields} = read
  const type = fields.permissionType
  if (type !== 'ALLOW' && type !== 'DENY') {
    const reason = type === undefined || type === null ? 'Missing required field permissionType' :
      `Cannot deserialize value of type \`PermissionType\` from String ${JSON.stringify(type)}: not one of the values accepted for Enum class: [ALLOW, DENY]`
    return {error: parseError(parameter, reason, type === undefined || type === null ? 'MissingKotlinParameterException' : 'InvalidFormatException')}
  }
  const groupVisibility = optionalString(fields, 'groupVisibility', parameter)
  if ('error' in groupVisibility) return groupVisibility
  const virtualNode = optionalString(fields, 'virtualNode', parameter)
  if ('error' in virtualNode) return virtualNode
  const permissionString = fields.permissionString as string
  if (permissionString.length > MAX_PERMISSION_STRING) {
    return {error: cordaError(400, `Permission string is ${permissionString.length} characters long; the maximum is ${MAX_PERMISSION_STRING}.`)}
  }
  let regex: RegExp
  try {
    regex = compile(permissionString)
  } catch (error) {
    return {error: cordaError(400, `Permission string "${permissionString}" is not a valid regular expression.`, {reason: (error as Error).message})}
  }
  if (virtualNode.value !== null && !SHORT_HASH.test(virtualNode.value)) {
    return {error: cordaError(400, `Virtual node "${virtualNode.value}" is not a holding identity short hash (12 hexadecimal characters).`)}
  }
  return {
    permission: {
      id: ctx.ids.uuid(), permissionType: type as PermissionType, permissionString, groupVisibility: groupVisibility.value, virtualNode: virtualNode.value,
      version: 0, updated: ctx.clock(), regex,
    },
  }
}

function createPermission(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  // Never a 409: every request creates a new permission, even one equal to an existing one.
  const made = newPermission(ctx, req.body, 'request')
  if ('error' in made) return made.error
  ctx.corda.permissions.set(made.permission.id, made.permission)
  return {status: 201, body: permissionResponse(made.permission)}
}

function createPermissions(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'BulkCreatePermissionsRequestType', fields: BULK_FIELDS})
  if ('error' in read) return read.error
  const {permissionsToCreate, roleIds} = read.fields
  if (!Array.isArray(permissionsToCreate)) return parseError('request', 'Missing or non-array required field permissionsToCreate', 'MissingKotlinParameterException')
  if (!Array.isArray(roleIds) || roleIds.some(id => typeof id !== 'string')) {
    return parseError('request', 'Missing required field roleIds, or not an array of strings', 'MissingKotlinParameterException')
  }
  const ids = [...new Set(roleIds as string[])]
  const missing = ids.find(id => !ctx.corda.roles.has(id))
  if (missing !== undefined) return roleNotFound(missing)
  // All or nothing: every permission is validated before any is stored.
  const made: RbacPermission[] = []
  for (const body of permissionsToCreate) {
    const one = newPermission(ctx, body, 'request')
    if ('error' in one) return one.error
    made.push(one.permission)
  }
  const now = ctx.clock()
  for (const permission of made) ctx.corda.permissions.set(permission.id, permission)
  for (const id of ids) {
    const role = ctx.corda.roles.get(id)!
    for (const permission of made) role.permissions.push({permissionId: permission.id, created: now})
    role.version++
    role.updated = now
  }
  return {status: 201, body: {permissionIds: made.map(p => p.id), roleIds: ids}}
}

function queryPermissions(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const limitText = queryValue(req, 'limit')
  const type = queryValue(req, 'permissiontype')
  if (limitText === undefined) return cordaError(400, 'Missing query parameter "limit".')
  if (type === undefined) return cordaError(400, 'Missing query parameter "permissiontype".')
  const limit = /^-?\d+$/.test(limitText) ? Number(limitText) : Number.NaN
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PERMISSION_LIMIT) {
    return cordaError(400, `Invalid limit ${limitText}: it must be from 1 to ${MAX_PERMISSION_LIMIT}.`)
  }
  if (type !== 'ALLOW' && type !== 'DENY') return cordaError(400, `Invalid permission type "${type}": it must be ALLOW or DENY.`)
  const group = queryValue(req, 'groupvisibility')
  const vnode = queryValue(req, 'virtualnode')
  const prefix = queryValue(req, 'permissionstringprefix')
  const found = [...ctx.corda.permissions.values()].filter(p => p.permissionType === type &&
    (group === undefined || p.groupVisibility === group) &&
    (vnode === undefined || p.virtualNode?.toUpperCase() === vnode.toUpperCase()) &&
    (prefix === undefined || p.permissionString.startsWith(prefix)))
  return {status: 200, body: found.slice(0, limit).map(permissionResponse)}
}

// ---------------------------------------------------------------------------------------------------------------

export function registerRbac(router: Router, ctx: SandboxContext): void {
  seedRbac(ctx)
  for (const resource of ['user', 'role', 'permission']) {
    cordaRoute(router, ctx, 'GET', `/${resource}/getprotocolversion`, () => ({status: 200, body: PLATFORM_VERSION}), {auth: false})
  }

  cordaRoute(router, ctx, 'POST', '/user', req => createUser(ctx, req))
  cordaRoute(router, ctx, 'GET', '/user/{loginname}', req => getUser(ctx, req.params.loginname!), {versions: ['v5_2', 'v5_1']})
  cordaRoute(router, ctx, 'GET', '/user', req => {
    const login = queryValue(req, 'loginname')
    if (login === undefined) return cordaError(400, 'Missing query parameter "loginname".')
    const res = getUser(ctx, login)
    // Deprecated in 5.1 in favour of GET /user/{loginname}: kept on v1, with the warning header of deprecated calls.
    return res.status === 200 ? {...res, headers: {warning: '299 - GET /user?loginname= is deprecated; use GET /user/{loginname} (API v5_1 and later).'}} : res
  }, {versions: ['v1']})
  cordaRoute(router, ctx, 'PUT', '/user/{loginname}/role/{roleid}', req => changeUserRole(ctx, req, true))
  cordaRoute(router, ctx, 'DELETE', '/user/{loginname}/role/{roleid}', req => changeUserRole(ctx, req, false))
  cordaRoute(router, ctx, 'GET', '/user/{loginname}/permissionsummary', req => permissionSummary(ctx, req.params.loginname!))
  cordaRoute(router, ctx, 'POST', '/user/selfpassword', req => selfPassword(ctx, req), {versions: ['v5_2']})
  cordaRoute(router, ctx, 'POST', '/user/otheruserpassword', req => otherUserPassword(ctx, req), {versions: ['v5_2']})

  cordaRoute(router, ctx, 'POST', '/role', req => createRole(ctx, req))
  cordaRoute(router, ctx, 'GET', '/role', () => ({status: 200, body: [...ctx.corda.roles.values()].map(roleResponse)}))
  cordaRoute(router, ctx, 'GET', '/role/{id}', req => {
    const role = ctx.corda.roles.get(req.params.id!)
    return role ? {status: 200, body: roleResponse(role)} : roleNotFound(req.params.id!)
  })
  cordaRoute(router, ctx, 'PUT', '/role/{roleid}/permission/{permissionid}', req => changeRolePermission(ctx, req, true))
  cordaRoute(router, ctx, 'DELETE', '/role/{roleid}/permission/{permissionid}', req => changeRolePermission(ctx, req, false))

  cordaRoute(router, ctx, 'POST', '/permission', req => createPermission(ctx, req))
  cordaRoute(router, ctx, 'POST', '/permission/bulk', req => createPermissions(ctx, req))
  cordaRoute(router, ctx, 'GET', '/permission', req => queryPermissions(ctx, req))
  cordaRoute(router, ctx, 'GET', '/permission/{id}', req => {
    const permission = ctx.corda.permissions.get(req.params.id!)
    return permission ? {status: 200, body: permissionResponse(permission)} : permissionNotFound(req.params.id!)
  })
}
