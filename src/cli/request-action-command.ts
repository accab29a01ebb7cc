// `request retry` and `request delete`: the same steps (count, show, confirm, send, follow), two verbs.
import {ApiError} from '../api/errors.js'
import {followAction, planAction, type RequestAction, sendAction} from '../api/workermanager/ops/request-actions.js'
import {AuthError} from '../errors.js'
import {outcomeView, planText} from '../format/requests.js'
import {dryRunFlag, timeoutFlag, yesFlag} from './flags/common.js'
import {dbIdFlag, requestFilter, requestFilterFlags} from './flags/requests.js'
import {ServiceCommand} from './service-command.js'

export abstract class RequestActionCommand extends ServiceCommand {
  static override flags = {...requestFilterFlags, 'db-id': dbIdFlag, yes: yesFlag(), 'dry-run': dryRunFlag(), timeout: timeoutFlag('5m')}

  protected abstract readonly action: RequestAction

  async run(): Promise<void> {
    const {flags} = await this.parse(RequestActionCommand)
    const {action} = this
    const filter = {...requestFilter(flags), ids: flags['db-id']}
    const wm = await this.workerManager()
    const plan = await planAction(wm, action, filter)
    if (plan.total === 0) {
      this.out.note(`Nothing to ${action}: no ERROR, NO_WORKER_AVAILABLE or INVALID_CONTENT request matches.`)
      return this.output({action, matched: 0, search: plan.search})
    }
    this.out.note(planText(plan))
    if (flags['dry-run']) return this.output({action, matched: plan.total, counts: plan.counts, search: plan.search, sample: plan.sample})
    await this.confirm(`${action === 'retry' ? 'Retry' : 'Delete'} these ${plan.total} request(s)?`, flags.yes)
    try {
      await sendAction(wm, plan, {deadline: this.deadline, signal: this.abort.signal})
    } catch (error) {
      if (action === 'delete' && error instanceof ApiError && error.status === 403) {
        throw new AuthError(`${error.message}`, 'deleting requests needs the ADMIN role in this tenant')
      }
      throw error
    }
    const outcome = await followAction(wm, plan, {
      deadline: this.deadline,
      signal: this.abort.signal,
      onStatus: o =>
        this.progress.status(
          `${action}: ${o.pending} pending, ${o.action === 'retry' ? `${o.redispatched} re-dispatched, ${o.delayedAgain} delayed again` : `${o.deleted} deleted`}`,
        ),
    })
    await this.output(outcome, outcomeView)
    if (!outcome.complete) this.out.note('The service goes on with the job; run `workerctl request summary` later to see where they are.')
  }
}
