import {checkLoginName} from '../../../api/corda/users.js'
import {loginArg, roleArg} from '../../../cli/flags/corda.js'
import {ServiceCommand} from '../../../cli/service-command.js'
import {userView} from '../../../format/rbac.js'

export default class UserRoleAdd extends ServiceCommand {
  static override summary = 'Give a user a role'
  static override description = 'A user who has the role already is "unchanged". JSON: the UserResponseType plus result.'
  static override examples = ['<%= config.bin %> user role add alice FlowExecutor-Alice', '<%= config.bin %> user role add alice 6a1f…-uuid -o json']
  static override args = {login: loginArg, role: roleArg}

  async run(): Promise<void> {
    const {args} = await this.parse(UserRoleAdd)
    checkLoginName(args.login)
    const corda = await this.corda()
    const [user, role] = await Promise.all([corda.users.get(args.login), corda.roles.resolve(args.role)])
    if (user.roleAssociations.some(a => a.roleId === role.id)) return this.output({...user, result: 'unchanged'}, userView)
    await this.output(await corda.users.addRole(user.loginName, role.id), userView)
  }
}
