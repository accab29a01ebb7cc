import {BaseCommand} from '../../cli/base-command.js'
import {Exit} from '../../errors.js'
import {fetchHealth, processAlive, readState} from '../../sandbox/control.js'

export default class SandboxStatus extends BaseCommand {
  static override summary = 'Say whether the sandbox runs, where, and how many requests it served'
  static override description = 'Exit 0 when it runs, 3 when it does not.'
  static override examples = ['<%= config.bin %> sandbox status', '<%= config.bin %> sandbox status -o json']

  async run(): Promise<void> {
    await this.parse(SandboxStatus)
    const state = await readState()
    const health = state && processAlive(state.pid) ? await fetchHealth(state) : undefined
    if (!state || !health) {
      await this.output({running: false}, {text: () => 'The sandbox is not running. Start it with `workerctl sandbox start`.'})
      return this.setExitCode(Exit.NOT_FOUND)
    }
    await this.output(
      {running: true, ...state, requests: health.requests},
      {
        text: s => `Running at ${s.url} (pid ${s.pid}) since ${s.startedAt}; ${s.requests} request(s) served${s.tls ? `; CA ${s.caPath}` : ''}.`,
      },
    )
  }
}
