// Job Service sandbox: create, validation, lifecycle on the clock, DemoWorker, control operations.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {type JsSandbox, startJs, task} from './helpers.js'

let s: JsSandbox
beforeEach(async () => {
  s = await startJs()
})
afterEach(async () => {
  await s.close()
})

const J = '/partitions/default/jobs'

describe('create', () => {
  it('201 with Location, 204 for an identical definition (any key order), 403 for a different one', async () => {
    const res = await s.put('job-1', {name: 'One', task: task(), labels: {owner: 'bob'}}, 'default')
    expect(res.status).toBe(201)
    expect(res.headers.get('location')).toBe(`${s.server.url}/job-service/v1/partitions/default/jobs/job-1`)
    expect((await s.put('job-1', {labels: {owner: 'bob'}, task: task(), name: 'One'})).status).toBe(204)
    const clash = await s.put('job-1', {name: 'Other', task: task()})
    expect(clash).toMatchObject({status: 403, body: {message: 'Job already exists'}})
    const job = await s.job('job-1')
    expect(job).toMatchObject({id: 'job-1', name: 'One', status: 'Waiting', percentageComplete: 0, failures: [], labels: {owner: 'bob'}})
    for (const hidden of ['task', 'taskData', 'prerequisiteJobIds', 'delay']) expect(job).not.toHaveProperty(hidden)
  })

  it('GET answers all ten fields: unset name, description and externalData as null, failures [] and labels {}', async () => {
    await s.put('bare', {task: task()})
    const res = await s.call('GET', `${J}/bare`)
    expect(Object.keys(res.body).sort()).toEqual([
      'createTime',
      'description',
      'externalData',
      'failures',
      'id',
      'labels',
      'lastUpdateTime',
      'name',
      'percentageComplete',
      'status',
    ])
    expect(res.body).toMatchObject({name: null, description: null, externalData: null, failures: [], labels: {}, status: 'Waiting', percentageComplete: 0})
    expect(res.body.createTime).toBe(res.body.lastUpdateTime) // IT testCreateJob
  })

  it('refuses invalid definitions with the texts JobsPut throws, in its order (details in put.test.ts)', async () => {
    const cases: Array<[unknown, string]> = [
      [{task: {...task(), taskClassifier: ''}}, 'The task classifier has not been specified.'],
      [{task: {...task(), taskData: undefined}}, 'The task data has not been specified.'],
      [{task: {...task(), taskApiVersion: 0}}, 'The task api version has not been specified.'],
      [{task: {...task({a: 1}), taskDataEncoding: 'utf8'}}, 'An encoding type has been found in the task along with taskDataObject. Remove taskDataEncoding and try again'],
      [{task: task(), labels: {'bad key': 'x'}}, "A provided label name contains an invalid character, only alphanumeric, '-' and '_' are supported"],
      [{task: task(), type: 'X', parameters: {}}, 'Specifying both typeId and task properties is not allowed.'],
      [{task: {...task(), targetPipe: ''}}, 'The target queue name has not been specified.'],
      [{task: {...task(), taskPipe: ''}}, 'The task queue name has not been specified.'],
    ]
    for (const [body, message] of cases) {
      const res = await s.put('bad', body)
      expect(res, message).toMatchObject({status: 400, body: {message}})
    }
    expect(await s.put('typed', {type: 'ingest', parameters: {}})).toMatchObject({status: 400, body: {message: 'Unknown job type ID: ingest'}})
    // string taskData with an encoding is fine; labels with ':' are fine
    expect((await s.put('enc', {task: {...task(Buffer.from('{"durationSeconds":1}').toString('base64')), taskDataEncoding: 'base64'}, labels: {'tag:4': '4'}})).status).toBe(201)
    // ids
    expect((await s.put('a:b', {task: task()})).body).toEqual({message: 'The job identifier contains one or more invalid characters.'})
    expect((await s.put('ok', {task: task()}, 'p'.repeat(41))).body).toEqual({message: 'The partition ID is longer than 40 characters.'})
    expect((await s.call('GET', `${J}/a;b`)).status).toBe(400)
    // unreadable JSON: Dropwizard's own shape
    expect(await s.call('PUT', `${J}/j`, '{nope')).toMatchObject({status: 400, body: {code: 400, message: 'Unable to process JSON'}})
    expect(await s.call('PUT', `${J}/j`, {task: {...task(), taskApiVersion: 'one'}})).toMatchObject({status: 400, body: {code: 400}})
    expect((await s.call('GET', `${J}?limit=20`)).body.map((j: any) => j.id)).toEqual(['enc'])
  })
})

