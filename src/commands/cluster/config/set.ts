import {Args, Flags} from '@oclif/core'
import {setConfigSection} from '../../../api/corda/ops/config-set.js'
import {ServiceCommand} from '../../../cli/service-command.js'
import {UsageError} from '../../../errors.js'
import {configChangeView} from '../../../format/rbac.js'
import {readDataFile} from '../../../input/data-file.js'

export default class ClusterConfigSet extends ServiceCommand {
  static override summary = 'Set one section of the cluster configuration from a YAML or JSON file'
  static override description = `The file becomes the section's whole source configuration, as Corda's PUT does (defaults fill in the rest): start from \`cluster config get SECTION\`. Reads the current version and writes with it; if someone changed the section meanwhile (409) it reads again and retries once. The same configuration is "unchanged" and nothing is written.

JSON: {section, previousVersion, version, result, config}.`

  static override examples = [
    '<%= config.bin %> cluster config set corda.flow -f flow.yaml',
    'echo \'{"processing": {"maxRetryAttempts": 5}}\' | <%= config.bin %> cluster config set corda.flow -f -',
  ]

  static override args = {section: Args.string({required: true, description: 'section, e.g. corda.flow'})}
  static override flags = {file: Flags.string({char: 'f', required: true, description: 'YAML or JSON file of the configuration (- for stdin)'})}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ClusterConfigSet)
    const config = await readDataFile(flags.file)
    if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`${flags.file} must hold a mapping of configuration keys`)
    const corda = await this.corda()
    await this.output(await setConfigSection(corda, args.section, config), configChangeView)
  }
}
