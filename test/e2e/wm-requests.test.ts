// End to end: `request list|get|summary|retry|delete`, the real binary against the sandbox's REGARDS worker manager
// (PRODUCT.md §2, §5; reference/worker-manager.md §3–§6, §9, §12).
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import {errorShape} from '../../src/api/workermanager/filters.js'
import type {ActionOutcome} from '../../src/api/workermanager/ops/request-actions.js'
import {expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'
import {asArray, createRequests, type LightRequest, searches, startWorker, stopWorker, WM, wmCalls} from '../helpers/wm.js'

const BLOCKED = ['ERROR', 'NO_WORKER_AVAILABLE', 'INVALID_CONTENT']

interface Summary {
  total: number
  byStatus: Array<{status: string; count: number; contentTypes: Array<{contentType: string; count: number}>}>
  causes: Array<{status: string; contentType?: string; count: number; cause: string; errors?: Array<{error: string; count: number}>; sampled?: number}>
  stuck: Array<{status: string; count: number; olderThan: string}>
}

type Outcome = ActionOutcome

interface Plan {
  action: string
  matched: number
  counts: Record<string, number>
  search: Record<string, unknown> & {statuses?: {mode: string; values: string[]}; creationDate?: {before?: string; after?: string}}
  sample: LightRequest[]
}

const countBy = <T>(rows: T[], key: (r: T) => string) => {
  const out: Record<string, number> = {}
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// Reading: a frozen sandbox clock, so nothing moves between two commands

describe('request list, get and summary (seeded history, frozen clock)', () => {
  let sbx: Sbx
  let all: LightRequest[]

  beforeAll(async () => {
    const t0 = Date.now()
    sbx = await startSandbox({clock: () => t0})
    all = await sbx.json<LightRequest[]>(['request', 'list', '--all'])
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  it('has a history worth looking at', () => {
    expect(all.length).toBeGreaterThan(50)
    expect(new Set(all.map(r => r.id)).size).toBe(all.length)
    expect(all.some(r => r.error?.includes('\n'))).toBe(true)
  })

  const cases: Array<{name: string; args: () => string[]; body: (b: Record<string, any>) => void; row: (r: LightRequest) => boolean}> = [
    {
      name: '--status (repeatable)',
      args: () => ['--status', 'ERROR', '--status', 'INVALID_CONTENT'],
      body: b => expect(b.statuses).toEqual({mode: 'INCLUDE', values: ['ERROR', 'INVALID_CONTENT']}),
      row: r => r.status === 'ERROR' || r.status === 'INVALID_CONTENT',
    },
    {
      name: '--content-type',
      args: () => ['--content-type', 'lta-to-extract-request'],
      body: b => expect(b.contentTypes).toMatchObject({mode: 'INCLUDE', values: ['lta-to-extract-request']}),
      row: r => r.contentType === 'lta-to-extract-request',
    },
    {name: '--source', args: () => ['--source', 'CNES'], body: b => expect(b.source).toBe('CNES'), row: r => r.source.includes('CNES')},
    {name: '--session', args: () => ['--session', 'SWOT'], body: b => expect(b.session).toBe('SWOT'), row: r => r.session.includes('SWOT')},
    {
      name: '--worker-type',
      args: () => ['--worker-type', 'sip'],
      body: b => expect(b.dispatchedWorkerType).toBe('sip'),
      row: r => (r.dispatchedWorkerType ?? '').includes('sip'),
    },
    {
      name: '--since 2h',
      args: () => ['--since', '2h'],
      body: b => {
        expect(Object.keys(b)).toEqual(['creationDate'])
        expect(Object.keys(b.creationDate)).toEqual(['after'])
        expect(Math.abs(Date.parse(b.creationDate.after) - (Date.now() - 2 * 3_600_000))).toBeLessThan(60_000)
      },
      row: r => Date.parse(r.creationDate) >= Date.now() - 2 * 3_600_000 - 60_000,
    },
  ]

  for (const c of cases) {
    it(`list ${c.name}: sent as SearchRequestParameters, page/size/sort as query parameters; every row matches`, async () => {
      const mark = sbx.mark()
      const rows = await sbx.json<LightRequest[]>(['request', 'list', ...c.args()])
      const sent = searches(sbx.since(mark))
      expect(sent).toHaveLength(1)
      const [call] = sent
      expect(call!.query.page).toBe('0')
      expect(call!.query.size).toBe('50')
      expect(asArray(call!.query.sort)[0]).toBe('creationDate,DESC')
      const body = call!.requestBody as Record<string, any>
      expect(body).not.toHaveProperty('page')
      expect(body).not.toHaveProperty('size')
      expect(body).not.toHaveProperty('sort')
      c.body(body)
      for (const r of rows) expect(c.row(r), JSON.stringify(r)).toBe(true)
      // What the service says matches is what was printed (up to --limit 50).
      const total = (call!.responseBody as {metadata: {totalElements: number}}).metadata.totalElements
      expect(rows.length).toBe(Math.min(50, total))
      expect(total).toBe(all.filter(c.row).length)
    })
  }

  it('list --since / --until ISO dates: a creationDate range, rows inside it', async () => {
    const sorted = all.map(r => Date.parse(r.creationDate)).sort((a, b) => a - b)
    const since = new Date(sorted[Math.floor(sorted.length / 4)]!).toISOString()
    // +1 ms: creation dates have microseconds, Date.parse keeps milliseconds.
    const until = new Date(sorted[Math.floor((3 * sorted.length) / 4)]! + 1).toISOString()
    const mark = sbx.mark()
    const rows = await sbx.json<LightRequest[]>(['request', 'list', '--since', since, '--until', until, '--all'])
    const [call] = searches(sbx.since(mark))
    expect((call!.requestBody as Record<string, unknown>).creationDate).toEqual({after: since, before: until})
    expect(rows.length).toBeGreaterThan(0)
    for (const r of rows) {
      expect(Date.parse(r.creationDate)).toBeGreaterThanOrEqual(Date.parse(since))
      expect(Date.parse(r.creationDate)).toBeLessThanOrEqual(Date.parse(until))
    }
    expect(rows.length).toBe(all.filter(r => Date.parse(r.creationDate) >= Date.parse(since) && Date.parse(r.creationDate) <= Date.parse(until)).length)
  })

  it('list --status BOGUS: exit 2, nothing sent', async () => {
    const mark = sbx.mark()
    const {exitCode, stderr, stdout} = await sbx.cli(['request', 'list', '--status', 'BOGUS'])
    expect(exitCode).toBe(2)
    expectOneError(stderr, /BOGUS/)
    expect(stdout).toBe('')
    expect(sbx.since(mark)).toEqual([])
  })

  it('list --limit: 50 by default, N when given', async () => {
    expect(await sbx.json<LightRequest[]>(['request', 'list'])).toHaveLength(50)
    const mark = sbx.mark()
    const seven = await sbx.json<LightRequest[]>(['request', 'list', '--limit', '7', '--sort', 'id,ASC'])
    expect(seven.map(r => r.id)).toEqual(
      [...all]
        .sort((a, b) => a.id - b.id)
        .slice(0, 7)
        .map(r => r.id),
    )
    const [call] = searches(sbx.since(mark))
    expect(call!.query.size).toBe('7')
  })

  it('list table: one line per row, errors cut to one line', async () => {
    const {stdout, exitCode} = await sbx.cli(['request', 'list', '--all', '--no-color'])
    expect(exitCode).toBe(0)
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+REQUEST\s+STATUS/)
    expect(lines).toHaveLength(all.length + 1)
    for (const r of all) expect(lines.filter(l => l.includes(r.requestId))).toHaveLength(1)
    const multi = all.find(r => r.error?.includes('\n'))!
    const line = lines.find(l => l.includes(multi.requestId))!
    expect(line).toContain(multi.error!.split('\n')[0]!.slice(0, 30))
    expect(stdout).not.toContain(multi.error!.split('\n')[1]!.trim())
  })

  it('list -o yaml: the same rows', async () => {
    const {stdout, exitCode} = await sbx.cli(['request', 'list', '--limit', '5', '-o', 'yaml'])
    expect(exitCode).toBe(0)
    const rows = parseYaml(stdout) as LightRequest[]
    expect(rows).toHaveLength(5)
    expect(rows.map(r => r.requestId)).toEqual(all.slice(0, 5).map(r => r.requestId))
  })

  it('get REQUEST_ID: the whole multi-line error, in JSON and in the table', async () => {
    const multi = all.find(r => r.error?.includes('\n'))!
    const mark = sbx.mark()
    const got = await sbx.json<LightRequest>(['request', 'get', multi.requestId])
    expect(got).toEqual(multi)
    expect(wmCalls(sbx.since(mark)).map(r => `${r.method} ${r.path}`)).toEqual([`GET ${WM}/requests/${multi.requestId}`])
    const {stdout, exitCode} = await sbx.cli(['request', 'get', multi.requestId, '--no-color'])
    expect(exitCode).toBe(0)
    expect(stdout).toContain(multi.requestId)
    for (const line of multi.error!.split('\n')) expect(stdout).toContain(line.trim())
  })

  it('get of an unknown request id: exit 3, one Error line', async () => {
    const {exitCode, stderr} = await sbx.cli(['request', 'get', 'req-does-not-exist'])
    expect(exitCode).toBe(3)
    expectOneError(stderr, /req-does-not-exist/)
  })

  it('summary -o json: counts equal what list --all finds; causes for each blocked group', async () => {
    const s = await sbx.json<Summary>(['request', 'summary'])
    expect(s.total).toBe(all.length)
    const byStatus = countBy(all, r => r.status)
    expect(Object.fromEntries(s.byStatus.map(g => [g.status, g.count]))).toEqual(byStatus)
    for (const g of s.byStatus) {
      const rows = all.filter(r => r.status === g.status)
      expect(Object.fromEntries(g.contentTypes.map(c => [c.contentType, c.count]))).toEqual(countBy(rows, r => r.contentType))
    }
    const cause = (status: string, ct: string) => s.causes.find(c => c.status === status && c.contentType === ct)
    expect(cause('NO_WORKER_AVAILABLE', 'ingest-check-request')?.cause).toMatch(/ingest-checker-worker is mapped but sent no heartbeat/)
    expect(cause('NO_WORKER_AVAILABLE', 'legacy-archive-request')?.cause).toMatch(/no config maps content type legacy-archive-request/)
    // ERROR groups: the most frequent error shapes, with their counts, as the rows show them.
    const errorGroups = s.byStatus.find(g => g.status === 'ERROR')!.contentTypes
    expect(errorGroups.length).toBeGreaterThan(0)
    for (const {contentType, count} of errorGroups) {
      const c = cause('ERROR', contentType)!
      expect(c.count).toBe(count)
      expect(c.sampled).toBe(count)
      const expected = countBy(
        all.filter(r => r.status === 'ERROR' && r.contentType === contentType),
        r => errorShape(r.error),
      )
      const top = Math.max(...Object.values(expected))
      expect(c.errors![0]!.count).toBe(top)
      for (const e of c.errors!) expect(expected[e.error]).toBe(e.count)
      expect(c.cause).toContain(c.errors![0]!.error)
    }
  })

  it('summary flags DISPATCHED/RUNNING older than --stuck', async () => {
    for (const stuck of ['1m', '1h']) {
      const s = await sbx.json<Summary>(['request', 'summary', '--stuck', stuck])
      for (const status of ['DISPATCHED', 'RUNNING']) {
        const flagged = s.stuck.find(x => x.status === status)
        const olderThan = Date.parse(s.stuck[0]?.olderThan ?? new Date().toISOString())
        const expected = all.filter(r => r.status === status && Date.parse(r.creationDate) <= olderThan).length
        expect(flagged?.count ?? 0, `${status} --stuck ${stuck}`).toBe(expected)
      }
    }
    const {stdout, exitCode} = await sbx.cli(['request', 'summary', '--no-color'])
    expect(exitCode).toBe(0)
    expect(stdout).toMatch(/^\d+ request\(s\) DISPATCHED since before .*the API cannot move them/m)
    expect(stdout).toMatch(/NO_WORKER_AVAILABLE ingest-check-request \(\d+\): worker type ingest-checker-worker is mapped but sent no heartbeat/)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Many pages

describe('request list --all over many pages', () => {
  let sbx: Sbx
  beforeAll(async () => {
    const t0 = Date.now()
    sbx = await startSandbox({requests: 5000, clock: () => t0})
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  it('-o json --all: one valid JSON array with every row once, as many as the service counts', async () => {
    const mark = sbx.mark()
    const {stdout, exitCode} = await sbx.cli(['request', 'list', '--all', '-o', 'json'])
    expect(exitCode).toBe(0)
    const rows = JSON.parse(stdout) as LightRequest[]
    const calls = searches(sbx.since(mark))
    const total = (calls[0]!.responseBody as {metadata: {totalElements: number}}).metadata.totalElements
    expect(total).toBeGreaterThan(1000)
    expect(rows).toHaveLength(total)
    expect(new Set(rows.map(r => r.id)).size).toBe(total)
    expect(calls.length).toBeGreaterThanOrEqual(2)
    expect(calls.map(c => c.query.page)).toEqual(calls.map((_, i) => String(i)))
    for (const c of calls) expect(Number(c.query.size)).toBeLessThanOrEqual(1000)
    // The summary's total comes from its own size=1 counts.
    const summary = await sbx.json<Summary>(['request', 'summary'])
    expect(summary.total).toBe(total)
    for (const g of summary.byStatus) expect(rows.filter(r => r.status === g.status)).toHaveLength(g.count)
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Acting: the sandbox clock runs (the service's jobs take their short delays), 10 minutes behind the CLI's, so a
// test can move it forward and still have the requests it creates counted as "created up to now" by the CLI.

describe('request retry and delete', () => {
  let sbx: Sbx
  let offset = -10 * 60_000
  const retries = () => sbx.requests().filter(r => r.path === `${WM}/requests/retry`)
  const deletes = () => sbx.requests().filter(r => r.path === `${WM}/requests/delete`)

  beforeAll(async () => {
    sbx = await startSandbox({clock: () => Date.now() + offset})
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  // First, while the NO_WORKER_AVAILABLE scheduler (30 s after start) is not yet running: only the CLI re-dispatches.
  it('a stopped worker: requests wait NO_WORKER_AVAILABLE, summary says why, retry delays them again, and re-dispatches them once it runs', async () => {
    await stopWorker(sbx, 'lta-sip-generator-worker')
    const session = 'sip-outage'
    const created = await createRequests(sbx, {contentType: 'lta-extracted-request', count: 4, outcome: 'success', session})
    expect(created.map(r => r.status)).toEqual(Array(4).fill('NO_WORKER_AVAILABLE'))

    const s = await sbx.json<Summary>(['request', 'summary', '--session', session])
    expect(s.total).toBe(4)
    expect(s.byStatus).toEqual([{status: 'NO_WORKER_AVAILABLE', count: 4, contentTypes: [{contentType: 'lta-extracted-request', count: 4}]}])
    expect(s.causes).toEqual([
      {status: 'NO_WORKER_AVAILABLE', contentType: 'lta-extracted-request', count: 4, cause: expect.stringMatching(/lta-sip-generator-worker is mapped but sent no heartbeat/)},
    ])

    let mark = sbx.mark()
    const delayed = await sbx.json<Outcome>(['request', 'retry', '--session', session, '--yes'])
    expect(delayed).toEqual({action: 'retry', matched: 4, redispatched: 0, delayedAgain: 4, stillErrored: 0, pending: 0, complete: true})
    const [first] = sbx.since(mark).filter(r => r.path === `${WM}/requests/retry`)
    expect(first!.method).toBe('POST')
    expect(first!.requestBody).toMatchObject({session, statuses: {mode: 'INCLUDE', values: BLOCKED}, creationDate: {before: expect.any(String)}})
    expect((await sbx.json<LightRequest[]>(['request', 'list', '--session', session])).map(r => r.status)).toEqual(Array(4).fill('NO_WORKER_AVAILABLE'))

    await startWorker(sbx, 'lta-sip-generator-worker')
    mark = sbx.mark()
    const redispatched = await sbx.json<Outcome>(['request', 'retry', '--session', session, '--status', 'NO_WORKER_AVAILABLE', '--yes'])
    expect(redispatched).toMatchObject({action: 'retry', matched: 4, redispatched: 4, delayedAgain: 0, stillErrored: 0, pending: 0, complete: true})
    const sent = sbx.since(mark).filter(r => r.path === `${WM}/requests/retry`)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.requestBody).toMatchObject({session, statuses: {mode: 'INCLUDE', values: ['NO_WORKER_AVAILABLE']}})
  })

  it('--dry-run: counts and a sample, nothing sent', async () => {
    const blocked = (await sbx.json<LightRequest[]>(['request', 'list', '--all'])).filter(r => BLOCKED.includes(r.status))
    for (const verb of ['retry', 'delete']) {
      const mark = sbx.mark()
      const plan = await sbx.json<Plan>(['request', verb, '--dry-run'])
      expect(Object.keys(plan).sort()).toEqual(['action', 'counts', 'matched', 'sample', 'search'])
      expect(plan.action).toBe(verb)
      expect(plan.matched).toBe(blocked.length)
      expect(plan.counts).toEqual(countBy(blocked, r => r.status))
      expect(plan.search.statuses).toEqual({mode: 'INCLUDE', values: BLOCKED})
      expect(plan.search.creationDate?.before).toEqual(expect.any(String))
      expect(plan.sample.length).toBeGreaterThan(0)
      for (const r of plan.sample) expect(BLOCKED).toContain(r.status)
      expect(wmCalls(sbx.since(mark)).filter(r => r.method !== 'POST' || r.path !== `${WM}/requests`)).toEqual([])
    }
  })

  it('without --yes and no terminal (CI or a pipe): exit 2 naming --yes, nothing sent', async () => {
    for (const verb of ['retry', 'delete']) {
      for (const env of [{CI: 'true'}, {}]) {
        const mark = sbx.mark()
        const {exitCode, stderr} = await sbx.cli(['request', verb, '--content-type', 'legacy-archive-request'], {env})
        expect(exitCode, stderr).toBe(2)
        expectOneError(stderr, /--yes/)
        expect(wmCalls(sbx.since(mark)).filter(r => r.path !== `${WM}/requests`)).toEqual([])
      }
    }
    expect(retries()).toHaveLength(2) // the two of the first test
    expect(deletes()).toHaveLength(0)
  })

  it('--status DISPATCHED alone: exit 2 (no blocked status left), nothing sent', async () => {
    for (const verb of ['retry', 'delete']) {
      const mark = sbx.mark()
      const {exitCode, stderr} = await sbx.cli(['request', verb, '--status', 'DISPATCHED', '--yes'])
      expect(exitCode).toBe(2)
      expectOneError(stderr, /DISPATCHED/)
      expect(sbx.since(mark)).toEqual([])
    }
  })

  it('retry never sends EXCLUDE or a non-blocked status: --status ERROR --status RUNNING sends INCLUDE [ERROR]', async () => {
    const errors = await createRequests(sbx, {contentType: 'lta-to-extract-request', count: 2, outcome: 'error', session: 'mixed'})
    expect(errors).toHaveLength(2)
    offset += 2_000 // the worker answers ERROR
    const before = await sbx.json<LightRequest[]>(['request', 'list', '--session', 'mixed'])
    expect(before.map(r => r.status)).toEqual(['ERROR', 'ERROR'])
    const mark = sbx.mark()
    const outcome = await sbx.json<Outcome>(['request', 'retry', '--session', 'mixed', '--status', 'ERROR', '--status', 'RUNNING', '--yes'])
    expect(outcome).toMatchObject({matched: 2, redispatched: 2, complete: true})
    const [sent] = sbx.since(mark).filter(r => r.path === `${WM}/requests/retry`)
    const body = sent!.requestBody as Plan['search']
    expect(body.statuses).toEqual({mode: 'INCLUDE', values: ['ERROR']})
    expect(Date.parse(body.creationDate!.before!)).toBeLessThanOrEqual(Date.now())
  })

  it('summary flags DISPATCHED requests older than --stuck', async () => {
    // Created now on the sandbox clock, which is 10 minutes behind the CLI's.
    await createRequests(sbx, {contentType: 'lta-to-extract-request', count: 3, outcome: 'stuck-dispatched', session: 'stuck-one'})
    offset += 2_000
    const young = await sbx.json<Summary>(['request', 'summary', '--session', 'stuck-one', '--stuck', '30m'])
    expect(young.byStatus.map(g => [g.status, g.count])).toEqual([['DISPATCHED', 3]])
    expect(young.stuck).toEqual([])
    const old = await sbx.json<Summary>(['request', 'summary', '--session', 'stuck-one', '--stuck', '5m'])
    expect(old.stuck).toEqual([{status: 'DISPATCHED', count: 3, olderThan: expect.any(String)}])
    // DISPATCHED requests can be neither retried nor deleted.
    const none = await sbx.json<{matched: number}>(['request', 'retry', '--session', 'stuck-one', '--yes'])
    expect(none.matched).toBe(0)
  })

  it('delete --yes: only blocked statuses as INCLUDE, creationDate.before set; reports deleted; rows gone', async () => {
    const target = await sbx.json<LightRequest[]>(['request', 'list', '--content-type', 'legacy-archive-request', '--all'])
    expect(target.length).toBeGreaterThan(0)
    const mark = sbx.mark()
    const outcome = await sbx.json<Outcome>(['request', 'delete', '--content-type', 'legacy-archive-request', '--yes'])
    expect(outcome).toEqual({action: 'delete', matched: target.length, deleted: target.length, pending: 0, complete: true})
    const sent = sbx.since(mark).filter(r => r.path === `${WM}/requests/delete`)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.method).toBe('DELETE')
    expect(sent[0]!.requestBody).toMatchObject({
      contentTypes: {mode: 'INCLUDE', values: ['legacy-archive-request']},
      statuses: {mode: 'INCLUDE', values: BLOCKED},
      creationDate: {before: expect.any(String)},
    })
    expect(await sbx.json<LightRequest[]>(['request', 'list', '--content-type', 'legacy-archive-request'])).toEqual([])
  })

  it('delete by a user without the ADMIN role: exit 4, one Error line', async () => {
    const {token} = sbx.server.context.tokens.issue('ops', 'sandbox', 'EXPLOIT')
    const count = (await sbx.json<LightRequest[]>(['request', 'list', '--content-type', 'ingest-check-request', '--all'])).length
    expect(count).toBeGreaterThan(0)
    const {exitCode, stderr} = await sbx.cli(['request', 'delete', '--content-type', 'ingest-check-request', '--yes'], {env: {WORKERCTL_WM_TOKEN: token}})
    expect(exitCode, stderr).toBe(4)
    expectOneError(stderr)
    expect(stderr).toMatch(/ADMIN/)
    expect(deletes().at(-1)!.status).toBe(403)
    expect(await sbx.json<LightRequest[]>(['request', 'list', '--content-type', 'ingest-check-request', '--all'])).toHaveLength(count)
  })

  it('the NO_WORKER_AVAILABLE scheduler re-dispatches requests of a worker that runs again (moving the clock past its start)', async () => {
    await stopWorker(sbx, 'lta-sip-generator-worker')
    await createRequests(sbx, {contentType: 'lta-extracted-request', count: 3, outcome: 'stuck-running', session: 'auto'})
    expect((await sbx.json<LightRequest[]>(['request', 'list', '--session', 'auto'])).map(r => r.status)).toEqual(Array(3).fill('NO_WORKER_AVAILABLE'))
    await startWorker(sbx, 'lta-sip-generator-worker')
    offset += 35_000 // past the scheduler's 30 s initial delay and a 3 s period
    const after = await sbx.json<LightRequest[]>(['request', 'list', '--session', 'auto'])
    expect(after.map(r => r.status)).toEqual(Array(3).fill('RUNNING'))
    const s = await sbx.json<Summary>(['request', 'summary', '--session', 'auto'])
    expect(s.causes).toEqual([])
  })
})

// ---------------------------------------------------------------------------------------------------------------
// --db-id: more than 1000 ids go in calls of at most 1000 (the service's @Size on retry and delete)

describe('request retry --db-id with more than 1000 ids', () => {
  let sbx: Sbx
  beforeAll(async () => {
    sbx = await startSandbox({clock: () => Date.now() - 60_000})
  })
  afterAll(async () => {
    expectContract(sbx.requests())
    await sbx.close()
  })

  const ids = Array.from({length: 2500}, (_, i) => i + 1)
  const idArgs = ids.flatMap(id => ['--db-id', String(id)])

  it('sends 3 retry calls of 1000, 1000 and 500 ids, INCLUDE, blocked statuses only', async () => {
    const matching = (await sbx.json<LightRequest[]>(['request', 'list', '--all', '--content-type', 'ingest-check-request'])).filter(r => BLOCKED.includes(r.status))
    expect(matching.length).toBeGreaterThan(0)
    const mark = sbx.mark()
    const outcome = await sbx.json<Outcome>(['request', 'retry', ...idArgs, '--content-type', 'ingest-check-request', '--yes'])
    // ingest-checker-worker is dead: every one of them is delayed again.
    expect(outcome).toEqual({action: 'retry', matched: matching.length, redispatched: 0, delayedAgain: matching.length, stillErrored: 0, pending: 0, complete: true})
    const calls = sbx.since(mark).filter(r => r.path === `${WM}/requests/retry`)
    expect(calls.map(c => (c.requestBody as any).ids.values.length)).toEqual([1000, 1000, 500])
    expect(calls.flatMap(c => (c.requestBody as any).ids.values)).toEqual(ids)
    for (const c of calls) {
      expect(c.status).toBe(200)
      expect(c.requestBody).toMatchObject({ids: {mode: 'INCLUDE'}, statuses: {mode: 'INCLUDE', values: BLOCKED}, creationDate: {before: expect.any(String)}})
    }
  })

  // The counting and sampling queries before the action are batched too: the spec's ValuesRestrictionLong has maxItems 1000.
  it('every POST /requests body of a --db-id run keeps ids.values within the spec (maxItems 1000)', async () => {
    const mark = sbx.mark()
    await sbx.json<Plan>(['request', 'retry', ...idArgs, '--dry-run'])
    const sent = searches(sbx.since(mark))
    expect(sent.length).toBeGreaterThan(0)
    for (const r of sent) expect(((r.requestBody as any).ids?.values ?? []).length).toBeLessThanOrEqual(1000)
    expectContract(sent)
  })
})
