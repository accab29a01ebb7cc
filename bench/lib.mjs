// What every bench area shares: medians, private temp homes, the in-process sandbox, workerctl run as a child process
// (async spawn: the sandbox answering it lives in this process's event loop), tables, and cleaning up on any exit.
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
export const NODE = process.execPath
export const BIN = join(ROOT, 'bin', 'run.js')
export const HOOKS = join(ROOT, 'bench', 'hooks')
export const dist = path => import(join(ROOT, 'dist', path))
/** A test helper (TypeScript under test/helpers, never built into dist/), loaded through tsx, e.g. `testHelper('demo-files.ts')`. */
export const testHelper = async path => {
  const {tsImport} = await import('tsx/esm/api')
  return tsImport(pathToFileURL(join(ROOT, 'test', 'helpers', path)).href, import.meta.url)
}

/** BENCH_RUNS when set, else the area's default (15 for start-up, 5 for the big cases). */
export const runs = fallback => (process.env.BENCH_RUNS ? Number(process.env.BENCH_RUNS) : fallback)

export function median(values) {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Calls `once(i)` warmup + n times; returns every measured result (warm-ups dropped) and, for each numeric field,
 * its median. `once` throws when a run fails: the measurement itself failed.
 */
export async function measure(n, warmup, once) {
  const results = []
  for (let i = 0; i < warmup + n; i++) {
    const r = await once(i)
    if (i >= warmup) results.push(r)
  }
  const medians = {}
  for (const key of Object.keys(results[0] ?? {})) {
    if (results.every(r => typeof r[key] === 'number')) medians[key] = median(results.map(r => r[key]))
  }
  return {runs: results, median: medians}
}

// ---------------------------------------------------------------------------------------------------------------
// Cleaning up: temp dirs, sandboxes and children are registered as they are made, and undone on any way out.

const cleanups = []
const children = new Set()

/** `fn` runs at cleanup (last registered first); returns a function that runs it now and unregisters it. */
export function onCleanup(fn) {
  const entry = {fn}
  cleanups.push(entry)
  return async () => {
    const i = cleanups.indexOf(entry)
    if (i >= 0) cleanups.splice(i, 1)
    await fn()
  }
}

export async function cleanupAll() {
  for (const child of children) child.kill('SIGKILL')
  while (cleanups.length > 0) {
    const {fn} = cleanups.pop()
    try {
      await fn()
    } catch (error) {
      process.stderr.write(`bench: cleanup failed: ${error.message}\n`)
    }
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, cleaning up\n`)
    cleanupAll().finally(() => process.exit(130))
  })
}

/**
 * A private home: config, credentials (file store), HOME and XDG dirs, all in a temp dir removed at cleanup.
 * `remove()` removes it now.
 */
export function tempHome(prefix = 'workerctl-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const remove = onCleanup(() => rmSync(dir, {recursive: true, force: true}))
  const env = {WORKERCTL_CONFIG: join(dir, 'config', 'config.yaml'), WORKERCTL_CREDENTIAL_STORE: 'file', HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg')}
  return {dir, env, remove}
}

/**
 * The environment children get: this one without anything that would steer workerctl or Node (WORKERCTL_*, CI,
 * colours, NODE_OPTIONS) or send loopback traffic through a proxy (axios and curl both honour *_proxy).
 */
export function baseEnv() {
  const env = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('WORKERCTL_') || /^(CI|NO_COLOR|FORCE_COLOR|NODE_OPTIONS)$/.test(k) || /_proxy$/i.test(k)) continue
    env[k] = v
  }
  return {...env, NO_COLOR: '1'}
}

/**
 * A sandbox in this process, and a private home whose `sandbox` context points at it (admin/admin in the file
 * store), exactly as test/helpers/sandbox.ts sets one up. `close()` stops it and removes the home, unless the home
 * was given (then its owner removes it).
 */
export async function sandbox(options = {}, sharedHome = undefined) {
  const {startSandbox} = await dist('sandbox/server.js')
  const {configureSandboxContext} = await dist('sandbox/control.js')
  const home = sharedHome ?? tempHome()
  const server = await startSandbox({port: 0, ...options})
  const close = onCleanup(async () => {
    await server.close()
    if (!sharedHome) await home.remove()
  })
  await configureSandboxContext({url: server.url, env: {...process.env, ...home.env}, warn: () => {}})
  return {server, url: server.url, home, env: home.env, close}
}

/** The sandbox's service requests logged after `mark` (its log total before the command). */
export const loggedSince = (server, mark) => server.log.entries().filter(e => e.seq > mark)

// ---------------------------------------------------------------------------------------------------------------
// Child processes

let rssDir
let rssCount = 0

/** A running process's peak RSS so far (VmHWM, bytes), read from /proc; undefined where there is none. */
function peakSoFar(pid) {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return kb ? Number(kb[1]) * 1024 : undefined
  } catch {
    return undefined
  }
}

/**
 * Runs a command to its end without blocking this event loop. stdout is counted (bytes, newlines, time of the first
 * byte), kept only when `keep` (small outputs); stderr is kept. With `maxRss`, the child preloads bench/hooks/maxrss.cjs
 * and its peak resident set size (bytes) is returned as `maxRss` (VmHWM on Linux; `ruMaxRss`: getrusage's figure,
 * which includes this process's size at spawn). `probeLines: [n…]`: the child's peak RSS so far when its n-th line
 * of stdout arrives, in `hwmAt[n]` (Linux). A non-zero exit throws unless `allowFail`.
 */
export function run(command, args, options = {}) {
  const {env = {}, keep = false, maxRss = false, timeoutMs = 300_000, allowFail = false} = options
  const childEnv = {...baseEnv(), ...env}
  const nodeOptions = [...(options.nodeOptions ?? [])]
  let rssFile
  if (maxRss) {
    if (!rssDir) {
      rssDir = tempHome('workerctl-bench-rss-').dir
      onCleanup(() => (rssDir = undefined)) // removed with the other temp dirs at cleanup: make another next time
    }
    rssFile = join(rssDir, `maxrss-${++rssCount}`)
    childEnv.BENCH_MAXRSS_FILE = rssFile
    nodeOptions.push(`--require "${join(HOOKS, 'maxrss.cjs')}"`)
  }
  if (nodeOptions.length > 0) childEnv.NODE_OPTIONS = nodeOptions.join(' ')
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, {env: childEnv, stdio: ['ignore', 'pipe', 'pipe']})
    children.add(child)
    let firstByteMs
    let bytes = 0
    let newlines = 0
    const out = []
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    const probes = [...(options.probeLines ?? [])].sort((a, b) => a - b)
    const hwmAt = {}
    child.stdout.on('data', chunk => {
      firstByteMs ??= performance.now() - started
      bytes += chunk.length
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++
      while (probes.length > 0 && newlines >= probes[0]) hwmAt[probes.shift()] = peakSoFar(child.pid)
      if (keep) out.push(chunk)
    })
    child.stderr.setEncoding('utf8').on('data', text => (stderr += text))
    child.on('error', error => {
      clearTimeout(timer)
      children.delete(child)
      reject(error)
    })
    child.on('close', (code, signal) => {
      const ms = performance.now() - started
      clearTimeout(timer)
      children.delete(child)
      const result = {ms, firstByteMs, bytes, newlines, code, stdout: keep ? Buffer.concat(out).toString('utf8') : undefined, stderr, hwmAt}
      if (rssFile) {
        try {
          const rss = JSON.parse(readFileSync(rssFile, 'utf8'))
          result.maxRss = rss.peak
          result.ruMaxRss = rss.maxRSS
          rmSync(rssFile, {force: true})
        } catch {
          // reported below when the run otherwise succeeded
        }
      }
      const shown = `${command === NODE ? 'node' : command} ${args.map(a => a.replace(`${ROOT}/`, '')).join(' ')}`
      if (signal) return reject(new Error(`${shown} was killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs / 1000} s?)` : ''}\n${stderr}`))
      if (code !== 0 && !allowFail) return reject(new Error(`${shown} exited ${code}\n${stderr.trim()}`))
      if (maxRss && !(result.maxRss > 0)) return reject(new Error(`${shown}: no peak RSS recorded`))
      resolve(result)
    })
  })
}

