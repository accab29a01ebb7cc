import {Args, Flags} from '@oclif/core'
import {timeoutFlag} from '../../cli/flags/common.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {operationView} from '../../format/corda.js'

export default class VnodeStatus extends ServiceCommand {
  static override summary = 'Show the status of a virtual node operation (create, upgrade, database change)'
  static override description = 'With --wait, polls until SUCCEEDED (exit 0) or FAILED/ABORTED (exit 8), or --timeout (exit 7).'
  static override examples = ['<%= config.bin %> vnode status 58B6030FABDD', '<%= config.bin %> vnode status 58B6030FABDD --wait --timeout 5m -o json']

  static override args = {requestId: Args.string({required: true, description: 'the request id `vnode create` or `vnode upgrade` printed'})}
  static override flags = {wait: Flags.boolean({description: 'poll until the operation ends, or --timeout'}), timeout: timeoutFlag('5m')}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(VnodeStatus)
    const corda = await this.corda()
    const status = flags.wait
      ? await this.settle(
          corda.vnodes.waitForOperation(args.requestId, {
            deadline: this.deadline,
            signal: this.abort.signal,
            onStatus: s => this.progress.status(`Operation ${s.requestId}: ${s.status}`),
          }),
          {view: operationView, resume: id => `workerctl vnode status ${id} --wait`},
        )
      : await corda.vnodes.status(args.requestId)
    await this.output(status, operationView)
  }
}
