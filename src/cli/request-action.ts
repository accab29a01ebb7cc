// `request retry` and `request delete`: the same steps (count, show, confirm, send, follow), two verbs.
import {Flags} from '@oclif/core'
import {followAction, planAction, type RequestAction, sendAction} from '../api/workermanager/actions.js'
import {ApiError} from '../api/errors.js'
import type {RequestFilter} from '../api/workermanager/filters.js'
import type {WorkerManagerClient} from '../api/workermanager/client.js'
import {outcomeView, planText} from '../format/requests.js'
import type {Output} from '../format/output.js'
import type {Prompter} from './prompt.js'
import {AuthError, ConflictError} from '../errors.js'

export const actionFlags = {
  'db-id': Flags.integer({multiple: true, description: 'numeric database id (repeatable; not the business request id); sent in batches of 1000'}),
  yes: Flags.boolean({char: 'y', description: 'do not ask'}),
  'dry-run': Flags.boolean({description: 'count and show what would be touched; send nothing'}),
}

export interface ActionRun {
  wm: WorkerManagerClient
  out: Output
  prompter: Prompter
  filter: RequestFilter
  yes: boolean
  dryRun: boolean
  deadline: number
  signal: AbortSignal
  progress: (text: string) => void
}

export async function runRequestAction(action: RequestAction, run: ActionRun): Promise<void> {
  const plan = await planAction(run.wm, action, run.filter)
  if (plan.total === 0) {
    run.out.note(`Nothing to ${action}: no ERROR, NO_WORKER_AVAILABLE or INVALID_CONTENT request matches.`)
    return run.out.data({action, matched: 0, search: plan.search})
  }
  run.out.note(planText(plan))
  if (run.dryRun) return run.out.data({action, matched: plan.total, counts: plan.counts, search: plan.search, sample: plan.sample})
  if (!run.yes && !(await run.prompter.confirm(`${action === 'retry' ? 'Retry' : 'Delete'} these ${plan.total} request(s)?`))) {
    throw new ConflictError('cancelled; nothing was sent')
  }
  try {
    await sendAction(run.wm, plan)
  } catch (error) {
    if (action === 'delete' && error instanceof ApiError && error.status === 403) {
      throw new AuthError(`${error.message}`, 'deleting requests needs the ADMIN role in this tenant')
    }
    throw error
  }
  const outcome = await followAction(run.wm, plan, {
    deadline: run.deadline, signal: run.signal,
    onProgress: o => run.progress(`${action}: ${o.pending} pending, ${o.action === 'retry' ? `${o.redispatched} re-dispatched, ${o.delayedAgain} delayed again` : `${o.deleted} deleted`}`),
  })
  await run.out.data(outcome, outcomeView)
  if (!outcome.complete) run.out.note('The service goes on with the job; run `workerctl request summary` later to see where they are.')
}
