import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {InvalidCpiError, readCpiManifest, sha256File} from '../../../../src/api/corda/cpi-file.js'
import {makeZip} from '../../../helpers/cpi.js'
import {caught} from './support.js'

const dir = mkdtempSync(path.join(tmpdir(), 'workerctl-cpi-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const zip = (entries: Record<string, string>) => makeZip(entries, true)

function file(name: string, content: Buffer | string): string {
  const p = path.join(dir, name)
  writeFileSync(p, content)
  return p
}

describe('readCpiManifest', () => {
  it('reads name and version, joining continuation lines', async () => {
    const manifest =
      'Manifest-Version: 1.0\r\nCorda-CPI-Name: com.example.a-rather-long-cpi-na\r\n me-that-wraps\r\nCorda-CPI-Version: 1.0-SNAPSHOT\r\n\r\nName: x\r\nCorda-CPI-Name: not-this\r\n'
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
    expect(await caught(readCpiManifest(file('nomf.cpi', zip({'a.txt': 'x'}))))).toMatchObject({
      name: 'InvalidCpiError',
      message: expect.stringMatching(/no META-INF\/MANIFEST.MF/),
    })
  })

  it('rejects a manifest without the CPI attributes', async () => {
    const p = file('noattr.cpi', zip({'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\nCorda-CPI-Name: demo\n'}))
    expect(await caught(readCpiManifest(p))).toMatchObject({message: expect.stringMatching(/lacks Corda-CPI-Version/)})
  })

  it('passes a missing file through as the fs error', async () => {
    expect(await caught(readCpiManifest(path.join(dir, 'absent.cpi')))).toMatchObject({code: 'ENOENT'})
  })
})

describe('sha256File', () => {
  it('hashes the whole file in upper-case hex', async () => {
    const content = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
    const expected = createHash('sha256').update(content).digest('hex').toUpperCase()
    expect(await sha256File(file('big.bin', content))).toBe(expected)
  })
})
