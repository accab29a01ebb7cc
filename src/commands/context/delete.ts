import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {updateConfig} from '../../config/config.js'
import {Credentials} from '../../config/credentials.js'
import {NotFoundError} from '../../errors.js'

export default class ContextDelete extends BaseCommand {
  static override summary = 'Delete a context and its stored secrets'
  static override examples = ['<%= config.bin %> context delete old-staging']
  static override args = {name: Args.string({required: true, description: 'context name'})}

  async run(): Promise<void> {
    const {args} = await this.parse(ContextDelete)
    let wasCurrent = false
    await updateConfig(data => {
      if (!data.contexts[args.name]) throw new NotFoundError(`context "${args.name}" does not exist`)
      delete data.contexts[args.name]
      wasCurrent = data['current-context'] === args.name
      if (wasCurrent) delete data['current-context']
    })
    await new Credentials({warn: m => this.out.warn(m)}).deleteAll(args.name)
    await this.output({name: args.name, result: 'deleted'}, {text: v => `Deleted context "${v.name}" and its secrets.`})
    if (wasCurrent) this.out.note('It was the current context: choose another with `workerctl context use NAME`.')
  }
}
