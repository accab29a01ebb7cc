// One reading of a CPI's manifest for the client and the sandbox, as java.util.jar.Manifest reads it on the cluster.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {readCpiManifest} from '../../../src/api/corda/cpi-file.js'
import {readCpi} from '../../../src/sandbox/corda/cpi-file.js'
import {parseManifest} from '../../../src/shared/jar-manifest.js'
import {makeZip} from '../../helpers/cpi.js'

const dir = mkdtempSync(join(tmpdir(), 'workerctl-manifest-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('parseManifest', () => {
  it('joins continued lines and stops at the end of the main section, with CRLF or LF', () => {
    expect(parseManifest('Manifest-Version: 1.0\r\nCorda-CPI-Name: a-very-lo\r\n ng-name\r\nCorda-CPI-Version: 2\r\n\r\nName: x\r\nCorda-CPI-Name: no\r\n')).toEqual({
      'Manifest-Version': '1.0',
      'Corda-CPI-Name': 'a-very-long-name',
      'Corda-CPI-Version': '2',
    })
    expect(parseManifest('A: 1\nB: x\n  y\n\nC: 3')).toEqual({A: '1', B: 'x y'})
  })

  it('drops only the one space after the colon, as Java does: other spaces are part of the value', () => {
    expect(parseManifest('Corda-CPI-Name:  padded \nCorda-CPI-Version: 1.0 \n')).toEqual({'Corda-CPI-Name': ' padded ', 'Corda-CPI-Version': '1.0 '})
  })

  it('ends the main section at a first empty line, even before any attribute', () => {
    expect(parseManifest('\nCorda-CPI-Name: x\n')).toEqual({})
  })
})

describe('the client and the sandbox read the same name and version', () => {
  it('keeps a trailing space in the name on both sides, so the client finds the CPI the cluster lists', async () => {
    const path = join(dir, 'spaced.cpi')
    writeFileSync(
      path,
      makeZip({
        'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\r\nCorda-CPI-Name: spaced \r\nCorda-CPI-Version: 1.0\r\n\r\n',
        'META-INF/GroupPolicy.json': '{"groupId":"a1b2c3d4-0000-4000-8000-000000000001"}',
      }),
    )
    const client = await readCpiManifest(path)
    const sandbox = parseManifest((await readCpi(path))!.manifest!)
    expect({name: client.name, version: client.version}).toEqual({name: 'spaced ', version: '1.0'})
    expect(sandbox['Corda-CPI-Name']).toBe(client.name)
    expect(sandbox['Corda-CPI-Version']).toBe(client.version)
  })
})
