// Worker types alive now (reference/worker-manager.md §4).
import type {WorkerManagerApi, WorkerTypeAlive} from './types.js'

export class Workers {
  constructor(private readonly api: WorkerManagerApi) {}

  /** Worker types with at least one instance that sent a heartbeat in the last 60 s; dead types are absent. */
  alive(contentTypes?: string[]): Promise<WorkerTypeAlive[]> {
    return this.api.http.get<WorkerTypeAlive[]>(this.api.path('/workers'), {query: {contentTypes}})
  }
}
