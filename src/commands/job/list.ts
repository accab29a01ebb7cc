import {Flags} from '@oclif/core'
import {jobSort} from '../../api/jobservice/rsql.js'
import type {Job} from '../../api/jobservice/types.js'
import {timeoutFlag} from '../../cli/flags/common.js'
import {jobFilter, jobFilterFlags, partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'
import {jobTable} from '../../format/jobs.js'
import {parseDuration} from '../../input/time.js'

export default class JobList extends JobCommand {
  static override summary = 'List jobs, printing them as pages arrive'
  static override description = `Statuses and labels become an RSQL filter (values quoted and escaped); --stuck keeps jobs not finished (Active, Paused, Waiting) whose last update is older than the duration (the service cannot filter on times).`

  static override examples = [
    '<%= config.bin %> job list --status Failed',
    '<%= config.bin %> job list --label owner=bob --label "team=data ops" --sort lastUpdateTime:desc',
    '<%= config.bin %> job list --stuck 2h',
    '<%= config.bin %> job list --all -o json > jobs.json',
  ]

  static override flags = {
    ...partitionFlag,
    ...jobFilterFlags,
    stuck: Flags.string({description: 'only unfinished jobs not updated for this long (e.g. 2h)'}),
    limit: Flags.integer({min: 1, default: 50, description: 'at most this many jobs', exclusive: ['all']}),
    all: Flags.boolean({description: 'every matching job'}),
    sort: Flags.string({description: 'FIELD[:asc|desc]: jobId, name, createTime, lastUpdateTime, status, percentageComplete, labels.KEY'}),
    timeout: timeoutFlag('10m'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(JobList)
    const query = await jobFilter(flags)
    const stuckMs = flags.stuck === undefined ? undefined : parseDuration(flags.stuck, '--stuck')
    const sort = flags.sort ? jobSort(flags.sort) : flags.all ? 'jobId:asc' : stuckMs ? 'lastUpdateTime:asc' : 'createTime:desc'
    const js = await this.jobs(flags.partition)
    const limit = flags.all ? Infinity : flags.limit
    const statusType = stuckMs === undefined ? undefined : ('NotFinished' as const)
    async function* rows(): AsyncGenerator<Job> {
      let n = 0
      const before = stuckMs === undefined ? undefined : Date.now() - stuckMs
      for await (const job of js.scan({...query, statusType, sort}, Math.min(500, Number.isFinite(limit) ? limit : 500))) {
        if (before !== undefined && job.lastUpdateTime > before) continue
        if (n++ >= limit) return
        yield job
      }
    }
    await this.out.stream(rows(), jobTable)
  }
}
