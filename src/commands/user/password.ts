import {checkLoginName} from '../../api/corda/users.js'
import {loginArg, passwordStdinFlag} from '../../cli/flags/corda.js'
import {newPassword} from '../../cli/prompt.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {userView} from '../../format/rbac.js'

export default class UserPassword extends ServiceCommand {
  static override summary = "Change a user's password (Corda 5.2)"
  static override description = `Your own login changes your own password (and the one stored for this context); another login needs the right to change other users' passwords. The password comes from a prompt (typed twice), --password-stdin or WORKERCTL_NEW_PASSWORD, never from a flag value. JSON: the UserResponseType plus result.`

  static override examples = ['<%= config.bin %> user password alice', 'echo "$NEW_PASSWORD" | <%= config.bin %> user password ci-deployer --password-stdin']

  static override args = {login: loginArg}
  static override flags = {'password-stdin': passwordStdinFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(UserPassword)
    checkLoginName(args.login)
    const corda = await this.corda()
    const self = this.context.settings.corda?.username?.toLowerCase() === args.login.toLowerCase()
    const password = await newPassword(this.prompter, args.login, flags['password-stdin'])
    const user = await corda.users.setPassword(self ? {self: true} : {loginName: args.login}, password)
    if (self) await this.rememberOwnPassword(password)
    await this.output({...user, result: 'updated'}, userView)
  }

  /** The stored password is now wrong: replace it, unless it comes from the environment. */
  private async rememberOwnPassword(password: string): Promise<void> {
    if (process.env.WORKERCTL_CORDA_PASSWORD) {
      this.out.warn('WORKERCTL_CORDA_PASSWORD still holds the old password: update it')
      return
    }
    await this.credentials.set(this.context.name, 'corda-password', password)
  }
}
