// End to end: `cpi upload|list|status` and `cert import|list`, the real binary against the sandbox (PRODUCT.md §2, §4).
import {mkdirSync, truncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse as parseYaml} from 'yaml'
import type {CpiUploadResult} from '../../src/api/corda/ops/cpi-deploy.js'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import {expectOneError} from '../helpers/cli.js'
import {expectContract} from '../helpers/contract.js'
import {checksumsOf, makeCpi} from '../helpers/cpi.js'
import {writeDemoFiles, type DemoFiles} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

const CPI_POST = '/api/v5_2/cpi'
const FORCE_POST = '/api/v5_2/maintenance/virtualnode/forcecpiupload'

/** The sandbox's request-log position now, to look at what one command sent. */
const mark = (sbx: Sbx): number => sbx.mark()
const since = (sbx: Sbx, seq: number): LoggedRequest[] => sbx.since(seq)
const notGets = (sbx: Sbx, seq: number): LoggedRequest[] => since(sbx, seq).filter(r => r.method !== 'GET')

type UploadResult = CpiUploadResult

describe('cpi upload, list and status', () => {
  let sbx: Sbx
  let demo: DemoFiles

  beforeAll(async () => {
    sbx = await startSandbox()
    demo = await writeDemoFiles(join(sbx.dir, 'demo'))
  })
  afterAll(async () => {
    await sbx?.close()
  })

  it('rejects a missing file, a directory, a non-zip file and an oversize file with exit 2 and sends nothing', async () => {
    const notZip = join(sbx.dir, 'not-a-zip.cpi')
    writeFileSync(notZip, 'this is not a zip file\n')
    const big = join(sbx.dir, 'big.cpi')
    writeFileSync(big, '')
    truncateSync(big, 200_000_001) // sparse: no disk is used
    const dir = join(sbx.dir, 'a-directory')
    mkdirSync(dir)

    const cases: Array<[string, RegExp]> = [
      [join(sbx.dir, 'missing.cpi'), /missing\.cpi/],
      [dir, /a-directory/],
      [notZip, /not-a-zip\.cpi/],
      [big, /200,?000,?000/],
    ]
    for (const [file, message] of cases) {
      const before = mark(sbx)
      const {stdout, stderr, exitCode} = await sbx.cli(['cpi', 'upload', file, '-o', 'json'])
      expect(exitCode, `${file}: ${stderr}`).toBe(2)
      expect(stdout).toBe('')
      expectOneError(stderr, message)
      expect(notGets(sbx, before), file).toEqual([])
      expect(since(sbx, before).filter(r => r.method === 'POST' && r.path === CPI_POST)).toEqual([])
    }
  })

  it('uploads a new CPI (created), then the same file again is unchanged without any POST', async () => {
    const file = join(sbx.dir, 'first.cpi')
    const bytes = makeCpi({name: 'cpi-e2e-first', version: '1.0', groupId: 'a1b2c3d4-0000-4000-8000-000000000001'})
    writeFileSync(file, bytes)
    const sums = checksumsOf(bytes)

    const created = await sbx.cli(['cpi', 'upload', file, '-o', 'json'])
    expect(created.exitCode, created.stderr).toBe(0)
    const first = JSON.parse(created.stdout) as UploadResult
    expect(first).toEqual({
      cpiName: 'cpi-e2e-first',
      cpiVersion: '1.0',
      ...sums,
      requestId: expect.any(String),
      status: 'OK',
      result: 'created',
    })
    expect(first.cpiFileChecksum).toMatch(/^[0-9A-F]{12}$/)

    const before = mark(sbx)
    const again = await sbx.cli(['cpi', 'upload', file, '-o', 'json'])
    expect(again.exitCode, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({cpiName: 'cpi-e2e-first', cpiVersion: '1.0', ...sums, result: 'unchanged'})
    expect(since(sbx, before).filter(r => r.method === 'POST' && r.path === CPI_POST)).toEqual([])
    expect(notGets(sbx, before)).toEqual([])

    const list = await sbx.cli('cpi list -o json')
    expect(list.exitCode).toBe(0)
    const cpis = JSON.parse(list.stdout) as Array<{id: {cpiName: string; cpiVersion: string}; cpiFileChecksum: string}>
    expect(Array.isArray(cpis)).toBe(true)
    expect(cpis.filter(c => c.id.cpiName === 'cpi-e2e-first')).toEqual([
      expect.objectContaining({id: expect.objectContaining({cpiName: 'cpi-e2e-first', cpiVersion: '1.0'}), cpiFileChecksum: sums.cpiFileChecksum}),
    ])
  })

  it('refuses other bytes under the same name and version (exit 5, Hint --force), and --force replaces them (updated)', async () => {
    const spec = {name: 'cpi-e2e-force', version: '3.1', groupId: 'a1b2c3d4-0000-4000-8000-000000000002'}
    const original = join(sbx.dir, 'force-a.cpi')
    const changed = join(sbx.dir, 'force-b.cpi')
    writeFileSync(original, makeCpi(spec))
    const changedBytes = makeCpi({...spec, extraBytes: 'a rebuilt jar'})
    writeFileSync(changed, changedBytes)
    expect((await sbx.cli(['cpi', 'upload', original, '-o', 'json'])).exitCode).toBe(0)

    const conflict = await sbx.cli(['cpi', 'upload', changed, '-o', 'json'])
    expect(conflict.exitCode, conflict.stderr).toBe(5)
    expectOneError(conflict.stderr)
    expect(conflict.stderr).toMatch(/^Hint: .*--force/m)

    const before = mark(sbx)
    const forced = await sbx.cli(['cpi', 'upload', changed, '--force', '-o', 'json'])
    expect(forced.exitCode, forced.stderr).toBe(0)
    expect(JSON.parse(forced.stdout)).toEqual({
      cpiName: spec.name,
      cpiVersion: spec.version,
      ...checksumsOf(changedBytes),
      requestId: expect.any(String),
      status: 'OK',
      result: 'updated',
    })
    const posts = since(sbx, before).filter(r => r.method === 'POST')
    expect(posts.map(r => r.path)).toEqual([FORCE_POST])

    const cpis = JSON.parse((await sbx.cli('cpi list -o json')).stdout) as Array<{id: {cpiName: string}; cpiFileChecksum: string}>
    expect(cpis.filter(c => c.id.cpiName === spec.name).map(c => c.cpiFileChecksum)).toEqual([checksumsOf(changedBytes).cpiFileChecksum])
  })

  it('--no-wait returns the request id at once (submitted); cpi status --wait follows it to OK (YAML)', async () => {
    const file = join(sbx.dir, 'nowait.cpi')
    const bytes = makeCpi({name: 'cpi-e2e-nowait', version: '1.0', groupId: 'a1b2c3d4-0000-4000-8000-000000000003'})
    writeFileSync(file, bytes)
    const sums = checksumsOf(bytes)

    const submitted = await sbx.cli(['cpi', 'upload', file, '--no-wait', '-o', 'json'])
    expect(submitted.exitCode, submitted.stderr).toBe(0)
    const out = JSON.parse(submitted.stdout) as UploadResult
    expect(out).toMatchObject({cpiName: 'cpi-e2e-nowait', cpiVersion: '1.0', ...sums, requestId: expect.any(String), result: 'submitted'})
    expect(out.requestId).not.toBe('')

    const status = await sbx.cli(['cpi', 'status', out.requestId!, '--wait', '-o', 'yaml'])
    expect(status.exitCode, status.stderr).toBe(0)
    expect(parseYaml(status.stdout)).toMatchObject({status: 'OK', cpiFileChecksum: sums.cpiFileChecksum})

    const again = await sbx.cli(['cpi', 'status', out.requestId!, '-o', 'json'])
    expect(again.exitCode).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({status: 'OK', cpiFileChecksum: sums.cpiFileChecksum})
  })

  it('cpi list prints a table with name, version and checksum', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['cpi', 'upload', demo.cpi, '-o', 'json'])
    expect(exitCode, stderr).toBe(0)
    const {cpiFileChecksum} = JSON.parse(stdout) as UploadResult
    const table = await sbx.cli('cpi list')
    expect(table.exitCode).toBe(0)
    expect(table.stdout).toMatch(/NAME\s+VERSION\s+CHECKSUM/)
    expect(table.stdout).toMatch(new RegExp(`workerctl-demo\\s+1\\.0\\s+${cpiFileChecksum}`))
    expect(table.stdout).not.toContain('\u001b[')
  })

  it('every exchange the commands made matches the API contract', () => {
    expectContract(sbx.requests())
  })
})

