// Sandbox cluster configuration: GET /config/{section} and PUT /config with optimistic locking and validation.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {SEEDED_SECTIONS} from '../../../../src/sandbox/corda/config-schema.js'
import {contractFor, validateExchange} from '../../../helpers/contract.js'
import {type CordaSandbox, startCorda} from '../../../helpers/cpi.js'

let sbx: CordaSandbox
beforeEach(async () => {
  sbx = await startCorda()
})
afterEach(async () => {
  await sbx.close()
})

const SV = {major: 1, minor: 0}

function expectValidResponses(): void {
  for (const e of sbx.server.log.entries().filter(e => contractFor(e.path) !== undefined)) {
    const problems = validateExchange(e)
    if (problems.some(p => /-> \d+: (request body|query parameter|no such operation)/.test(p))) continue
    expect(problems).toEqual([])
  }
}

describe('cluster configuration', () => {
  it('answers every seeded section at version 0 with sourceConfig "{}" and its defaults; 404 for others', async () => {
    for (const section of SEEDED_SECTIONS) {
      const res = await sbx.call('GET', `/config/${section}`)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({section, sourceConfig: '{}', schemaVersion: SV, version: 0})
      expect(Object.keys(JSON.parse(res.body.configWithDefaults)).length).toBeGreaterThan(0)
    }
    const flow = JSON.parse((await sbx.call('GET', '/config/corda.flow')).body.configWithDefaults)
    expect(flow.processing.maxRetryAttempts).toBe(5)
    const missing = await sbx.call('GET', '/config/corda.nothing')
    expect(missing).toMatchObject({status: 404, body: {title: "Configuration for section 'corda.nothing not found."}})
    expect((await sbx.call('GET', '/config/corda.membership')).status).toBe(404) // known, never set
    expectValidResponses()
  })

  it('updates: 202 with the next version; configWithDefaults merges; a stale version is 409; JSON strings are accepted', async () => {
    const put = await sbx.call('PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: SV, config: {processing: {maxRetryAttempts: 2}}})
    expect(put).toMatchObject({status: 202, body: {section: 'corda.flow', config: '{"processing":{"maxRetryAttempts":2}}', schemaVersion: SV, version: 1}})
    const got = await sbx.call('GET', '/config/corda.flow')
    expect(got.body).toMatchObject({sourceConfig: '{"processing":{"maxRetryAttempts":2}}', version: 1})
    const merged = JSON.parse(got.body.configWithDefaults)
    expect(merged.processing).toMatchObject({maxRetryAttempts: 2, poolSize: 8})
    expect(merged.session.heartbeatTimeout).toBe(1_800_000)

    const stale = await sbx.call('PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: SV, config: {}})
    expect(stale.status).toBe(409)
    expect(stale.body.title).toBe(
      'net.corda.libs.configuration.exception.WrongConfigVersionException: The request specified a version of 0, but the current ' +
        'version in the database is 1. These versions must match to update the cluster configuration.',
    )
    expect(stale.body.details).toEqual({schemaVersion: '1.0', config: '{}'})

    // config as a string holding JSON, version as a numeric string (Jackson coerces it), wrapped in the parameter name
    const asString = await sbx.call('PUT', '/config', {request: {section: 'corda.flow', version: '1', schemaVersion: SV, config: '{"session": {"cleanupTime": 1000}}'}})
    expect(asString).toMatchObject({status: 202, body: {version: 2, config: '{"session":{"cleanupTime":1000}}'}})
    // a PUT replaces the stored config: the earlier override is gone
    expect(JSON.parse((await sbx.call('GET', '/config/corda.flow')).body.configWithDefaults).processing.maxRetryAttempts).toBe(5)

    // a never-set section is created with version -1
    expect((await sbx.call('PUT', '/config', {section: 'corda.membership', version: 0, schemaVersion: SV, config: {maxDuration: 5}})).status).toBe(409)
    const created = await sbx.call('PUT', '/config', {section: 'corda.membership', version: -1, schemaVersion: SV, config: {maxDuration: 5}})
    expect(created).toMatchObject({status: 202, body: {version: 0}})
    expect((await sbx.call('GET', '/config/corda.membership')).body).toMatchObject({version: 0, sourceConfig: '{"maxDuration":5}'})
    expectValidResponses()
  })

  it('refuses configs the schema rejects, unknown sections and schema versions (400), and malformed bodies (400)', async () => {
    const cases: unknown[] = [
      {processing: {maxRetryAttempts: -1}},
      {processing: {maxRetryAttempts: 1.5}},
      {processing: {maxRetryAttempts: 'many'}},
      {unknownKey: 1},
      {processing: {unknownKey: 1}},
      'not json at all',
      [1, 2],
    ]
    for (const config of cases) {
      const res = await sbx.call('PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: SV, config})
      expect(res.status, JSON.stringify(config)).toBe(400)
      expect(res.body.title).toMatch(/^Configuration ".*" could not be validated\. Valid JSON or HOCON expected\.$/)
      expect(res.body.details.cause).toBe('net.corda.libs.configuration.validation.ConfigurationValidationException')
    }
    const unknown = await sbx.call('PUT', '/config', {section: 'corda.unknown', version: 0, schemaVersion: SV, config: {}})
    expect(unknown.status).toBe(400)
    expect(unknown.body.details.reason).toMatch(/Unknown configuration section corda.unknown/)
    expect((await sbx.call('PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: {major: 2, minor: 0}, config: {}})).status).toBe(400)
    // validation comes before the version check, as on the cluster
    expect((await sbx.call('PUT', '/config', {section: 'corda.flow', version: 7, schemaVersion: SV, config: {nope: 1}})).status).toBe(400)
    for (const body of [
      {section: 'corda.flow', schemaVersion: SV, config: {}},
      {section: 'corda.flow', version: 0, config: {}},
      {section: 'corda.flow', version: 0, schemaVersion: SV},
      {section: 'corda.flow', version: 0, schemaVersion: SV, config: {}, extra: true},
    ]) {
      expect((await sbx.call('PUT', '/config', body)).status, JSON.stringify(body)).toBe(400)
    }
    expect((await sbx.call('GET', '/config/corda.flow')).body.version).toBe(0)
    expectValidResponses()
  })

  it('corda.rbac password limits apply to user validation', async () => {
    const put = await sbx.call('PUT', '/config', {section: 'corda.rbac', version: 0, schemaVersion: SV, config: {password: {length: {min: 12}}}})
    expect(put.status).toBe(202)
    const short = await sbx.call('POST', '/user', {loginName: 'jbloggs', fullName: 'J', enabled: true, initialPassword: 'elevenchars'})
    expect(short.status).toBe(400)
    expect(short.body.details['Error #1']).toMatch(/from 12 to 255/)
    expect((await sbx.call('POST', '/user', {loginName: 'jbloggs', fullName: 'J', enabled: true, initialPassword: 'twelve-chars'})).status).toBe(201)
  })
})
