import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {applySettingFlags, oauthClient, settingFlags} from '../../cli/flags/context.js'
import {updateConfig} from '../../config/config.js'
import {Credentials} from '../../config/credentials.js'
import {UsageError} from '../../errors.js'

export default class ContextSet extends BaseCommand {
  static override summary = 'Create or edit a context without logging in (no credentials are checked)'
  static override examples = [
    '<%= config.bin %> context set staging --corda-url https://corda.staging:8888 --username admin --ca-cert corp-ca.pem',
    '<%= config.bin %> context set staging --jobs-url http://jobs.staging:9411 --partition tenant-a',
  ]

  static override args = {name: Args.string({required: true, description: 'context name'})}
  static override flags = {
    ...settingFlags,
    'ca-cert': Flags.file({exists: true, description: 'PEM file of a CA to trust for every service of the context'}),
    insecure: Flags.boolean({description: 'skip TLS verification for every service of the context (not for production)'}),
    current: Flags.boolean({description: 'also make it the current context'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ContextSet)
    let result: 'created' | 'updated' = 'updated'
    const data = await updateConfig(config => {
      const existing = config.contexts[args.name]
      if (!existing) result = 'created'
      const next = applySettingFlags(existing ?? {}, flags)
      if (!next.corda && !next.workerManager && !next.jobService) {
        throw new UsageError('a context needs at least one service', 'give --corda-url, --wm-url or --jobs-url')
      }
      config.contexts[args.name] = next
      if (flags.current || !config['current-context']) config['current-context'] = args.name
    })
    const secret = oauthClient(flags['oauth-client']).secret
    if (secret) await new Credentials({warn: m => this.out.warn(m)}).set(args.name, 'wm-client-secret', secret)
    await this.output({name: args.name, ...data.contexts[args.name], result}, {text: v => `Context "${v.name}" ${v.result}.`})
  }
}
