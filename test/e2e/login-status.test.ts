import {existsSync, readFileSync, statSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {dirname, join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli, tempHome} from '../helpers/cli.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

const PASSWORD = 'S3cret-pw!x'
let sbx: Sbx

beforeAll(async () => {
  sbx = await startSandbox({password: PASSWORD, configure: false})
})
afterAll(async () => {
  await sbx?.close()
})

const loginArgs = (url: string, extra = '') =>
  `login --context dev --corda-url ${url} --username admin --wm-url ${url} --tenant sandbox --wm-username admin --jobs-url ${url} --password-stdin ${extra}`

describe('login and cluster status', () => {
  it('logs in to all three services, saves a 0600 config with no secret, and warns once about the file store', async () => {
    const first = await sbx.cli(loginArgs(sbx.url), {stdin: `${PASSWORD}\n`})
    expect(first.stderr).toContain('secrets are kept in')
    expect(first.exitCode).toBe(0)
    const configPath = sbx.env.WORKERCTL_CONFIG!
    expect(statSync(configPath).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(configPath)).mode & 0o777).toBe(0o700)
    const config = readFileSync(configPath, 'utf8')
    expect(config).toContain('current-context: dev')
    expect(config).not.toContain(PASSWORD)
    expect(statSync(join(dirname(configPath), 'credentials.json')).mode & 0o777).toBe(0o600)

    const again = await sbx.cli(loginArgs(sbx.url), {stdin: `${PASSWORD}\n`})
    expect(again.exitCode).toBe(0)
    expect(again.stderr).not.toContain('secrets are kept in')
  })

  it('shows every service healthy as a table', async () => {
    const {stdout, exitCode} = await sbx.cli('cluster status')
    expect(exitCode).toBe(0)
    expect(stdout).toMatch(/SERVICE\s+URL\s+STATUS/)
    expect(stdout.match(/healthy/g)).toHaveLength(3)
    expect(stdout).toContain('API v5_2')
    expect(stdout).not.toContain('\u001b[') // no colour on a pipe
  })

  it('gives the same report as JSON, with -o json and --json', async () => {
    const {stdout, exitCode} = await sbx.cli('cluster status -o json')
    expect(exitCode).toBe(0)
    const report = JSON.parse(stdout)
    expect(report.map((h: {service: string}) => h.service)).toEqual(['corda', 'workerManager', 'jobService'])
    expect(report[0]).toMatchObject({healthy: true, reachable: true, tls: 'none', authenticated: true, apiVersion: 'v5_2'})
    expect(report[1]).toMatchObject({healthy: true, aliveWorkerTypes: 2})
    expect(report[2]).toMatchObject({healthy: true, ping: true})
    const alias = JSON.parse((await sbx.cli('cluster status --json')).stdout)
    expect(alias.map((h: {healthy: boolean}) => h.healthy)).toEqual([true, true, true])
  })

  it('traces requests with --verbose but never shows a password or token', async () => {
    const {stderr, exitCode} = await sbx.cli('cluster status --verbose')
    expect(exitCode).toBe(0)
    expect(stderr).toMatch(/→ POST http:\/\/127\.0\.0\.1:\d+\/api\/v5_2\/hello\?addressee=workerctl/)
    expect(stderr).toMatch(/← 200 OK \(\d+ ms\)/)
    expect(stderr).toContain('Authorization: Basic [redacted]')
    expect(stderr).toMatch(/CAF-Correlation-Id: [0-9a-f-]{36}/)
    expect(stderr).not.toContain(PASSWORD)
    expect(stderr).not.toContain(Buffer.from(`admin:${PASSWORD}`).toString('base64'))
    // The sandbox's log keeps no token (it redacts them too): the one the CLI got is the session it cached in the store.
    const store = readFileSync(join(sbx.dir, 'config', 'credentials.json'), 'utf8')
    const tokens = [...store.matchAll(/[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/g)].map(m => m[0])
    expect(tokens.length).toBeGreaterThan(0)
    for (const token of tokens) expect(stderr).not.toContain(token)
  })

  it('a wrong password fails the login with exit 4 and saves nothing', async () => {
    const home = tempHome()
    try {
      const {stderr, exitCode} = await runCli(loginArgs(sbx.url), {env: home.env, stdin: 'wrong\n'})
      expect(exitCode).toBe(4)
      expect(stderr).toMatch(/^Error: login to Corda failed: 401 Error during user authentication; nothing was saved$/m)
      expect(stderr).not.toContain('wrong')
      expect(existsSync(home.env.WORKERCTL_CONFIG!)).toBe(false)
    } finally {
      home.cleanup()
    }
  })

  it('uses the implicit environment context when there is no config file', async () => {
    const home = tempHome()
    try {
      const env = {
        ...home.env,
        WORKERCTL_CORDA_URL: sbx.url,
        WORKERCTL_CORDA_USERNAME: 'admin',
        WORKERCTL_CORDA_PASSWORD: PASSWORD,
        WORKERCTL_JOBS_URL: sbx.url,
        WORKERCTL_JOBS_PARTITION: 'default',
      }
      const {stdout, exitCode} = await runCli('cluster status -o json', {env})
      expect(exitCode).toBe(0)
      expect(JSON.parse(stdout).map((h: {service: string}) => h.service)).toEqual(['corda', 'jobService'])
      expect(existsSync(home.env.WORKERCTL_CONFIG!)).toBe(false)
    } finally {
      home.cleanup()
    }
  })

  it('reports an unhealthy service with exit 9 while another is fine', async () => {
    const home = tempHome()
    try {
      const env = {...home.env, WORKERCTL_CORDA_URL: sbx.url, WORKERCTL_CORDA_USERNAME: 'admin', WORKERCTL_CORDA_PASSWORD: 'nope', WORKERCTL_JOBS_URL: sbx.url}
      const {stdout, exitCode} = await runCli('cluster status -o json', {env})
      expect(exitCode).toBe(9)
      expect(JSON.parse(stdout)[0]).toMatchObject({service: 'corda', healthy: false, reachable: true, authenticated: false})
    } finally {
      home.cleanup()
    }
  })
})

describe('unreachable services', () => {
  let closed: Server
  let port: number
  beforeAll(async () => {
    // Bind a port and close it again: nothing listens there afterwards.
    closed = createServer()
    await new Promise<void>(r => closed.listen(0, '127.0.0.1', r))
    port = (closed.address() as {port: number}).port
    await new Promise(r => closed.close(r))
  })

  it('cluster status exits 6 when no service answers', async () => {
    const home = tempHome()
    try {
      const env = {...home.env, WORKERCTL_JOBS_URL: `http://127.0.0.1:${port}`}
      const {stdout, exitCode} = await runCli('cluster status -o json', {env})
      expect(exitCode).toBe(6)
      expect(JSON.parse(stdout)[0]).toMatchObject({service: 'jobService', reachable: false, error: expect.stringContaining('connection refused')})
    } finally {
      home.cleanup()
    }
  })

  it('login to an unreachable port exits 6 with one Error line and a Hint, no stack trace', async () => {
    const home = tempHome()
    try {
      const {stderr, exitCode} = await runCli(`login --jobs-url http://127.0.0.1:${port}`, {env: home.env})
      expect(exitCode).toBe(6)
      expect(stderr.match(/^Error: /gm)).toHaveLength(1)
      expect(stderr).toMatch(/^Hint: /m)
      expect(stderr).not.toMatch(/\n\s+at /)
    } finally {
      home.cleanup()
    }
  })
})

describe('never a prompt without a person', () => {
  it('names the missing flag instead of prompting, with CI=true or stdin not a terminal', async () => {
    const home = tempHome()
    try {
      const noPassword = await runCli(`login --corda-url ${sbx.url} --username admin`, {env: {...home.env, CI: 'true'}})
      expect(noPassword.exitCode).toBe(2)
      expect(noPassword.stderr).toMatch(/^Error: missing --password-stdin \(or WORKERCTL_CORDA_PASSWORD\)$/m)
      const noUser = await runCli(`login --corda-url ${sbx.url}`, {env: home.env})
      expect(noUser.exitCode).toBe(2)
      expect(noUser.stderr).toMatch(/^Error: missing --username$/m)
      const nothing = await runCli('login', {env: home.env})
      expect(nothing.exitCode).toBe(2)
      expect(nothing.stderr).toContain('--corda-url')
      expect(sbx.requests().filter(r => r.query.addressee === undefined && r.method === 'POST' && r.path.includes('hello'))).toEqual([])
    } finally {
      home.cleanup()
    }
  })
})
