// Job Service sandbox, PUT …/jobs/{id}: Jackson's binding (Dropwizard's mapper), JobsPut's checks in their order,
// what "identical" means (NewJob.hashCode), and the database's own refusals (varchar widths).
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {bindNewJob, newJobHash, type NewJob} from '../../../../src/sandbox/jobservice/new-job.js'
import {type JsSandbox, startJs, task} from './helpers.js'

let s: JsSandbox
beforeEach(async () => {
  s = await startJs()
})
afterEach(async () => {
  await s.close()
})

const J = '/partitions/default/jobs'
const MODEL = 'com.hpe.caf.services.job.api.generated.model'
const hashOf = (text: string) => newJobHash(bindNewJob(text) as NewJob)

describe('binding', () => {
  it('unknown fields are dropped without a word (FAIL_ON_UNKNOWN_PROPERTIES is off in Dropwizard)', async () => {
    expect((await s.put('a', {task: {...task(), extra: 1}, prerequisiteJobs: ['x'], Name: 'ignored'})).status).toBe(201)
    expect(await s.job('a')).toMatchObject({status: 'Waiting', name: null})
    // …so a misspelt prerequisite field waits for nothing: the job runs at once.
    s.advance(300)
    expect((await s.job('a')).status).toBe('Active')
  })

  it('scalars are coerced: numbers and booleans become their text where a String is declared, "1" an Integer', async () => {
    const body = `{"name": 5, "description": true, "task": ${JSON.stringify({...task(), taskApiVersion: '1'})}, "labels": {"n": 4.50, "f": false, "z": null}}`
    expect((await s.call('PUT', `${J}/c`, body)).status).toBe(201)
    expect(await s.job('c')).toMatchObject({name: '5', description: 'true', labels: {n: '4.50', f: 'false', z: null}})
  })

  it('what Jackson cannot bind is 400 {code, message}, before the partition or the id is looked at', async () => {
    for (const body of [
      '{nope',
      '[1]',
      '"job"',
      '{"name": {"a": 1}, "task": {}}',
      '{"task": "t"}',
      '{"labels": {"a": [1]}}',
      '{"prerequisiteJobIds": "a"}',
      '{"delay": "soon"}',
      '{"delay": 2147483648}',
      '{"task": {"taskApiVersion": true}}',
      '{"task": {"taskDataEncoding": "UTF8"}}',
    ]) {
      const res = await s.call('PUT', `/partitions/a:b/jobs/x:y`, body)
      expect(res, body).toMatchObject({status: 400, body: {code: 400, message: 'Unable to process JSON'}})
    }
    // What follows the first value is never read (FAIL_ON_TRAILING_TOKENS is off).
    expect((await s.call('PUT', `${J}/trailing`, `${JSON.stringify({task: task()})} and more`)).status).toBe(201)
  })
})

