import {jobFilter, jobFilterFlags, partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'

export default class JobCount extends JobCommand {
  static override summary = 'Count jobs matching a filter'
  static override examples = ['<%= config.bin %> job count --status Failed', '<%= config.bin %> job count --label owner=bob -o json']
  static override flags = {...partitionFlag, ...jobFilterFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(JobCount)
    const js = await this.jobs(flags.partition)
    const count = await js.count(await jobFilter(flags))
    await this.output({partition: js.partition, count}, {text: c => String(c.count)})
  }
}
