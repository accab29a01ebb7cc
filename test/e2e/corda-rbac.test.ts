// End to end: `user`, `role` and `permission` commands and the role templates, the real binary against the sandbox's
// Corda RBAC (PRODUCT.md §2, §3, §4). Secrets: a new user's password never appears in any output, file or log.
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import {type CliResult, expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {writeDemoFiles} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

interface User {
  id: string
  version: number
  updateTimestamp: string
  fullName: string
  loginName: string
  enabled: boolean
  ssoAuth: boolean
  passwordExpiry: string | null
  parentGroup: string | null
  properties: unknown[]
  roleAssociations: Array<{roleId: string; createTimestamp: string}>
  result?: string
}

interface Permission {
  id: string
  version: number
  updateTimestamp: string
  permissionType: 'ALLOW' | 'DENY'
  permissionString: string
  groupVisibility: string | null
  virtualNode: string | null
  result?: string
  roles?: string[]
}

interface Role {
  id: string
  version: number
  updateTimestamp: string
  roleName: string
  groupVisibility: string | null
  permissions: Array<{id: string; createTimestamp: string}>
  result?: string
  addedPermissions?: unknown[]
}

const ECHO = 'com.r3.sandbox.EchoFlow'
const ALICE_X500 = 'CN=Alice, O=Alice Corp, L=London, C=GB'
const BOB_X500 = 'CN=Bob, O=Bob Ltd, L=Paris, C=FR'
/** Passwords that must never show up anywhere the tests can look. */
const SECRET = 'S3cret-Pa55-XYZ'
const STDIN_SECRET = 'Stdin-Pa55-QQQ'
const CHANGED_SECRET = 'Changed-Pa55-KKK'
const RUNNER_SECRET = 'Runner-Pa55-RRR'
const CREATOR_SECRET = 'Creator-Pa55-CCC'
const SECRETS = [SECRET, STDIN_SECRET, CHANGED_SECRET, RUNNER_SECRET, CREATOR_SECRET]

const USER_SHAPE = {
  id: expect.any(String),
  version: expect.any(Number),
  updateTimestamp: expect.any(String),
  fullName: expect.any(String),
  loginName: expect.any(String),
  enabled: expect.any(Boolean),
  ssoAuth: expect.any(Boolean),
  properties: expect.any(Array),
  roleAssociations: expect.any(Array),
}
const PERMISSION_SHAPE = {
  id: expect.any(String),
  version: expect.any(Number),
  updateTimestamp: expect.any(String),
  permissionType: expect.stringMatching(/^(ALLOW|DENY)$/),
  permissionString: expect.any(String),
}
const ROLE_SHAPE = {id: expect.any(String), version: expect.any(Number), updateTimestamp: expect.any(String), roleName: expect.any(String), permissions: expect.any(Array)}

let sbx: Sbx
let aliceHash: string
let bobHash: string
/** Every CLI output of the file, to grep for secrets at the end. */
const outputs: string[] = []

async function cli(args: string[], options: {stdin?: string; env?: Record<string, string>} = {}): Promise<CliResult> {
  const result = await sbx.cli(args, options)
  outputs.push(result.stdout, result.stderr)
  return result
}

/** Runs with -o json, expecting `exitCode` (0 by default), and parses stdout. */
async function json<T>(args: string[], options: {stdin?: string; env?: Record<string, string>} = {}): Promise<T> {
  const {stdout, stderr, exitCode} = await cli([...args, '-o', 'json'], options)
  expect(exitCode, stderr).toBe(0)
  return JSON.parse(stdout) as T
}

const since = (seq: number): LoggedRequest[] => sbx.since(seq)
const sent = (seq: number, method: string, path: string): LoggedRequest[] => since(seq).filter(r => r.method === method && r.path === path)
const mutations = (seq: number): LoggedRequest[] => since(seq).filter(r => r.method !== 'GET')

/** Runs a command as another user: a context `login` with that user, the password from the environment. */
function asUser(login: string, password: string) {
  return (args: string[]) => cli([...args, '-c', login], {env: {WORKERCTL_CORDA_PASSWORD: password}})
}

async function allowPermissions(): Promise<Permission[]> {
  return json<Permission[]>(['permission', 'list', '--type', 'ALLOW'])
}

beforeAll(async () => {
  sbx = await startSandbox()
  const demo = await writeDemoFiles(join(sbx.dir, 'demo'))
  await json(['cpi', 'upload', demo.cpi])
  aliceHash = (await json<{holdingIdentity: {shortHash: string}}>(['vnode', 'create', '--x500', ALICE_X500, '--cpi', 'workerctl-demo'])).holdingIdentity.shortHash
  bobHash = (await json<{holdingIdentity: {shortHash: string}}>(['vnode', 'create', '--x500', BOB_X500, '--cpi', 'workerctl-demo'])).holdingIdentity.shortHash
})

afterAll(async () => {
  await sbx?.close()
})

describe('user create', () => {
  it('with no password source in CI mode exits 2 naming --password-stdin, and changes nothing', async () => {
    for (const env of [{CI: 'true'}, {}] as Array<Record<string, string>>) {
      const seq = sbx.mark()
      const {stdout, stderr, exitCode} = await cli(['user', 'create', 'nopass'], {env})
      expect(exitCode, stderr).toBe(2)
      expect(stdout).toBe('')
      expectOneError(stderr, /--password-stdin/)
      expect(sent(seq, 'POST', '/api/v5_2/user')).toHaveLength(0)
      expect(mutations(seq)).toHaveLength(0)
    }
  })

  it('creates a user with the password from WORKERCTL_NEW_PASSWORD: UserResponseType + result created', async () => {
    const seq = sbx.mark()
    const user = await json<User>(['user', 'create', 'alice', '--full-name', 'Alice Smith'], {env: {WORKERCTL_NEW_PASSWORD: SECRET}})
    expect(user).toMatchObject({...USER_SHAPE, loginName: 'alice', fullName: 'Alice Smith', enabled: true, result: 'created'})
    const posts = sent(seq, 'POST', '/api/v5_2/user')
    expect(posts).toHaveLength(1)
    expect(posts[0]!.status).toBe(201)
    // The sandbox records the password as redacted: the CLI did send one.
    expect(posts[0]!.requestBody).toMatchObject({loginName: 'alice', fullName: 'Alice Smith', initialPassword: '[redacted]'})
  })

  it('the same user again is unchanged (exit 0) and its password is not sent again; another --full-name for that login exits 5', async () => {
    const seq = sbx.mark()
    const again = await json<User>(['user', 'create', 'alice', '--full-name', 'Alice Smith'], {env: {WORKERCTL_NEW_PASSWORD: SECRET}})
    expect(again).toMatchObject({...USER_SHAPE, loginName: 'alice', fullName: 'Alice Smith', result: 'unchanged'})
    expect(sent(seq, 'POST', '/api/v5_2/user')).toEqual([])

    const {stdout, stderr, exitCode} = await cli(['user', 'create', 'alice', '--full-name', 'Somebody Else'], {env: {WORKERCTL_NEW_PASSWORD: SECRET}})
    expect(exitCode, stderr).toBe(5)
    expect(stdout).toBe('')
    expectOneError(stderr, /alice/)
  })

  it('an existing user needs no password: none is asked for, even in CI with no password source', async () => {
    const seq = sbx.mark()
    const again = await json<User>(['user', 'create', 'alice', '--full-name', 'Alice Smith'], {env: {CI: 'true'}})
    expect(again).toMatchObject({loginName: 'alice', result: 'unchanged'})
    expect(mutations(seq)).toEqual([])
  })

  it('reads the password from the first line of stdin with --password-stdin; --disabled and --expiry are sent', async () => {
    const seq = sbx.mark()
    const user = await json<User>(['user', 'create', 'carol', '--password-stdin', '--disabled', '--expiry', '2030-01-01'], {stdin: `${STDIN_SECRET}\nsecond line\n`})
    expect(user).toMatchObject({...USER_SHAPE, loginName: 'carol', fullName: 'carol', enabled: false, result: 'created'})
    expect(user.passwordExpiry).toMatch(/^2030-01-01T00:00(:00(\.0+)?)?Z$/)
    const [post] = sent(seq, 'POST', '/api/v5_2/user')
    expect(post!.requestBody).toMatchObject({loginName: 'carol', enabled: false, initialPassword: '[redacted]'})
  })

  it.each([['ab'], ['has space']])('an invalid login %j exits 2 and sends nothing', async login => {
    const seq = sbx.mark()
    const {stdout, stderr, exitCode} = await cli(['user', 'create', login], {env: {WORKERCTL_NEW_PASSWORD: SECRET}})
    expect(exitCode, stderr).toBe(2)
    expect(stdout).toBe('')
    expectOneError(stderr, /login/i)
    expect(mutations(seq)).toHaveLength(0)
  })

  it('a password shorter than 5 characters exits 2 and sends nothing (env or stdin)', async () => {
    for (const options of [
      {env: {WORKERCTL_NEW_PASSWORD: 'abcd'}, args: []},
      {stdin: 'abcd\n', args: ['--password-stdin']},
    ]) {
      const seq = sbx.mark()
      const {stdout, stderr, exitCode} = await cli(['user', 'create', 'shorty', ...options.args], options)
      expect(exitCode, stderr).toBe(2)
      expect(stdout).toBe('')
      expectOneError(stderr, /password/i)
      expect(mutations(seq)).toHaveLength(0)
    }
  })

  it('--verbose traces the requests on stderr without the password', async () => {
    const {stderr, exitCode} = await cli(['user', 'create', 'verbose-user', '--verbose'], {env: {WORKERCTL_NEW_PASSWORD: SECRET}})
    expect(exitCode, stderr).toBe(0)
    expect(stderr).toMatch(/POST .*\/api\/v5_2\/user/)
    expect(stderr).not.toContain(SECRET)
    expect(stderr).not.toMatch(/Basic (?!\[redacted\])/)
  })
})

describe('user get', () => {
  it('gets a user by login (GET /user/{login} on v5_2), in JSON and as a table', async () => {
    const seq = sbx.mark()
    const user = await json<User>(['user', 'get', 'alice'])
    expect(user).toMatchObject({...USER_SHAPE, loginName: 'alice', fullName: 'Alice Smith'})
    expect(user).not.toHaveProperty('result')
    expect(sent(seq, 'GET', '/api/v5_2/user/alice')).toHaveLength(1)

    const {stdout, stderr, exitCode} = await cli(['user', 'get', 'alice'])
    expect(exitCode, stderr).toBe(0)
    expect(stdout).toContain('alice')
    expect(stdout).toContain('Alice Smith')
  })

  it('an unknown user exits 3 with one Error line', async () => {
    const {stdout, stderr, exitCode} = await cli(['user', 'get', 'nobody-here'])
    expect(exitCode, stderr).toBe(3)
    expect(stdout).toBe('')
    expectOneError(stderr, /nobody-here/)
  })
})

describe('user password', () => {
  it("changes another user's password (POST /user/otheruserpassword); the new one works and the old one exits 4", async () => {
    await cli(['context', 'set', 'alice', '--corda-url', sbx.url, '--username', 'alice'])
    // Something alice may do: give her a role that can list CPIs.
    await json(['role', 'create', 'CpiReaders'])
    await json(['permission', 'create', '--type', 'ALLOW', '--string', 'GET:/api/v5_2/cpi', '--role', 'CpiReaders'])
    await json(['user', 'role', 'add', 'alice', 'CpiReaders'])
    expect((await asUser('alice', SECRET)(['cpi', 'list'])).exitCode).toBe(0)

    const seq = sbx.mark()
    const user = await json<User>(['user', 'password', 'alice', '--password-stdin'], {stdin: `${CHANGED_SECRET}\n`})
    expect(user).toMatchObject({...USER_SHAPE, loginName: 'alice', result: 'updated'})
    const posts = sent(seq, 'POST', '/api/v5_2/user/otheruserpassword')
    expect(posts).toHaveLength(1)
    expect(posts[0]!.status).toBeLessThan(300)
    expect(sent(seq, 'POST', '/api/v5_2/user/selfpassword')).toHaveLength(0)

    const withNew = await asUser('alice', CHANGED_SECRET)(['cpi', 'list'])
    expect(withNew.exitCode, withNew.stderr).toBe(0)
    const withOld = await asUser('alice', SECRET)(['cpi', 'list'])
    expect(withOld.exitCode).toBe(4)
    expectOneError(withOld.stderr, /401/)
  })

  it('with no password source exits 2 naming --password-stdin and sends nothing', async () => {
    const seq = sbx.mark()
    const {stderr, exitCode} = await cli(['user', 'password', 'alice'], {env: {CI: 'true'}})
    expect(exitCode).toBe(2)
    expectOneError(stderr, /--password-stdin/)
    expect(mutations(seq)).toHaveLength(0)
  })
})

describe('user role add|remove and user permissions', () => {
  let roleId: string
  let permissionId: string

  beforeAll(async () => {
    roleId = (await json<Role>(['role', 'create', 'Auditors'])).id
    permissionId = (await json<Permission>(['permission', 'create', '--type', 'ALLOW', '--string', 'GET:/api/v5_2/virtualnode', '--role', 'Auditors'])).id
  })

  it('add: updated, then unchanged the second time with no PUT sent', async () => {
    let seq = sbx.mark()
    const first = await json<User>(['user', 'role', 'add', 'carol', 'Auditors'])
    expect(first).toMatchObject({...USER_SHAPE, loginName: 'carol', result: 'updated'})
    expect(first.roleAssociations.map(r => r.roleId)).toContain(roleId)
    expect(since(seq).filter(r => r.method === 'PUT' && r.path === `/api/v5_2/user/carol/role/${roleId}`)).toHaveLength(1)

    seq = sbx.mark()
    const second = await json<User>(['user', 'role', 'add', 'carol', roleId])
    expect(second).toMatchObject({loginName: 'carol', result: 'unchanged'})
    expect(mutations(seq)).toHaveLength(0)
  })

  it('user permissions lists the permissions of the user through its roles', async () => {
    const summary = await json<{loginName: string; permissions: Array<{id: string; permissionString: string; permissionType: string}>}>(['user', 'permissions', 'carol'])
    expect(summary.loginName).toBe('carol')
    expect(Array.isArray(summary.permissions)).toBe(true)
    expect(summary.permissions.map(p => p.permissionString)).toContain('GET:/api/v5_2/virtualnode')
    expect(summary.permissions.find(p => p.permissionString === 'GET:/api/v5_2/virtualnode')).toMatchObject({id: permissionId, permissionType: 'ALLOW'})

    const {stdout, exitCode} = await cli(['user', 'permissions', 'carol'])
    expect(exitCode).toBe(0)
    expect(stdout).toContain('GET:/api/v5_2/virtualnode')
  })

  it('remove: updated, then unchanged the second time with no DELETE sent', async () => {
    let seq = sbx.mark()
    const first = await json<User>(['user', 'role', 'remove', 'carol', 'Auditors'])
    expect(first).toMatchObject({loginName: 'carol', result: 'updated'})
    expect(first.roleAssociations.map(r => r.roleId)).not.toContain(roleId)
    expect(since(seq).filter(r => r.method === 'DELETE')).toHaveLength(1)

    seq = sbx.mark()
    const second = await json<User>(['user', 'role', 'remove', 'carol', 'Auditors'])
    expect(second).toMatchObject({loginName: 'carol', result: 'unchanged'})
    expect(mutations(seq)).toHaveLength(0)

    const summary = await json<{permissions: Array<{permissionString: string}>}>(['user', 'permissions', 'carol'])
    expect(summary.permissions).toEqual([])
  })

  it('an unknown role exits 3; an unknown user exits 3', async () => {
    const noRole = await cli(['user', 'role', 'add', 'carol', 'NoSuchRole'])
    expect(noRole.exitCode).toBe(3)
    expectOneError(noRole.stderr, /NoSuchRole/)
    const noUser = await cli(['user', 'role', 'add', 'nobody-here', 'Auditors'])
    expect(noUser.exitCode).toBe(3)
    expectOneError(noUser.stderr)
  })
})

describe('permission create|list|get', () => {
  const STRING = 'GET:/api/v5_2/certificate/cluster/code-signer'

  it('creates a permission: PermissionResponseType + result created', async () => {
    const seq = sbx.mark()
    const created = await json<Permission>(['permission', 'create', '--type', 'ALLOW', '--string', STRING])
    expect(created).toMatchObject({...PERMISSION_SHAPE, permissionType: 'ALLOW', permissionString: STRING, virtualNode: null, result: 'created'})
    expect(sent(seq, 'POST', '/api/v5_2/permission')).toHaveLength(1)
  })

  it('the same again is unchanged with the same id, and no POST /permission is sent', async () => {
    const before = await allowPermissions()
    const first = before.find(p => p.permissionString === STRING)!
    const seq = sbx.mark()
    const again = await json<Permission>(['permission', 'create', '--type', 'ALLOW', '--string', STRING])
    expect(again).toMatchObject({id: first.id, permissionString: STRING, result: 'unchanged'})
    expect(since(seq).filter(r => r.method === 'POST' && r.path.startsWith('/api/v5_2/permission'))).toHaveLength(0)
    expect(mutations(seq)).toHaveLength(0)
    expect(await allowPermissions()).toHaveLength(before.length)
  })

  it('a DENY with the same string is another permission', async () => {
    const deny = await json<Permission>(['permission', 'create', '--type', 'DENY', '--string', STRING])
    expect(deny).toMatchObject({permissionType: 'DENY', permissionString: STRING, result: 'created'})
    const allow = (await allowPermissions()).find(p => p.permissionString === STRING)!
    expect(deny.id).not.toBe(allow.id)
    const denies = await json<Permission[]>(['permission', 'list', '--type', 'DENY'])
    expect(denies.map(p => p.id)).toEqual([deny.id])
  })

  it('an invalid regular expression exits 2 and sends nothing', async () => {
    const seq = sbx.mark()
    const {stdout, stderr, exitCode} = await cli(['permission', 'create', '--type', 'ALLOW', '--string', 'GET:/api/(v5_2'])
    expect(exitCode, stderr).toBe(2)
    expect(stdout).toBe('')
    expectOneError(stderr, /regular expression/)
    expect(since(seq)).toHaveLength(0)
  })

  it('list --type ALLOW is an array of PermissionResponseType; --prefix filters by the string', async () => {
    const all = await allowPermissions()
    expect(all.length).toBeGreaterThanOrEqual(2)
    for (const p of all) {
      expect(p).toMatchObject({...PERMISSION_SHAPE, permissionType: 'ALLOW'})
      expect(p).not.toHaveProperty('result')
    }
    expect(all.map(p => p.permissionString)).toEqual(expect.arrayContaining(['.*', STRING]))

    const prefixed = await json<Permission[]>(['permission', 'list', '--type', 'ALLOW', '--prefix', 'GET:/api/v5_2/cert'])
    expect(prefixed.map(p => p.permissionString)).toEqual([STRING])
  })

  it('get ID prints the permission; an unknown id exits 3', async () => {
    const {id} = (await allowPermissions()).find(p => p.permissionString === STRING)!
    const got = await json<Permission>(['permission', 'get', id])
    expect(got).toMatchObject({...PERMISSION_SHAPE, id, permissionString: STRING, permissionType: 'ALLOW'})

    const missing = await cli(['permission', 'get', '00000000-0000-4000-8000-000000000000'])
    expect(missing.exitCode).toBe(3)
    expectOneError(missing.stderr)
  })

  it('--role creates and adds it to the role in one go', async () => {
    const role = await json<Role>(['role', 'create', 'CertReaders'])
    const created = await json<Permission>(['permission', 'create', '--type', 'ALLOW', '--string', 'GET:/api/v5_2/certificate/cluster/p2p-tls', '--role', 'CertReaders'])
    expect(created).toMatchObject({result: 'created', roles: [role.id]})
    const got = await json<Role>(['role', 'get', 'CertReaders'])
    expect(got.permissions.map(p => p.id)).toContain(created.id)
  })
})

describe('role create|list|get|permission', () => {
  it('creates a bare role: RoleResponseType + result created; the same again is unchanged with no POST /role', async () => {
    const created = await json<Role>(['role', 'create', 'Operators'])
    expect(created).toMatchObject({...ROLE_SHAPE, roleName: 'Operators', permissions: [], result: 'created'})
    const seq = sbx.mark()
    const again = await json<Role>(['role', 'create', 'Operators'])
    expect(again).toMatchObject({id: created.id, roleName: 'Operators', result: 'unchanged'})
    expect(mutations(seq)).toHaveLength(0)
  })

  it('a template role twice: the second run is unchanged and the permissions do not grow', async () => {
    const first = await json<Role>(['role', 'create', 'VNodeCreators', '--template', 'vnode-creator'])
    expect(first).toMatchObject({...ROLE_SHAPE, roleName: 'VNodeCreators', result: 'created'})
    expect(first.permissions.length).toBeGreaterThan(0)
    const count = (await allowPermissions()).length

    const seq = sbx.mark()
    const second = await json<Role>(['role', 'create', 'VNodeCreators', '--template', 'vnode-creator'])
    expect(second).toMatchObject({id: first.id, result: 'unchanged'})
    expect(second.permissions).toHaveLength(first.permissions.length)
    expect(mutations(seq)).toHaveLength(0)
    expect(await allowPermissions()).toHaveLength(count)
  })

  it('flow-executor without --vnode exits 2 and sends nothing', async () => {
    const seq = sbx.mark()
    const {stdout, stderr, exitCode} = await cli(['role', 'create', 'NoNode', '--template', 'flow-executor'])
    expect(exitCode, stderr).toBe(2)
    expect(stdout).toBe('')
    expectOneError(stderr, /--vnode/)
    expect(mutations(seq)).toHaveLength(0)
  })

  it('role list is an array of roles; role get finds one by name and by id; an unknown role exits 3', async () => {
    const roles = await json<Role[]>(['role', 'list'])
    expect(Array.isArray(roles)).toBe(true)
    for (const role of roles) expect(role).toMatchObject(ROLE_SHAPE)
    const names = roles.map(r => r.roleName)
    expect(names).toEqual(expect.arrayContaining(['Default System Admin', 'Operators', 'VNodeCreators']))

    const byName = await json<Role>(['role', 'get', 'VNodeCreators'])
    expect(byName).toMatchObject({...ROLE_SHAPE, roleName: 'VNodeCreators'})
    expect(byName).not.toHaveProperty('result')
    const byId = await json<Role>(['role', 'get', byName.id])
    expect(byId).toEqual(byName)

    for (const unknown of ['NoSuchRole', '00000000-0000-4000-8000-000000000000']) {
      const {stdout, stderr, exitCode} = await cli(['role', 'get', unknown])
      expect(exitCode, stderr).toBe(3)
      expect(stdout).toBe('')
      expectOneError(stderr)
    }
  })

  it('role permission add|remove: updated, then unchanged the second time', async () => {
    const permission = await json<Permission>(['permission', 'create', '--type', 'ALLOW', '--string', 'GET:/api/v5_2/role'])
    let seq = sbx.mark()
    const added = await json<Role>(['role', 'permission', 'add', 'Operators', permission.id])
    expect(added).toMatchObject({...ROLE_SHAPE, roleName: 'Operators', result: 'updated'})
    expect(added.permissions.map(p => p.id)).toContain(permission.id)
    expect(since(seq).filter(r => r.method === 'PUT')).toHaveLength(1)

    seq = sbx.mark()
    const addedAgain = await json<Role>(['role', 'permission', 'add', 'Operators', permission.id])
    expect(addedAgain).toMatchObject({roleName: 'Operators', result: 'unchanged'})
    expect(mutations(seq)).toHaveLength(0)

    seq = sbx.mark()
    const removed = await json<Role>(['role', 'permission', 'remove', 'Operators', permission.id])
    expect(removed).toMatchObject({roleName: 'Operators', result: 'updated'})
    expect(removed.permissions.map(p => p.id)).not.toContain(permission.id)
    expect(since(seq).filter(r => r.method === 'DELETE')).toHaveLength(1)

    seq = sbx.mark()
    const removedAgain = await json<Role>(['role', 'permission', 'remove', 'Operators', permission.id])
    expect(removedAgain).toMatchObject({roleName: 'Operators', result: 'unchanged'})
    expect(mutations(seq)).toHaveLength(0)
  })
})

describe('templates grant what they say (enforced by the sandbox)', () => {
  it('flow-executor on Alice: the user may start flows on Alice only, and may not list CPIs', async () => {
    const role = await json<Role>(['role', 'create', 'AliceRunner', '--template', 'flow-executor', '--vnode', 'Alice'])
    expect(role).toMatchObject({roleName: 'AliceRunner', result: 'created'})
    const perms = await json<Permission[]>(['permission', 'list', '--type', 'ALLOW', '--vnode', aliceHash])
    expect(perms.some(p => p.permissionString === 'StartFlow:.*' && p.virtualNode === aliceHash)).toBe(true)

    const user = await json<User>(['user', 'create', 'runner', '--role', 'AliceRunner'], {env: {WORKERCTL_NEW_PASSWORD: RUNNER_SECRET}})
    expect(user).toMatchObject({loginName: 'runner', result: 'created'})
    expect(user.roleAssociations.map(r => r.roleId)).toEqual([role.id])
    await cli(['context', 'set', 'runner', '--corda-url', sbx.url, '--username', 'runner'])
    const runner = asUser('runner', RUNNER_SECRET)

    const ok = await runner(['flow', 'start', aliceHash, ECHO, '--args', '{"x":1}', '-o', 'json'])
    expect(ok.exitCode, ok.stderr).toBe(0)
    const flow = JSON.parse(ok.stdout) as {flowStatus: string; flowResult: string; holdingIdentityShortHash: string}
    expect(flow).toMatchObject({flowStatus: 'COMPLETED', holdingIdentityShortHash: aliceHash})
    expect(JSON.parse(flow.flowResult)).toEqual({x: 1})

    const seq = sbx.mark()
    const onBob = await runner(['flow', 'start', bobHash, ECHO, '--args', '{"x":1}'])
    expect(onBob.exitCode, onBob.stderr).toBe(4)
    expectOneError(onBob.stderr, /403/)
    expect(since(seq).filter(r => r.method === 'POST' && r.path === `/api/v5_2/flow/${bobHash}` && r.status < 300)).toHaveLength(0)

    const cpis = await runner(['cpi', 'list'])
    expect(cpis.exitCode, cpis.stderr).toBe(4)
    expectOneError(cpis.stderr, /403/)
  })

  it('vnode-creator: the user may list CPIs and vnodes but not create users', async () => {
    await json(['role', 'create', 'VNodeCreators', '--template', 'vnode-creator'])
    await json(['user', 'create', 'creator', '--role', 'VNodeCreators'], {env: {WORKERCTL_NEW_PASSWORD: CREATOR_SECRET}})
    await cli(['context', 'set', 'creator', '--corda-url', sbx.url, '--username', 'creator'])
    const creator = asUser('creator', CREATOR_SECRET)

    const cpis = await creator(['cpi', 'list', '-o', 'json'])
    expect(cpis.exitCode, cpis.stderr).toBe(0)
    expect((JSON.parse(cpis.stdout) as Array<{cpiName?: string; id?: {cpiName: string}}>).length).toBeGreaterThan(0)
    const vnodes = await creator(['vnode', 'list', '-o', 'json'])
    expect(vnodes.exitCode, vnodes.stderr).toBe(0)
    expect(vnodes.stdout).toContain(aliceHash)

    const seq = sbx.mark()
    const {stdout, stderr, exitCode} = await cli(['user', 'create', 'sneaky', '-c', 'creator'], {env: {WORKERCTL_CORDA_PASSWORD: CREATOR_SECRET, WORKERCTL_NEW_PASSWORD: SECRET}})
    expect(exitCode, stderr).toBe(4)
    expect(stdout).toBe('')
    expectOneError(stderr, /403/)
    // Refused on its first call (the lookup of the login); nothing was created.
    expect(
      sbx
        .since(seq)
        .filter(r => r.path.startsWith('/api/v5_2/user'))
        .map(r => r.status),
    ).toEqual([403])
    const check = await cli(['user', 'get', 'sneaky'])
    expect(check.exitCode).toBe(3)
  })
})

describe('secrets', () => {
  it('no password appears in any output, in the config directory, or in the request log', () => {
    const all = outputs.join('\n')
    const configFile = sbx.env.WORKERCTL_CONFIG!
    const configDir = dirname(configFile)
    expect(existsSync(configFile)).toBe(true)
    const files = readdirSync(configDir).map(f => join(configDir, f))
    expect(files).toContain(join(configDir, 'credentials.json'))
    const log = JSON.stringify(sbx.requests())
    for (const secret of SECRETS) {
      expect(all, `output contains ${secret}`).not.toContain(secret)
      for (const file of files) expect(readFileSync(file, 'utf8'), `${file} contains ${secret}`).not.toContain(secret)
      expect(log, `request log contains ${secret}`).not.toContain(secret)
    }
    // The password was sent all the same, and recorded redacted.
    expect(
      sbx.requests().filter(r => r.method === 'POST' && r.path === '/api/v5_2/user' && (r.requestBody as {initialPassword?: string} | undefined)?.initialPassword === '[redacted]')
        .length,
    ).toBeGreaterThan(0)
  })
})

describe('Corda v1: user get', () => {
  it('uses GET /api/v1/user?loginname= against a cluster that serves only v1', async () => {
    const v1 = await startSandbox({cordaVersions: ['v1']})
    try {
      const created = await v1.cli(['user', 'create', 'vera', '--full-name', 'Vera One', '-o', 'json'], {env: {WORKERCTL_NEW_PASSWORD: SECRET}})
      outputs.push(created.stdout, created.stderr)
      expect(created.exitCode, created.stderr).toBe(0)
      expect(
        v1
          .requests()
          .filter(r => r.method === 'POST')
          .map(r => r.path),
      ).toEqual(['/api/v1/user'])

      const seq = v1.mark()
      const {stdout, stderr, exitCode} = await v1.cli(['user', 'get', 'vera', '-o', 'json'])
      outputs.push(stdout, stderr)
      expect(exitCode, stderr).toBe(0)
      expect(JSON.parse(stdout)).toMatchObject({...USER_SHAPE, loginName: 'vera', fullName: 'Vera One'})
      const gets = v1.since(seq).filter(r => r.method === 'GET' && r.path.startsWith('/api/v1/user'))
      expect(gets.map(r => [r.path, r.query])).toEqual([['/api/v1/user', {loginname: 'vera'}]])
      expect(v1.since(seq).filter(r => r.path.startsWith('/api/v5'))).toEqual([])

      const missing = await v1.cli(['user', 'get', 'nobody-here'])
      expect(missing.exitCode).toBe(3)
      expectOneError(missing.stderr)

      const noPasswordChange = await v1.cli(['user', 'password', 'vera', '--password-stdin'], {stdin: `${CHANGED_SECRET}\n`})
      outputs.push(noPasswordChange.stdout, noPasswordChange.stderr)
      expect(noPasswordChange.exitCode).toBe(2)
      expectOneError(noPasswordChange.stderr, /needs Corda 5\.2/)

      expect(JSON.stringify(v1.requests())).not.toContain(SECRET)
      const v1Dir = dirname(v1.env.WORKERCTL_CONFIG!)
      for (const f of readdirSync(v1Dir)) expect(readFileSync(join(v1Dir, f), 'utf8')).not.toContain(SECRET)
      for (const out of outputs) expect(out).not.toContain(SECRET)
      expectContract(v1.requests())
    } finally {
      await v1.close()
    }
  })
})

describe('contract', () => {
  it('every exchange of this file validates against the Corda OpenAPI spec', () => {
    expectContract(sbx.requests())
  })
})
