// The filters every `request` command shares (PRODUCT.md §5), and turning them into a RequestFilter.
import {Flags} from '@oclif/core'
import {parseStatus, type RequestFilter} from '../../api/workermanager/filters.js'
import {UsageError} from '../../errors.js'
import {parseMoment} from '../../input/time.js'

export const requestFilterFlags = {
  status: Flags.string({multiple: true, description: 'status (repeatable): TO_DISPATCH, NO_WORKER_AVAILABLE, DISPATCHED, RUNNING, ERROR, INVALID_CONTENT, TO_DELETE'}),
  'content-type': Flags.string({multiple: true, description: 'content type, exactly (repeatable)'}),
  source: Flags.string({description: 'source containing this text'}),
  session: Flags.string({description: 'session containing this text'}),
  'worker-type': Flags.string({description: 'dispatched worker type containing this text'}),
  since: Flags.string({description: 'created at or after: a duration ago (2h, 3d) or an ISO date/time'}),
  until: Flags.string({description: 'created at or before: a duration ago or an ISO date/time'}),
}

/** `request retry` and `request delete` may name requests by database id besides the filters. */
export const dbIdFlag = Flags.integer({multiple: true, description: 'numeric database id (repeatable; not the business request id); sent in batches of 1000'})

export function requestFilter(flags: {
  status?: string[]
  'content-type'?: string[]
  source?: string
  session?: string
  'worker-type'?: string
  since?: string
  until?: string
}): RequestFilter {
  const filter: RequestFilter = {
    statuses: flags.status
      ?.flatMap(s => s.split(','))
      .filter(Boolean)
      .map(parseStatus),
    contentTypes: flags['content-type']
      ?.flatMap(s => s.split(','))
      .map(s => s.trim())
      .filter(Boolean),
    source: flags.source,
    session: flags.session,
    workerType: flags['worker-type'],
    since: flags.since === undefined ? undefined : parseMoment(flags.since, '--since'),
    until: flags.until === undefined ? undefined : parseMoment(flags.until, '--until'),
  }
  if (filter.since && filter.until && filter.since > filter.until) throw new UsageError('--since is after --until: nothing can match')
  return filter
}
