// Small sandbox CPIs for tests: a zip with META-INF/MANIFEST.MF and a group policy (PRODUCT.md §7).
import {createHash} from 'node:crypto'
import {deflateRawSync} from 'node:zlib'
import type {SandboxContext} from '../../src/sandbox/context.js'
import {type SandboxServer, startSandbox} from '../../src/sandbox/server.js'

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(data: Buffer): number {
  let c = 0xffffffff
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** A zip of the given entries (deflated, or stored when `store`). */
export function makeZip(entries: Record<string, string | Buffer>, store = false): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')
    const packed = store ? data : deflateRawSync(data)
    const method = store ? 0 : 8
    const nameBytes = Buffer.from(name, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(0, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(0, 10) // time, date
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(nameBytes.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(0, 12)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(nameBytes.length, 28)
    central.writeUInt32LE(offset, 42)
    centrals.push(central, nameBytes)
    locals.push(local, nameBytes, packed)
    offset += local.length + nameBytes.length + packed.length
  }
  const centralDir = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  const count = Object.keys(entries).length
  end.writeUInt16LE(count, 8)
  end.writeUInt16LE(count, 10)
  end.writeUInt32LE(centralDir.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, centralDir, end])
}

export interface CpiSpec {
  name?: string
  version?: string
  groupId?: string
  /** Makes otherwise equal CPIs differ (a different checksum). */
  extraBytes?: string | Buffer
  /** Group policy at the root instead of META-INF/. */
  rootGroupPolicy?: boolean
}

export function makeCpi({name, version, groupId, extraBytes, rootGroupPolicy}: CpiSpec): Buffer {
  const manifest = ['Manifest-Version: 1.0']
  if (name !== undefined) manifest.push(`Corda-CPI-Name: ${name}`)
  if (version !== undefined) manifest.push(`Corda-CPI-Version: ${version}`)
  const entries: Record<string, string | Buffer> = {'META-INF/MANIFEST.MF': `${manifest.join('\r\n')}\r\n\r\n`}
  if (groupId !== undefined) entries[rootGroupPolicy ? 'GroupPolicy.json' : 'META-INF/GroupPolicy.json'] = JSON.stringify({fileFormatVersion: 1, groupId})
  if (extraBytes !== undefined) entries['extra.bin'] = extraBytes
  return makeZip(entries)
}

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
