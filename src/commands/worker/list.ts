import {Flags} from '@oclif/core'
import {ServiceCommand} from '../../cli/service-command.js'
import {workerTable} from '../../format/requests.js'

export default class WorkerList extends ServiceCommand {
  static override summary = 'List the alive worker types and their instance counts'
  static override description = 'A worker type counts as alive while an instance sent a heartbeat in the last 60 s; dead types are absent (see `worker check`).'
  static override examples = ['<%= config.bin %> worker list', '<%= config.bin %> worker list --content-type lta-to-extract-request -o json']
  static override flags = {'content-type': Flags.string({multiple: true, description: 'only workers configured for this content type (repeatable)'})}

  async run(): Promise<void> {
    const {flags} = await this.parse(WorkerList)
    const wm = await this.workerManager()
    await this.output(await wm.workers.alive(flags['content-type']), {table: workerTable})
  }
}
