import {Args} from '@oclif/core'
import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {flowView} from '../../format/corda.js'

export default class FlowStatus extends ServiceCommand {
  static override summary = 'Show the status of a flow (and its result once it has one)'
  static override examples = ['<%= config.bin %> flow status Alice issue-42', '<%= config.bin %> flow status 58B6030FABDD issue-42 -o json']
  static override args = {vnode: vnodeArg, id: Args.string({required: true, description: 'client request id of the flow'})}

  async run(): Promise<void> {
    const {args} = await this.parse(FlowStatus)
    const corda = await this.corda()
    const hash = await corda.vnodes.shortHash(args.vnode)
    await this.output(await corda.flows.status(hash, args.id), flowView)
  }
}
