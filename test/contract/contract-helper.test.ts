/**
 * Tests of the contract helper itself: each rule must accept what the real services send and reject what
 * they would not, or the contract tests that build on it prove nothing.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, it, vi} from 'vitest'

import {contractFor, type Exchange, expectContract, validateExchange, validateRequest, validateResponse} from '../helpers/contract.js'

/** An exchange with no query and no bodies, overridden per test. */
function ex(method: string, path: string, status: number, more: Partial<Exchange> = {}): Exchange {
  return {method, path, query: {}, status, ...more}
}

const json = 'application/json'

/** Asserts at least one problem mentions every given fragment. */
function expectProblem(problems: string[], ...fragments: string[]): void {
  expect(
    problems.some(p => fragments.every(f => p.includes(f))),
    `expected a problem with ${fragments.join(' + ')}, got:\n${problems.join('\n')}`,
  ).toBe(true)
}

describe('contractFor', () => {
  it('routes paths by prefix, the worker manager before Corda v1', () => {
    expect(contractFor('/api/v5_2/hello')).toBe('corda-v5_2')
    expect(contractFor('/api/v5_1/virtualnode')).toBe('corda-v5_1')
    expect(contractFor('/api/v1/rs-worker-manager/workers')).toBe('workermanager')
    expect(contractFor('/api/v1/user')).toBe('corda-v1')
    expect(contractFor('/job-service/v1/ping')).toBe('jobservice')
  })

  it('has no contract for other services, spec documents or sandbox internals', () => {
    expect(contractFor('/api/v1/rs-authentication/oauth/token')).toBeUndefined()
    expect(contractFor('/api/v5_2/swagger.json')).toBeUndefined()
    expect(contractFor('/__sandbox/requests')).toBeUndefined()
    expect(contractFor('/api/v5_20/hello')).toBeUndefined()
    expect(contractFor('/job-service/v10/ping')).toBeUndefined()
  })
})

