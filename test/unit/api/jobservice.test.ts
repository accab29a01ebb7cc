// The Job Service client and its operations against nock: RSQL built safely, definitions checked locally,
// the bulk paths' literal colon, waiting at the pace the service asks.
import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {HttpTransport} from '../../../src/api/http.js'
import {JobExistsError, JobServiceClient} from '../../../src/api/jobservice/client.js'
import {checkRsqlFilter, jobQuery, jobSort, rsqlValue} from '../../../src/api/jobservice/rsql.js'
import {checkJobId, checkNewJob, parseLabels} from '../../../src/api/jobservice/validate.js'
import {toFailure} from '../../../src/cli/failure.js'
import {OperationFailedError, UsageError} from '../../../src/errors.js'
import {validateRequest} from '../../helpers/contract.js'

const URL = 'http://jobs.test'
const BASE = '/job-service/v1/partitions/default'
const js = () => new JobServiceClient(new HttpTransport({service: 'jobService', url: URL, retry: {attempts: 1}}), 'default')

beforeAll(() => nock.disableNetConnect())
afterEach(() => nock.cleanAll())

const TASK = {taskClassifier: 'DemoWorker', taskApiVersion: 1, taskData: {fail: false}, taskPipe: 'demo-in', targetPipe: 'demo-out'}
const job = (status: string, extra: object = {}) => ({id: 'j1', createTime: 1, lastUpdateTime: 2, status, percentageComplete: 0, ...extra})

