// Sandbox CPI upload/status/list and cluster certificates, driven over HTTP with a manual sandbox clock.
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {CPI_STAGES} from '../../../../src/sandbox/corda/cpi-lifecycle.js'
import {CORDA_DELAYS, SANDBOX_SIGNER} from '../../../../src/sandbox/corda/store.js'
import {selfSignedCertificate} from '../../../../src/sandbox/http/tls.js'
import {validateExchange} from '../../../helpers/contract.js'
import {ADMIN, checksumsOf, type CordaSandbox, makeCpi, makeZip, startCorda} from '../../../helpers/cpi.js'

let sbx: CordaSandbox
beforeEach(async () => {
  sbx = await startCorda()
})
afterEach(async () => {
  await sbx.close()
})

const CPI = {name: 'MyCorDapp', version: '1.0', groupId: 'f1a2b3c4-0000-4000-8000-000000000001'}

describe('CPI upload', () => {
  it('answers {id}, races with 400 No such requestId, walks the progress messages to OK with the checksum', async () => {
    const file = makeCpi(CPI)
    const {cpiFileChecksum, cpiFileFullChecksum} = checksumsOf(file)
    const res = await sbx.upload(file)
    expect(res.status).toBe(200)
    const id = res.body.id as string
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)

    const race = await sbx.call('GET', `/cpi/status/${id}`)
    expect(race.status).toBe(400)
    expect(race.body).toEqual({title: `No such requestId=${id}`, status: 400, details: {}})

    sbx.advance(CORDA_DELAYS.cpiStatusUnknown)
    const seen: string[] = []
    for (let i = 0; i < CPI_STAGES.length; i++) {
      const s = await sbx.call('GET', `/cpi/status/${id}`)
      expect(s.status).toBe(200)
      seen.push(s.body.status)
      expect(s.body.cpiFileChecksum).toBe(s.body.status === 'OK' ? cpiFileChecksum : '')
      sbx.advance(CORDA_DELAYS.cpiStage)
    }
    expect(seen[0]).toBe('Uploading')
    expect(seen).toContain(`Checking we can upsert a cpi with name=${CPI.name} and groupId=${CPI.groupId}`)
    expect(seen.at(-1)).toBe('OK')
    expect(seen.at(-2)).toBe('Notifying flow workers')

    const list = await sbx.call('GET', '/cpi')
    expect(list.status).toBe(200)
    expect(list.body.cpis).toHaveLength(1)
    expect(list.body.cpis[0]).toMatchObject({
      id: {cpiName: CPI.name, cpiVersion: CPI.version, signerSummaryHash: SANDBOX_SIGNER},
      cpiFileChecksum,
      cpiFileFullChecksum,
      cpks: [],
    })
    expect(JSON.parse(list.body.cpis[0].groupPolicy as string)).toMatchObject({groupId: CPI.groupId})
    expect(SANDBOX_SIGNER).toMatch(/^SHA-256:[0-9A-F]{64}$/)

    // Every exchange of this happy path is valid against the spec + overlay (the race 400 included).
    const entries = sbx.server.log.entries()
    expect(entries.length).toBeGreaterThan(3)
    for (const e of entries) expect(validateExchange(e)).toEqual([])
  })

  it('lists a CPI only once it is persisted', async () => {
    await sbx.upload(makeCpi(CPI))
    expect((await sbx.call('GET', '/cpi')).body).toEqual({cpis: []})
    sbx.advance(5000)
    expect((await sbx.call('GET', '/cpi')).body.cpis).toHaveLength(1)
  })

  it('reads a root GroupPolicy.json', async () => {
    const done = await sbx.uploadAndWait(makeCpi({...CPI, rootGroupPolicy: true}))
    expect(done.body.status).toBe('OK')
  })

  it('reports a duplicate (same name, version, signer) as 409 from the status GET', async () => {
    expect((await sbx.uploadAndWait(makeCpi(CPI))).body.status).toBe('OK')
    const again = await sbx.uploadAndWait(makeCpi({...CPI, extraBytes: 'changed'}))
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({status: 409, title: `CPI ${CPI.name}, ${CPI.version}, ${SANDBOX_SIGNER} already exists.`})
    expect(typeof again.body.details.errorMessage).toBe('string')
    expect((await sbx.call('GET', '/cpi')).body.cpis).toHaveLength(1)
  })

  it('force-uploads only over an existing CPI with the same name and version, replacing it', async () => {
    const missing = await sbx.uploadAndWait(makeCpi(CPI), {force: true})
    expect(missing.status).toBe(400)
    expect(missing.body.title).toBe('No instance of same CPI with previous version found')
    expect(missing.body.details.errorType).toBeTypeOf('string')

    await sbx.uploadAndWait(makeCpi(CPI))
    const changed = makeCpi({...CPI, extraBytes: 'v2'})
    const forced = await sbx.uploadAndWait(changed, {force: true})
    expect(forced.status).toBe(200)
    expect(forced.body).toEqual({status: 'OK', cpiFileChecksum: checksumsOf(changed).cpiFileChecksum})
    const cpis = (await sbx.call('GET', '/cpi')).body.cpis
    expect(cpis).toHaveLength(1)
    expect(cpis[0].cpiFileFullChecksum).toBe(checksumsOf(changed).cpiFileFullChecksum)

    const otherGroup = await sbx.uploadAndWait(makeCpi({...CPI, groupId: 'another', extraBytes: 'v3'}), {force: true})
    expect(otherGroup.status).toBe(400)
  })

  it('rejects a non-zip and a manifest without name/version with 400 and errorType/errorMessage', async () => {
    const notZip = await sbx.uploadAndWait(Buffer.from('this is not a zip'))
    expect(notZip.status).toBe(400)
    expect(Object.keys(notZip.body.details).sort()).toEqual(['errorMessage', 'errorType'])
    const noName = await sbx.uploadAndWait(makeZip({'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n\n'}))
    expect(noName.status).toBe(400)
    expect(noName.body.details.errorMessage).toMatch(/Corda-CPI-Name/)
    const noPolicy = await sbx.uploadAndWait(makeCpi({name: 'x', version: '1'}))
    expect(noPolicy.status).toBe(400)
  })

  it('refuses an upload over the size limit, declared or streamed chunked, and keeps the limit configurable', async () => {
    sbx.ctx.corda.settings.maxUploadBytes = 2000
    const big = makeZip({'META-INF/MANIFEST.MF': 'x', 'r.bin': Buffer.from(Array.from({length: 5000}, (_, i) => (i * 7919) % 251))}, true)
    const declared = await sbx.upload(big)
    expect(declared.status).toBe(400)
    expect(declared.body.title).toMatch(/^Content length is \d+ which exceeds the maximum limit of 2000\.$/)

    const boundary = 'XyZboundary'
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="a.cpi"\r\nContent-Type: application/octet-stream\r\n\r\n`)
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    const chunks = [head, big.subarray(0, 2500), big.subarray(2500), tail]
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift()
        if (next) controller.enqueue(next)
        else controller.close()
      },
    })
    const chunked = await fetch(`${sbx.server.url}/api/v5_2/cpi`, {
      method: 'POST',
      headers: {authorization: ADMIN, 'content-type': `multipart/form-data; boundary=${boundary}`},
      body: stream,
      duplex: 'half',
    })
    expect(chunked.status).toBe(400)
    expect(((await chunked.json()) as {title: string}).title).toMatch(/^Content length is \d+ which exceeds the maximum limit of 2000\.$/)

    sbx.ctx.corda.settings.maxUploadBytes = 200_000_000
    expect((await sbx.upload(big)).status).toBe(200)
  })

  it('answers 500 "Illegal argument occurred." to JSON on a multipart endpoint, and is served under v5_1 and v1', async () => {
    const res = await sbx.call('POST', '/cpi', {upload: 'x'})
    expect(res.status).toBe(500)
    expect(res.body.title).toBe('Illegal argument occurred.')
    for (const version of ['v5_1', 'v1']) expect((await sbx.upload(makeCpi({...CPI, extraBytes: version}), {version})).status).toBe(200)
  })
})

describe('cluster certificates', () => {
  async function putCert(usage: string, alias: string | undefined, pems: string[], base = '/api/v5_2/certificate'): Promise<Response> {
    const form = new FormData()
    if (alias !== undefined) form.append('alias', alias)
    pems.forEach((pem, i) => form.append('certificate', new Blob([pem]), `cert${i}.pem`))
    return fetch(`${sbx.server.url}${base}/cluster/${usage}`, {method: 'PUT', headers: {authorization: ADMIN}, body: form})
  }

  it('imports, lists and reads back PEM chains; refuses bad usages and non-PEM', async () => {
    const {cert} = await selfSignedCertificate()
    const put = await putCert('code-signer', 'signer', [cert])
    expect(put.status).toBe(204)
    expect(await put.text()).toBe('')
    const list = await sbx.call('GET', '/certificate/cluster/code-signer')
    expect(list).toMatchObject({status: 200, body: ['signer']})
    const one = await sbx.call('GET', '/certificate/cluster/code-signer/signer')
    expect(one.status).toBe(200)
    expect(one.text).toContain('-----BEGIN CERTIFICATE-----')
    expect(one.headers.get('content-type')).toBe('application/json')
    expect((await sbx.call('GET', '/certificate/cluster/code-signer/nope')).status).toBe(404)
    expect((await putCert('banana', 'x', [cert])).status).toBe(400)
    expect((await putCert('p2p-tls', 'x', ['not a certificate'])).status).toBe(400)
    expect((await putCert('p2p-tls', undefined, [cert])).status).toBe(400)
    // v1 has the plural path only
    expect((await putCert('p2p-tls', 'tls', [cert], '/api/v1/certificates')).status).toBe(204)
    expect((await sbx.call('GET', '/certificates/cluster/p2p-tls', undefined, 'v1')).body).toEqual(['tls'])
    expect((await sbx.call('GET', '/certificates/cluster/p2p-tls')).status).toBe(404)

    // v5_2 only: the overlay is keyed by v5_2 paths, so the helper cannot know v1's plural
    // `/certificates` PUT answers 204 like its v5_2 twin (it expects the spec's 200).
    for (const e of sbx.server.log.entries()) {
      if (e.path.startsWith('/api/v5_2/certificate/') && (e.status < 300 || e.status === 404)) expect(validateExchange(e)).toEqual([])
    }
  })

  it('with requireSigner, fails CPIs at "Validating CPI" until a code-signer certificate is imported', async () => {
    sbx.ctx.corda.settings.requireSigner = true
    const res = await sbx.upload(makeCpi(CPI))
    const id = res.body.id as string
    sbx.advance(CORDA_DELAYS.cpiStatusUnknown + 2 * CORDA_DELAYS.cpiStage)
    expect((await sbx.call('GET', `/cpi/status/${id}`)).body.status).toBe('Verifying CPI')
    sbx.advance(CORDA_DELAYS.cpiStage)
    const failed = await sbx.call('GET', `/cpi/status/${id}`)
    expect(failed.status).toBe(400)
    expect(failed.body.details.errorMessage).toMatch(/not signed by a trusted code-signer/)

    const {cert} = await selfSignedCertificate()
    expect((await putCert('code-signer', 'signer', [cert])).status).toBe(204)
    expect((await sbx.uploadAndWait(makeCpi(CPI))).body.status).toBe('OK')
  })
})
