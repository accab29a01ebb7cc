// RBAC and config operations against a nock cluster: what is sent, what is reused, what is refused.
import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {setConfigSection} from '../../../../src/api/corda/ops/config-set.js'
import {ensurePermission, ensureRole, ensureUser} from '../../../../src/api/corda/ops/rbac.js'
import {checkPermissionString} from '../../../../src/api/corda/permissions.js'
import {templatePermissions} from '../../../../src/api/corda/rbac-templates.js'
import type {PermissionResponseType, RoleResponseType, UserResponseType} from '../../../../src/api/corda/types.js'
import {checkLoginName} from '../../../../src/api/corda/users.js'
import {type ApiError} from '../../../../src/api/errors.js'
import {toFailure} from '../../../../src/cli/failure.js'
import {ConflictError, NotFoundError, UsageError} from '../../../../src/errors.js'
import {caught, client, expectValidRequest, recorder, type Seen, URL} from './support.js'

beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())

const ROLE_ID = '6a1f0b1e-0000-4000-8000-000000000001'
const PERM_ID = '0b5e2a52-0000-4000-8000-000000000002'
const T = '2026-01-01T00:00:00.000Z'
const role = (permissions: string[] = [], name = 'Operators'): RoleResponseType => ({
  id: ROLE_ID,
  version: 0,
  updateTimestamp: T,
  roleName: name,
  groupVisibility: null,
  permissions: permissions.map(id => ({id, createdTimestamp: T})),
})
const permission = (id: string, permissionString: string, virtualNode: string | null = null): PermissionResponseType => ({
  id,
  version: 0,
  updateTimestamp: T,
  permissionType: 'ALLOW',
  permissionString,
  groupVisibility: null,
  virtualNode,
})
const user = (extra: Partial<UserResponseType> = {}): UserResponseType => ({
  id: 'u-1',
  version: 0,
  updateTimestamp: T,
  loginName: 'alice',
  fullName: 'Alice',
  enabled: true,
  ssoAuth: false,
  passwordExpiry: null,
  parentGroup: null,
  properties: [],
  roleAssociations: [],
  ...extra,
})
const conflict = (title: string) => [409, {title, status: 409, details: {}}] as const

describe('local checks', () => {
  it('login names and permission regexes are refused before anything is sent', () => {
    expect(() => checkLoginName('al')).toThrow(UsageError)
    expect(() => checkLoginName('alice smith')).toThrow(/invalid login name/)
    expect(() => checkLoginName('ci.deployer@corp-1')).not.toThrow()
    expect(() => checkPermissionString('GET:/api/(v5_2/cpi')).toThrow(/not a valid regular expression/)
  })

  it('templates: flow-executor needs a vnode and scopes StartFlow to it; cluster-wide ones refuse one', () => {
    expect(() => templatePermissions('flow-executor')).toThrow(/give --vnode/)
    expect(() => templatePermissions('user-admin', 'ABCDEF012345')).toThrow(/--vnode does not apply/)
    const perms = templatePermissions('flow-executor', 'ABCDEF012345')
    expect(perms).toContainEqual({permissionType: 'ALLOW', permissionString: 'StartFlow:.*', groupVisibility: null, virtualNode: 'ABCDEF012345'})
    expect(perms.find(p => p.permissionString.startsWith('POST:'))!.permissionString).toBe('POST:/api/v[_a-zA-Z0-9]{1,30}/flow/ABCDEF012345')
    for (const p of [...perms, ...templatePermissions('vnode-creator'), ...templatePermissions('user-admin')]) expect(() => new RegExp(p.permissionString)).not.toThrow()
  })
})

