#!/usr/bin/env node
// `npm run demo`: a short tour of workerctl on the built-in sandbox, typed out like a person would.
// It uses a throw-away config directory, so your own contexts and credentials are left alone.
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
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
  // --require-signer: like a real cluster, CPIs are refused until their code-signer certificate is trusted.
  const started = JSON.parse(await workerctl(['sandbox', 'start', '--require-signer', '-o', 'json'], {shown: 'workerctl sandbox start --require-signer -o json'}))
  const url = started.url
  await workerctl(['cluster', 'status'])

  console.log('\nDeploying as code: a signer certificate, a CorDapp, two virtual nodes, a role and a user, a config tweak and a job,')
  console.log("all in examples/deployment.yaml, applied in dependency order. The user's password comes from the environment.")
  const deployment = join(root, 'examples', 'deployment.yaml')
  const demoPassword = 'demo-Passw0rd'
  env.DEMO_USER_PASSWORD = demoPassword
  await workerctl(['apply', '-f', deployment], {shown: 'DEMO_USER_PASSWORD=... workerctl apply -f examples/deployment.yaml'})
  await workerctl(['apply', '-f', deployment], {shown: 'workerctl apply -f examples/deployment.yaml   # again: everything unchanged, nothing sent'})
  await workerctl(['diff', '-f', deployment], {shown: 'workerctl diff -f examples/deployment.yaml   # exit 0: nothing left to change'})
  const nodes = JSON.parse(await workerctl(['vnode', 'list', '-o', 'json'], {shown: 'workerctl vnode list -o json'}))
  const hash = cn => nodes.find(n => n.holdingIdentity.x500Name.includes(`CN=${cn}`)).holdingIdentity.shortHash

  console.log('\nThe new user runs a flow on Alice, as its role allows (by short hash: it may not list virtual nodes).')
  await workerctl(['login', '--context', 'demo-user', '--corda-url', url, '--username', 'demo-user', '--password-stdin'], {
    stdin: `${demoPassword}\n`,
    shown: `echo "$DEMO_USER_PASSWORD" | workerctl login --context demo-user --corda-url ${url} --username demo-user --password-stdin`,
  })
  await workerctl(['flow', 'start', hash('Alice'), 'com.r3.sandbox.EchoFlow', '--args', '{"message":"hello Bob"}', '--id', 'greeting-1', '-c', 'demo-user'], {
    shown: `workerctl flow start ${hash('Alice')} com.r3.sandbox.EchoFlow --args '{"message":"hello Bob"}' --id greeting-1 -c demo-user`,
  })
  await workerctl(['flow', 'start', hash('Bob'), 'com.r3.sandbox.EchoFlow', '-c', 'demo-user'], {
    expect: [4],
    shown: `workerctl flow start ${hash('Bob')} com.r3.sandbox.EchoFlow -c demo-user   # exit 4: its role is for Alice only`,
  })
  await workerctl(['context', 'use', 'sandbox'])

  console.log('\nThe worker manager at 3 a.m.: a worker stops, requests pile up, find out why, fix it, retry.')
  await workerctl(['sandbox', 'worker', 'stop', 'lta-sip-generator-worker', '--now', '-o', 'json'], {
    shown: "workerctl sandbox worker stop lta-sip-generator-worker --now -o json   # the sandbox's worker stops beating",
  })
  // New requests arrive for the stopped worker's content type (the sandbox's control endpoint stands in for AMQP).
  const arrived = await fetch(`${url}/_sandbox/requests?contentType=lta-extracted-request&count=12&outcome=success&session=Demo`, {method: 'POST'})
  if (arrived.status !== 201) throw new Error(`the sandbox refused the demo requests: ${arrived.status}`)
  console.log('\n(12 requests for lta-extracted-request arrive while its worker is down)')
  await workerctl(['request', 'list', '--session', 'Demo', '--limit', '5'])
  await workerctl(['request', 'summary', '--session', 'Demo'])
  await workerctl(['worker', 'check'], {expect: [9], shown: 'workerctl worker check   # exit 9: a configured worker type is dead'})
  await workerctl(['sandbox', 'worker', 'start', 'lta-sip-generator-worker', '-o', 'json'], {shown: 'workerctl sandbox worker start lta-sip-generator-worker -o json'})
  await workerctl(['request', 'retry', '--session', 'Demo', '--yes'])
  await workerctl(['request', 'summary', '--session', 'Demo'])

  console.log('\nJobs: one fails, find out why, run it again.')
  mkdirSync(join(home, 'files'), {recursive: true})
  const shortPath = file => file.replace(home, '$DEMO')
  const jobFile = join(home, 'files', 'ingest-job.yaml')
  writeFileSync(
    jobFile,
    [
      'name: Nightly ingest',
      'labels: {owner: ops, batch: demo}',
      'task:',
      '  taskClassifier: DemoWorker',
      '  taskApiVersion: 1',
      '  taskData: {durationSeconds: 1, failTimes: 1, message: "rs-storage did not answer in 30 s"}',
      '  taskPipe: demo-in',
      '  targetPipe: demo-out',
      '',
    ].join('\n'),
  )
  await workerctl(['job', 'create', 'nightly-ingest', '-f', jobFile], {
    expect: [8],
    shown: `workerctl job create nightly-ingest -f ${shortPath(jobFile)}   # exit 8: the job failed`,
  })
  await workerctl(['job', 'get', 'nightly-ingest'])
  await workerctl(['job', 'retry', 'nightly-ingest'])
  await workerctl(['job', 'list', '--label', 'batch=demo'])

  console.log('\nContexts and credentials: log in to a context, and see a wrong password refused.')
  await workerctl(
    [
      'login',
      '--context',
      'demo',
      '--corda-url',
      url,
      '--username',
      'admin',
      '--wm-url',
      url,
      '--tenant',
      'sandbox',
      '--wm-username',
      'admin',
      '--jobs-url',
      url,
      '--password-stdin',
    ],
    {
      stdin: 'admin\n',
      shown: `echo "$PASSWORD" | workerctl login --context demo --corda-url ${url} --username admin --wm-url ${url} --tenant sandbox --wm-username admin --jobs-url ${url} --password-stdin`,
    },
  )
  await workerctl(['context', 'list'])
  await workerctl(['login', '--context', 'wrong', '--corda-url', url, '--username', 'admin', '--password-stdin'], {
    stdin: 'not-the-password\n',
    expect: [4],
    shown: `echo wrong | workerctl login --context wrong --corda-url ${url} --username admin --password-stdin   # exit 4`,
  })
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
