// What every `job` command shares: a client in the partition the command was given, and the bulk form of cancel
// and delete.
import type {JobServiceClient} from '../api/jobservice/client.js'
import {UsageError} from '../errors.js'
import {jobFilter, type JobFilterFlags} from './flags/jobs.js'
import {ServiceCommand} from './service-command.js'

export abstract class JobCommand extends ServiceCommand {
  /** The Job Service client in the partition the command was given. */
  protected async jobs(partition?: string): Promise<JobServiceClient> {
    return (await this.jobService()).inPartition(partition)
  }

  /**
   * `job cancel` and `job delete` without an id. The bulk endpoints act on the whole partition when given no filter,
   * so a filter is required; the matches are counted and shown, and the operator confirms (PRODUCT.md §2, §6).
   */
  protected async bulk(action: 'cancel' | 'delete', js: JobServiceClient, flags: JobFilterFlags & {yes: boolean; 'dry-run': boolean}): Promise<void> {
    const query = await jobFilter(flags)
    if (!query.filter && !query.jobIdStartsWith) {
      throw new UsageError(
        `job ${action} without an id needs a filter (--status, --label, --prefix or --filter): with none the service would ${action} every job of partition ${js.partition}`,
      )
    }
    // Cancel touches only unfinished jobs; delete touches every status, Active ones included.
    const statusType = action === 'cancel' ? ('NotFinished' as const) : undefined
    const [matched, active, sample] = await Promise.all([
      js.count({...query, statusType}),
      action === 'delete' ? js.count({...query, statusType: 'NotFinished'}) : Promise.resolve(0),
      js.list({...query, statusType, limit: 5, sort: 'jobId:asc'}),
    ])
    const plan = {action, partition: js.partition, matched, ...(action === 'delete' ? {unfinished: active} : {}), query, sample: sample.map(j => ({id: j.id, status: j.status}))}
    if (matched === 0) {
      this.out.note(`Nothing to ${action}: no job matches.`)
      return this.output({...plan, [action === 'cancel' ? 'jobsCanceled' : 'jobsDeleted']: 0})
    }
    const verb = action === 'cancel' ? 'Cancel' : 'Delete'
    const warning = action === 'delete' && active > 0 ? ` — ${active} of them are not finished (Active, Paused or Waiting) and will be removed while running` : ''
    this.out.note(`${verb} ${matched} job(s) in partition ${js.partition}${warning}, e.g.:\n${plan.sample.map(j => `  ${j.id}  ${j.status}`).join('\n')}`)
    if (flags['dry-run']) return this.output(plan)
    await this.confirm(`${verb} these ${matched} job(s)?`, flags.yes)
    const done = action === 'cancel' ? {jobsCanceled: await js.cancelMatching(query)} : {jobsDeleted: await js.deleteMatching(query)}
    await this.output({...plan, ...done})
  }
}
