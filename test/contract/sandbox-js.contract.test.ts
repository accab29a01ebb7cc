// Every Job Service endpoint the sandbox serves, errors included, held to the published swagger + PRODUCT.md §8.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startSandbox, type SandboxServer} from '../../src/sandbox/server.js'
import {expectContract, validateResponse} from '../helpers/contract.js'

let server: SandboxServer
let now = Date.parse('2025-01-10T12:00:00Z')
const J = '/job-service/v1/partitions/default'
const task = (taskData: object = {}) => ({taskClassifier: 'DemoWorker', taskApiVersion: 1, taskData, taskPipe: 'demo-in', targetPipe: 'demo-out'})

beforeAll(async () => {
  server = await startSandbox({clock: () => now, requests: 0})
})
afterAll(async () => {
  await server?.close()
})

const call = (method: string, path: string, body?: unknown) =>
  fetch(server.url + path, {
    method,
    headers: body === undefined ? {} : {'content-type': 'application/json'},
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async r => ({status: r.status, text: await r.text()}))

describe('contract: the Job Service sandbox', () => {
  it('answers every endpoint and error within the spec', async () => {
    server.log.clear()
    const statuses: number[] = []
    const run = async (method: string, path: string, body?: unknown) => statuses.push((await call(method, path, body)).status)
    await run('GET', '/job-service/v1/ping')
    await run('PUT', `${J}/jobs/c-1`, {name: 'C', description: 'd', externalData: 'x', task: task({durationSeconds: 1}), labels: {owner: 'bob', 'tag:4': '4'}, delay: 0})
    await run('PUT', `${J}/jobs/c-1`, {name: 'C', description: 'd', externalData: 'x', task: task({durationSeconds: 1}), labels: {owner: 'bob', 'tag:4': '4'}, delay: 0}) // 204
    await run('PUT', `${J}/jobs/c-1`, {task: task()}) // 403
    await run('PUT', `${J}/jobs/f-1`, {task: task({fail: true, durationSeconds: 1})})
    await run('PUT', `${J}/jobs/dep-1`, {task: task(), prerequisiteJobIds: ['f-1', 'ghost,pc']})
    await run('PUT', `${J}/jobs/bad`, {task: {...task(), taskClassifier: ''}}) // 400
    await run('PUT', `${J}/jobs/bad`, {task: task(), labels: {'a b': 'x'}}) // 400
    now += 2000
    await run('PUT', `${J}/jobs/late`, {task: task(), prerequisiteJobIds: ['f-1']}) // 400 failed prerequisite
    await run('PUT', `${J}/jobs/p-1`, {task: task({durationSeconds: 60})})
    await run('GET', `${J}/jobs/c-1`)
    await run('GET', `${J}/jobs/f-1`)
    await run('GET', `${J}/jobs/dep-1`)
    await run('GET', `${J}/jobs/nope`) // 404
    await run('GET', `${J}/jobs/c-1/status`)
    await run('GET', `${J}/jobs/nope/status`) // 404
    await run('GET', `${J}/jobs/c-1/isActive`)
    await run('GET', `${J}/jobs/nope/isActive`) // 200 false
    await run('POST', `${J}/jobs/p-1/pause`)
    await run('POST', `${J}/jobs/c-1/pause`) // 400
    await run('POST', `${J}/jobs/nope/pause`) // 404
    await run('POST', `${J}/jobs/p-1/resume`)
    await run('POST', `${J}/jobs/c-1/resume`) // 400
    await run('POST', `${J}/jobs/nope/resume`) // 404
    await run('POST', `${J}/jobs/p-1/cancel`)
    await run('POST', `${J}/jobs/c-1/cancel`) // 400
    await run('POST', `${J}/jobs/nope/cancel`) // 404
    await run('GET', `${J}/jobs?limit=5&offset=0&sort=createTime:desc&statusType=NotCompleted&jobIdStartsWith=c&labelExist=owner`)
    await run('GET', `${J}/jobs?filter=${encodeURIComponent('status==Failed;labels.owner==*')}&sort=labels.owner:asc`)
    await run('GET', `${J}/jobs?filter=${encodeURIComponent('nope==1')}`) // 400
    await run('GET', `${J}/jobs?filter=${encodeURIComponent('status==')}`) // 400
    await run('GET', `${J}/jobs?sort=bogus:asc`) // 400
    await run('GET', `${J}/jobs?sort=createTime`) // 400
    await run('GET', `${J}/jobStats/count?statusType=Inactive&filter=${encodeURIComponent('percentageComplete=ge=50')}`)
    await run('GET', `${J}/jobStats/count?filter=${encodeURIComponent('(status==Active')}`) // 400
    await run('POST', `${J}/jobs:cancel?jobIdStartsWith=p`)
    await run('POST', `${J}/jobs:cancel?filter=${encodeURIComponent('x==1')}`) // 400
    await run('DELETE', `${J}/jobs/dep-1`)
    await run('DELETE', `${J}/jobs/dep-1`) // 404
    await run('POST', `${J}/jobs:delete?labelExist=owner`)
    await run('POST', `${J}/jobs:delete?filter=${encodeURIComponent('id=')}`) // 400
    await run('POST', `${J}/jobs:delete`)
    expect(statuses).toEqual([
      200, 201, 204, 403, 201, 201, 400, 400, 400, 201, 200, 200, 200, 404, 200, 404, 200, 200, 204, 400, 404, 204, 400, 404, 204, 400, 404, 200, 200, 400, 400, 400, 400, 200, 400,
      200, 400, 204, 404, 200, 400, 200,
    ])
    expectContract(server.log.entries())
  })

  it('answers invalid ids and unreadable JSON in the service error shapes', async () => {
    server.log.clear()
    // The requests break the spec on purpose (path patterns, bodies), so only the answers are checked.
    const answers = [
      await call('GET', `${J}/jobs/a:b`),
      await call('PUT', `${J}/jobs/${'x'.repeat(49)}`, {task: task()}), // 500: varchar(48)
      await call('GET', `${J}/jobs/${'x'.repeat(49)}`), // 404: no such job
      await call('DELETE', `${J}/jobs/a;b`),
      await call('POST', `${J}/jobs/a!b/cancel`),
      await call('PUT', `${J}/jobs/ok`, '{oops'),
      await call('PUT', `${J}/jobs/ok`, {name: 'no task'}), // 500: NullPointerException
      await call('GET', `${J}/jobs?filter=${encodeURIComponent('status==active')}`), // 500: not a job_status
      await call('GET', `${J}/jobStats/count?filter=${encodeURIComponent('percentageComplete=gt=abc')}`), // 500: NumberFormatException
      await call('POST', `${J}/jobs:cancel?filter=${encodeURIComponent('status==Act*')}`), // 500: job_status ~~ unknown
      await call('POST', `${J}/jobs:delete?filter=`), // 400: an empty filter does not parse
      await call('GET', `${J}/jobs?limit=ten`), // 500: Jersey's ParamException
    ]
    expect(answers.map(a => a.status)).toEqual([400, 500, 404, 400, 400, 400, 500, 500, 500, 500, 400, 500])
    const problems = server.log.entries().flatMap(e => validateResponse(e))
    expect(problems).toEqual([])
  })
})
