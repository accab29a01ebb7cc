// Runs the real bin/run.js in a child process with its own temporary config directory.
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {expect} from 'vitest'

export const ROOT = resolve(new URL('../..', import.meta.url).pathname)
export const BIN = join(ROOT, 'bin', 'run.js')

export interface CliResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  stdin?: string
  timeoutMs?: number
  /** The spawned process, e.g. to send it a signal. */
  onSpawn?: (child: ChildProcess) => void
  /** Run as this user and group (a test running as root that needs file permissions to mean something). */
  uid?: number
  gid?: number
}

/** Splits a command line like a shell would for the simple cases tests need: spaces, "double" and 'single' quotes. */
export function splitArgs(line: string): string[] {
  const args: string[] = []
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g
  for (let m = re.exec(line); m; m = re.exec(line)) args.push(m[1] ?? m[2] ?? m[3]!)
  return args
}

/** A private config directory, with the file credential store, as PRODUCT.md asks of every test. */
export function tempHome(): {dir: string; env: Record<string, string>; cleanup: () => void} {
  const dir = mkdtempSync(join(tmpdir(), 'workerctl-test-'))
  return {
    dir,
    env: {WORKERCTL_CONFIG: join(dir, 'config', 'config.yaml'), WORKERCTL_CREDENTIAL_STORE: 'file', HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg')},
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}

/** The parent's environment without anything that would steer workerctl (a developer's own WORKERCTL_* or CI). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('WORKERCTL_') && k !== 'CI' && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v
  return env
}

export function runCli(args: string | string[], options: CliOptions = {}): Promise<CliResult> {
  // The binary runs the build: say so plainly rather than fail obscurely (npm test builds first).
  if (!existsSync(join(ROOT, 'dist', 'commands')) || !existsSync(join(ROOT, 'oclif.manifest.json'))) {
    throw new Error('dist/ or oclif.manifest.json is missing: run `npm run build`')
  }
  const argv = Array.isArray(args) ? args : splitArgs(args)
  const env = {...baseEnv(), ...options.env}
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k]
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {env: env, stdio: ['pipe', 'pipe', 'pipe'], uid: options.uid, gid: options.gid})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', d => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', d => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`workerctl ${argv.join(' ')} did not finish in ${options.timeoutMs ?? 30_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolvePromise({stdout, stderr, exitCode: code ?? -1})
    })
    child.stdin.end(options.stdin ?? '')
    options.onSpawn?.(child)
  })
}

/** Exactly one `Error:` line (optionally matching), and no stack trace. */
export function expectOneError(stderr: string, pattern?: RegExp): void {
  expect(stderr.match(/^Error: /gm), stderr).toHaveLength(1)
  expect(stderr).not.toMatch(/^\s+at /m)
  if (pattern) expect(stderr).toMatch(pattern)
}
