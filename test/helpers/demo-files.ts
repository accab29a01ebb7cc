// Files to try the sandbox with: a CPI is a zip with META-INF/MANIFEST.MF (name, version) and a group policy
// (PRODUCT.md §7), and a code-signer certificate to import. A test fixture, not part of the package: the tests
// import it, and the bench loads it through tsx (bench/lib.mjs `testHelper`).
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {deflateRawSync} from 'node:zlib'

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

export const DEMO_CPI = {name: 'workerctl-demo', groupId: '7c5d6948-e17b-44e7-9d1c-fa4a3f667cad'} as const

export interface DemoFiles {
  /** workerctl-demo 1.0 */
  cpi: string
  /** workerctl-demo 2.0: an upgrade of the first */
  cpiV2: string
  /** A self-signed code-signer certificate (PEM) */
  signer: string
}

/** Writes demo.cpi, demo-2.0.cpi and signer.pem into `dir`. */
export async function writeDemoFiles(dir: string): Promise<DemoFiles> {
  await mkdir(dir, {recursive: true})
  const files: DemoFiles = {cpi: join(dir, 'demo.cpi'), cpiV2: join(dir, 'demo-2.0.cpi'), signer: join(dir, 'signer.pem')}
  await writeFile(files.cpi, makeCpi({name: DEMO_CPI.name, version: '1.0', groupId: DEMO_CPI.groupId}))
  await writeFile(files.cpiV2, makeCpi({name: DEMO_CPI.name, version: '2.0', groupId: DEMO_CPI.groupId}))
  const {generate} = await import('selfsigned')
  const pems = await generate([{name: 'commonName', value: 'workerctl demo code signer'}], {keySize: 2048, algorithm: 'sha256'})
  await writeFile(files.signer, pems.cert)
  return files
}
