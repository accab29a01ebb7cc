// RBAC roles (reference/corda-rest.md §8): created, listed, read, given permissions; named by id or name.
import {NotFoundError, UsageError} from '../../errors.js'
import {isStatus} from '../errors.js'
import type {ChangeResult} from '../types.js'
import type {CordaApi, CreateRoleType, RoleResponseType} from './types.js'
import {ASSOCIATED, NOT_ASSOCIATED} from './users.js'

const UUID = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/
const seg = encodeURIComponent

/** Several roles answer to one name: the operator must name one by its id (exit 2). */
export function ambiguousRole(name: string, roles: RoleResponseType[]): UsageError {
  return new UsageError(
    `${roles.length} roles are named "${name}": ${roles.map(r => `${r.roleName} (${r.id})`).join(', ')}`,
    'Corda does not keep role names unique: name the role by its id',
  )
}

export class Roles {
  constructor(private readonly api: CordaApi) {}

  /** POST /role → 201. Corda does not keep role names unique: every POST makes a role, a repeat a second one. */
  async create(req: CreateRoleType): Promise<RoleResponseType> {
    return this.api.http.post<RoleResponseType>(await this.api.path('/role'), {json: req, idempotent: false})
  }

  async list(): Promise<RoleResponseType[]> {
    return this.api.http.get<RoleResponseType[]>(await this.api.path('/role'))
  }

  async get(id: string): Promise<RoleResponseType> {
    return this.api.http.get<RoleResponseType>(await this.api.path(`/role/${seg(id)}`))
  }

  /** PUT …/permission/{id}; the permission already on the role (a 409, after a repeat or a stale look) is `unchanged`. */
  async addPermission(roleId: string, permissionId: string): Promise<RoleResponseType & {result: Exclude<ChangeResult, 'created'>}> {
    try {
      return {...(await this.api.http.put<RoleResponseType>(await this.api.path(`/role/${seg(roleId)}/permission/${seg(permissionId)}`))), result: 'updated'}
    } catch (error) {
      if (!isStatus(error, 409, ASSOCIATED)) throw error
      return {...(await this.get(roleId)), result: 'unchanged'}
    }
  }

  /** DELETE …/permission/{id}; a permission the role does not have (a 400) is `unchanged`. */
  async removePermission(roleId: string, permissionId: string): Promise<RoleResponseType & {result: Exclude<ChangeResult, 'created'>}> {
    try {
      return {...(await this.api.http.delete<RoleResponseType>(await this.api.path(`/role/${seg(roleId)}/permission/${seg(permissionId)}`))), result: 'updated'}
    } catch (error) {
      if (!isStatus(error, 400, NOT_ASSOCIATED)) throw error
      return {...(await this.get(roleId)), result: 'unchanged'}
    }
  }

  /** Every role with exactly this name: Corda does not keep names unique, so there may be several. */
  async named(roleName: string, known?: RoleResponseType[]): Promise<RoleResponseType[]> {
    return (known ?? (await this.list())).filter(r => r.roleName === roleName)
  }

  /**
   * A role by id, or by name (exact, else case-insensitive) when that names one role; several roles of one name (Corda
   * allows it) are refused with their ids. `known` saves listing them again.
   */
  async resolve(ref: string, known?: RoleResponseType[]): Promise<RoleResponseType> {
    if (UUID.test(ref) && !known) {
      try {
        return await this.get(ref)
      } catch (error) {
        if (!isStatus(error, 404)) throw error
      }
    }
    const roles = known ?? (await this.list())
    const byId = roles.find(r => r.id.toLowerCase() === ref.toLowerCase())
    if (byId) return byId
    const exact = roles.filter(r => r.roleName === ref)
    const matches = exact.length > 0 ? exact : roles.filter(r => r.roleName.toLowerCase() === ref.toLowerCase())
    if (matches.length === 1) return matches[0]!
    if (matches.length > 1) throw ambiguousRole(ref, matches)
    throw new NotFoundError(`no role matches "${ref}"`, 'name a role by its id or its name (`workerctl role list`)')
  }
}
