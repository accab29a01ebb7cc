import {Flags} from '@oclif/core'
import {ServiceCommand} from '../../cli/service-command.js'
import {permissionTable} from '../../format/rbac.js'

export default class PermissionList extends ServiceCommand {
  static override summary = 'List permissions of one type'
  static override examples = ['<%= config.bin %> permission list --type ALLOW', '<%= config.bin %> permission list --type ALLOW --prefix StartFlow --vnode Alice -o json']

  static override flags = {
    type: Flags.option({options: ['ALLOW', 'DENY'] as const, required: true, description: 'ALLOW or DENY'})(),
    prefix: Flags.string({description: 'only permission strings starting with this'}),
    vnode: Flags.string({description: 'only permissions of this virtual node'}),
    limit: Flags.integer({min: 1, max: 1000, default: 1000, description: 'at most this many (the API caps it at 1000)'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(PermissionList)
    const corda = await this.corda()
    const virtualNode = flags.vnode === undefined ? undefined : await corda.vnodes.shortHash(flags.vnode)
    await this.output(await corda.permissions.list({permissionType: flags.type, permissionStringPrefix: flags.prefix, virtualNode, limit: flags.limit}), {table: permissionTable})
  }
}
