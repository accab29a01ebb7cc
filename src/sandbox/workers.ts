// REGARDS worker-manager state: configured worker and workflow types, and live instances per type.
// Later modules add the config export/import and heartbeats on top of this object.

export interface WorkerConfig {
  workerType: string
  contentTypeInputs: string[]
  contentTypeOutput: string | null
  keepErrors: boolean
}

export interface WorkflowConfig {
  workflowType: string
  keepErrors: boolean
  steps: Array<{stepNumber: number; workerType: string}>
}

/** The spec's `WorkerTypeAlive`. */
export interface WorkerTypeAlive {
  workerType: string
  nbInstance: number
}

export class Workers {
  readonly configs = new Map<string, WorkerConfig>()
  readonly workflows = new Map<string, WorkflowConfig>()
  /** Live instances per worker type (what heartbeats will feed). */
  readonly instances = new Map<string, number>()

  /**
   * As `GET /workers` answers: only types with live instances (a dead type is absent, never `nbInstance: 0`);
   * with content types, only types whose configured inputs contain one of them.
   */
  alive(contentTypes?: string[]): WorkerTypeAlive[] {
    const wanted = contentTypes && contentTypes.length > 0 ? new Set(contentTypes) : undefined
    const out: WorkerTypeAlive[] = []
    for (const [workerType, nbInstance] of this.instances) {
      if (nbInstance <= 0) continue
      if (wanted && !this.configs.get(workerType)?.contentTypeInputs.some(ct => wanted.has(ct))) continue
      out.push({workerType, nbInstance})
    }
    return out
  }
}

/** A small LTA pipeline with one configured type that has no live instance, so `worker check` has something to find. */
export function seededWorkers(): Workers {
  const workers = new Workers()
  const configs: Array<[WorkerConfig, number]> = [
    [{workerType: 'lta-product-zip-extraction-worker', contentTypeInputs: ['lta-to-extract-request'], contentTypeOutput: 'lta-extracted-request', keepErrors: true}, 2],
    [{workerType: 'lta-sip-generator-worker', contentTypeInputs: ['lta-extracted-request'], contentTypeOutput: null, keepErrors: true}, 1],
    [{workerType: 'ingest-checker-worker', contentTypeInputs: ['ingest-check-request'], contentTypeOutput: null, keepErrors: true}, 0],
  ]
  for (const [config, instances] of configs) {
    workers.configs.set(config.workerType, config)
    if (instances > 0) workers.instances.set(config.workerType, instances)
  }
  workers.workflows.set('lta-request', {
    workflowType: 'lta-request',
    keepErrors: true,
    steps: [{stepNumber: 1, workerType: 'lta-product-zip-extraction-worker'}, {stepNumber: 2, workerType: 'lta-sip-generator-worker'}],
  })
  return workers
}
