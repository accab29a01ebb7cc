// Cluster-level certificates (code-signer, P2P TLS, P2P session); v1 spells the resource `/certificates`.
import {multipartBuffer} from '../multipart.js'
import {certificateResource} from './capabilities.js'
import type {CertificateUsage, CordaApi} from './types.js'

export class Certificates {
  constructor(private readonly api: CordaApi) {}

  private async resource(rest: string): Promise<string> {
    return this.api.path(`${certificateResource(await this.api.apiVersion())}${rest}`)
  }

  /** PUT multipart `certificate` (the PEM file) + `alias`; 204. The body is small, so it is buffered and may be retried. */
  async importCluster(usage: CertificateUsage | string, alias: string, pem: Buffer | string, filename: string): Promise<void> {
    const {body, contentType} = multipartBuffer([
      {name: 'alias', value: alias},
      {name: 'certificate', filename, contentType: 'application/x-pem-file', data: Buffer.isBuffer(pem) ? pem : Buffer.from(pem)},
    ])
    await this.api.http.put<void>(await this.resource(`/cluster/${encodeURIComponent(usage)}`), {body, contentType})
  }

  /** The aliases of the cluster's certificate chains for a usage. */
  async listCluster(usage: CertificateUsage | string): Promise<string[]> {
    return (await this.api.http.get<string[] | undefined>(await this.resource(`/cluster/${encodeURIComponent(usage)}`), {allowEmpty: true})) ?? []
  }

  /** The chain as PEM text (the endpoint answers raw text). */
  async getCluster(usage: CertificateUsage | string, alias: string): Promise<string> {
    return this.api.http.get<string>(await this.resource(`/cluster/${encodeURIComponent(usage)}/${encodeURIComponent(alias)}`), {responseType: 'text'})
  }
}

/** Two PEM texts hold the same certificates, whatever the line endings and spacing. */
export function samePem(a: string, b: string): boolean {
  const blocks = (text: string) => (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(block => block.replace(/\s+/g, ''))
  const [x, y] = [blocks(a), blocks(b)]
  return x.length > 0 && x.length === y.length && x.every((block, i) => block === y[i])
}
