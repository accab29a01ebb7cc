// Sandbox flows as FlowRestResourceImpl (corda-runtime-os 5.2.1) answers them, driven over HTTP with a manual clock.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {SANDBOX_FLOWS} from '../../../../src/sandbox/corda/flow-lifecycle.js'
import {CORDA_DELAYS, SANDBOX_SIGNER} from '../../../../src/sandbox/corda/store.js'
import {expectValidAnswers} from '../../../helpers/contract.js'
import {checksumsOf, type CordaSandbox, makeCpi, startCorda} from '../../../helpers/cpi.js'

let sbx: CordaSandbox
let h: string
const GROUP = '7c5d6948-e17b-44e7-9d1c-fa4a3f667cad'
const ALICE = 'CN=Alice, OU=Test Dept, O=R3, L=London, C=GB'

beforeEach(async () => {
  sbx = await startCorda()
  const file = makeCpi({name: 'App', version: '1.0', groupId: GROUP})
  expect((await sbx.uploadAndWait(file)).body.status).toBe('OK')
  h = await sbx.createVNode(ALICE, checksumsOf(file).cpiFileChecksum)
})
afterEach(async () => {
  await sbx.close()
})

const start = (clientRequestId: string, flowClassName: string, requestBody: unknown = {}, vnode = h) =>
  sbx.call('POST', `/flow/${vnode}`, {clientRequestId, flowClassName, requestBody})
const ids = (res: {body: {flowStatusResponses: Array<{clientRequestId: string}>}}) => res.body.flowStatusResponses.map(f => f.clientRequestId)

