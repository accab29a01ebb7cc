import {requestFilter, requestFilterFlags} from '../../cli/request-flags.js'
import {actionFlags, runRequestAction} from '../../cli/request-action.js'
import {ServiceCommand, timeoutFlag} from '../../cli/service-command.js'

export default class RequestRetry extends ServiceCommand {
  static override summary = 'Send blocked requests (ERROR, NO_WORKER_AVAILABLE, INVALID_CONTENT) to their workers again'
  static override description = `Only ERROR, NO_WORKER_AVAILABLE and INVALID_CONTENT requests can be retried; they are always sent as an INCLUDE
list (the service would otherwise widen the filter, or reach requests in flight), with creationDate.before set to the
moment of counting, so exactly the set counted is acted on. Counts first and shows a sample; asks unless --yes
(--dry-run stops there). Then follows the service's job until it is done or --timeout, and reports re-dispatched,
delayed again (no live worker) and still errored.`

  static override examples = [
    '<%= config.bin %> request retry --status ERROR --since 2h --dry-run',
    '<%= config.bin %> request retry --content-type lta-to-extract-request --yes',
    '<%= config.bin %> request retry --db-id 1234 --db-id 1235 --yes -o json',
  ]

  static override baseFlags = {...ServiceCommand.baseFlags, timeout: timeoutFlag('5m')}
  static override flags = {...requestFilterFlags, ...actionFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(RequestRetry)
    const filter = {...requestFilter(flags), ids: flags['db-id']}
    await runRequestAction('retry', {
      wm: await this.workerManager(), out: this.out, prompter: this.prompter, filter, yes: flags.yes, dryRun: flags['dry-run'],
      deadline: this.deadline, signal: this.abort.signal, progress: text => this.progress.status(text),
    })
  }
}
