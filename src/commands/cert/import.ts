import {readFile} from 'node:fs/promises'
import {basename} from 'node:path'
import {Args, Flags} from '@oclif/core'
import {CLUSTER_CERT_USAGES} from '../../api/corda/types.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {ConflictError, UsageError} from '../../errors.js'
import {certImportView} from '../../format/corda.js'
import {localFileError} from '../../input/files.js'

export default class CertImport extends ServiceCommand {
  static override summary = 'Import a cluster-level certificate (the code-signer must be trusted before a CPI it signed uploads)'
  static override description = `PUTs the PEM file under the usage and alias. If the alias already holds the same certificate, nothing is sent and the result is "unchanged"; a different certificate under the alias is replaced ("updated"). Aliases are unique across usages: one another usage holds exits 5. A p2p-session certificate belongs to a virtual node, not the cluster.

JSON: {usage, alias, result}.`

  static override examples = [
    '<%= config.bin %> cert import signer.pem --usage code-signer --alias my-signer',
    '<%= config.bin %> cert import ca.pem --usage p2p-tls --alias corp-ca -o json',
  ]

  static override args = {file: Args.string({required: true, description: 'PEM file of the certificate (or chain)'})}
  static override flags = {
    usage: Flags.option({options: CLUSTER_CERT_USAGES, required: true, description: 'what the cluster trusts it for'})(),
    alias: Flags.string({required: true, description: 'name to keep it under'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CertImport)
    const pem = await readPem(args.file)
    const corda = await this.corda()
    const plan = await corda.certificates.importPlan(flags.usage, flags.alias, pem)
    if ('takenBy' in plan) {
      throw new ConflictError(
        `alias ${flags.alias} already holds a ${plan.takenBy} certificate`,
        'aliases are unique across usages on a cluster: choose another alias (importing it would replace that certificate)',
      )
    }
    const result = ({create: 'created', update: 'updated', unchanged: 'unchanged'} as const)[plan.action]
    if (result !== 'unchanged') await corda.certificates.importCluster(flags.usage, flags.alias, pem, basename(args.file))
    await this.output({usage: flags.usage, alias: flags.alias, result}, certImportView)
  }
}

/** The file must hold at least one PEM certificate: anything else is refused before it is sent. */
async function readPem(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(error => {
    throw localFileError(file, error, 'a PEM file')
  })
  if (!/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.test(text)) {
    throw new UsageError(`${file} holds no PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)`)
  }
  return text
}
