// Role templates in the spirit of corda-cli's `initial-rbac`: the permissions an operator usually grants together.
// Permission strings are regular expressions over `METHOD:/api/<version>/<path>[?query]`, matched case-insensitively;
// `StartFlow:<class>` permissions apply to the virtual node they name.
import {UsageError} from '../../errors.js'
import type {CreatePermissionType} from './types.js'

const VERSION = 'v[_a-zA-Z0-9]{1,30}'
const UUID = '[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}'
const HASH = '[a-fA-F0-9]{12}'
// Corda authorises the request path as sent: a login with `@` arrives as `%40` (Corda's own template allows it too).
const LOGIN = '[-._@%a-zA-Z0-9]{3,255}'
const REQUEST_ID = '[-._A-Za-z0-9]{1,242}'
const CHECKSUM = '[a-fA-F0-9]{12}'
const OPERATION_ID = '[-a-fA-F0-9]{12,36}'
const USAGE = '[-._a-zA-Z0-9]{1,255}'
const ALIAS = '[-._a-zA-Z0-9]{1,255}'

const api = (method: string, path: string) => `${method}:/api/${VERSION}${path}`
const allow = (permissionString: string, virtualNode?: string): CreatePermissionType => ({
  permissionType: 'ALLOW',
  permissionString,
  groupVisibility: null,
  virtualNode: virtualNode ?? null,
})

export interface RoleTemplate {
  description: string
  /** Whether it is for one virtual node (`--vnode` required). */
  perVnode: boolean
  permissions(vnodeShortHash?: string): CreatePermissionType[]
}

export const ROLE_TEMPLATES = {
  'user-admin': {
    description: 'create users, roles and permissions, and associate them',
    perVnode: false,
    permissions: () => [
      allow(api('POST', '/user')),
      allow(`GET:/api/v1/user\\?loginname=${LOGIN}`),
      allow(api('GET', `/user/${LOGIN}`)),
      allow(api('POST', '/user/otheruserpassword')),
      allow(api('PUT', `/user/${LOGIN}/role/${UUID}`)),
      allow(api('DELETE', `/user/${LOGIN}/role/${UUID}`)),
      allow(api('GET', `/user/${LOGIN}/permissionsummary`)),
      allow(api('POST', '/permission')),
      allow(api('POST', '/permission/bulk')),
      allow(api('GET', '/permission\\?.*')),
      allow(api('GET', `/permission/${UUID}`)),
      allow(api('GET', '/role')),
      allow(api('POST', '/role')),
      allow(api('GET', `/role/${UUID}`)),
      allow(api('PUT', `/role/${UUID}/permission/${UUID}`)),
      allow(api('DELETE', `/role/${UUID}/permission/${UUID}`)),
    ],
  },
  'vnode-creator': {
    description: 'upload CPIs, import certificates, create, upgrade and change the state of virtual nodes',
    perVnode: false,
    permissions: () => [
      allow(api('GET', '/cpi')),
      allow(api('POST', '/cpi')),
      allow(api('GET', `/cpi/status/${UUID}`)),
      allow(api('POST', '/virtualnode')),
      allow(api('GET', '/virtualnode')),
      allow(api('GET', `/virtualnode/${HASH}`)),
      allow(api('GET', `/virtualnode/status/${OPERATION_ID}`)),
      allow(api('PUT', `/virtualnode/${HASH}/state/(ACTIVE|MAINTENANCE)`)),
      allow(api('PUT', `/virtualnode/${HASH}/cpi/${CHECKSUM}`)),
      allow(api('PUT', `/virtualnode/${HASH}/db`)),
      allow(api('PUT', `/certificate/cluster/${USAGE}`)),
      allow(api('GET', `/certificate/cluster/${USAGE}`)),
      allow(api('GET', `/certificate/cluster/${USAGE}/${ALIAS}`)),
      allow(api('GET', `/flow/${HASH}`)),
      allow(api('GET', `/flow/${HASH}\\?status=[A-Z_]{1,20}`)),
      allow(api('GET', `/flow/${HASH}/${REQUEST_ID}`)),
    ],
  },
  'corda-developer': {
    description: 'force-upload CPIs (the development loop)',
    perVnode: false,
    permissions: () => [allow(api('POST', '/maintenance/virtualnode/forcecpiupload'))],
  },
  'flow-executor': {
    description: 'start any flow on one virtual node and follow its flows',
    perVnode: true,
    permissions: (hash?: string) => [
      allow(api('POST', `/flow/${hash}`)),
      allow(api('GET', `/flow/${hash}`)),
      allow(api('GET', `/flow/${hash}/${REQUEST_ID}`)),
      allow(api('GET', `/flow/${hash}/${REQUEST_ID}/result`)),
      allow(api('GET', `/flowclass/${hash}`)),
      allow('StartFlow:.*', hash),
    ],
  },
} as const satisfies Record<string, RoleTemplate>

export type RoleTemplateName = keyof typeof ROLE_TEMPLATES
export const ROLE_TEMPLATE_NAMES = Object.keys(ROLE_TEMPLATES) as RoleTemplateName[]

/** The permissions of a template; a per-vnode template needs the vnode's short hash. */
export function templatePermissions(name: RoleTemplateName, vnodeShortHash?: string): CreatePermissionType[] {
  const template: RoleTemplate = ROLE_TEMPLATES[name]
  if (template.perVnode && !vnodeShortHash) throw new UsageError(`template ${name} is for one virtual node: give --vnode`)
  if (!template.perVnode && vnodeShortHash) throw new UsageError(`template ${name} is cluster-wide: --vnode does not apply`)
  return template.permissions(vnodeShortHash)
}
