import {ServiceCommand} from '../../cli/service-command.js'
import {cpiTable} from '../../format/corda.js'

export default class CpiList extends ServiceCommand {
  static override summary = 'List the CPIs uploaded to the cluster'
  static override examples = ['<%= config.bin %> cpi list', '<%= config.bin %> cpi list -o json']

  async run(): Promise<void> {
    await this.parse(CpiList)
    const corda = await this.corda()
    await this.output(await corda.cpis.list(), {table: cpiTable})
  }
}
