import {CONFIG_SECTIONS} from '../../../api/corda/types.js'
import {BaseCommand} from '../../../cli/base-command.js'
import {nameTable} from '../../../format/corda.js'

export default class ClusterConfigSections extends BaseCommand {
  static override summary = 'List the configuration sections of a Corda 5.2 cluster'
  static override description = 'The REST API has no call that lists them: this is the list Corda 5.2 defines.'
  static override examples = ['<%= config.bin %> cluster config sections']

  async run(): Promise<void> {
    await this.parse(ClusterConfigSections)
    await this.output([...CONFIG_SECTIONS], {table: nameTable('SECTION')})
  }
}
