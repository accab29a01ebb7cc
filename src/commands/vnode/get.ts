import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {vnodeView} from '../../format/corda.js'

export default class VnodeGet extends ServiceCommand {
  static override summary = 'Show one virtual node'
  static override examples = [
    '<%= config.bin %> vnode get 58B6030FABDD',
    '<%= config.bin %> vnode get "CN=Alice, O=Alice Corp, L=London, C=GB" -o yaml',
    '<%= config.bin %> vnode get Alice',
  ]

  static override args = {vnode: vnodeArg}

  async run(): Promise<void> {
    const {args} = await this.parse(VnodeGet)
    const corda = await this.corda()
    await this.output(await corda.vnodes.resolve(args.vnode), vnodeView)
  }
}
