// Worker-manager configuration as `/microservice/configuration` exports and imports it (worker-manager.md §7),
// and the skipContentTypes tenant setting.
import type {WorkerConfig, WorkflowConfig, Workers} from './workers.js'

export const MICROSERVICE = 'rs-worker-manager'
export const CONFIG_FILENAME = 'config-rs-worker-manager.json'
export const SETTING_KEY = 'fr.cnes.regards.framework.modules.tenant.settings.domain.DynamicTenantSetting'
export const WORKER_KEY = 'fr.cnes.regards.modules.workermanager.dto.WorkerConfigDto'
export const WORKFLOW_KEY = 'fr.cnes.regards.modules.workermanager.dto.WorkflowConfigDto'
export const SKIP_SETTING = 'skipContentTypes'
export const SKIP_DESCRIPTION = 'List of content-types to ignore for requests dispatch.'

export const MODULE_INFORMATION = {
  id: 'workermanager',
  name: 'Worker Manager module',
  version: '2.4.0',
  author: 'REGARDS',
  legalOwner: 'CNES',
  documentation: 'https://github.com/RegardsOss',
  description: 'Dispatch request to workers',
}

export interface ModuleImportReport {
  moduleInformation: Record<string, string>
  importErrors: string[]
  onlyErrors: boolean
}

export function exportConfiguration(workers: Workers): object {
  const configuration: Array<{key: string; value: object}> = [
    {
      key: SETTING_KEY,
      value: {name: SKIP_SETTING, description: SKIP_DESCRIPTION, value: JSON.stringify(workers.skipContentTypes), defaultValue: '[]', className: 'java.util.ArrayList'},
    },
  ]
  for (const c of workers.configs.values()) {
    configuration.push({
      key: WORKER_KEY,
      value: {workerType: c.workerType, contentTypeInputs: [...c.contentTypeInputs], contentTypeOutput: c.contentTypeOutput, keepErrors: c.keepErrors},
    })
  }
  for (const w of workers.workflows.values()) {
    configuration.push({key: WORKFLOW_KEY, value: {workflowType: w.workflowType, keepErrors: w.keepErrors, steps: w.steps.map(s => ({...s}))}})
  }
  return {microservice: MICROSERVICE, modules: [{module: {...MODULE_INFORMATION}, resetBeforeImport: true, configuration}]}
}

export type ImportOutcome = {ok: true; status: 201 | 206 | 409; reports: ModuleImportReport[]} | {ok: false; message: string}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Imports a parsed configuration file into `workers`; the valid items of a module are kept even when others fail. */
export function importConfiguration(workers: Workers, file: unknown): ImportOutcome {
  if (!isObject(file) || !Array.isArray(file.modules)) return {ok: false, message: 'Invalid configuration file: no modules'}
  const reports: ModuleImportReport[] = []
  for (const module of file.modules) {
    const info = isObject(module) && isObject(module.module) ? module.module : {}
    if (info.id !== MODULE_INFORMATION.id) {
      const moduleInformation = {author: String(info.author ?? ''), id: String(info.id ?? ''), name: String(info.name ?? ''), version: String(info.version ?? '')}
      reports.push({moduleInformation, importErrors: [`No module manager found for module ${moduleInformation.id}`], onlyErrors: true})
      continue
    }
    reports.push(importModule(workers, module as Record<string, unknown>))
  }
  if (reports.every(r => r.importErrors.length === 0)) return {ok: true, status: 201, reports}
  if (reports.every(r => r.onlyErrors)) return {ok: true, status: 409, reports}
  return {ok: true, status: 206, reports}
}

function importModule(workers: Workers, module: Record<string, unknown>): ModuleImportReport {
  const reset = module.resetBeforeImport === true
  const items = Array.isArray(module.configuration) ? module.configuration : []
  const configs = reset ? new Map<string, WorkerConfig>() : new Map(workers.configs)
  const workflows = reset ? new Map<string, WorkflowConfig>() : new Map(workers.workflows)
  let skip = reset ? [] : [...workers.skipContentTypes]
  const errors: string[] = []
  let imported = 0
  const ofKey = (key: string) => items.filter((i): i is {key: string; value: unknown} => isObject(i) && i.key === key)
  for (const item of items) {
    const key = isObject(item) ? item.key : undefined
    if (key !== SETTING_KEY && key !== WORKER_KEY && key !== WORKFLOW_KEY) errors.push(`Unknown configuration item ${String(key)}`)
  }

  for (const {value} of ofKey(SETTING_KEY)) {
    const setting = isObject(value) ? value : {}
    if (setting.name !== SKIP_SETTING) {
      errors.push(`Entity DynamicTenantSetting with id : ${String(setting.name)} doesn't exist`)
      continue
    }
    const list = settingList(setting.value)
    if (!list) errors.push(`Invalid value for setting ${SKIP_SETTING}: ${JSON.stringify(setting.value)}`)
    else {
      skip = list
      imported++
    }
  }

  for (const {value} of ofKey(WORKER_KEY)) {
    const conf = workerConf(value)
    if (typeof conf === 'string') {
      errors.push(conf)
      continue
    }
    const problems: string[] = []
    for (const ct of conf.contentTypeInputs) {
      const other = [...configs.values()].find(c => c.workerType !== conf.workerType && c.contentTypeInputs.includes(ct))
      if (other) problems.push(`WorkerConf with type=${conf.workerType} declares contentType ${ct} which are already used by ${other.workerType}`)
      if (skip.includes(ct)) problems.push(`WorkerConf with type=${conf.workerType} declares contentType ${ct} which are already used inside the skipContentTypes setting`)
    }
    if (problems.length > 0) errors.push(...problems)
    else {
      configs.set(conf.workerType, conf)
      imported++
    }
  }

  for (const {value} of ofKey(WORKFLOW_KEY)) {
    const workflow = workflowConf(value)
    if (typeof workflow === 'string') {
      errors.push(workflow)
      continue
    }
    const problems = workflowProblems(workflow, configs)
    if (problems.length > 0) errors.push(...problems)
    else {
      workflows.set(workflow.workflowType, workflow)
      imported++
    }
  }

  workers.configs.clear()
  for (const [k, v] of configs) workers.configs.set(k, v)
  workers.workflows.clear()
  for (const [k, v] of workflows) workers.workflows.set(k, v)
  workers.skipContentTypes = skip
  const importErrors = [...new Set(errors)]
  return {moduleInformation: {...MODULE_INFORMATION}, importErrors, onlyErrors: importErrors.length > 0 && imported === 0}
}