describe('ensurePermission', () => {
  const wanted = {permissionType: 'ALLOW' as const, permissionString: 'GET:/api/v5_2/cpi', groupVisibility: null, virtualNode: null}

  it('reuses an equal permission found through the prefix query, adding it only to roles that lack it', async () => {
    const seen: Seen[] = []
    nock(URL)
      .get('/api/v5_2/permission')
      .query(true)
      .reply(recorder(seen, [200, [permission('other', 'GET:/api/v5_2/cpi/status/.*'), permission(PERM_ID, 'GET:/api/v5_2/cpi')]]))
      .put(`/api/v5_2/role/${ROLE_ID}/permission/${PERM_ID}`)
      .reply(200, role([PERM_ID]))
    const result = await ensurePermission(client(), wanted, [role()])
    expect(seen[0]!.query).toEqual({limit: '1000', permissiontype: 'ALLOW', permissionstringprefix: 'GET:/api/v5_2/cpi'})
    expectValidRequest(seen[0]!)
    expect(result).toMatchObject({id: PERM_ID, result: 'updated', roles: [ROLE_ID]})

    nock(URL)
      .get('/api/v5_2/permission')
      .query(true)
      .reply(200, [permission(PERM_ID, 'GET:/api/v5_2/cpi')])
    expect(await ensurePermission(client(), wanted, [role([PERM_ID])])).toMatchObject({id: PERM_ID, result: 'unchanged'})
  })

  it('creates a new one with its roles in one bulk call', async () => {
    const seen: Seen[] = []
    nock(URL)
      .get('/api/v5_2/permission')
      .query(true)
      .reply(200, [])
      .post('/api/v5_2/permission/bulk')
      .reply(recorder(seen, [201, {permissionIds: [PERM_ID], roleIds: [ROLE_ID]}]))
      .get(`/api/v5_2/permission/${PERM_ID}`)
      .reply(200, permission(PERM_ID, 'GET:/api/v5_2/cpi'))
    expect(await ensurePermission(client(), wanted, [role()])).toMatchObject({id: PERM_ID, result: 'created', roles: [ROLE_ID]})
    expect(seen[0]!.body).toEqual({permissionsToCreate: [wanted], roleIds: [ROLE_ID]})
    expectValidRequest(seen[0]!)
  })
})

describe('ensureRole', () => {
  it('a new role gets every template permission in one bulk call', async () => {
    const wanted = templatePermissions('corda-developer')
    nock(URL)
      .get('/api/v5_2/role')
      .reply(200, [])
      .post('/api/v5_2/role', {roleName: 'Dev', groupVisibility: null})
      .reply(201, role([], 'Dev'))
      .get('/api/v5_2/permission')
      .query(true)
      .reply(200, [])
      .post('/api/v5_2/permission/bulk', JSON.parse(JSON.stringify({permissionsToCreate: wanted, roleIds: [ROLE_ID]})))
      .reply(201, {permissionIds: [PERM_ID], roleIds: [ROLE_ID]})
      .get(`/api/v5_2/role/${ROLE_ID}`)
      .reply(200, role([PERM_ID], 'Dev'))
    expect(await ensureRole(client(), 'Dev', {permissions: wanted})).toMatchObject({result: 'created', addedPermissions: [PERM_ID]})
  })

  it('an existing role with every permission is unchanged: no write at all', async () => {
    const [wanted] = templatePermissions('corda-developer')
    nock(URL)
      .get('/api/v5_2/role')
      .reply(200, [role([PERM_ID], 'Dev')])
      .get('/api/v5_2/permission')
      .query(true)
      .reply(200, [permission(PERM_ID, wanted!.permissionString)])
    expect(await ensureRole(client(), 'Dev', {permissions: [wanted!]})).toMatchObject({result: 'unchanged', addedPermissions: []})
  })

  it('another group visibility is a conflict (exit 5)', async () => {
    nock(URL)
      .get('/api/v5_2/role')
      .reply(200, [{...role([], 'Dev'), groupVisibility: 'g1'}])
    const error = await caught(ensureRole(client(), 'Dev'))
    expect(error).toBeInstanceOf(ConflictError)
    expect(toFailure(error).exitCode).toBe(5)
  })
})

