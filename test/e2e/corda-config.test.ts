// End to end: `cluster config get|set|sections`, the real binary against the sandbox (PRODUCT.md §2, §4):
// optimistic locking on the section's version, "unchanged" with nothing written, one retry on a stale version.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import type {ConfigSection} from '../../src/sandbox/corda/model.js'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import {expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

interface ConfigChange {
  section: string
  previousVersion: number
  version: number
  result: 'updated' | 'unchanged'
  config: unknown
}

let sbx: Sbx

const since = (seq: number): LoggedRequest[] => sbx.since(seq)
const configPuts = (seq: number): LoggedRequest[] => since(seq).filter(r => r.method === 'PUT' && r.path === '/api/v5_2/config')
const mutations = (seq: number): LoggedRequest[] => since(seq).filter(r => r.method !== 'GET')
const stored = (section: string): ConfigSection | undefined => sbx.server.context.corda.configs.get(section)

function file(name: string, text: string): string {
  const path = join(sbx.dir, name)
  writeFileSync(path, text)
  return path
}

beforeAll(async () => {
  sbx = await startSandbox()
})
afterAll(async () => {
  await sbx?.close()
})

describe('cluster config sections', () => {
  it('prints a JSON array of section names including corda.flow', async () => {
    const seq = sbx.mark()
    const sections = await sbx.json<unknown[]>(['cluster', 'config', 'sections'])
    expect(Array.isArray(sections)).toBe(true)
    expect(sections.every(s => typeof s === 'string')).toBe(true)
    expect(sections).toEqual(expect.arrayContaining(['corda.flow', 'corda.rest', 'corda.messaging', 'corda.rbac']))
    // The REST API has no call that lists them.
    expect(since(seq)).toHaveLength(0)
  })
})

describe('cluster config get', () => {
  it('-o json prints the parsed source configuration (an object, not a string)', async () => {
    const seq = sbx.mark()
    const config = await sbx.json<unknown>(['cluster', 'config', 'get', 'corda.flow'])
    expect(config).toEqual({})
    expect(
      since(seq)
        .filter(r => r.path === '/api/v5_2/config/corda.flow')
        .map(r => r.method),
    ).toEqual(['GET'])
  })

  it('--with-defaults prints the configuration in force', async () => {
    const config = await sbx.json<{processing: {maxRetryAttempts: number; poolSize: number}}>(['cluster', 'config', 'get', 'corda.flow', '--with-defaults'])
    expect(config.processing).toMatchObject({maxRetryAttempts: 5, poolSize: 8})
  })

  it('table mode prints YAML on stdout (the header goes to stderr)', async () => {
    await sbx.json(['cluster', 'config', 'set', 'corda.messaging', '-f', file('messaging.json', '{"subscription": {"pollTimeout": 700}}')])
    const {stdout, stderr, exitCode} = await sbx.cli(['cluster', 'config', 'get', 'corda.messaging'])
    expect(exitCode, stderr).toBe(0)
    expect(parseYaml(stdout)).toEqual({subscription: {pollTimeout: 700}})
    expect(stdout).toMatch(/^subscription:\n\s+pollTimeout: 700\s*$/)
    expect(stderr).toMatch(/corda\.messaging version 1/)

    const withDefaults = await sbx.cli(['cluster', 'config', 'get', 'corda.messaging', '--with-defaults'])
    expect(withDefaults.exitCode).toBe(0)
    const parsed = parseYaml(withDefaults.stdout) as {subscription: {pollTimeout: number; commitRetries: number}; maxAllowedMessageSize: number}
    expect(parsed.subscription).toMatchObject({pollTimeout: 700, commitRetries: 3})
    expect(parsed.maxAllowedMessageSize).toBe(972_800)
  })

  it('an unknown section exits 3 with one Error line', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['cluster', 'config', 'get', 'corda.nosuchsection'])
    expect(exitCode, stderr).toBe(3)
    expect(stdout).toBe('')
    expectOneError(stderr, /corda\.nosuchsection/)
  })
})

