// Holds the sandbox's RBAC and configuration endpoints to the published Corda specs (+ overlay, PRODUCT.md §8):
// every request below, valid or refused, on every API version that has it, and every answer.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {SANDBOX_FLOWS} from '../../src/sandbox/corda/flow-lifecycle.js'
import {contractFor, expectContract, validateExchange, validateResponse} from '../helpers/contract.js'
import {checksumsOf, type CordaSandbox, makeCpi, startCorda} from '../helpers/cpi.js'

let sbx: CordaSandbox
beforeAll(async () => {
  sbx = await startCorda()
})
afterAll(async () => {
  await sbx?.close()
})

const VERSIONS = ['v5_2', 'v5_1', 'v1'] as const
const SV = {major: 1, minor: 0}

async function as(login: string, password: string, method: string, path: string, body?: unknown, version = 'v5_2') {
  const headers: Record<string, string> = {authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`, accept: 'application/json'}
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${sbx.server.url}/api/${version}${path}`, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)})
  await res.arrayBuffer()
  return res.status
}

describe('contract: RBAC and configuration', () => {
  it('every request that conforms to the spec, and every answer to it, valid or refused, matches the spec', async () => {
    sbx.server.log.clear()
    const statuses: number[] = []
    const call = async (method: string, path: string, body?: unknown, version = 'v5_2') => {
      const res = await sbx.call(method, path, body, version)
      statuses.push(res.status)
      return res
    }
    const file = makeCpi({name: 'App', version: '1.0', groupId: '7c5d6948-e17b-44e7-9d1c-fa4a3f667cad'})
    await sbx.uploadAndWait(file)
    const h = await sbx.createVNode('CN=Alice, O=R3, L=London, C=GB', checksumsOf(file).cpiFileChecksum)
    sbx.server.log.clear()

    for (const v of VERSIONS) {
      const login = `user-${v}`
      expect(
        (
          await call(
            'POST',
            '/user',
            {loginName: login, fullName: 'Joe Bloggs', enabled: true, initialPassword: 'secret-1', passwordExpiry: '2030-01-01T00:00:00Z', parentGroup: null},
            v,
          )
        ).status,
      ).toBe(201)
      await call('POST', '/user', {loginName: login.toUpperCase(), fullName: 'Joe', enabled: true, initialPassword: 'secret-1'}, v) // 409
      await call('POST', '/user', {loginName: 'a!', fullName: 'Bad$', enabled: false, initialPassword: 'abc', parentGroup: 'nope'}, v) // 400 Error #n
      await call('POST', '/user', {loginName: `sso-${v}`, fullName: 'Single Sign On', enabled: true}, v)
      if (v === 'v1') {
        await call('GET', `/user?loginname=${login}`, undefined, v)
        await call('GET', '/user?loginname=nobody', undefined, v) // 404
      } else {
        await call('GET', `/user/${login}`, undefined, v)
        await call('GET', '/user/nobody', undefined, v) // 404
      }
      const role = await call('POST', '/role', {roleName: `Role-${v}`, groupVisibility: null}, v)
      expect(role.status).toBe(201)
      await call('POST', '/role', {roleName: `Role-${v}`}, v) // 409
      await call('GET', '/role', undefined, v)
      await call('GET', `/role/${role.body.id}`, undefined, v)
      await call('GET', '/role/unknown', undefined, v) // 404
      const perm = await call('POST', '/permission', {permissionType: 'ALLOW', permissionString: 'GET:/api/v[_a-zA-Z0-9]{1,30}/cpi', groupVisibility: null, virtualNode: null}, v)
      expect(perm.status).toBe(201)
      await call('POST', '/permission', {permissionType: 'ALLOW', permissionString: 'GET:/api/v[_a-zA-Z0-9]{1,30}/cpi'}, v) // 201 again, never 409
      await call('POST', '/permission', {permissionType: 'DENY', permissionString: 'StartFlow:.*', virtualNode: h}, v)
      await call('POST', '/permission', {permissionType: 'ALLOW', permissionString: '(unclosed'}, v) // 400
      await call('POST', '/permission', {permissionType: 'ALLOW', permissionString: 'x', virtualNode: 'not-a-hash'}, v) // 400
      await call('GET', `/permission/${perm.body.id}`, undefined, v)
      await call('GET', '/permission/unknown', undefined, v) // 404
      await call('GET', '/permission?limit=10&permissiontype=ALLOW', undefined, v)
      await call('GET', `/permission?limit=10&permissiontype=DENY&virtualnode=${h}&permissionstringprefix=StartFlow&groupvisibility=g`, undefined, v)
      await call('GET', '/permission?limit=0&permissiontype=ALLOW', undefined, v) // 400
      await call('GET', '/permission?limit=10&permissiontype=MAYBE', undefined, v) // 400
      await call('POST', '/permission/bulk', {permissionsToCreate: [{permissionType: 'ALLOW', permissionString: 'GET:/api/v5_2/role'}], roleIds: [role.body.id]}, v)
      await call('POST', '/permission/bulk', {permissionsToCreate: [{permissionType: 'ALLOW', permissionString: 'x'}], roleIds: ['unknown']}, v) // 404
      await call('PUT', `/role/${role.body.id}/permission/${perm.body.id}`, undefined, v)
      await call('PUT', `/role/${role.body.id}/permission/${perm.body.id}`, undefined, v) // 400
      await call('PUT', `/role/${role.body.id}/permission/unknown`, undefined, v) // 404
      await call('DELETE', `/role/${role.body.id}/permission/${perm.body.id}`, undefined, v)
      await call('DELETE', `/role/${role.body.id}/permission/${perm.body.id}`, undefined, v) // 400
      await call('PUT', `/role/${role.body.id}/permission/${perm.body.id}`, undefined, v)
      await call('PUT', `/user/${login}/role/${role.body.id}`, undefined, v)
      await call('PUT', `/user/${login}/role/${role.body.id}`, undefined, v) // 400
      await call('PUT', `/user/nobody/role/${role.body.id}`, undefined, v) // 404
      await call('GET', `/user/${login}/permissionsummary`, undefined, v)
      await call('GET', '/user/nobody/permissionsummary', undefined, v) // 404
      await call('DELETE', `/user/${login}/role/${role.body.id}`, undefined, v)
      await call('DELETE', `/user/${login}/role/${role.body.id}`, undefined, v) // 400
      await call('PUT', `/user/${login}/role/${role.body.id}`, undefined, v)
      for (const resource of ['user', 'role', 'permission', 'config']) await call('GET', `/${resource}/getprotocolversion`, undefined, v)

      // configuration
      const section = (await call('GET', '/config/corda.messaging', undefined, v)).body
      await call('GET', '/config/corda.nothing', undefined, v) // 404
      await call('PUT', '/config', {section: 'corda.messaging', version: section.version, schemaVersion: SV, config: {subscription: {processorTimeout: 300000}}}, v) // 202
      await call('PUT', '/config', {section: 'corda.messaging', version: section.version, schemaVersion: SV, config: {}}, v) // 409
      await call('PUT', '/config', {section: 'corda.messaging', version: section.version + 1, schemaVersion: SV, config: '{"publisher": {"closeTimeout": 100}}'}, v) // 202
      await call('PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: SV, config: {processing: {maxRetryAttempts: -1}}}, v) // 400
      await call('PUT', '/config', {section: 'corda.unknown', version: 0, schemaVersion: SV, config: {}}, v) // 400
    }
    // the admin cannot lose its role
    const admin = await call('GET', '/user/admin')
    await call('DELETE', `/user/admin/role/${admin.body.roleAssociations[0].roleId}`) // 400
    // v5_2-only password changes
    await call('POST', '/user/otheruserpassword', {username: 'user-v5_2', password: 'changed-1'})
    await call('POST', '/user/otheruserpassword', {username: 'user-v5_2', password: 'abc'}) // 400
    await call('POST', '/user/otheruserpassword', {username: 'nobody', password: 'changed-1'}) // 404
    expect(await as('user-v5_2', 'changed-1', 'POST', '/user/selfpassword', {password: 'changed-2'})).toBe(200)
    expect(await as('user-v5_2', 'changed-2', 'POST', '/user/selfpassword', {password: 'changed-2'})).toBe(400)
    // a non-admin user: allowed, refused (403), not signed in (401); a flow start refused for StartFlow
    expect(await as('user-v5_2', 'changed-2', 'GET', '/cpi')).toBe(200)
    expect(await as('user-v5_2', 'changed-2', 'GET', '/role')).toBe(200)
    expect(await as('user-v5_2', 'changed-2', 'GET', '/config/corda.flow')).toBe(403)
    expect(await as('user-v5_2', 'changed-2', 'PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: SV, config: {}})).toBe(403)
    expect(await as('user-v5_2', 'wrong', 'GET', '/role')).toBe(401)
    await call('POST', '/permission/bulk', {
      permissionsToCreate: [{permissionType: 'ALLOW', permissionString: 'POST:/api/v5_2/flow/.*'}],
      roleIds: [(await call('GET', '/user/user-v5_2')).body.roleAssociations[0].roleId],
    })
    expect(await as('user-v5_2', 'changed-2', 'POST', `/flow/${h}`, {clientRequestId: 'c1', flowClassName: SANDBOX_FLOWS.echo, requestBody: {}})).toBe(403)

    const exchanges = sbx.server.log.entries()
    const covered = new Set(exchanges.map(e => contractFor(e.path)))
    expect(covered).toEqual(new Set(['corda-v5_2', 'corda-v5_1', 'corda-v1']))
    for (const code of [200, 201, 202, 400, 401, 403, 404, 409]) expect(exchanges.map(e => e.status)).toContain(code)
    expectContract(exchanges)
    expect(statuses.length).toBeGreaterThan(150)
  })

  it('requests that break the spec or the Jackson rules on purpose still get answers in the shapes the spec allows', async () => {
    sbx.server.log.clear()
    await sbx.call('POST', '/user', {loginName: 'x', fullName: 'y'}) // enabled missing
    await sbx.call('POST', '/user', {loginName: 'okname', fullName: 'y', enabled: true, password: 'secret-1'}) // unknown field
    await sbx.call('POST', '/user', {loginName: 'okname', fullName: 'y', enabled: true, passwordExpiry: 'tomorrow'})
    await sbx.call('POST', '/role', {})
    await sbx.call('POST', '/permission', {permissionType: 'MAYBE', permissionString: 'x'})
    await sbx.call('POST', '/permission', {permissionType: 'ALLOW'})
    await sbx.call('POST', '/permission/bulk', {permissionsToCreate: []})
    await sbx.call('GET', '/permission?permissiontype=ALLOW')
    await sbx.call('GET', '/permission?limit=10')
    await sbx.call('GET', '/permission?limit=ten&permissiontype=ALLOW')
    await sbx.call('GET', '/user', undefined, 'v1') // loginname missing
    await sbx.call('POST', '/user/selfpassword', {})
    await sbx.call('POST', '/user/otheruserpassword', {username: 'admin'})
    await sbx.call('PUT', '/config', {section: 'corda.flow', schemaVersion: SV, config: {}})
    await sbx.call('PUT', '/config', {section: 'corda.flow', version: 0, config: {}})
    await sbx.call('PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: SV, config: {}, extra: 1})
    const exchanges = sbx.server.log.entries()
    expect(exchanges.map(e => e.status)).toEqual(Array(exchanges.length).fill(400))
    // Most of these requests are not what the spec describes (that is the point), but the sandbox's answers must be.
    expect(exchanges.filter(e => validateExchange(e).length > 0).length).toBeGreaterThan(10)
    for (const exchange of exchanges) {
      expect(validateResponse(exchange)).toEqual([])
    }
  })
})
