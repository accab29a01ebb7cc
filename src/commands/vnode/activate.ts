import {inMaintenance} from '../../api/corda/vnodes.js'
import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {vnodeChangeView} from '../../format/corda.js'

export default class VnodeActivate extends ServiceCommand {
  static override summary = 'Take a virtual node out of maintenance so flows can start again'
  static override description = 'A node already active is "unchanged". JSON: the VirtualNodeInfo plus result.'
  static override examples = ['<%= config.bin %> vnode activate 58B6030FABDD', '<%= config.bin %> vnode activate Alice -o json']
  static override args = {vnode: vnodeArg}

  async run(): Promise<void> {
    const {args} = await this.parse(VnodeActivate)
    const corda = await this.corda()
    const node = await corda.vnodes.resolve(args.vnode)
    if (!inMaintenance(node)) return this.output({...node, result: 'unchanged'}, vnodeChangeView)
    await corda.vnodes.setState(node.holdingIdentity.shortHash, 'ACTIVE')
    await this.output({...(await corda.vnodes.get(node.holdingIdentity.shortHash)), result: 'updated'}, vnodeChangeView)
  }
}