describe('cluster config set', () => {
  const yamlFile = () => file('flow.yaml', 'processing:\n  maxRetryAttempts: 7\n  poolSize: 4\n')

  it('from a YAML file: updated, previousVersion → version, one PUT with the version read and schemaVersion', async () => {
    const before = stored('corda.flow')!.version
    const seq = sbx.mark()
    const change = await sbx.json<ConfigChange>(['cluster', 'config', 'set', 'corda.flow', '-f', yamlFile()])
    expect(change).toEqual({section: 'corda.flow', previousVersion: before, version: before + 1, result: 'updated', config: {processing: {maxRetryAttempts: 7, poolSize: 4}}})
    const puts = configPuts(seq)
    expect(puts).toHaveLength(1)
    expect(puts[0]!.status).toBe(202)
    expect(puts[0]!.requestBody).toMatchObject({section: 'corda.flow', version: before, schemaVersion: {major: 1, minor: 0}})
    expect(stored('corda.flow')!.version).toBe(before + 1)

    const got = await sbx.json<unknown>(['cluster', 'config', 'get', 'corda.flow'])
    expect(got).toEqual({processing: {maxRetryAttempts: 7, poolSize: 4}})
  })

  it('the same file again is unchanged (exit 0) and sends no PUT /config', async () => {
    const version = stored('corda.flow')!.version
    const seq = sbx.mark()
    const change = await sbx.json<ConfigChange>(['cluster', 'config', 'set', 'corda.flow', '-f', yamlFile()])
    expect(change).toMatchObject({section: 'corda.flow', previousVersion: version, version, result: 'unchanged'})
    expect(configPuts(seq)).toHaveLength(0)
    expect(mutations(seq)).toHaveLength(0)

    // The same content as JSON is the same configuration.
    const asJson = await sbx.json<ConfigChange>(['cluster', 'config', 'set', 'corda.flow', '-f', file('flow.json', '{"processing": {"poolSize": 4, "maxRetryAttempts": 7}}')])
    expect(asJson.result).toBe('unchanged')
    expect(configPuts(seq)).toHaveLength(0)
  })

  it('-f - reads JSON from stdin', async () => {
    const version = stored('corda.flow')!.version
    const seq = sbx.mark()
    const {stdout, stderr, exitCode} = await sbx.cli(['cluster', 'config', 'set', 'corda.flow', '-f', '-', '-o', 'json'], {stdin: '{"processing": {"maxRetryAttempts": 9}}\n'})
    expect(exitCode, stderr).toBe(0)
    expect(JSON.parse(stdout)).toEqual({section: 'corda.flow', previousVersion: version, version: version + 1, result: 'updated', config: {processing: {maxRetryAttempts: 9}}})
    expect(configPuts(seq)).toHaveLength(1)
    expect(JSON.parse(stored('corda.flow')!.source)).toEqual({processing: {maxRetryAttempts: 9}})
  })

  it('-f - reads YAML from stdin too; table output names the result', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['cluster', 'config', 'set', 'corda.flow', '-f', '-'], {stdin: 'processing:\n  maxRetryAttempts: 9\n'})
    expect(exitCode, stderr).toBe(0)
    expect(stdout).toMatch(/unchanged/)
  })

  it('malformed YAML exits 2 and sends nothing', async () => {
    const seq = sbx.mark()
    const {stdout, stderr, exitCode} = await sbx.cli(['cluster', 'config', 'set', 'corda.flow', '-f', file('bad.yaml', 'processing: [1,\n  x: :\n')])
    expect(exitCode, stderr).toBe(2)
    expect(stdout).toBe('')
    expectOneError(stderr, /bad\.yaml/)
    expect(since(seq)).toHaveLength(0)
  })

  it('a file that is not a mapping exits 2 and sends nothing', async () => {
    const seq = sbx.mark()
    const {stderr, exitCode} = await sbx.cli(['cluster', 'config', 'set', 'corda.flow', '-f', file('list.yaml', '- 1\n- 2\n')])
    expect(exitCode, stderr).toBe(2)
    expectOneError(stderr)
    expect(since(seq)).toHaveLength(0)
  })

  it('a configuration the cluster refuses (unknown key) exits 2 with the server message', async () => {
    const version = stored('corda.flow')!.version
    const {stderr, exitCode} = await sbx.cli(['cluster', 'config', 'set', 'corda.flow', '-f', file('unknown.yaml', 'processing:\n  noSuchKey: 1\n')])
    expect(exitCode, stderr).toBe(2)
    expectOneError(stderr, /noSuchKey/)
    expect(stored('corda.flow')!.version).toBe(version)
  })

  it('retries once on a stale version (409): another writer changed the section between the GET and the PUT', async () => {
    const configs = sbx.server.context.corda.configs
    const original = configs.get.bind(configs)
    const start = configs.get('corda.rest')!
    let armed = true
    // The first read of corda.rest (the command's GET) answers the current state, then "another operator" writes
    // the section: the version moves on, so the command's PUT carries a stale version.
    configs.get = (section: string) => {
      const current = original(section)
      if (armed && section === 'corda.rest' && current) {
        armed = false
        queueMicrotask(() => configs.set(section, {...current, source: JSON.stringify({endpoint: {timeoutMs: 5000}}), version: current.version + 1}))
      }
      return current
    }
    try {
      const seq = sbx.mark()
      const change = await sbx.json<ConfigChange>(['cluster', 'config', 'set', 'corda.rest', '-f', file('rest.yaml', 'endpoint:\n  timeoutMs: 200000\n')])
      expect(armed).toBe(false)
      expect(change).toEqual({section: 'corda.rest', previousVersion: start.version + 1, version: start.version + 2, result: 'updated', config: {endpoint: {timeoutMs: 200_000}}})

      const exchanges = since(seq).filter(r => r.path === '/api/v5_2/config/corda.rest' || r.path === '/api/v5_2/config')
      expect(exchanges.map(r => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'GET /api/v5_2/config/corda.rest 200',
        'PUT /api/v5_2/config 409',
        'GET /api/v5_2/config/corda.rest 200',
        'PUT /api/v5_2/config 202',
      ])
      expect(exchanges.filter(r => r.status === 409)).toHaveLength(1)
      expect((exchanges[1]!.requestBody as {version: number}).version).toBe(start.version)
      expect((exchanges[3]!.requestBody as {version: number}).version).toBe(start.version + 1)
      expect(stored('corda.rest')).toMatchObject({version: start.version + 2, source: JSON.stringify({endpoint: {timeoutMs: 200_000}})})
    } finally {
      configs.get = original
    }
  })

  it('gives up after one retry: a second stale version exits 5 with one Error line', async () => {
    const configs = sbx.server.context.corda.configs
    const original = configs.get.bind(configs)
    let pending = false
    // Another writer keeps changing corda.rest: after every request that reads it, its version moves on, so the
    // retry's PUT is stale too. (One bump per request: a handler may read the section more than once.)
    configs.get = (section: string) => {
      const current = original(section)
      if (section === 'corda.rest' && current && !pending) {
        pending = true
        queueMicrotask(() => {
          pending = false
          const now = original(section)!
          configs.set(section, {...now, version: now.version + 1})
        })
      }
      return current
    }
    try {
      const seq = sbx.mark()
      const {stdout, stderr, exitCode} = await sbx.cli(['cluster', 'config', 'set', 'corda.rest', '-f', file('rest2.yaml', 'endpoint:\n  timeoutMs: 300000\n')])
      expect(exitCode, stderr).toBe(5)
      expect(stdout).toBe('')
      expectOneError(stderr, /409/)
      const puts = configPuts(seq)
      expect(puts.map(r => r.status)).toEqual([409, 409])
    } finally {
      configs.get = original
    }
  })
})

describe('contract', () => {
  it('every exchange of this file validates against the Corda OpenAPI spec', () => {
    expectContract(sbx.requests())
  })
})
