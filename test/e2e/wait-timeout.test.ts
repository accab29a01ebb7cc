import {createServer, type Server, type Socket} from 'node:net'
import {afterAll, describe, expect, it} from 'vitest'
import {startSandbox as startServer} from '../../src/sandbox/server.js'
import {runCli, tempHome} from '../helpers/cli.js'
import {startSandbox} from '../helpers/sandbox.js'

const home = tempHome()
afterAll(() => home.cleanup())

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>(r => probe.listen(0, '127.0.0.1', r))
  const {port} = probe.address() as {port: number}
  await new Promise(r => probe.close(r))
  return port
}

describe('--timeout and --wait', () => {
  it('a server that accepts but never answers is given up on at the deadline (exit 6, no hang)', async () => {
    const sockets: Socket[] = []
    const stall: Server = createServer(s => void sockets.push(s))
    await new Promise<void>(r => stall.listen(0, '127.0.0.1', r))
    try {
      const env = {...home.env, WORKERCTL_JOBS_URL: `http://127.0.0.1:${(stall.address() as {port: number}).port}`}
      const started = Date.now()
      const {stdout, exitCode} = await runCli('cluster status --timeout 1500ms -o json', {env, timeoutMs: 15_000})
      expect(exitCode).toBe(6)
      expect(JSON.parse(stdout)[0].error).toContain('no answer before the command deadline')
      expect(Date.now() - started).toBeLessThan(10_000)
    } finally {
      for (const s of sockets) s.destroy()
      stall.close()
    }
  })

  it('cluster status --wait polls until the services come up', async () => {
    const port = await freePort()
    const env = {...home.env, WORKERCTL_JOBS_URL: `http://127.0.0.1:${port}`}
    const run = runCli('cluster status --wait --timeout 20s -o json', {env, timeoutMs: 30_000})
    await new Promise(r => setTimeout(r, 1500))
    const server = await startServer({port})
    try {
      const {stdout, exitCode} = await run
      expect(exitCode).toBe(0)
      expect(JSON.parse(stdout)[0]).toMatchObject({service: 'jobService', healthy: true})
    } finally {
      await server.close()
    }
  })

  it('cluster status --wait gives up with exit 7 when --timeout runs out', async () => {
    const env = {...home.env, WORKERCTL_JOBS_URL: `http://127.0.0.1:${await freePort()}`}
    const {stdout, stderr, exitCode} = await runCli('cluster status --wait --timeout 2s -o json', {env})
    expect(exitCode).toBe(7)
    expect(JSON.parse(stdout)[0]).toMatchObject({healthy: false})
    expect(stderr).toContain('still not healthy after --timeout 2s')
  })
})

describe('colour', () => {
  it('colours tables only when asked, and never with NO_COLOR or --no-color', async () => {
    const sbx = await startSandbox()
    try {
      const ansi = '\u001b['
      expect((await sbx.cli('cluster status', {env: {FORCE_COLOR: '1'}})).stdout).toContain(ansi)
      expect((await sbx.cli('cluster status', {env: {FORCE_COLOR: '1', NO_COLOR: '1'}})).stdout).not.toContain(ansi)
      expect((await sbx.cli('cluster status --no-color', {env: {FORCE_COLOR: '1'}})).stdout).not.toContain(ansi)
      expect((await sbx.cli('cluster status -o json', {env: {FORCE_COLOR: '1'}})).stdout).not.toContain(ansi)
    } finally {
      await sbx.close()
    }
  })
})
