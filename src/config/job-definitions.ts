// Job definitions kept on this machine: the Job Service never returns a job's task, so re-running one (`job retry`)
// needs the definition it was created with. One file per context, partition and job id, private to the user.
import {dirname, join} from 'node:path'
import type {NewJob} from '../api/jobservice/types.js'
import {ensurePrivateDir, readJsonIfExists, writeFileAtomic} from './files.js'
import {configDir} from './paths.js'

const seg = (text: string) => encodeURIComponent(text)

export function definitionPath(context: string, partition: string, id: string, env = process.env): string {
  return join(configDir(env), 'jobs', seg(context), seg(partition), `${seg(id)}.json`)
}

export async function keepDefinition(context: string, partition: string, id: string, job: NewJob): Promise<string> {
  const path = definitionPath(context, partition, id)
  await ensurePrivateDir(dirname(path))
  await writeFileAtomic(path, `${JSON.stringify(job, null, 2)}\n`)
  return path
}

/** The kept definition, or undefined when this machine never created that job. */
export function keptDefinition(context: string, partition: string, id: string): Promise<NewJob | undefined> {
  return readJsonIfExists<NewJob>(definitionPath(context, partition, id))
}
