// Job Service sandbox: the job lifecycle as the service's SQL gives it — completion reports applied by the next
// read (so counts and list filters lag), tasks never sent, resume before dispatch, failure spreading to every
// dependent, dependency rows outliving a deleted prerequisite, and a bulk cancel failing part-way.
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
const count = async (query: string) => (await s.call('GET', `/partitions/default/jobStats/count?${query}`)).body
const list = async (query: string) => (await s.call('GET', `${J}?limit=500&sort=jobId:asc&${query}`)).body as any[]
const status = async (id: string) => (await s.job(id)).status

describe('a completion report waits for a reader (completed_subtask_report, internal_update_job_progress)', () => {
  it('counts lag; a list selects on the old row, answers the new status with the old lastUpdateTime; a GET stamps the read', async () => {
    await s.put('x', {task: task({durationSeconds: 1})}) // dispatched at 300, ends at 1300
    s.advance(5000)
    expect(await count('statusType=Completed')).toBe(0)
    expect(await count('statusType=NotFinished')).toBe(1)
    expect(await count(`filter=${encodeURIComponent('status==Active')}`)).toBe(1)
    const [row] = await list('statusType=NotFinished')
    // picked as NotFinished, answered Completed: the page's reports are applied after it is chosen
    expect(row).toMatchObject({id: 'x', status: 'Completed', percentageComplete: 100, lastUpdateTime: s.now() - 5000 + 1050}) // its last progress report
    expect(await count('statusType=Completed')).toBe(1)
    const listedAt = s.now()
    s.advance(1000)
    expect(await s.job('x')).toMatchObject({status: 'Completed', lastUpdateTime: listedAt})
  })

  it('status and isActive read through get_job: they apply it too', async () => {
    await s.put('x', {task: task({durationSeconds: 1})})
    s.advance(2000)
    expect(await count('statusType=NotFinished')).toBe(1)
    expect((await s.call('GET', `${J}/x/isActive`)).body).toBe(false)
    expect(await count('statusType=NotFinished')).toBe(0)
    expect((await s.job('x')).lastUpdateTime).toBe(s.now())
  })

  it('a job another job waits for completes at once, and releases it then', async () => {
    await s.put('child', {task: task({durationSeconds: 1}), prerequisiteJobIds: ['parent']})
    await s.put('parent', {task: task({durationSeconds: 1})})
    const created = s.now()
    s.advance(10_000)
    expect(await count('statusType=Completed')).toBe(1) // parent; child's own completion waits for a read
    expect(await s.job('parent')).toMatchObject({status: 'Completed', lastUpdateTime: created + 1300})
    // released at 1300, sent at 1600, done at 2600
    expect(await s.job('child')).toMatchObject({status: 'Completed', createTime: created, lastUpdateTime: s.now()})
  })

  it('cancel does not read it: it wins over an unread completion', async () => {
    await s.put('x', {task: task({durationSeconds: 1})})
    s.advance(2000)
    expect((await s.call('POST', `${J}/x/cancel`)).status).toBe(204)
    expect(await status('x')).toBe('Cancelled')
  })

  it('pause does not read it either, and the completion wins at the next read', async () => {
    await s.put('x', {task: task({durationSeconds: 1})})
    s.advance(2000)
    expect((await s.call('POST', `${J}/x/pause`)).status).toBe(204)
    expect(await count('statusType=NotFinished')).toBe(1)
    expect(await status('x')).toBe('Completed')
    await s.put('y', {task: task({durationSeconds: 1})})
    s.advance(2000)
    await s.call('POST', `${J}/y/pause`)
    // resume reads it first (get_job): Completed, so not resumable
    expect((await s.call('POST', `${J}/y/resume`)).body.message).toBe(
      'job_id {y} cannot be resumed as it has a status of {Completed}. Only jobs with a status of Paused can be resumed.',
    )
  })
})

