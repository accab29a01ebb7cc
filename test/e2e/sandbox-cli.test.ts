import {existsSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import {runCli, tempHome} from '../helpers/cli.js'

const home = tempHome()
const cli = (args: string) => runCli(args, {env: home.env})

afterAll(async () => {
  await cli('sandbox stop')
  home.cleanup()
})

describe('sandbox start, status and stop (background)', () => {
  it('starts in the background, makes every command work with no login, and stops', async () => {
    const started = await cli('sandbox start -o json')
    expect(started.exitCode).toBe(0)
    const state = JSON.parse(started.stdout)
    expect(state).toMatchObject({result: 'started', context: 'sandbox', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)})

    const status = await cli('cluster status -o json')
    expect(status.exitCode).toBe(0)
    expect(JSON.parse(status.stdout).every((h: {healthy: boolean}) => h.healthy)).toBe(true)

    const again = await cli('sandbox start -o json')
    expect(JSON.parse(again.stdout)).toMatchObject({result: 'already running', pid: state.pid})

    const running = await cli('sandbox status -o json')
    expect(running.exitCode).toBe(0)
    expect(JSON.parse(running.stdout)).toMatchObject({running: true, pid: state.pid, requests: expect.any(Number)})

    expect((await cli('sandbox stop')).exitCode).toBe(0)
    expect(() => process.kill(state.pid, 0)).toThrow()
    const stopped = await cli('sandbox status -o json')
    expect(stopped.exitCode).toBe(3)
    expect(JSON.parse(stopped.stdout)).toEqual({running: false})
  })

  it('starts with --tls and writes the CA beside the config for --ca-cert', async () => {
    const started = await cli('sandbox start --tls -o json')
    expect(started.exitCode).toBe(0)
    const state = JSON.parse(started.stdout)
    expect(state.url).toMatch(/^https:/)
    expect(existsSync(state.caPath)).toBe(true)
    // The sandbox context carries the CA, so verification stays on and passes.
    const status = await cli('cluster status -o json')
    expect(status.exitCode).toBe(0)
    expect(JSON.parse(status.stdout)[0]).toMatchObject({tls: 'ok'})
    expect((await cli('sandbox stop')).exitCode).toBe(0)
  })
})
