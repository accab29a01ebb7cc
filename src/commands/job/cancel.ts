import {Args} from '@oclif/core'
import {checkJobId} from '../../api/jobservice/validate.js'
import {dryRunFlag, timeoutFlag, yesFlag} from '../../cli/flags/common.js'
import {hasJobFilter, jobFilterFlags, partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'
import {UsageError} from '../../errors.js'
import {jobView} from '../../format/jobs.js'

export default class JobCancel extends JobCommand {
  static override summary = 'Cancel a job, or every unfinished job matching a filter'
  static override description = `With an id: cancels that job (a Completed or Failed one is refused by the service, exit 2). Without: a filter is required (the service would otherwise cancel the whole partition); the unfinished jobs it matches are counted and shown, then cancelled after you confirm (--yes; --dry-run only shows).`

  static override examples = [
    '<%= config.bin %> job cancel ingest-2026-11-25',
    '<%= config.bin %> job cancel --label batch=2026-11-25 --dry-run',
    '<%= config.bin %> job cancel --prefix nightly- --yes',
  ]

  static override args = {id: Args.string({description: 'job id (omit to cancel by filter)'})}
  static override flags = {...partitionFlag, ...jobFilterFlags, yes: yesFlag(), 'dry-run': dryRunFlag('count and show; send nothing'), timeout: timeoutFlag('10m')}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JobCancel)
    const js = await this.jobs(flags.partition)
    if (args.id === undefined) return this.bulk('cancel', js, flags)
    checkJobId(args.id)
    if (hasJobFilter(flags)) throw new UsageError('give a job id or a filter, not both')
    if (flags['dry-run']) return this.output(await js.get(args.id), jobView)
    await js.cancel(args.id)
    await this.output({...(await js.get(args.id)), result: 'updated'}, jobView)
  }
}
