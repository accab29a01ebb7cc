import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../../cli/base-command.js'
import {switchSandboxWorker} from '../../../sandbox/control.js'

export default class SandboxWorkerStop extends BaseCommand {
  static override summary = 'Stop a worker type of the sandbox: its instances stop sending heartbeats'
  static override description = `The worker manager counts it dead 60 s after its last heartbeat (--now: at once). Requests for its content types then wait in NO_WORKER_AVAILABLE.`

  static override examples = ['<%= config.bin %> sandbox worker stop lta-sip-generator-worker', '<%= config.bin %> sandbox worker stop lta-sip-generator-worker --now']
  static override args = {type: Args.string({required: true, description: 'worker type (see `worker check`)'})}
  static override flags = {now: Flags.boolean({description: 'dead at once, without waiting out the 60 s heartbeat window'})}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(SandboxWorkerStop)
    await this.output(await switchSandboxWorker(args.type, 'stop', flags.now))
  }
}