describe('lifecycle', () => {
  it('Waiting → Active (after the scheduler delay) with rising progress → Completed 100', async () => {
    await s.put('j', {task: task({durationSeconds: 2})})
    expect((await s.job('j')).status).toBe('Waiting')
    s.advance(299)
    expect((await s.job('j')).status).toBe('Waiting')
    s.advance(1)
    expect(await s.job('j')).toMatchObject({status: 'Active', percentageComplete: 0, lastUpdateTime: s.now()})
    s.advance(1000)
    const half = await s.job('j')
    expect(half).toMatchObject({status: 'Active', percentageComplete: 50, lastUpdateTime: s.now()})
    s.advance(999)
    expect((await s.job('j')).percentageComplete).toBeLessThan(100)
    s.advance(1)
    expect(await s.job('j')).toMatchObject({status: 'Completed', percentageComplete: 100, lastUpdateTime: s.now()})
  })

  it('waits for prerequisites (existing, not yet created) and the delay; ,pc prerequisites that do not exist are not awaited', async () => {
    await s.put('a', {task: task({durationSeconds: 1})})
    await s.put('b', {task: task({durationSeconds: 1}), prerequisiteJobIds: ['a', '', 'later'], delay: 5})
    // Nothing to await and a delay: the task is stored with the delay and runs (without a delay, see lifecycle.test.ts).
    await s.put('c', {task: task({durationSeconds: 1}), prerequisiteJobIds: ['ghost,pc'], delay: 1})
    s.advance(300)
    expect((await s.job('c')).status).toBe('Waiting') // eligible at +1000, sent at +1300
    s.advance(1000) // a completes at +1300
    expect((await s.job('a')).status).toBe('Completed')
    expect((await s.job('c')).status).toBe('Active')
    s.advance(60_000)
    expect((await s.job('b')).status).toBe('Waiting') // 'later' does not exist yet
    await s.put('later', {task: task({durationSeconds: 1})})
    const created = s.now()
    s.advance(1300) // later completes; then delay 5 s + scheduler
    expect((await s.job('later')).status).toBe('Completed')
    s.advance(4999)
    expect((await s.job('b')).status).toBe('Waiting')
    s.advance(301)
    expect(await s.job('b')).toMatchObject({status: 'Active', lastUpdateTime: created + 1300 + 5000 + 300})
  })

  it('DemoWorker fail: Failed with a TASK_FAILURE; dependents fail with the prefixed source; a failed prerequisite refuses creation', async () => {
    await s.put('root', {task: task({fail: true, message: 'disk full', durationSeconds: 2})})
    await s.put('child', {task: task(), prerequisiteJobIds: ['root']})
    await s.put('grandchild', {task: task(), prerequisiteJobIds: ['child']})
    s.advance(300 + 1000)
    const root = await s.job('root')
    expect(root).toMatchObject({status: 'Failed', percentageComplete: 0, lastUpdateTime: s.now()}) // report_failure: 0.00
    expect(root.failures).toEqual([{failureId: 'TASK_FAILURE', failureTime: s.now(), failureSource: 'demoworker-worker', failureMessage: 'java.lang.RuntimeException: disk full'}])
    for (const id of ['child', 'grandchild']) {
      const dep = await s.job(id)
      expect(dep.status).toBe('Failed')
      expect(dep.failures).toEqual([{...root.failures[0], failureSource: 'default:root:demoworker-worker'}])
    }
    const refused = await s.put('late', {task: task(), prerequisiteJobIds: ['root', 'child,pc']})
    expect(refused.status).toBe(400)
    expect(refused.body.message).toMatch(/^ERROR: One or more prerequisite jobs have failed\. Failed Job IDs: root, child\n {2}Where: /)
  })

  it('DemoWorker failTimes: the first N runs of the definition fail, a retry (delete + re-create, or a new id) completes', async () => {
    const def = {task: task({failTimes: 1, durationSeconds: 1})}
    await s.put('flaky', def)
    s.advance(2000)
    expect((await s.job('flaky')).status).toBe('Failed')
    expect((await s.job('flaky')).failures[0].failureMessage).toBe('java.lang.RuntimeException: DemoWorker task failed')
    expect((await s.call('DELETE', `${J}/flaky`)).status).toBe(204)
    expect((await s.put('flaky', def)).status).toBe(201)
    s.advance(2000)
    expect((await s.job('flaky')).status).toBe('Completed')

    const twice = {task: task({failTimes: 2, durationSeconds: 1})}
    await s.put('t', twice)
    s.advance(2000)
    await s.put('t-retry1', twice)
    s.advance(2000)
    await s.put('t-retry2', twice)
    s.advance(2000)
    expect([(await s.job('t')).status, (await s.job('t-retry1')).status, (await s.job('t-retry2')).status]).toEqual(['Failed', 'Failed', 'Completed'])
    // other classifiers complete after 2 s whatever their taskData says
    await s.put('other', {task: task({fail: true, durationSeconds: 60}, 'BatchWorker')})
    s.advance(2300)
    expect((await s.job('other')).status).toBe('Completed')
  })
})

