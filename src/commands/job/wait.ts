import {Args} from '@oclif/core'
import {checkJobId} from '../../api/jobservice/validate.js'
import {timeoutFlag} from '../../cli/flags/common.js'
import {partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'
import {jobView} from '../../format/jobs.js'

export default class JobWait extends JobCommand {
  static override summary = 'Wait for a job to end'
  static override description =
    'Exit 0 when Completed, 8 when Failed or Cancelled (the job and its failures are printed), 7 at --timeout. Polls as often as the service asks (Cache-Control).'
  static override examples = ['<%= config.bin %> job wait ingest-2026-11-25', '<%= config.bin %> job wait ingest-2026-11-25 --timeout 1h -o json']
  static override args = {id: Args.string({required: true, description: 'job id'})}
  static override flags = {...partitionFlag, timeout: timeoutFlag('30m')}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JobWait)
    checkJobId(args.id)
    const js = await this.jobs(flags.partition)
    const job = await this.settle(
      js.waitFor(args.id, {
        deadline: this.deadline,
        signal: this.abort.signal,
        onStatus: s => this.progress.status(`Job ${args.id}: ${s}`),
      }),
      {view: jobView, resume: id => `workerctl job wait ${id}${flags.partition ? ` -p ${flags.partition}` : ''}`},
    )
    await this.output(job, jobView)
  }
}
