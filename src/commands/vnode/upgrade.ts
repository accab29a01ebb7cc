import {Flags} from '@oclif/core'
import {upgradeVnode} from '../../api/corda/ops/vnode-upgrade.js'
import {timeoutFlag, yesFlag} from '../../cli/flags/common.js'
import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {ConflictError} from '../../errors.js'
import {flowSample, operationView, vnodeChangeView} from '../../format/corda.js'

export default class VnodeUpgrade extends ServiceCommand {
  static override summary = 'Move a virtual node to another version of its CPI: maintenance → upgrade → active'
  static override description = `Checks first that the target CPI has the same name and signer and another checksum (the same CPI is "unchanged"). Refuses while flows are RUNNING or START_REQUESTED (maintenance would kill them) unless --yes or you confirm at the prompt. A failed upgrade exits 8 and leaves the node in maintenance. JSON: the VirtualNodeInfo plus requestId and result.`

  static override examples = ['<%= config.bin %> vnode upgrade 58B6030FABDD --cpi my-cordapp@1.1', '<%= config.bin %> vnode upgrade Alice --cpi 6F1A2B3C4D5E --yes --timeout 10m']

  static override args = {vnode: vnodeArg}
  static override flags = {
    cpi: Flags.string({required: true, description: 'target CPI: checksum (12 hex) or NAME@VERSION'}),
    yes: yesFlag('go ahead even if running flows will be killed'),
    timeout: timeoutFlag('5m'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(VnodeUpgrade)
    const corda = await this.corda()
    const [node, target] = await Promise.all([corda.vnodes.resolve(args.vnode), corda.cpis.resolve(flags.cpi)])
    const hash = node.holdingIdentity.shortHash
    const upgraded = await this.settle(
      upgradeVnode(corda, node, target, {
        deadline: this.deadline,
        signal: this.abort.signal,
        confirmKill: async flows => {
          this.out.note(`${hash} has ${flows.length} running flow(s); maintenance will KILL them:\n${flowSample(flows)}`)
          const refused = () =>
            new ConflictError(
              `${hash} has ${flows.length} running flow(s); nothing was changed`,
              `wait for them to finish (\`workerctl flow list ${hash} --status RUNNING\`), or pass --yes to kill them`,
            )
          // Without a terminal the refusal itself says what to do, rather than only that --yes is missing.
          if (!flags.yes && !this.prompter.enabled) throw refused()
          await this.confirm(`Kill them and upgrade ${hash}?`, flags.yes, refused)
        },
        onStep: step => this.progress.status(`Upgrading ${hash} to ${target.id.cpiName}@${target.id.cpiVersion}: ${step}`),
      }),
      {view: operationView, resume: id => `workerctl vnode status ${id} --wait && workerctl vnode activate ${hash}`},
    )
    await this.output(upgraded, vnodeChangeView)
  }
}
