// An in-process sandbox on a free port, a private config that points at it, and the real CLI to drive it.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {configureSandboxContext} from '../../src/sandbox/control.js'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import {type SandboxOptions, type SandboxServer, startSandbox as startServer} from '../../src/sandbox/server.js'
import {type CliOptions, type CliResult, runCli, tempHome} from './cli.js'

export interface Sbx {
  url: string
  server: SandboxServer
  /** The environment every CLI run gets: private config, file credential store. */
  env: Record<string, string>
  dir: string
  /** With tls: the CA file for --ca-cert. */
  caFile?: string
  cli(args: string | string[], options?: CliOptions): Promise<CliResult>
  /** Service requests the sandbox received (its /_sandbox routes excluded). */
  requests(): LoggedRequest[]
  /** The request log's position now; `since(mark)` is what came after, e.g. what one command sent. */
  mark(): number
  since(mark: number): LoggedRequest[]
  /** Runs a command with `-o json`; fails unless it exits 0; its parsed stdout. */
  json<T>(args: string[]): Promise<T>
  close(): Promise<void>
}

export async function startSandbox(options: SandboxOptions & {configure?: boolean} = {}): Promise<Sbx> {
  const home = tempHome()
  const server = await startServer({port: 0, ...options})
  let caFile: string | undefined
  if (server.caPem) {
    caFile = join(home.dir, 'sandbox-ca.pem')
    writeFileSync(caFile, server.caPem)
  }
  if (options.configure !== false) {
    // The same code `sandbox start` runs: writes the sandbox context and stores admin/admin.
    await configureSandboxContext({url: server.url, caPath: caFile, env: {...process.env, ...home.env}, warn: () => {}})
  }
  return {
    url: server.url,
    server,
    env: home.env,
    dir: home.dir,
    caFile,
    cli: (args, opts = {}) => runCli(args, {...opts, env: {...home.env, ...opts.env}}),
    requests: () => server.log.entries(),
    mark: () => server.log.total,
    since: mark => server.log.entries().filter(r => r.seq > mark),
    json: async <T>(args: string[]) => {
      const {stdout, stderr, exitCode} = await runCli([...args, '-o', 'json'], {env: home.env})
      if (exitCode !== 0) throw new Error(`workerctl ${args.join(' ')} exited ${exitCode}: ${stderr}`)
      return JSON.parse(stdout) as T
    },
    close: async () => {
      await server.close()
      home.cleanup()
    },
  }
}
