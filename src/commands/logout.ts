import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base-command.js'
import {readConfig} from '../config/config.js'
import {Credentials} from '../config/credentials.js'
import {UsageError} from '../errors.js'

export default class Logout extends BaseCommand {
  static override summary = 'Forget the stored secrets of a context (its settings stay)'
  static override examples = ['<%= config.bin %> logout', '<%= config.bin %> logout --context prod']

  static override flags = {
    context: Flags.string({char: 'c', description: 'context to log out of (default: the current one)'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Logout)
    const config = await readConfig()
    const name = flags.context ?? process.env.WORKERCTL_CONTEXT ?? config['current-context']
    if (!name) throw new UsageError('no current context', 'name one with --context')
    const credentials = new Credentials({warn: m => this.out.warn(m)})
    await credentials.deleteAll(name)
    await this.output({context: name, result: 'logged-out'}, {text: v => `Secrets of context "${v.context}" removed.`})
  }
}
