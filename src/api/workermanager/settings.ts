// Tenant settings (e.g. skipContentTypes: content types dropped at reception), role ADMIN.
import type {DynamicTenantSetting, WorkerManagerApi} from './types.js'

export class Settings {
  constructor(private readonly api: WorkerManagerApi) {}

  async list(names?: string[]): Promise<DynamicTenantSetting[]> {
    const res = await this.api.http.get<Array<{content: DynamicTenantSetting}>>(this.api.path('/settings'), {query: {names}})
    return res.map(item => item.content)
  }

  async set(name: string, value: unknown): Promise<DynamicTenantSetting> {
    const res = await this.api.http.put<{content: DynamicTenantSetting}>(this.api.path(`/settings/${encodeURIComponent(name)}`), {json: {name, value}})
    return res.content
  }
}
