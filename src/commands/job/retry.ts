import {Args, Flags} from '@oclif/core'
import {ApiError} from '../../api/errors.js'
import {JobExistsError} from '../../api/jobservice/client.js'
import type {Job, NewJob} from '../../api/jobservice/types.js'
import {checkJobId, checkNewJob} from '../../api/jobservice/validate.js'
import {timeoutFlag, waitFlag} from '../../cli/flags/common.js'
import {partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'
import {keepDefinition, keptDefinition} from '../../config/job-definitions.js'
import {ConflictError, UsageError} from '../../errors.js'
import {jobView} from '../../format/jobs.js'
import {readDataFile} from '../../input/data-file.js'

export default class JobRetry extends JobCommand {
  static override summary = 'Run a Failed or Cancelled job again from its definition'
  static override description = `The Job Service has no retry and never returns a job's task: the definition kept by \`job create\` on this machine (or -f FILE) is used. The job is deleted and created again under the same id, or created under --new-id (the failed one stays for the record). Jobs that failed because this one did are listed: re-run them too. Waits until the new run ends unless --no-wait. JSON: the Job plus result.`

  static override examples = [
    '<%= config.bin %> job retry ingest-2026-11-25',
    '<%= config.bin %> job retry ingest-2026-11-25 --new-id ingest-2026-11-25-r2',
    '<%= config.bin %> job retry ingest-2026-11-25 -f job.yaml --no-wait',
  ]

  static override args = {id: Args.string({required: true, description: 'the Failed or Cancelled job'})}
  static override flags = {
    ...partitionFlag,
    'new-id': Flags.string({description: 'create the new run under this id instead of replacing the job'}),
    file: Flags.string({char: 'f', description: 'the definition to use (default: the one kept when the job was created here)'}),
    wait: waitFlag,
    timeout: timeoutFlag('30m'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JobRetry)
    checkJobId(args.id)
    if (flags['new-id'] !== undefined) checkJobId(flags['new-id'], '--new-id')
    const js = await this.jobs(flags.partition)
    const definition: NewJob | undefined = flags.file ? checkNewJob(await readDataFile(flags.file)) : await keptDefinition(this.context.name, js.partition, args.id)
    if (!definition) {
      throw new UsageError(
        `no definition of job ${args.id} is kept on this machine for context ${this.context.name}, partition ${js.partition}`,
        'the service cannot give it back: pass the definition with -f FILE',
      )
    }
    const old = await js.get(args.id).catch(error => {
      if (error instanceof ApiError && error.status === 404) return undefined
      throw error
    })
    if (old && old.status !== 'Failed' && old.status !== 'Cancelled') {
      throw new ConflictError(
        `job ${args.id} is ${old.status}: only Failed or Cancelled jobs are re-run`,
        old.status === 'Completed' ? 'it completed: nothing to re-run' : `wait for it (\`workerctl job wait ${args.id}\`) or cancel it first`,
      )
    }
    await this.warnAboutDependents(args.id, js.partition, q => js.list(q))
    const id = flags['new-id'] ?? args.id
    if (!flags['new-id'] && old) await js.delete(args.id)
    let result
    try {
      result = await js.create(id, definition)
    } catch (error) {
      if (error instanceof JobExistsError) throw new ConflictError(error.message, 'choose another --new-id')
      throw error
    }
    await keepDefinition(this.context.name, js.partition, id, definition)
    if (!flags.wait) return this.output({...(await js.get(id)), result}, jobView)
    const done = await this.settle(
      js.waitFor(id, {
        deadline: this.deadline,
        signal: this.abort.signal,
        onStatus: s => this.progress.status(`Job ${id}: ${s}`),
      }),
      {view: jobView, resume: jobId => `workerctl job wait ${jobId}${flags.partition ? ` -p ${flags.partition}` : ''}`},
    )
    await this.output({...done, result}, jobView)
  }

  /** Jobs that failed because this one did (their failureSource starts with `<partition>:<id>:`) must be re-run too. */
  private async warnAboutDependents(id: string, partition: string, list: (q: {filter: string; limit: number}) => Promise<Job[]>): Promise<void> {
    const failed = await list({filter: 'status==Failed', limit: 1000})
    const dependents = failed.filter(j => j.id !== id && (j.failures ?? []).some(f => f.failureSource?.startsWith(`${partition}:${id}:`)))
    if (dependents.length > 0) {
      this.out.warn(`${dependents.length} job(s) failed because ${id} did and are not re-run by this: ${dependents.map(j => j.id).join(', ')}`)
    }
  }
}
