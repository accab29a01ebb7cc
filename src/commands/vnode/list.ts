import {ServiceCommand} from '../../cli/service-command.js'
import {vnodeTable} from '../../format/corda.js'

export default class VnodeList extends ServiceCommand {
  static override summary = 'List the virtual nodes'
  static override examples = ['<%= config.bin %> vnode list', '<%= config.bin %> vnode list -o json']

  async run(): Promise<void> {
    await this.parse(VnodeList)
    const corda = await this.corda()
    await this.output(await corda.vnodes.list(), {table: vnodeTable})
  }
}
