import {Args} from '@oclif/core'
import {BaseCommand} from '../../../cli/base-command.js'
import {switchSandboxWorker} from '../../../sandbox/control.js'

export default class SandboxWorkerStart extends BaseCommand {
  static override summary = 'Start a worker type of the sandbox again'
  static override description = `Its instances beat at once; the worker manager re-dispatches NO_WORKER_AVAILABLE requests of worker content types every 3 s (workflow requests need \`request retry\`).`

  static override examples = ['<%= config.bin %> sandbox worker start lta-sip-generator-worker']
  static override args = {type: Args.string({required: true, description: 'worker type (see `worker check`)'})}

  async run(): Promise<void> {
    const {args} = await this.parse(SandboxWorkerStart)
    await this.output(await switchSandboxWorker(args.type, 'start'))
  }
}
