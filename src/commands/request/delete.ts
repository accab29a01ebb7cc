import {RequestActionCommand} from '../../cli/request-action-command.js'

export default class RequestDelete extends RequestActionCommand {
  static override summary = 'Delete blocked requests (ERROR, NO_WORKER_AVAILABLE, INVALID_CONTENT); needs the ADMIN role'
  static override description = `Only ERROR, NO_WORKER_AVAILABLE and INVALID_CONTENT requests can be deleted; they are always sent as an INCLUDE list (the service would otherwise widen the filter, or reach requests in flight), with creationDate.before set to the moment of counting, so exactly the set counted is acted on. Counts first and shows a sample; asks unless --yes (--dry-run stops there). Then follows the service's job until it is done or --timeout, and reports how many were deleted.`

  static override examples = [
    '<%= config.bin %> request delete --status ERROR --since 2h --dry-run',
    '<%= config.bin %> request delete --content-type lta-to-extract-request --yes',
    '<%= config.bin %> request delete --db-id 1234 --db-id 1235 --yes -o json',
  ]

  protected readonly action = 'delete'
}
