// Corda RBAC roles (corda-rest.md §8): create, list, read, and the permissions they hold.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {optionalString, readBody} from './body.js'
import type {RbacRole} from './model.js'
import {permissionNotFound, roleNotFound, roleResponse} from './rbac-responses.js'
import {cordaRoute} from './route.js'

const ROLE_FIELDS = new Set(['roleName', 'groupVisibility'])

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

export function registerRoleRoutes(router: Router, ctx: SandboxContext): void {
  cordaRoute(router, ctx, 'POST', '/role', req => createRole(ctx, req))
  cordaRoute(router, ctx, 'GET', '/role', () => ({status: 200, body: [...ctx.corda.roles.values()].map(roleResponse)}))
  cordaRoute(router, ctx, 'GET', '/role/{id}', req => {
    const role = ctx.corda.roles.get(req.params.id!)
    return role ? {status: 200, body: roleResponse(role)} : roleNotFound(req.params.id!)
  })
  cordaRoute(router, ctx, 'PUT', '/role/{roleid}/permission/{permissionid}', req => changeRolePermission(ctx, req, true))
  cordaRoute(router, ctx, 'DELETE', '/role/{roleid}/permission/{permissionid}', req => changeRolePermission(ctx, req, false))
}