describe('Corda', () => {
  const hello = (query: Exchange['query'], status = 200, responseBody: unknown = 'Hello, x! (from admin)') =>
    ex('POST', '/api/v5_2/hello', status, {query, responseBody, responseContentType: json})

  it('accepts POST /hello with its required query parameter and a raw-text answer', () => {
    expect(validateExchange(hello({addressee: 'x'}))).toEqual([])
  })

  it('prefixes every problem with method, path and status', () => {
    const problems = validateRequest(hello({}))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^POST \/api\/v5_2\/hello -> 200: missing required query parameter 'addressee'$/)
  })

  it('rejects undeclared and repeated query parameters', () => {
    expectProblem(validateRequest(hello({addressee: 'x', verbose: 'true'})), "query parameter 'verbose' is not declared")
    expectProblem(validateRequest(hello({addressee: ['x', 'y']})), "'addressee' is repeated but is not an array")
  })

  it('rejects a /hello answer that is not text', () => {
    expectProblem(validateResponse(hello({addressee: 'x'}, 200, 42)), 'expected raw text')
    expectProblem(validateResponse({...hello({addressee: 'x'}), responseBody: undefined}), 'expected raw text')
  })

  const createVnode = (status: number, requestBody: unknown, responseBody: unknown): Exchange =>
    ex('POST', '/api/v5_2/virtualnode', status, {requestContentType: json, requestBody, responseBody, responseContentType: json})
  const vnodeRequest = {x500Name: 'CN=Alice, O=Alice Corp, L=LDN, C=GB', cpiFileChecksum: 'BA4B24E6A0D0'}

  it("uses the overlay: POST /virtualnode answers 202, not the spec's 200", () => {
    expect(validateExchange(createVnode(202, vnodeRequest, {requestId: '3B9A266F96E2'}))).toEqual([])
    expectProblem(validateResponse(createVnode(200, vnodeRequest, {requestId: '3B9A266F96E2'})), 'status 200 is not allowed', '202')
  })

  it('applies the overlay to v5_1 as well', () => {
    const v51 = {...createVnode(202, vnodeRequest, {requestId: '3B9A266F96E2'}), path: '/api/v5_1/virtualnode'}
    expect(validateExchange(v51)).toEqual([])
  })

  it('validates the request body against its schema', () => {
    expectProblem(validateRequest(createVnode(202, {...vnodeRequest, x500Name: 5}, {requestId: 'A'})), 'request body/x500Name must be string')
    expectProblem(validateRequest(createVnode(202, {x500Name: 'CN=A, O=A, L=L, C=GB'}, {requestId: 'A'})), "must have required property 'cpiFileChecksum'")
    expectProblem(validateRequest(createVnode(202, undefined, {requestId: 'A'})), 'request body is required')
    expectProblem(validateRequest({...createVnode(202, vnodeRequest, {requestId: 'A'}), requestContentType: 'text/plain'}), "Content-Type 'text/plain' is not accepted")
  })

  it('accepts null for nullable fields only', () => {
    expect(validateRequest(createVnode(202, {...vnodeRequest, vaultDdlConnection: null}, {}))).toEqual([])
    expectProblem(validateRequest(createVnode(202, {...vnodeRequest, x500Name: null}, {})), 'request body/x500Name must be string')
  })

  it('validates the success body against the spec', () => {
    expectProblem(validateResponse(createVnode(202, vnodeRequest, {id: 'A'})), "must have required property 'requestId'")
    expectProblem(validateResponse(createVnode(202, vnodeRequest, undefined)), 'response body is missing')
  })

  it("accepts errors in Corda's {title, status, details} shape only", () => {
    const conflict = (responseBody: unknown) => createVnode(409, vnodeRequest, responseBody)
    expect(validateResponse(conflict({title: 'Virtual node already exists', status: 409, details: {}}))).toEqual([])
    expect(validateResponse(conflict({title: 'x', status: 409, details: {cause: 'a', reason: 'b'}}))).toEqual([])
    expectProblem(validateResponse(conflict({message: 'exists'})), "must have required property 'title'")
    expectProblem(validateResponse(conflict({title: 'x', status: 409, details: {}, extra: 1})), "('extra')")
    expectProblem(validateResponse(conflict({title: 'x', status: 409, details: {code: 1}})), 'details/code must be string')
    expectProblem(validateResponse(conflict({title: 'x', status: 400, details: {}})), 'says status 400, HTTP says 409')
  })

  it('rejects statuses nobody answers', () => {
    expectProblem(validateResponse(createVnode(418, vnodeRequest, {title: 'teapot', status: 418, details: {}})), 'status 418 is not allowed')
    expectProblem(validateResponse(createVnode(201, vnodeRequest, {requestId: 'A'})), 'status 201 is not allowed')
  })

  it('wants 204 without a body where the overlay says 204', () => {
    const approve = (status: number, responseBody?: unknown) => ex('POST', '/api/v5_2/mgm/58B6030FABDD/approve/r-1', status, {responseBody})
    expect(validateExchange(approve(204))).toEqual([])
    expectProblem(validateResponse(approve(204, {ok: true})), 'must have no body')
    expectProblem(validateResponse(approve(200)), 'status 200 is not allowed')
  })

  it('prefers literal path segments over templates', () => {
    // /virtualnode/{holdingidentityshorthash} would want a VirtualNodeInfo object, not an integer.
    expect(validateExchange(ex('GET', '/api/v5_2/virtualnode/getprotocolversion', 200, {responseBody: 50201}))).toEqual([])
    expect(validateExchange(ex('GET', '/api/v5_2/virtualnode/58B6030FABDD', 200, {responseBody: 50201})).length).toBeGreaterThan(0)
  })

  it('reads Kotlin enums typed {type: object, enum} as strings', () => {
    const status = (value: unknown) =>
      ex('GET', '/api/v5_2/virtualnode/status/3B9A266F96E2', 200, {
        responseBody: {requestId: '3B9A266F96E2', operation: 'CREATE', status: value, lastUpdatedTimestamp: '2024-05-01T10:00:00.123Z'},
      })
    expect(validateResponse(status('SUCCEEDED'))).toEqual([])
    expectProblem(validateResponse(status('DONE')), 'response body/status must be equal to one of the allowed values')
    expectProblem(validateResponse(status({})), 'response body/status must be string')
  })

  it('reports unknown operations, and names the spec', () => {
    expectProblem(validateRequest(ex('GET', '/api/v5_2/nodes', 200)), 'no such operation in corda-5.2.1-openapi-v5_2.json')
    expectProblem(validateRequest(ex('DELETE', '/api/v5_2/hello', 200)), 'no such operation', 'exists for POST')
    // Static segments are lower-case in the spec; Corda redirects mixed case, which breaks POST/PUT.
    expectProblem(validateRequest(ex('POST', '/api/v5_2/maintenance/virtualnode/forceCpiUpload', 200)), 'no such operation')
  })

  it('coerces and validates query values, arrays as repeated parameters', () => {
    const keys = (query: Exchange['query']) => ex('GET', '/api/v5_2/key/p2p', 200, {query, responseBody: {}})
    expect(validateRequest(keys({id: ['AB12', 'CD34'], take: '10', skip: '0'}))).toEqual([])
    expect(validateRequest(keys({id: 'AB12'}))).toEqual([])
    expectProblem(validateRequest(keys({take: 'ten'})), "query parameter 'take' must be integer")
    const perms = (query: Exchange['query']) => ex('GET', '/api/v5_2/permission', 200, {query, responseBody: []})
    expect(validateRequest(perms({limit: '100', permissiontype: 'ALLOW'}))).toEqual([])
    expectProblem(validateRequest(perms({limit: '100'})), "missing required query parameter 'permissiontype'")
  })

  it('checks multipart fields: declared, required and files where the spec wants binary', () => {
    const upload = (requestBody: unknown, requestContentType = 'multipart/form-data; boundary=xyz') =>
      ex('POST', '/api/v5_2/cpi', 200, {requestContentType, requestBody, responseBody: {id: 'f0a0f381-e0d6-49d2-abba-6094992cef02'}})
    expect(validateExchange(upload({upload: {filename: 'app.cpi', size: 1234}}))).toEqual([])
    expectProblem(validateRequest(upload({upload: {filename: 'app.cpi', size: 1}, name: 'x'})), "multipart field 'name' is not declared")
    expectProblem(validateRequest(upload({upload: 'not a file'})), "multipart field 'upload' must be a file part")
    expectProblem(validateRequest(upload({file: {filename: 'app.cpi', size: 1}})), "multipart field 'file' is not declared")
    expectProblem(validateRequest(upload({upload: 'x'}, json)), "Content-Type 'application/json' is not accepted")
    const cert = ex('PUT', '/api/v5_2/certificate/cluster/code-signer', 204, {
      requestContentType: 'multipart/form-data; boundary=b',
      requestBody: {
        alias: 'signer',
        certificate: [
          {filename: 'a.pem', size: 10},
          {filename: 'b.pem', size: 12},
        ],
      },
    })
    expect(validateExchange(cert)).toEqual([])
  })

  it('rejects a body sent to an operation that takes none', () => {
    expectProblem(validateRequest({...hello({addressee: 'x'}), requestContentType: json, requestBody: {}}), 'takes no request body')
  })
})

