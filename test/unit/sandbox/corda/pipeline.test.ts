// The Corda REST worker's request pipeline (Javalin 4.6.8 + corda-runtime-os 5.2.1 RestServerInternal/ContextUtils):
// what wins before a handler runs. Rows in docs/sandbox-fidelity/corda-core.md point here.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ADMIN, type CordaSandbox, startCorda} from '../../../helpers/cpi.js'

let sbx: CordaSandbox
const url = (path: string) => sbx.server.url + path

beforeAll(async () => {
  sbx = await startCorda()
})
afterAll(async () => {
  await sbx.close()
})

describe('Corda request pipeline', () => {
  it('ignores one trailing slash, answers HEAD on a GET route 200 without credentials, and says no-cache on success', async () => {
    const list = await fetch(url('/api/v5_2/cpi/'), {headers: {authorization: ADMIN}})
    expect(list.status).toBe(200)
    expect(list.headers.get('cache-control')).toBe('no-cache')
    expect(await list.json()).toEqual({cpis: []})
    const head = await fetch(url('/api/v5_2/cpi'), {method: 'HEAD'})
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await fetch(url('/api/v5_2/cpi'))).status).toBe(401)
  })

  it('refuses multipart on a JSON endpoint and JSON on a multipart one with the 500 Javalin gives an IllegalArgumentException', async () => {
    const form = new FormData()
    form.append('x', '1')
    const multipart = await fetch(url('/api/v5_2/virtualnode'), {method: 'POST', headers: {authorization: ADMIN}, body: form})
    expect(multipart.status).toBe(500)
    const body = (await multipart.json()) as {title: string; details: Record<string, string>}
    expect(body.title).toBe('Illegal argument occurred.')
    expect(body.details.cause).toBe('IllegalArgumentException')
    expect(body.details.reason).toMatch(/^Unexpected Content-Type \[multipart\/form-data; boundary=.+\]\.$/)
    const json = await fetch(url('/api/v5_2/cpi'), {method: 'POST', headers: {authorization: ADMIN, 'content-type': 'application/json'}, body: '{}'})
    expect(json.status).toBe(500)
    expect(await json.json()).toEqual({
      title: 'Illegal argument occurred.',
      status: 500,
      details: {cause: 'IllegalArgumentException', reason: 'Endpoint expects Content-Type [multipart/form-data] but received [application/json].'},
    })
  })

  it('reads a body parameter as JSON whatever the content type; a malformed one is a 400 naming the parameter', async () => {
    const post = (body: string, contentType: string) => fetch(url('/api/v5_2/virtualnode'), {method: 'POST', headers: {authorization: ADMIN, 'content-type': contentType}, body})
    const res = await post('{"oops":', 'application/json')
    expect(res.status).toBe(400)
    const body = (await res.json()) as {title: string; status: number; details: Record<string, string>}
    expect(body).toMatchObject({title: "Unable to parse parameter 'request'", status: 400, details: {cause: 'JsonParseException'}})
    expect(typeof body.details.reason).toBe('string')
    const dup = await post('{"x500Name":"O=A, L=B, C=GB","x500Name":"O=C, L=D, C=GB","cpiFileChecksum":"ABCDEF123456"}', 'text/plain')
    expect(await dup.json()).toMatchObject({title: "Unable to parse parameter 'request'", details: {cause: 'MismatchedInputException'}})
    const plain = await post('{"x500Name":"O=A, L=B, C=GB","cpiFileChecksum":"ABCDEF123456"}', 'text/plain')
    expect(await plain.json()).toMatchObject({status: 400, title: expect.stringMatching(/^No CPI metadata found for checksum/)})
    const empty = await post('', 'application/json')
    expect(await empty.json()).toEqual({
      title: "Unable to parse parameter 'request'",
      status: 400,
      details: {cause: 'BadRequestException', reason: 'Missing body parameter "request".'},
    })
    // an endpoint with no body parameter ignores whatever is sent
    const hello = await fetch(url('/api/v5_2/hello?addressee=x'), {method: 'POST', headers: {authorization: ADMIN, 'content-type': 'application/json'}, body: '{"oops":'})
    expect(hello.status).toBe(200)
    expect((await fetch(url('/api/v5_2/swagger.json'))).status).toBe(200)
  })

  it('refuses a declared body over corda.rest.maxContentLength with 400, before authentication', async () => {
    sbx.ctx.corda.settings.maxUploadBytes = 1000
    try {
      const res = await fetch(url('/api/v5_2/hello?addressee=x'), {method: 'POST', headers: {'content-type': 'application/json'}, body: 'x'.repeat(1001)})
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({title: 'Content length is 1001 which exceeds the maximum limit of 1000.', status: 400, details: {}})
      const upload = await fetch(url('/api/v5_2/cpi'), {method: 'POST', headers: {'content-type': 'multipart/form-data; boundary=x'}, body: 'x'.repeat(2000)})
      expect(await upload.json()).toMatchObject({status: 400, title: 'Content length is 2000 which exceeds the maximum limit of 1000.'})
    } finally {
      sbx.ctx.corda.settings.maxUploadBytes = 200_000_000
    }
  })
})