describe("JobsPut's checks", () => {
  it('in its order: partition, id, type/task, classifier, api version, target queue, task queue, labels, taskData', async () => {
    const all = {task: {taskClassifier: '', taskApiVersion: 0, taskData: '', taskPipe: '', targetPipe: ''}, labels: {'a b': 'x'}}
    const steps: Array<[unknown, string]> = [
      [all, 'The task classifier has not been specified.'],
      [{...all, task: {...all.task, taskClassifier: 'W'}}, 'The task api version has not been specified.'],
      [{...all, task: {...all.task, taskClassifier: 'W', taskApiVersion: 1}}, 'The target queue name has not been specified.'],
      [{...all, task: {...all.task, taskClassifier: 'W', taskApiVersion: 1, targetPipe: null}}, 'The task queue name has not been specified.'],
      [
        {...all, task: {...all.task, taskClassifier: 'W', taskApiVersion: 1, targetPipe: null, taskPipe: 'q'}},
        "A provided label name contains an invalid character, only alphanumeric, '-' and '_' are supported",
      ],
      [{task: {...all.task, taskClassifier: 'W', taskApiVersion: 1, targetPipe: null, taskPipe: 'q'}}, 'The task data has not been specified.'],
    ]
    for (const [body, message] of steps) expect(await s.put('j', body), message).toMatchObject({status: 400, body: {message}})
    expect((await s.put('j', all, 'p:q')).body).toEqual({message: 'The partition ID contains one or more invalid characters.'})
    expect((await s.put('j;k', all)).body).toEqual({message: 'The job identifier contains one or more invalid characters.'})
    // a null targetPipe is valid
    expect((await s.put('no-target', {task: {...task(), targetPipe: null}})).status).toBe(201)
  })

  it('taskData: "" is not specified; a number, array or boolean is not a suitable datatype', async () => {
    expect((await s.put('t', {task: task('')})).body).toEqual({message: 'The task data has not been specified.'})
    for (const data of [5, [1], true]) {
      expect((await s.put('t', {task: task(data)})).body, JSON.stringify(data)).toEqual({
        message: 'The taskData is null or empty, please ensure taskData is populated and of a suitable datatype',
      })
    }
  })

  it('type: with task, 400 both; alone, no job types are configured; parameters without type are ignored', async () => {
    expect((await s.put('t', {type: 'basic', task: task()})).body).toEqual({message: 'Specifying both typeId and task properties is not allowed.'})
    expect((await s.put('t', {type: 'BASIC', parameters: {a: 1}})).body).toEqual({message: 'Unknown job type ID: BASIC'})
    expect((await s.put('t', {type: ''})).body).toEqual({message: 'Unknown job type ID: '})
    expect((await s.put('p', {task: task(), parameters: {a: 1}})).status).toBe(201)
  })

  it('what Java dereferences without a check is a NullPointerException: 500 with its helpful message', async () => {
    const cases: Array<[string, string]> = [
      ['', `Cannot invoke "${MODEL}.NewJob.getType()" because "job" is null`],
      ['null', `Cannot invoke "${MODEL}.NewJob.getType()" because "job" is null`],
      ['{"name": "no task"}', `Cannot invoke "${MODEL}.WorkerAction.getTaskClassifier()" because "jobTask" is null`],
      [
        JSON.stringify({task: {...task(), taskApiVersion: null}}),
        `Cannot invoke "java.lang.Integer.intValue()" because the return value of "${MODEL}.WorkerAction.getTaskApiVersion()" is null`,
      ],
      [JSON.stringify({task: task(), delay: null}), `Cannot invoke "java.lang.Integer.intValue()" because the return value of "${MODEL}.NewJob.getDelay()" is null`],
      [JSON.stringify({task: task(), labels: null}), 'Cannot invoke "java.util.Map.entrySet()" because "labels" is null'],
    ]
    for (const [body, message] of cases) expect(await s.call('PUT', `${J}/n`, body), body).toMatchObject({status: 500, body: {message}})
    // the partition and the id are checked before
    expect((await s.call('PUT', `${J}/n:1`, '')).status).toBe(400)
  })
})