describe('control', () => {
  it('pause/resume/cancel transitions and their 400s; delete; 404s', async () => {
    await s.put('j', {task: task({durationSeconds: 2})})
    expect((await s.call('POST', `${J}/j/pause`)).status).toBe(204) // from Waiting
    expect((await s.job('j')).status).toBe('Paused')
    s.advance(10_000)
    expect((await s.job('j')).status).toBe('Paused')
    expect((await s.call('POST', `${J}/j/pause`)).status).toBe(204) // Paused again
    expect((await s.call('POST', `${J}/j/resume`)).status).toBe(204)
    expect((await s.job('j')).status).toBe('Active')
    s.advance(1000)
    expect((await s.call('POST', `${J}/j/pause`)).status).toBe(204)
    s.advance(60_000)
    expect(await s.job('j')).toMatchObject({status: 'Paused', percentageComplete: 50})
    expect((await s.call('POST', `${J}/j/resume`)).status).toBe(204)
    expect((await s.call('POST', `${J}/j/resume`)).status).toBe(204) // Active
    s.advance(1000)
    expect((await s.job('j')).status).toBe('Completed')
    const pause = await s.call('POST', `${J}/j/pause`)
    expect(pause.status).toBe(400)
    expect(pause.body.message).toMatch(/^ERROR: job_id \{j\} cannot be paused as it has a status of \{Completed\}\. Only jobs with a status of Active or Waiting can be paused\./)
    const resume = await s.call('POST', `${J}/j/resume`)
    expect(resume).toMatchObject({
      status: 400,
      body: {message: 'job_id {j} cannot be resumed as it has a status of {Completed}. Only jobs with a status of Paused can be resumed.'},
    })
    const cancel = await s.call('POST', `${J}/j/cancel`)
    expect(cancel.status).toBe(400)
    expect(cancel.body.message).toMatch(/^ERROR: job_id \{j\} cannot be cancelled\n/)

    await s.put('k', {task: task({durationSeconds: 5})})
    s.advance(1000)
    expect((await s.call('POST', `${J}/k/cancel`)).status).toBe(204)
    expect((await s.call('POST', `${J}/k/cancel`)).status).toBe(204)
    s.advance(60_000)
    expect((await s.job('k')).status).toBe('Cancelled')
    expect((await s.call('POST', `${J}/k/resume`)).status).toBe(400)
    expect((await s.call('POST', `${J}/k/pause`)).status).toBe(400)

    await s.put('active', {task: task({durationSeconds: 50})})
    s.advance(1000)
    expect((await s.call('DELETE', `${J}/active`)).status).toBe(204) // any status, Active included
    for (const [method, path] of [
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/status'],
      ['POST', '/cancel'],
      ['POST', '/pause'],
      ['POST', '/resume'],
    ] as const) {
      const res = await s.call(method, `${J}/active${path}`)
      expect(res.status).toBe(404)
      expect(res.body.message).toMatch(/^ERROR: job_id \{active\} not found\n {2}Where: PL\/pgSQL function /)
    }
  })

  it('status and isActive: JSON values with the status-cache headers; isActive false for unknown jobs', async () => {
    await s.put('j', {task: task()})
    const status = await s.call('GET', `${J}/j/status`)
    expect(status).toMatchObject({status: 200, text: '"Waiting"'})
    expect(status.headers.get('cacheablejobstatus')).toBe('true')
    expect(status.headers.get('cache-control')).toBe('no-transform, max-age=1')
    expect(status.headers.get('content-type')).toMatch(/application\/json/)
    expect((await s.call('GET', `${J}/j/isActive`)).text).toBe('true')
    s.advance(300)
    expect((await s.call('GET', `${J}/j/status`)).body).toBe('Active')
    expect((await s.call('GET', `${J}/j/isActive`)).body).toBe(true)
    s.advance(2000)
    expect((await s.call('GET', `${J}/j/isActive`)).body).toBe(false)
    const unknown = await s.call('GET', `${J}/nope/isActive`)
    expect(unknown).toMatchObject({status: 200, body: false})
    expect(unknown.headers.get('cacheablejobstatus')).toBe('true')
  })

  it('ping; a bearer header is ignored; bulk paths need the literal colon', async () => {
    expect((await s.call('GET', '/ping', undefined, {authorization: 'Bearer whatever'})).body).toEqual({success: true})
    expect((await s.call('POST', '/partitions/default/jobs%3Acancel')).status).toBe(500)
    expect((await s.call('POST', '/partitions/default/jobs%3Adelete')).body).toEqual({message: 'HTTP 404 Not Found'})
    expect((await s.call('GET', '/partitions/default/jobs:cancel')).status).toBe(500)
  })
})
