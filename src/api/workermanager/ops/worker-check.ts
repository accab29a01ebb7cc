// `worker check`: the configured worker types and workflows (from the configuration export) against the alive ones.
import {ApiError, isStatus} from '../../errors.js'
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

export interface WorkerReport {
  checks: WorkerCheck[]
  /** Why the configured types could not be read (the export needs PROJECT_ADMIN): only the alive ones are listed. */
  configUnavailable?: string
}

export async function checkWorkers(wm: WorkerManagerClient): Promise<WorkerReport> {
  const [config, alive] = await Promise.all([
    wm.configuration.export().catch(error => {
      if (isStatus(error, 403) || isStatus(error, 401)) return error as ApiError
      throw error
    }),
    wm.workers.alive(),
  ])
  const instances = new Map(alive.map(a => [a.workerType, a.nbInstance]))
  if (config instanceof ApiError) {
    return {
      checks: alive.map(a => ({kind: 'worker', name: a.workerType, alive: a.nbInstance > 0, instances: a.nbInstance, contentTypes: []})),
      configUnavailable: `the configuration export needs PROJECT_ADMIN (${config.status}): only the alive worker types are listed, so a dead one cannot be seen`,
    }
  }
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
  return {checks: out}
}
