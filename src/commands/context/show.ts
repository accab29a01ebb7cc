import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {resolveContext} from '../../config/context.js'
import {Credentials, type SecretKey} from '../../config/credentials.js'

export default class ContextShow extends BaseCommand {
  static override summary = 'Show a context: its settings and where each secret comes from (never the secret)'
  static override examples = ['<%= config.bin %> context show', '<%= config.bin %> context show prod -o yaml']
  static override args = {name: Args.string({description: 'context name (default: the one commands would use now)'})}

  async run(): Promise<void> {
    const {args} = await this.parse(ContextShow)
    const ctx = await resolveContext(args.name)
    const credentials = new Credentials({warn: m => this.out.warn(m)})
    const where = async (key: SecretKey) => (await credentials.get(ctx.name, key))?.source ?? 'none'
    const secrets: Record<string, string> = {}
    if (ctx.settings.corda) secrets.corda = await where('corda-password')
    if (ctx.settings.workerManager) secrets.workerManager = (await credentials.get(ctx.name, 'wm-token')) ? await where('wm-token') : await where('wm-password')
    if (ctx.settings.jobService) secrets.jobService = await where('jobs-token')
    await this.output({name: ctx.name, source: ctx.source, ...ctx.settings, credentials: secrets})
  }
}
