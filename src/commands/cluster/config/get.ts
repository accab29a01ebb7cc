import {Args, Flags} from '@oclif/core'
import {ServiceCommand} from '../../../cli/service-command.js'

export default class ClusterConfigGet extends ServiceCommand {
  static override summary = 'Show one section of the cluster configuration'
  static override description = `Prints the section's source configuration (what has been set) as YAML, or JSON with -o json; --with-defaults prints the configuration in force, defaults included. The output can be edited and given back to \`cluster config set\`.`

  static override examples = [
    '<%= config.bin %> cluster config get corda.flow',
    '<%= config.bin %> cluster config get corda.messaging --with-defaults -o json',
    '<%= config.bin %> cluster config get corda.flow > flow.yaml   # edit, then: cluster config set corda.flow -f flow.yaml',
  ]

  static override args = {section: Args.string({required: true, description: 'section, e.g. corda.flow (`cluster config sections`)'})}
  static override flags = {'with-defaults': Flags.boolean({description: 'the configuration in force, defaults included'})}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ClusterConfigGet)
    const corda = await this.corda()
    const section = await corda.config.get(args.section)
    const text = flags['with-defaults'] ? section.configWithDefaults : section.sourceConfig
    this.out.note(
      `# ${section.section} version ${section.version}, schema ${section.schemaVersion.major}.${section.schemaVersion.minor}${flags['with-defaults'] ? ', defaults included' : ''}`,
    )
    const config: unknown = text.trim() === '' ? {} : JSON.parse(text)
    const {stringify} = await import('yaml')
    await this.output(config, {text: c => stringify(c).trimEnd()})
  }
}
