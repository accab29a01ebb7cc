// Cluster-level certificates (code-signer, P2P TLS, REST TLS); v1 spells the resource `/certificates`.
import {multipartBuffer} from '../multipart.js'
import {certificateResource} from './capabilities.js'
import {CERTIFICATE_USAGES, type CertificateUsage, type CordaApi} from './types.js'

/** What importing a chain under a usage and alias would do; `takenBy` when another usage holds the alias. */
export type ClusterImport = {action: 'create' | 'update' | 'unchanged'} | {takenBy: CertificateUsage}

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

  /**
   * What importing `pem` under `usage` and `alias` would do. Aliases are unique across usages on a cluster: importing
   * one another usage holds would replace that certificate's PEM and keep its usage, so that is reported, not done.
   */
  async importPlan(usage: CertificateUsage, alias: string, pem: string): Promise<ClusterImport> {
    const lists = await Promise.all(CERTIFICATE_USAGES.map(async u => [u, await this.listCluster(u)] as const))
    const holder = lists.find(([, aliases]) => aliases.includes(alias))?.[0]
    if (holder === undefined) return {action: 'create'}
    if (holder !== usage) return {takenBy: holder}
    return {action: samePem(await this.getCluster(usage, alias), pem) ? 'unchanged' : 'update'}
  }
}

/** Two PEM texts hold the same certificates, whatever the line endings and spacing. */
export function samePem(a: string, b: string): boolean {
  const blocks = (text: string) => (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(block => block.replace(/\s+/g, ''))
  const [x, y] = [blocks(a), blocks(b)]
  return x.length > 0 && x.length === y.length && x.every((block, i) => block === y[i])
}
