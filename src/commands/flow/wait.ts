import {Args} from '@oclif/core'
import {timeoutFlag} from '../../cli/flags/common.js'
import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {flowView} from '../../format/corda.js'

export default class FlowWait extends ServiceCommand {
  static override summary = 'Wait for a flow to finish and print its result'
  static override description = 'Exit 0 when COMPLETED, 8 when FAILED or KILLED (the status is printed either way), 7 at --timeout.'
  static override examples = ['<%= config.bin %> flow wait Alice issue-42', '<%= config.bin %> flow wait 58B6030FABDD issue-42 --timeout 10m -o json']
  static override args = {vnode: vnodeArg, id: Args.string({required: true, description: 'client request id of the flow'})}

  static override flags = {timeout: timeoutFlag('5m')}

  async run(): Promise<void> {
    const {args} = await this.parse(FlowWait)
    const corda = await this.corda()
    const hash = await corda.vnodes.shortHash(args.vnode)
    const done = await this.settle(
      corda.flows.waitForFlow(hash, args.id, {
        deadline: this.deadline,
        signal: this.abort.signal,
        onStatus: s => this.progress.status(`Flow ${args.id}: ${s.flowStatus}`),
      }),
      {view: flowView, resume: id => `workerctl flow wait ${hash} ${id}`},
    )
    await this.output(done, flowView)
  }
}