/** `node bin/run.js ...args` (workerctl) with `env` added. */
export const workerctl = (args, options = {}) => run(NODE, [BIN, ...args], options)

// ---------------------------------------------------------------------------------------------------------------
// Printing

export const round = (n, digits = 1) => (n === undefined || Number.isNaN(n) ? undefined : Math.round(n * 10 ** digits) / 10 ** digits)
export const mib = bytes => bytes / 2 ** 20
export const verdict = ok => (ok ? 'ok' : 'MISSED')

/**
 * A plain text table: `columns` = [[header, key, width, align?, digits?]] (numbers shown with `digits` decimals,
 * default 1; 0 for counts), rows of objects; undefined cells stay blank.
 */
export function table(title, columns, rows) {
  const lines = [title]
  const cell = (text, width, align) => (align === 'left' ? String(text).padEnd(width) : String(text).padStart(width))
  lines.push(columns.map(([h, , w, a]) => cell(h, w, a)).join(''))
  for (const row of rows) {
    lines.push(
      columns
        .map(([, key, w, a, digits = 1]) => {
          const v = row[key]
          return cell(v === undefined ? '' : typeof v === 'number' ? v.toFixed(digits) : v, w, a)
        })
        .join('')
        .trimEnd(),
    )
  }
  console.log(lines.join('\n'))
}

export const pause = ms => new Promise(resolve => setTimeout(resolve, ms))
