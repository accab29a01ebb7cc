import {Flags} from '@oclif/core'
import {ensureVnode} from '../../api/corda/ops/vnode-create.js'
import {parseX500} from '../../api/corda/x500.js'
import {timeoutFlag, waitFlag} from '../../cli/flags/common.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {operationView, vnodeCreateView} from '../../format/corda.js'

export default class VnodeCreate extends ServiceCommand {
  static override summary = 'Create a virtual node for an X.500 name and a CPI, and wait until it is ready'
  static override description = `The X.500 name is checked before anything is sent (O, L and C required; C a two-letter country code; CN optional). The CPI is named by its checksum or NAME[@VERSION]. If the node exists with the same CPI the result is "unchanged"; with another CPI it exits 5 (use \`vnode upgrade\`). A FAILED or ABORTED creation exits 8.

JSON: the VirtualNodeInfo plus requestId and result (created, unchanged; with --no-wait only {requestId, x500Name, cpiFileChecksum, status, result: submitted}).`

  static override examples = [
    `<%= config.bin %> vnode create --x500 "CN=Alice, O=Alice Corp, L=London, C=GB" --cpi my-cordapp`,
    `<%= config.bin %> vnode create --x500 "O=Bob Ltd, L=Paris, C=FR" --cpi my-cordapp@1.2 -o json`,
    `<%= config.bin %> vnode create --x500 "O=Notary, L=Zurich, C=CH" --cpi 6F1A2B3C4D5E --no-wait`,
  ]

  static override flags = {
    x500: Flags.string({required: true, description: 'X.500 name of the member, e.g. "CN=Alice, O=Alice Corp, L=London, C=GB"'}),
    cpi: Flags.string({required: true, description: 'CPI checksum (12 hex) or NAME[@VERSION]'}),
    wait: waitFlag,
    timeout: timeoutFlag('5m'),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(VnodeCreate)
    parseX500(flags.x500) // before any request: a bad name is exit 2 with nothing sent
    const corda = await this.corda()
    const cpi = await corda.cpis.resolve(flags.cpi)
    const created = await this.settle(
      ensureVnode(corda, flags.x500, cpi, {
        wait: flags.wait,
        deadline: this.deadline,
        signal: this.abort.signal,
        onStatus: s => this.progress.status(`Creating virtual node ${s.requestId}: ${s.status}`),
      }),
      {view: operationView, resume: id => `workerctl vnode status ${id} --wait`},
    )
    await this.output(created, vnodeCreateView)
    if (created.result === 'submitted') this.out.note(`Follow it with: workerctl vnode status ${created.requestId} --wait`)
  }
}
