import {Args} from '@oclif/core'
import {ServiceCommand} from '../../cli/service-command.js'
import {requestView} from '../../format/requests.js'

export default class RequestGet extends ServiceCommand {
  static override summary = 'Show one request by its business request id, with its whole error text'
  static override examples = ['<%= config.bin %> request get req-42', '<%= config.bin %> request get req-42 -o json']
  static override args = {requestId: Args.string({required: true, description: 'the business request id (not the numeric id)'})}

  async run(): Promise<void> {
    const {args} = await this.parse(RequestGet)
    const wm = await this.workerManager()
    await this.output(await wm.requests.get(args.requestId), requestView)
  }
}
