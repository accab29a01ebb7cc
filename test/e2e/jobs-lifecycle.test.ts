// End to end: waiting on jobs, re-running them, pause/resume/cancel/delete, and the bulk guardrails — the real binary
// against the sandbox's Job Service (PRODUCT.md §2, §6; reference/job-service.md §4–§7).
import {rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Job} from '../../src/api/jobservice/types.js'
import {expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {JOBS, jobCalls, jobFile, mutations, task} from '../helpers/jobs.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

type Created = Job & {result: string}

interface BulkReport {
  action: string
  matched: number
  unfinished?: number
  sample: Array<{id: string; status: string}>
  jobsCanceled?: number
  jobsDeleted?: number
}

let sbx: Sbx
beforeAll(async () => {
  sbx = await startSandbox({requests: 0, jobs: 0})
})
afterAll(async () => {
  expectContract(sbx.requests())
  await sbx.close()
})

const create = async (id: string, definition: object, ...more: string[]) => {
  const {exitCode, stderr, stdout} = await sbx.cli(['job', 'create', id, '-f', jobFile(sbx, id, definition), '--no-wait', '-o', 'json', ...more])
  expect(exitCode, stderr).toBe(0)
  return JSON.parse(stdout) as Created
}

describe('job wait', () => {
  it('exit 0 when Completed, printing the final job', async () => {
    await create('w-ok', {task: task({durationSeconds: 0.5})})
    const {stdout, exitCode} = await sbx.cli(['job', 'wait', 'w-ok', '-o', 'json'])
    expect(exitCode).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({id: 'w-ok', status: 'Completed', percentageComplete: 100})
  })

  it('exit 8 when Failed, with the failure in the error and the final job on stdout', async () => {
    await create('w-fail', {task: task({durationSeconds: 0.4, fail: true, message: 'no space left on device'})})
    const {stdout, stderr, exitCode} = await sbx.cli(['job', 'wait', 'w-fail', '-o', 'json'])
    expect(exitCode).toBe(8)
    expectOneError(stderr, /w-fail.*Failed: java.lang.RuntimeException: no space left on device/)
    const job = JSON.parse(stdout) as Job
    expect(job.status).toBe('Failed')
    expect(job.failures?.[0]).toMatchObject({failureId: 'TASK_FAILURE', failureSource: 'demoworker-worker'})
  })

  it('exit 8 when Cancelled', async () => {
    await create('w-cancel', {task: task({durationSeconds: 3600})})
    const waiting = sbx.cli(['job', 'wait', 'w-cancel'])
    await new Promise(r => setTimeout(r, 700))
    expect((await sbx.cli(['job', 'cancel', 'w-cancel'])).exitCode).toBe(0)
    const {exitCode, stderr} = await waiting
    expect(exitCode).toBe(8)
    expectOneError(stderr, /Cancelled/)
  })

  it("exit 7 at --timeout, naming how to resume; polls no faster than the service's Cache-Control max-age", async () => {
    await create('w-long', {task: task({durationSeconds: 3600})})
    const mark = sbx.mark()
    const {exitCode, stderr} = await sbx.cli(['job', 'wait', 'w-long', '--timeout', '4s'])
    expect(exitCode).toBe(7)
    expectOneError(stderr)
    expect(stderr).toMatch(/workerctl job wait w-long/)
    const polls = jobCalls(sbx.since(mark)).filter(r => r.path === `${JOBS}/jobs/w-long/status`)
    expect(polls.length).toBeGreaterThanOrEqual(2)
    const gaps = polls.slice(1).map((p, i) => Date.parse(p.time) - Date.parse(polls[i]!.time))
    // max-age=1 in the sandbox: never two status calls less than a second apart (small clock slack allowed).
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950)
  })

  it('job create waits by default and exits 8 when the job fails', async () => {
    const {stdout, exitCode} = await sbx.cli(['job', 'create', 'c-fail', '-f', jobFile(sbx, 'c-fail', {task: task({durationSeconds: 0.3, fail: true})}), '-o', 'json'])
    expect(exitCode).toBe(8)
    expect(JSON.parse(stdout)).toMatchObject({id: 'c-fail', status: 'Failed'})
  })
})

