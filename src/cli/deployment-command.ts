// `apply` and `diff`: a deployment file's objects planned from the live state, read through the command's clients.
import {planContext, type PlanContext} from '../apply/plan.js'
import type {ObjectSpec} from '../apply/types.js'
import {deploymentFlags} from './flags/deployment.js'
import {ServiceCommand} from './service-command.js'

export abstract class DeploymentCommand extends ServiceCommand {
  static override flags = deploymentFlags

  protected planContext(specs: ObjectSpec[], flags: {'allow-upgrade': boolean; 'recreate-jobs': boolean; 'rotate-passwords': boolean}): PlanContext {
    return planContext(
      specs,
      {allowUpgrade: flags['allow-upgrade'], recreateJobs: flags['recreate-jobs'], rotatePasswords: flags['rotate-passwords']},
      {
        corda: () => this.corda(),
        jobService: () => this.jobService(),
      },
    )
  }
}