describe('RSQL', () => {
  it('quotes and escapes values that are not plain words', () => {
    expect(rsqlValue('bob')).toBe('bob')
    expect(rsqlValue('data ops')).toBe('"data ops"')
    expect(rsqlValue('a,b;c')).toBe('"a,b;c"')
    expect(rsqlValue('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"')
  })

  it('builds status and label filters, ANDing a filter of your own', () => {
    expect(jobQuery({statuses: ['Failed']})).toEqual({filter: 'status==Failed', jobIdStartsWith: undefined})
    expect(
      jobQuery({statuses: ['Failed', 'Cancelled'], labels: parseLabels(['owner=bob', 'team=data ops']), prefix: 'nightly-', rsql: 'percentageComplete=lt=50,name==x'}),
    ).toEqual({filter: 'status=in=(Failed,Cancelled);labels.owner==bob;labels.team=="data ops";(percentageComplete=lt=50,name==x)', jobIdStartsWith: 'nightly-'})
    expect(() => parseLabels(['novalue'])).toThrow(/not KEY=VALUE/)
    expect(() => jobQuery({labels: {'bad key': 'x'}})).toThrow(UsageError)
  })
})

describe('partitions', () => {
  it('the same client answers for its own partition or none; another is checked first', () => {
    const client = js()
    expect(client.inPartition(undefined)).toBe(client)
    expect(client.inPartition('default')).toBe(client)
    expect(client.inPartition('tenant-a').partition).toBe('tenant-a')
    expect(() => client.inPartition('a:b')).toThrow(UsageError)
  })
})

describe('local checks', () => {
  it('job ids and definitions are refused before anything is sent, with every problem named', () => {
    expect(() => checkJobId('a.b')).toThrow(/refuses/)
    expect(() => checkJobId('x'.repeat(49))).toThrow(/1 to 48/)
    expect(checkNewJob({name: 'n', task: TASK, labels: {owner: 'bob'}})).toMatchObject({name: 'n'})
    expect(() => checkNewJob({task: TASK, type: 't'})).toThrow(/exactly one of "task" or "type"/)
    expect(() => checkNewJob({task: {...TASK, taskDataEncoding: 'base64'}})).toThrow(/taskDataEncoding goes only with a string taskData/)
    expect(checkNewJob({task: {...TASK, taskData: 'aGVsbG8=', taskDataEncoding: 'base64'}})).toBeTruthy()
    const problems = (() => {
      try {
        checkNewJob({task: {taskApiVersion: 0}, labels: {'bad key': 1}, prerequisites: []})
      } catch (error) {
        return (error as Error).message
      }
      return ''
    })()
    for (const p of [
      'unknown field "prerequisites"',
      'taskClassifier is required',
      'non-zero',
      'taskData is required',
      'taskPipe is required',
      'label name "bad key"',
      'label "bad key" must be a string',
    ])
      expect(problems).toContain(p)
  })
})

describe('what the real service refuses or fails on, refused here', () => {
  it('ids: a path separator, and the length in characters as the database counts them', () => {
    expect(() => checkJobId('a/b')).toThrow(UsageError)
    expect(() => checkJobId('a\\b')).toThrow(UsageError)
    expect(() => checkJobId('é'.repeat(48))).not.toThrow()
    expect(() => checkJobId('😀'.repeat(48))).not.toThrow()
    expect(() => checkJobId('😀'.repeat(49))).toThrow(/1 to 48 characters/)
  })

  it('definitions: empty or scalar taskData, texts longer than the 255 the columns hold, prerequisites with spaces', () => {
    const task = {taskClassifier: 'c', taskApiVersion: 1, taskPipe: 'p'}
    expect(() => checkNewJob({task: {...task, taskData: ''}})).toThrow(/task.taskData is required/)
    expect(() => checkNewJob({task: {...task, taskData: [1, 2]}})).toThrow(/task.taskData must be a mapping or a string, not a list/)
    expect(() => checkNewJob({task: {...task, taskData: {}, taskPipe: 'p'.repeat(256)}})).toThrow(/task.taskPipe is longer than 255 characters/)
    expect(() => checkNewJob({name: 'n'.repeat(256), task: {...task, taskData: {}}})).toThrow(/"name" is longer than 255/)
    expect(() => checkNewJob({task: {...task, taskData: {}}, labels: {k: 'v'.repeat(256)}})).toThrow(/label "k" is longer/)
    expect(() => checkNewJob({task: {...task, taskData: {}}, prerequisiteJobIds: [' a']})).toThrow(/spaces around its job id/)
    expect(checkNewJob({task: {...task, taskData: {}}, prerequisiteJobIds: ['a', 'b,pc']})).toBeTruthy()
  })

  it('filters: a list for a single-value operator, a status not spelled as the service spells it, a non-numeric percentage', async () => {
    await expect(checkRsqlFilter('name==(a,b)')).rejects.toThrow(/takes one value/)
    await expect(checkRsqlFilter('status==active')).rejects.toThrow(/"active" is not a job status/)
    await expect(checkRsqlFilter('status==Fail*')).rejects.toThrow(/not a job status/)
    await expect(checkRsqlFilter('percentageComplete=lt=half')).rejects.toThrow(/compares numbers/)
    await expect(checkRsqlFilter('status=in=(Failed,Cancelled);percentageComplete=ge=50;name==x*')).resolves.toBeUndefined()
  })

  it('sorts: the field as the service names it, the direction in lower case; no label with a colon', () => {
    expect(jobSort('jobId:ASC')).toBe('jobId:asc')
    expect(jobSort('createTime')).toBe('createTime:asc')
    expect(jobSort('labels.owner:desc')).toBe('labels.owner:desc')
    expect(() => jobSort('labels.tag:1:asc')).toThrow(UsageError)
    expect(() => jobSort('nope')).toThrow(/sort by one of jobId/)
    expect(() => jobSort('jobId:up')).toThrow(/asc or desc/)
  })
})

describe('client', () => {
  it('PUT 201 is created and 204 unchanged; the body validates against the swagger', async () => {
    let body: unknown
    nock(URL)
      .put(`${BASE}/jobs/j1`)
      .reply(201, function (_uri, b) {
        body = b
        return ''
      })
      .put(`${BASE}/jobs/j1`)
      .reply(204)
    expect(await js().create('j1', {name: 'n', task: TASK})).toBe('created')
    expect(await js().create('j1', {name: 'n', task: TASK})).toBe('unchanged')
    expect(validateRequest({method: 'PUT', path: `${BASE}/jobs/j1`, query: {}, requestContentType: 'application/json', requestBody: body, status: 201})).toEqual([])
  })

  it("a 204 to a PUT sent again (its first answer lost) is created; the service's 403 is JobExistsError, a gateway's stays a refusal", async () => {
    nock(URL).put(`${BASE}/jobs/j2`).reply(503, 'busy').put(`${BASE}/jobs/j2`).reply(204)
    const retrying = new JobServiceClient(new HttpTransport({service: 'jobService', url: URL, retry: {attempts: 2, baseDelayMs: 1, maxDelayMs: 1}}), 'default')
    expect(await retrying.create('j2', {task: TASK})).toBe('created')
    nock(URL).put(`${BASE}/jobs/j3`).reply(403, {message: 'Job already exists'})
    const exists = await js()
      .create('j3', {task: TASK})
      .catch((e: unknown) => e)
    expect(exists).toBeInstanceOf(JobExistsError)
    expect(toFailure(exists).exitCode).toBe(5)
    nock(URL).put(`${BASE}/jobs/j4`).reply(403, {message: 'Forbidden by the gateway'})
    expect(
      toFailure(
        await js()
          .create('j4', {task: TASK})
          .catch((e: unknown) => e),
      ).exitCode,
    ).toBe(4)
  })

  it('the bulk paths keep their colon and carry the filter; count has no labelExist', async () => {
    let path = ''
    nock(URL)
      .post(/jobs:cancel/)
      .query(true)
      .reply(function (uri) {
        path = uri
        return [200, {jobsCanceled: 3}]
      })
    expect(await js().cancelMatching({filter: 'status==Active', labelExist: ['a', 'b']})).toBe(3)
    expect(path).toBe(`${BASE}/jobs:cancel?filter=status%3D%3DActive&labelExist=a%2Cb`)
    nock(URL).get(`${BASE}/jobStats/count`).query({filter: 'status==Failed'}).reply(200, '7', {'content-type': 'application/json'})
    expect(await js().count({filter: 'status==Failed'})).toBe(7)
  })

  it('scans with offset paging until a short page', async () => {
    const seen: string[] = []
    nock(URL)
      .get(`${BASE}/jobs`)
      .query(true)
      .times(3)
      .reply(uri => {
        const q = new globalThis.URL(uri, URL).searchParams
        seen.push(`${q.get('offset')}/${q.get('limit')}/${q.get('sort')}`)
        const offset = Number(q.get('offset'))
        return [200, Array.from({length: offset < 4 ? 2 : 1}, (_, i) => job('Completed', {id: `j${offset + i}`}))]
      })
    const ids: string[] = []
    for await (const j of js().scan({sort: 'jobId:asc'}, 2)) ids.push(j.id)
    expect(ids).toEqual(['j0', 'j1', 'j2', 'j3', 'j4'])
    expect(seen).toEqual(['0/2/jobId:asc', '2/2/jobId:asc', '4/2/jobId:asc'])
  })
})

describe('JobServiceClient.waitFor', () => {
  it('returns the completed job; Failed is a failed operation carrying the job and its failure', async () => {
    nock(URL)
      .get(`${BASE}/jobs/j1/status`)
      .reply(200, '"Active"', {'cache-control': 'max-age=0', 'content-type': 'application/json'})
      .get(`${BASE}/jobs/j1/status`)
      .reply(200, '"Completed"', {'content-type': 'application/json'})
      .get(`${BASE}/jobs/j1`)
      .reply(200, job('Completed', {percentageComplete: 100}))
    const states: string[] = []
    expect(await js().waitFor('j1', {onStatus: s => states.push(s)})).toMatchObject({status: 'Completed'})
    expect(states).toEqual(['Active', 'Completed'])

    nock(URL)
      .get(`${BASE}/jobs/j1/status`)
      .reply(200, '"Failed"', {'content-type': 'application/json'})
      .get(`${BASE}/jobs/j1`)
      .reply(200, job('Failed', {failures: [{failureId: 'TASK_FAILURE', failureMessage: 'boom'}]}))
    const error = (await js()
      .waitFor('j1')
      .catch(e => e)) as OperationFailedError
    expect(error).toBeInstanceOf(OperationFailedError)
    expect(error.message).toBe('job j1 failed: Failed: boom')
    expect(error.state).toMatchObject({status: 'Failed'})
  })
})