describe('job retry', () => {
  it('re-runs a Failed job from the kept definition: delete, then create under the same id; it completes', async () => {
    // failTimes: 1 — the first run of this task fails, the next one completes.
    const definition = {task: task({durationSeconds: 0.3, failTimes: 1, message: 'flaky upstream'}), labels: {batch: 'r1'}}
    await create('r-flaky', definition)
    expect((await sbx.cli(['job', 'wait', 'r-flaky'])).exitCode).toBe(8)
    const mark = sbx.mark()
    const {stdout, exitCode, stderr} = await sbx.cli(['job', 'retry', 'r-flaky', '-o', 'json'])
    expect(exitCode, stderr).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({id: 'r-flaky', status: 'Completed', result: 'created', labels: {batch: 'r1'}})
    const changes = mutations(sbx.since(mark)).map(r => `${r.method} ${r.path} ${r.status}`)
    expect(changes).toEqual([`DELETE ${JOBS}/jobs/r-flaky 204`, `PUT ${JOBS}/jobs/r-flaky 201`])
    expect(jobCalls(sbx.since(mark)).find(r => r.method === 'PUT')!.requestBody).toEqual(definition)
  })

  it('--new-id creates the new run beside the failed one, which stays for the record', async () => {
    await create('r-keep', {task: task({durationSeconds: 0.3, failTimes: 1, message: 'again'})})
    expect((await sbx.cli(['job', 'wait', 'r-keep'])).exitCode).toBe(8)
    const rerun = await sbx.json<Created>(['job', 'retry', 'r-keep', '--new-id', 'r-keep-2'])
    expect(rerun).toMatchObject({id: 'r-keep-2', status: 'Completed', result: 'created'})
    expect((await sbx.json<Job>(['job', 'get', 'r-keep'])).status).toBe('Failed')
  })

  it('without a kept definition: exit 2 saying so, nothing deleted; -f FILE works', async () => {
    const definition = {task: task({durationSeconds: 0.3, failTimes: 1, message: 'lost'})}
    await create('r-lost', definition)
    expect((await sbx.cli(['job', 'wait', 'r-lost'])).exitCode).toBe(8)
    // The kept definitions live in the config dir; a colleague's machine would not have it.
    rmSync(join(sbx.dir, 'config', 'jobs'), {recursive: true, force: true})
    const mark = sbx.mark()
    const {exitCode, stderr} = await sbx.cli(['job', 'retry', 'r-lost'])
    expect(exitCode).toBe(2)
    expectOneError(stderr, /no definition of job r-lost is kept on this machine/)
    expect(stderr).toMatch(/^Hint: .*-f FILE/m)
    expect(mutations(sbx.since(mark))).toEqual([])
    const rerun = await sbx.json<Created>(['job', 'retry', 'r-lost', '-f', jobFile(sbx, 'r-lost', definition)])
    expect(rerun).toMatchObject({id: 'r-lost', status: 'Completed'})
  })

  it('refuses a job that did not fail (exit 5), and warns about dependents that failed with it', async () => {
    await create('r-done', {task: task({durationSeconds: 0.1})})
    expect((await sbx.cli(['job', 'wait', 'r-done'])).exitCode).toBe(0)
    const done = await sbx.cli(['job', 'retry', 'r-done'])
    expect(done.exitCode).toBe(5)
    expectOneError(done.stderr, /r-done is Completed/)

    // The dependent first (it waits for a prerequisite not created yet), so the root cannot fail before it exists.
    await create('r-child', {task: task({durationSeconds: 0.1}), prerequisiteJobIds: ['r-root']})
    await create('r-root', {task: task({durationSeconds: 0.5, failTimes: 1, message: 'root cause'})})
    expect((await sbx.cli(['job', 'wait', 'r-child'])).exitCode).toBe(8)
    const {exitCode, stderr} = await sbx.cli(['job', 'retry', 'r-root'])
    expect(exitCode).toBe(0)
    expect(stderr).toMatch(/1 job\(s\) failed because r-root did and are not re-run by this: r-child/)
  })
})

describe('job pause, resume, cancel and delete', () => {
  it("pause and resume an Active job; the service's 400 reasons shown plainly (exit 2)", async () => {
    await create('p-1', {task: task({durationSeconds: 3600})})
    await new Promise(r => setTimeout(r, 500))
    expect(await sbx.json<Created>(['job', 'pause', 'p-1'])).toMatchObject({status: 'Paused', result: 'updated'})
    expect(await sbx.json<Created>(['job', 'resume', 'p-1'])).toMatchObject({status: 'Active', result: 'updated'})
    await create('p-done', {task: task({durationSeconds: 0.1})})
    expect((await sbx.cli(['job', 'wait', 'p-done'])).exitCode).toBe(0)
    const refused = await sbx.cli(['job', 'pause', 'p-done'])
    expect(refused.exitCode).toBe(2)
    expectOneError(refused.stderr, /cannot be paused as it has a status of \{Completed\}/)
    const resumed = await sbx.cli(['job', 'resume', 'p-done'])
    expect(resumed.exitCode).toBe(2)
    expectOneError(resumed.stderr, /p-done/)
    const unknown = await sbx.cli(['job', 'pause', 'p-nobody'])
    expect(unknown.exitCode).toBe(3)
  })

  it('cancel one job; cancelling a Completed one is refused (exit 2)', async () => {
    await create('k-1', {task: task({durationSeconds: 3600})})
    expect(await sbx.json<Created>(['job', 'cancel', 'k-1'])).toMatchObject({status: 'Cancelled', result: 'updated'})
    const refused = await sbx.cli(['job', 'cancel', 'p-done'])
    expect(refused.exitCode).toBe(2)
    expectOneError(refused.stderr, /cannot be cancelled/)
  })

  it('delete one job: needs --yes without a terminal, --dry-run sends nothing, then it is gone (get exits 3)', async () => {
    await create('d-1', {task: task({durationSeconds: 3600})})
    let mark = sbx.mark()
    const asked = await sbx.cli(['job', 'delete', 'd-1'], {env: {CI: 'true'}})
    expect(asked.exitCode).toBe(2)
    expectOneError(asked.stderr, /--yes/)
    const dry = await sbx.cli(['job', 'delete', 'd-1', '--dry-run'])
    expect(dry.exitCode).toBe(0)
    expect(dry.stderr).toMatch(/Delete job d-1 \(Active, still running\)/)
    expect(mutations(sbx.since(mark))).toEqual([])
    mark = sbx.mark()
    expect(await sbx.json(['job', 'delete', 'd-1', '--yes'])).toMatchObject({id: 'd-1', result: 'deleted'})
    expect(mutations(sbx.since(mark)).map(r => r.method)).toEqual(['DELETE'])
    expect((await sbx.cli(['job', 'get', 'd-1'])).exitCode).toBe(3)
  })
})

