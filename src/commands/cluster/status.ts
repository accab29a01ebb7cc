import {Flags} from '@oclif/core'
import type {ServiceHealth} from '../../api/health.js'
import {poll} from '../../api/wait.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {Exit, TimeoutError} from '../../errors.js'
import {healthTable} from '../../format/health.js'

export default class ClusterStatus extends ServiceCommand {
  static override summary = 'Check every service of the context: reachable, TLS, authenticated, API version, latency'
  static override description = `Exit codes: 0 when every configured service is healthy, 9 when any is not, 6 when none can be reached. With --wait, polls until all are healthy (exit 7 if --timeout runs out first).`

  static override examples = ['<%= config.bin %> cluster status', '<%= config.bin %> cluster status -c prod -o json', '<%= config.bin %> cluster status --wait --timeout 5m']

  static override flags = {
    wait: Flags.boolean({description: 'poll until every service is healthy or --timeout'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ClusterStatus)
    const check = () => this.clients.check()
    let report = flags.wait ? undefined : await check()
    if (!report) {
      try {
        report = await poll({
          fetch: check,
          done: allHealthy,
          deadline: this.deadline,
          signal: this.abort.signal,
          initialMs: 1000,
          factor: 2,
          maxMs: 5000,
          onStatus: r => {
            if (!allHealthy(r) && process.stderr.isTTY)
              this.out.note(
                `waiting for ${r
                  .filter(h => !h.healthy)
                  .map(h => h.service)
                  .join(', ')}…`,
              )
          },
        })
      } catch (error) {
        if (!(error instanceof TimeoutError) || !error.lastState) throw error
        await this.output(error.lastState as ServiceHealth[], {table: healthTable})
        this.out.note(`still not healthy after --timeout ${this.timeoutText}`)
        return this.setExitCode(Exit.TIMEOUT)
      }
    }
    await this.output(report, {table: healthTable})
    if (!allHealthy(report)) {
      for (const h of report) if (h.hint && !h.healthy) this.out.note(`Hint (${h.service}): ${h.hint}`)
      this.setExitCode(report.some(h => h.reachable) ? Exit.PROBLEMS : Exit.UNREACHABLE)
    }
  }
}

const allHealthy = (report: ServiceHealth[]) => report.every(h => h.healthy)
