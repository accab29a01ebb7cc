import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

let sbx: Sbx
let env: Record<string, string>

beforeAll(async () => {
  sbx = await startSandbox({tls: true, configure: false})
  env = {WORKERCTL_CORDA_URL: sbx.url, WORKERCTL_CORDA_USERNAME: 'admin', WORKERCTL_CORDA_PASSWORD: 'admin'}
})
afterAll(async () => {
  await sbx?.close()
})

describe('TLS', () => {
  it('refuses a self-signed certificate by default: exit 6 with a hint', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli('cluster status -o json', {env})
    expect(exitCode).toBe(6)
    expect(JSON.parse(stdout)[0]).toMatchObject({tls: 'failed', reachable: false})
    expect(stderr).toMatch(/--ca-cert/)
  })

  it('trusts the sandbox CA given with --ca-cert', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['cluster', 'status', '-o', 'json', '--ca-cert', sbx.caFile!], {env})
    expect(exitCode).toBe(0)
    expect(JSON.parse(stdout)[0]).toMatchObject({tls: 'ok', healthy: true})
    expect(stderr).toBe('')
  })

  it('skips verification with --insecure, and says so', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli('cluster status -o json --insecure', {env})
    expect(exitCode).toBe(0)
    expect(JSON.parse(stdout)[0]).toMatchObject({tls: 'unverified', healthy: true})
    expect(stderr).toMatch(/^Warning: TLS certificate verification is off/m)
  })

  it('login fails on the certificate with exit 6 and works with --ca-cert', async () => {
    const bad = await sbx.cli(`login --context tls --corda-url ${sbx.url} --username admin --password-stdin`, {stdin: 'admin\n'})
    expect(bad.exitCode).toBe(6)
    expect(bad.stderr).toMatch(/^Hint: .*--ca-cert/m)
    const good = await sbx.cli(['login', '--context', 'tls', '--corda-url', sbx.url, '--username', 'admin', '--password-stdin', '--ca-cert', sbx.caFile!], {stdin: 'admin\n'})
    expect(good.exitCode).toBe(0)
    // The CA is remembered in the context: no flag needed from now on.
    expect((await sbx.cli('cluster status')).exitCode).toBe(0)
  })
})
