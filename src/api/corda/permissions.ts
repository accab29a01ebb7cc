// RBAC permissions (reference/corda-rest.md §8). Corda never answers 409 for them: every create makes a new one, so
// equal ones are found by value first.
import {UsageError} from '../../errors.js'
import type {BulkCreatePermissionsRequestType, BulkCreatePermissionsResponseType, CordaApi, CreatePermissionType, PermissionResponseType, PermissionType} from './types.js'

const seg = encodeURIComponent

/** A permission string is a regular expression: one that does not compile is refused locally. */
export function checkPermissionString(text: string): void {
  try {
    new RegExp(text)
  } catch (error) {
    throw new UsageError(`--string "${text}" is not a valid regular expression: ${(error as Error).message}`)
  }
}

const norm = (v: string | null | undefined) => (v === undefined || v === null || v === '' ? null : v)
const sameNode = (a?: string | null, b?: string | null) => norm(a)?.toUpperCase() === norm(b)?.toUpperCase()

/** Equal by value: type, string, virtual node and group visibility. */
export function samePermission(a: CreatePermissionType | PermissionResponseType, b: CreatePermissionType | PermissionResponseType): boolean {
  return (
    a.permissionType === b.permissionType &&
    a.permissionString === b.permissionString &&
    sameNode(a.virtualNode, b.virtualNode) &&
    norm(a.groupVisibility) === norm(b.groupVisibility)
  )
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

  /** An existing permission equal to `wanted`, found through the prefix query. */
  async find(wanted: CreatePermissionType): Promise<PermissionResponseType | undefined> {
    const candidates = await this.list({
      permissionType: wanted.permissionType,
      permissionStringPrefix: wanted.permissionString,
      virtualNode: norm(wanted.virtualNode) ?? undefined,
    })
    return candidates.find(p => samePermission(p, wanted))
  }

  /** Every permission by id: two list calls (ALLOW, DENY) rather than one GET per permission. */
  async index(): Promise<Map<string, PermissionResponseType>> {
    const all = (await Promise.all((['ALLOW', 'DENY'] as const).map(permissionType => this.list({permissionType})))).flat()
    return new Map(all.map(p => [p.id, p]))
  }
}
