import {Args} from '@oclif/core'
import {checkJobId} from '../../api/jobservice/validate.js'
import {partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'
import {jobView} from '../../format/jobs.js'

export default class JobResume extends JobCommand {
  static override summary = 'Resume a Paused job'
  static override description = 'The service refuses a job in another state with a 400 whose message says which state it is in (exit 2).'
  static override examples = ['<%= config.bin %> job resume ingest-2026-11-25']
  static override args = {id: Args.string({required: true, description: 'job id'})}
  static override flags = {...partitionFlag}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JobResume)
    checkJobId(args.id)
    const js = await this.jobs(flags.partition)
    await js.resume(args.id)
    await this.output({...(await js.get(args.id)), result: 'updated'}, jobView)
  }
}