describe('REGARDS worker manager', () => {
  const base = '/api/v1/rs-worker-manager'
  const page = {
    content: [
      {
        content: {
          id: 1234,
          requestId: 'req-42',
          creationDate: '2025-01-10T08:15:30.123Z',
          contentType: 'lta-to-extract-request',
          source: 'CNES',
          session: 'Mission1',
          status: 'ERROR',
          dispatchedWorkerType: 'zip-worker',
          error: 'boom',
        },
        links: [
          {rel: 'self', href: `https://host${base}/requests/req-42`},
          {rel: 'retry', href: `https://host${base}/requests/retry`},
        ],
      },
    ],
    metadata: {size: 20, totalElements: 1, totalPages: 1, number: 0},
    links: [],
  }
  const search = (query: Exchange['query'], responseBody: unknown = page, requestBody: unknown = {}) =>
    ex('POST', `${base}/requests`, 200, {query, requestContentType: json, requestBody, responseContentType: json, responseBody})

  it('accepts the wire form of paging: page, size and one or more sort', () => {
    expect(validateExchange(search({page: '0', size: '20', sort: 'creationDate,DESC'}))).toEqual([])
    expect(validateExchange(search({sort: ['status,ASC', 'creationDate,DESC']}))).toEqual([])
    expect(validateExchange(search({}))).toEqual([])
  })

  it("rejects bad paging and the spec's bundled pageable object", () => {
    expectProblem(validateRequest(search({page: '-1'})), "query parameter 'page' must be >= 0")
    expectProblem(validateRequest(search({size: 'big'})), "query parameter 'size' must be integer")
    expectProblem(validateRequest(search({page: ['0', '1']})), "'page' is repeated")
    expectProblem(validateRequest(search({pageable: '{}'})), "query parameter 'pageable' is not declared")
  })

  it('validates the search filter and the page', () => {
    const filter = {statuses: {mode: 'INCLUDE', values: ['ERROR', 'NO_WORKER_AVAILABLE']}, creationDate: {after: '2025-01-01T00:00:00Z'}}
    expect(validateRequest(search({}, page, filter))).toEqual([])
    expectProblem(validateRequest(search({}, page, {statuses: {values: ['ERROR']}})), "must have required property 'mode'")
    expectProblem(validateRequest(search({}, page, {statuses: {mode: 'INCLUDE', values: ['BROKEN']}})), 'must be equal to one of the allowed values')
    expectProblem(validateResponse(search({}, {...page, metadata: {number: '0'}})), 'response body/metadata/number must be integer')
    expectProblem(validateResponse(search({}, {content: [{content: {status: 'DONE'}}]})), 'response body/content/0/content/status')
  })

  it("accepts 401 in Spring's shape and other errors as {messages}", () => {
    const spring = {
      timestamp: '2025-01-10T08:15:30.123+00:00',
      status: 401,
      error: 'Unauthorized',
      message: '[REGARDS JWT FILTER] Missing authentication token',
      path: `${base}/requests`,
    }
    expect(validateResponse({...search({}), status: 401, responseBody: spring})).toEqual([])
    expectProblem(validateResponse({...search({}), status: 401, responseBody: {messages: ['no']}}), "must have required property 'timestamp'")
    const notFound = ex('GET', `${base}/requests/req-999`, 404, {responseBody: {messages: ["Entity LightRequest with id : req-999 doesn't exist"]}})
    expect(validateExchange(notFound)).toEqual([])
    expectProblem(validateResponse({...notFound, responseBody: {message: 'nope'}}), "must have required property 'messages'")
    expectProblem(validateResponse({...notFound, status: 405, responseBody: {messages: []}}), 'status 405 is not allowed')
  })

  it('validates GET /workers', () => {
    const workers = (responseBody: unknown, query: Exchange['query'] = {}) => ex('GET', `${base}/workers`, 200, {query, responseBody})
    expect(validateExchange(workers([{workerType: 'lta-sip-generator-worker', nbInstance: 3}]))).toEqual([])
    expect(validateExchange(workers([], {contentTypes: ['ct1', 'ct2']}))).toEqual([])
    expectProblem(validateResponse(workers([{workerType: 'w', nbInstance: '3'}])), 'response body/0/nbInstance must be integer')
  })

  it("knows the configuration import's extra answers", () => {
    const importConf = (status: number, responseBody?: unknown) =>
      ex('POST', `${base}/microservice/configuration`, status, {
        requestContentType: 'multipart/form-data; boundary=b',
        requestBody: {file: {filename: 'conf.json', size: 300}},
        responseBody,
      })
    const reports = [
      {moduleInformation: {id: 'workermanager', name: 'Worker Manager module', version: '2.4.0', author: 'REGARDS'}, importErrors: ['NotExistingWorkerError'], onlyErrors: false},
    ]
    expect(validateExchange(importConf(201))).toEqual([])
    expect(validateExchange(importConf(206, reports))).toEqual([])
    expect(validateExchange(importConf(409, reports))).toEqual([])
    expect(validateExchange(importConf(422))).toEqual([])
    expectProblem(validateResponse(importConf(201, reports)), 'must have no body')
    expectProblem(validateResponse(importConf(206, [{moduleInformation: {id: 'x'}}])), "must have required property 'author'")
    expectProblem(validateRequest({...importConf(201), requestBody: {}}), "missing required multipart field 'file'")
  })
})

