import {Args} from '@oclif/core'
import type {ConfigImportResult} from '../../../api/workermanager/types.js'
import {ServiceCommand} from '../../../cli/service-command.js'
import {Exit, UsageError} from '../../../errors.js'
import {readDataFile} from '../../../input/data-file.js'

export default class WorkerConfigImport extends ServiceCommand {
  static override summary = 'Import a worker and workflow configuration (JSON or YAML, as `worker config export` writes it)'
  static override description = `Exit 0 when everything was imported; exit 8 when some or all of it was refused, with the service's reasons (a content type used by two workers, a workflow step naming a missing worker, …).`

  static override examples = ['<%= config.bin %> worker config import workers.json', '<%= config.bin %> worker config import workers.yaml -o json']
  static override args = {file: Args.string({required: true, description: 'the configuration file (- for stdin)'})}

  async run(): Promise<void> {
    const {args} = await this.parse(WorkerConfigImport)
    const config = await readDataFile(args.file)
    if (typeof config !== 'object' || config === null || !Array.isArray((config as {modules?: unknown}).modules)) {
      throw new UsageError(`${args.file} is not a microservice configuration (no "modules" list)`, 'start from `workerctl worker config export -f FILE`')
    }
    // The service answers 201 and imports nothing for another module's configuration, and 409 for an empty one.
    const modules = (config as {modules: Array<{module?: {id?: unknown}; configuration?: unknown}>}).modules
    const foreign = modules.find(m => m?.module?.id !== 'workermanager')
    if (modules.length === 0 || foreign) {
      throw new UsageError(
        `${args.file} holds no worker manager configuration${foreign ? ` (a module "${String(foreign.module?.id)}")` : ''}: the service would import nothing`,
        'start from `workerctl worker config export -f FILE`',
      )
    }
    if (modules.some(m => !Array.isArray(m.configuration) || m.configuration.length === 0)) {
      throw new UsageError(`${args.file} has a module with no configuration items: the service would refuse it`)
    }
    const wm = await this.workerManager()
    const result = await wm.configuration.import(JSON.stringify(config))
    await this.output(
      {...result, result: result.status === 201 ? 'imported' : result.status === 206 ? 'partial' : 'refused'},
      {
        text: (r: ConfigImportResult & {result: string}) => {
          const errors = r.reports.flatMap(rep => (rep.importErrors ?? []).map(e => `  ${rep.moduleInformation?.id ?? 'module'}: ${e}`))
          return r.status === 201 ? 'Imported.' : `${r.status === 206 ? 'Partly imported' : 'Nothing imported'}:\n${errors.join('\n')}`
        },
      },
    )
    if (result.status !== 201) this.setExitCode(Exit.FAILED)
  }
}
