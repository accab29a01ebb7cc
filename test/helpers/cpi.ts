// Small sandbox CPIs for tests: a zip with META-INF/MANIFEST.MF and a group policy (PRODUCT.md §7).
export {type CpiSpec, makeCpi, makeZip} from './demo-files.js'
import {createHash} from 'node:crypto'
import type {SandboxContext} from '../../src/sandbox/context.js'
import {type SandboxServer, startSandbox} from '../../src/sandbox/server.js'

/** The checksums the cluster reports for a CPI file. */
export function checksumsOf(file: Buffer): {cpiFileChecksum: string; cpiFileFullChecksum: string} {
  const full = createHash('sha256').update(file).digest('hex').toUpperCase()
  return {cpiFileChecksum: full.slice(0, 12), cpiFileFullChecksum: full}
}

// ---------------------------------------------------------------------------------------------------------------
// An in-process sandbox whose Corda clock the test drives.

export const ADMIN = `Basic ${Buffer.from('admin:admin').toString('base64')}`

export interface CordaSandbox {
  server: SandboxServer
  ctx: SandboxContext
  /** Moves the sandbox clock forward. */
  advance(ms: number): void
  /** fetch on `/api/<version><path>` with admin credentials; JSON bodies are serialised. */
  call(method: string, path: string, body?: unknown, version?: string): Promise<{status: number; body: any; text: string; headers: Headers}>
  /** Multipart upload of a CPI (field `upload`); returns the request id. */
  upload(file: Buffer, options?: {force?: boolean; version?: string}): Promise<{status: number; body: any}>
  /** Uploads and advances the clock until the status is terminal; the last status answer. */
  uploadAndWait(file: Buffer, options?: {force?: boolean}): Promise<{status: number; body: any; id: string}>
  /** Creates a vnode and advances until it is readable; returns its short hash. */
  createVNode(x500Name: string, cpiFileChecksum: string): Promise<string>
  close(): Promise<void>
}

/** `realClock`: keep the sandbox's own clock (Date.now); `advance` then does nothing. */
export async function startCorda(options: {realClock?: boolean} = {}): Promise<CordaSandbox> {
  let now = Date.UTC(2026, 0, 1)
  const server: SandboxServer = await startSandbox({port: 0, clock: options.realClock ? undefined : () => now})
  const context = server.context
  const call: CordaSandbox['call'] = async (method, path, body, version = 'v5_2') => {
    const init: RequestInit = {method, headers: {authorization: ADMIN, accept: 'application/json'}}
    if (body !== undefined) {
      init.body = JSON.stringify(body)
      init.headers = {...init.headers, 'content-type': 'application/json'}
    }
    const res = await fetch(`${server.url}/api/${version}${path}`, init)
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      // raw text
    }
    return {status: res.status, body: parsed, text, headers: res.headers}
  }
  const upload: CordaSandbox['upload'] = async (file, options = {}) => {
    const form = new FormData()
    form.append('upload', new Blob([file]), 'test.cpi')
    const path = options.force ? '/maintenance/virtualnode/forcecpiupload' : '/cpi'
    const res = await fetch(`${server.url}/api/${options.version ?? 'v5_2'}${path}`, {method: 'POST', headers: {authorization: ADMIN}, body: form})
    return {status: res.status, body: await res.json()}
  }
  const sandbox: CordaSandbox = {
    server,
    ctx: context,
    advance: ms => {
      now += ms
    },
    call,
    upload,
    uploadAndWait: async (file, options) => {
      const res = await upload(file, options)
      const id = (res.body as {id: string}).id
      for (let i = 0; i < 100; i++) {
        sandbox.advance(50)
        const s = await call('GET', `/cpi/status/${id}`)
        if (s.status === 400 && String(s.body?.title).startsWith('No such requestId')) continue
        if (s.status !== 200 || s.body.status === 'OK') return {...s, id}
      }
      throw new Error('CPI status never became terminal')
    },
    createVNode: async (x500Name, cpiFileChecksum) => {
      const res = await call('POST', '/virtualnode', {x500Name, cpiFileChecksum})
      if (res.status !== 202) throw new Error(`vnode create: ${res.status} ${res.text}`)
      sandbox.advance(1000)
      return (res.body as {requestId: string}).requestId
    },
    close: () => server.close(),
  }
  return sandbox
}
