import {checkWorkers, type WorkerCheck} from '../../api/workermanager/ops/worker-check.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {Exit} from '../../errors.js'
import {columns} from '../../format/table.js'

const checkTable = columns<WorkerCheck>({
  KIND: c => c.kind,
  NAME: c => c.name,
  STATUS: (c, p) => (c.alive ? p.ok('alive') : p.bad('dead')),
  DETAIL: c =>
    c.kind === 'worker' ? `${c.instances} instance(s); inputs ${c.contentTypes.join(', ')}` : c.deadSteps?.length ? `dead steps ${c.deadSteps.join(', ')}` : 'every step alive',
})

export default class WorkerCheckCommand extends ServiceCommand {
  static override summary = 'Check every configured worker type and workflow against the alive workers (exit 9 if any is dead)'
  static override description = 'Reads the configuration export (needs PROJECT_ADMIN) and GET /workers. A workflow is dead when any of its steps has no live worker.'
  static override examples = ['<%= config.bin %> worker check', '<%= config.bin %> worker check -o json']

  async run(): Promise<void> {
    await this.parse(WorkerCheckCommand)
    const wm = await this.workerManager()
    const {checks: report, configUnavailable} = await checkWorkers(wm)
    await this.output(report, {table: checkTable})
    if (configUnavailable) this.out.warn(configUnavailable)
    const dead = report.filter(c => !c.alive)
    if (dead.length > 0) {
      this.out.note(`${dead.length} dead: ${dead.map(c => c.name).join(', ')}`)
      this.setExitCode(Exit.PROBLEMS)
    }
  }
}
