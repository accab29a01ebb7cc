import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DeploymentError, loadDeployment, parseDeployment} from '../../../src/apply/manifest.js'
import type {ObjectSpec, Problem} from '../../../src/apply/types.js'
import {Exit, UsageError} from '../../../src/errors.js'
import {makeZip} from '../../helpers/demo-files.js'

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
const MANIFEST = 'Manifest-Version: 1.0\nCorda-CPI-Name: demo\nCorda-CPI-Version: 1.0\n'
const H = 'apiVersion: workerctl/v1\n'
const ENV = {ALICE_PASSWORD: 'correct-horse', TEAM: 'blue', DB_NAME: 'vault_a'}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workerctl-manifest-'))
  await mkdir(join(dir, 'certs'))
  await mkdir(join(dir, 'cpis'))
  await mkdir(join(dir, 'deploy'))
  await writeFile(join(dir, 'certs', 'signer.pem'), PEM)
  await writeFile(join(dir, 'certs', 'not-a-cert.pem'), 'hello\n')
  await writeFile(join(dir, 'cpis', 'demo.cpi'), makeZip({'META-INF/MANIFEST.MF': MANIFEST, 'META-INF/GroupPolicy.json': '{"groupId":"g"}'}))
  await writeFile(join(dir, 'cpis', 'nameless.cpi'), makeZip({'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n'}))
  await writeFile(join(dir, 'cpis', 'text.cpi'), 'not a zip')
})
afterAll(() => rm(dir, {recursive: true, force: true}))

/** The problems of `text` as [line, message], or a failure if it loads. */
async function problems(text: string, env: NodeJS.ProcessEnv = ENV): Promise<[number, string][]> {
  const error = await parseDeployment(text, 'deploy.yaml', dir, {env}).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DeploymentError)
  return (error as DeploymentError).problems.map(p => [p.line, p.message])
}

const ALL_KINDS = `# every kind, paths relative to this file's directory
${H}kind: Certificate
usage: code-signer
alias: signer
file: ../certs/signer.pem
---
${H}kind: Cpi
file: ../cpis/demo.cpi
---
${H}kind: VirtualNode
x500: "O=R3,  CN=Alice, L=London, C=GB"
cpi: demo@1.0
db:
  vaultDdlConnection: {jdbcUrl: "jdbc:postgresql://db/\${DB_NAME}"}
  vaultDmlConnection: '{"jdbcUrl": "x"}'
---
${H}kind: Role
name: alice-flows
template: flow-executor
vnode: "O=R3, CN=Alice, L=London, C=GB"
permissions:
  - {type: DENY, string: "GET:/api/v5_2/cpi", vnode: 0123456789ab}
  - type: ALLOW
    string: "StartFlow:.*"
---
${H}kind: Role
name: empty
---
---
${H}kind: User
login: alice
passwordFrom: {env: ALICE_PASSWORD}
roles: [alice-flows]
passwordExpiry: 2030-12-31
enabled: false
---
${H}kind: ConfigSection
section: corda.messaging
values:
  subscription: {pollTimeout: 500}
  label: "\${TEAM}-bus"
---
${H}kind: Job
id: nightly-1
partition: tenant-a
name: nightly
task: {taskClassifier: ingest, taskApiVersion: 1, taskData: {path: "/data/\${TEAM}"}, taskPipe: ingest-in}
labels: {team: "\${TEAM}"}
`

describe('loadDeployment', () => {
  it('reads every kind from a multi-document file into exactly the checked objects', async () => {
    const file = join(dir, 'deploy', 'all.yaml')
    await writeFile(file, ALL_KINDS)
    const at = (line: number) => ({file, line})
    const expected: ObjectSpec[] = [
      {kind: 'Certificate', at: at(3), usage: 'code-signer', alias: 'signer', file: join(dir, 'certs', 'signer.pem'), pem: PEM},
      {kind: 'Cpi', at: at(9), file: join(dir, 'cpis', 'demo.cpi'), cpiName: 'demo', cpiVersion: '1.0', force: false},
      {
        kind: 'VirtualNode',
        at: at(13),
        x500: 'CN=Alice, O=R3, L=London, C=GB',
        cpi: 'demo@1.0',
        db: {vaultDdlConnection: '{"jdbcUrl":"jdbc:postgresql://db/vault_a"}', vaultDmlConnection: '{"jdbcUrl": "x"}'},
      },
      {
        kind: 'Role',
        at: at(21),
        name: 'alice-flows',
        template: 'flow-executor',
        vnode: 'CN=Alice, O=R3, L=London, C=GB',
        permissions: [
          {type: 'DENY', string: 'GET:/api/v5_2/cpi', vnode: '0123456789AB'},
          {type: 'ALLOW', string: 'StartFlow:.*'},
        ],
      },
      {kind: 'Role', at: at(31), name: 'empty', permissions: []},
      {
        kind: 'User',
        at: at(36),
        login: 'alice',
        fullName: 'alice',
        enabled: false,
        passwordExpiry: '2030-12-31T00:00:00.000Z',
        roles: ['alice-flows'],
        passwordEnv: 'ALICE_PASSWORD',
      },
      {kind: 'ConfigSection', at: at(44), section: 'corda.messaging', values: {subscription: {pollTimeout: 500}, label: 'blue-bus'}},
      {
        kind: 'Job',
        at: at(51),
        id: 'nightly-1',
        partition: 'tenant-a',
        definition: {name: 'nightly', task: {taskClassifier: 'ingest', taskApiVersion: 1, taskData: {path: '/data/blue'}, taskPipe: 'ingest-in'}, labels: {team: 'blue'}},
      },
    ]
    expect(await loadDeployment(file, {env: ENV})).toStrictEqual(expected)
  })

  it('reports a missing deployment file as bad input', async () => {
    await expect(loadDeployment(join(dir, 'nope.yaml'))).rejects.toThrow(/nope\.yaml: no such file/)
  })
})

