// The REGARDS worker manager (rs-worker-manager), through the gateway or directly (reference/worker-manager.md).
import type {HttpTransport} from '../http.js'
import {multipartBuffer} from '../multipart.js'
import type {
  ConfigImportResult, DynamicTenantSetting, LightRequest, MicroserviceConfiguration, ModuleImportReport, PagedModelEntityModelLightRequest,
  SearchRequestParameters, WorkerTypeAlive,
} from './types.js'

export const DEFAULT_SERVICE_PATH = '/api/v1/rs-worker-manager'

export interface PageRequest {
  /** 0-based. */
  page?: number
  size?: number
  /** `field,ASC|DESC`, one or more. */
  sort?: string[]
}

export interface RequestPage {
  rows: LightRequest[]
  page: number
  totalElements: number
  totalPages: number
}

export class WorkerManagerClient {
  private readonly prefix: string

  constructor(readonly http: HttpTransport, servicePath = DEFAULT_SERVICE_PATH) {
    this.prefix = servicePath.replace(/\/+$/, '')
  }

  /** Worker types with at least one instance that sent a heartbeat in the last 60 s; dead types are absent. */
  workers(contentTypes?: string[]): Promise<WorkerTypeAlive[]> {
    return this.http.get<WorkerTypeAlive[]>(`${this.prefix}/workers`, {query: {contentTypes}})
  }

  /** One page of POST /requests; paging goes as separate `page`, `size`, `sort` parameters (PRODUCT.md §8). */
  async searchPage(filter: SearchRequestParameters, paging: PageRequest = {}): Promise<RequestPage> {
    const res = await this.http.post<PagedModelEntityModelLightRequest>(`${this.prefix}/requests`, {
      json: filter, idempotent: true,
      query: {page: paging.page ?? 0, size: paging.size ?? 20, sort: paging.sort},
    })
    return {
      rows: (res.content ?? []).map(item => item.content),
      page: res.metadata?.number ?? paging.page ?? 0,
      totalElements: res.metadata?.totalElements ?? 0,
      totalPages: res.metadata?.totalPages ?? 0,
    }
  }

  /** How many requests match: one row's page, its `totalElements` (no scan). */
  async count(filter: SearchRequestParameters): Promise<number> {
    return (await this.searchPage(filter, {page: 0, size: 1})).totalElements
  }

  /**
   * Every matching request, a page at a time, so a caller can print rows as they come and never hold them all.
   * The sort should be stable (the default adds `id,ASC`), or rows shift between pages.
   */
  async *search(filter: SearchRequestParameters, options: {pageSize?: number; sort?: string[]; limit?: number} = {}): AsyncGenerator<LightRequest> {
    const size = options.pageSize ?? 500
    const sort = options.sort ?? ['id,ASC']
    let yielded = 0
    for (let page = 0; ; page++) {
      const result = await this.searchPage(filter, {page, size, sort})
      for (const row of result.rows) {
        if (options.limit !== undefined && yielded >= options.limit) return
        yield row
        yielded++
      }
      if (result.rows.length < size || page + 1 >= result.totalPages) return
    }
  }

  /** By the business request id (not the numeric `id`). */
  async get(requestId: string): Promise<LightRequest> {
    const res = await this.http.get<{content: LightRequest}>(`${this.prefix}/requests/${encodeURIComponent(requestId)}`)
    return res.content
  }

  /** Starts an asynchronous retry job; 200 with an empty body and no job id. */
  async retry(filter: SearchRequestParameters): Promise<void> {
    // The filter (blocked statuses, creationDate.before) is what is acted on: sent again, it matches what is left.
    await this.http.post<void>(`${this.prefix}/requests/retry`, {json: filter, idempotent: true})
  }

  /** Starts an asynchronous delete job (role ADMIN). DELETE with a JSON body. */
  async delete(filter: SearchRequestParameters): Promise<void> {
    await this.http.delete<void>(`${this.prefix}/requests/delete`, {json: filter, idempotent: true})
  }

  /** Tenant settings (e.g. skipContentTypes: content types dropped at reception), role ADMIN. */
  async settings(names?: string[]): Promise<DynamicTenantSetting[]> {
    const res = await this.http.get<Array<{content: DynamicTenantSetting}>>(`${this.prefix}/settings`, {query: {names}})
    return res.map(item => item.content)
  }

  async setSetting(name: string, value: unknown): Promise<DynamicTenantSetting> {
    const res = await this.http.put<{content: DynamicTenantSetting}>(`${this.prefix}/settings/${encodeURIComponent(name)}`, {json: {name, value}})
    return res.content
  }

  async exportConfig(): Promise<MicroserviceConfiguration> {
    return this.http.get<MicroserviceConfiguration>(`${this.prefix}/microservice/configuration`)
  }

  /** Multipart `file`: 201 all imported, 206 partial (reports), 409 nothing imported (reports). */
  async importConfig(config: string | Buffer, filename = 'config-rs-worker-manager.json'): Promise<ConfigImportResult> {
    const {body, contentType} = multipartBuffer([{name: 'file', filename, contentType: 'application/json', data: Buffer.from(config)}])
    const res = await this.http.request<ModuleImportReport[] | undefined>({
      method: 'POST', path: `${this.prefix}/microservice/configuration`, body, contentType, accept: [206, 409], idempotent: false,
    })
    return {status: res.status as 201 | 206 | 409, reports: Array.isArray(res.data) ? res.data : []}
  }
}
