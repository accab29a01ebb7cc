// The Corda REST worker: Basic auth on every call, API version chosen once per context.
import {ApiError} from '../errors.js'
import type {HttpTransport} from '../http.js'
import {Certificates} from './certificates.js'
import {ClusterConfig} from './config.js'
import {Cpis} from './cpis.js'
import {Flows} from './flows.js'
import {Permissions} from './permissions.js'
import {Roles} from './roles.js'
import {CORDA_API_VERSIONS, type CordaApi, type CordaApiVersion} from './types.js'
import {Users} from './users.js'
import {VirtualNodes} from './vnodes.js'

export interface CordaClientOptions {
  /** A fixed version, or `auto` to probe `/api/<v>/swagger.json` newest first. */
  apiVersion: CordaApiVersion | 'auto'
  /** A version detected earlier for this context, reused so every command does not probe. */
  cachedVersion?: CordaApiVersion
  onDetected?: (version: CordaApiVersion) => void | Promise<void>
}

export class CordaClient implements CordaApi {
  private version?: CordaApiVersion
  readonly cpis: Cpis = new Cpis(this)
  readonly certificates: Certificates = new Certificates(this)
  readonly vnodes: VirtualNodes = new VirtualNodes(this)
  readonly flows: Flows = new Flows(this)
  readonly users: Users = new Users(this)
  readonly roles: Roles = new Roles(this)
  readonly permissions: Permissions = new Permissions(this)
  readonly config: ClusterConfig = new ClusterConfig(this)

  constructor(
    readonly http: HttpTransport,
    private readonly options: CordaClientOptions,
  ) {
    this.version = options.apiVersion === 'auto' ? options.cachedVersion : options.apiVersion
  }

  /** The API version this client talks; probes the cluster on first use when set to auto. */
  async apiVersion(): Promise<CordaApiVersion> {
    this.version ??= await this.detectVersion()
    return this.version
  }

  /** Asks the cluster which API versions it serves; swagger.json needs no credentials. */
  async detectVersion(): Promise<CordaApiVersion> {
    for (const version of CORDA_API_VERSIONS) {
      const res = await this.http.request<unknown>({method: 'GET', path: `/api/${version}/swagger.json`, authenticate: false, accept: [404]})
      if (res.status === 404) continue
      await this.options.onDetected?.(version)
      return version
    }
    throw new ApiError({
      service: 'corda',
      kind: 'http',
      status: 404,
      method: 'GET',
      url: `${this.http.url}/api/v1/swagger.json`,
      title: 'no Corda REST API found (swagger.json of v5_2, v5_1 and v1 all answered 404)',
      hint: 'the URL should be the REST worker itself, e.g. https://host:8888',
    })
  }

  async path(resource: string): Promise<string> {
    return `/api/${await this.apiVersion()}${resource}`
  }

  /** POST /hello: the cheapest authenticated call; answers raw text. */
  async hello(addressee = 'workerctl'): Promise<string> {
    return this.http.post<string>(await this.path('/hello'), {query: {addressee}, responseType: 'text', idempotent: true})
  }
}
