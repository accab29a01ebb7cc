// Job Service sandbox: error texts as they reach a caller. Those raised in PL/pgSQL carry pgjdbc's envelope
// (`ERROR: ` and a `Where:` context naming the function and the line of its body); those thrown by Java do not.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type JsSandbox, startJs, task} from './helpers.js'

let s: JsSandbox
const J = '/partitions/default/jobs'
beforeAll(async () => {
  s = await startJs()
  await s.put('done', {task: task({durationSeconds: 0.1})})
  await s.put('bad', {task: task({durationSeconds: 0.2, fail: true})})
  s.advance(1000)
  await s.job('done')
})
afterAll(async () => {
  await s.close()
})

const fn = (name: string) => `${name}(character varying,character varying)`

describe('not found: each SQL function raises its own, answered 404', () => {
  it('get_job for GET, status and resume; delete_job, cancel_job and pause_job for theirs', async () => {
    for (const [method, path, where] of [
      ['GET', '', `PL/pgSQL function ${fn('get_job')} line 39 at RAISE`],
      ['GET', '/status', `PL/pgSQL function ${fn('get_job')} line 39 at RAISE`],
      ['POST', '/resume', `PL/pgSQL function ${fn('get_job')} line 39 at RAISE`],
      ['DELETE', '', `PL/pgSQL function ${fn('delete_job')} line 21 at RAISE`],
      ['POST', '/cancel', `PL/pgSQL function ${fn('cancel_job')} line 20 at RAISE`],
      ['POST', '/pause', `PL/pgSQL function ${fn('pause_job')} line 19 at RAISE`],
    ] as const) {
      const res = await s.call(method, `${J}/ghost${path}`)
      expect(res, `${method} ${path}`).toMatchObject({status: 404, body: {message: `ERROR: job_id {ghost} not found\n  Where: ${where}`}})
    }
  })

  it('a job of another partition is not found either', async () => {
    const res = await s.call('GET', `/partitions/elsewhere/jobs/done`)
    expect(res.status).toBe(404)
    expect(res.body.message).toMatch(/^ERROR: job_id \{done\} not found\n/)
  })
})

describe('refusals', () => {
  it('cancel and pause are refused by SQL (envelope); resume by Java (plain text)', async () => {
    expect(await s.call('POST', `${J}/done/cancel`)).toMatchObject({
      status: 400,
      body: {message: `ERROR: job_id {done} cannot be cancelled\n  Where: PL/pgSQL function ${fn('cancel_job')} line 24 at RAISE`},
    })
    expect(await s.call('POST', `${J}/bad/pause`)).toMatchObject({
      status: 400,
      body: {
        message:
          'ERROR: job_id {bad} cannot be paused as it has a status of {Failed}. Only jobs with a status of Active or Waiting can be paused.' +
          `\n  Where: PL/pgSQL function ${fn('pause_job')} line 23 at RAISE`,
      },
    })
    expect(await s.call('POST', `${J}/done/resume`)).toMatchObject({
      status: 400,
      body: {message: 'job_id {done} cannot be resumed as it has a status of {Completed}. Only jobs with a status of Paused can be resumed.'},
    })
  })

  it('a Failed prerequisite: raised in internal_raise_exception_for_failed_prereqs, called by create_job', async () => {
    const res = await s.put('late', {task: task(), prerequisiteJobIds: ['bad']})
    expect(res.status).toBe(400)
    expect(res.body.message).toBe(
      [
        'ERROR: One or more prerequisite jobs have failed. Failed Job IDs: bad',
        '  Where: PL/pgSQL function internal_raise_exception_for_failed_prereqs(character varying[]) line 3 at RAISE',
        'SQL statement "…"',
        'PL/pgSQL function create_job(character varying,character varying,character varying,text,text,integer,character varying,integer,bytea,character varying,character varying,character varying[],integer,character varying[],boolean) line 47 at SQL statement',
      ].join('\n'),
    )
    expect((await s.call('GET', `${J}/late`)).status).toBe(404) // no row was created
  })

  it('an existing job with another definition: 403 from Java, no envelope', async () => {
    expect(await s.put('done', {task: task({durationSeconds: 5})})).toMatchObject({status: 403, body: {message: 'Job already exists'}})
  })
})
