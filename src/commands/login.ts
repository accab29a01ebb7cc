import {Flags} from '@oclif/core'
import {SERVICE_LABEL} from '../api/errors.js'
import {applySettingFlags, oauthClient, settingFlags} from '../cli/flags/context.js'
import {ServiceCommand} from '../cli/service-command.js'
import {type ContextSettings, readConfig, updateConfig} from '../config/config.js'
import {SECRET_ENV, type SecretKey} from '../config/credentials.js'
import {Exit, UsageError, WorkerctlError} from '../errors.js'
import {healthTable} from '../format/health.js'
import {readStdinSecret} from '../input/secret.js'

export default class Login extends ServiceCommand {
  static override summary = 'Save a context for the services and check its credentials'
  static override description = `Checks the credentials against each service before saving anything, then makes the context current. Passwords come from the environment (WORKERCTL_CORDA_PASSWORD, WORKERCTL_WM_PASSWORD), --password-stdin, or a prompt in a terminal; never from a flag value. Secrets go to the OS keychain, or to a file readable only by you where there is none. The config file never holds a secret.`

  static override examples = [
    '<%= config.bin %> login --context prod --corda-url https://corda.example:8888 --username admin',
    'echo "$PASS" | <%= config.bin %> login --context ci --corda-url https://corda:8888 --username ci --password-stdin',
    '<%= config.bin %> login --context ops --wm-url https://regards.example --tenant project1 --wm-username ops --jobs-url http://jobs:9411',
  ]

  static override resolvesContext = false

  static override flags = {
    ...settingFlags,
    context: Flags.string({char: 'c', helpGroup: 'GLOBAL', description: 'name of the context to create or update (default: the current one, else "default")'}),
    'password-stdin': Flags.boolean({description: 'read the password from standard input (used for every service that needs one)'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Login)
    const config = await readConfig()
    const name = flags.context ?? config['current-context'] ?? 'default'
    let settings = applySettingFlags(config.contexts[name] ?? {}, flags)
    settings = await this.askForServices(settings)
    const secrets = await this.gatherSecrets(settings, flags)

    this.useContext({name, settings, source: 'flag'}, secrets)
    const report = await this.clients.check()
    const failed = report.filter(h => !h.healthy)
    if (failed.length > 0) {
      await this.output(report, {table: healthTable})
      const first = failed[0]!
      const code = first.authenticated === false ? Exit.AUTH : first.reachable ? Exit.UNEXPECTED : Exit.UNREACHABLE
      throw new WorkerctlError(`login to ${SERVICE_LABEL[first.service]} failed: ${first.error}; nothing was saved`, code, first.hint)
    }

    await updateConfig(data => {
      data.contexts[name] = settings
      data['current-context'] = name
    })
    for (const [key, value] of Object.entries(secrets) as [SecretKey, string][]) {
      const envName = SECRET_ENV[key]
      if (envName && process.env[envName] === value) continue // the environment keeps its own; nothing to store
      await this.credentials.set(name, key, value)
    }
    await this.credentials.delete(name, 'wm-session')
    await this.output(report, {table: healthTable})
    this.out.note(`Logged in: context "${name}" saved and made current.`)
  }

  /** With no service given, a person at a terminal is asked for the URLs; a script must pass them. */
  private async askForServices(settings: ContextSettings): Promise<ContextSettings> {
    if (settings.corda || settings.workerManager || settings.jobService) return settings
    if (!this.prompter.enabled) {
      throw new UsageError('no service to log in to', 'give at least one of --corda-url, --wm-url, --jobs-url')
    }
    const corda = await this.prompter.input('Corda REST URL (empty to skip)', '--corda-url', '')
    const wm = await this.prompter.input('REGARDS gateway URL (empty to skip)', '--wm-url', '')
    const jobs = await this.prompter.input('Job Service URL (empty to skip)', '--jobs-url', '')
    const next = applySettingFlags(settings, {'corda-url': corda || undefined, 'wm-url': wm || undefined, 'jobs-url': jobs || undefined})
    if (!next.corda && !next.workerManager && !next.jobService) throw new UsageError('no service to log in to')
    return next
  }

  private async gatherSecrets(settings: ContextSettings, flags: {'password-stdin': boolean; 'oauth-client'?: string}) {
    const secrets: Partial<Record<SecretKey, string>> = {}
    let stdinPassword: string | undefined
    const password = async (key: SecretKey, label: string): Promise<string> => {
      const fromEnv = process.env[SECRET_ENV[key]!]
      if (fromEnv) return fromEnv
      if (flags['password-stdin']) return (stdinPassword ??= await readStdinSecret())
      return this.prompter.password(`${label} password`, `--password-stdin (or ${SECRET_ENV[key]})`)
    }
    if (settings.corda) {
      settings.corda.username ??= await this.prompter.input('Corda user', '--username')
      secrets['corda-password'] = await password('corda-password', `Corda (${settings.corda.username})`)
    }
    if (settings.workerManager) {
      const wm = settings.workerManager
      wm.tenant ??= await this.prompter.input('REGARDS tenant', '--tenant')
      wm.username ??= await this.prompter.input('REGARDS user', '--wm-username')
      const token = process.env.WORKERCTL_WM_TOKEN
      if (token) secrets['wm-token'] = token
      else secrets['wm-password'] = await password('wm-password', `REGARDS (${wm.username})`)
      const client = oauthClient(flags['oauth-client'])
      if (client.secret) secrets['wm-client-secret'] = client.secret
    }
    if (settings.jobService) {
      settings.jobService.partition ??= 'default'
      if (process.env.WORKERCTL_JOBS_TOKEN) secrets['jobs-token'] = process.env.WORKERCTL_JOBS_TOKEN
    }
    return secrets
  }
}
