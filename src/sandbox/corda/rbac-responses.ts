// What the RBAC endpoints answer: users, roles and permissions as the REST worker shows them, and its 404s.
import {cordaError} from '../http/errors.js'
import type {RbacPermission, RbacRole, RbacUser} from './model.js'
import {iso} from './store.js'

export function userResponse(u: RbacUser) {
  return {
    id: u.id,
    version: u.version,
    updateTimestamp: iso(u.updated),
    fullName: u.fullName,
    loginName: u.loginName,
    enabled: u.enabled,
    ssoAuth: u.password === null,
    passwordExpiry: u.passwordExpiry,
    parentGroup: u.parentGroup,
    properties: [],
    roleAssociations: u.roles.map(r => ({roleId: r.roleId, createTimestamp: iso(r.created)})),
  }
}

export function roleResponse(r: RbacRole) {
  return {
    id: r.id,
    version: r.version,
    updateTimestamp: iso(r.updated),
    roleName: r.roleName,
    groupVisibility: r.groupVisibility,
    permissions: r.permissions.map(p => ({id: p.permissionId, createdTimestamp: iso(p.created)})),
  }
}

export function permissionResponse(p: RbacPermission) {
  return {
    id: p.id,
    version: p.version,
    updateTimestamp: iso(p.updated),
    permissionType: p.permissionType,
    permissionString: p.permissionString,
    groupVisibility: p.groupVisibility,
    virtualNode: p.virtualNode,
  }
}

export const userNotFound = (login: string) => cordaError(404, `User '${login}' not found.`)
export const roleNotFound = (id: string) => cordaError(404, `Role '${id}' not found.`)
export const permissionNotFound = (id: string) => cordaError(404, `Permission '${id}' not found.`)
