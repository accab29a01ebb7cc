import {roleArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {roleView} from '../../format/rbac.js'

export default class RoleGet extends ServiceCommand {
  static override summary = 'Show a role and its permissions'
  static override examples = ['<%= config.bin %> role get FlowExecutor-Alice', '<%= config.bin %> role get 6a1f0b1e-… -o json']
  static override args = {role: roleArg}

  async run(): Promise<void> {
    const {args} = await this.parse(RoleGet)
    const corda = await this.corda()
    const role = await corda.roles.resolve(args.role)
    if (this.out.format !== 'table' || role.permissions.length === 0) return this.output(role, roleView())
    await this.output(role, roleView(await corda.permissions.index()))
  }
}
