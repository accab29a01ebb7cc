#!/usr/bin/env node
// `npm run demo`: a short tour of workerctl on the built-in sandbox, typed out like a person would.
// It uses a throw-away config directory, so your own contexts and credentials are left alone.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const home = mkdtempSync(join(tmpdir(), 'workerctl-demo-'))
const env = {...process.env, WORKERCTL_CONFIG: join(home, 'config.yaml'), WORKERCTL_CREDENTIAL_STORE: 'file'}
for (const k of Object.keys(env)) if (k.startsWith('WORKERCTL_') && !['WORKERCTL_CONFIG', 'WORKERCTL_CREDENTIAL_STORE'].includes(k)) delete env[k]
const tty = process.stdout.isTTY && !process.env.CI
const sleep = ms => new Promise(r => setTimeout(r, ms))

async function type(text) {
  process.stdout.write('\n$ ')
  if (!tty) return void process.stdout.write(`${text}\n`)
  for (const ch of text) {
    process.stdout.write(ch)
    await sleep(12)
  }
  process.stdout.write('\n')
}

/** Runs workerctl with the given arguments, showing the command first; resolves with its stdout. */
async function workerctl(args, {stdin, shown, expect = [0]} = {}) {
  await type(shown ?? `workerctl ${args.join(' ')}`)
  const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], {env, stdio: ['pipe', 'pipe', 'inherit']})
  let out = ''
  child.stdout.on('data', d => {
    out += d
    process.stdout.write(d)
  })
  child.stdin.end(stdin ?? '')
  const code = await new Promise(r => child.on('close', r))
  if (!expect.includes(code)) throw new Error(`workerctl ${args.join(' ')} exited ${code}`)
  return out
}

let failed = false
try {
  console.log('A tour of workerctl against its built-in sandbox: Corda, the REGARDS worker manager and the Job Service on 127.0.0.1.')
  const started = JSON.parse(await workerctl(['sandbox', 'start', '-o', 'json'], {shown: 'workerctl sandbox start -o json'}))
  const url = started.url
  await workerctl(['cluster', 'status'])
  await workerctl(
    ['login', '--context', 'demo', '--corda-url', url, '--username', 'admin', '--wm-url', url, '--tenant', 'sandbox', '--wm-username', 'admin', '--jobs-url', url, '--password-stdin'],
    {stdin: 'admin\n', shown: `echo "$PASSWORD" | workerctl login --context demo --corda-url ${url} --username admin --wm-url ${url} --tenant sandbox --wm-username admin --jobs-url ${url} --password-stdin`},
  )
  await workerctl(['context', 'list'])
  await workerctl(['cluster', 'status', '-o', 'json'])
  await workerctl(['login', '--context', 'wrong', '--corda-url', url, '--username', 'admin', '--password-stdin'], {stdin: 'not-the-password\n', expect: [4], shown: `echo wrong | workerctl login --context wrong --corda-url ${url} --username admin --password-stdin   # exit 4`})
} catch (error) {
  failed = true
  console.error(`demo failed: ${error.message}`)
} finally {
  await workerctl(['sandbox', 'stop']).catch(e => {
    failed = true
    console.error(`demo failed: ${e.message}`)
  })
  rmSync(home, {recursive: true, force: true})
}
console.log(failed ? '\nThe demo failed.' : '\nThat was the tour. Start your own sandbox with `workerctl sandbox start`.')
process.exit(failed ? 1 : 0)
