import {loadDeployment} from '../apply/manifest.js'
import {planDeployment} from '../apply/run.js'
import {DeploymentCommand} from '../cli/deployment-command.js'
import {Exit} from '../errors.js'
import {planReport, planView, summaryLine} from '../format/apply.js'
import {inputName} from '../input/files.js'

export default class Diff extends DeploymentCommand {
  static override summary = 'Show what `apply` would change, field by field'
  static override description = `Reads the live state only; sends nothing that changes it. Exit 0 when the cluster already matches the file, 9 when apply would change something (or an object needs a flag, or cannot be changed), 2 for a bad file. Give the flags you will give apply (--allow-upgrade, --recreate-jobs) to see exactly what it will do. No password is set, so the passwordFrom variables need not be set.`

  static override examples = ['<%= config.bin %> diff -f deployment.yaml', '<%= config.bin %> diff -f deployment.yaml -o json | jq \'.objects[] | select(.action != "unchanged")\'']

  async run(): Promise<void> {
    const {flags} = await this.parse(Diff)
    const specs = await loadDeployment(flags.file, {passwords: false}) // nothing is set, so no password is needed
    const plan = planReport(await planDeployment(specs, this.planContext(specs, flags), inputName(flags.file)))
    await this.output(plan, planView)
    const {objects} = plan
    const changing = objects.filter(o => o.action !== 'unchanged')
    this.out.note(changing.length === 0 ? 'No changes: the cluster matches the file.' : `Changes: ${summaryLine(objects.map(o => o.action))}`)
    if (changing.length > 0) this.setExitCode(Exit.PROBLEMS)
  }
}
