// `job cancel` and `job delete` without an id: the bulk endpoints act on the whole partition when given no filter,
// so a filter is required, the matches are counted and shown, and the operator confirms (PRODUCT.md §2, §6).
import type {JobServiceClient} from '../api/jobservice/client.js'
import type {Output} from '../format/output.js'
import type {Prompter} from './prompt.js'
import {ConflictError, UsageError} from '../errors.js'

export interface BulkRun {
  js: JobServiceClient
  out: Output
  prompter: Prompter
  query: {filter?: string; jobIdStartsWith?: string}
  yes: boolean
  dryRun: boolean
}

export async function bulkJobs(action: 'cancel' | 'delete', run: BulkRun): Promise<void> {
  const {js, query} = run
  if (!query.filter && !query.jobIdStartsWith) {
    throw new UsageError(`job ${action} without an id needs a filter (--status, --label, --prefix or --filter): with none the service would ${action} every job of partition ${js.partition}`)
  }
  // Cancel touches only unfinished jobs; delete touches every status, Active ones included.
  const statusType = action === 'cancel' ? 'NotFinished' as const : undefined
  const [matched, active, sample] = await Promise.all([
    js.count({...query, statusType}),
    action === 'delete' ? js.count({...query, statusType: 'NotFinished'}) : Promise.resolve(0),
    js.list({...query, statusType, limit: 5, sort: 'jobId:asc'}),
  ])
  const plan = {action, partition: js.partition, matched, ...(action === 'delete' ? {unfinished: active} : {}), query, sample: sample.map(j => ({id: j.id, status: j.status}))}
  if (matched === 0) {
    run.out.note(`Nothing to ${action}: no job matches.`)
    return run.out.data({...plan, [action === 'cancel' ? 'jobsCanceled' : 'jobsDeleted']: 0})
  }
  const warning = action === 'delete' && active > 0 ? ` — ${active} of them are not finished (Active, Paused or Waiting) and will be removed while running` : ''
  run.out.note(`${action === 'cancel' ? 'Cancel' : 'Delete'} ${matched} job(s) in partition ${js.partition}${warning}, e.g.:\n${plan.sample.map(j => `  ${j.id}  ${j.status}`).join('\n')}`)
  if (run.dryRun) return run.out.data(plan)
  if (!run.yes && !(await run.prompter.confirm(`${action === 'cancel' ? 'Cancel' : 'Delete'} these ${matched} job(s)?`))) throw new ConflictError('cancelled; nothing was sent')
  const done = action === 'cancel' ? {jobsCanceled: await js.cancelMatching(query)} : {jobsDeleted: await js.deleteMatching(query)}
  await run.out.data({...plan, ...done})
}
