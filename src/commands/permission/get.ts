import {Args} from '@oclif/core'
import {ServiceCommand} from '../../cli/service-command.js'
import {permissionView} from '../../format/rbac.js'

export default class PermissionGet extends ServiceCommand {
  static override summary = 'Show a permission'
  static override examples = ['<%= config.bin %> permission get 0b5e2a52-5b0c-4e77-a5a4-8c1f0e0e1a2b']
  static override args = {id: Args.string({required: true, description: 'permission id'})}

  async run(): Promise<void> {
    const {args} = await this.parse(PermissionGet)
    const corda = await this.corda()
    await this.output(await corda.permissions.get(args.id), permissionView)
  }
}
