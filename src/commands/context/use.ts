import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {updateConfig} from '../../config/config.js'
import {NotFoundError} from '../../errors.js'

export default class ContextUse extends BaseCommand {
  static override summary = 'Make a context the current one'
  static override examples = ['<%= config.bin %> context use prod']
  static override args = {name: Args.string({required: true, description: 'context name'})}

  async run(): Promise<void> {
    const {args} = await this.parse(ContextUse)
    await updateConfig(data => {
      if (!data.contexts[args.name]) {
        throw new NotFoundError(`context "${args.name}" does not exist`, `known contexts: ${Object.keys(data.contexts).join(', ') || 'none'}`)
      }
      data['current-context'] = args.name
    })
    await this.output({name: args.name, current: true}, {text: v => `Now using context "${v.name}".`})
  }
}
