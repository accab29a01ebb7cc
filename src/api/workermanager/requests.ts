// Requests: searched a page at a time, counted, read, retried and deleted (reference/worker-manager.md §5, §6).
import type {LightRequest, PagedModelEntityModelLightRequest, SearchRequestParameters, WorkerManagerApi} from './types.js'

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

export class Requests {
  constructor(private readonly api: WorkerManagerApi) {}

  /** One page of POST /requests; paging goes as separate `page`, `size`, `sort` parameters (PRODUCT.md §8). */
  async page(filter: SearchRequestParameters, paging: PageRequest = {}): Promise<RequestPage> {
    const res = await this.api.http.post<PagedModelEntityModelLightRequest>(this.api.path('/requests'), {
      json: filter,
      idempotent: true,
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
    return (await this.page(filter, {page: 0, size: 1})).totalElements
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
      const result = await this.page(filter, {page, size, sort})
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
    const res = await this.api.http.get<{content: LightRequest}>(this.api.path(`/requests/${encodeURIComponent(requestId)}`))
    return res.content
  }

  /** Starts an asynchronous retry job; 200 with an empty body and no job id. */
  async retry(filter: SearchRequestParameters): Promise<void> {
    // The filter (blocked statuses, creationDate.before) is what is acted on: sent again, it matches what is left.
    await this.api.http.post<void>(this.api.path('/requests/retry'), {json: filter, idempotent: true})
  }

  /** Starts an asynchronous delete job (role ADMIN). DELETE with a JSON body. */
  async delete(filter: SearchRequestParameters): Promise<void> {
    await this.api.http.delete<void>(this.api.path('/requests/delete'), {json: filter, idempotent: true})
  }
}
