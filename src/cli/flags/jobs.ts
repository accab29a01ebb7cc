// What every `job` command shares: --partition (default from the context) and the filter flags of the list, count and
// bulk commands.
import {Flags} from '@oclif/core'
import {checkRsqlFilter, jobQuery} from '../../api/jobservice/rsql.js'
import {parseJobStatus, parseLabels} from '../../api/jobservice/validate.js'

export const partitionFlag = {partition: Flags.string({char: 'p', description: 'partition (default: the context\'s, else "default")'})}

export const jobFilterFlags = {
  status: Flags.string({multiple: true, description: 'status (repeatable): Active, Cancelled, Completed, Failed, Paused, Waiting'}),
  label: Flags.string({multiple: true, description: 'label KEY=VALUE that must match (repeatable)'}),
  prefix: Flags.string({description: 'job ids starting with this'}),
  filter: Flags.string({description: 'an RSQL filter of your own (keys id, name, status, percentageComplete, labels.KEY), ANDed with the rest'}),
}

export type JobFilterFlags = {status?: string[]; label?: string[]; prefix?: string; filter?: string}

/** The list/count/bulk query for the filter flags; a bad --filter is refused here, before anything is sent. */
export async function jobFilter(flags: JobFilterFlags): Promise<ReturnType<typeof jobQuery>> {
  if (flags.filter?.trim()) await checkRsqlFilter(flags.filter.trim())
  return jobQuery({
    statuses: flags.status
      ?.flatMap(s => s.split(','))
      .filter(Boolean)
      .map(parseJobStatus),
    labels: parseLabels(flags.label),
    prefix: flags.prefix,
    rsql: flags.filter,
  })
}

/** Whether any filter flag was given. */
export const hasJobFilter = (flags: JobFilterFlags): boolean => Boolean(flags.status || flags.label || flags.prefix || flags.filter)
