import {Args} from '@oclif/core'
import {roleArg} from '../../../cli/flags/corda.js'
import {ServiceCommand} from '../../../cli/service-command.js'
import {roleView} from '../../../format/rbac.js'

export default class RolePermissionAdd extends ServiceCommand {
  static override summary = 'Add a permission to a role'
  static override description = 'A role that has the permission already is "unchanged". JSON: the RoleResponseType plus result.'
  static override examples = ['<%= config.bin %> role permission add Operators 0b5e…-permission-id']
  static override args = {role: roleArg, permission: Args.string({required: true, description: 'permission id (`permission list`)'})}

  async run(): Promise<void> {
    const {args} = await this.parse(RolePermissionAdd)
    const corda = await this.corda()
    const role = await corda.roles.resolve(args.role)
    if (role.permissions.some(p => p.id === args.permission)) return this.output({...role, result: 'unchanged'}, roleView())
    await this.output(await corda.roles.addPermission(role.id, args.permission), roleView())
  }
}
