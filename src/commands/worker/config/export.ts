import {writeFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import {configuredTypes} from '../../../api/workermanager/configuration.js'
import {ServiceCommand} from '../../../cli/service-command.js'

export default class WorkerConfigExport extends ServiceCommand {
  static override summary = 'Export the worker and workflow configuration (JSON, or YAML by file extension)'
  static override examples = [
    '<%= config.bin %> worker config export -f workers.json',
    '<%= config.bin %> worker config export -f workers.yaml',
    '<%= config.bin %> worker config export -o yaml',
  ]

  static override flags = {file: Flags.string({char: 'f', description: 'write to this file (.yaml/.yml: YAML, else JSON) instead of stdout'})}

  async run(): Promise<void> {
    const {flags} = await this.parse(WorkerConfigExport)
    const wm = await this.workerManager()
    const config = await wm.configuration.export()
    if (!flags.file) return this.output(config)
    const yaml = /\.ya?ml$/i.test(flags.file)
    const text = yaml ? (await import('yaml')).stringify(config) : `${JSON.stringify(config, null, 2)}\n`
    await writeFile(flags.file, text)
    const {workers, workflows} = configuredTypes(config)
    this.out.note(`Wrote ${workers.length} worker type(s) and ${workflows.length} workflow(s) to ${flags.file}.`)
  }
}
