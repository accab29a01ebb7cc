import {BaseCommand} from '../../cli/base-command.js'
import {readConfig} from '../../config/config.js'
import {contextTable, type ContextRow} from '../../format/context.js'

export default class ContextList extends BaseCommand {
  static override summary = 'List the contexts; * marks the current one'
  static override examples = ['<%= config.bin %> context list', '<%= config.bin %> contexts list -o json']

  async run(): Promise<void> {
    await this.parse(ContextList)
    const config = await readConfig()
    const rows: ContextRow[] = Object.entries(config.contexts).map(([name, settings]) => ({name, current: name === config['current-context'], ...settings}))
    await this.output(rows, {table: contextTable})
  }
}
