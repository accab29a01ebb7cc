// `worker check`: the configured worker types and workflows (from the configuration export) against the alive ones.
import type {WorkerManagerClient} from '../client.js'
import {configuredTypes} from '../configuration.js'

export interface WorkerCheck {
  kind: 'worker' | 'workflow'
  name: string
  alive: boolean
  /** Live instances (workers) or the dead step workers (workflows). */
  instances?: number
  deadSteps?: string[]
  contentTypes: string[]
}

export async function checkWorkers(wm: WorkerManagerClient): Promise<WorkerCheck[]> {
  const [config, alive] = await Promise.all([wm.configuration.export(), wm.workers.alive()])
  const instances = new Map(alive.map(a => [a.workerType, a.nbInstance]))
  const {workers, workflows} = configuredTypes(config)
  const out: WorkerCheck[] = workers.map(w => ({
    kind: 'worker',
    name: w.workerType,
    alive: (instances.get(w.workerType) ?? 0) > 0,
    instances: instances.get(w.workerType) ?? 0,
    contentTypes: w.contentTypeInputs ?? [],
  }))
  for (const wf of workflows) {
    const deadSteps = [...wf.steps]
      .sort((a, b) => a.stepNumber - b.stepNumber)
      .filter(s => !instances.get(s.workerType))
      .map(s => `${s.stepNumber}:${s.workerType}`)
    out.push({kind: 'workflow', name: wf.workflowType, alive: deadSteps.length === 0, deadSteps, contentTypes: [wf.workflowType]})
  }
  return out
}
