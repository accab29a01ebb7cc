// Corda RBAC permissions (corda-rest.md §8): create one or in bulk (added to roles), query, read.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {optionalString, parseError, readBody} from './body.js'
import type {RbacPermission} from './model.js'
import {compile} from './rbac-auth.js'
import {permissionNotFound, permissionResponse, roleNotFound} from './rbac-responses.js'
import {cordaRoute, queryValue} from './route.js'

const SHORT_HASH = /^[0-9a-fA-F]{12}$/
const MAX_PERMISSION_STRING = 512
const MAX_PERMISSION_LIMIT = 1000

const PERMISSION_FIELDS = new Set(['permissionType', 'permissionString', 'groupVisibility', 'virtualNode'])
const BULK_FIELDS = new Set(['permissionsToCreate', 'roleIds'])

/** A validated permission, not stored yet; or the 400. */
function newPermission(ctx: SandboxContext, body: unknown, parameter: string): {permission: RbacPermission} | {error: SandboxResponse} {
  const read = readBody(body, {parameter, className: 'CreatePermissionType', fields: PERMISSION_FIELDS, requiredStrings: ['permissionString']})
  if ('error' in read) return read
  const {fields} = read
  const type = fields.permissionType
  if (type !== 'ALLOW' && type !== 'DENY') {
    const reason =
      type === undefined || type === null
        ? 'Missing required field permissionType'
        : `Cannot deserialize value of type \`PermissionType\` from String ${JSON.stringify(type)}: not one of the values accepted for Enum class: [ALLOW, DENY]`
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
      id: ctx.ids.uuid(),
      permissionType: type,
      permissionString,
      groupVisibility: groupVisibility.value,
      virtualNode: virtualNode.value,
      version: 0,
      updated: ctx.clock(),
      regex,
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
  const found = [...ctx.corda.permissions.values()].filter(
    p =>
      p.permissionType === type &&
      (group === undefined || p.groupVisibility === group) &&
      (vnode === undefined || p.virtualNode?.toUpperCase() === vnode.toUpperCase()) &&
      (prefix === undefined || p.permissionString.startsWith(prefix)),
  )
  return {status: 200, body: found.slice(0, limit).map(permissionResponse)}
}

export function registerPermissionRoutes(router: Router, ctx: SandboxContext): void {
  cordaRoute(router, ctx, 'POST', '/permission', req => createPermission(ctx, req))
  cordaRoute(router, ctx, 'POST', '/permission/bulk', req => createPermissions(ctx, req))
  cordaRoute(router, ctx, 'GET', '/permission', req => queryPermissions(ctx, req))
  cordaRoute(router, ctx, 'GET', '/permission/{id}', req => {
    const permission = ctx.corda.permissions.get(req.params.id!)
    return permission ? {status: 200, body: permissionResponse(permission)} : permissionNotFound(req.params.id!)
  })
}
