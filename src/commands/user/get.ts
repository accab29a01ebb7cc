import {checkLoginName} from '../../api/corda/users.js'
import {loginArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {userView} from '../../format/rbac.js'

export default class UserGet extends ServiceCommand {
  static override summary = 'Show a Corda user'
  static override examples = ['<%= config.bin %> user get alice', '<%= config.bin %> user get alice -o json']
  static override args = {login: loginArg}

  async run(): Promise<void> {
    const {args} = await this.parse(UserGet)
    checkLoginName(args.login)
    const corda = await this.corda()
    await this.output(await corda.users.get(args.login), userView)
  }
}
