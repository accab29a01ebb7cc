import {Flags} from '@oclif/core'
import {REQUEST_SORT_FIELDS, requestSort, toSearch} from '../../api/workermanager/filters.js'
import {timeoutFlag} from '../../cli/flags/common.js'
import {requestFilter, requestFilterFlags} from '../../cli/flags/requests.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {requestTable} from '../../format/requests.js'

export default class RequestList extends ServiceCommand {
  static override summary = 'List worker-manager requests, printing them as pages arrive'
  static override description = `Filters combine (AND). The table shows an error on one cut line; \`request get\` and JSON have it whole. -o json prints a JSON array, streamed: \`--all -o json\` over a million rows never holds them in memory.`

  static override examples = [
    '<%= config.bin %> request list --status ERROR --since 2h',
    '<%= config.bin %> request list --status NO_WORKER_AVAILABLE --content-type lta-to-extract-request',
    '<%= config.bin %> request list --session Mission1 --all -o json > requests.json',
  ]

  static override flags = {
    ...requestFilterFlags,
    limit: Flags.integer({min: 1, default: 50, description: 'at most this many rows', exclusive: ['all']}),
    all: Flags.boolean({description: 'every matching row'}),
    sort: Flags.string({description: `FIELD[,ASC|DESC]: ${REQUEST_SORT_FIELDS.join(', ')}`, default: 'creationDate,DESC'}),
    timeout: timeoutFlag('10m'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(RequestList)
    const search = toSearch(requestFilter(flags))
    // A stable order: the id breaks ties, so no row is skipped or repeated between pages.
    const sort = [requestSort(flags.sort), 'id,ASC']
    const wm = await this.workerManager()
    const limit = flags.all ? undefined : flags.limit
    await this.out.stream(wm.requests.search(search, {limit, sort, pageSize: limit === undefined ? 1000 : Math.min(limit, 1000)}), requestTable)
  }
}
