// Shared bits of the Job Service end-to-end tests: definitions on disk and the request-log entries of the service.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import type {Sbx} from './sandbox.js'

export const JOBS = '/job-service/v1/partitions/default'

/** A DemoWorker task (taskData: durationSeconds, fail, failTimes, message). */
export const task = (taskData: Record<string, unknown> = {durationSeconds: 0.2}) => ({
  taskClassifier: 'DemoWorker',
  taskApiVersion: 1,
  taskData,
  taskPipe: 'demo-in',
  targetPipe: 'demo-out',
})

/** Writes a JSON definition into the test's private directory; its path. */
export function jobFile(sbx: Sbx, name: string, definition: unknown): string {
  const file = join(sbx.dir, `${name}.json`)
  writeFileSync(file, JSON.stringify(definition))
  return file
}

export const jobCalls = (log: LoggedRequest[]) => log.filter(r => r.service === 'jobService')
/** Requests that change something (reads are GET). */
export const mutations = (log: LoggedRequest[]) => jobCalls(log).filter(r => r.method !== 'GET')
