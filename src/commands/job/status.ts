import {Args} from '@oclif/core'
import {checkJobId} from '../../api/jobservice/validate.js'
import {partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'

export default class JobStatus extends JobCommand {
  static override summary = "Show a job's status"
  static override examples = ['<%= config.bin %> job status ingest-2026-11-25', '<%= config.bin %> job status ingest-2026-11-25 -o json']
  static override args = {id: Args.string({required: true, description: 'job id'})}
  static override flags = {...partitionFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JobStatus)
    checkJobId(args.id)
    const js = await this.jobs(flags.partition)
    const {status} = await js.status(args.id)
    await this.output({id: args.id, status}, {text: s => s.status})
  }
}
