import {checkLoginName} from '../../api/corda/users.js'
import {loginArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {permissionSummaryView} from '../../format/rbac.js'

export default class UserPermissions extends ServiceCommand {
  static override summary = 'Show every permission a user has, through all its roles'
  static override examples = ['<%= config.bin %> user permissions alice', '<%= config.bin %> user permissions alice -o json']
  static override args = {login: loginArg}

  async run(): Promise<void> {
    const {args} = await this.parse(UserPermissions)
    checkLoginName(args.login)
    const corda = await this.corda()
    await this.output(await corda.users.permissionSummary(args.login), permissionSummaryView)
  }
}
