import {Args, Flags} from '@oclif/core'
import {isNoSuchRequestId} from '../../api/corda/cpis.js'
import {followUpload} from '../../api/corda/ops/cpi-deploy.js'
import {timeoutFlag} from '../../cli/flags/common.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {NotFoundError} from '../../errors.js'
import {cpiStatusView} from '../../format/corda.js'

export default class CpiStatus extends ServiceCommand {
  static override summary = 'Show the status of a CPI upload'
  static override description = `The status is free text until it is exactly OK. A rejected upload is reported by the status call itself as an error (exit 8 with its reason when waiting; otherwise the error's own exit code).`

  static override examples = [
    '<%= config.bin %> cpi status 3c1e9c3a-5c8e-4b39-9d4b-6f6a5b3f1e2d',
    '<%= config.bin %> cpi status 3c1e9c3a-5c8e-4b39-9d4b-6f6a5b3f1e2d --wait --timeout 10m',
  ]

  static override args = {requestId: Args.string({required: true, description: 'the id `cpi upload` printed'})}
  static override flags = {wait: Flags.boolean({description: 'poll until the status is OK, or --timeout'}), timeout: timeoutFlag('10m')}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CpiStatus)
    const corda = await this.corda()
    try {
      const status = flags.wait
        ? await this.settle(
            followUpload(
              corda,
              args.requestId,
              {
                deadline: this.deadline,
                signal: this.abort.signal,
                onStatus: s => this.progress.status(`CPI upload ${args.requestId}: ${s}`),
              },
              reason => ({status: reason, cpiFileChecksum: ''}),
            ),
            {view: cpiStatusView, resume: id => `workerctl cpi status ${id} --wait`},
          )
        : await corda.cpis.status(args.requestId)
      await this.output(status, cpiStatusView)
    } catch (error) {
      if (isNoSuchRequestId(error)) {
        throw new NotFoundError(
          `the cluster knows no CPI upload ${args.requestId} (yet)`,
          'right after an upload it may take a few seconds (`--wait` waits for it); the cluster forgets ids when it restarts',
        )
      }
      throw error
    }
  }
}