describe('flows', () => {
  it('lists the startable flow classes; 400 for a bad short hash, 404 with the real text for an unknown one', async () => {
    expect((await sbx.call('GET', `/flowclass/${h.toLowerCase()}`)).body).toEqual({flowClassNames: Object.values(SANDBOX_FLOWS)})
    expect((await sbx.call('GET', '/flowclass/00000000000a')).body).toEqual({title: "Virtual Node '00000000000A' not found.", status: 404, details: {}})
    expect((await sbx.call('GET', '/flowclass/ABC')).body).toEqual({
      title: 'Invalid holding identity short hash: Hex string has length of 3 but should be 12 characters',
      status: 400,
      details: {},
    })
    expect((await sbx.call('GET', '/flow/XYZXYZXYZXYZ')).body.title).toBe("Invalid holding identity short hash: Not a hex string: 'XYZXYZXYZXYZ'")
  })

  it('starts an echo flow: 202 with flowError null, a status stored a moment later, RUNNING → COMPLETED; /result 202 then 200', async () => {
    const res = await start('echo-1', SANDBOX_FLOWS.echo, {hello: 'world'})
    expect(res.status).toBe(202)
    expect(res.body).toEqual({
      holdingIdentityShortHash: h,
      clientRequestId: 'echo-1',
      flowId: null,
      flowStatus: 'START_REQUESTED',
      flowResult: null,
      flowError: null,
      timestamp: expect.any(String),
    })
    // the status reaches the REST worker's store asynchronously: 404 for a moment, and the list lacks it
    const early = await sbx.call('GET', `/flow/${h.toLowerCase()}/echo-1`)
    expect(early.body).toEqual({
      title: `Failed to find the flow status for holdingId = ${h.toLowerCase()} and clientRequestId = echo-1.`,
      status: 404,
      details: {},
    })
    expect((await sbx.call('GET', `/flow/${h}`)).body).toEqual({flowStatusResponses: []})
    sbx.advance(CORDA_DELAYS.flowStatusLag)
    const pending = await sbx.call('GET', `/flow/${h}/echo-1/result`)
    expect(pending.status).toBe(202)
    expect(pending.body).toMatchObject({flowStatus: 'START_REQUESTED', json: null, flowError: null})
    sbx.advance(CORDA_DELAYS.flowRunning)
    const running = await sbx.call('GET', `/flow/${h}/echo-1`)
    expect(running.body).toMatchObject({flowStatus: 'RUNNING', flowError: null})
    expect(running.body.flowId).toMatch(/^[0-9a-f-]{36}$/)
    sbx.advance(CORDA_DELAYS.flowDone)
    expect((await sbx.call('GET', `/flow/${h}/echo-1`)).body).toMatchObject({flowStatus: 'COMPLETED', flowResult: '{"hello":"world"}', flowError: null})
    const result = await sbx.call('GET', `/flow/${h}/echo-1/result`)
    expect(result.status).toBe(200)
    expect(result.body).toMatchObject({flowStatus: 'COMPLETED', json: {hello: 'world'}, flowError: null})
    // a string requestBody is passed through as is
    await start('echo-2', SANDBOX_FLOWS.echo, 'plain text')
    sbx.advance(CORDA_DELAYS.flowDone)
    expect((await sbx.call('GET', `/flow/${h}/echo-2`)).body.flowResult).toBe('plain text')
    expect((await sbx.call('GET', `/flow/${h}/echo-2/result`)).body.json).toBe('plain text')
    expect(ids(await sbx.call('GET', `/flow/${h}`))).toEqual(['echo-1', 'echo-2'])
    expectValidAnswers(sbx.server.log.entries())
  })

  it('a re-POST before the status is stored is accepted again (same flow); once stored it is 409 with the real text', async () => {
    expect((await start('again', SANDBOX_FLOWS.echo, {n: 1})).status).toBe(202)
    const twice = await start('again', SANDBOX_FLOWS.echo, {n: 2})
    expect(twice).toMatchObject({status: 202, body: {clientRequestId: 'again', flowStatus: 'START_REQUESTED', flowError: null}})
    sbx.advance(CORDA_DELAYS.flowStatusLag)
    const reused = await start('again', SANDBOX_FLOWS.echo)
    expect(reused.body).toEqual({title: 'A flow has already been started for the requested holdingId and clientRequestId.', status: 409, details: {}})
    sbx.advance(CORDA_DELAYS.flowDone)
    // the flow mapper dropped the duplicate start: one flow, with the first body
    expect((await sbx.call('GET', `/flow/${h}/again`)).body.flowResult).toBe('{"n":1}')
    expectValidAnswers(sbx.server.log.entries())
  })

  it('fails FailingFlow, runs SlowFlow, filters the list by status on v5_2 only; RETRYING and lower case are refused as on 5.2.1', async () => {
    await start('fail', SANDBOX_FLOWS.failing)
    await start('slow', SANDBOX_FLOWS.slow)
    sbx.advance(CORDA_DELAYS.flowDone)
    const failed = await sbx.call('GET', `/flow/${h}/fail`)
    expect(failed.body).toMatchObject({flowStatus: 'FAILED', flowResult: null, flowError: {type: 'FLOW_FAILED'}})
    expect((await sbx.call('GET', `/flow/${h}/fail/result`)).status).toBe(200)
    expect((await sbx.call('GET', `/flow/${h}/slow`)).body.flowStatus).toBe('RUNNING')
    expect(ids(await sbx.call('GET', `/flow/${h}?status=RUNNING`))).toEqual(['slow'])
    expect(ids(await sbx.call('GET', `/flow/${h}?STATUS=FAILED`))).toEqual(['fail'])
    expect((await sbx.call('GET', `/flow/${h}?status=RUNNING`, undefined, 'v5_1')).body.flowStatusResponses).toHaveLength(2)
    for (const status of ['RETRYING', 'running', '']) {
      const bad = await sbx.call('GET', `/flow/${h}?status=${status}`)
      expect(bad.status, status).toBe(400)
      expect(bad.body.title).toMatch(/^Status to filter by is not found in list of valid statuses: \[Lnet\.corda\.data\.flow\.output\.FlowStates;@[0-9a-f]{1,8}$/)
    }
    sbx.advance(CORDA_DELAYS.flowSlowDone)
    expect((await sbx.call('GET', `/flow/${h}/slow`)).body.flowStatus).toBe('COMPLETED')
    expectValidAnswers(sbx.server.log.entries())
  })

  it('checks in the real order: vnode, maintenance (405), id (400), reuse (409), startable (400 with six details)', async () => {
    const bad = await start('bad id!', SANDBOX_FLOWS.echo)
    expect(bad.body).toEqual({
      title: 'Supplied clientRequestId bad id! is invalid, it must conform to the pattern [-._A-Za-z0-9]{1,242}.',
      status: 400,
      details: {},
    })
    expect((await start('x'.repeat(243), SANDBOX_FLOWS.echo)).status).toBe(400)
    expect((await start('one', SANDBOX_FLOWS.echo)).status).toBe(202)
    sbx.advance(CORDA_DELAYS.flowStatusLag)
    // a reused id is checked before the class
    expect((await start('one', 'com.example.Nope')).status).toBe(409)
    const unknown = await start('two', 'com.example.Nope')
    expect(unknown.body).toEqual({
      title: 'The flow that was requested (com.example.Nope) is not in the list of startable flows for this holding identity.',
      status: 400,
      details: {
        'CPI-name': 'App',
        'CPI-version': '1.0',
        'CPI-signer-summary-hash': SANDBOX_SIGNER,
        'virtual-node': ALICE,
        'group-id': GROUP,
        startableFlows: Object.values(SANDBOX_FLOWS).join(','),
      },
    })
    expect((await sbx.call('POST', `/flow/${h}`, {clientRequestId: 'x', flowClassName: SANDBOX_FLOWS.echo})).status).toBe(400) // no requestBody
    expect((await start('x', SANDBOX_FLOWS.echo, {}, '000000000000')).body.title).toBe("Virtual Node '000000000000' not found.")

    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    // 405 names the short hash as sent, and wins over a bad id
    const off = await start('bad id!', SANDBOX_FLOWS.echo, {}, h.toLowerCase())
    expect(off.body).toEqual({title: `Flow start capabilities of virtual node ${h.toLowerCase()} are not operational.`, status: 405, details: {}})
    expectValidAnswers(sbx.server.log.entries())
  })

  it('maintenance kills flows at their next event, to KILLED with flowError null; back to ACTIVE in time, they go on', async () => {
    await start('slow', SANDBOX_FLOWS.slow, {seconds: 1})
    await start('quick', SANDBOX_FLOWS.echo)
    sbx.advance(CORDA_DELAYS.flowRunning)
    await sbx.call('PUT', `/virtualnode/${h}/state/MAINTENANCE`)
    // not at once
    expect((await sbx.call('GET', `/flow/${h}/slow`)).body.flowStatus).toBe('RUNNING')
    sbx.advance(CORDA_DELAYS.flowDone)
    expect((await sbx.call('GET', `/flow/${h}/quick`)).body).toMatchObject({flowStatus: 'KILLED', flowError: null, flowResult: null})
    expect((await sbx.call('GET', `/flow/${h}/slow`)).body.flowStatus).toBe('RUNNING')
    await sbx.call('PUT', `/virtualnode/${h}/state/ACTIVE`)
    sbx.advance(1000)
    expect((await sbx.call('GET', `/flow/${h}/slow`)).body.flowStatus).toBe('COMPLETED')
    const killed = await sbx.call('GET', `/flow/${h}/quick/result`)
    expect(killed).toMatchObject({status: 200, body: {flowStatus: 'KILLED', json: null, flowError: null}})
    expectValidAnswers(sbx.server.log.entries())
  })
})