describe('prerequisites', () => {
  it('all already satisfied and no delay: create_job stores no task, so the job is never sent and stays Waiting', async () => {
    await s.put('done', {task: task({durationSeconds: 0.1})})
    s.advance(1000)
    await s.job('done')
    await s.put('stuck', {task: task(), prerequisiteJobIds: ['done', 'gone,pc']})
    await s.put('delayed', {task: task({durationSeconds: 1}), prerequisiteJobIds: ['done'], delay: 1})
    await s.put('blank', {task: task({durationSeconds: 1}), prerequisiteJobIds: ['', ' ', null]}) // dropped: no prerequisites
    s.advance(3_600_000)
    expect(await s.job('stuck')).toMatchObject({status: 'Waiting', percentageComplete: 0})
    expect((await s.call('GET', `${J}/stuck/isActive`)).body).toBe(true)
    expect(await status('delayed')).toBe('Completed')
    expect(await status('blank')).toBe('Completed')
  })

  it('a prerequisite whose completion nobody read is read by create_job: satisfied, stamped with that moment', async () => {
    await s.put('quiet', {task: task({durationSeconds: 0.1})})
    s.advance(1000)
    const at = s.now()
    await s.put('next', {task: task(), prerequisiteJobIds: ['quiet']})
    s.advance(60_000)
    expect(await s.job('quiet')).toMatchObject({status: 'Completed', lastUpdateTime: at})
    expect(await status('next')).toBe('Waiting') // all satisfied, no delay: never sent
  })

  it('a refused create_job reads nothing: its statement rolls back, pending reports included', async () => {
    await s.put('quiet', {task: task({durationSeconds: 0.1})})
    await s.put('broken', {task: task({durationSeconds: 0.1, fail: true})})
    s.advance(1000)
    expect((await s.put('next', {task: task(), prerequisiteJobIds: ['quiet', 'broken']})).status).toBe(400)
    expect(await count('statusType=NotFinished')).toBe(1) // quiet's report is still waiting for a reader
  })

  it('resumed before its task was sent: Active at once, but it runs only when its prerequisite completes', async () => {
    await s.put('w', {task: task({durationSeconds: 1}), prerequisiteJobIds: ['first']})
    expect((await s.call('POST', `${J}/w/pause`)).status).toBe(204)
    expect((await s.call('POST', `${J}/w/resume`)).status).toBe(204)
    s.advance(60_000)
    expect(await s.job('w')).toMatchObject({status: 'Active', percentageComplete: 0})
    await s.put('first', {task: task({durationSeconds: 1})})
    s.advance(1300 + 300 + 500)
    expect(await s.job('w')).toMatchObject({status: 'Active', percentageComplete: 50})
    s.advance(500)
    expect(await status('w')).toBe('Completed')
  })

  it('paused while Waiting, its task arrives and is held (stowed) until resume', async () => {
    await s.put('p', {task: task({durationSeconds: 1})})
    await s.call('POST', `${J}/p/pause`)
    s.advance(60_000)
    expect(await s.job('p')).toMatchObject({status: 'Paused', percentageComplete: 0})
    await s.call('POST', `${J}/p/resume`)
    const resumed = s.now()
    s.advance(999)
    expect(await s.job('p')).toMatchObject({status: 'Active', lastUpdateTime: resumed + 750})
    s.advance(1)
    expect(await status('p')).toBe('Completed')
  })

  it('a failure spreads at once to every job depending on it, however far and whatever its status', async () => {
    await s.put('a', {task: task({durationSeconds: 2, fail: true, message: 'boom'})})
    await s.put('b', {task: task(), prerequisiteJobIds: ['a']})
    await s.put('c', {task: task(), prerequisiteJobIds: ['b', 'other']})
    await s.put('d', {task: task(), prerequisiteJobIds: ['a']})
    expect((await s.call('POST', `${J}/d/cancel`)).status).toBe(204) // cancel leaves its job_dependency rows
    const created = s.now()
    s.advance(10_000)
    for (const id of ['b', 'c', 'd']) {
      const job = await s.job(id)
      expect(job, id).toMatchObject({status: 'Failed', percentageComplete: 0, lastUpdateTime: created + 1300})
      expect(job.failures[0]).toMatchObject({failureId: 'TASK_FAILURE', failureSource: 'default:a:demoworker-worker', failureMessage: 'java.lang.RuntimeException: boom'})
    }
    expect(await s.job('a')).toMatchObject({status: 'Failed', percentageComplete: 0})
  })

  it('deleting a prerequisite leaves its dependents waiting; a new job under that id releases them', async () => {
    await s.put('pre', {task: task({durationSeconds: 100})})
    await s.put('dep', {task: task({durationSeconds: 1}), prerequisiteJobIds: ['pre']})
    s.advance(1000)
    expect((await s.call('DELETE', `${J}/pre`)).status).toBe(204)
    s.advance(200_000)
    expect(await status('dep')).toBe('Waiting')
    await s.put('pre', {task: task({durationSeconds: 1})})
    s.advance(1300 + 1300)
    expect(await status('dep')).toBe('Completed')
    // once released, a job does not wait again for a later job of that id
    await s.put('dep2', {task: task({durationSeconds: 100}), prerequisiteJobIds: ['pre2']})
    await s.put('pre2', {task: task({durationSeconds: 1})})
    s.advance(1300 + 400)
    await s.call('DELETE', `${J}/pre2`)
    await s.put('pre2', {task: task({durationSeconds: 100})})
    s.advance(1000)
    expect(await status('dep2')).toBe('Active')
  })
})

describe('jobs:cancel in batches of 100 (cancel_jobs)', () => {
  it('a job whose completion nobody read makes its batch fail: 400 for the call, earlier batches stay cancelled', async () => {
    for (let i = 0; i < 150; i++) {
      const id = `k-${String(i).padStart(3, '0')}`
      await s.put(id, {task: task({durationSeconds: id === 'k-010' ? 1 : 1000})})
    }
    s.advance(5000)
    const first = await s.call('POST', `${J}:cancel?jobIdStartsWith=k-`)
    expect(first.status).toBe(400)
    expect(first.body.message).toBe(
      [
        'ERROR: job_id {k-010} cannot be cancelled',
        '  Where: PL/pgSQL function cancel_job(character varying,character varying) line 24 at RAISE',
        'SQL statement "…"',
        'PL/pgSQL function cancel_jobs(character varying,character varying,integer,character varying[],character varying) line 11 at PERFORM',
      ].join('\n'),
    )
    // the first batch (k-149 … k-050, highest ids first) was committed; the failing one rolled back, report and all
    expect(await count(`filter=${encodeURIComponent('status==Cancelled')}`)).toBe(100)
    expect(await count('statusType=NotFinished')).toBe(50)
    expect((await s.call('POST', `${J}:cancel?jobIdStartsWith=k-`)).status).toBe(400) // the same again, until a read
    expect(await status('k-010')).toBe('Completed')
    expect(await s.call('POST', `${J}:cancel?jobIdStartsWith=k-`)).toMatchObject({status: 200, body: {jobsCanceled: 49}})
  })

  it('jobs:delete removes every match, Active and unread ones included, in batches', async () => {
    for (let i = 0; i < 120; i++) await s.put(`d-${i}`, {task: task({durationSeconds: i % 2 ? 1 : 1000})})
    s.advance(5000)
    expect(await s.call('POST', `${J}:delete?jobIdStartsWith=d-`)).toMatchObject({status: 200, body: {jobsDeleted: 120}})
    expect(await count('')).toBe(0)
  })
})