describe('parseDeployment', () => {
  it('resolves relative paths against the base directory, and reads JSON', async () => {
    const json = JSON.stringify({apiVersion: 'workerctl/v1', kind: 'Cpi', file: 'cpis/demo.cpi', force: true})
    const [cpi] = await parseDeployment(json, 'cpi.json', dir, {env: {}})
    expect(cpi).toMatchObject({kind: 'Cpi', file: join(dir, 'cpis', 'demo.cpi'), cpiName: 'demo', force: true, at: {file: 'cpi.json', line: 1}})
  })

  it('substitutes ${VAR} in nested string values but not in keys, and keeps $${ as a literal ${', async () => {
    const [spec] = await parseDeployment(
      `${H}kind: ConfigSection\nsection: "corda.\${TEAM}"\nvalues:\n  \${TEAM}: ["a-\${TEAM}-\${TEAM}", "$\${TEAM}", "$$ and $"]\n  n: 3\n`,
      'f',
      dir,
      {env: ENV},
    )
    expect(spec).toMatchObject({section: 'corda.blue', values: {'${TEAM}': ['a-blue-blue', '${TEAM}', '$$ and $'], n: 3}})
  })

  it('skips empty documents and the defaults apply', async () => {
    const specs = await parseDeployment(`---\n# nothing\n---\n${H}kind: User\nlogin: bob\npasswordFrom: {env: P}\n---\n`, 'f', dir, {env: {P: 'secret'}})
    expect(specs).toStrictEqual([{kind: 'User', at: {file: 'f', line: 5}, login: 'bob', fullName: 'bob', enabled: true, roles: [], passwordEnv: 'P'}])
  })

  it('needs no password when none will be set (diff, dry run), but still a valid variable name', async () => {
    const user = `${H}kind: User\nlogin: bob\npasswordFrom: {env: P}\n`
    const [spec] = await parseDeployment(user, 'f', dir, {env: {}, passwords: false})
    expect(spec).toMatchObject({kind: 'User', login: 'bob', passwordEnv: 'P'})
    await expect(parseDeployment(user, 'f', dir, {env: {}})).rejects.toThrow(/environment variable P \(the password\) is not set/)
    await expect(parseDeployment(user.replace('env: P', 'env: 1P'), 'f', dir, {env: {}, passwords: false})).rejects.toThrow(/must be a variable name/)
  })
})

