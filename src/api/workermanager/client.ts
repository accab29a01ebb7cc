// The REGARDS worker manager (rs-worker-manager), through the gateway or directly.
import type {HttpTransport} from '../http.js'
import type {WorkerTypeAlive} from './types.js'

export const DEFAULT_SERVICE_PATH = '/api/v1/rs-worker-manager'

export class WorkerManagerClient {
  private readonly prefix: string

  constructor(readonly http: HttpTransport, servicePath = DEFAULT_SERVICE_PATH) {
    this.prefix = servicePath.replace(/\/+$/, '')
  }

  /** Worker types with at least one instance that sent a heartbeat in the last 60 s; dead types are absent. */
  workers(contentTypes?: string[]): Promise<WorkerTypeAlive[]> {
    return this.http.get<WorkerTypeAlive[]>(`${this.prefix}/workers`, {query: {contentTypes}})
  }
}
