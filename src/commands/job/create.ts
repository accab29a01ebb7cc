import {Args, Flags} from '@oclif/core'
import {JobExistsError} from '../../api/jobservice/client.js'
import {checkJobId, checkNewJob} from '../../api/jobservice/validate.js'
import {timeoutFlag, waitFlag} from '../../cli/flags/common.js'
import {partitionFlag} from '../../cli/flags/jobs.js'
import {JobCommand} from '../../cli/job-command.js'
import {keepDefinition} from '../../config/job-definitions.js'
import {ConflictError} from '../../errors.js'
import {jobView} from '../../format/jobs.js'
import {readDataFile} from '../../input/data-file.js'

export default class JobCreate extends JobCommand {
  static override summary = 'Create a job from a YAML or JSON definition, and wait for it'
  static override description = `The definition is checked first (exactly one of task or type+parameters, task fields, label names, taskDataEncoding only with a string taskData): a bad one exits 2 with nothing sent. It is kept on this machine, so \`job retry\` can run it again (the service never gives a task back). The same id and definition again is "unchanged"; the same id with another definition exits 5. Waits until the job ends (exit 8 if it fails) unless --no-wait.

JSON: the Job plus result.`

  static override examples = ['<%= config.bin %> job create ingest-2026-11-25 -f job.yaml', 'cat job.json | <%= config.bin %> job create nightly-export -f - --no-wait']

  static override args = {id: Args.string({required: true, description: 'job id (1-48 characters, none of . , : ; * ? ! | ( ))'})}
  static override flags = {
    ...partitionFlag,
    file: Flags.string({char: 'f', required: true, description: 'YAML or JSON job definition (- for stdin)'}),
    wait: waitFlag,
    timeout: timeoutFlag('30m'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(JobCreate)
    checkJobId(args.id)
    const job = checkNewJob(await readDataFile(flags.file))
    const js = await this.jobs(flags.partition)
    let result
    try {
      result = await js.create(args.id, job)
    } catch (error) {
      if (error instanceof JobExistsError) {
        throw new ConflictError(error.message, `choose another id, or \`workerctl job retry ${args.id} -f ${flags.file}\` to replace it (delete and re-create)`)
      }
      throw error
    }
    await keepDefinition(this.context.name, js.partition, args.id, job)
    if (!flags.wait) return this.output({...(await js.get(args.id)), result}, jobView)
    const done = await this.settle(
      js.waitFor(args.id, {
        deadline: this.deadline,
        signal: this.abort.signal,
        onStatus: s => this.progress.status(`Job ${args.id}: ${s}`),
      }),
      {view: jobView, resume: id => `workerctl job wait ${id}${flags.partition ? ` -p ${flags.partition}` : ''}`},
    )
    await this.output({...done, result}, jobView)
  }
}
