import {Flags} from '@oclif/core'
import {checkServices} from '../../cli/checks.js'
import {Exit} from '../../cli/errors.js'
import {sleep} from '../../api/wait.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {healthTable} from '../../format/health.js'
import type {ServiceHealth} from '../../api/health.js'

export default class ClusterStatus extends ServiceCommand {
  static override summary = 'Check every service of the context: reachable, TLS, authenticated, API version, latency'
  static override description = `Exit codes: 0 when every configured service is healthy, 9 when any is not, 6 when none can be reached.
With --wait, polls until all are healthy (exit 7 if --timeout runs out first).`

  static override examples = [
    '<%= config.bin %> cluster status',
    '<%= config.bin %> cluster status -c prod -o json',
    '<%= config.bin %> cluster status --wait --timeout 5m',
  ]

  static override flags = {
    wait: Flags.boolean({description: 'poll until every service is healthy or --timeout'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterStatus)
    let report = await checkServices(this.clients)
    for (let delay = 1000; flags.wait && !allHealthy(report); delay = Math.min(delay * 2, 5000)) {
      if (Date.now() + delay >= this.deadline) {
        await this.output(report, {table: healthTable})
        this.out.note(`still not healthy after --timeout ${this.timeoutText}`)
        return this.setExitCode(Exit.TIMEOUT)
      }
      if (process.stderr.isTTY) this.out.note(`waiting for ${report.filter(h => !h.healthy).map(h => h.service).join(', ')}…`)
      await sleep(delay, this.abort.signal)
      report = await checkServices(this.clients)
    }
    await this.output(report, {table: healthTable})
    if (!allHealthy(report)) {
      for (const h of report) if (h.hint && !h.healthy) this.out.note(`Hint (${h.service}): ${h.hint}`)
      this.setExitCode(report.some(h => h.reachable) ? Exit.PROBLEMS : Exit.UNREACHABLE)
    }
  }
}

const allHealthy = (report: ServiceHealth[]) => report.every(h => h.healthy)