describe('"identical" is the Java hash of the bound NewJob', () => {
  it('absent equals the default (delay 0, labels {}, prerequisites []), and null equals absent for the strings', async () => {
    expect((await s.put('h', {task: task(), name: 'N'})).status).toBe(201)
    expect((await s.put('h', {task: task(), name: 'N', delay: 0, labels: {}, prerequisiteJobIds: [], description: null, parameters: null})).status).toBe(204)
    // parameters without a type are ignored by the service but still part of the hash
    expect((await s.put('h', {task: task(), name: 'N', parameters: {a: 1}})).status).toBe(403)
    // an explicit null list is not an empty one (hash 0 against 1)
    expect((await s.put('h', {task: task(), name: 'N', prerequisiteJobIds: null})).status).toBe(403)
    // taskDataEncoding hashes by identity: stable for the life of one service process (one sandbox)
    const encoded = {task: {...task('{}'), taskDataEncoding: 'utf8'}}
    expect((await s.put('e', encoded)).status).toBe(201)
    expect((await s.put('e', encoded)).status).toBe(204)
  })

  it('key order never matters, list order does; 1 and 1.0 are different numbers; coerced text is the same text', () => {
    const base = (data: string, more = '') => `{"task": {"taskClassifier": "W", "taskApiVersion": 1, "taskData": ${data}, "taskPipe": "q"}${more}}`
    expect(hashOf(base('{"a": 1, "b": [1, 2]}'))).toBe(hashOf(base('{"b": [1, 2], "a": 1}')))
    expect(hashOf(base('{"b": [1, 2]}'))).not.toBe(hashOf(base('{"b": [2, 1]}')))
    expect(hashOf(base('{"a": 1}'))).not.toBe(hashOf(base('{"a": 1.0}')))
    expect(hashOf(base('{"a": 1.0}'))).toBe(hashOf(base('{"a": 1.00}'))) // the same Double
    expect(hashOf(base('{}', ', "name": 5'))).toBe(hashOf(base('{}', ', "name": "5"')))
    expect(hashOf(base('{}', ', "delay": 2.9'))).toBe(hashOf(base('{}', ', "delay": 2')))
    // Integer and Long hash alike; Integer 1231 and Boolean true too: the service cannot tell them apart.
    expect(hashOf(base('{"a": 5}'))).toBe(hashOf(base('{"a": 5}')))
    expect(hashOf(base('{"a": 1231}'))).toBe(hashOf(base('{"a": true}')))
  })

  it('a 32-bit hash: names "Aa" and "BB" collide, so the second PUT is "identical" (204) and changes nothing', async () => {
    expect((await s.put('c', {task: task(), name: 'Aa'})).status).toBe(201)
    expect((await s.put('c', {task: task(), name: 'BB'})).status).toBe(204)
    expect((await s.job('c')).name).toBe('Aa')
  })

  it('an identical PUT of a finished job answers 204 and does not run it again', async () => {
    await s.put('f', {task: task({durationSeconds: 1})})
    s.advance(2000)
    const before = await s.job('f')
    expect(before.status).toBe('Completed')
    s.advance(1000)
    expect((await s.put('f', {task: task({durationSeconds: 1})})).status).toBe(204)
    expect(await s.job('f')).toEqual(before)
  })
})

describe('what the database refuses (SQLSTATE 22001, rethrown: 500)', () => {
  const tooLong = (n: number) => new RegExp(`^ERROR: value too long for type character varying\\(${n}\\)\\n {2}Where: `)

  it('a job id over 48 characters: PUT 500, every other route 404, isActive false; Java checks no length', async () => {
    const long = 'x'.repeat(49)
    const put = await s.put(long, {task: task()})
    expect(put.status).toBe(500)
    expect(put.body.message).toMatch(tooLong(48))
    expect(put.body.message).toContain(
      'PL/pgSQL function internal_create_job(character varying,character varying,character varying,text,text,integer,integer,character varying[]) line 6 at SQL statement',
    )
    for (const [method, path] of [
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/status'],
      ['POST', '/cancel'],
      ['POST', '/pause'],
      ['POST', '/resume'],
    ] as const) {
      const res = await s.call(method, `${J}/${long}${path}`)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(res.body.message).toMatch(new RegExp(`^ERROR: job_id \\{${long}\\} not found\\n`))
    }
    expect(await s.call('GET', `${J}/${long}/isActive`)).toMatchObject({status: 200, body: false})
    // characters, not UTF-16 units: 48 astral characters fit
    expect((await s.put('😀'.repeat(48), {task: task()})).status).toBe(201)
  })

  it('a name, label, classifier or queue over 255 characters; an awaited prerequisite id over 48', async () => {
    const long = 'y'.repeat(256)
    expect((await s.put('n', {task: task(), name: long})).body.message).toMatch(tooLong(255))
    const label = await s.put('l', {task: task(), labels: {k: long}})
    expect(label.body.message).toMatch(tooLong(255))
    expect(label.body.message).toContain('line 35 at FOREACH over array')
    expect((await s.put('q', {task: {...task(), taskPipe: long}})).body.message).toMatch(tooLong(255))
    const prereq = await s.put('p', {task: task(), prerequisiteJobIds: ['z'.repeat(49)]})
    expect(prereq.status).toBe(500)
    expect(prereq.body.message).toMatch(tooLong(48))
    // ,pc: not awaited, so never inserted; an entry is cut to 128 characters first (`::VARCHAR(128)`)
    expect((await s.put('pc', {task: task(), prerequisiteJobIds: [`${'z'.repeat(49)},pc`]})).status).toBe(201)
    for (const id of ['n', 'l', 'q', 'p']) expect((await s.call('GET', `${J}/${id}`)).status, id).toBe(404)
  })
})
