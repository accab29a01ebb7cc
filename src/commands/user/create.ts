import {Flags} from '@oclif/core'
import {ensureUser} from '../../api/corda/ops/rbac.js'
import {checkLoginName, checkPassword} from '../../api/corda/users.js'
import {loginArg, passwordStdinFlag} from '../../cli/flags/corda.js'
import {newPassword} from '../../cli/prompt.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {UsageError} from '../../errors.js'
import {userView} from '../../format/rbac.js'

export default class UserCreate extends ServiceCommand {
  static override summary = 'Create a Corda user (and give it roles)'
  static override description = `The password is never a flag value: it is asked for twice at a terminal, read from the first line of stdin with --password-stdin, or taken from WORKERCTL_NEW_PASSWORD. A user that exists with the same full name and state is "unchanged" (no password is asked for: its own is left alone; roles given are added); one that differs exits 5.

JSON: the UserResponseType plus result.`

  static override examples = [
    '<%= config.bin %> user create alice --full-name "Alice Smith" --role FlowExecutor-Alice',
    'echo "$PASSWORD" | <%= config.bin %> user create ci-deployer --role vnode-creator --password-stdin',
    '<%= config.bin %> user create bob --expiry 2027-01-01 --disabled',
  ]

  static override args = {login: loginArg}
  static override flags = {
    'full-name': Flags.string({description: 'full name (default: the login)'}),
    expiry: Flags.string({description: 'password expiry: an ISO date or time (2027-01-01, 2027-01-01T12:00:00Z)'}),
    disabled: Flags.boolean({description: 'create the user disabled'}),
    role: Flags.string({multiple: true, description: 'role to give the user, by id or name (repeatable)'}),
    'password-stdin': passwordStdinFlag,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(UserCreate)
    checkLoginName(args.login)
    const passwordExpiry = flags.expiry === undefined ? undefined : isoInstant(flags.expiry)
    const corda = await this.corda()
    const known = flags.role?.length ? await corda.roles.list() : []
    const roles = await Promise.all((flags.role ?? []).map(r => corda.roles.resolve(r, known)))
    // Asked for only when the user is new: an existing user's password is left alone (`user password` changes it).
    const password = async () => {
      const text = await newPassword(this.prompter, args.login, flags['password-stdin'])
      checkPassword(text)
      return text
    }
    const user = await ensureUser(
      corda,
      {
        loginName: args.login,
        fullName: flags['full-name'] ?? args.login,
        enabled: !flags.disabled,
        initialPassword: password,
        passwordExpiry,
      },
      roles,
      {deadline: this.deadline, signal: this.abort.signal},
    )
    await this.output(user, userView)
  }
}

function isoInstant(text: string): string {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text)
  if (Number.isNaN(date.getTime())) throw new UsageError(`--expiry: "${text}" is not a date`, 'use an ISO date or time: 2027-01-01 or 2027-01-01T12:00:00Z')
  return date.toISOString()
}
