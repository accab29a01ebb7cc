// How users, roles, permissions and config changes look in the table format.
import type {ConfigChange} from '../api/corda/ops/config-set.js'
import type {PermissionResponseType, PermissionSummaryResponseType, RoleResponseType, UserPermissionSummaryResponseType, UserResponseType} from '../api/corda/types.js'
import {details, resultText} from './corda.js'
import type {View} from './output.js'
import type {Paint} from './paint.js'
import {columns} from './table.js'

const typeText = (t: string, p: Paint) => (t === 'DENY' ? p.bad(t) : p.ok(t))

export const userView: View<UserResponseType & {result?: string}> = {
  text: (u, p) =>
    details([
      ['Login', u.loginName],
      ['Full name', u.fullName],
      ['Enabled', u.enabled ? 'yes' : p.warn('no')],
      ['Password expiry', u.passwordExpiry],
      ['Roles', u.roleAssociations.map(r => r.roleId).join(', ') || 'none'],
      ['Id', u.id],
      ['Updated', u.updateTimestamp],
      ['Result', u.result && resultText(u.result, p)],
    ]),
}

export const permissionTable = columns<PermissionResponseType | PermissionSummaryResponseType>({
  ID: x => x.id,
  TYPE: (x, p) => typeText(x.permissionType, p),
  STRING: x => x.permissionString,
  VNODE: x => x.virtualNode ?? '',
  GROUP: x => x.groupVisibility ?? '',
})

export const permissionView: View<PermissionResponseType & {result?: string; roles?: string[]}> = {
  text: (x, p) =>
    details([
      ['Id', x.id],
      ['Type', typeText(x.permissionType, p)],
      ['String', x.permissionString],
      ['Virtual node', x.virtualNode],
      ['Group visibility', x.groupVisibility],
      ['Roles', x.roles?.join(', ')],
      ['Result', x.result && resultText(x.result, p)],
    ]),
}

export const permissionSummaryView: View<UserPermissionSummaryResponseType> = {
  text: (s, p) => {
    const head = details([
      ['Login', s.loginName],
      ['Enabled', s.enabled ? 'yes' : p.warn('no')],
      ['Updated', s.lastUpdateTimestamp],
    ])
    if (s.permissions.length === 0) return `${head}\nNo permissions.`
    const lines = s.permissions.map(x => `  ${typeText(x.permissionType, p).padEnd(5)}  ${x.permissionString}${x.virtualNode ? `  (vnode ${x.virtualNode})` : ''}`)
    return `${head}\nPermissions (DENY wins over ALLOW):\n${lines.join('\n')}`
  },
}

export const roleTable = columns<RoleResponseType>({
  NAME: r => r.roleName,
  ID: r => r.id,
  PERMISSIONS: r => r.permissions.length,
  GROUP: r => r.groupVisibility ?? '',
  UPDATED: r => r.updateTimestamp,
})

/** A role with its permissions spelled out when they are known. */
export function roleView(known: Map<string, PermissionResponseType> = new Map()): View<RoleResponseType & {result?: string}> {
  return {
    text: (r, p) => {
      const head = details([
        ['Role', r.roleName],
        ['Id', r.id],
        ['Group visibility', r.groupVisibility],
        ['Updated', r.updateTimestamp],
        ['Result', r.result && resultText(r.result, p)],
      ])
      if (r.permissions.length === 0) return `${head}\nNo permissions.`
      const lines = r.permissions.map(a => {
        const x = known.get(a.id)
        return x ? `  ${typeText(x.permissionType, p).padEnd(5)}  ${x.permissionString}${x.virtualNode ? `  (vnode ${x.virtualNode})` : ''}  ${p.dim(a.id)}` : `  ${a.id}`
      })
      return `${head}\nPermissions:\n${lines.join('\n')}`
    },
  }
}

export const configChangeView: View<ConfigChange> = {
  text: (c, p) =>
    details([
      ['Section', c.section],
      ['Version', c.result === 'unchanged' ? String(c.version) : `${c.previousVersion} → ${c.version}`],
      ['Result', resultText(c.result, p)],
    ]),
}