describe('bulk cancel and delete', () => {
  beforeAll(async () => {
    for (let i = 1; i <= 4; i++) await create(`bulk-${i}`, {task: task({durationSeconds: 3600}), labels: {batch: 'b 1'}})
    await create('bulk-done', {task: task({durationSeconds: 0.1}), labels: {batch: 'b 1'}})
    expect((await sbx.cli(['job', 'wait', 'bulk-done'])).exitCode).toBe(0)
    await create('other-1', {task: task({durationSeconds: 3600}), labels: {batch: 'b 2'}})
  })

  it('without a filter: exit 2 and nothing sent at all (the service would act on the whole partition)', async () => {
    for (const verb of ['cancel', 'delete']) {
      const mark = sbx.mark()
      const {exitCode, stderr} = await sbx.cli(['job', verb, '--yes'])
      expect(exitCode, verb).toBe(2)
      expectOneError(stderr, new RegExp(`job ${verb} without an id needs a filter`))
      expect(jobCalls(sbx.since(mark)), verb).toEqual([])
    }
  })

  it('in CI without --yes: exit 2 naming --yes, no mutation', async () => {
    const mark = sbx.mark()
    for (const verb of ['cancel', 'delete']) {
      const {exitCode, stderr} = await sbx.cli(['job', verb, '--label', 'batch=b 1'], {env: {CI: 'true'}})
      expect(exitCode, verb).toBe(2)
      expectOneError(stderr, /--yes/)
    }
    expect(mutations(sbx.since(mark))).toEqual([])
  })

  it('--dry-run counts (cancel: unfinished only; delete: all, saying how many still run) and sends no mutation', async () => {
    const mark = sbx.mark()
    const cancel = await sbx.json<BulkReport>(['job', 'cancel', '--label', 'batch=b 1', '--dry-run'])
    expect(cancel).toMatchObject({action: 'cancel', matched: 4})
    expect(cancel.sample.map(j => j.id)).toEqual(['bulk-1', 'bulk-2', 'bulk-3', 'bulk-4'])
    const del = await sbx.cli(['job', 'delete', '--label', 'batch=b 1', '--dry-run', '-o', 'json'])
    expect(JSON.parse(del.stdout)).toMatchObject({action: 'delete', matched: 5, unfinished: 4})
    expect(del.stderr).toMatch(/Delete 5 job\(s\) in partition default — 4 of them are not finished/)
    expect(mutations(sbx.since(mark))).toEqual([])
  })

  it("cancel --yes: one bulk call with the filter and the colon unencoded; reports the service's count", async () => {
    const mark = sbx.mark()
    const report = await sbx.json<BulkReport>(['job', 'cancel', '--label', 'batch=b 1', '--yes'])
    expect(report.jobsCanceled).toBe(4)
    const sent = mutations(sbx.since(mark))
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({method: 'POST', path: `${JOBS}/jobs:cancel`, query: {filter: 'labels.batch=="b 1"'}})
    const after = await sbx.json<Job[]>(['job', 'list', '--label', 'batch=b 1', '--all'])
    expect(after.map(j => `${j.id} ${j.status}`).sort()).toEqual(['bulk-1 Cancelled', 'bulk-2 Cancelled', 'bulk-3 Cancelled', 'bulk-4 Cancelled', 'bulk-done Completed'])
    expect((await sbx.json<Job>(['job', 'get', 'other-1'])).status).toBe('Active')
  })

  it('delete --prefix --yes: removes exactly the matches and reports jobsDeleted', async () => {
    const report = await sbx.json<BulkReport>(['job', 'delete', '--prefix', 'bulk-', '--yes'])
    expect(report.jobsDeleted).toBe(5)
    expect(await sbx.json<Job[]>(['job', 'list', '--prefix', 'bulk-'])).toEqual([])
    expect((await sbx.json<Job>(['job', 'get', 'other-1'])).status).toBe('Active')
  })

  it('nothing matching: says so, sends no mutation, exit 0', async () => {
    const mark = sbx.mark()
    const report = await sbx.json<BulkReport>(['job', 'cancel', '--prefix', 'zzz-', '--yes'])
    expect(report).toMatchObject({matched: 0, jobsCanceled: 0})
    expect(mutations(sbx.since(mark))).toEqual([])
  })
})
