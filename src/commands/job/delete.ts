import {Args} from '@oclif/core'
import {checkJobId} from '../../api/jobservice/validate.js'
import {dryRunFlag, timeoutFlag, yesFlag} from '../../cli/flags/common.js'
import {hasJobFilter, jobFilterFlags, partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'
import {UsageError} from '../../errors.js'

export default class JobDelete extends JobCommand {
  static override summary = 'Delete a job, or every job matching a filter (in any status, running ones included)'
  static override description = `Shows what it will remove and asks first (--yes skips, --dry-run only shows). Without an id a filter is required: the service would otherwise delete the whole partition. The prompt says how many of them are still running.`

  static override examples = ['<%= config.bin %> job delete ingest-2026-11-25 --yes', '<%= config.bin %> job delete --status Failed --label batch=2026-11-24 --dry-run']

  static override args = {id: Args.string({description: 'job id (omit to delete by filter)'})}
  static override flags = {...partitionFlag, ...jobFilterFlags, yes: yesFlag(), 'dry-run': dryRunFlag('show; send nothing'), timeout: timeoutFlag('10m')}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JobDelete)
    const js = await this.jobs(flags.partition)
    if (args.id === undefined) return this.bulk('delete', js, flags)
    checkJobId(args.id)
    if (hasJobFilter(flags)) throw new UsageError('give a job id or a filter, not both')
    const job = await js.get(args.id)
    this.out.note(`Delete job ${job.id} (${job.status}${job.status === 'Active' ? ', still running' : ''}) from partition ${js.partition}.`)
    if (flags['dry-run']) return this.output({id: job.id, status: job.status, result: 'would delete'})
    await this.confirm(`Delete job ${job.id}?`, flags.yes)
    await js.delete(args.id)
    await this.output({id: job.id, status: job.status, result: 'deleted'})
  }
}
