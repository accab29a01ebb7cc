import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {nameTable} from '../../format/corda.js'

export default class FlowClasses extends ServiceCommand {
  static override summary = 'List the flow classes a virtual node can start'
  static override examples = ['<%= config.bin %> flow classes Alice', '<%= config.bin %> flow classes 58B6030FABDD -o json']
  static override args = {vnode: vnodeArg}

  async run(): Promise<void> {
    const {args} = await this.parse(FlowClasses)
    const corda = await this.corda()
    const hash = await corda.vnodes.shortHash(args.vnode)
    await this.output(await corda.flows.classes(hash), {table: nameTable('FLOW CLASS')})
  }
}
