import {describe, expect, it} from 'vitest'
import {errorFromResponse} from '../../../src/api/errors.js'

const err = (status: number, text: string, contentType = 'application/json') => errorFromResponse('corda', 'GET', 'https://h/api/v5_2/x', {status, contentType, text})

describe('errorFromResponse normalises every error body', () => {
  it('Corda {title, status, details}', () => {
    const e = err(400, JSON.stringify({title: 'No such requestId=abc', status: 400, details: {cause: 'x'}}))
    expect(e.title).toBe('No such requestId=abc')
    expect(e.details).toEqual({cause: 'x'})
    expect(e.status).toBe(400)
    expect(e.kind).toBe('http')
  })

  it('REGARDS {messages: [...]}', () => {
    const e = errorFromResponse('workerManager', 'GET', 'u', {
      status: 404,
      contentType: 'application/json',
      text: JSON.stringify({messages: ["Entity x with id : r1 doesn't exist", 'second']}),
    })
    expect(e.title).toBe("Entity x with id : r1 doesn't exist; second")
  })

  it("Spring's 401 {timestamp,status,error,message,path}", () => {
    const e = err(
      401,
      JSON.stringify({
        timestamp: '2025-01-01T00:00:00Z',
        status: 401,
        error: 'Unauthorized',
        message: '[REGARDS JWT FILTER] Missing authentication token on /workers@GET',
        path: '/workers',
      }),
    )
    expect(e.title).toBe('[REGARDS JWT FILTER] Missing authentication token on /workers@GET')
  })

  it('Spring error with an empty message falls back to the error name', () => {
    expect(err(401, JSON.stringify({status: 401, error: 'Unauthorized', message: ''})).title).toBe('Unauthorized')
  })

  it('Job Service {message} and {code, message}', () => {
    expect(err(403, JSON.stringify({message: 'Job already exists'})).title).toBe('Job already exists')
    expect(err(400, JSON.stringify({code: 400, message: 'Unable to process JSON'})).title).toBe('Unable to process JSON')
  })

  it("the Job Service's database messages lose PostgreSQL's ERROR: prefix and its Where: context", () => {
    const body = JSON.stringify({message: 'ERROR: job_id {batch-9} not found\n  Where: PL/pgSQL function get_job(character varying,character varying) line 39 at RAISE'})
    expect(errorFromResponse('jobService', 'GET', 'u', {status: 404, contentType: 'application/json', text: body}).title).toBe('job_id {batch-9} not found')
    expect(errorFromResponse('corda', 'GET', 'u', {status: 400, contentType: 'application/json', text: JSON.stringify({title: 'ERROR: kept', status: 400})}).title).toBe(
      'ERROR: kept',
    )
  })

  it('OAuth {error, error_description}', () => {
    expect(err(400, JSON.stringify({error: 'invalid_grant', error_description: 'Bad credentials'})).title).toBe('invalid_grant: Bad credentials')
  })

  it('plain text, on one line', () => {
    expect(err(500, 'Internal failure\n  at line 2', 'text/plain').title).toBe('Internal failure at line 2')
  })

  it('an HTML page from a proxy: status and <title>', () => {
    const e = err(502, '<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>', 'text/html')
    expect(e.status).toBe(502)
    expect(e.title).toContain('Bad Gateway')
    expect(e.title).toContain('"502 Bad Gateway"')
    expect(e.title).not.toContain('<h1>')
  })

  it('an empty body', () => {
    expect(err(503, '').title).toBe('Service Unavailable')
  })

  it('truncated JSON', () => {
    const e = err(500, '{"title":"Something went wr')
    expect(e.title).toMatch(/truncated or malformed JSON/)
    expect(e.title).toContain('27 bytes')
  })

  it('keeps very long messages to one bounded line', () => {
    expect(err(500, JSON.stringify({message: 'x'.repeat(5000)})).title.length).toBeLessThanOrEqual(300)
  })
})
