import {inMaintenance} from '../../api/corda/vnodes.js'
import {dryRunFlag, yesFlag} from '../../cli/flags/common.js'
import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {ConflictError} from '../../errors.js'
import {flowSample, vnodeChangeView} from '../../format/corda.js'

export default class VnodeMaintenance extends ServiceCommand {
  static override summary = 'Put a virtual node in maintenance (stops flow starts; KILLS its running flows)'
  static override description = `Shows the running flows maintenance would kill and asks first; --yes skips the question, --dry-run only shows. A node already in maintenance is "unchanged". JSON: the VirtualNodeInfo plus result.`

  static override examples = [
    '<%= config.bin %> vnode maintenance 58B6030FABDD',
    '<%= config.bin %> vnode maintenance Alice --yes',
    '<%= config.bin %> vnode maintenance Alice --dry-run',
  ]

  static override args = {vnode: vnodeArg}
  static override flags = {
    yes: yesFlag('do not ask, even if running flows will be killed'),
    'dry-run': dryRunFlag('only show what would be killed'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(VnodeMaintenance)
    const corda = await this.corda()
    const node = await corda.vnodes.resolve(args.vnode)
    const hash = node.holdingIdentity.shortHash
    if (inMaintenance(node)) return this.output({...node, result: 'unchanged'}, vnodeChangeView)
    const flows = await corda.flows.inFlight(hash)
    const what = `${hash} (${node.holdingIdentity.x500Name})`
    this.out.note(flows.length === 0 ? `${what} has no running flows.` : `Maintenance will KILL ${flows.length} running flow(s) of ${what}:\n${flowSample(flows)}`)
    if (flags['dry-run']) return
    await this.confirm(`Put ${what} in maintenance?`, flags.yes, () => new ConflictError('cancelled; nothing was changed'))
    await corda.vnodes.setState(hash, 'MAINTENANCE')
    await this.output({...(await corda.vnodes.get(hash)), result: 'updated'}, vnodeChangeView)
  }
}
