// Cluster configuration: one section at a time, with optimistic locking on its version (reference/corda-rest.md §10).
import {UsageError} from '../../errors.js'
import type {CordaApi, GetConfigResponse, UpdateConfigParameters, UpdateConfigResponse} from './types.js'

/** Corda's section names: `corda.` then dot-separated words (`corda.flow`, `corda.p2p.linkManager`). */
const SECTION_NAME = /^corda(\.[A-Za-z][A-Za-z0-9]*)+$/

/** Bad input unless `section` has the shape of a section name; only the shape: a cluster may have sections we do not list. */
export function checkSection(section: string): void {
  if (!SECTION_NAME.test(section)) {
    throw new UsageError(`"${section}" is not a configuration section name: they look like corda.flow or corda.p2p.linkManager (\`workerctl cluster config sections\` lists them)`)
  }
}

export class ClusterConfig {
  constructor(private readonly api: CordaApi) {}

  async get(section: string): Promise<GetConfigResponse> {
    checkSection(section)
    return this.api.http.get<GetConfigResponse>(await this.api.path(`/config/${encodeURIComponent(section)}`))
  }

  /** PUT /config → 202 with the new version; 409 when `version` is not the current one. */
  async update(params: UpdateConfigParameters): Promise<UpdateConfigResponse> {
    checkSection(params.section)
    return this.api.http.put<UpdateConfigResponse>(await this.api.path('/config'), {json: params, idempotent: false})
  }
}
