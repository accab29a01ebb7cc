import {spawn} from 'node:child_process'
import {openSync, readFileSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {ensurePrivateDir} from '../../config/files.js'
import {sandboxDir} from '../../config/paths.js'
import {ConflictError, Exit, UsageError, WorkerctlError} from '../../errors.js'
import {caPath, configureSandboxContext, fetchHealth, logPath, processAlive, readState, removeState, SANDBOX_CONTEXT, type SandboxState, writeState} from '../../sandbox/control.js'

/** Set in the environment of the background child: it serves and records its state; the parent does the rest. */
const DETACHED_ENV = 'WORKERCTL_SANDBOX_DETACHED'

export default class SandboxStart extends BaseCommand {
  static override summary = 'Start a local emulation of Corda, the REGARDS worker manager and the Job Service'
  static override description = `Serves all three APIs on 127.0.0.1 with their real paths, shapes, status codes and asynchronous states. Writes a context named "sandbox", makes it current and stores its credentials (admin/admin, tenant "sandbox", partition "default"), so every command works right after it with no login. Runs in the background unless --foreground.`

  static override examples = [
    '<%= config.bin %> sandbox start',
    '<%= config.bin %> sandbox start --tls --port 8888',
    '<%= config.bin %> sandbox start --faults 0.1 --seed 42   # one request in ten fails, reproducibly',
    '<%= config.bin %> sandbox start --foreground',
    '<%= config.bin %> sandbox start --require-signer   # CPIs need a trusted code-signer first',
    '<%= config.bin %> sandbox start --requests 100000  # a big worker-manager backlog to page through',
  ]

  static override flags = {
    port: Flags.integer({description: 'port to listen on (default: a free one)', min: 0, max: 65535, default: 0}),
    tls: Flags.boolean({description: 'serve HTTPS with a self-signed certificate; its CA is written beside the config for --ca-cert'}),
    faults: Flags.string({description: 'fraction of service requests that meet a fault (503, connection reset, slow answer, lost reply), 0 to 1', default: '0'}),
    seed: Flags.integer({description: 'seed for generated data and faults', default: 1}),
    foreground: Flags.boolean({description: 'serve in this process until Ctrl-C'}),
    requests: Flags.integer({min: 0, max: 1_000_000, default: 150, description: 'worker-manager requests to seed (a realistic mix: errors, delayed, stuck)'}),
    'require-signer': Flags.boolean({description: 'reject CPIs until a code-signer certificate is imported (`cert import --usage code-signer`), as a real cluster does'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(SandboxStart)
    const faults = Number(flags.faults)
    if (!Number.isFinite(faults) || faults < 0 || faults > 1) throw new UsageError(`--faults: "${flags.faults}" is not a number from 0 to 1`)

    const running = await readState()
    if (running && processAlive(running.pid) && process.env[DETACHED_ENV] === undefined) {
      if (await fetchHealth(running)) {
        if (flags.port !== 0 && flags.port !== running.port) {
          throw new ConflictError(`a sandbox is already running on port ${running.port}`, 'stop it first: `workerctl sandbox stop`')
        }
        await configureSandboxContext({url: running.url, caPath: running.caPath, warn: m => this.out.warn(m)})
        return this.report(running, 'already running')
      }
    }

    if (flags.foreground || process.env[DETACHED_ENV])
      return this.serve({port: flags.port, tls: flags.tls, faults, seed: flags.seed, requireSigner: flags['require-signer'], requests: flags.requests})
    await this.startInBackground()
  }

  private async serve(opts: {port: number; tls: boolean; faults: number; seed: number; requireSigner: boolean; requests: number}): Promise<void> {
    const {startSandbox} = await import('../../sandbox/server.js')
    const server = await startSandbox(opts)
    let ca: string | undefined
    if (server.caPem) {
      await ensurePrivateDir(sandboxDir())
      ca = caPath()
      await writeFile(ca, server.caPem, {mode: 0o644})
    }
    const state: SandboxState = {
      pid: process.pid,
      url: server.url,
      port: server.port,
      tls: opts.tls,
      caPath: ca,
      startedAt: new Date().toISOString(),
      faults: opts.faults,
      seed: opts.seed,
      requireSigner: opts.requireSigner,
      logPath: process.env[DETACHED_ENV] ? logPath() : undefined,
    }
    await writeState(state)
    if (!process.env[DETACHED_ENV]) {
      await configureSandboxContext({url: server.url, caPath: ca, warn: m => this.out.warn(m)})
      await this.report(state, 'started')
      this.out.note('Serving in the foreground; Ctrl-C stops it.')
    }
    await new Promise<void>(resolve => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await server.close()
    const current = await readState()
    if (current?.pid === process.pid) await removeState()
  }

  /** Starts this same command detached with --foreground, and waits until it answers. */
  private async startInBackground(): Promise<void> {
    await ensurePrivateDir(sandboxDir())
    await removeState()
    const out = openSync(logPath(), 'a', 0o600)
    const args = [join(this.config.root, 'bin', 'run.js'), 'sandbox', 'start', '--foreground', ...this.argv.filter(a => a !== '--foreground')]
    const child = spawn(process.execPath, args, {detached: true, stdio: ['ignore', out, out], env: {...process.env, [DETACHED_ENV]: '1'}})
    let exited: number | null = null
    child.on('exit', code => (exited = code ?? 1))
    child.unref()
    const giveUp = Date.now() + 20_000
    while (Date.now() < giveUp) {
      const state = await readState()
      if (state && state.pid === child.pid && (await fetchHealth(state))) {
        await configureSandboxContext({url: state.url, caPath: state.caPath, warn: m => this.out.warn(m)})
        return this.report(state, 'started')
      }
      if (exited !== null) break
      await new Promise(r => setTimeout(r, 100))
    }
    const tail = readFileSync(logPath(), 'utf8').trim().split('\n').slice(-3).join(' | ')
    if (exited === null) child.kill('SIGTERM')
    throw new WorkerctlError(`the sandbox did not start${tail ? `: ${tail}` : ''}`, Exit.UNEXPECTED, `see ${logPath()}`)
  }

  private async report(state: SandboxState, result: 'started' | 'already running'): Promise<void> {
    await this.output(
      {...state, context: SANDBOX_CONTEXT, result},
      {
        text: (s, p) =>
          [
            `${p.ok(`Sandbox ${s.result}`)} at ${s.url} (pid ${s.pid})${s.tls ? `, TLS CA in ${s.caPath}` : ''}${s.faults ? `, faults ${s.faults}` : ''}${s.requireSigner ? ', CPIs need a trusted code-signer' : ''}`,
            `Context "${SANDBOX_CONTEXT}" is current: user admin/admin, tenant sandbox, partition default.`,
            p.dim('Try: workerctl cluster status    Stop: workerctl sandbox stop'),
          ].join('\n'),
      },
    )
  }
}
