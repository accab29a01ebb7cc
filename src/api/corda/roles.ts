// RBAC roles (reference/corda-rest.md §8): created, listed, read, given permissions; named by id or name.
import {NotFoundError, UsageError} from '../../errors.js'
import {isStatus} from '../errors.js'
import type {CordaApi, CreateRoleType, RoleResponseType} from './types.js'

const UUID = /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/
const seg = encodeURIComponent

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

  /** A role by id or by name (exact, else case-insensitive when that matches one); `known` saves listing them again. */
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
    if (exact.length === 1) return exact[0]!
    const loose = roles.filter(r => r.roleName.toLowerCase() === ref.toLowerCase())
    if (loose.length === 1) return loose[0]!
    if (loose.length > 1) throw new UsageError(`"${ref}" matches ${loose.length} roles: ${loose.map(r => `${r.roleName} (${r.id})`).join(', ')}; name one by id`)
    throw new NotFoundError(`no role matches "${ref}"`, 'name a role by its id or its name (`workerctl role list`)')
  }
}
