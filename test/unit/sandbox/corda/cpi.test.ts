// Sandbox CPI upload/status/list and cluster certificates as CpiUploadRestResourceImpl, CpiValidatorImpl and
// CertificateRestResourceImpl (corda-runtime-os 5.2.1) answer, driven over HTTP with a manual sandbox clock.
import {generate} from 'selfsigned'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {CPI_STAGES, STAGE, stageAt} from '../../../../src/sandbox/corda/cpi-lifecycle.js'
import {CORDA_DELAYS, SANDBOX_SIGNER} from '../../../../src/sandbox/corda/store.js'
import {selfSignedCertificate} from '../../../../src/sandbox/http/tls.js'
import {expectValidAnswers, validateExchange} from '../../../helpers/contract.js'
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

  it('reports a duplicate (same name, version, signer) already persisted as 409 at the upsert stage, with no details', async () => {
    expect((await sbx.uploadAndWait(makeCpi(CPI))).body.status).toBe('OK')
    const again = await sbx.uploadAndWait(makeCpi({...CPI, extraBytes: 'changed'}))
    expect(again.body).toEqual({title: `CPI ${CPI.name}, ${CPI.version}, ${SANDBOX_SIGNER} already exists.`, status: 409, details: {}})
    expect((await sbx.call('GET', '/cpi')).body.cpis).toHaveLength(1)
  })

  it('two identical uploads in flight: both pass the upsert check, the one persisting second fails with 400 (not 409)', async () => {
    const first = (await sbx.upload(makeCpi(CPI))).body.id as string
    sbx.advance(CORDA_DELAYS.cpiStage)
    const second = (await sbx.upload(makeCpi({...CPI, extraBytes: 'same name and version'}))).body.id as string
    // the second reaches "Checking we can upsert…" before the first is persisted
    sbx.advance(stageAt(0, STAGE.upsert + 1) - CORDA_DELAYS.cpiStage)
    expect((await sbx.call('GET', `/cpi/status/${second}`)).body.status).toMatch(/^Checking we can upsert|^Extracting/)
    sbx.advance(stageAt(0, STAGE.ok))
    expect((await sbx.call('GET', `/cpi/status/${first}`)).body.status).toBe('OK')
    const failed = await sbx.call('GET', `/cpi/status/${second}`)
    const message = 'Unexpected error when trying to persist CPI and CPK to database'
    expect(failed.body).toEqual({title: message, status: 400, details: {errorType: 'net.corda.libs.cpiupload.ValidationException', errorMessage: message, message}})
    expect((await sbx.call('GET', '/cpi')).body.cpis).toHaveLength(1)
    // one that reaches the upsert stage after the first is persisted gets the 409
    const third = (await sbx.upload(makeCpi({...CPI, extraBytes: 'later'}))).body.id as string
    sbx.advance(stageAt(0, STAGE.ok))
    expect((await sbx.call('GET', `/cpi/status/${third}`)).status).toBe(409)
  })

  it('force-uploads only over a persisted CPI with the same name, signer and version; keeps its group policy', async () => {
    const missing = await sbx.uploadAndWait(makeCpi(CPI), {force: true})
    expect(missing.body).toEqual({
      title: 'No instance of same CPI with previous version found',
      status: 400,
      details: {
        errorType: 'net.corda.libs.cpiupload.ValidationException',
        errorMessage: 'No instance of same CPI with previous version found',
        message: 'No instance of same CPI with previous version found',
      },
    })

    await sbx.uploadAndWait(makeCpi(CPI))
    const original = (await sbx.call('GET', '/cpi')).body.cpis[0].groupPolicy as string
    // same group id, another group policy file
    const changed = makeZip({
      'META-INF/MANIFEST.MF': `Manifest-Version: 1.0\nCorda-CPI-Name: ${CPI.name}\nCorda-CPI-Version: ${CPI.version}\n\n`,
      'META-INF/GroupPolicy.json': JSON.stringify({fileFormatVersion: 1, groupId: CPI.groupId, protocolParameters: {sessionKeyPolicy: 'Combined'}}),
    })
    const forced = await sbx.uploadAndWait(changed, {force: true})
    expect(forced.status).toBe(200)
    expect(forced.body).toEqual({status: 'OK', cpiFileChecksum: checksumsOf(changed).cpiFileChecksum})
    const cpis = (await sbx.call('GET', '/cpi')).body.cpis
    expect(cpis).toHaveLength(1)
    expect(cpis[0].cpiFileFullChecksum).toBe(checksumsOf(changed).cpiFileFullChecksum)
    expect(cpis[0].groupPolicy).toBe(original) // DatabaseCpiPersistence.updateMetadataAndCpks keeps it

    const otherGroup = await sbx.uploadAndWait(makeCpi({...CPI, groupId: 'another', extraBytes: 'v3'}), {force: true})
    expect(otherGroup.body).toMatchObject({status: 400, title: 'Cannot force update a CPI with a different group ID'})
  })

  it('fails a bad file at the stage that finds it, after showing that stage, with ValidationException details', async () => {
    const notZip = await sbx.upload(Buffer.from('this is not a zip'))
    const id = notZip.body.id as string
    sbx.advance(stageAt(0, STAGE.verifying))
    expect((await sbx.call('GET', `/cpi/status/${id}`)).body.status).toBe('Verifying CPI')
    sbx.advance(CORDA_DELAYS.cpiStage)
    const message = 'Error validating CPI.  Manifest file is missing or is not the first entry in package "test.cpi"'
    expect((await sbx.call('GET', `/cpi/status/${id}`)).body).toEqual({
      title: message,
      status: 400,
      details: {errorType: 'net.corda.libs.cpiupload.ValidationException', errorMessage: message, message},
    })
    const noName = await sbx.uploadAndWait(makeZip({'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n\n'}))
    expect(noName.body.title).toMatch(/^Invalid CPI: .*Corda-CPI-Name/)
    expect((await sbx.uploadAndWait(makeCpi({name: 'x', version: '1'}))).body.title).toBe('CPI is missing a group policy file')
    const policy = (text: string) => makeZip({'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\nCorda-CPI-Name: p\nCorda-CPI-Version: 1\n\n', 'META-INF/GroupPolicy.json': text})
    expect((await sbx.uploadAndWait(policy('{not json'))).body.title).toBe(
      'Group policy file in the CPI is invalid. Could not get file format version. Failed to parse group policy file',
    )
    expect((await sbx.uploadAndWait(policy('{"groupId":"g"}'))).body.title).toBe(
      'Group policy file in the CPI is invalid. Could not get file format version. Failed to parse group policy file. Could not find `fileFormatVersion` in the JSON',
    )
    expect((await sbx.uploadAndWait(policy('{"fileFormatVersion":1}'))).body.title).toBe('Unable to upload CPI due to group ID not found')
    expect((await sbx.uploadAndWait(policy('{"fileFormatVersion":1,"groupId":" "}'))).body.title).toBe('Unable to upload CPI due to group ID being blank')
    expectValidAnswers(sbx.server.log.entries())
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

  it('answers 500 "Illegal argument occurred." to JSON on a multipart endpoint, 400 without the upload part, and is served under v5_1 and v1', async () => {
    const res = await sbx.call('POST', '/cpi', {upload: 'x'})
    expect(res.body).toEqual({
      title: 'Illegal argument occurred.',
      status: 500,
      details: {cause: 'IllegalArgumentException', reason: 'Endpoint expects Content-Type [multipart/form-data] but received [application/json].'},
    })
    const form = new FormData()
    form.append('file', new Blob([makeCpi(CPI)]), 'a.cpi')
    const missing = await fetch(`${sbx.server.url}/api/v5_2/cpi`, {method: 'POST', headers: {authorization: ADMIN}, body: form})
    expect(await missing.json()).toEqual({
      title: "Unable to parse parameter 'upload'",
      status: 400,
      details: {cause: 'BadRequestException', reason: 'Expected file with parameter name "upload" but it was not found.'},
    })
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

  it('imports, lists and reads back PEM chains as uploaded; v1 has the plural path', async () => {
    const {cert} = await selfSignedCertificate()
    const put = await putCert('code-signer', 'signer', [cert])
    expect(put.status).toBe(204)
    expect(await put.text()).toBe('')
    const list = await sbx.call('GET', '/certificate/cluster/code-signer')
    expect(list).toMatchObject({status: 200, body: ['signer']})
    const one = await sbx.call('GET', '/certificate/cluster/CODE-SIGNER/signer')
    expect(one.status).toBe(200)
    expect(one.text).toBe(cert)
    expect(one.headers.get('content-type')).toBe('application/json')
    expect((await sbx.call('GET', '/certificate/cluster/code-signer/nope')).body).toEqual({title: "nope 'alias' not found.", status: 404, details: {}})
    // v1 has the plural path only
    expect((await putCert('p2p-tls', 'tls', [cert, cert.replace(/-----BEGIN[\s\S]*/, '')], '/api/v1/certificates')).status).toBe(204)
    expect((await sbx.call('GET', '/certificates/cluster/p2p-tls', undefined, 'v1')).body).toEqual(['tls'])
    expect((await sbx.call('GET', '/certificates/cluster/p2p-tls')).status).toBe(404)

    // v5_2 only: the overlay is keyed by v5_2 paths, so the helper cannot know v1's plural
    // `/certificates` PUT answers 204 like its v5_2 twin (it expects the spec's 200).
    for (const e of sbx.server.log.entries()) {
      if (e.path.startsWith('/api/v5_2/certificate/') && (e.status < 300 || e.status === 404)) expect(validateExchange(e)).toEqual([])
    }
  })

  it('validates in the real order with the real texts; refuses p2p-session at cluster level', async () => {
    const {cert} = await selfSignedCertificate()
    const title = async (res: Promise<Response>) => (await res).json() as Promise<{title: string; details: Record<string, string>}>
    expect(await title(putCert('banana', undefined, [cert]))).toMatchObject({
      title: "Unable to parse parameter 'alias'",
      details: {cause: 'BadRequestException', reason: 'Missing form parameter "alias".'},
    })
    expect(await title(putCert('banana', 'x', []))).toMatchObject({
      title: "Unable to parse parameter 'certificate'",
      details: {cause: 'BadRequestException', reason: 'Expected file with parameter name "certificate" but it was not found.'},
    })
    expect(await title(putCert('banana', ' ', [cert]))).toEqual({title: 'Invalid input data.', status: 400, details: {alias: 'Empty alias'}})
    expect(await title(putCert('banana', 'x', [cert]))).toEqual({title: 'Invalid input data.', status: 400, details: {usage: 'Unknown usage: banana'}})
    const bad = await title(putCert('p2p-tls', 'x', ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----']))
    expect(bad.title).toBe('Invalid input data.')
    expect(bad.details.certificate).toMatch(/^Not a valid certificate: /)
    expect(await title(putCert('p2p-tls', 'x', ['no certificate here']))).toEqual({title: 'No certificates in PEM', status: 400, details: {}})
    expect(await title(putCert('p2p-tls', 'x', [cert, cert]))).toEqual({
      title: 'Invalid input data.',
      status: 400,
      details: {certificate: 'Certificate chain can not hold a loop.'},
    })
    const other = (await generate([{name: 'commonName', value: 'Other CA'}], {keySize: 2048, algorithm: 'sha256'})).cert
    expect(await title(putCert('p2p-tls', 'x', [cert, other]))).toEqual({
      title: 'Invalid input data.',
      status: 400,
      details: {certificate: 'This previous certificate in the chain was issued by CN=localhost and not by CN=Other CA'},
    })
    expect(await title(putCert(' P2P-Session ', 'x', [cert]))).toEqual({
      title: 'Invalid input data.',
      status: 400,
      details: {holdingIdentityId: 'P2P Session certificate can only be imported to holding identity.'},
    })
    expect((await sbx.call('GET', '/certificate/cluster/banana')).body).toEqual({title: 'Invalid input data.', status: 400, details: {usage: 'Unknown usage: banana'}})
  })

  it('keys cluster certificates by alias: importing an alias under another usage replaces its PEM and keeps its usage; lists sort by alias', async () => {
    const {cert} = await selfSignedCertificate()
    const other = (await selfSignedCertificate()).cert
    for (const alias of ['zeta', 'Alpha', 'beta']) expect((await putCert('code-signer', alias, [cert])).status).toBe(204)
    expect((await sbx.call('GET', '/certificate/cluster/code-signer')).body).toEqual(['Alpha', 'beta', 'zeta'])
    expect((await putCert('rest-tls', 'beta', [other])).status).toBe(204)
    expect((await sbx.call('GET', '/certificate/cluster/rest-tls')).body).toEqual([])
    expect((await sbx.call('GET', '/certificate/cluster/rest-tls/beta')).status).toBe(404)
    expect((await sbx.call('GET', '/certificate/cluster/code-signer/beta')).text).toBe(other)
  })

  it('with requireSigner, fails CPIs after "Verifying CPI" until a code-signer certificate is imported', async () => {
    sbx.ctx.corda.settings.requireSigner = true
    const res = await sbx.upload(makeCpi(CPI))
    const id = res.body.id as string
    sbx.advance(stageAt(0, STAGE.verifying))
    expect((await sbx.call('GET', `/cpi/status/${id}`)).body.status).toBe('Verifying CPI')
    sbx.advance(CORDA_DELAYS.cpiStage)
    const failed = await sbx.call('GET', `/cpi/status/${id}`)
    expect(failed.status).toBe(400)
    expect(failed.body.title).toBe('Error validating CPI.  Trusted certificates not set')

    const {cert} = await selfSignedCertificate()
    expect((await putCert('code-signer', 'signer', [cert])).status).toBe(204)
    expect((await sbx.uploadAndWait(makeCpi(CPI))).body.status).toBe('OK')
  })
})