describe('roles on a real cluster: names are not unique, and a POST sent twice makes two roles', () => {
  const lost = function (this: nock.ReplyFnContext) {
    this.req.destroy()
    return [201, {}] as const
  }

  it('a role POST whose answer was lost is looked for, not sent again: the role it made is adopted', async () => {
    let posts = 0
    nock(URL)
      .get('/api/v5_2/role')
      .reply(200, [])
      .post('/api/v5_2/role')
      .reply(function (this: nock.ReplyFnContext) {
        posts++
        return lost.call(this)
      })
      .get('/api/v5_2/role')
      .reply(200, [])
      .get('/api/v5_2/role')
      .reply(200, [role([], 'Dev')])
    expect(await ensureRole(client(), 'Dev', {graceMs: 2000})).toMatchObject({id: ROLE_ID, result: 'created'})
    expect(posts).toBe(1)
  })

  it('a role POST that met a 503 is sent again only once the role did not appear within the lag window', async () => {
    let posts = 0
    nock(URL)
      .get('/api/v5_2/role')
      .times(10)
      .optionally()
      .reply(200, [])
      .post('/api/v5_2/role')
      .reply(() => (posts++, [503, 'Service Unavailable']))
      .post('/api/v5_2/role')
      .reply(() => (posts++, [201, role([], 'Dev')]))
    expect(await ensureRole(client(), 'Dev', {graceMs: 300})).toMatchObject({result: 'created'})
    expect(posts).toBe(2)
  })

  it('several roles of one name are refused with their ids, and nothing is sent', async () => {
    const twin = {...role([], 'Dev'), id: '7a1f0b1e-0000-4000-8000-000000000009'}
    nock(URL)
      .get('/api/v5_2/role')
      .reply(200, [role([], 'Dev'), twin])
    const error = (await caught(ensureRole(client(), 'Dev'))) as UsageError
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe(`2 roles are named "Dev": Dev (${ROLE_ID}), Dev (${twin.id})`)
    expect(error.hint).toMatch(/name the role by its id/)
    expect(await caught(client().roles.resolve('Dev', [role([], 'Dev'), twin]))).toMatchObject({message: error.message})
    expect((await client().roles.resolve(twin.id, [role([], 'Dev'), twin])).id).toBe(twin.id)
  })

  it('"already associated" (409) and "not associated" (400) are unchanged, with the object as it is', async () => {
    nock(URL)
      .put(`/api/v5_2/user/alice/role/${ROLE_ID}`)
      .reply(...conflict(`Role '${ROLE_ID}' is already associated with User 'alice'.`))
      .get('/api/v5_2/user/alice')
      .reply(200, user({roleAssociations: [{roleId: ROLE_ID, createTimestamp: T}]}))
      .delete(`/api/v5_2/role/${ROLE_ID}/permission/${PERM_ID}`)
      .reply(400, {title: `Permission '${PERM_ID}' is not associated with Role '${ROLE_ID}'.`, status: 400, details: {}})
      .get(`/api/v5_2/role/${ROLE_ID}`)
      .reply(200, role())
      .put(`/api/v5_2/role/${ROLE_ID}/permission/${PERM_ID}`)
      .reply(200, role([PERM_ID]))
    expect(await client().users.addRole('alice', ROLE_ID)).toMatchObject({loginName: 'alice', result: 'unchanged'})
    expect(await client().roles.removePermission(ROLE_ID, PERM_ID)).toMatchObject({id: ROLE_ID, result: 'unchanged'})
    expect(await client().roles.addPermission(ROLE_ID, PERM_ID)).toMatchObject({permissions: [{id: PERM_ID}], result: 'updated'})
  })

  it('a vnode-scoped permission is created on its own and then associated: the bulk call would drop its vnode', async () => {
    const scoped = {permissionType: 'ALLOW' as const, permissionString: 'StartFlow:.*', groupVisibility: null, virtualNode: 'ABCDEF012345'}
    const seen: Seen[] = []
    nock(URL)
      .get('/api/v5_2/role')
      .reply(200, [role([], 'Runner')])
      .get('/api/v5_2/permission')
      .query(true)
      .times(2)
      .reply(200, [])
      .post('/api/v5_2/permission')
      .reply(recorder(seen, [201, permission(PERM_ID, 'StartFlow:.*', 'ABCDEF012345')]))
      .put(`/api/v5_2/role/${ROLE_ID}/permission/${PERM_ID}`)
      .reply(200, role([PERM_ID], 'Runner'))
      .get(`/api/v5_2/role/${ROLE_ID}`)
      .reply(200, role([PERM_ID], 'Runner'))
    expect(await ensureRole(client(), 'Runner', {permissions: [scoped]})).toMatchObject({result: 'updated', addedPermissions: [PERM_ID]})
    expect(seen[0]!.body).toEqual(scoped)
    // Again: the list leaves vnode-scoped permissions out, so the role's own one is read by id, and found equal.
    nock(URL)
      .get('/api/v5_2/role')
      .reply(200, [role([PERM_ID], 'Runner')])
      .get('/api/v5_2/permission')
      .query(true)
      .reply(200, [])
      .get(`/api/v5_2/permission/${PERM_ID}`)
      .reply(200, permission(PERM_ID, 'StartFlow:.*', 'ABCDEF012345'))
    expect(await ensureRole(client(), 'Runner', {permissions: [scoped]})).toMatchObject({result: 'unchanged'})
  })
})

