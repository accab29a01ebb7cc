// Every request the Corda commands send and every answer the sandbox gives them, against the v5_2 spec and its
// overlay: a whole deployment (certificate, CPI, vnodes, flows, maintenance, upgrade) plus the usual refusals.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {expectContract} from '../helpers/contract.js'
import {writeDemoFiles, makeCpi, DEMO_CPI} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

let sbx: Sbx
beforeAll(async () => {
  sbx = await startSandbox({requireSigner: true})
})
afterAll(async () => {
  await sbx?.close()
})

/** The operations a deployment must have exercised: method and path under /api/v5_2. */
const OPERATIONS: Array<[string, RegExp]> = [
  ['GET', /^\/certificate\/cluster\/code-signer$/],
  ['PUT', /^\/certificate\/cluster\/code-signer$/],
  ['GET', /^\/cpi$/],
  ['POST', /^\/cpi$/],
  ['POST', /^\/maintenance\/virtualnode\/forcecpiupload$/],
  ['GET', /^\/cpi\/status\/[^/]+$/],
  ['POST', /^\/virtualnode$/],
  ['GET', /^\/virtualnode$/],
  ['GET', /^\/virtualnode\/[0-9A-F]{12}$/],
  ['GET', /^\/virtualnode\/status\/[^/]+$/],
  ['PUT', /^\/virtualnode\/[0-9A-F]{12}\/state\/(MAINTENANCE|ACTIVE)$/],
  ['PUT', /^\/virtualnode\/[0-9A-F]{12}\/cpi\/[0-9A-F]{12}$/],
  ['GET', /^\/flowclass\/[0-9A-F]{12}$/],
  ['POST', /^\/flow\/[0-9A-F]{12}$/],
  ['GET', /^\/flow\/[0-9A-F]{12}$/],
  ['GET', /^\/flow\/[0-9A-F]{12}\/[^/]+$/],
]

describe('contract: the Corda commands', () => {
  it('a whole deployment, and the refusals on the way, exchange only what the spec allows', async () => {
    const files = await writeDemoFiles(join(sbx.dir, 'files'))
    const changed = join(sbx.dir, 'files', 'changed.cpi')
    writeFileSync(changed, makeCpi({name: DEMO_CPI.name, version: '1.0', groupId: DEMO_CPI.groupId, extraBytes: 'changed'}))
    sbx.server.log.clear()
    const run = async (args: string, expected: number) => {
      const res = await sbx.cli(args)
      expect(res.exitCode, `${args}\n${res.stderr}`).toBe(expected)
    }
    await run(`cpi upload ${files.cpi}`, 8) // the signer is not trusted yet: the status call answers 400
    await run(`cert import ${files.signer} --usage code-signer --alias demo`, 0)
    await run(`cpi upload ${files.cpi}`, 0)
    await run(`cpi upload ${changed}`, 5) // same name, version and signer: 409 from the status call
    await run(`cpi upload ${changed} --force`, 0)
    await run(`cpi upload ${files.cpiV2}`, 0)
    await run('vnode create --x500 "CN=Alice, O=Alice Corp, L=London, C=GB" --cpi workerctl-demo@1.0', 0)
    await run('vnode create --x500 "CN=Alice, O=Alice Corp, L=London, C=GB" --cpi workerctl-demo@1.0', 0) // 409 → unchanged
    await run('flow classes Alice', 0)
    await run(`flow start Alice com.r3.sandbox.EchoFlow --args {"a":1} --id e1`, 0)
    await run('flow start Alice com.r3.sandbox.EchoFlow --id e1', 0) // 409 → that flow
    await run('flow start Alice com.r3.sandbox.Nope', 2) // 400 not startable
    await run('flow start Alice com.r3.sandbox.SlowFlow --no-wait --id s1', 0)
    await run('flow list Alice --status RUNNING', 0)
    await run('vnode maintenance Alice --yes', 0)
    await run('flow start Alice com.r3.sandbox.EchoFlow', 5) // 405
    await run('vnode activate Alice', 0)
    await run('vnode upgrade Alice --cpi workerctl-demo@2.0 --yes', 0)
    await run('vnode get 000000000000', 3) // 404, then the list
    const exchanges = sbx.requests()
    expectContract(exchanges)
    const statuses = new Set(exchanges.map(e => e.status))
    for (const status of [200, 202, 204, 400, 404, 405, 409]) expect(statuses, `no ${status} answer was exercised`).toContain(status)
    const missing = OPERATIONS.filter(([method, path]) => !exchanges.some(e => e.method === method && path.test(e.path.replace(/^\/api\/v5_2/, ''))))
    expect(missing.map(([m, p]) => `${m} ${p}`)).toEqual([])
  }, 180_000)
})