describe('problems', () => {
  it.each<[string, string, number, string | RegExp, NodeJS.ProcessEnv?]>([
    ['a YAML syntax error', `${H}kind: Role\nname: a\nname: b\n`, 4, 'invalid YAML: Map keys must be unique'],
    ['a wrong apiVersion', `apiVersion: workerctl/v2\nkind: Role\nname: a\n`, 1, 'apiVersion "workerctl/v2" is not supported: use workerctl/v1'],
    ['a missing apiVersion', `kind: Role\nname: a\n`, 1, '"apiVersion" is required: apiVersion: workerctl/v1'],
    ['an unknown kind', `${H}kind: Flow\n`, 2, 'unknown kind "Flow" (one of Certificate, Cpi, VirtualNode, Role, User, ConfigSection, Job)'],
    ['a document that is not a mapping', `${H}kind: Role\nname: a\n---\n- a\n- b\n`, 5, /a document must be one object .*not a list/],
    ['an unknown field', `${H}kind: Role\nname: a\ncolour: red\n`, 4, 'unknown field "colour" (allowed: apiVersion, kind, name, groupVisibility, template, vnode, permissions)'],
    [
      'an unknown nested field',
      `${H}kind: Role\nname: a\npermissions:\n  - type: ALLOW\n    string: x\n    role: y\n`,
      7,
      'unknown field "permissions[0].role" (allowed: type, string, vnode)',
    ],
    ['a string for a boolean', `${H}kind: Cpi\nfile: cpis/demo.cpi\nforce: "yes"\n`, 4, '"force" must be true or false, not a string'],
    ['a number for a string', `${H}kind: Role\n\nname: 42\n`, 4, '"name" must be a string, not a number'],
    ['a list for a mapping', `${H}kind: ConfigSection\nsection: corda.flow\nvalues: [1]\n`, 4, '"values" must be a mapping, not a list'],
    ['a malformed section name', `${H}kind: ConfigSection\nsection: corda flow\nvalues: {}\n`, 3, /^"corda flow" is not a configuration section name: they look like corda\.flow/],
    ['a value not in the list', `${H}kind: Certificate\nusage: tls\nalias: a\nfile: certs/signer.pem\n`, 3, '"usage" must be one of code-signer, p2p-tls, rest-tls, not "tls"'],
    ['a missing required field (at the kind)', `${H}\nkind: VirtualNode\nx500: "O=R3, L=London, C=GB"\n`, 3, '"cpi" is required'],
    ['an invalid X.500 name', `${H}kind: VirtualNode\ncpi: demo\nx500: "O=R3, L=London"\n`, 4, 'invalid X.500 name "O=R3, L=London": C is required'],
    [
      'an invalid permission vnode',
      `${H}kind: Role\nname: r\npermissions:\n  - {type: ALLOW, string: x, vnode: alice}\n`,
      5,
      /^"permissions\[0\]\.vnode" is neither a 12-hex short hash nor an X.500 name: invalid X.500 name "alice"/,
    ],
    ['a bad login', `${H}kind: User\nlogin: a b\npasswordFrom: {env: P}\n`, 3, /^invalid login name "a b"/, {P: 'secret'}],
    [
      'a bad permission regex',
      `${H}kind: Role\nname: r\npermissions:\n  - type: ALLOW\n    string: "GET:(/api"\n`,
      6,
      /^"permissions\[0\]\.string": "GET:\(\/api" is not a valid regular expression/,
    ],
    ['a template needing a vnode', `${H}kind: Role\nname: r\ntemplate: flow-executor\n`, 2, 'template flow-executor is for one virtual node: give "vnode"'],
    [
      'a vnode without a per-vnode template',
      `${H}kind: Role\nname: r\ntemplate: user-admin\nvnode: 0123456789AB\n`,
      5,
      /^"vnode" goes only with a per-vnode template \(flow-executor\); user-admin is cluster-wide/,
    ],
    ['an unset variable', `${H}kind: ConfigSection\nsection: corda.flow\nvalues:\n  deep:\n    - "\${NOPE}"\n`, 6, 'environment variable NOPE is not set'],
    ['a malformed ${', `${H}kind: Role\nname: "\${1x}"\n`, 3, /^malformed \$\{…\}/],
    [
      'an inline password',
      `${H}kind: User\nlogin: bob\npasswordFrom: {env: P}\npassword: hunter22\n`,
      5,
      'an inline password is not allowed: use passwordFrom: {env: NAME}',
      {P: 'secret'},
    ],
    ['an unset password variable', `${H}kind: User\nlogin: bob\npasswordFrom: {env: P}\n`, 4, 'environment variable P (the password) is not set', {}],
    ['a missing passwordFrom', `${H}kind: User\nlogin: bob\n`, 2, '"passwordFrom" is required'],
    ['a bad password expiry', `${H}kind: User\nlogin: bob\npasswordFrom: {env: P}\npasswordExpiry: soon\n`, 5, /^passwordExpiry "soon" is not a date/, {P: 'secret'}],
    ['a missing file', `${H}kind: Certificate\nusage: rest-tls\nalias: a\nfile: certs/nope.pem\n`, 5, 'certs/nope.pem: no such file'],
    ['a directory for a file', `${H}kind: Certificate\nusage: rest-tls\nalias: a\nfile: certs\n`, 5, 'certs is a directory, not a PEM file'],
    ['a file with no certificate', `${H}kind: Certificate\nusage: rest-tls\nalias: a\nfile: certs/not-a-cert.pem\n`, 5, /no PEM certificate/],
    ['a CPI that is not a zip', `${H}kind: Cpi\nfile: cpis/text.cpi\n`, 3, /^cpis\/text\.cpi is not a valid CPI: not a zip file/],
    [
      'a CPI without a name',
      `${H}kind: Cpi\nfile: cpis/nameless.cpi\n`,
      3,
      'cpis/nameless.cpi is not a valid CPI: META-INF/MANIFEST.MF lacks Corda-CPI-Name and Corda-CPI-Version',
    ],
    ['a missing CPI', `${H}kind: Cpi\nfile: cpis/gone.cpi\n`, 3, 'cpis/gone.cpi: no such file'],
    ['an invalid job id', `${H}kind: Job\nid: "a:b"\ntype: t\n`, 3, /^job id "a:b" contains one of the characters/],
    ['an invalid job definition', `${H}kind: Job\nid: j1\nname: n\n`, 2, 'invalid job definition: give exactly one of "task" or "type" (with "parameters")'],
    ['a file with no object', '# nothing\n---\n', 1, /^no object/],
  ])('%s', async (_, text, line, message, env) => {
    const found = await problems(text, env)
    expect(found).toHaveLength(1)
    expect(found[0]![0]).toBe(line)
    if (typeof message === 'string') expect(found[0]![1]).toBe(message)
    else expect(found[0]![1]).toMatch(message)
  })

  it('reports duplicates at the second object', async () => {
    const text =
      `${H}kind: Role\nname: r\n---\n${H}kind: Cpi\nfile: cpis/demo.cpi\n---\n${H}kind: Role\nname: r\n---\n${H}kind: Cpi\nfile: ./cpis/../cpis/demo.cpi\n` +
      `---\n${H}kind: VirtualNode\nx500: "CN=A, O=R3, L=London, C=GB"\ncpi: demo\n---\n${H}kind: VirtualNode\nx500: "C=GB, L=London, O=R3, CN=A"\ncpi: demo\n` +
      `---\n${H}kind: Job\nid: j\ntype: t\n---\n${H}kind: Job\nid: j\npartition: p\ntype: t\n`
    expect(await problems(text)).toEqual([
      [10, 'duplicate Role "r" (first at line 2)'],
      [14, 'duplicate Cpi "demo@1.0" (first at line 6)'],
      [23, 'duplicate VirtualNode "CN=A, O=R3, L=London, C=GB" (first at line 18)'],
    ])
  })

  it('collects every problem of the file into one error, sorted by line', async () => {
    const text = `${H}kind: Cpi\nfile: cpis/gone.cpi\n---\n${H}kind: Role\nname: r\ncolour: red\n---\n${H}kind: Flow\n`
    const error = (await parseDeployment(text, 'app.yaml', dir, {env: {}}).catch((e: unknown) => e)) as DeploymentError
    expect(error).toBeInstanceOf(UsageError)
    expect(error.exitCode).toBe(Exit.USAGE)
    expect(error.problems.map(p => p.line)).toEqual([3, 8, 11])
    expect(error.problems.every((p: Problem) => p.file === 'app.yaml')).toBe(true)
    expect(error.message).toBe(
      [
        'app.yaml has 3 problems: app.yaml:3: cpis/gone.cpi: no such file',
        'app.yaml:8: unknown field "colour" (allowed: apiVersion, kind, name, groupVisibility, template, vnode, permissions)',
        'app.yaml:11: unknown kind "Flow" (one of Certificate, Cpi, VirtualNode, Role, User, ConfigSection, Job)',
      ].join('; '),
    )
  })

  it('sorts several problems of one object and of several documents by line', async () => {
    const text = `${H}kind: Role\nname: 42\ntemplate: nope\n---\n${H}kind: User\npasswordFrom: {env: NOPE}\nlogin: x\n`
    expect(await problems(text)).toEqual([
      [3, '"name" must be a string, not a number'],
      [4, '"template" must be one of user-admin, vnode-creator, corda-developer, flow-executor, not "nope"'],
      [8, 'environment variable NOPE (the password) is not set'],
      [9, 'invalid login name "x": use 3 to 255 of a-z A-Z 0-9 - . _ @'],
    ])
  })

  it('says one problem on one line', async () => {
    const error = (await parseDeployment(`${H}kind: Role\n`, 'one.yaml', dir).catch((e: unknown) => e)) as DeploymentError
    expect(error.message).toBe('one.yaml:2: "name" is required')
  })

  it("never shows an environment variable's value", async () => {
    const secret = 's3cr3t-Value'
    const env = {SECRET: secret, SHORT: 'tiny'}
    const text =
      `${H}kind: VirtualNode\ncpi: demo\nx500: "CN=\${SECRET}, O=R3, L=London"\n---\n${H}kind: User\nlogin: "\${SECRET}!"\npasswordFrom: {env: SHORT}\n` +
      `---\n${H}kind: Role\nname: r\npermissions:\n  - {type: ALLOW, string: "(\${SECRET}"}\n`
    const error = (await parseDeployment(text, 'f', dir, {env}).catch((e: unknown) => e)) as DeploymentError
    expect(error.problems).toHaveLength(4)
    expect(error.message).toContain('invalid X.500 name "CN=${SECRET}, O=R3, L=London"')
    expect(error.message).toContain('environment variable SHORT: the password must be 5 to 255 characters long')
    expect(error.message).not.toContain(secret)
    expect(error.message).not.toContain('tiny')
  })
})
