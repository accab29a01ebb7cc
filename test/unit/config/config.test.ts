import {mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {readConfig, writeConfig} from '../../../src/config/config.js'
import {resolveContext} from '../../../src/config/context.js'
import {Credentials} from '../../../src/config/credentials.js'
import {configFile} from '../../../src/config/paths.js'

let dir: string
let saved: NodeJS.ProcessEnv

beforeEach(() => {
  saved = {...process.env}
  dir = mkdtempSync(join(tmpdir(), 'wc-config-'))
  for (const k of Object.keys(process.env)) if (k.startsWith('WORKERCTL_')) delete process.env[k]
  process.env.WORKERCTL_CONFIG = join(dir, 'cfg', 'config.yaml')
  process.env.WORKERCTL_CREDENTIAL_STORE = 'file'
})
afterEach(() => {
  process.env = saved
})

const twoContexts = {
  'current-context': 'prod',
  contexts: {prod: {corda: {url: 'https://prod:8888', username: 'admin'}}, dev: {jobService: {url: 'http://dev:9411'}}},
}

describe('config file', () => {
  it('finds the file: WORKERCTL_CONFIG, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configFile({WORKERCTL_CONFIG: '/a/b.yaml'})).toBe('/a/b.yaml')
    expect(configFile({XDG_CONFIG_HOME: '/x'})).toBe('/x/workerctl/config.yaml')
    expect(configFile({})).toMatch(/\.config\/workerctl\/config\.yaml$/)
  })

  it('writes atomically with mode 0600 in a 0700 directory, and reads back the same', async () => {
    await writeConfig(twoContexts)
    const path = process.env.WORKERCTL_CONFIG!
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700)
    expect(await readConfig()).toEqual(twoContexts)
  })

  it('refuses to write anything that looks like a secret', async () => {
    const bad = {contexts: {x: {corda: {url: 'http://x', password: 'pw'}}}} as never
    await expect(writeConfig(bad)).rejects.toMatchObject({exitCode: 2, message: expect.stringContaining('secrets never go in this file')})
  })

  it('reports malformed YAML with its line, as bad input (exit 2)', async () => {
    mkdirSync(dirname(process.env.WORKERCTL_CONFIG!), {recursive: true})
    writeFileSync(process.env.WORKERCTL_CONFIG!, 'contexts:\n  prod:\n    corda: {url: "http://x"\n')
    await expect(readConfig()).rejects.toMatchObject({exitCode: 2, message: expect.stringMatching(/malformed YAML at line \d/)})
  })
})

describe('context resolution', () => {
  it('takes --context, then WORKERCTL_CONTEXT, then current-context', async () => {
    await writeConfig(twoContexts)
    expect((await resolveContext()).name).toBe('prod')
    process.env.WORKERCTL_CONTEXT = 'dev'
    expect((await resolveContext()).name).toBe('dev')
    expect((await resolveContext('prod')).source).toBe('flag')
  })

  it('builds an implicit context from the environment when there is no config file', async () => {
    process.env.WORKERCTL_CORDA_URL = 'https://c:8888'
    process.env.WORKERCTL_CORDA_USERNAME = 'ci'
    process.env.WORKERCTL_JOBS_URL = 'http://j:9411'
    process.env.WORKERCTL_JOBS_PARTITION = 'p1'
    const ctx = await resolveContext()
    expect(ctx).toMatchObject({name: 'environment', source: 'environment'})
    expect(ctx.settings).toEqual({corda: {url: 'https://c:8888', username: 'ci', apiVersion: 'auto'}, jobService: {url: 'http://j:9411', partition: 'p1'}})
  })

  it('fails as bad usage for an unknown context or none at all', async () => {
    await expect(resolveContext('nope')).rejects.toMatchObject({exitCode: 2, message: 'context "nope" does not exist'})
    await expect(resolveContext()).rejects.toMatchObject({exitCode: 2, message: 'no context is configured'})
  })
})

describe('credentials', () => {
  it('prefers the environment, then the store; the file is 0600 and the warning comes once', async () => {
    const warnings: string[] = []
    const creds = new Credentials({warn: m => warnings.push(m)})
    await creds.set('prod', 'corda-password', 'from-store')
    await creds.set('prod', 'wm-password', 'other')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('credentials.json')
    const file = join(dir, 'cfg', 'credentials.json')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(await creds.get('prod', 'corda-password')).toEqual({value: 'from-store', source: 'file'})
    process.env.WORKERCTL_CORDA_PASSWORD = 'from-env'
    expect(await new Credentials({warn: () => {}}).get('prod', 'corda-password')).toEqual({value: 'from-env', source: 'env'})
    await creds.deleteAll('prod')
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({})
  })

  it('rejects an unknown store', () => {
    process.env.WORKERCTL_CREDENTIAL_STORE = 'vault'
    expect(() => new Credentials({warn: () => {}})).toThrow(/auto, keychain or file/)
  })
})
