// RBAC: users, roles and permissions (reference/corda-rest.md §8). Corda 5.2 cannot list or delete users.
import type {CordaApi} from './client.js'
import {requireCapability, userLookup} from './capabilities.js'
import type {
  BulkCreatePermissionsRequestType, BulkCreatePermissionsResponseType, CreatePermissionType, CreateRoleType, CreateUserType,
  PermissionResponseType, PermissionType, RoleResponseType, UserPermissionSummaryResponseType, UserResponseType,
} from './types.js'

const seg = encodeURIComponent

export class Users {
  constructor(private readonly api: CordaApi) {}

  /** POST /user → 201; 409 when the login exists. */
  async create(req: CreateUserType): Promise<UserResponseType> {
    // A repeat is a 409 (the login exists), never a second user: safe to retry after a lost answer.
    return this.api.http.post<UserResponseType>(await this.api.path('/user'), {json: req, idempotent: true})
  }

  /** v5_1+: GET /user/{login}; v1: GET /user?loginname=. */
  async get(loginName: string): Promise<UserResponseType> {
    const {resource, query} = userLookup(await this.api.apiVersion(), loginName)
    return this.api.http.get<UserResponseType>(await this.api.path(resource), {query})
  }

  /** Your own password (`self`) or another user's (v5_2 only). */
  async setPassword(target: {self: true} | {loginName: string}, password: string): Promise<UserResponseType> {
    requireCapability(await this.api.apiVersion(), 'user.password')
    if ('self' in target) return this.api.http.post<UserResponseType>(await this.api.path('/user/selfpassword'), {json: {password}, idempotent: true})
    return this.api.http.post<UserResponseType>(await this.api.path('/user/otheruserpassword'), {json: {username: target.loginName, password}, idempotent: true})
  }

  async addRole(loginName: string, roleId: string): Promise<UserResponseType> {
    return this.api.http.put<UserResponseType>(await this.api.path(`/user/${seg(loginName)}/role/${seg(roleId)}`))
  }

  async removeRole(loginName: string, roleId: string): Promise<UserResponseType> {
    return this.api.http.delete<UserResponseType>(await this.api.path(`/user/${seg(loginName)}/role/${seg(roleId)}`))
  }

  async permissionSummary(loginName: string): Promise<UserPermissionSummaryResponseType> {
    return this.api.http.get<UserPermissionSummaryResponseType>(await this.api.path(`/user/${seg(loginName)}/permissionsummary`))
  }
}

export class Roles {
  constructor(private readonly api: CordaApi) {}

  /** POST /role → 201; 409 when the name exists. */
  async create(req: CreateRoleType): Promise<RoleResponseType> {
    // A repeat is a 409 (the name exists), never a second role. Permissions have no such guard: never retried.
    return this.api.http.post<RoleResponseType>(await this.api.path('/role'), {json: req, idempotent: true})
  }

  async list(): Promise<RoleResponseType[]> {
    return this.api.http.get<RoleResponseType[]>(await this.api.path('/role'))
  }

  async get(id: string): Promise<RoleResponseType> {
    return this.api.http.get<RoleResponseType>(await this.api.path(`/role/${seg(id)}`))
  }

  async addPermission(roleId: string, permissionId: string): Promise<RoleResponseType> {
    return this.api.http.put<RoleResponseType>(await this.api.path(`/role/${seg(roleId)}/permission/${seg(permissionId)}`))
  }

  async removePermission(roleId: string, permissionId: string): Promise<RoleResponseType> {
    return this.api.http.delete<RoleResponseType>(await this.api.path(`/role/${seg(roleId)}/permission/${seg(permissionId)}`))
  }
}

export interface PermissionQuery {
  permissionType: PermissionType
  /** 1..1000; the API requires it. */
  limit?: number
  permissionStringPrefix?: string
  virtualNode?: string
  groupVisibility?: string
}

export class Permissions {
  constructor(private readonly api: CordaApi) {}

  /** POST /permission → 201. Every call creates a new permission: Corda never answers 409 here. */
  async create(req: CreatePermissionType): Promise<PermissionResponseType> {
    return this.api.http.post<PermissionResponseType>(await this.api.path('/permission'), {json: req})
  }

  /** Creates permissions and adds them to roles in one call. */
  async bulkCreate(req: BulkCreatePermissionsRequestType): Promise<BulkCreatePermissionsResponseType> {
    return this.api.http.post<BulkCreatePermissionsResponseType>(await this.api.path('/permission/bulk'), {json: req})
  }

  async list(query: PermissionQuery): Promise<PermissionResponseType[]> {
    return this.api.http.get<PermissionResponseType[]>(await this.api.path('/permission'), {
      query: {
        limit: query.limit ?? 1000,
        permissiontype: query.permissionType,
        permissionstringprefix: query.permissionStringPrefix,
        virtualnode: query.virtualNode,
        groupvisibility: query.groupVisibility,
      },
    })
  }

  async get(id: string): Promise<PermissionResponseType> {
    return this.api.http.get<PermissionResponseType>(await this.api.path(`/permission/${seg(id)}`))
  }
}
