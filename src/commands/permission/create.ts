import {Flags} from '@oclif/core'
import {ensurePermission} from '../../api/corda/ops/rbac.js'
import {checkPermissionString} from '../../api/corda/permissions.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {permissionView} from '../../format/rbac.js'

export default class PermissionCreate extends ServiceCommand {
  static override summary = 'Create a permission (or reuse an equal one) and add it to roles'
  static override description = `A permission string is a regular expression matched, case-insensitively, against METHOD:/api/<version>/<path>[?query] (e.g. "GET:/api/v5_2/cpi"), or StartFlow:<class> for starting flows on --vnode. Corda would store every create as a new permission: an equal one (type, string, vnode, group) is reused instead, so running this twice changes nothing. With --role the new permission is created and added in one call.

JSON: the PermissionResponseType plus result and roles.`

  static override examples = [
    `<%= config.bin %> permission create --type ALLOW --string "GET:/api/v[_a-zA-Z0-9]{1,30}/cpi" --role Operators`,
    `<%= config.bin %> permission create --type ALLOW --string "StartFlow:com\\.example\\..*" --vnode Alice`,
    `<%= config.bin %> permission create --type DENY --string "POST:/api/.*/maintenance/.*"`,
  ]

  static override flags = {
    type: Flags.option({options: ['ALLOW', 'DENY'] as const, required: true, description: 'ALLOW or DENY (DENY wins)'})(),
    string: Flags.string({required: true, description: 'the permission string: a regular expression'}),
    vnode: Flags.string({description: 'the virtual node it applies to (short hash, X.500 name, CN or O)'}),
    'group-visibility': Flags.string({description: 'group visibility'}),
    role: Flags.string({multiple: true, description: 'role to add it to, by id or name (repeatable)'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(PermissionCreate)
    checkPermissionString(flags.string)
    const corda = await this.corda()
    const known = flags.role?.length ? await corda.roles.list() : []
    const roles = await Promise.all((flags.role ?? []).map(r => corda.roles.resolve(r, known)))
    const virtualNode = flags.vnode === undefined ? null : await corda.vnodes.shortHash(flags.vnode)
    const permission = await ensurePermission(
      corda,
      {
        permissionType: flags.type,
        permissionString: flags.string,
        virtualNode,
        groupVisibility: flags['group-visibility'] ?? null,
      },
      roles,
      {deadline: this.deadline, signal: this.abort.signal},
    )
    await this.output(permission, permissionView)
  }
}
