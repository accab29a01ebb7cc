import {Args, Flags} from '@oclif/core'
import {deployCpi} from '../../api/corda/ops/cpi-deploy.js'
import {timeoutFlag, waitFlag} from '../../cli/flags/common.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {cpiUploadView} from '../../format/corda.js'

export default class CpiUpload extends ServiceCommand {
  static override summary = 'Upload a CPI and wait until the cluster has validated it'
  static override description = `Reads the name and version from the CPI's manifest. If the cluster already has that very file (same name, version and SHA-256), nothing is uploaded and the result is "unchanged". Otherwise the file is streamed, and its status is followed until it is OK. A CPI the cluster rejects exits 8 with the reason; the same name and version signed by the same key exits 5 (use --force to replace it). Files over 200,000,000 bytes are refused locally.

JSON: {cpiName, cpiVersion, cpiFileChecksum, cpiFileFullChecksum, requestId, status, result}, result being created, updated (--force), unchanged, or submitted (--no-wait).`

  static override examples = [
    '<%= config.bin %> cpi upload build/my-cordapp.cpi',
    '<%= config.bin %> cpi upload build/my-cordapp.cpi --force        # replace it in a development loop',
    '<%= config.bin %> cpi upload build/my-cordapp.cpi -o json --timeout 15m',
    '<%= config.bin %> cpi upload big.cpi --no-wait && <%= config.bin %> cpi status REQUEST_ID --wait',
  ]

  static override args = {file: Args.string({required: true, description: 'the .cpi file'})}
  static override flags = {
    force: Flags.boolean({description: 'replace the CPI with the same name, version and signer (force-upload)'}),
    wait: waitFlag,
    timeout: timeoutFlag('10m'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(CpiUpload)
    const corda = await this.corda()
    const started = Date.now()
    const label = `Uploading ${args.file}`
    const uploaded = await this.settle(
      deployCpi(corda, args.file, {
        force: flags.force,
        wait: flags.wait,
        deadline: this.deadline,
        signal: this.abort.signal,
        onUploadProgress: (sent, total) => this.progress.bytes(label, sent, total, started),
        onStatus: status => this.progress.status(`Validating ${args.file}: ${status}`),
      }),
      {view: cpiUploadView, resume: id => `workerctl cpi status ${id} --wait`},
    )
    await this.output(uploaded, cpiUploadView)
    if (uploaded.result === 'submitted') this.out.note(`Follow it with: workerctl cpi status ${uploaded.requestId} --wait`)
  }
}
