// Job Service sandbox: how list, count and the bulk calls read their query (JobsGet, RsqlToSqlUtils, JobFilterQuery,
// SQL get_jobs/get_jobs_count): sort texts and order, collation, paging edges, filter failures (400 and 500).
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type JsSandbox, startJs, task} from './helpers.js'

let s: JsSandbox
const J = '/partitions/default/jobs'
const C = '/partitions/default/jobStats/count'
const f = (rsql: string) => `filter=${encodeURIComponent(rsql)}`
const list = async (query: string) => {
  const res = await s.call('GET', `${J}?limit=100&${query}`)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.map((j: any) => j.id as string)
}

beforeAll(async () => {
  s = await startJs()
  for (const [id, name, labels] of [
    ['C', 'Charlie', {tag: 'x'}],
    ['A', 'alpha', {tag: 'Y'}],
    ['b', 'Bravo', {other: '1', 'tag:1': 'z'}],
  ] as const) {
    await s.put(id, {name, task: task({durationSeconds: 100}), labels})
    s.advance(1)
  }
})
afterAll(async () => {
  await s.close()
})

describe('sort (JobsGet)', () => {
  it('text sorts in the collation, case-insensitively first: A, b, C (IT testGetJobsWithSort)', async () => {
    expect(await list('sort=jobId:asc')).toEqual(['A', 'b', 'C'])
    expect(await list('sort=name:desc')).toEqual(['C', 'b', 'A'])
    expect(await list('sort=labels.tag:asc')).toEqual(['C', 'A', 'b']) // x < Y; no label last
  })

  it('split at the first colon; case-sensitive direction; the texts echo what was sent', async () => {
    for (const [sort, message] of [
      ['', 'Invalid format for sort: '],
      ['jobId', 'Invalid format for sort: jobId'],
      ['nope:asc', 'Invalid value for sort field: nope:asc'],
      [':asc', 'Invalid value for sort field: :asc'],
      ['JobId:asc', 'Invalid value for sort field: JobId:asc'],
      ['jobId:ASC', 'Invalid value for sort direction: ASC'],
      ['jobId:', 'Invalid value for sort direction: '],
      ['labels.tag:1:asc', 'Invalid value for sort direction: 1:asc'],
      ['labels.:asc', 'Invalid format for label sort specified'],
    ] as const) {
      expect(await s.call('GET', `${J}?sort=${encodeURIComponent(sort)}`), sort).toMatchObject({status: 400, body: {message}})
    }
  })

  it('a bad sort is reported before a bad filter', async () => {
    expect((await s.call('GET', `${J}?sort=x&${f('nope==1')}`)).body).toEqual({message: 'Invalid format for sort: x'})
  })
})

describe('paging', () => {
  it('a negative offset is ignored (OFFSET only when > 0)', async () => {
    expect(await list('sort=jobId:asc&offset=-5')).toEqual(['A', 'b', 'C'])
  })
})

describe('labelExist', () => {
  it('names are split on commas and taken as they are, spaces included', async () => {
    expect(await list('sort=jobId:asc&labelExist=nothing,other')).toEqual(['b'])
    expect(await list('sort=jobId:asc&labelExist=nothing,%20other')).toEqual([])
    expect(await list('sort=jobId:asc&labelExist=,')).toEqual(['A', 'b', 'C']) // no name at all: no condition
  })
})

