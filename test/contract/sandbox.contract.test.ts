// Holds both sides to the services' published specs: every request our clients sent to the sandbox,
// and every answer the sandbox gave, including its errors.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {contractFor, expectContract, validateExchange, validateResponse} from '../helpers/contract.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

let sbx: Sbx

beforeAll(async () => {
  sbx = await startSandbox()
})
afterAll(async () => {
  await sbx?.close()
})

describe('contract: client requests and sandbox responses', () => {
  it('everything login and cluster status exchange with the services matches the specs', async () => {
    sbx.server.log.clear()
    const url = sbx.url
    const login = await sbx.cli(`login --context c --corda-url ${url} --username admin --wm-url ${url} --tenant sandbox --wm-username admin --jobs-url ${url} --password-stdin`, {
      stdin: 'admin\n',
    })
    expect(login.exitCode).toBe(0)
    expect((await sbx.cli('cluster status')).exitCode).toBe(0)
    const exchanges = sbx.requests()
    const covered = new Set(exchanges.map(e => contractFor(e.path)).filter(Boolean))
    expect(covered).toEqual(new Set(['corda-v5_2', 'workermanager', 'jobservice']))
    expectContract(exchanges)
  })

  it('the sandbox answers errors in the shapes the specs and PRODUCT.md §8 allow', async () => {
    sbx.server.log.clear()
    const basic = `Basic ${Buffer.from('admin:admin').toString('base64')}`
    await fetch(`${sbx.url}/api/v5_2/hello?addressee=x`, {method: 'POST'}) // 401
    await fetch(`${sbx.url}/api/v5_2/hello?addressee=x`, {method: 'POST', headers: {authorization: 'Basic d3Jvbmc6d3Jvbmc='}}) // 401
    await fetch(`${sbx.url}/api/v5_2/hello`, {method: 'POST', headers: {authorization: basic}}) // 400: addressee missing
    for (const v of ['v5_1', 'v1']) await fetch(`${sbx.url}/api/${v}/hello?addressee=y`, {method: 'POST', headers: {authorization: basic}})
    await fetch(`${sbx.url}/api/v1/rs-worker-manager/workers`) // Spring 401
    await fetch(`${sbx.url}/api/v1/rs-worker-manager/workers`, {headers: {authorization: 'Bearer not-a-token'}})
    await fetch(`${sbx.url}/job-service/v1/ping`, {headers: {authorization: 'Bearer ignored'}})
    const exchanges = sbx.requests()
    expect(exchanges.map(e => e.status)).toEqual([401, 401, 400, 200, 200, 401, 401, 200])
    // The requests are deliberately wrong here (no credentials, no addressee); the answers must still be right.
    for (const exchange of exchanges) expect(validateResponse(exchange)).toEqual([])
  })

  it('the contract check is not vacuous: a wrong answer is caught', () => {
    const [hello] = sbx.requests().filter(e => e.path === '/api/v5_2/hello' && e.status === 401)
    expect(hello).toBeDefined()
    expect(validateExchange({...hello!, responseBody: {message: 'User authentication failed.'}})).not.toEqual([])
  })
})
