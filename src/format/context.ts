import type {ContextSettings} from '../config/config.js'
import {columns} from './table.js'

export interface ContextRow extends ContextSettings {
  name: string
  current: boolean
}

export const contextTable = columns<ContextRow>({
  CURRENT: r => (r.current ? '*' : ''),
  NAME: r => r.name,
  CORDA: r => r.corda?.url ?? '',
  'WORKER MANAGER': r => r.workerManager?.url ?? '',
  'JOB SERVICE': r => r.jobService?.url ?? '',
})
