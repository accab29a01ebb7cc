// The microservice configuration: worker types and workflows, exported and imported whole (reference/worker-manager.md §10).
import {multipartBuffer} from '../multipart.js'
import type {ConfigImportResult, MicroserviceConfiguration, ModuleImportReport, WorkerConfigDto, WorkerManagerApi, WorkflowConfigDto} from './types.js'

/** The worker and workflow configs inside an export. */
export function configuredTypes(config: MicroserviceConfiguration): {workers: WorkerConfigDto[]; workflows: WorkflowConfigDto[]} {
  const items = config.modules?.flatMap(m => m.configuration ?? []) ?? []
  return {
    workers: items.filter(i => i.key.endsWith('WorkerConfigDto')).map(i => i.value as WorkerConfigDto),
    workflows: items.filter(i => i.key.endsWith('WorkflowConfigDto')).map(i => i.value as WorkflowConfigDto),
  }
}

export class Configuration {
  constructor(private readonly api: WorkerManagerApi) {}

  export(): Promise<MicroserviceConfiguration> {
    return this.api.http.get<MicroserviceConfiguration>(this.api.path('/microservice/configuration'))
  }

  /** Multipart `file`: 201 all imported, 206 partial (reports), 409 nothing imported (reports). */
  async import(config: string | Buffer, filename = 'config-rs-worker-manager.json'): Promise<ConfigImportResult> {
    const {body, contentType} = multipartBuffer([{name: 'file', filename, contentType: 'application/json', data: Buffer.from(config)}])
    const res = await this.api.http.request<ModuleImportReport[] | undefined>({
      method: 'POST',
      path: this.api.path('/microservice/configuration'),
      body,
      contentType,
      accept: [206, 409],
      idempotent: false,
    })
    return {status: res.status as 201 | 206 | 409, reports: Array.isArray(res.data) ? res.data : []}
  }
}
