import {Flags} from '@oclif/core'
import {CERTIFICATE_USAGES} from '../../api/corda/types.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {nameTable} from '../../format/corda.js'

export default class CertList extends ServiceCommand {
  static override summary = 'List the aliases of the cluster-level certificates of one usage'
  static override examples = ['<%= config.bin %> cert list', '<%= config.bin %> cert list --usage p2p-tls -o json']
  static override flags = {
    usage: Flags.option({options: CERTIFICATE_USAGES, default: 'code-signer' as const, description: 'which certificates'})(),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(CertList)
    const corda = await this.corda()
    await this.output(await corda.certificates.listCluster(flags.usage), {table: nameTable('ALIAS')})
  }
}
