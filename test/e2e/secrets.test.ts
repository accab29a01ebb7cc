// Secret hygiene (issue 8; PRODUCT.md §2, §3): a whole scenario run with --verbose and -o json, failures included,
// then every byte of stdout, stderr, the config directory (but the credential store) and the sandbox's request log
// is searched for every password and token used. Files holding secrets are private to their owner.
import {cpSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ROOT} from '../helpers/cli.js'
import {writeDemoFiles} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

const ADMIN_PASSWORD = 'Adm1n-Hygiene-7731'
const USER_PASSWORD = 'Us3r-Hygiene-4412'
const USER_PASSWORD_2 = 'Us3r-Rotated-9054'
const DEMO_PASSWORD = 'D3mo-Hygiene-2290'
const WRONG_PASSWORDS = ['Wr0ng-Hygiene-1187', 'Wr0ng-Hygiene-5523']

function filesUnder(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(e => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
}

describe('secrets never leave the credential store', () => {
  let sbx: Sbx
  const transcript: string[] = []
  const configDir = () => join(sbx.dir, 'config')

  /** Runs a command with --verbose and -o json, keeping everything it printed. */
  async function run(args: string[], options: {env?: Record<string, string>; stdin?: string; exit?: number | number[]} = {}): Promise<string> {
    const {stdout, stderr, exitCode} = await sbx.cli([...args, '--verbose', '-o', 'json'], {env: options.env, stdin: options.stdin, timeoutMs: 120_000})
    transcript.push(`$ ${args.join(' ')}\n${stdout}\n${stderr}`)
    expect([options.exit ?? 0].flat(), `${args.join(' ')}: ${stderr}`).toContain(exitCode)
    return stdout
  }

  beforeAll(async () => {
    sbx = await startSandbox({password: ADMIN_PASSWORD, configure: false, requests: 30})
  })
  afterAll(async () => {
    await sbx?.close()
  })

  it('runs the whole scenario, then finds no secret anywhere but in the store', async () => {
    const url = sbx.url
    await run(
      [
        'login',
        '--context',
        'hygiene',
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
      {stdin: `${ADMIN_PASSWORD}\n`},
    )
    await run(['cluster', 'status'])

    const demo = await writeDemoFiles(join(sbx.dir, 'demo'))
    await run(['cert', 'import', demo.signer, '--usage', 'code-signer', '--alias', 'signer'])
    await run(['cpi', 'upload', demo.cpi])
    const node = JSON.parse(await run(['vnode', 'create', '--x500', 'CN=Hy, O=Giene, L=Paris, C=FR', '--cpi', 'workerctl-demo'])) as {holdingIdentity: {shortHash: string}}
    const hash = node.holdingIdentity.shortHash
    await run(['flow', 'start', hash, 'com.r3.sandbox.EchoFlow', '--args', '{"message":"hi"}'])
    await run(['role', 'create', 'Runner', '--template', 'flow-executor', '--vnode', hash])
    await run(['user', 'create', 'hygiene-user', '--role', 'Runner'], {env: {WORKERCTL_NEW_PASSWORD: USER_PASSWORD}})
    await run(['user', 'password', 'hygiene-user'], {env: {WORKERCTL_NEW_PASSWORD: USER_PASSWORD_2}})
    await run(['cluster', 'config', 'get', 'corda.rbac'])

    await run(['request', 'list', '--limit', '5'])
    await run(['request', 'summary'])
    await run(['request', 'retry', '--status', 'ERROR', '--dry-run'])
    await run(['worker', 'check'], {exit: [0, 9]})
    await run(['worker', 'config', 'export', '-f', join(sbx.dir, 'workers.json')])

    const job = join(sbx.dir, 'job.json')
    writeFileSync(job, JSON.stringify({task: {taskClassifier: 'DemoWorker', taskApiVersion: 1, taskData: {durationSeconds: 0.2}, taskPipe: 'in'}}))
    await run(['job', 'create', 'hygiene-1', '-f', job])
    await run(['job', 'list', '--limit', '5'])

    cpSync(join(ROOT, 'examples'), join(sbx.dir, 'deploy'), {recursive: true})
    await run(['apply', '-f', join(sbx.dir, 'deploy', 'deployment.yaml')], {env: {DEMO_USER_PASSWORD: DEMO_PASSWORD}})
    await run(['context', 'show'])

    // Failures print errors (as JSON-friendly one-liners): still no secret.
    await run(['login', '--context', 'bad', '--corda-url', url, '--username', 'admin', '--password-stdin'], {stdin: `${WRONG_PASSWORDS[0]}\n`, exit: 4})
    await run(['cpi', 'list'], {env: {WORKERCTL_CORDA_PASSWORD: WRONG_PASSWORDS[1]!}, exit: 4})
    await run(['user', 'create', 'x'], {env: {WORKERCTL_NEW_PASSWORD: USER_PASSWORD}, exit: 2})

    // The tokens the CLI was given are in the store; every other place must be free of them and of the passwords.
    const store = readFileSync(join(configDir(), 'credentials.json'), 'utf8')
    expect(store).toContain(ADMIN_PASSWORD)
    const tokens = [...store.matchAll(/[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/g)].map(m => m[0])
    expect(tokens.length, 'the REGARDS session token is cached in the store').toBeGreaterThan(0)
    const secrets = [
      ADMIN_PASSWORD,
      USER_PASSWORD,
      USER_PASSWORD_2,
      DEMO_PASSWORD,
      ...WRONG_PASSWORDS,
      ...tokens,
      Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64'),
      Buffer.from(`hygiene-user:${USER_PASSWORD}`).toString('base64'),
    ]

    const places: Array<[string, string]> = [
      ["the commands' output", transcript.join('\n')],
      ["the sandbox's request log", JSON.stringify(sbx.requests())],
      ['the exported worker config', readFileSync(join(sbx.dir, 'workers.json'), 'utf8')],
      ...filesUnder(configDir())
        .filter(f => !f.endsWith('credentials.json'))
        .map(f => [relative(sbx.dir, f), readFileSync(f, 'utf8')] as [string, string]),
    ]
    expect(places.length).toBeGreaterThan(4)
    expect(transcript.join('\n')).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/api\/v5_2\/cpi/) // --verbose did trace
    for (const [place, text] of places) {
      for (const secret of secrets) expect(text.includes(secret), `a secret (${secret.slice(0, 3)}…) found in ${place}`).toBe(false)
    }
  }, 600_000)

  it('keeps the config directory and every file in it private (0700 / 0600)', () => {
    if (process.platform === 'win32') return
    expect(statSync(configDir()).mode & 0o777).toBe(0o700)
    for (const file of filesUnder(configDir())) expect(statSync(file).mode & 0o777, relative(sbx.dir, file)).toBe(0o600)
  })
})