describe('Job Service', () => {
  const base = '/job-service/v1'
  const newJob = {
    name: 'TestJob',
    task: {
      taskClassifier: 'BatchWorker',
      taskApiVersion: 1,
      taskData: {batchType: 'AssetIdBatchPlugin'},
      taskPipe: 'dataprocessing-batch-in',
      targetPipe: 'dataprocessing-example-out',
    },
    prerequisiteJobIds: ['job-a'],
    delay: 0,
    labels: {owner: 'bob'},
  }
  const put = (status: number, requestBody: unknown = newJob, responseBody?: unknown, partition = 'default') =>
    ex('PUT', `${base}/partitions/${partition}/jobs/j1`, status, {requestContentType: json, requestBody, responseBody})

  it('accepts GET /ping (the spec declares no body; the service sends {"success": true})', () => {
    expect(validateExchange(ex('GET', `${base}/ping`, 200, {responseBody: {success: true}}))).toEqual([])
    expectProblem(validateResponse(ex('GET', `${base}/ping`, 404)), 'status 404 is not allowed')
  })

  it('validates a job definition', () => {
    expect(validateExchange(put(201))).toEqual([])
    expect(validateExchange(put(204))).toEqual([])
    const {taskClassifier: _dropped, ...task} = newJob.task
    expectProblem(validateRequest(put(201, {...newJob, task})), "request body/task must have required property 'taskClassifier'")
    expectProblem(validateRequest(put(201, {...newJob, delay: 'soon'})), 'request body/delay must be integer')
    expectProblem(validateRequest(put(201, {...newJob, labels: {owner: 7}})), 'request body/labels/owner must be string')
    expectProblem(validateRequest({...put(201), requestBody: undefined}), 'request body is required')
  })

  it('accepts PUT 403 {message} and the {code, message} error form', () => {
    expect(validateResponse(put(403, newJob, {message: 'Job already exists'}))).toEqual([])
    expect(validateResponse(put(400, newJob, {code: 400, message: 'Unable to process JSON'}))).toEqual([])
    expectProblem(validateResponse(put(403, newJob, {error: 'exists'})), "must have required property 'message'")
    expectProblem(validateResponse(put(400, newJob, {code: 500, message: 'x'})), 'says code 500, HTTP says 400')
    expectProblem(validateResponse(ex('GET', `${base}/partitions/default/jobs/j1`, 403, {responseBody: {message: 'x'}})), 'status 403 is not allowed')
  })

  it('validates #/parameters/ and path-level parameters', () => {
    expectProblem(validateRequest(put(201, newJob, undefined, 'bad*partition')), "path parameter 'partitionId' must match pattern")
    expectProblem(validateRequest(put(201, newJob, undefined, 'p'.repeat(41))), "path parameter 'partitionId' must match pattern")
    const list = (query: Exchange['query'], status = 200, responseBody: unknown = []) => ex('GET', `${base}/partitions/default/jobs`, status, {query, responseBody})
    expect(validateExchange(list({statusType: 'NotFinished', limit: '25', offset: '0', sort: 'lastUpdateTime:asc', filter: 'status==Failed'}))).toEqual([])
    expectProblem(validateRequest(list({statusType: 'Failed'})), "query parameter 'statusType' must be equal to one of the allowed values")
    expectProblem(validateRequest(list({limit: 'all'})), "query parameter 'limit' must be integer")
    expect(validateResponse(list({sort: 'nope'}, 400, {message: 'Invalid format for sort: nope'}))).toEqual([])
    // count does not take labelExist
    expectProblem(validateRequest(ex('GET', `${base}/partitions/default/jobStats/count`, 200, {query: {labelExist: 'owner'}, responseBody: 3})), "'labelExist' is not declared")
  })

  it('validates job responses, including the literal-colon bulk paths', () => {
    const job = {
      id: 'j1',
      name: 'TestJob',
      createTime: 1736496930123,
      lastUpdateTime: 1736497000456,
      status: 'Failed',
      percentageComplete: 37.5,
      failures: [{failureId: 'TASK_FAILURE', failureTime: 1736496999000, failureSource: 'w', failureMessage: 'boom'}],
      labels: {owner: 'bob'},
    }
    expect(validateResponse(ex('GET', `${base}/partitions/default/jobs/j1`, 200, {responseBody: job}))).toEqual([])
    expectProblem(
      validateResponse(ex('GET', `${base}/partitions/default/jobs/j1`, 200, {responseBody: {...job, status: 'Running'}})),
      'response body/status must be equal to one of the allowed values',
    )
    expect(validateResponse(ex('GET', `${base}/partitions/default/jobs/j1/status`, 200, {responseBody: 'Active'}))).toEqual([])
    expect(validateResponse(ex('GET', `${base}/partitions/default/jobs/j1/isActive`, 200, {responseBody: false}))).toEqual([])
    expect(validateExchange(ex('POST', `${base}/partitions/default/jobs:delete`, 200, {query: {filter: 'status==Failed'}, responseBody: {jobsDeleted: 3}}))).toEqual([])
    expectProblem(validateResponse(ex('POST', `${base}/partitions/default/jobs:cancel`, 200, {responseBody: {jobsCanceled: 'all'}})), 'jobsCanceled must be integer')
    expectProblem(validateResponse(ex('POST', `${base}/partitions/default/jobs/j1/cancel`, 204, {responseBody: {}})), 'must have no body')
  })
})

