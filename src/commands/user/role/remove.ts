import {checkLoginName} from '../../../api/corda/users.js'
import {loginArg, roleArg} from '../../../cli/flags/corda.js'
import {ServiceCommand} from '../../../cli/service-command.js'
import {userView} from '../../../format/rbac.js'

export default class UserRoleRemove extends ServiceCommand {
  static override summary = 'Take a role away from a user'
  static override description = 'A user without the role is "unchanged". JSON: the UserResponseType plus result.'
  static override examples = ['<%= config.bin %> user role remove alice FlowExecutor-Alice']
  static override args = {login: loginArg, role: roleArg}

  async run(): Promise<void> {
    const {args} = await this.parse(UserRoleRemove)
    checkLoginName(args.login)
    const corda = await this.corda()
    const [user, role] = await Promise.all([corda.users.get(args.login), corda.roles.resolve(args.role)])
    if (!user.roleAssociations.some(a => a.roleId === role.id)) return this.output({...user, result: 'unchanged'}, userView)
    await this.output(await corda.users.removeRole(user.loginName, role.id), userView)
  }
}