describe('users on a real cluster', () => {
  const wanted = {loginName: 'Alice.Smith', fullName: 'Alice', enabled: true, initialPassword: 'secret-1'}

  it('a user POST whose answer was lost is looked for: found, it is created (in the form Corda stores: lower-cased)', async () => {
    let posts = 0
    nock(URL)
      .get('/api/v5_2/user/Alice.Smith')
      .reply(404, {title: "User 'Alice.Smith' not found.", status: 404, details: {}})
      .post('/api/v5_2/user')
      .reply(function (this: nock.ReplyFnContext) {
        posts++
        this.req.destroy()
        return [201, {}]
      })
      .get('/api/v5_2/user/Alice.Smith')
      .reply(200, user({loginName: 'alice.smith'}))
    expect(await ensureUser(client(), wanted, [], {graceMs: 2000})).toMatchObject({loginName: 'alice.smith', result: 'created'})
    expect(posts).toBe(1)
  })

  it('a password change is never sent twice: a repeat of one that landed would be refused', async () => {
    let posts = 0
    nock(URL)
      .post('/api/v5_2/user/otheruserpassword')
      .times(4)
      .optionally()
      .reply(() => (posts++, [503, 'Service Unavailable']))
    const retrying = client('v5_2', {attempts: 4, baseDelayMs: 1, maxDelayMs: 1})
    expect(await caught(retrying.users.setPassword({loginName: 'bob'}, 'new-secret'))).toMatchObject({status: 503})
    expect(posts).toBe(1)
  })
})

describe('resolveRole', () => {
  it('by id, by exact name, by a name in another case; unknown is not found', async () => {
    const roles = [role([], 'Operators'), {...role([], 'Readers'), id: '7a1f0b1e-0000-4000-8000-000000000003'}]
    expect((await client().roles.resolve(ROLE_ID, roles)).roleName).toBe('Operators')
    expect((await client().roles.resolve('Readers', roles)).id).toBe('7a1f0b1e-0000-4000-8000-000000000003')
    expect((await client().roles.resolve('operators', roles)).id).toBe(ROLE_ID)
    expect(await caught(client().roles.resolve('Writers', roles))).toBeInstanceOf(NotFoundError)
  })
})