/** The export stores the list as a JSON string; the settings API sends the list itself. */
export function settingList(value: unknown): string[] | undefined {
  let list = value
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value)
    } catch {
      return undefined
    }
  }
  return Array.isArray(list) && list.every(v => typeof v === 'string') ? [...new Set(list)] : undefined
}

function workerConf(value: unknown): WorkerConfig | string {
  const v = isObject(value) ? value : {}
  const type = typeof v.workerType === 'string' ? v.workerType : ''
  const invalid = (why: string) => `WorkerConf with type=${type} is invalid: ${why}`
  if (type.trim() === '') return invalid('workerType must not be blank')
  if (type.length > 128) return invalid('workerType size must be between 0 and 128')
  if (!Array.isArray(v.contentTypeInputs) || v.contentTypeInputs.length === 0 || !v.contentTypeInputs.every(c => typeof c === 'string')) {
    return invalid('contentTypeInputs must not be empty')
  }
  if (v.contentTypeOutput != null && typeof v.contentTypeOutput !== 'string') return invalid('contentTypeOutput must be a string')
  return {
    workerType: type,
    contentTypeInputs: [...new Set(v.contentTypeInputs)],
    contentTypeOutput: v.contentTypeOutput ?? null,
    keepErrors: v.keepErrors !== false,
  }
}

function workflowConf(value: unknown): WorkflowConfig | string {
  const v = isObject(value) ? value : {}
  const type = typeof v.workflowType === 'string' ? v.workflowType : ''
  const invalid = (why: string) => `WorkflowConf with type=${type} is invalid: ${why}`
  if (type.trim() === '') return invalid('workflowType must not be blank')
  if (type.length > 255) return invalid('workflowType size must be between 0 and 255')
  if (!Array.isArray(v.steps) || v.steps.length === 0) return invalid('steps must not be empty')
  const steps: WorkflowConfig['steps'] = []
  for (const s of v.steps) {
    if (!isObject(s) || !Number.isInteger(s.stepNumber) || (s.stepNumber as number) < 0 || typeof s.workerType !== 'string') {
      return invalid('each step needs a stepNumber >= 0 and a workerType')
    }
    steps.push({stepNumber: s.stepNumber as number, workerType: s.workerType})
  }
  return {workflowType: type, keepErrors: v.keepErrors !== false, steps}
}

function workflowProblems(workflow: WorkflowConfig, configs: Map<string, WorkerConfig>): string[] {
  const type = workflow.workflowType
  const numbers = workflow.steps.map(s => s.stepNumber)
  const duplicated = [...new Set(numbers.filter((n, i) => numbers.indexOf(n) !== i))]
  if (duplicated.length > 0) return [`[DuplicatedStepNumbersError - Workflow ${type} has duplicated step numbers: ${duplicated.join(', ')}]`]
  const problems: string[] = []
  const steps = [...workflow.steps].sort((a, b) => a.stepNumber - b.stepNumber)
  for (const step of steps) {
    if (!configs.has(step.workerType)) {
      problems.push(`[NotExistingWorkerError - Workflow ${type} step ${step.stepNumber} refers to worker type ${step.workerType} which does not exist]`)
    }
  }
  if (problems.length > 0) return problems
  for (let i = 0; i + 1 < steps.length; i++) {
    const step = steps[i]!
    const next = steps[i + 1]!
    const worker = configs.get(step.workerType)!
    const nextWorker = configs.get(next.workerType)!
    if (worker.contentTypeOutput === null) {
      problems.push(`[NullContentTypeOutError - Workflow ${type} step ${step.stepNumber}: worker ${worker.workerType} has no contentTypeOutput for step ${next.stepNumber}]`)
    } else if (!nextWorker.contentTypeInputs.includes(worker.contentTypeOutput)) {
      problems.push(
        `[NonConsistentContentTypeOutError - Workflow ${type} step ${step.stepNumber}: contentTypeOutput ${worker.contentTypeOutput} of worker ${worker.workerType} is not an input of worker ${nextWorker.workerType} (step ${next.stepNumber})]`,
      )
    }
  }
  return problems
}
