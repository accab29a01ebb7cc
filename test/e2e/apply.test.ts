// End to end: `apply` and `diff` with the committed example deployment against a fresh sandbox (PRODUCT.md §2, §7):
// created, then unchanged with no mutating request, one change → one update, dry runs send nothing, flags for
// upgrades and job re-creation, a killed apply that converges when run again, and bad files refused whole.
import {cpSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import {expectOneError, ROOT} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {makeCpi, DEMO_CPI} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

interface Reported {
  kind: string
  name: string
  action: string
  result: string
  reason?: string
  changes: Array<{field: string; from?: unknown; to?: unknown}>
  ids?: Record<string, string>
  durationMs: number
}
interface Report {
  summary: Record<string, number>
  objects: Reported[]
}

const PASSWORD = 'demo-Passw0rd-e2e'
const env = {DEMO_USER_PASSWORD: PASSWORD}
const mutations = (log: LoggedRequest[]) => log.filter(r => r.method !== 'GET' && r.service !== 'auth')
const byName = (report: Report) => Object.fromEntries(report.objects.map(o => [`${o.kind} ${o.name}`, o.result]))

const ALICE = 'CN=Alice, O=Alice Corp, L=London, C=GB'
const BOB = 'CN=Bob, O=Bob Ltd, L=Paris, C=FR'

/** The example deployment copied into the test's directory (with its files), optionally edited. */
function deployment(sbx: Sbx, name: string, edit: (text: string) => string = t => t): string {
  const dir = join(sbx.dir, 'deploy')
  cpSync(join(ROOT, 'examples', 'files'), join(dir, 'files'), {recursive: true})
  const file = join(dir, `${name}.yaml`)
  writeFileSync(file, edit(readFileSync(join(ROOT, 'examples', 'deployment.yaml'), 'utf8')))
  return file
}

async function apply(sbx: Sbx, args: string[], expectedExit = 0): Promise<{report: Report; stderr: string; sent: LoggedRequest[]}> {
  const mark = sbx.mark()
  const {stdout, stderr, exitCode} = await sbx.cli(['apply', ...args, '-o', 'json'], {env, timeoutMs: 120_000})
  expect(exitCode, stderr).toBe(expectedExit)
  return {report: JSON.parse(stdout) as Report, stderr, sent: sbx.since(mark)}
}

describe('apply the example deployment', () => {
  let sbx: Sbx
  let file: string
  beforeAll(async () => {
    sbx = await startSandbox({requireSigner: true, requests: 0, jobs: 0})
    file = deployment(sbx, 'deployment')
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  it('from empty: every object created in dependency order; the config section updated', async () => {
    const {report, stderr} = await apply(sbx, ['-f', file])
    expect(byName(report)).toEqual({
      'Certificate code-signer/demo-signer': 'created',
      'Cpi workerctl-demo@1.0': 'created',
      [`VirtualNode ${ALICE}`]: 'created',
      [`VirtualNode ${BOB}`]: 'created',
      'Role FlowRunner-Alice': 'created',
      'User demo-user': 'created',
      'ConfigSection corda.flow': 'updated',
      'Job nightly-export': 'created',
    })
    expect(report.objects.map(o => o.kind)).toEqual(['Certificate', 'Cpi', 'VirtualNode', 'VirtualNode', 'Role', 'User', 'ConfigSection', 'Job'])
    expect(report.objects.find(o => o.kind === 'VirtualNode')!.ids?.shortHash).toMatch(/^[0-9A-F]{12}$/)
    expect(report.summary).toEqual({created: 7, updated: 1})
    expect(stderr).toMatch(/Apply: 7 created, 1 updated/)
    // The password reached Corda as the user's initial password (the sandbox log redacts it) and nowhere else.
    const users = sbx.requests().filter(r => r.method === 'POST' && r.path.endsWith('/user'))
    expect(users).toHaveLength(1)
    expect(JSON.stringify(sbx.requests())).not.toContain(PASSWORD)
  })

  it('the new user can do what its role says: start a flow on Alice, not on Bob', async () => {
    const nodes = await sbx.json<Array<{holdingIdentity: {x500Name: string; shortHash: string}}>>(['vnode', 'list'])
    const hash = (cn: string) => nodes.find(n => n.holdingIdentity.x500Name.includes(`CN=${cn}`))!.holdingIdentity.shortHash
    const as = (args: string[]) => sbx.cli(args, {env: {WORKERCTL_CORDA_PASSWORD: PASSWORD}})
    // Its role does not cover POST /hello, the login probe: a 403 there still proves the password.
    const login = await as(['login', '--context', 'demo-user', '--corda-url', sbx.url, '--username', 'demo-user'])
    expect(login.exitCode, login.stderr).toBe(0)
    expect(login.stdout).toMatch(/may not call POST \/hello/)
    try {
      const ok = await as(['flow', 'start', hash('Alice'), 'com.r3.sandbox.EchoFlow', '--args', '{"message":"hi"}'])
      expect(ok.exitCode, ok.stderr).toBe(0)
      const denied = await as(['flow', 'start', hash('Bob'), 'com.r3.sandbox.EchoFlow', '--args', '{"message":"hi"}'])
      expect(denied.exitCode).toBe(4)
      // By name, the node must be looked up in a list this user may not read: the hint says what to do instead.
      const byName = await as(['flow', 'start', 'Alice', 'com.r3.sandbox.EchoFlow'])
      expect(byName.exitCode).toBe(4)
      expect(byName.stderr).toMatch(/^Hint: this user may not list virtual nodes.*short hash/m)
    } finally {
      expect((await sbx.cli(['context', 'use', 'sandbox'])).exitCode).toBe(0)
    }
  })

  it('again: every object unchanged, no mutating request, exit 0; diff agrees (exit 0)', async () => {
    const {report, sent} = await apply(sbx, ['-f', file])
    expect(new Set(report.objects.map(o => o.result))).toEqual(new Set(['unchanged']))
    expect(mutations(sent)).toEqual([])
    const mark = sbx.mark()
    const diff = await sbx.cli(['diff', '-f', file], {env})
    expect(diff.exitCode, diff.stderr).toBe(0)
    expect(diff.stderr).toMatch(/No changes/)
    expect(mutations(sbx.since(mark))).toEqual([])
    // diff sets no password, so a pipeline can run it without the secret.
    const withoutSecret = await sbx.cli(['diff', '-f', file])
    expect(withoutSecret.exitCode, withoutSecret.stderr).toBe(0)
    expect((await sbx.cli(['apply', '-f', file])).exitCode).toBe(2)
  })

  it('one field changed: diff shows it (exit 9), --dry-run sends nothing, apply makes exactly that one update', async () => {
    const changed = deployment(sbx, 'changed', t => t.replace('maxRetryAttempts: 3', 'maxRetryAttempts: 4'))
    const mark = sbx.mark()
    const diff = await sbx.cli(['diff', '-f', changed], {env})
    expect(diff.exitCode).toBe(9)
    expect(diff.stdout).toMatch(/~ ConfigSection corda\.flow \(update\)\n\s+~ processing\.maxRetryAttempts: 3 → 4/)
    const dry = await apply(sbx, ['-f', changed, '--dry-run'])
    expect(dry.report.objects.filter(o => o.action !== 'unchanged').map(o => o.name)).toEqual(['corda.flow'])
    expect(mutations(sbx.since(mark))).toEqual([])

    const {report, sent} = await apply(sbx, ['-f', changed])
    expect(report.objects.filter(o => o.result !== 'unchanged').map(o => `${o.name} ${o.result}`)).toEqual(['corda.flow updated'])
    expect(mutations(sent).map(r => `${r.method} ${r.path}`)).toEqual(['PUT /api/v5_2/config'])
  })

  it('a new CPI version for Alice: needs-upgrade (exit 9) until --allow-upgrade, which upgrades it', async () => {
    const v2 = join(sbx.dir, 'deploy', 'files', 'demo-2.0.cpi')
    writeFileSync(v2, makeCpi({name: DEMO_CPI.name, version: '2.0', groupId: DEMO_CPI.groupId}))
    const upgraded = deployment(
      sbx,
      'upgraded',
      t => `${t.replace(`x500: ${ALICE}\ncpi: workerctl-demo@1.0`, `x500: ${ALICE}\ncpi: workerctl-demo@2.0`)}---
apiVersion: workerctl/v1
kind: Cpi
file: files/demo-2.0.cpi
`,
    )
    const first = await apply(sbx, ['-f', upgraded], 9)
    expect(byName(first.report)).toMatchObject({'Cpi workerctl-demo@2.0': 'created', [`VirtualNode ${ALICE}`]: 'needs-upgrade'})
    expect(first.report.objects.find(o => o.name === ALICE)!.changes).toEqual([{field: 'cpi', from: 'workerctl-demo@1.0', to: 'workerctl-demo@2.0'}])
    const second = await apply(sbx, ['-f', upgraded, '--allow-upgrade'])
    expect(byName(second.report)).toMatchObject({[`VirtualNode ${ALICE}`]: 'updated', [`VirtualNode ${BOB}`]: 'unchanged'})
    const alice = (await sbx.json<Array<{holdingIdentity: {x500Name: string}; cpiIdentifier: {cpiVersion: string}}>>(['vnode', 'list'])).find(n =>
      n.holdingIdentity.x500Name.includes('Alice'),
    )!
    expect(alice.cpiIdentifier.cpiVersion).toBe('2.0')
  })

  it('a changed job: needs-recreate (exit 9) until --recreate-jobs, which deletes and creates it', async () => {
    const edited = deployment(sbx, 'job-edited', t => t.replace('durationSeconds: 2', 'durationSeconds: 1'))
    const first = await apply(sbx, ['-f', edited, '--allow-upgrade'], 9)
    expect(byName(first.report)).toMatchObject({'Job nightly-export': 'needs-recreate'})
    const second = await apply(sbx, ['-f', edited, '--allow-upgrade', '--recreate-jobs'])
    expect(byName(second.report)).toMatchObject({'Job nightly-export': 'updated'})
    expect(
      mutations(second.sent)
        .map(r => `${r.method} ${r.path}`)
        .filter(l => l.includes('nightly-export')),
    ).toEqual(['DELETE /job-service/v1/partitions/default/jobs/nightly-export', 'PUT /job-service/v1/partitions/default/jobs/nightly-export'])
  })

  it('a CPI whose content changed without force: failed with the reason, its vnodes not tried; exit 8', async () => {
    writeFileSync(join(sbx.dir, 'deploy', 'files', 'other.cpi'), makeCpi({name: 'other-app', version: '1.0', groupId: 'g-1'}))
    writeFileSync(join(sbx.dir, 'deploy', 'files', 'other-changed.cpi'), makeCpi({name: 'other-app', version: '1.0', groupId: 'g-1', extraBytes: 'v2'}))
    const doc = (cpi: string) =>
      `apiVersion: workerctl/v1\nkind: Cpi\nfile: files/${cpi}\n---\napiVersion: workerctl/v1\nkind: VirtualNode\nx500: CN=Carol, O=Carol Co, L=Oslo, C=NO\ncpi: other-app\n`
    writeFileSync(join(sbx.dir, 'deploy', 'other.yaml'), doc('other.cpi').split('---')[0]!)
    await apply(sbx, ['-f', join(sbx.dir, 'deploy', 'other.yaml')])
    writeFileSync(join(sbx.dir, 'deploy', 'other-changed.yaml'), doc('other-changed.cpi'))
    const {report, stderr} = await apply(sbx, ['-f', join(sbx.dir, 'deploy', 'other-changed.yaml')], 8)
    expect(report.objects.map(o => `${o.kind} ${o.result}`)).toEqual(['Cpi failed', 'VirtualNode failed'])
    expect(report.objects[0]!.reason).toMatch(/other content: raise Corda-CPI-Version, or set force: true/)
    expect(report.objects[1]!.reason).toBe('not tried: Cpi other-app@1.0 failed')
    expect(stderr).toMatch(/Apply: .*2 failed/)
  })
})

describe('apply: bad files are refused whole, with every problem and its line, before anything is sent', () => {
  let sbx: Sbx
  beforeAll(async () => {
    sbx = await startSandbox({requests: 0, jobs: 0})
  })
  afterAll(async () => {
    await sbx.close()
  })

  const cases: Array<{name: string; edit: (t: string) => string; problems: RegExp[]; env?: Record<string, string>}> = [
    {name: 'unknown kind', edit: t => t.replace('kind: ConfigSection', 'kind: ConfigSectoin'), problems: [/deploy[/\\]bad\.yaml:\d+: .*ConfigSectoin/]},
    {name: 'unknown field', edit: t => t.replace('fullName: Demo user', 'fullname: Demo user'), problems: [/bad\.yaml:39: .*unknown field "fullname"/]},
    {name: 'unset variable', edit: t => t.replace('name: Nightly export', 'name: Nightly ${EXPORT_NAME}'), problems: [/bad\.yaml:\d+: .*EXPORT_NAME is not set/]},
    {name: 'password variable unset', edit: t => t, env: {DEMO_USER_PASSWORD: ''}, problems: [/DEMO_USER_PASSWORD/]},
    {name: 'invalid X.500', edit: t => t.replace('x500: CN=Bob, O=Bob Ltd, L=Paris, C=FR', 'x500: CN=Bob, O=Bob Ltd, C=France'), problems: [/bad\.yaml:27: /]},
    {name: 'missing file', edit: t => t.replace('files/signer.pem', 'files/nope.pem'), problems: [/bad\.yaml:14: .*nope\.pem/]},
    {name: 'duplicate', edit: t => `${t}---\napiVersion: workerctl/v1\nkind: Role\nname: FlowRunner-Alice\n`, problems: [/duplicate Role "FlowRunner-Alice"/]},
    {name: 'malformed YAML', edit: t => t.replace('roles: [FlowRunner-Alice]', 'roles: [FlowRunner-Alice'), problems: [/bad\.yaml:\d+/]},
    {
      name: 'several at once',
      edit: t => t.replace('fullName: Demo user', 'fullname: Demo user').replace('kind: ConfigSection', 'kind: Nope').replace('name: Nightly export', 'name: ${UNSET_ONE}'),
      // On the one Error line, in line order, separated by "; ".
      problems: [/has 3 problems: \S*bad\.yaml:39: [^\n;]*fullname[^\n;]*; \S*bad\.yaml:\d+: [^\n;]*Nope[^\n;]*; \S*bad\.yaml:\d+: [^\n;]*UNSET_ONE/],
    },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const file = deployment(sbx, 'bad', c.edit)
      const mark = sbx.mark()
      const {exitCode, stderr} = await sbx.cli(['apply', '-f', file], {env: {...env, ...c.env}})
      expect(exitCode, stderr).toBe(2)
      expectOneError(stderr)
      for (const p of c.problems) expect(stderr).toMatch(p)
      expect(sbx.since(mark)).toEqual([])
      expect(stderr).not.toContain(PASSWORD)
    })
  }

  it('references neither in the file nor on the cluster: exit 2 listing each, with only reads sent', async () => {
    const file = deployment(sbx, 'refs', t =>
      t.replace('cpi: workerctl-demo@1.0', 'cpi: workerctl-demo@9.9').replace('roles: [FlowRunner-Alice]', 'roles: [FlowRunner-Alice, Auditors]'),
    )
    const mark = sbx.mark()
    const {exitCode, stderr} = await sbx.cli(['apply', '-f', file], {env})
    expect(exitCode).toBe(2)
    expectOneError(stderr, /2 problems/)
    expect(stderr).toMatch(/refs\.yaml:21: VirtualNode "CN=Alice, O=Alice Corp, L=London, C=GB": cpi "workerctl-demo@9\.9" is neither a Cpi in this file nor on the cluster/)
    expect(stderr).toMatch(/refs\.yaml:\d+: User "demo-user": role "Auditors" is neither a Role in this file nor on the cluster/)
    expect(mutations(sbx.since(mark))).toEqual([])
  })

  it('reads the file from stdin with -f - (paths relative to the working directory)', async () => {
    const {stdout, exitCode, stderr} = await sbx.cli(['diff', '-f', '-', '-o', 'json'], {
      env,
      stdin: 'apiVersion: workerctl/v1\nkind: ConfigSection\nsection: corda.flow\nvalues: {processing: {maxRetryAttempts: 7}}\n',
    })
    expect(exitCode, stderr).toBe(9)
    expect((JSON.parse(stdout) as Report).objects[0]).toMatchObject({
      kind: 'ConfigSection',
      action: 'update',
      changes: [{field: 'processing', to: {maxRetryAttempts: 7}}],
      file: 'standard input',
      line: 2,
    })
  })
})

describe('apply killed half-way, then run again', () => {
  let sbx: Sbx
  beforeAll(async () => {
    sbx = await startSandbox({requireSigner: true, requests: 0, jobs: 0})
  })
  afterAll(async () => {
    await sbx.close()
  })

  it('converges with no duplicate objects', async () => {
    const file = deployment(sbx, 'deployment')
    // Stop it as soon as the first virtual node was asked for: CPIs done, nodes under way, roles and users not yet.
    const killed = await sbx.cli(['apply', '-f', file], {
      env,
      onSpawn: child => {
        const timer = setInterval(() => {
          if (sbx.requests().some(r => r.method === 'POST' && r.path.endsWith('/virtualnode'))) {
            clearInterval(timer)
            child.kill('SIGINT')
          }
        }, 20)
        child.on('close', () => clearInterval(timer))
      },
    })
    expect(killed.exitCode).toBe(130)
    const {report} = await apply(sbx, ['-f', file])
    expect(report.objects.every(o => o.result !== 'failed')).toBe(true)
    const again = await apply(sbx, ['-f', file])
    expect(new Set(again.report.objects.map(o => o.result))).toEqual(new Set(['unchanged']))

    const nodes = await sbx.json<Array<{holdingIdentity: {x500Name: string}}>>(['vnode', 'list'])
    expect(nodes.map(n => n.holdingIdentity.x500Name).sort()).toHaveLength(2)
    const roles = await sbx.json<Array<{roleName: string; permissions: Array<{id: string}>}>>(['role', 'list'])
    expect(roles.filter(r => r.roleName === 'FlowRunner-Alice')).toHaveLength(1)
    const perms = await sbx.json<Array<{permissionType: string; permissionString: string; virtualNode?: string | null}>>(['permission', 'list', '--type', 'ALLOW'])
    const keys = perms.map(p => `${p.permissionType} ${p.permissionString} ${p.virtualNode ?? ''}`)
    expect(new Set(keys).size).toBe(keys.length)
    const cpis = await sbx.json<unknown[]>(['cpi', 'list'])
    expect(cpis).toHaveLength(1)
  })
})
