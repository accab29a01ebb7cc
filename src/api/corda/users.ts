// RBAC users (reference/corda-rest.md §8). Corda 5.2 can neither list nor delete them.
import {UsageError} from '../../errors.js'
import {requireCapability, userLookup} from './capabilities.js'
import type {CordaApi, CreateUserType, UserPermissionSummaryResponseType, UserResponseType} from './types.js'

const LOGIN_NAME = /^[-._@a-zA-Z0-9]{3,255}$/
export const PASSWORD_LENGTH = {min: 5, max: 255}
const seg = encodeURIComponent

/** Corda's rule for login names, checked before anything is sent. */
export function checkLoginName(login: string): void {
  if (!LOGIN_NAME.test(login)) throw new UsageError(`invalid login name "${login}": use 3 to 255 of a-z A-Z 0-9 - . _ @`)
}

export function checkPassword(password: string): void {
  const {min, max} = PASSWORD_LENGTH
  if (password.length < min || password.length > max) throw new UsageError(`the password must be ${min} to ${max} characters long`)
}

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