describe('ensureUser', () => {
  const wanted = {loginName: 'alice', fullName: 'Alice', enabled: true, initialPassword: 'secret-1'}

  it('an existing equal user is unchanged without its password being sent again; only missing roles are added', async () => {
    nock(URL)
      .get('/api/v5_2/user/alice')
      .reply(200, user())
      .put(`/api/v5_2/user/alice/role/${ROLE_ID}`)
      .reply(200, user({roleAssociations: [{roleId: ROLE_ID, createTimestamp: T}]}))
    expect(await ensureUser(client(), wanted, [role()])).toMatchObject({loginName: 'alice', result: 'updated'})
    nock(URL).get('/api/v5_2/user/alice').reply(200, user())
    expect(await ensureUser(client(), wanted)).toMatchObject({result: 'unchanged'})
    expect(nock.pendingMocks()).toEqual([]) // and nock refused any POST /user
  })

  it('a new user is created with its initial password', async () => {
    const seen: Seen[] = []
    nock(URL)
      .get('/api/v5_2/user/alice')
      .reply(404, {title: "User 'alice' not found.", status: 404, details: {}})
      .post('/api/v5_2/user')
      .reply(recorder(seen, [201, user()]))
    expect(await ensureUser(client(), wanted)).toMatchObject({result: 'created'})
    expect(seen[0]!.body).toEqual(wanted)
    expectValidRequest(seen[0]!)
  })

  it('a password given as a function is asked for only when the user is created', async () => {
    let asked = 0
    const lazy = {...wanted, initialPassword: async () => (asked++, 'secret-2')}
    nock(URL).get('/api/v5_2/user/alice').reply(200, user())
    expect(await ensureUser(client(), lazy)).toMatchObject({result: 'unchanged'})
    expect(asked).toBe(0)
    const seen: Seen[] = []
    nock(URL)
      .get('/api/v5_2/user/alice')
      .reply(404, {title: "User 'alice' not found.", status: 404, details: {}})
      .post('/api/v5_2/user')
      .reply(recorder(seen, [201, user()]))
    expect(await ensureUser(client(), lazy)).toMatchObject({result: 'created'})
    expect(asked).toBe(1)
    expect(seen[0]!.body).toEqual({...wanted, initialPassword: 'secret-2'})
  })

  it('an existing user that differs is a conflict naming the differences (exit 5)', async () => {
    nock(URL)
      .get('/api/v5_2/user/alice')
      .reply(200, user({fullName: 'Alice Other', enabled: false}))
    const error = await caught(ensureUser(client(), wanted))
    expect(error).toBeInstanceOf(ConflictError)
    expect(toFailure(error).exitCode).toBe(5)
    expect((error as Error).message).toBe('user alice exists with full name "Alice Other", not "Alice", disabled, not enabled')
  })

  it('on v1 the user is looked up with ?loginname=', async () => {
    nock(URL).get('/api/v1/user').query({loginname: 'alice'}).reply(200, user())
    expect(await ensureUser(client('v1'), wanted)).toMatchObject({result: 'unchanged'})
  })
})

