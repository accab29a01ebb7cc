// Shared by the Corda client tests: a client on a nock host, a request recorder and a multipart parser.
import type nock from 'nock'
import {expect} from 'vitest'
import {CordaClient} from '../../../../src/api/corda/client.js'
import type {CordaApiVersion} from '../../../../src/api/corda/types.js'
import {HttpTransport} from '../../../../src/api/http.js'
import {validateRequest} from '../../../helpers/contract.js'

export const URL = 'http://corda.test'

export function client(version: CordaApiVersion = 'v5_2', retry = {attempts: 1, baseDelayMs: 1, maxDelayMs: 1}): CordaClient {
  return new CordaClient(new HttpTransport({service: 'corda', url: URL, retry}), {apiVersion: version})
}

export interface FilePart {
  filename: string
  contentType?: string
  content: string
}

/** Parses a multipart/form-data body (text content only, as the tests send). */
export function parseMultipart(contentType: string, raw: string): Record<string, string | FilePart> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1]
  if (!boundary) throw new Error(`no boundary in ${contentType}`)
  expect(raw.endsWith(`--${boundary}--\r\n`)).toBe(true)
  const fields: Record<string, string | FilePart> = {}
  for (const chunk of raw.split(`--${boundary}`).slice(1, -1)) {
    const part = chunk.replace(/^\r\n/, '').replace(/\r\n$/, '')
    const sep = part.indexOf('\r\n\r\n')
    const head = part.slice(0, sep)
    const content = part.slice(sep + 4)
    const name = /name="([^"]*)"/.exec(head)?.[1] ?? ''
    const filename = /filename="([^"]*)"/.exec(head)?.[1]
    const type = /Content-Type: (.*)/i.exec(head)?.[1]
    fields[name] = filename === undefined ? content : {filename, contentType: type, content}
  }
  return fields
}

export interface Seen {
  method: string
  path: string
  query: Record<string, string | string[]>
  headers: Record<string, string | string[] | undefined>
  contentType?: string
  /** JSON parsed, multipart parsed into fields, else the raw text. */
  body: unknown
}

type Reply = [number, nock.Body] | [number, nock.Body, Record<string, string>]

/** A nock reply function that records the request and answers `status`/`response` (or what `answer` returns). */
export function recorder(seen: Seen[], answer: Reply | ((req: Seen) => Reply)) {
  return function (this: nock.ReplyFnContext, uri: string, body: nock.Body): Reply {
    const url = new globalThis.URL(uri, URL)
    const query: Record<string, string | string[]> = {}
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key)
      query[key] = all.length === 1 ? all[0]! : all
    }
    const headers = this.req.headers as Record<string, string | string[] | undefined>
    const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined
    let parsed: unknown = body === '' ? undefined : body
    if (contentType?.startsWith('multipart/form-data') && typeof body === 'string') parsed = parseMultipart(contentType, body)
    else if (typeof body === 'string' && contentType?.includes('json') && body !== '') parsed = JSON.parse(body)
    const req: Seen = {method: this.req.method ?? '', path: url.pathname, query, headers, contentType, body: parsed}
    seen.push(req)
    return typeof answer === 'function' ? answer(req) : answer
  }
}

/** Checks a recorded request against the spec of its version (multipart files as {filename, size}). */
export function expectValidRequest(req: Seen): void {
  let requestBody = req.body
  if (req.contentType?.startsWith('multipart/form-data') && req.body && typeof req.body === 'object') {
    requestBody = Object.fromEntries(
      Object.entries(req.body as Record<string, string | FilePart>).map(([k, v]) => [k, typeof v === 'string' ? v : {filename: v.filename, size: Buffer.byteLength(v.content)}]),
    )
  }
  const problems = validateRequest({method: req.method, path: req.path, query: req.query, requestContentType: req.contentType, requestBody, status: 200})
  expect(problems).toEqual([])
}

export const caught = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e,
  )
