// Sandbox cluster configuration as ConfigRestResourceImpl and ConfigWriterProcessor (corda-runtime-os 5.2.1) answer:
// GET /config/{section} and PUT /config with the corda-api 5.2.1.53 schemas and optimistic locking.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {SEEDED_SECTIONS} from '../../../../src/sandbox/corda/config-schema.js'
import {expectValidAnswers} from '../../../helpers/contract.js'
import {type CordaSandbox, startCorda} from '../../../helpers/cpi.js'

let sbx: CordaSandbox
beforeEach(async () => {
  sbx = await startCorda()
})
afterEach(async () => {
  await sbx.close()
})

const SV = {major: 1, minor: 0}

describe('cluster configuration', () => {
  it('answers every seeded section at version 0 with sourceConfig "{}" and its defaults; 404 for others', async () => {
    for (const section of SEEDED_SECTIONS) {
      const res = await sbx.call('GET', `/config/${section}`)
      expect(res.status).toBe(200)
      expect(res.body).toMatchObject({section, sourceConfig: '{}', schemaVersion: SV, version: 0})
      // corda.security's schema has no defaults
      if (section !== 'corda.security') expect(Object.keys(JSON.parse(res.body.configWithDefaults)).length).toBeGreaterThan(0)
    }
    const flow = JSON.parse((await sbx.call('GET', '/config/corda.flow')).body.configWithDefaults)
    expect(flow.processing.maxRetryAttempts).toBe(5)
    const missing = await sbx.call('GET', '/config/corda.nothing')
    expect(missing).toMatchObject({status: 404, body: {title: "Configuration for section 'corda.nothing not found."}})
    expect((await sbx.call('GET', '/config/corda.membership')).status).toBe(404) // known, never set
    expectValidAnswers(sbx.server.log.entries())
  })

  it('updates: 202 with the next version; sourceConfig as sent; configWithDefaults merges; a stale version is the whole 409', async () => {
    const put = await sbx.call('PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: SV, config: {processing: {maxRetryAttempts: 2}}})
    expect(put).toMatchObject({status: 202, body: {section: 'corda.flow', config: '{"processing":{"maxRetryAttempts":2}}', schemaVersion: SV, version: 1}})
    const got = await sbx.call('GET', '/config/corda.flow')
    expect(got.body).toMatchObject({sourceConfig: '{"processing":{"maxRetryAttempts":2}}', version: 1})
    const merged = JSON.parse(got.body.configWithDefaults)
    expect(merged.processing).toMatchObject({maxRetryAttempts: 2, poolSize: 8, maxIdleTime: 1_800_000})
    expect(merged.session.heartbeatTimeout).toBe(1_800_000)

    const stale = await sbx.call('PUT', '/config', {section: 'corda.flow', version: 0, schemaVersion: SV, config: {}})
    const exception = 'net.corda.libs.configuration.exception.WrongConfigVersionException'
    expect(stale.body).toEqual({
      title:
        `${exception}: New configuration represented by {"section": "corda.flow", "config": "{}", "schemaVersion": {"majorVersion": 1, "minorVersion": 0}, ` +
        `"updateActor": "admin", "version": 0} couldn't be written to the database. Cause: ${exception}: The request specified a version of 0, ` +
        'but the current version in the database is 1. These versions must match to update the cluster configuration.',
      status: 409,
      details: {schemaVersion: '1.0', config: '{}'},
    })

    // config as a string: kept as sent, HOCON included; version as a numeric string; wrapped in the parameter name
    const hocon = 'session {\n  cleanupTime = 20000  # ms\n}\nprocessing.poolSize: "4"\n'
    const asString = await sbx.call('PUT', '/config', {request: {section: 'corda.flow', version: '1', schemaVersion: SV, config: hocon}})
    expect(asString).toMatchObject({status: 202, body: {version: 2, config: hocon}})
    const again = await sbx.call('GET', '/config/corda.flow')
    expect(again.body.sourceConfig).toBe(hocon)
    const effective = JSON.parse(again.body.configWithDefaults)
    expect(effective.session.cleanupTime).toBe(20000)
    // a PUT replaces the stored config: the earlier override is gone
    expect(effective.processing.maxRetryAttempts).toBe(5)
    expect((await sbx.call('PUT', '/config', {section: 'corda.flow', version: 2, schemaVersion: SV, config: '{"session": {"cleanupTime": 10000}}'})).body.config).toBe(
      '{"session": {"cleanupTime": 10000}}',
    )

    // a never-set section is created with version -1; corda.membership accepts keys it does not know
    expect((await sbx.call('PUT', '/config', {section: 'corda.membership', version: 0, schemaVersion: SV, config: {x: 5}})).status).toBe(409)
    const created = await sbx.call('PUT', '/config', {section: 'corda.membership', version: -1, schemaVersion: SV, config: {x: 5, expirationTimeFrame: 60}})
    expect(created).toMatchObject({status: 202, body: {version: 0}})
    expect((await sbx.call('GET', '/config/corda.membership')).body).toMatchObject({version: 0, sourceConfig: '{"x":5,"expirationTimeFrame":60}'})
    expectValidAnswers(sbx.server.log.entries())
  })

  it('refuses what the corda-api 5.2 schema or the parser rejects: 400, the reason in the title after " Cause: ", no details', async () => {
    const refused = async (section: string, config: unknown, schemaVersion = SV) => {
      const res = await sbx.call('PUT', '/config', {section, version: 0, schemaVersion, config})
      const text = typeof config === 'string' ? config : JSON.stringify(config)
      const prefix = `Configuration "${text}" could not be validated. Valid JSON or HOCON expected. Cause: `
      expect(res.status, text).toBe(400)
      expect(res.body.details).toEqual({})
      expect(res.body.title.startsWith(prefix), res.body.title).toBe(true)
      return (res.body.title as string).slice(prefix.length)
    }
    const flow = (message: string) => `Configuration failed to validate for key corda.flow at schema version null: ${message}`
    expect(await refused('corda.flow', {processing: {maxRetryAttempts: -1}})).toBe(flow('$.processing.maxRetryAttempts: must have a minimum value of 0'))
    expect(await refused('corda.flow', {processing: {maxRetryAttempts: 1.5}})).toBe(flow('$.processing.maxRetryAttempts: number found, integer expected'))
    expect(await refused('corda.flow', {processing: {maxRetryAttempts: 'many'}})).toBe(flow('$.processing.maxRetryAttempts: string found, integer expected'))
    expect(await refused('corda.flow', {unknownKey: 1})).toBe(flow('$.unknownKey: is not defined in the schema and the schema does not allow additional properties'))
    expect(await refused('corda.flow', {processing: {unknownKey: 1}, session: {p2pTTL: 5}})).toBe(
      flow('$.processing.unknownKey: is not defined in the schema and the schema does not allow additional properties, $.session.p2pTTL: must have a minimum value of 10000'),
    )
    expect(await refused('corda.flow', 'processing {')).toBe('String: 1: Expecting close brace } or a comma, got end of file')
    expect(await refused('corda.security', {})).toBe('Configuration failed to validate for key corda.security at schema version null: $.policy: is missing but it is required')
    expect(await refused('corda.messaging', {publisher: {transactional: 'maybe'}})).toMatch(/\$\.publisher\.transactional: string found, boolean expected$/)
    expect(await refused('corda.p2p.gateway', {sslConfig: {tlsType: 'TWO_WAY'}})).toMatch(/\$\.sslConfig\.tlsType: /)
    expect(await refused('corda.p2p.gateway', {maxRequestSize: 5})).toMatch(/\$\.maxRequestSize: must have a minimum value of 1\.0E7$/)
    expect(await refused('corda.unknown', {})).toBe(
      'Could not retrieve the schema for key corda.unknown at schema version 1.0: Config schema at net/corda/schema/configuration/unknown/1.0/corda.unknown.json cannot be found.',
    )
    expect(await refused('corda.flow', {}, {major: 2, minor: 0})).toBe(
      'Could not retrieve the schema for key corda.flow at schema version 2.0: Config schema at net/corda/schema/configuration/flow/2.0/corda.flow.json cannot be found.',
    )
    // loose typing, as the REST worker validates: a numeric string is an integer; open sections take unknown keys
    for (const [section, config] of [
      ['corda.flow', {processing: {maxRetryAttempts: '3'}}],
      ['corda.rest', {anything: 1, endpoint: {timeoutMs: 5000}}],
      ['corda.rbac', {password: {lengthLimit: 100, extra: true}}],
    ] as const) {
      const stored = (await sbx.call('GET', `/config/${section}`)).body.version as number
      expect((await sbx.call('PUT', '/config', {section, version: stored, schemaVersion: SV, config})).status, section).toBe(202)
    }
    // validation comes before the version check, as on the cluster
    expect((await sbx.call('PUT', '/config', {section: 'corda.flow', version: 7, schemaVersion: SV, config: {nope: 1}})).status).toBe(400)
    for (const body of [
      {section: 'corda.flow', schemaVersion: SV, config: {}},
      {section: 'corda.flow', version: 0, config: {}},
      {section: 'corda.flow', version: 0, schemaVersion: SV},
      {section: 'corda.flow', version: 0, schemaVersion: SV, config: {}, extra: true},
    ]) {
      expect((await sbx.call('PUT', '/config', body)).body.title, JSON.stringify(body)).toBe("Unable to parse parameter 'request'")
    }
    expectValidAnswers(sbx.server.log.entries())
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
