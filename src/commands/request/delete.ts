import {requestFilter, requestFilterFlags} from '../../cli/request-flags.js'
import {actionFlags, runRequestAction} from '../../cli/request-action.js'
import {ServiceCommand, timeoutFlag} from '../../cli/service-command.js'

export default class RequestDelete extends ServiceCommand {
  static override summary = 'Delete blocked requests (ERROR, NO_WORKER_AVAILABLE, INVALID_CONTENT); needs the ADMIN role'
  static override description = `Only ERROR, NO_WORKER_AVAILABLE and INVALID_CONTENT requests can be deleted; they are always sent as an INCLUDE
list (the service would otherwise widen the filter, or reach requests in flight), with creationDate.before set to the
moment of counting, so exactly the set counted is acted on. Counts first and shows a sample; asks unless --yes
(--dry-run stops there). Then follows the service's job until it is done or --timeout, and reports how many were deleted.`

  static override examples = [
    '<%= config.bin %> request delete --status ERROR --since 2h --dry-run',
    '<%= config.bin %> request delete --content-type lta-to-extract-request --yes',
    '<%= config.bin %> request delete --db-id 1234 --db-id 1235 --yes -o json',
  ]

  static override baseFlags = {...ServiceCommand.baseFlags, timeout: timeoutFlag('5m')}
  static override flags = {...requestFilterFlags, ...actionFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(RequestDelete)
    const filter = {...requestFilter(flags), ids: flags['db-id']}
    await runRequestAction('delete', {
      wm: await this.workerManager(), out: this.out, prompter: this.prompter, filter, yes: flags.yes, dryRun: flags['dry-run'],
      deadline: this.deadline, signal: this.abort.signal, progress: text => this.progress.status(text),
    })
  }
}