describe('expectContract', () => {
  const good = ex('POST', '/api/v5_2/hello', 200, {query: {addressee: 'x'}, responseBody: 'Hello'})

  it('throws when no exchange had a contract', () => {
    expect(() => expectContract([])).toThrow(/nothing was checked/)
    expect(() => expectContract([ex('POST', '/api/v1/rs-authentication/oauth/token', 200)])).toThrow(/nothing was checked/)
  })

  it('passes valid exchanges and ignores ones without a contract', () => {
    expect(() => expectContract([good, ex('GET', '/__sandbox/log', 200, {query: {x: '1'}})])).not.toThrow()
  })

  it('lists every problem of every exchange', () => {
    const bad1 = {...good, query: {}}
    const bad2 = ex('GET', '/job-service/v1/ping', 418)
    let message = ''
    try {
      expectContract([good, bad1, bad2])
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toContain("POST /api/v5_2/hello -> 200: missing required query parameter 'addressee'")
    expect(message).toContain('GET /job-service/v1/ping -> 418: status 418 is not allowed')
    expect(message).toMatch(/^2 contract problem/)
  })
})

describe('spec location and matching, with a stand-in specs directory', () => {
  /** Imports a fresh copy of the helper (its spec cache empty) reading specs from `dir`. */
  async function helperWithSpecs(dir: string) {
    vi.resetModules()
    vi.stubEnv('WORKERCTL_SPECS_DIR', dir)
    return import('../helpers/contract.js')
  }

  afterEach(() => {
    vi.unstubAllEnvs()
    vi.resetModules()
  })

  it('fails loudly, never skips, when the specs are not beside the repo', async () => {
    const fresh = await helperWithSpecs('/nonexistent/specs')
    expect(() => fresh.validateExchange(ex('GET', '/job-service/v1/ping', 200))).toThrow(/missing.*\.\.\/shared\/specs/is)
  })

  it('prefers a literal segment even when the spec lists the template first', async () => {
    // The real specs happen to list literals first; this tiny stand-in (not a copy) lists the template first.
    const dir = mkdtempSync(path.join(tmpdir(), 'contract-specs-'))
    const tiny = [
      'swagger: "2.0"',
      'basePath: /job-service/v1',
      'paths:',
      '  /things/{id}:',
      '    get:',
      '      parameters: [{name: id, in: path, required: true, type: integer}]',
      '      responses: {200: {description: one, schema: {type: object}}}',
      '  /things/count:',
      '    get:',
      '      responses: {200: {description: count, schema: {type: integer}}}',
    ].join('\n')
    writeFileSync(path.join(dir, 'jobservice-swagger.yaml'), tiny)
    try {
      const fresh = await helperWithSpecs(dir)
      expect(fresh.validateExchange(ex('GET', '/job-service/v1/things/count', 200, {responseBody: 7}))).toEqual([])
      expect(fresh.validateExchange(ex('GET', '/job-service/v1/things/12', 200, {responseBody: {}}))).toEqual([])
      expect(fresh.validateRequest(ex('GET', '/job-service/v1/things/twelve', 200)).join()).toContain("path parameter 'id' must be integer")
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
