import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {OperationFailedError, TimeoutError} from '../../../../src/errors.js'
import {caught, client, expectValidRequest, recorder, type Seen, URL} from './support.js'

beforeAll(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
})

const H = '58B6030FABDD'
const fast = {initialMs: 1, maxMs: 2}
const flow = (flowStatus: string, extra = {}) => ({
  holdingIdentityShortHash: H,
  clientRequestId: 'create-1',
  flowId: null,
  flowStatus,
  flowResult: null,
  flowError: null,
  timestamp: '2024-05-01T10:00:00.000Z',
  ...extra,
})
const params = {clientRequestId: 'create-1', flowClassName: 'com.example.CreateFlow', requestBody: {chatName: 'x'}}

describe('flows', () => {
  it('starts a flow with the StartFlowParameters body', async () => {
    const seen: Seen[] = []
    nock(URL)
      .post(`/api/v5_2/flow/${H}`)
      .reply(recorder(seen, [202, flow('START_REQUESTED')]))
    const res = await client().flows.start(H, params)
    expect(res).toEqual(flow('START_REQUESTED'))
    expect(res.reused).toBeUndefined()
    expect(seen[0]!.body).toEqual(params)
    expectValidRequest(seen[0]!)
  })

  it('on 409 returns the existing flow status, marked reused', async () => {
    nock(URL)
      .post(`/api/v5_2/flow/${H}`)
      .reply(409, {title: 'A flow has already been started with for the requested id', status: 409, details: {}})
      .get(`/api/v5_2/flow/${H}/create-1`)
      .reply(200, flow('COMPLETED', {flowResult: 'done'}))
    expect(await client().flows.start(H, params)).toEqual({...flow('COMPLETED', {flowResult: 'done'}), reused: true})
  })

  it('reads status, list (with filter on v5_2), result and classes', async () => {
    const seen: Seen[] = []
    nock(URL)
      .get(`/api/v5_2/flow/${H}/create-1`)
      .reply(recorder(seen, [200, flow('RUNNING')]))
      .get(`/api/v5_2/flow/${H}`)
      .query({status: 'RUNNING'})
      .reply(recorder(seen, [200, {flowStatusResponses: [flow('RUNNING')]}]))
      .get(`/api/v5_2/flow/${H}`)
      .reply(recorder(seen, [200, {flowStatusResponses: []}]))
      .get(`/api/v5_2/flow/${H}/create-1/result`)
      .reply(recorder(seen, [202, flow('RUNNING', {json: null})]))
      .get(`/api/v5_2/flowclass/${H}`)
      .reply(recorder(seen, [200, {flowClassNames: ['a.B', 'c.D']}]))
    const c = client()
    expect((await c.flows.status(H, 'create-1')).flowStatus).toBe('RUNNING')
    expect(await c.flows.list(H, {status: 'RUNNING'})).toHaveLength(1)
    expect(seen[1]!.query).toEqual({status: 'RUNNING'})
    expect(await c.flows.list(H)).toEqual([])
    expect(seen[2]!.query).toEqual({})
    expect((await c.flows.result(H, 'create-1')).flowStatus).toBe('RUNNING')
    expect(await c.flows.classes(H)).toEqual(['a.B', 'c.D'])
    seen.forEach(expectValidRequest)
  })

  it('lists without a filter on v5_1', async () => {
    const seen: Seen[] = []
    nock(URL)
      .get(`/api/v5_1/flow/${H}`)
      .reply(recorder(seen, [200, {flowStatusResponses: []}]))
    expect(await client('v5_1').flows.list(H)).toEqual([])
    expectValidRequest(seen[0]!)
  })

  it('waits through an early 404 until COMPLETED', async () => {
    nock(URL)
      .get(`/api/v5_2/flow/${H}/create-1`)
      .reply(404, {title: 'Flow not found', status: 404, details: {}})
      .get(`/api/v5_2/flow/${H}/create-1`)
      .reply(200, flow('START_REQUESTED'))
      .get(`/api/v5_2/flow/${H}/create-1`)
      .reply(200, flow('RUNNING'))
      .get(`/api/v5_2/flow/${H}/create-1`)
      .reply(200, flow('COMPLETED', {flowResult: '{"ok":1}'}))
    const states: string[] = []
    const res = await client().flows.waitForFlow(H, 'create-1', {...fast, onStatus: s => states.push(s.flowStatus)})
    expect(res.flowResult).toBe('{"ok":1}')
    expect(states).toEqual(['START_REQUESTED', 'RUNNING', 'COMPLETED'])
  })

  it('throws OperationFailedError with the FlowStatusResponse on FAILED', async () => {
    nock(URL)
      .get(`/api/v5_2/flow/${H}/create-1`)
      .reply(200, flow('FAILED', {flowError: {type: 'FLOW_FAILED', message: 'boom'}}))
    const error = (await caught(client().flows.waitForFlow(H, 'create-1', fast))) as OperationFailedError
    expect(error).toBeInstanceOf(OperationFailedError)
    expect(error.message).toBe('flow create-1 failed: FAILED FLOW_FAILED: boom')
    expect(error.state).toMatchObject({flowStatus: 'FAILED'})
  })

  it('a 404 that lasts past the grace is an error; the deadline is a TimeoutError', async () => {
    nock(URL).get(`/api/v5_2/flow/${H}/nope`).times(100).reply(404, {title: 'Flow not found', status: 404, details: {}})
    expect(await caught(client().flows.waitForFlow(H, 'nope', {...fast, graceMs: 20}))).toMatchObject({status: 404})
    nock(URL).get(`/api/v5_2/flow/${H}/create-1`).times(1000).reply(200, flow('RUNNING'))
    expect(await caught(client().flows.waitForFlow(H, 'create-1', {...fast, deadline: Date.now() + 40}))).toBeInstanceOf(TimeoutError)
  })
})
