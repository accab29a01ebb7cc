import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'
import {InvalidCpiError, parseManifest, readCpiManifest, sha256File} from '../../../../src/api/corda/cpi-file.js'
import {caught} from './support.js'

const dir = mkdtempSync(path.join(tmpdir(), 'workerctl-cpi-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

// zlib.crc32 arrived in Node 20.15; a table-driven fallback keeps the test on older 20.x.
const crc32: (data: Buffer) => number = typeof zlib.crc32 === 'function'
  ? data => zlib.crc32(data)
  : (() => {
      const table = Array.from({length: 256}, (_, n) => {
        let c = n
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
        return c >>> 0
      })
      return (data: Buffer) => {
        let c = 0xffffffff
        for (const byte of data) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8)
        return (c ^ 0xffffffff) >>> 0
      }
    })()

/** A zip of stored (uncompressed) entries. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text)
    const fileName = Buffer.from(name)
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(fileName.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(fileName.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, fileName, data)
    centrals.push(central, fileName)
    offset += local.length + fileName.length + data.length
  }
  const cd = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(Object.keys(entries).length, 8)
  end.writeUInt16LE(Object.keys(entries).length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, cd, end])
}

function file(name: string, content: Buffer | string): string {
  const p = path.join(dir, name)
  writeFileSync(p, content)
  return p
}

describe('readCpiManifest', () => {
  it('reads name and version, joining continuation lines', async () => {
    const manifest = 'Manifest-Version: 1.0\r\nCorda-CPI-Name: com.example.a-rather-long-cpi-na\r\n me-that-wraps\r\nCorda-CPI-Version: 1.0-SNAPSHOT\r\n\r\nName: x\r\nCorda-CPI-Name: not-this\r\n'
    const p = file('ok.cpi', zip({'META-INF/GroupPolicy.json': '{}', 'META-INF/MANIFEST.MF': manifest, 'a.cpb': 'x'}))
    const res = await readCpiManifest(p)
    expect(res).toMatchObject({name: 'com.example.a-rather-long-cpi-name-that-wraps', version: '1.0-SNAPSHOT'})
    expect(res.attributes['Manifest-Version']).toBe('1.0')
  })

  it('rejects a file that is not a zip', async () => {
    const error = await caught(readCpiManifest(file('text.cpi', 'hello, not a zip')))
    expect(error).toBeInstanceOf(InvalidCpiError)
    expect((error as Error).message).toMatch(/not a zip/)
  })

  it('rejects a zip without a manifest', async () => {
    expect(await caught(readCpiManifest(file('nomf.cpi', zip({'a.txt': 'x'}))))).toMatchObject({name: 'InvalidCpiError', message: expect.stringMatching(/no META-INF\/MANIFEST.MF/)})
  })

  it('rejects a manifest without the CPI attributes', async () => {
    const p = file('noattr.cpi', zip({'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\nCorda-CPI-Name: demo\n'}))
    expect(await caught(readCpiManifest(p))).toMatchObject({message: expect.stringMatching(/lacks Corda-CPI-Version/)})
  })

  it('passes a missing file through as the fs error', async () => {
    expect(await caught(readCpiManifest(path.join(dir, 'absent.cpi')))).toMatchObject({code: 'ENOENT'})
  })

  it('parses manifests with LF line ends too', () => {
    expect(parseManifest('A: 1\nB: x\n  y\n\nC: 3')).toEqual({A: '1', B: 'x y'})
  })
})

describe('sha256File', () => {
  it('hashes the whole file in upper-case hex', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
    const expected = createHash('sha256').update(content).digest('hex').toUpperCase()
    expect(await sha256File(file('big.bin', content))).toBe(expected)
  })
})
