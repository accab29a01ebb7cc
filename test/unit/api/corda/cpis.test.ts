import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import nock from 'nock'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {ApiError} from '../../../../src/api/errors.js'
import {TimeoutError} from '../../../../src/errors.js'
import {caught, client, expectValidRequest, type FilePart, recorder, type Seen, URL} from './support.js'

beforeAll(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
})

const CONTENT = 'PK fake cpi bytes '.repeat(1000)
const dir = mkdtempSync(join(tmpdir(), 'workerctl-cpis-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const cpiFile = (filename: string) => {
  const path = join(dir, filename)
  writeFileSync(path, CONTENT)
  return {path, size: CONTENT.length, filename}
}

describe('cpis.upload', () => {
  it('streams the file as multipart field `upload` with a Content-Length, showing each chunk with its offset', async () => {
    const seen: Seen[] = []
    const scope = nock(URL)
      .post('/api/v5_2/cpi')
      .reply(recorder(seen, [200, {id: 'f0a0f381'}]))
    const chunks: Array<[number, number]> = []
    const res = await client().cpis.upload(cpiFile('my.cpi'), {onChunk: (chunk, offset) => chunks.push([offset, chunk.length])})
    expect(res).toEqual({id: 'f0a0f381'})
    expect(scope.isDone()).toBe(true)
    const req = seen[0]!
    expect(req.contentType).toMatch(/^multipart\/form-data; boundary=.+/)
    const upload = (req.body as Record<string, FilePart>).upload!
    expect(upload.filename).toBe('my.cpi')
    expect(upload.content).toBe(CONTENT)
    expect(Object.keys(req.body as object)).toEqual(['upload'])
    expect(Number(req.headers['content-length'])).toBeGreaterThan(CONTENT.length)
    expect(chunks).toEqual([[0, CONTENT.length]])
    expectValidRequest(req)
  })

  it('sends an exact Content-Length', async () => {
    let received = -1
    let declared = -2
    nock(URL)
      .post('/api/v5_2/cpi')
      .reply(function (_uri, body) {
        received = Buffer.byteLength(body as string)
        declared = Number(this.req.headers['content-length'])
        return [200, {id: 'x'}]
      })
    await client().cpis.upload(cpiFile('a.cpi'))
    expect(declared).toBe(received)
  })

  it('uses force-upload on the version of the cluster, never retrying', async () => {
    const seen: Seen[] = []
    const scope = nock(URL)
      .post('/api/v5_1/maintenance/virtualnode/forcecpiupload')
      .reply(recorder(seen, [503, {title: 'busy', status: 503, details: {}}]))
    const error = await caught(client('v5_1', {attempts: 3, baseDelayMs: 1, maxDelayMs: 1}).cpis.upload(cpiFile('my.cpi'), {force: true}))
    expect(error).toMatchObject({status: 503})
    expect(scope.isDone()).toBe(true)
    expect(seen).toHaveLength(1)
    expectValidRequest(seen[0]!)
  })
})

describe('cpis.status and list', () => {
  it('gets the status and the list', async () => {
    const seen: Seen[] = []
    nock(URL)
      .get('/api/v5_2/cpi/status/abc')
      .reply(recorder(seen, [200, {status: 'Validating upload', cpiFileChecksum: ''}]))
      .get('/api/v5_2/cpi')
      .reply(
        recorder(seen, [
          200,
          {
            cpis: [
              {
                id: {cpiName: 'demo', cpiVersion: '1.0', signerSummaryHash: null},
                cpiFileChecksum: 'BA4B24E6A0D0',
                cpiFileFullChecksum: 'BA4B24E6A0D0FF',
                cpks: [],
                timestamp: '2024-05-01T10:00:00Z',
              },
            ],
          },
        ]),
      )
    const c = client()
    expect(await c.cpis.status('abc')).toEqual({status: 'Validating upload', cpiFileChecksum: ''})
    const list = await c.cpis.list()
    expect(list[0]!.id.cpiName).toBe('demo')
    seen.forEach(expectValidRequest)
  })
})

describe('cpis.waitForUpload', () => {
  const fast = {initialMs: 1, maxMs: 2}

  it('tolerates the "No such requestId" race, then returns the OK status', async () => {
    const states: string[] = []
    nock(URL)
      .get('/api/v5_2/cpi/status/r1')
      .twice()
      .reply(400, {title: 'No such requestId=r1', status: 400, details: {}})
      .get('/api/v5_2/cpi/status/r1')
      .reply(200, {status: 'Persisting CPI', cpiFileChecksum: ''})
      .get('/api/v5_2/cpi/status/r1')
      .reply(200, {status: 'OK', cpiFileChecksum: 'BA4B24E6A0D0'})
    const res = await client().cpis.waitForUpload('r1', {...fast, onStatus: s => states.push(s.status)})
    expect(res).toEqual({status: 'OK', cpiFileChecksum: 'BA4B24E6A0D0'})
    expect(states).toEqual(['Persisting CPI', 'OK'])
  })

  it('fails when the race outlasts the grace period', async () => {
    nock(URL).get('/api/v5_2/cpi/status/r1').times(100).reply(400, {title: 'No such requestId=r1', status: 400, details: {}})
    const error = await caught(client().cpis.waitForUpload('r1', {...fast, graceMs: 30}))
    expect(error).toMatchObject({status: 400, title: 'No such requestId=r1'})
  })

  it('rethrows the failure of the status call as the ApiError it is', async () => {
    nock(URL)
      .get('/api/v5_2/cpi/status/r1')
      .reply(200, {status: 'Validating CPI', cpiFileChecksum: ''})
      .get('/api/v5_2/cpi/status/r1')
      .reply(409, {title: 'CPI demo, 1.0, SHA-256:AB already exists.', status: 409, details: {}})
    const error = (await caught(client().cpis.waitForUpload('r1', fast))) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(409)
    expect(error.title).toMatch(/already exists/)
  })

  it('does not treat other 400s as pending', async () => {
    nock(URL)
      .get('/api/v5_2/cpi/status/r1')
      .reply(400, {title: 'Signature verification failed', status: 400, details: {errorType: 'x'}})
    expect(await caught(client().cpis.waitForUpload('r1', fast))).toMatchObject({status: 400, title: 'Signature verification failed'})
  })

  it('gives up at the deadline with the id to resume with', async () => {
    nock(URL).get('/api/v5_2/cpi/status/r1').times(1000).reply(200, {status: 'Validating CPI', cpiFileChecksum: ''})
    const error = (await caught(client().cpis.waitForUpload('r1', {...fast, deadline: Date.now() + 50}))) as TimeoutError
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.resumeId).toBe('r1')
    expect(error.lastState).toEqual({status: 'Validating CPI', cpiFileChecksum: ''})
  })
})