describe('code-signer certificates and a cluster that requires them', () => {
  let sbx: Sbx
  let demo: DemoFiles

  beforeAll(async () => {
    sbx = await startSandbox({requireSigner: true})
    demo = await writeDemoFiles(join(sbx.dir, 'demo'))
  })
  afterAll(async () => {
    await sbx?.close()
  })

  it('without a trusted code-signer the upload fails validation: exit 8, the final state still printed', async () => {
    const {stdout, stderr, exitCode} = await sbx.cli(['cpi', 'upload', demo.cpi, '-o', 'json'])
    expect(exitCode, stderr).toBe(8)
    expectOneError(stderr)
    const out = JSON.parse(stdout) as UploadResult
    expect(out).toMatchObject({cpiName: 'workerctl-demo', cpiVersion: '1.0', requestId: expect.any(String), result: 'failed'})
    expect(out.status).not.toBe('OK')
    expect(out.status).toMatch(/sign/i)
    expect(stderr).toContain(out.status)
  })

  it('a file that is not PEM is rejected with exit 2 and nothing is sent', async () => {
    const file = join(sbx.dir, 'not.pem')
    writeFileSync(file, 'hello, I am not a certificate\n')
    const before = mark(sbx)
    const {stdout, stderr, exitCode} = await sbx.cli(['cert', 'import', file, '--usage', 'code-signer', '--alias', 'bogus'])
    expect(exitCode, stderr).toBe(2)
    expect(stdout).toBe('')
    expectOneError(stderr)
    expect(notGets(sbx, before)).toEqual([])
  })

  it('imports a code-signer (created), a second identical import is unchanged without a PUT, and cert list shows it', async () => {
    const first = await sbx.cli(['cert', 'import', demo.signer, '--usage', 'code-signer', '--alias', 'e2e-signer', '-o', 'json'])
    expect(first.exitCode, first.stderr).toBe(0)
    expect(JSON.parse(first.stdout)).toEqual({usage: 'code-signer', alias: 'e2e-signer', result: 'created'})

    const before = mark(sbx)
    const second = await sbx.cli(['cert', 'import', demo.signer, '--usage', 'code-signer', '--alias', 'e2e-signer', '-o', 'json'])
    expect(second.exitCode, second.stderr).toBe(0)
    expect(JSON.parse(second.stdout)).toEqual({usage: 'code-signer', alias: 'e2e-signer', result: 'unchanged'})
    expect(since(sbx, before).filter(r => r.method === 'PUT')).toEqual([])
    expect(notGets(sbx, before)).toEqual([])

    const list = await sbx.cli('cert list --usage code-signer -o json')
    expect(list.exitCode, list.stderr).toBe(0)
    const aliases = JSON.parse(list.stdout) as unknown[]
    expect(aliases).toContain('e2e-signer')
    expect(aliases.every(a => typeof a === 'string')).toBe(true)
  })

  it('an alias another usage holds is a conflict (exit 5) with nothing sent: aliases are unique across usages', async () => {
    const first = await sbx.cli(['cert', 'import', demo.signer, '--usage', 'code-signer', '--alias', 'shared-alias', '-o', 'json'])
    expect(first.exitCode, first.stderr).toBe(0)
    const before = mark(sbx)
    const taken = await sbx.cli(['cert', 'import', demo.signer, '--usage', 'p2p-tls', '--alias', 'shared-alias', '-o', 'json'])
    expect(taken.exitCode).toBe(5)
    expectOneError(taken.stderr, /alias shared-alias already holds a code-signer certificate/)
    expect(notGets(sbx, before)).toEqual([])
    // A p2p-session certificate belongs to a virtual node: the cluster refuses it, so the CLI does not offer it.
    const session = await sbx.cli(['cert', 'import', demo.signer, '--usage', 'p2p-session', '--alias', 'x'])
    expect(session.exitCode).toBe(2)
  })

  it('once the signer is trusted the same CPI uploads (created)', async () => {
    const trust = await sbx.cli(['cert', 'import', demo.signer, '--usage', 'code-signer', '--alias', 'e2e-signer', '-o', 'json'])
    expect(trust.exitCode, trust.stderr).toBe(0)
    const {stdout, stderr, exitCode} = await sbx.cli(['cpi', 'upload', demo.cpi, '-o', 'json'])
    expect(exitCode, stderr).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({cpiName: 'workerctl-demo', cpiVersion: '1.0', status: 'OK', result: 'created'})
  })

  it('every exchange the commands made matches the API contract', () => {
    expectContract(sbx.requests())
  })
})