describe('filter failures', () => {
  it("what jirutka's parser refuses is 400 Unable to parse filter: empty, blank, several values to one", async () => {
    for (const filter of ['', '   ', 'name==(a,b)', 'status!=(Active,Paused)', 'name=like=x', 'name==']) {
      for (const path of [`${J}?${f(filter)}`, `${C}?${f(filter)}`, `${J}:cancel?${f(filter)}`]) {
        const res = await s.call(path.includes(':cancel') ? 'POST' : 'GET', path)
        expect(res, `${path}`).toMatchObject({status: 400, body: {message: 'Unable to parse filter'}})
      }
    }
    expect(await list(`sort=jobId:asc&${f('name==(alpha)')}`)).toEqual(['A']) // one value in parentheses is fine
    // parsing (all of it) comes before converting: a bad operator later wins over an unknown key earlier
    expect((await s.call('GET', `${J}?${f('colour==red;name==(a,b)')}`)).body).toEqual({message: 'Unable to parse filter'})
  })

  it('a status outside the enum or `*` on status/percentageComplete: PostgreSQL refuses the SQL, 500', async () => {
    const getJobs =
      'PL/pgSQL function get_jobs(character varying,character varying,character varying,integer,integer,character varying,character varying,boolean,character varying[],character varying) line 117 at EXECUTE'
    expect(await s.call('GET', `${J}?${f('status==active')}`)).toMatchObject({
      status: 500,
      body: {message: `ERROR: invalid input value for enum job_status: "active"\n  Where: ${getJobs}`},
    })
    expect((await s.call('GET', `${J}?${f('status=out=(Active,Complete)')}`)).body.message).toMatch(/^ERROR: invalid input value for enum job_status: "Complete"\n/)
    const hint = '\n  Hint: No operator matches the given name and argument types. You might need to add explicit type casts.\n  Where: '
    expect((await s.call('GET', `${C}?${f('status==Act*')}`)).body).toEqual({
      message: `ERROR: operator does not exist: job_status ~~ unknown${hint}PL/pgSQL function get_jobs_count(character varying,character varying,character varying,character varying) line 50 at RETURN QUERY`,
    })
    expect((await s.call('GET', `${J}?${f('percentageComplete!=5*')}`)).body.message).toMatch(/^ERROR: operator does not exist: double precision !~~ unknown\n {2}Hint: /)
    const bulk = await s.call('POST', `${J}:delete?${f('status==done')}`)
    expect(bulk.status).toBe(500)
    expect(bulk.body.message).toContain(
      '\nPL/pgSQL function delete_jobs(character varying,character varying,character varying,integer,character varying[],character varying) line 6 at assignment',
    )
    expect(await list('')).toHaveLength(3) // nothing was deleted
    // a valid status compares in enum order
    expect(await list(`sort=jobId:asc&${f('status=gt=Completed')}`)).toEqual(['A', 'b', 'C']) // Waiting
  })

  it('percentageComplete must be a Java double: NumberFormatException is 500 with its own text', async () => {
    expect(await s.call('GET', `${J}?${f('percentageComplete=gt=abc')}`)).toMatchObject({status: 500, body: {message: 'For input string: "abc"'}})
    expect(await s.call('GET', `${C}?${f("percentageComplete==' '")}`)).toMatchObject({status: 500, body: {message: 'empty String'}})
    for (const ok of ['5d', '1e1', ' 5 ', '+0.5f', '0x1p3']) expect((await s.call('GET', `${C}?${f(`percentageComplete<'${ok}'`)}`)).status, ok).toBe(200)
    expect((await s.call('GET', `${J}?${f('percentageComplete>NaN')}`)).body.message).toMatch(/^ERROR: column "nan" does not exist\n/)
    // the key is checked as each node is converted, left to right
    expect((await s.call('GET', `${J}?${f('percentageComplete>x;colour==red')}`)).body).toEqual({message: 'For input string: "x"'})
    expect((await s.call('GET', `${J}?${f('colour==red;percentageComplete>x')}`)).body).toEqual({message: 'Unsupported filter key specified: colour'})
  })

  it('`labels.` with an empty key names the label "", which no job has: no match, no error', async () => {
    expect(await list(f('labels.==x'))).toEqual([])
    expect(await list(`sort=jobId:asc&${f('labels.tag:1==z')}`)).toEqual(['b'])
  })

  it('text comparisons follow the collation too', async () => {
    expect(await list(`sort=jobId:asc&${f('id=gt=a')}`)).toEqual(['A', 'b', 'C'])
    expect(await list(`sort=jobId:asc&${f('name=lt=b')}`)).toEqual(['A'])
  })
})
