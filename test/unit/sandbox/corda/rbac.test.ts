// Sandbox RBAC: users, roles, permissions, Basic auth of created users and permission checks, over real HTTP.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {SANDBOX_FLOWS} from '../../../../src/sandbox/corda/flow-lifecycle.js'
import {ADMIN_ROLE_NAME} from '../../../../src/sandbox/corda/rbac-auth.js'
import {startSandbox} from '../../../../src/sandbox/server.js'
import {contractFor, validateExchange} from '../../../helpers/contract.js'
import {checksumsOf, type CordaSandbox, makeCpi, startCorda} from '../../../helpers/cpi.js'

let sbx: CordaSandbox
beforeEach(async () => {
  sbx = await startCorda()
})
afterEach(async () => {
  await sbx.close()
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** fetch as `login:password` on /api/<version><path>. */
async function as(login: string, password: string, method: string, path: string, body?: unknown, version = 'v5_2') {
  const headers: Record<string, string> = {authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`, accept: 'application/json'}
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${sbx.server.url}/api/${version}${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)})
  const text = await res.text()
  let parsed: any = text
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    // raw text
  }
  return {status: res.status, body: parsed, headers: res.headers}
}

const user = (loginName: string, extra: Record<string, unknown> = {}) => ({loginName, fullName: 'Joe Bloggs', enabled: true, initialPassword: 'secret-1', ...extra})

async function createRole(roleName: string): Promise<string> {
  const res = await sbx.call('POST', '/role', {roleName})
  expect(res.status).toBe(201)
  return res.body.id
}

async function grant(roleId: string, permissionType: 'ALLOW' | 'DENY', permissionString: string, virtualNode: string | null = null): Promise<string> {
  const res = await sbx.call('POST', '/permission', {permissionType, permissionString, virtualNode, groupVisibility: null})
  expect(res.status).toBe(201)
  expect((await sbx.call('PUT', `/role/${roleId}/permission/${res.body.id}`)).status).toBe(200)
  return res.body.id
}

/** Every exchange logged so far answers as the spec + overlay allow (requests made invalid on purpose aside). */
function expectValidResponses(): void {
  for (const e of sbx.server.log.entries().filter(e => contractFor(e.path) !== undefined)) {
    const problems = validateExchange(e)
    if (problems.some(p => /-> \d+: (request body|query parameter|missing required query parameter|no such operation)/.test(p))) continue
    expect(problems).toEqual([])
  }
}

describe('users', () => {
  it('creates a user: 201 UserResponseType; GET by login (v5_2, v5_1, case-insensitive) and by ?loginname= on v1 with a Warning', async () => {
    const res = await sbx.call('POST', '/user', user('jbloggs', {passwordExpiry: '2030-01-01T00:00:00Z', parentGroup: null}))
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      version: 0,
      updateTimestamp: '2026-01-01T00:00:00.000Z',
      fullName: 'Joe Bloggs',
      loginName: 'jbloggs',
      enabled: true,
      ssoAuth: false,
      passwordExpiry: '2030-01-01T00:00:00Z',
      parentGroup: null,
      properties: [],
      roleAssociations: [],
    })
    expect(await sbx.call('GET', '/user/jbloggs')).toMatchObject({status: 200, body: {id: res.body.id}})
    expect(await sbx.call('GET', '/user/JBloggs', undefined, 'v5_1')).toMatchObject({status: 200, body: {id: res.body.id}})
    const v1 = await sbx.call('GET', '/user?loginname=jbloggs', undefined, 'v1')
    expect(v1).toMatchObject({status: 200, body: {id: res.body.id}})
    expect(v1.headers.get('warning')).toMatch(/^299 - .*deprecated/)
    expect((await sbx.call('GET', '/user/jbloggs', undefined, 'v1')).status).toBe(404) // no such path on v1
    expect((await sbx.call('GET', '/user/nobody')).status).toBe(404)
    expect((await sbx.call('GET', '/user?loginname=nobody', undefined, 'v1')).status).toBe(404)
    // SSO user: no password
    expect((await sbx.call('POST', '/user', {loginName: 'sso.user', fullName: 'S', enabled: true})).body.ssoAuth).toBe(true)
    expectValidResponses()
  })

  it('refuses invalid users with 400 and details Error #1, #2...; a taken login (any case) with 409', async () => {
    const bad = await sbx.call('POST', '/user', {loginName: 'a!', fullName: 'Bad$Name', enabled: true, initialPassword: 'abc', parentGroup: 'not-a-uuid'})
    expect(bad.status).toBe(400)
    expect(Object.keys(bad.body.details)).toEqual(['Error #1', 'Error #2', 'Error #3', 'Error #4'])
    expect(bad.body.details['Error #1']).toMatch(/login name/)
    expect(bad.body.details['Error #3']).toMatch(/password/)
    expect((await sbx.call('POST', '/user', user('x'.repeat(256)))).status).toBe(400)
    expect((await sbx.call('POST', '/user', user('okname', {initialPassword: 'p'.repeat(256)}))).status).toBe(400)
    expect((await sbx.call('POST', '/user', user('okname', {fullName: 'f'.repeat(256)}))).status).toBe(400)
    // Jackson: bad instant, unknown field (the docs' `password`), missing `enabled`
    expect((await sbx.call('POST', '/user', user('okname', {passwordExpiry: 'tomorrow'}))).body.details.cause).toBe('InvalidFormatException')
    expect((await sbx.call('POST', '/user', user('okname', {password: 'secret-1'}))).body.details.cause).toBe('UnrecognizedPropertyException')
    expect((await sbx.call('POST', '/user', {loginName: 'okname', fullName: 'F'})).status).toBe(400)
    // a valid one, wrapped in the parameter name, then duplicates
    expect((await sbx.call('POST', '/user', {request: user('okname')})).status).toBe(201)
    const dup = await sbx.call('POST', '/user', user('OKNAME'))
    expect(dup.status).toBe(409)
    expect(dup.body.title).toMatch(/already exists/)
    expect((await sbx.call('POST', '/user', user('admin'))).status).toBe(409)
    expectValidResponses()
  })

  it('assigns and removes roles (400 when already / not assigned, 404 unknown); the admin keeps its role; permission summary', async () => {
    await sbx.call('POST', '/user', user('jbloggs'))
    const roleId = await createRole('CpiUploader')
    const permId = await grant(roleId, 'ALLOW', 'POST:/api/v[_a-zA-Z0-9]{1,30}/cpi')
    const put = await sbx.call('PUT', `/user/jbloggs/role/${roleId}`)
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({version: 1, roleAssociations: [{roleId, createTimestamp: '2026-01-01T00:00:00.000Z'}]})
    expect((await sbx.call('PUT', `/user/jbloggs/role/${roleId}`)).status).toBe(400)
    expect((await sbx.call('PUT', '/user/nobody/role/' + roleId)).status).toBe(404)
    expect((await sbx.call('PUT', '/user/jbloggs/role/no-such-role')).status).toBe(404)

    const summary = await sbx.call('GET', '/user/jbloggs/permissionsummary')
    expect(summary.body).toMatchObject({
      loginName: 'jbloggs',
      enabled: true,
      permissions: [{id: permId, permissionType: 'ALLOW', permissionString: 'POST:/api/v[_a-zA-Z0-9]{1,30}/cpi', virtualNode: null}],
    })

    expect((await sbx.call('DELETE', `/user/jbloggs/role/${roleId}`)).body).toMatchObject({version: 2, roleAssociations: []})
    expect((await sbx.call('DELETE', `/user/jbloggs/role/${roleId}`)).status).toBe(400)

    const admin = await sbx.call('GET', '/user/admin')
    const adminRole = admin.body.roleAssociations[0].roleId
    expect((await sbx.call('GET', `/role/${adminRole}`)).body).toMatchObject({roleName: ADMIN_ROLE_NAME, permissions: [{id: expect.any(String)}]})
    const refused = await sbx.call('DELETE', `/user/admin/role/${adminRole}`)
    expect(refused.status).toBe(400)
    expect((await sbx.call('GET', '/user/admin/permissionsummary')).body.permissions).toMatchObject([{permissionString: '.*', permissionType: 'ALLOW'}])
    expectValidResponses()
  })
})

describe('roles and permissions', () => {
  it('creates roles (201, 409 on a taken name, 400 without a name), lists and gets them (404 unknown)', async () => {
    const res = await sbx.call('POST', '/role', {roleName: 'VNodeCreatorRole', groupVisibility: null})
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      version: 0,
      updateTimestamp: '2026-01-01T00:00:00.000Z',
      roleName: 'VNodeCreatorRole',
      groupVisibility: null,
      permissions: [],
    })
    expect((await sbx.call('POST', '/role', {roleName: 'VNodeCreatorRole'})).status).toBe(409)
    expect((await sbx.call('POST', '/role', {groupVisibility: null})).status).toBe(400)
    const list = await sbx.call('GET', '/role')
    expect(list.body.map((r: {roleName: string}) => r.roleName)).toEqual([ADMIN_ROLE_NAME, 'VNodeCreatorRole'])
    expect((await sbx.call('GET', `/role/${res.body.id}`, undefined, 'v1')).body.roleName).toBe('VNodeCreatorRole')
    expect((await sbx.call('GET', '/role/unknown')).status).toBe(404)
    expectValidResponses()
  })

  it('creates permissions: 201 every time (never 409), validates type, string and vnode; bulk; query with limit and type', async () => {
    const body = {permissionType: 'ALLOW', permissionString: 'GET:/api/v5_2/cpi', groupVisibility: null, virtualNode: null}
    const first = await sbx.call('POST', '/permission', body)
    const second = await sbx.call('POST', '/permission', body)
    expect([first.status, second.status]).toEqual([201, 201])
    expect(first.body).toEqual({id: expect.stringMatching(UUID), version: 0, updateTimestamp: expect.any(String), ...body})
    expect(second.body.id).not.toBe(first.body.id)
    expect((await sbx.call('GET', `/permission/${first.body.id}`)).body).toEqual(first.body)
    expect((await sbx.call('GET', '/permission/nope')).status).toBe(404)

    expect((await sbx.call('POST', '/permission', {...body, permissionType: 'MAYBE'})).status).toBe(400)
    expect((await sbx.call('POST', '/permission', {permissionType: 'ALLOW'})).status).toBe(400)
    expect((await sbx.call('POST', '/permission', {...body, permissionString: 'x'.repeat(513)})).status).toBe(400)
    expect((await sbx.call('POST', '/permission', {...body, permissionString: 'GET:/api/(unclosed'})).status).toBe(400)
    expect((await sbx.call('POST', '/permission', {...body, virtualNode: 'not-a-hash'})).status).toBe(400)
    expect((await sbx.call('POST', '/permission', {...body, permissionType: 'DENY', virtualNode: '0123456789AB'})).status).toBe(201)

    const roleId = await createRole('Bulk')
    const bulk = await sbx.call('POST', '/permission/bulk', {
      permissionsToCreate: [
        {permissionType: 'ALLOW', permissionString: 'GET:/api/v5_2/virtualnode'},
        {permissionType: 'DENY', permissionString: 'POST:/api/v5_2/virtualnode'},
      ],
      roleIds: [roleId],
    })
    expect(bulk.status).toBe(201)
    expect(bulk.body).toEqual({permissionIds: [expect.stringMatching(UUID), expect.stringMatching(UUID)], roleIds: [roleId]})
    expect((await sbx.call('GET', `/role/${roleId}`)).body.permissions.map((p: {id: string}) => p.id)).toEqual(bulk.body.permissionIds)
    const unknownRole = await sbx.call('POST', '/permission/bulk', {permissionsToCreate: [{permissionType: 'ALLOW', permissionString: 'x'}], roleIds: ['nope']})
    expect(unknownRole.status).toBe(404)

    const allow = await sbx.call('GET', '/permission?limit=100&permissiontype=ALLOW')
    expect(allow.body.map((p: {permissionString: string}) => p.permissionString)).toEqual(['.*', 'GET:/api/v5_2/cpi', 'GET:/api/v5_2/cpi', 'GET:/api/v5_2/virtualnode'])
    expect((await sbx.call('GET', '/permission?limit=1&permissiontype=ALLOW')).body).toHaveLength(1)
    expect((await sbx.call('GET', '/permission?limit=10&permissiontype=DENY&virtualnode=0123456789ab')).body).toHaveLength(1)
    expect((await sbx.call('GET', '/permission?limit=10&permissiontype=ALLOW&permissionstringprefix=GET:/api/v5_2/v')).body).toHaveLength(1)
    for (const q of ['permissiontype=ALLOW', 'limit=10', 'limit=0&permissiontype=ALLOW', 'limit=1001&permissiontype=ALLOW', 'limit=10&permissiontype=MAYBE']) {
      expect((await sbx.call('GET', `/permission?${q}`)).status).toBe(400)
    }
    expect((await sbx.call('PUT', `/role/${roleId}/permission/${bulk.body.permissionIds[0]}`)).status).toBe(400)
    expect((await sbx.call('DELETE', `/role/${roleId}/permission/${bulk.body.permissionIds[0]}`)).body.permissions).toHaveLength(1)
    expect((await sbx.call('DELETE', `/role/${roleId}/permission/${bulk.body.permissionIds[0]}`)).status).toBe(400)
    expect((await sbx.call('PUT', `/role/${roleId}/permission/nope`)).status).toBe(404)
    expectValidResponses()
  })
})

describe('authentication and authorisation', () => {
  it('signs in created users; a non-admin gets 403 until a role allows the request, and DENY beats ALLOW', async () => {
    await sbx.call('POST', '/user', user('jbloggs'))
    expect((await as('jbloggs', 'wrong-one', 'GET', '/cpi')).status).toBe(401)
    const forbidden = await as('jbloggs', 'secret-1', 'GET', '/cpi')
    expect(forbidden).toMatchObject({status: 403, body: {title: 'User not authorized.', status: 403, details: {}}})

    const roleId = await createRole('Reader')
    await sbx.call('PUT', `/user/jbloggs/role/${roleId}`)
    await grant(roleId, 'ALLOW', 'GET:/api/v[_a-zA-Z0-9]{1,30}/cpi')
    expect((await as('jbloggs', 'secret-1', 'GET', '/cpi')).status).toBe(200)
    expect((await as('jbloggs', 'secret-1', 'GET', '/cpi', undefined, 'v1')).status).toBe(200)
    expect((await as('jbloggs', 'secret-1', 'GET', '/virtualnode')).status).toBe(403) // whole-string match only
    // the query is part of the resource string
    await grant(roleId, 'ALLOW', 'POST:/api/v5_2/hello\\?addressee=bob')
    expect((await as('jbloggs', 'secret-1', 'POST', '/hello?addressee=bob')).status).toBe(200)
    expect((await as('jbloggs', 'secret-1', 'POST', '/hello?addressee=eve')).status).toBe(403)
    expect((await as('jbloggs', 'secret-1', 'POST', '/hello')).status).toBe(403)
    // DENY wins, case-insensitively
    const deny = await grant(roleId, 'DENY', 'get:/API/V5_2/CPI')
    expect((await as('jbloggs', 'secret-1', 'GET', '/cpi')).status).toBe(403)
    expect((await as('jbloggs', 'secret-1', 'GET', '/cpi', undefined, 'v5_1')).status).toBe(200)
    await sbx.call('DELETE', `/role/${roleId}/permission/${deny}`)
    expect((await as('jbloggs', 'secret-1', 'GET', '/cpi')).status).toBe(200)
    // unauthenticated routes stay open
    expect((await fetch(`${sbx.server.url}/api/v5_2/swagger.json`)).status).toBe(200)
    expect((await fetch(`${sbx.server.url}/api/v5_2/user/getprotocolversion`)).status).toBe(200)
    expectValidResponses()
  })

  it('refuses disabled users and expired passwords (401), except for changing the expired password', async () => {
    await sbx.call('POST', '/user', user('disabled', {enabled: false}))
    expect((await as('disabled', 'secret-1', 'POST', '/user/selfpassword', {password: 'another-1'})).status).toBe(401)
    await sbx.call('POST', '/user', user('expiring', {passwordExpiry: '2026-01-01T00:00:01Z'}))
    expect((await as('expiring', 'secret-1', 'POST', '/user/selfpassword', {password: 'secret-1'})).status).toBe(400) // same password
    sbx.advance(1000)
    expect((await as('expiring', 'secret-1', 'GET', '/user/expiring')).status).toBe(401)
    const changed = await as('expiring', 'secret-1', 'POST', '/user/selfpassword', {password: 'brand-new-1'})
    expect(changed).toMatchObject({status: 200, body: {loginName: 'expiring', passwordExpiry: null, version: 1}})
    expect((await as('expiring', 'brand-new-1', 'GET', '/user/expiring')).status).toBe(403) // signed in, but no permission
    expect((await as('expiring', 'secret-1', 'GET', '/user/expiring')).status).toBe(401)
  })

  it('changes passwords (v5_2 only): self and other, validated, effective at once', async () => {
    await sbx.call('POST', '/user', user('jbloggs'))
    expect((await sbx.call('POST', '/user/otheruserpassword', {username: 'jbloggs', password: 'abc'})).status).toBe(400)
    expect((await sbx.call('POST', '/user/otheruserpassword', {username: 'nobody', password: 'valid-pass'})).status).toBe(404)
    expect((await sbx.call('POST', '/user/otheruserpassword', {username: 'jbloggs'})).status).toBe(400)
    const other = await sbx.call('POST', '/user/otheruserpassword', {username: 'jbloggs', password: 'reset-by-admin'})
    expect(other).toMatchObject({status: 200, body: {loginName: 'jbloggs', version: 1}})
    expect((await as('jbloggs', 'secret-1', 'POST', '/user/selfpassword', {password: 'mine-now-1'})).status).toBe(401)
    // any authenticated user may change its own password, with no permission for it
    expect((await as('jbloggs', 'reset-by-admin', 'POST', '/user/selfpassword', {password: 'mine-now-1'})).status).toBe(200)
    expect((await as('jbloggs', 'mine-now-1', 'POST', '/user/otheruserpassword', {username: 'admin', password: 'taken-over'})).status).toBe(403)
    expect((await sbx.call('POST', '/user/otheruserpassword', {username: 'jbloggs', password: 'reset'}, 'v5_1')).status).toBe(404) // not on v5_1: Javalin answers a wrong method 404

    // the admin changes its own Corda password: the old one stops working at once
    const self = await sbx.call('POST', '/user/selfpassword', {password: 'new-admin-pass'})
    expect(self.status).toBe(200)
    expect((await sbx.call('GET', '/role')).status).toBe(401)
    expect((await as('admin', 'new-admin-pass', 'GET', '/role')).status).toBe(200)
  })

  it('starting a flow also needs StartFlow:<class>, scoped to the vnode when the permission names one', async () => {
    const file = makeCpi({name: 'App', version: '1.0', groupId: '7c5d6948-e17b-44e7-9d1c-fa4a3f667cad'})
    expect((await sbx.uploadAndWait(file)).body.status).toBe('OK')
    const h = await sbx.createVNode('CN=Alice, O=R3, L=London, C=GB', checksumsOf(file).cpiFileChecksum)
    const other = await sbx.createVNode('CN=Bob, O=R3, L=London, C=GB', checksumsOf(file).cpiFileChecksum)
    await sbx.call('POST', '/user', user('runner'))
    const roleId = await createRole('FlowExecutorRole')
    await sbx.call('PUT', `/user/runner/role/${roleId}`)
    await grant(roleId, 'ALLOW', 'POST:/api/v[_a-zA-Z0-9]{1,30}/flow/.*')
    const start = (vnode: string, id: string) => as('runner', 'secret-1', 'POST', `/flow/${vnode}`, {clientRequestId: id, flowClassName: SANDBOX_FLOWS.echo, requestBody: {}})

    const refused = await start(h, 'r1')
    expect(refused.status).toBe(403)
    expect(refused.body).toEqual({title: `User runner is not allowed to start a flow: ${SANDBOX_FLOWS.echo}.`, status: 403, details: {}})
    await grant(roleId, 'ALLOW', 'StartFlow:com\\.r3\\.sandbox\\..*', h)
    expect((await start(h, 'r2')).status).toBe(202)
    expect((await start(other, 'r3')).status).toBe(403) // the permission names the other vnode
    await grant(roleId, 'ALLOW', `StartFlow:${SANDBOX_FLOWS.echo.replace(/\./g, '\\.')}`)
    expect((await start(other, 'r4')).status).toBe(202) // no vnode: applies everywhere
    await grant(roleId, 'DENY', 'StartFlow:.*EchoFlow', other)
    expect((await start(other, 'r5')).status).toBe(403)
    expect((await start(h, 'r6')).status).toBe(202)
    // the admin needs nothing more
    expect((await sbx.call('POST', `/flow/${other}`, {clientRequestId: 'a1', flowClassName: SANDBOX_FLOWS.echo, requestBody: {}})).status).toBe(202)
  })
})

describe('sandbox options and the request log', () => {
  it('records password fields of JSON bodies as [redacted]', async () => {
    sbx.server.log.clear()
    await sbx.call('POST', '/user', user('jbloggs'))
    await sbx.call('POST', '/user', {request: user('wrapped')})
    await sbx.call('POST', '/user/otheruserpassword', {username: 'jbloggs', password: 'top-secret'})
    await sbx.call('POST', '/user/selfpassword', {password: 'admin-secret'})
    const bodies = sbx.server.log.entries().map(e => e.requestBody)
    expect(bodies).toEqual([
      {...user('jbloggs'), initialPassword: '[redacted]'},
      {request: {...user('wrapped'), initialPassword: '[redacted]'}},
      {username: 'jbloggs', password: '[redacted]'},
      {password: '[redacted]'},
    ])
    const text = JSON.stringify(sbx.server.log.entries())
    for (const secret of ['secret-1', 'top-secret', 'admin-secret']) expect(text).not.toContain(secret)
    // malformed JSON is logged as text, secrets still out
    await fetch(`${sbx.server.url}/api/v5_2/user`, {
      method: 'POST',
      headers: {authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`, 'content-type': 'application/json'},
      body: '{"initialPassword": "leak-me", ',
    })
    expect(JSON.stringify(sbx.server.log.entries().at(-1))).not.toContain('leak-me')
  })

  it('serves only the configured API versions: others 404 like an unknown path, swagger.json included', async () => {
    const v1only = await startSandbox({port: 0, cordaVersions: ['v1']})
    try {
      const basic = {authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}`}
      const v52 = await fetch(`${v1only.url}/api/v5_2/swagger.json`)
      expect(v52.status).toBe(404)
      expect(await v52.json()).toEqual({title: 'Not found', status: 404, details: {}})
      expect((await fetch(`${v1only.url}/api/v5_1/swagger.json`)).status).toBe(404)
      expect((await fetch(`${v1only.url}/api/v1/swagger.json`)).status).toBe(200)
      expect((await fetch(`${v1only.url}/api/v5_2/role`, {headers: basic})).status).toBe(404)
      expect((await fetch(`${v1only.url}/api/v1/role`, {headers: basic})).status).toBe(200)
      expect((await fetch(`${v1only.url}/api/v1/user?loginname=admin`, {headers: basic})).status).toBe(200)
    } finally {
      await v1only.close()
    }
    await expect(startSandbox({port: 0, cordaVersions: []})).rejects.toThrow(/cordaVersions/)
  })
})
