// `worker check`: the configured worker types and workflows (from the configuration export) against the alive ones.
import type {WorkerManagerClient} from './client.js'
import type {MicroserviceConfiguration, WorkerConfigDto, WorkflowConfigDto} from './types.js'

export interface WorkerCheck {
  kind: 'worker' | 'workflow'
  name: string
  alive: boolean
  /** Live instances (workers) or the dead step workers (workflows). */
  instances?: number
  deadSteps?: string[]
  contentTypes: string[]
}

/** The worker and workflow configs inside an export. */
export function configuredTypes(config: MicroserviceConfiguration): {workers: WorkerConfigDto[]; workflows: WorkflowConfigDto[]} {
  const items = config.modules?.flatMap(m => m.configuration ?? []) ?? []
  return {
    workers: items.filter(i => i.key.endsWith('WorkerConfigDto')).map(i => i.value as WorkerConfigDto),
    workflows: items.filter(i => i.key.endsWith('WorkflowConfigDto')).map(i => i.value as WorkflowConfigDto),
  }
}

export async function checkWorkers(wm: WorkerManagerClient): Promise<WorkerCheck[]> {
  const [config, alive] = await Promise.all([wm.exportConfig(), wm.workers()])
  const instances = new Map(alive.map(a => [a.workerType, a.nbInstance]))
  const {workers, workflows} = configuredTypes(config)
  const out: WorkerCheck[] = workers.map(w => ({
    kind: 'worker', name: w.workerType, alive: (instances.get(w.workerType) ?? 0) > 0, instances: instances.get(w.workerType) ?? 0, contentTypes: w.contentTypeInputs ?? [],
  }))
  for (const wf of workflows) {
    const deadSteps = [...wf.steps].sort((a, b) => a.stepNumber - b.stepNumber).filter(s => !instances.get(s.workerType)).map(s => `${s.stepNumber}:${s.workerType}`)
    out.push({kind: 'workflow', name: wf.workflowType, alive: deadSteps.length === 0, deadSteps, contentTypes: [wf.workflowType]})
  }
  return out
}
