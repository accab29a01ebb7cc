import {readFileSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import {runCli, tempHome} from '../helpers/cli.js'

const home = tempHome()
const cli = (args: string | string[], env: Record<string, string> = {}) => runCli(args, {env: {...home.env, ...env}})
afterAll(() => home.cleanup())

describe('context commands', () => {
  it('creates, lists, shows, switches and deletes contexts without any secret in the file', async () => {
    const created = await cli(
      'context set staging --corda-url https://corda.staging:8888 --username admin --oauth-client web:s3cr3t-client --wm-url https://gw.staging --tenant p1 -o json',
    )
    expect(created.exitCode).toBe(0)
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: 'staging',
      result: 'created',
      corda: {url: 'https://corda.staging:8888', username: 'admin'},
      workerManager: {oauthClient: 'web'},
    })
    expect(readFileSync(home.env.WORKERCTL_CONFIG!, 'utf8')).not.toContain('s3cr3t-client')

    expect((await cli('context set local --jobs-url http://127.0.0.1:9411 --partition p2')).exitCode).toBe(0)
    const list = JSON.parse((await cli('context list -o json')).stdout)
    expect(list.map((c: {name: string; current: boolean}) => [c.name, c.current])).toEqual([
      ['staging', true],
      ['local', false],
    ])

    expect((await cli('context use local')).exitCode).toBe(0)
    const shown = JSON.parse((await cli('context show -o json')).stdout)
    expect(shown).toMatchObject({name: 'local', source: 'current-context', jobService: {url: 'http://127.0.0.1:9411', partition: 'p2'}, credentials: {jobService: 'none'}})
    const withEnv = JSON.parse((await cli('context show staging -o json', {WORKERCTL_CORDA_PASSWORD: 'x'})).stdout)
    expect(withEnv.credentials).toEqual({corda: 'env', workerManager: 'none'})

    const missing = await cli('context use nope')
    expect(missing.exitCode).toBe(3)
    expect((await cli('context delete staging')).exitCode).toBe(0)
    expect(JSON.parse((await cli('context list -o json')).stdout).map((c: {name: string}) => c.name)).toEqual(['local'])
    expect(JSON.parse(readFileSync(home.env.WORKERCTL_CONFIG!.replace('config.yaml', 'credentials.json'), 'utf8'))).toEqual({})
  })

  it('reports a broken config file as bad input, naming the file', async () => {
    const other = tempHome()
    try {
      const {mkdirSync, writeFileSync} = await import('node:fs')
      const path = await import('node:path')
      mkdirSync(path.dirname(other.env.WORKERCTL_CONFIG!), {recursive: true})
      writeFileSync(other.env.WORKERCTL_CONFIG!, 'contexts: [oops\n')
      const {stderr, exitCode} = await runCli('context list', {env: other.env})
      expect(exitCode).toBe(2)
      expect(stderr).toContain(other.env.WORKERCTL_CONFIG!)
    } finally {
      other.cleanup()
    }
  })
})
