// Corda RBAC users (corda-rest.md §8): create, read, roles, permission summary and passwords.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {optionalString, parseError, readBody} from './body.js'
import {configValue} from './config-schema.js'
import type {RbacRole, RbacUser} from './model.js'
import {ADMIN_ROLE_NAME, builtInId, findUser, hashPassword, isAdmin, passwordMatches, permissionsOf} from './rbac-auth.js'
import {roleNotFound, userNotFound, userResponse} from './rbac-responses.js'
import {cordaRoute, queryValue} from './route.js'
import {iso} from './store.js'

const LOGIN_NAME = /^[-._@a-zA-Z0-9]{3,255}$/
const FULL_NAME = /^[a-zA-Z0-9.@\-#' ]{0,255}$/
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/

const USER_FIELDS = new Set(['enabled', 'fullName', 'initialPassword', 'loginName', 'parentGroup', 'passwordExpiry'])

/** Jackson writes an Instant without a zero fraction. */
const instant = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z')

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
    id: ctx.ids.uuid(),
    loginName,
    fullName,
    enabled: fields.enabled,
    password: initialPassword === null ? null : hashPassword(initialPassword),
    passwordExpiry: expiry === null ? null : instant(Date.parse(expiry)),
    parentGroup,
    version: 0,
    updated: now,
    roles: [],
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
      loginName: user.loginName,
      enabled: user.enabled,
      lastUpdateTimestamp: iso(last),
      permissions: permissions.map(p => ({
        id: p.id,
        groupVisibility: p.groupVisibility,
        virtualNode: p.virtualNode,
        permissionString: p.permissionString,
        permissionType: p.permissionType,
      })),
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

export function registerUserRoutes(router: Router, ctx: SandboxContext): void {
  cordaRoute(router, ctx, 'POST', '/user', req => createUser(ctx, req))
  cordaRoute(router, ctx, 'GET', '/user/{loginname}', req => getUser(ctx, req.params.loginname!), {versions: ['v5_2', 'v5_1']})
  cordaRoute(
    router,
    ctx,
    'GET',
    '/user',
    req => {
      const login = queryValue(req, 'loginname')
      if (login === undefined) return cordaError(400, 'Missing query parameter "loginname".')
      const res = getUser(ctx, login)
      // Deprecated in 5.1 in favour of GET /user/{loginname}: kept on v1, with the warning header of deprecated calls.
      return res.status === 200 ? {...res, headers: {warning: '299 - GET /user?loginname= is deprecated; use GET /user/{loginname} (API v5_1 and later).'}} : res
    },
    {versions: ['v1']},
  )
  cordaRoute(router, ctx, 'PUT', '/user/{loginname}/role/{roleid}', req => changeUserRole(ctx, req, true))
  cordaRoute(router, ctx, 'DELETE', '/user/{loginname}/role/{roleid}', req => changeUserRole(ctx, req, false))
  cordaRoute(router, ctx, 'GET', '/user/{loginname}/permissionsummary', req => permissionSummary(ctx, req.params.loginname!))
  cordaRoute(router, ctx, 'POST', '/user/selfpassword', req => selfPassword(ctx, req), {versions: ['v5_2']})
  cordaRoute(router, ctx, 'POST', '/user/otheruserpassword', req => otherUserPassword(ctx, req), {versions: ['v5_2']})
}
