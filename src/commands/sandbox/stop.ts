import {BaseCommand} from '../../cli/base-command.js'
import {WorkerctlError} from '../../errors.js'
import {processAlive, readState, removeState} from '../../sandbox/control.js'

export default class SandboxStop extends BaseCommand {
  static override summary = 'Stop the background sandbox (the sandbox context stays for next time)'
  static override examples = ['<%= config.bin %> sandbox stop']

  async run(): Promise<void> {
    await this.parse(SandboxStop)
    const state = await readState()
    if (!state || !processAlive(state.pid)) {
      await removeState()
      return this.output({running: false, result: 'unchanged'}, {text: () => 'The sandbox is not running.'})
    }
    process.kill(state.pid, 'SIGTERM')
    const giveUp = Date.now() + 5000
    while (processAlive(state.pid) && Date.now() < giveUp) await new Promise(r => setTimeout(r, 50))
    if (processAlive(state.pid)) {
      process.kill(state.pid, 'SIGKILL')
      if (processAlive(state.pid)) throw new WorkerctlError(`the sandbox (pid ${state.pid}) did not stop`)
    }
    await removeState()
    await this.output({running: false, pid: state.pid, result: 'stopped'}, {text: () => `Sandbox stopped (pid ${state.pid}).`})
  }
}