describe('setConfigSection', () => {
  const current = (version: number, source: object) => ({
    section: 'corda.flow',
    sourceConfig: JSON.stringify(source),
    configWithDefaults: '{}',
    schemaVersion: {major: 1, minor: 0},
    version,
  })

  it('the same configuration is unchanged and sends no PUT', async () => {
    nock(URL)
      .get('/api/v5_2/config/corda.flow')
      .reply(200, current(3, {a: {b: 1}}))
    expect(await setConfigSection(client(), 'corda.flow', {a: {b: 1}})).toMatchObject({result: 'unchanged', version: 3})
  })

  it('PUTs with the current version and schema; a stale version is read again and retried once', async () => {
    const seen: Seen[] = []
    nock(URL)
      .get('/api/v5_2/config/corda.flow')
      .reply(200, current(3, {a: 1}))
      .put('/api/v5_2/config')
      .reply(...conflict('The request specified version 3, but the current version is 4'))
      .get('/api/v5_2/config/corda.flow')
      .reply(200, current(4, {a: 2}))
      .put('/api/v5_2/config')
      .reply(recorder(seen, [202, {section: 'corda.flow', config: '{"a":5}', schemaVersion: {major: 1, minor: 0}, version: 5}]))
    expect(await setConfigSection(client(), 'corda.flow', {a: 5})).toEqual({section: 'corda.flow', previousVersion: 4, version: 5, result: 'updated', config: {a: 5}})
    expect(seen[0]!.body).toEqual({section: 'corda.flow', version: 4, config: {a: 5}, schemaVersion: {major: 1, minor: 0}})
    expectValidRequest(seen[0]!)
  })

  it('a second stale version gives up with the 409 (exit 5)', async () => {
    nock(URL)
      .get('/api/v5_2/config/corda.flow')
      .twice()
      .reply(200, current(3, {a: 1}))
      .put('/api/v5_2/config')
      .twice()
      .reply(...conflict('stale'))
    expect(toFailure(await caught(setConfigSection(client(), 'corda.flow', {a: 5}))).exitCode).toBe(5)
  })

  it('a refusal as Corda words it (the reason after " Cause: " at the end of a long title, details {}) becomes the hint', async () => {
    const sent = {processing: {noSuchKey: 1, filler: 'x'.repeat(400)}}
    nock(URL)
      .get('/api/v5_2/config/corda.flow')
      .reply(200, current(3, {}))
      .put('/api/v5_2/config')
      .reply(400, {
        title: `Configuration "${JSON.stringify(JSON.stringify(sent)).slice(1, -1)}" could not be validated. Valid JSON or HOCON expected. Cause: Configuration failed to validate for key corda.flow at schema version null: $.processing.noSuchKey: is not defined in the schema and the schema does not allow additional properties`,
        status: 400,
        details: {},
      })
    const error = (await caught(setConfigSection(client(), 'corda.flow', sent))) as ApiError
    expect(error.title).toBe('the cluster refused the corda.flow configuration')
    expect(error.hint).toMatch(/^the cluster says: Configuration failed to validate .*\$\.processing\.noSuchKey: is not defined in the schema/)
    expect(toFailure(error).exitCode).toBe(2)
  })

  it('a source configuration kept as HOCON compares as different, so the JSON asked for is PUT (with the version)', async () => {
    nock(URL)
      .get('/api/v5_2/config/corda.flow')
      .reply(200, {...current(3, {}), sourceConfig: 'processing { maxRetryAttempts = 5 }'})
      .put('/api/v5_2/config', body => body.version === 3)
      .reply(202, {section: 'corda.flow', config: '{}', schemaVersion: {major: 1, minor: 0}, version: 4})
    expect(await setConfigSection(client(), 'corda.flow', {processing: {maxRetryAttempts: 5}})).toMatchObject({result: 'updated', version: 4})
  })

  it("the REST worker's own timeout (500 Could not publish…) is read again: the write landed, so it is updated", async () => {
    nock(URL)
      .get('/api/v5_2/config/corda.flow')
      .reply(200, current(3, {a: 1}))
      .put('/api/v5_2/config')
      .reply(500, {title: 'Internal server error.', status: 500, details: {cause: 'ConfigRestResourceException', reason: 'Could not publish updated configuration.'}})
      .get('/api/v5_2/config/corda.flow')
      .reply(200, current(4, {a: 2}))
    expect(await setConfigSection(client(), 'corda.flow', {a: 2})).toMatchObject({previousVersion: 3, version: 4, result: 'updated'})
  })

  it('a section never set (404) is written with version -1', async () => {
    nock(URL)
      .get('/api/v5_2/config/corda.rbac')
      .reply(404, {title: 'not found', status: 404, details: {}})
      .put('/api/v5_2/config', body => body.version === -1)
      .reply(202, {section: 'corda.rbac', config: '{}', schemaVersion: {major: 1, minor: 0}, version: 0})
    expect(await setConfigSection(client(), 'corda.rbac', {x: 1})).toMatchObject({previousVersion: -1, version: 0, result: 'updated'})
  })
})
