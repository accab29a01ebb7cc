// RBAC users (reference/corda-rest.md §8). Corda 5.2 can neither list nor delete them.
import {UsageError} from '../../errors.js'
import {isStatus} from '../errors.js'
import type {ChangeResult} from '../types.js'
import {requireCapability, userLookup} from './capabilities.js'
import type {CordaApi, CreateUserType, UserPermissionSummaryResponseType, UserResponseType} from './types.js'

const LOGIN_NAME = /^[-._@a-zA-Z0-9]{3,255}$/
/** "Role '…' is already associated with User '…'." (409) and "… is not associated with …" (400): association texts. */
export const ASSOCIATED = / is already associated with /
export const NOT_ASSOCIATED = / is not associated with /
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

  /** POST /user → 201; 409 when the login exists in any case: Corda stores logins lower-cased. */
  async create(req: CreateUserType): Promise<UserResponseType> {
    // Not sent twice by the transport: a repeat of our own lost create would be a 409 for a user we made (ensureUser looks).
    return this.api.http.post<UserResponseType>(await this.api.path('/user'), {json: req, idempotent: false})
  }

  /** v5_1+: GET /user/{login}; v1: GET /user?loginname=. */
  async get(loginName: string): Promise<UserResponseType> {
    const {resource, query} = userLookup(await this.api.apiVersion(), loginName)
    return this.api.http.get<UserResponseType>(await this.api.path(resource), {query})
  }

  /** Your own password (`self`) or another user's (v5_2 only). */
  async setPassword(target: {self: true} | {loginName: string}, password: string): Promise<UserResponseType> {
    requireCapability(await this.api.apiVersion(), 'user.password')
    // Never sent twice: a repeat of a change that landed is refused ("New password must be different…", or a 401 for
    // one's own password), which would report a failure for a change that succeeded.
    if ('self' in target) return this.api.http.post<UserResponseType>(await this.api.path('/user/selfpassword'), {json: {password}, idempotent: false})
    return this.api.http.post<UserResponseType>(await this.api.path('/user/otheruserpassword'), {json: {username: target.loginName, password}, idempotent: false})
  }

  /** PUT …/role/{id}; the role already on the user (a 409, after a repeat or a stale look) is `unchanged`. */
  async addRole(loginName: string, roleId: string): Promise<UserResponseType & {result: Exclude<ChangeResult, 'created'>}> {
    try {
      return {...(await this.api.http.put<UserResponseType>(await this.api.path(`/user/${seg(loginName)}/role/${seg(roleId)}`))), result: 'updated'}
    } catch (error) {
      if (!isStatus(error, 409, ASSOCIATED)) throw error
      return {...(await this.get(loginName)), result: 'unchanged'}
    }
  }

  /** DELETE …/role/{id}; a role the user does not have (a 400, after a repeat or a stale look) is `unchanged`. */
  async removeRole(loginName: string, roleId: string): Promise<UserResponseType & {result: Exclude<ChangeResult, 'created'>}> {
    try {
      return {...(await this.api.http.delete<UserResponseType>(await this.api.path(`/user/${seg(loginName)}/role/${seg(roleId)}`))), result: 'updated'}
    } catch (error) {
      if (!isStatus(error, 400, NOT_ASSOCIATED)) throw error
      return {...(await this.get(loginName)), result: 'unchanged'}
    }
  }

  async permissionSummary(loginName: string): Promise<UserPermissionSummaryResponseType> {
    return this.api.http.get<UserPermissionSummaryResponseType>(await this.api.path(`/user/${seg(loginName)}/permissionsummary`))
  }
}
