import {Flags} from '@oclif/core'
import {summarizeRequests} from '../../api/workermanager/ops/request-summary.js'
import {timeoutFlag} from '../../cli/flags/common.js'
import {requestFilter, requestFilterFlags} from '../../cli/flags/requests.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {summaryView} from '../../format/requests.js'
import {parseDuration} from '../../input/time.js'

export default class RequestSummary extends ServiceCommand {
  static override summary = 'Why are requests delayed or failing? Counts by status and content type, and the likely cause of each'
  static override description = `Counts come from paged queries (no full scan). For NO_WORKER_AVAILABLE: is a worker for the content type alive, is any worker or workflow mapped to it at all (from the configuration export, when you may read it). For ERROR and INVALID_CONTENT: the most frequent error texts, with ids, numbers and times masked so alike errors group. DISPATCHED and RUNNING requests older than --stuck are flagged: the API cannot move them.`

  static override examples = [
    '<%= config.bin %> request summary',
    '<%= config.bin %> request summary --since 1d --session Mission1',
    '<%= config.bin %> request summary --stuck 30m -o json',
  ]

  static override flags = {
    ...requestFilterFlags,
    stuck: Flags.string({default: '1h', description: 'flag DISPATCHED/RUNNING requests older than this'}),
    timeout: timeoutFlag('2m'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(RequestSummary)
    const filter = requestFilter(flags)
    const stuckMs = parseDuration(flags.stuck, '--stuck')
    const wm = await this.workerManager()
    await this.output(await summarizeRequests(wm, filter, {stuckMs}), summaryView)
  }
}
