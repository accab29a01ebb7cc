import {Flags} from '@oclif/core'
import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {flowTable} from '../../format/corda.js'
import {FLOW_STATUSES} from '../../shared/flow-status.js'

export default class FlowList extends ServiceCommand {
  static override summary = 'List the flows of a virtual node'
  static override description = 'The --status filter needs Corda 5.2.'
  static override examples = ['<%= config.bin %> flow list Alice', '<%= config.bin %> flow list 58B6030FABDD --status RUNNING -o json']
  static override args = {vnode: vnodeArg}
  static override flags = {status: Flags.option({options: FLOW_STATUSES, description: 'only flows in this status'})()}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(FlowList)
    const corda = await this.corda()
    const hash = await corda.vnodes.shortHash(args.vnode)
    await this.output(await corda.flows.list(hash, {status: flags.status}), {table: flowTable})
  }
}
