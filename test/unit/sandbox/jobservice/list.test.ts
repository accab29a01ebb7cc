// Job Service sandbox: list/count selection (statusType, RSQL filter, labels, sort, paging), bulk cancel/delete, seeding.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type JsSandbox, startJs, task} from './helpers.js'

let s: JsSandbox
const J = '/partitions/default/jobs'
const ids = async (query: string) => {
  const res = await s.call('GET', `${J}?limit=100&sort=jobId:asc&${query}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.map((j: any) => j.id as string)
}
const count = async (query: string) => (await s.call('GET', `/partitions/default/jobStats/count?${query}`)).body
const f = (rsql: string) => `filter=${encodeURIComponent(rsql)}`

beforeAll(async () => {
  s = await startJs()
  // a: Completed, b: Failed, c: Cancelled, d: Active, e: Waiting, f: Paused (created 1 ms apart)
  await s.put('a_1', {name: 'Alpha job', task: task({durationSeconds: 1}), labels: {owner: 'bob smith', team: 'x'}})
  s.advance(1)
  await s.put('b-2', {name: 'Beta', task: task({durationSeconds: 1, fail: true}), labels: {owner: 'o"brien, jr'}})
  s.advance(1)
  await s.put('c-3', {task: task({durationSeconds: 100}), labels: {team: 'y'}})
  s.advance(1)
  await s.put('d-4', {name: 'Delta', task: task({durationSeconds: 100}), labels: {owner: 'alice'}})
  s.advance(1)
  await s.put('e-5', {name: 'Echo', task: task(), prerequisiteJobIds: ['missing']})
  s.advance(1)
  await s.put('f-6', {name: 'Fox', task: task({durationSeconds: 100})})
  s.advance(1300)
  await s.call('POST', `${J}/c-3/cancel`)
  await s.call('POST', `${J}/f-6/pause`)
  await s.job('a_1') // a_1's completion report is applied by a read (see lifecycle.test.ts)
})
afterAll(async () => {
  await s.close()
})

describe('list and count', () => {
  it('statusType: each of the §5 sets, anything else = all', async () => {
    expect(await ids('')).toEqual(['a_1', 'b-2', 'c-3', 'd-4', 'e-5', 'f-6'])
    expect(await ids('statusType=NotCompleted')).toEqual(['b-2', 'c-3', 'd-4', 'e-5', 'f-6'])
    expect(await ids('statusType=Completed')).toEqual(['a_1'])
    expect(await ids('statusType=Inactive')).toEqual(['a_1', 'b-2', 'c-3'])
    expect(await ids('statusType=NotFinished')).toEqual(['d-4', 'e-5', 'f-6'])
    expect(await ids('statusType=All')).toHaveLength(6)
    expect(await count('statusType=NotFinished')).toBe(3)
    expect(await count('')).toBe(6)
  })

  it('RSQL: operators, wildcard, logic, labels, quoted values with spaces/quotes/commas; errors', async () => {
    expect(await ids(f('status==Failed'))).toEqual(['b-2'])
    expect(await ids(f('status!=Completed;status!=Failed'))).toEqual(['c-3', 'd-4', 'e-5', 'f-6'])
    expect(await ids(f('status=in=(Active,Waiting)'))).toEqual(['d-4', 'e-5'])
    expect(await ids(f('status=out=(Active,Waiting,Completed)'))).toEqual(['b-2', 'c-3', 'f-6'])
    expect(await ids(f('percentageComplete=lt=50;status==Active'))).toEqual(['d-4'])
    expect(await ids(f('percentageComplete=ge=50'))).toEqual(['a_1']) // b-2 Failed: 0
    expect(await ids(f('percentageComplete>99'))).toEqual(['a_1'])
    expect(await ids(f('percentageComplete<=0'))).toEqual(['b-2', 'e-5'])
    expect(await ids(f('percentageComplete=gt=0 and percentageComplete<100'))).toEqual(['c-3', 'd-4', 'f-6'])
    expect(await ids(f('id==*-*'))).toEqual(['b-2', 'c-3', 'd-4', 'e-5', 'f-6'])
    expect(await ids(f('id==a_*'))).toEqual(['a_1'])
    expect(await ids(f('id==a%*'))).toEqual([]) // % is literal, only * is a wildcard
    expect(await ids(f('name!=*a'))).toEqual(['a_1', 'e-5', 'f-6']) // c-3 has no name: NULL never matches
    expect(await ids(f('(name==Alpha*,name==Beta);status==Completed'))).toEqual(['a_1'])
    expect(await ids(f('name==Fox or status==Cancelled'))).toEqual(['c-3', 'f-6'])
    expect(await ids(f('id=gt=c-3'))).toEqual(['d-4', 'e-5', 'f-6'])
    expect(await ids(f('labels.owner=="bob smith"'))).toEqual(['a_1'])
    expect(await ids(f(`labels.owner=='o"brien, jr'`))).toEqual(['b-2'])
    expect(await ids(f('labels.owner=="o\\"brien, jr"'))).toEqual(['b-2'])
    expect(await ids(f('labels.owner!=alice'))).toEqual(['a_1', 'b-2']) // EXISTS: jobs without the label do not match
    expect(await ids(f('labels.team=in=(x,y)'))).toEqual(['a_1', 'c-3'])
    expect(await count(f('labels.owner==*'))).toBe(3)

    for (const [filter, message] of [
      ['createTime=gt=1', 'Unsupported filter key specified: createTime'],
      ['labels==x', 'Unsupported filter key specified: labels'],
      ['status==', 'Unable to parse filter'],
      ['status==a b', 'Unable to parse filter'],
      ['(status==Failed', 'Unable to parse filter'],
      ['status=like=x', 'Unable to parse filter'],
    ] as const) {
      for (const path of [`${J}?${f(filter)}`, `/partitions/default/jobStats/count?${f(filter)}`]) {
        expect(await s.call('GET', path), `${path}`).toMatchObject({status: 400, body: {message}})
      }
    }
  })

  it('jobIdStartsWith, labelExist (any of), count ignores labelExist', async () => {
    expect(await ids('jobIdStartsWith=a_')).toEqual(['a_1'])
    expect(await ids('jobIdStartsWith=a%25')).toEqual([])
    expect(await ids('labelExist=team')).toEqual(['a_1', 'c-3'])
    expect(await ids('labelExist=team,owner')).toEqual(['a_1', 'b-2', 'c-3', 'd-4'])
    expect(await count('labelExist=team')).toBe(6)
    expect(await count('jobIdStartsWith=d')).toBe(1)
  })

  it('sort: default createTime:desc, fields, labels.<key> (NULLs last asc, first desc), bad values 400', async () => {
    const list = async (query: string) => (await s.call('GET', `${J}?${query}`)).body.map((j: any) => j.id)
    expect(await list('')).toEqual(['f-6', 'e-5', 'd-4', 'c-3', 'b-2', 'a_1'])
    expect(await list('sort=createTime:asc')).toEqual(['a_1', 'b-2', 'c-3', 'd-4', 'e-5', 'f-6'])
    expect(await list('sort=name:asc')).toEqual(['a_1', 'b-2', 'd-4', 'e-5', 'f-6', 'c-3'])
    expect(await list('sort=status:desc')).toEqual(['e-5', 'f-6', 'b-2', 'a_1', 'c-3', 'd-4'])
    expect(await list('sort=labels.owner:asc')).toEqual(['d-4', 'a_1', 'b-2', 'c-3', 'e-5', 'f-6'])
    expect(await list('sort=labels.owner:desc')).toEqual(['c-3', 'e-5', 'f-6', 'b-2', 'a_1', 'd-4'])
    expect(await list('sort=percentageComplete:desc&limit=2')).toEqual(['a_1', 'c-3'])
    for (const [sort, message] of [
      ['createTime', 'Invalid format for sort: createTime'],
      ['nope:asc', 'Invalid value for sort field: nope:asc'],
      ['createTime:up', 'Invalid value for sort direction: up'],
      ['id:asc', 'Invalid value for sort field: id:asc'],
    ] as const) {
      expect(await s.call('GET', `${J}?sort=${sort}`)).toMatchObject({status: 400, body: {message}})
    }
  })

  it("paging: limit/offset; missing or ≤0 limit = 25; a non-integer limit is Jersey's 404, which the service's mapper answers as 500", async () => {
    const page = async (q: string) => (await s.call('GET', `${J}?sort=jobId:asc&${q}`)).body.map((j: any) => j.id)
    expect(await page('limit=2&offset=1')).toEqual(['b-2', 'c-3'])
    expect(await page('limit=2&offset=5')).toEqual(['f-6'])
    expect(await page('offset=4')).toEqual(['e-5', 'f-6'])
    const big = await startJs()
    try {
      for (let i = 0; i < 30; i++) await big.put(`j-${String(i).padStart(2, '0')}`, {task: task()})
      expect((await big.call('GET', J)).body).toHaveLength(25)
      expect((await big.call('GET', `${J}?limit=0`)).body).toHaveLength(25)
      expect((await big.call('GET', `${J}?limit=-3`)).body).toHaveLength(25)
      expect((await big.call('GET', `${J}?limit=40`)).body).toHaveLength(30)
      expect((await big.call('GET', `${J}?offset=25&sort=jobId:asc`)).body.map((j: any) => j.id)).toEqual(['j-25', 'j-26', 'j-27', 'j-28', 'j-29'])
      expect(await big.call('GET', `${J}?limit=ten`)).toMatchObject({status: 500, body: {message: 'HTTP 404 Not Found'}})
    } finally {
      await big.close()
    }
  })
})

describe('bulk', () => {
  it('jobs:cancel only NotFinished jobs; jobs:delete all statuses; no parameter = the whole partition', async () => {
    const b = await startJs()
    try {
      for (const id of ['x-1', 'x-2', 'y-1', 'y-2']) await b.put(id, {task: task({durationSeconds: id.endsWith('1') ? 1 : 100}), labels: id.startsWith('x') ? {grp: 'x'} : {}})
      await b.put('other', {task: task()}, 'elsewhere')
      b.advance(1500) // *-1 Completed, *-2 Active
      await b.job('x-1') // applies x-1's completion report: unread, it would make the bulk cancel fail (lifecycle.test.ts)
      await b.job('y-1')
      expect(await b.call('POST', '/partitions/default/jobs:cancel?jobIdStartsWith=x')).toMatchObject({status: 200, body: {jobsCanceled: 1}})
      expect((await b.job('x-2')).status).toBe('Cancelled')
      expect((await b.job('x-1')).status).toBe('Completed')
      expect((await b.call('POST', `/partitions/default/jobs:cancel?filter=${encodeURIComponent('id==y*')}`)).body).toEqual({jobsCanceled: 1})
      expect((await b.call('POST', '/partitions/default/jobs:cancel')).body).toEqual({jobsCanceled: 0})
      expect((await b.call('POST', '/partitions/default/jobs:delete?labelExist=grp')).body).toEqual({jobsDeleted: 2})
      expect((await b.call('POST', '/partitions/default/jobs:delete?filter=nope==1')).body).toEqual({message: 'Unsupported filter key specified: nope'})
      expect((await b.call('POST', '/partitions/default/jobs:delete')).body).toEqual({jobsDeleted: 2})
      expect((await b.call('GET', '/partitions/default/jobStats/count')).body).toBe(0)
      expect((await b.call('GET', '/partitions/elsewhere/jobStats/count')).body).toBe(1)
    } finally {
      await b.close()
    }
  })
})

describe('seeded jobs', () => {
  it('default 40 in partition default, a deterministic realistic mix', async () => {
    const a = await startJs({jobs: undefined, seed: 7})
    const b = await startJs({jobs: undefined, seed: 7})
    try {
      const list = await a.call('GET', `${J}?limit=100&sort=jobId:asc`)
      expect(list.body).toHaveLength(40)
      expect((await b.call('GET', `${J}?limit=100&sort=jobId:asc`)).body).toEqual(list.body)
      expect(list.body.every((j: any) => typeof j.labels.owner === 'string')).toBe(true)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('50,000 jobs: listing and counting stay fast; stuck Active jobs are hours old; failures present', async () => {
    const big = await startJs({jobs: 50_000})
    try {
      const started = performance.now()
      const total = (await big.call('GET', '/partitions/default/jobStats/count')).body
      expect(total).toBe(50_000)
      const byStatus: Record<string, number> = {}
      for (const st of ['Completed', 'Failed', 'Cancelled', 'Active', 'Waiting', 'Paused']) {
        byStatus[st] = (await big.call('GET', `/partitions/default/jobStats/count?${f(`status==${st}`)}`)).body
      }
      expect(byStatus.Completed).toBeGreaterThan(30_000)
      for (const st of ['Failed', 'Cancelled', 'Active', 'Waiting', 'Paused']) expect(byStatus[st]).toBeGreaterThan(100)
      const page = await big.call('GET', `${J}?limit=500&offset=100&${f('status==Failed;labels.owner==bob')}&sort=lastUpdateTime:desc`)
      expect(page.body.length).toBeGreaterThan(0)
      expect(page.body[0].failures[0]).toMatchObject({failureId: 'TASK_FAILURE'})
      const stuck = await big.call('GET', `${J}?statusType=NotFinished&sort=lastUpdateTime:asc&limit=10`)
      expect(stuck.body[0].status).toBe('Active')
      expect(big.now() - stuck.body[0].lastUpdateTime).toBeGreaterThan(2 * 3600_000)
      expect((await big.call('GET', `${J}?labelExist=team&limit=1`)).body).toHaveLength(1)
      expect(performance.now() - started).toBeLessThan(5000)
    } finally {
      await big.close()
    }
  })
})
