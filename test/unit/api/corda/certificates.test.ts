import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {client, expectValidRequest, type FilePart, recorder, type Seen, URL} from './support.js'

beforeAll(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
})

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'

describe('certificates', () => {
  it('imports a cluster certificate as multipart `certificate` + `alias` (PUT, 204)', async () => {
    const seen: Seen[] = []
    const scope = nock(URL)
      .put('/api/v5_2/certificate/cluster/code-signer')
      .reply(recorder(seen, [204, '']))
    await expect(client().certificates.importCluster('code-signer', 'my-signer', PEM, 'signer.pem')).resolves.toBeUndefined()
    expect(scope.isDone()).toBe(true)
    const body = seen[0]!.body as {alias: string; certificate: FilePart}
    expect(body.alias).toBe('my-signer')
    expect(body.certificate).toMatchObject({filename: 'signer.pem', content: PEM})
    expectValidRequest(seen[0]!)
  })

  it('uses /certificates on v1', async () => {
    const seen: Seen[] = []
    nock(URL)
      .put('/api/v1/certificates/cluster/p2p-tls')
      .reply(recorder(seen, [204, '']))
      .get('/api/v1/certificates/cluster/p2p-tls')
      .reply(recorder(seen, [200, ['a', 'b']]))
    const c = client('v1')
    await c.certificates.importCluster('p2p-tls', 'tls', Buffer.from(PEM), 'tls.pem')
    expect(await c.certificates.listCluster('p2p-tls')).toEqual(['a', 'b'])
    seen.forEach(expectValidRequest)
  })

  it('lists aliases and gets one chain as raw text', async () => {
    const seen: Seen[] = []
    nock(URL)
      .get('/api/v5_2/certificate/cluster/code-signer')
      .reply(recorder(seen, [200, ['my-signer']]))
      .get('/api/v5_2/certificate/cluster/code-signer/my-signer')
      .reply(recorder(seen, [200, PEM, {'Content-Type': 'application/json'}]))
    const c = client()
    expect(await c.certificates.listCluster('code-signer')).toEqual(['my-signer'])
    expect(await c.certificates.getCluster('code-signer', 'my-signer')).toBe(PEM)
    seen.forEach(expectValidRequest)
  })
})
