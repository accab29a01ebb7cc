// The REGARDS worker manager (rs-worker-manager), through the gateway or directly (reference/worker-manager.md).
import type {HttpTransport} from '../http.js'
import {Configuration} from './configuration.js'
import {Requests} from './requests.js'
import {Settings} from './settings.js'
import type {WorkerManagerApi} from './types.js'
import {Workers} from './workers.js'

export const DEFAULT_SERVICE_PATH = '/api/v1/rs-worker-manager'

export class WorkerManagerClient implements WorkerManagerApi {
  private readonly prefix: string
  readonly requests: Requests = new Requests(this)
  readonly workers: Workers = new Workers(this)
  readonly settings: Settings = new Settings(this)
  readonly configuration: Configuration = new Configuration(this)

  constructor(
    readonly http: HttpTransport,
    servicePath = DEFAULT_SERVICE_PATH,
  ) {
    this.prefix = servicePath.replace(/\/+$/, '')
  }

  path(rest: string): string {
    return `${this.prefix}${rest}`
  }
}
