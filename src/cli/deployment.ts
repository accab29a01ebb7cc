// What `apply` and `diff` share: the file flag, the flags that allow changes Corda and the Job Service make only by
// replacing something, and the plan context built from the command's clients.
import {Flags} from '@oclif/core'
import type {CordaClient} from '../api/corda/client.js'
import type {JobServiceClient} from '../api/jobservice/client.js'
import {LiveState, type PlanContext, References} from '../apply/plan.js'
import type {ObjectSpec} from '../apply/types.js'

export const deploymentFlags = {
  file: Flags.string({char: 'f', required: true, description: 'the deployment file (YAML, one or several documents; - for stdin)'}),
  'allow-upgrade': Flags.boolean({description: 'upgrade virtual nodes whose CPI changed to a compatible one (maintenance, upgrade, active again)'}),
  'recreate-jobs': Flags.boolean({description: 'delete and create again jobs whose definition changed'}),
  'rotate-passwords': Flags.boolean({description: 'set existing users\' passwords again from their passwordFrom variables'}),
}

export interface DeploymentFlags {
  'allow-upgrade': boolean
  'recreate-jobs': boolean
  'rotate-passwords': boolean
}

export function planContext(specs: ObjectSpec[], flags: DeploymentFlags, clients: {corda: () => Promise<CordaClient>; jobService: () => Promise<JobServiceClient>}): PlanContext {
  const live = new LiveState(clients.corda, async partition => {
    const js = await clients.jobService()
    return partition === undefined ? js : js.inPartition(partition)
  })
  return {live, refs: new References(specs, live), flags: {allowUpgrade: flags['allow-upgrade'], recreateJobs: flags['recreate-jobs'], rotatePasswords: flags['rotate-passwords']}}
}

export const sourceName = (file: string) => (file === '-' ? 'standard input' : file)
