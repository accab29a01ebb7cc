import {loadDeployment} from '../apply/manifest.js'
import {applyDeployment, planDeployment} from '../apply/run.js'
import {DeploymentCommand} from '../cli/deployment-command.js'
import {dryRunFlag, timeoutFlag} from '../cli/flags/common.js'
import {Exit} from '../errors.js'
import {applyView, countBy, planReport, planView, summaryLine} from '../format/apply.js'
import {inputName} from '../input/files.js'

export default class Apply extends DeploymentCommand {
  static override summary = 'Bring the cluster to what a deployment file declares, idempotently'
  static override description = `Objects (kind: Certificate, Cpi, VirtualNode, Role, User, ConfigSection, Job) are applied in that order, several at a time within a kind, waiting for each asynchronous operation. Each ends created, updated, unchanged or failed (with the reason); a second run on an unchanged cluster changes nothing. Nothing is ever deleted. The whole file is checked first (fields, \${VAR} substitution, files, references, duplicates): any problem exits 2 with every problem listed and nothing sent. Passwords come only from environment variables (passwordFrom: {env: NAME}) and are set when a user is created (--rotate-passwords sets them again).

Exit 0 when nothing failed; 8 if an object failed; 9 if one was left needs-upgrade or needs-recreate for want of a flag. --dry-run prints the plan and sends nothing (exit 0; \`workerctl diff\` exits 9 when there are changes).`

  static override examples = [
    'DEMO_USER_PASSWORD=... <%= config.bin %> apply -f examples/deployment.yaml',
    '<%= config.bin %> apply -f deployment.yaml --dry-run',
    '<%= config.bin %> apply -f deployment.yaml --allow-upgrade --recreate-jobs -o json > apply-report.json',
  ]

  static override flags = {...DeploymentCommand.flags, 'dry-run': dryRunFlag('print the plan; send nothing'), timeout: timeoutFlag('30m')}

  async run(): Promise<void> {
    const {flags} = await this.parse(Apply)
    const specs = await loadDeployment(flags.file, {passwords: !flags['dry-run']})
    const ctx = this.planContext(specs, flags)
    const source = inputName(flags.file)
    if (flags['dry-run']) {
      const plan = planReport(await planDeployment(specs, ctx, source))
      await this.output({dryRun: true, ...plan}, planView)
      this.out.note(`Plan: ${summaryLine(plan.objects.map(o => o.action))} (dry run: nothing was sent)`)
      return
    }
    let done = 0
    const objects = await applyDeployment(
      specs,
      {
        ...ctx,
        contextName: this.context.name,
        env: process.env,
        deadline: this.deadline,
        signal: this.abort.signal,
        onReport: r => this.progress.status(`${++done}/${specs.length} ${r.kind} ${r.name}: ${r.result}`),
      },
      source,
    )
    this.progress.done()
    const results = objects.map(o => o.result)
    await this.output({summary: countBy(results), objects}, applyView)
    this.out.note(`Apply: ${summaryLine(results)}`)
    if (results.includes('failed')) this.setExitCode(Exit.FAILED)
    else if (results.some(r => r.startsWith('needs-'))) this.setExitCode(Exit.PROBLEMS)
  }
}
