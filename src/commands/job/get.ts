import {Args} from '@oclif/core'
import {checkJobId} from '../../api/jobservice/validate.js'
import {partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'
import {jobView} from '../../format/jobs.js'

export default class JobGet extends JobCommand {
  static override summary = 'Show a job, with its failures spelled out'
  static override examples = ['<%= config.bin %> job get ingest-2026-11-25', '<%= config.bin %> job get ingest-2026-11-25 -p tenant-a -o json']
  static override args = {id: Args.string({required: true, description: 'job id'})}
  static override flags = {...partitionFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JobGet)
    checkJobId(args.id)
    const js = await this.jobs(flags.partition)
    await this.output(await js.get(args.id), jobView)
  }
}
