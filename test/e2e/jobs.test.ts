// End to end: `job list|count|get|status|create`, the real binary against the sandbox's Job Service
// (PRODUCT.md §2, §6; reference/job-service.md). Filters are checked on what reached the service (the request log)
// and on the rows that came back.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Job} from '../../src/api/jobservice/types.js'
import {expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {JOBS, jobCalls, jobFile, mutations, task} from '../helpers/jobs.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

type Created = Job & {result: string}

describe('job list and count (seeded history and awkward labels)', () => {
  let sbx: Sbx
  // The sandbox clock runs `shift` ms behind real time: jobs touched while it is set look that old to the CLI.
  let shift = 0

  beforeAll(async () => {
    sbx = await startSandbox({clock: () => Date.now() - shift, requests: 0})
    // Three hours ago: a job paused, one waiting on a prerequisite that never comes, one that completed.
    shift = 3 * 3600_000
    for (const [id, def] of Object.entries({
      'old-paused': {task: task({durationSeconds: 3600}), labels: {team: 'data ops'}},
      'old-waiting': {task: task(), prerequisiteJobIds: ['never-created'], labels: {team: 'data ops'}},
      'old-done': {task: task({durationSeconds: 0.1}), labels: {team: 'data ops'}},
    })) {
      const {exitCode, stderr} = await sbx.cli(['job', 'create', id, '-f', jobFile(sbx, id, def), '--no-wait'])
      expect(exitCode, stderr).toBe(0)
    }
    await new Promise(r => setTimeout(r, 500)) // the scheduler makes old-paused Active
    expect((await sbx.cli(['job', 'pause', 'old-paused'])).exitCode).toBe(0)
    shift = 0
    // Now: a long job running, and labels with quotes, spaces and RSQL characters in their values.
    for (const [id, def] of Object.entries({
      'now-running': {task: task({durationSeconds: 3600}), labels: {team: 'data ops'}},
      quoted: {task: task({durationSeconds: 0.1}), labels: {note: 'it\'s "quoted", (really);'}},
      starry: {task: task({durationSeconds: 0.1}), labels: {note: 'a==b,c'}},
    })) {
      const {exitCode, stderr} = await sbx.cli(['job', 'create', id, '-f', jobFile(sbx, id, def), '--no-wait'])
      expect(exitCode, stderr).toBe(0)
    }
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  it('--all streams every job, in a stable order, across pages', async () => {
    const all = await sbx.json<Job[]>(['job', 'list', '--all'])
    const {count} = await sbx.json<{count: number}>(['job', 'count'])
    expect(all.length).toBe(count)
    expect(all.length).toBeGreaterThan(40) // the seeded history and ours
    expect(all.map(j => j.id)).toEqual([...all.map(j => j.id)].sort())
  })

  it('--status builds an RSQL filter and only those statuses come back; count agrees', async () => {
    const mark = sbx.mark()
    const rows = await sbx.json<Job[]>(['job', 'list', '--status', 'Failed', '--status', 'paused', '--all'])
    expect(jobCalls(sbx.since(mark))[0]!.query.filter).toBe('status=in=(Failed,Paused)')
    expect(rows.length).toBeGreaterThan(0)
    expect(new Set(rows.map(j => j.status))).toEqual(new Set(['Failed', 'Paused']))
    expect((await sbx.json<{count: number}>(['job', 'count', '--status', 'Failed', '--status', 'Paused'])).count).toBe(rows.length)
  })

  it('--label matches values with quotes, spaces and RSQL characters exactly (escaped, not split)', async () => {
    for (const [value, id] of [
      ['it\'s "quoted", (really);', 'quoted'],
      ['a==b,c', 'starry'],
    ] as const) {
      const mark = sbx.mark()
      const rows = await sbx.json<Job[]>(['job', 'list', '--label', `note=${value}`])
      expect(rows.map(j => j.id)).toEqual([id])
      const sent = jobCalls(sbx.since(mark))[0]!.query.filter as string
      expect(sent.startsWith('labels.note=="')).toBe(true)
      // count has no labelExist: the same label filter goes through RSQL there too.
      const counted = sbx.mark()
      expect((await sbx.json<{count: number}>(['job', 'count', '--label', `note=${value}`])).count).toBe(1)
      expect(jobCalls(sbx.since(counted))[0]!.query.filter).toBe(sent)
    }
    const spaced = await sbx.json<Job[]>(['job', 'list', '--label', 'team=data ops', '--all'])
    expect(spaced.map(j => j.id).sort()).toEqual(['now-running', 'old-done', 'old-paused', 'old-waiting'])
  })

  it("--prefix is the service's jobIdStartsWith; --filter is ANDed with the rest", async () => {
    const mark = sbx.mark()
    const rows = await sbx.json<Job[]>(['job', 'list', '--prefix', 'old-', '--filter', 'status!=Completed', '--label', 'team=data ops'])
    expect(rows.map(j => j.id).sort()).toEqual(['old-paused', 'old-waiting'])
    const sent = jobCalls(sbx.since(mark))[0]!.query
    expect(sent.jobIdStartsWith).toBe('old-')
    expect(sent.filter).toBe('labels.team=="data ops";(status!=Completed)')
  })

  it('--stuck keeps unfinished jobs not updated for that long: not the running one, not the finished one', async () => {
    const stuck = await sbx.json<Job[]>(['job', 'list', '--stuck', '2h', '--label', 'team=data ops'])
    expect(stuck.map(j => j.id).sort()).toEqual(['old-paused', 'old-waiting'])
    const table = await sbx.cli(['job', 'list', '--stuck', '2h', '--label', 'team=data ops'])
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/old-paused\s.*Paused/)
    expect(table.stdout).toMatch(/3h ago/)
    expect(table.stdout).not.toContain('now-running')
  })

  it('--sort and --limit reach the service; a table shows status, a progress bar and labels', async () => {
    const mark = sbx.mark()
    const rows = await sbx.json<Job[]>(['job', 'list', '--sort', 'lastUpdateTime:desc', '--limit', '3'])
    expect(rows).toHaveLength(3)
    expect(rows.map(j => j.lastUpdateTime)).toEqual([...rows.map(j => j.lastUpdateTime)].sort((a, b) => b - a))
    expect(jobCalls(sbx.since(mark))[0]!.query).toMatchObject({sort: 'lastUpdateTime:desc', limit: '3'})
    const {stdout} = await sbx.cli(['job', 'list', '--prefix', 'now-'])
    expect(stdout).toMatch(/^ID\s+NAME\s+STATUS\s+PROGRESS\s+UPDATED\s+LABELS/m)
    expect(stdout).toMatch(/now-running\s+Active\s+[#.]{10} \d+%.*team=data ops/)
  })

  it('bad filters exit 2 with nothing sent', async () => {
    for (const args of [
      ['job', 'list', '--status', 'Broken'],
      ['job', 'list', '--label', 'novalue'],
      ['job', 'list', '--label', 'bad key=x'],
      ['job', 'list', '--stuck', 'soon'],
      ['job', 'count', '--status', 'Done'],
      ['job', 'list', '--partition', 'a:b'],
    ]) {
      const mark = sbx.mark()
      const {exitCode, stderr} = await sbx.cli(args)
      expect(exitCode, args.join(' ')).toBe(2)
      expectOneError(stderr)
      expect(sbx.since(mark), args.join(' ')).toEqual([])
    }
  })

  it("an RSQL filter the service refuses: exit 2 with the service's own message", async () => {
    const {exitCode, stderr} = await sbx.cli(['job', 'list', '--filter', 'colour==red'])
    expect(exitCode).toBe(2)
    expectOneError(stderr, /colour/)
  })
})

describe('job create, get and status', () => {
  let sbx: Sbx
  beforeAll(async () => {
    sbx = await startSandbox({requests: 0, jobs: 0})
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  it('creates from YAML, waits until Completed, and keeps the labels; get and status agree', async () => {
    const file = join(sbx.dir, 'job.yaml')
    writeFileSync(
      file,
      [
        'name: Nightly export',
        'labels:',
        '  owner: bob',
        'task:',
        '  taskClassifier: DemoWorker',
        '  taskApiVersion: 1',
        '  taskData: {durationSeconds: 0.5}',
        '  taskPipe: demo-in',
        '  targetPipe: demo-out',
        '',
      ].join('\n'),
    )
    const mark = sbx.mark()
    const {stdout, exitCode, stderr} = await sbx.cli(['job', 'create', 'nightly-1', '-f', file, '-o', 'json'])
    expect(exitCode, stderr).toBe(0)
    const job = JSON.parse(stdout) as Created
    expect(job).toMatchObject({id: 'nightly-1', name: 'Nightly export', status: 'Completed', percentageComplete: 100, labels: {owner: 'bob'}, result: 'created'})
    const put = jobCalls(sbx.since(mark)).find(r => r.method === 'PUT')!
    expect(put.path).toBe(`${JOBS}/jobs/nightly-1`)
    expect(put.status).toBe(201)
    expect(put.requestBody).toMatchObject({name: 'Nightly export', task: {taskClassifier: 'DemoWorker', taskData: {durationSeconds: 0.5}}})
    expect(await sbx.json<Job>(['job', 'get', 'nightly-1'])).toMatchObject({id: 'nightly-1', status: 'Completed'})
    const status = await sbx.cli(['job', 'status', 'nightly-1'])
    expect(status.stdout.trim()).toBe('Completed')
  })

  it('the same id and definition again is unchanged (204); another definition is exit 5 explaining why', async () => {
    const def = {task: task({durationSeconds: 0.2}), labels: {run: '1'}}
    const file = jobFile(sbx, 'same', def)
    expect((await sbx.json<Created>(['job', 'create', 'same-1', '-f', file])).result).toBe('created')
    const mark = sbx.mark()
    const again = await sbx.json<Created>(['job', 'create', 'same-1', '-f', file])
    expect(again.result).toBe('unchanged')
    expect(jobCalls(sbx.since(mark)).find(r => r.method === 'PUT')!.status).toBe(204)

    const other = jobFile(sbx, 'other', {...def, labels: {run: '2'}})
    const {exitCode, stderr} = await sbx.cli(['job', 'create', 'same-1', '-f', other])
    expect(exitCode).toBe(5)
    expectOneError(stderr, /same-1 already exists in partition default with another definition/)
    expect(stderr).toMatch(/^Hint: .*job retry same-1/m)
  })

  it('invalid definitions and ids: exit 2, every problem named, nothing sent', async () => {
    const bad: Array<[string, string | object, RegExp]> = [
      ['both', {task: task(), type: 'export', parameters: {}}, /exactly one of "task" or "type"/],
      ['neither', {name: 'x'}, /exactly one of "task" or "type"/],
      ['encoding', {task: {...task(), taskDataEncoding: 'utf8'}}, /taskDataEncoding goes only with a string taskData/],
      ['label', {task: task(), labels: {'bad key': 'x'}}, /label name "bad key"/],
      ['unknown', {task: task(), priority: 3}, /unknown field "priority"/],
      ['many', {task: {...task(), taskClassifier: '', taskPipe: ''}, delay: -1}, /taskClassifier is required; task.taskPipe is required; "delay"/],
      ['yaml', 'task: [unclosed\n', /yaml|YAML/],
      ['list', '[1, 2]', /must be a mapping/],
    ]
    for (const [name, def, message] of bad) {
      const mark = sbx.mark()
      const file = typeof def === 'string' ? join(sbx.dir, `${name}.yaml`) : jobFile(sbx, name, def)
      if (typeof def === 'string') writeFileSync(file, def)
      const {exitCode, stderr} = await sbx.cli(['job', 'create', `bad-${name}`, '-f', file])
      expect(exitCode, name).toBe(2)
      expectOneError(stderr, message)
      expect(sbx.since(mark), name).toEqual([])
    }
    for (const args of [
      ['job', 'create', 'has:colon', '-f', jobFile(sbx, 'ok', {task: task()})],
      ['job', 'create', 'x'.repeat(49), '-f', jobFile(sbx, 'ok', {task: task()})],
      ['job', 'create', 'missing-file', '-f', join(sbx.dir, 'nope.yaml')],
      ['job', 'create', 'a-dir', '-f', sbx.dir],
      ['job', 'get', 'what?'],
    ]) {
      const mark = sbx.mark()
      const {exitCode, stderr} = await sbx.cli(args)
      expect(exitCode, args.join(' ')).toBe(2)
      expectOneError(stderr)
      expect(sbx.since(mark)).toEqual([])
    }
  })

  it('a definition from stdin (-f -), JSON, and --no-wait returns at once', async () => {
    const {stdout, exitCode, stderr} = await sbx.cli(['job', 'create', 'piped-1', '-f', '-', '--no-wait', '-o', 'json'], {
      stdin: JSON.stringify({task: task({durationSeconds: 60})}),
    })
    expect(exitCode, stderr).toBe(0)
    const job = JSON.parse(stdout) as Created
    expect(job.result).toBe('created')
    expect(['Waiting', 'Active']).toContain(job.status)
  })

  it('get and status of an unknown job exit 3', async () => {
    for (const verb of ['get', 'status']) {
      const {exitCode, stderr} = await sbx.cli(['job', verb, 'no-such-job'])
      expect(exitCode, verb).toBe(3)
      expectOneError(stderr, /no-such-job/)
    }
  })

  it('get spells out a failure inherited from a prerequisite: root job and source split out', async () => {
    // The dependent first (it waits for a prerequisite not created yet), so the root cannot fail before it exists.
    await sbx.cli(['job', 'create', 'child-1', '-f', jobFile(sbx, 'child', {task: task(), prerequisiteJobIds: ['root-1']}), '--no-wait'])
    await sbx.cli(['job', 'create', 'root-1', '-f', jobFile(sbx, 'root', {task: task({durationSeconds: 0.5, fail: true, message: 'disk full'})}), '--no-wait'])
    const {exitCode} = await sbx.cli(['job', 'wait', 'child-1'])
    expect(exitCode).toBe(8)
    const {stdout} = await sbx.cli(['job', 'get', 'child-1'])
    expect(stdout).toMatch(/Status:\s+Failed/)
    expect(stdout).toMatch(/from demoworker-worker/)
    expect(stdout).toMatch(/because prerequisite job root-1 \(partition default\) failed/)
    expect(stdout).toMatch(/RuntimeException: disk full/)
    expect(mutations(sbx.requests()).every(r => r.method === 'PUT')).toBe(true)
  })
})
