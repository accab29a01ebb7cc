// Builds each service's client from the context, its secrets and the command's flags, on first use only.
import {readFile} from 'node:fs/promises'
import type {CordaClient} from '../api/corda/client.js'
import type {CordaApiVersion} from '../api/corda/types.js'
import {ApiError, SERVICE_LABEL, type ServiceName} from '../api/errors.js'
import type {ServiceHealth} from '../api/health.js'
import type {Auth, HttpTransport, TransportOptions} from '../api/http.js'
import type {JobServiceClient} from '../api/jobservice/client.js'
import type {CachedToken} from '../api/workermanager/auth.js'
import type {WorkerManagerClient} from '../api/workermanager/client.js'
import type {ResolvedContext} from '../config/context.js'
import type {Credentials, SecretKey} from '../config/credentials.js'
import {readJsonIfExists, writeFileAtomic} from '../config/files.js'
import {cacheFile} from '../config/paths.js'
import {AuthError, UsageError, WorkerctlError} from '../errors.js'

export interface ClientFactoryOptions {
  context: ResolvedContext
  credentials: Credentials
  /** Secrets not stored yet (login verifies them before saving); they win over the store. */
  secrets?: Partial<Record<SecretKey, string>>
  /** --insecure and --ca-cert apply to every service of the context. */
  insecure?: boolean
  caCert?: string
  signal: AbortSignal
  deadline: number
  trace?: (line: string) => void
  warn: (message: string) => void
  userAgent: string
}

type VersionCache = Record<string, {version: CordaApiVersion; detectedAt: string}>

/** A detected Corda version is trusted for a day; `cluster status` always probes afresh. */
const VERSION_CACHE_MS = 24 * 3_600_000

const FLAG_FOR: Record<ServiceName, string> = {corda: '--corda-url', workerManager: '--wm-url', jobService: '--jobs-url'}

export class ClientFactory {
  private readonly transports: HttpTransport[] = []
  private readonly built = new Map<ServiceName, Promise<unknown>>()
  private warnedInsecure = false

  constructor(private readonly options: ClientFactoryOptions) {}

  get contextName(): string {
    return this.options.context.name
  }

  /** The services this context configures, in a fixed order. */
  configured(): ServiceName[] {
    const s = this.options.context.settings
    return (['corda', 'workerManager', 'jobService'] as const).filter(name => s[name] !== undefined)
  }

  corda(options: {probe?: boolean} = {}): Promise<CordaClient> {
    return this.once('corda', () => this.buildCorda(options.probe ?? false))
  }

  workerManager(): Promise<WorkerManagerClient> {
    return this.once('workerManager', () => this.buildWorkerManager())
  }

  jobService(): Promise<JobServiceClient> {
    return this.once('jobService', () => this.buildJobService())
  }

  /** Checks each service in parallel (`cluster status`, `login`): reachable, TLS, authenticated, one fact worth knowing. */
  async check(services = this.configured()): Promise<ServiceHealth[]> {
    const {checkCorda, checkJobService, checkWorkerManager} = await import('../api/health.js')
    return Promise.all(
      services.map(async (service): Promise<ServiceHealth> => {
        const settings = this.settings(service)
        const probe = {url: settings.url, insecure: Boolean(this.options.insecure || settings.insecure)}
        try {
          if (service === 'corda') return await checkCorda(await this.corda({probe: true}), probe)
          if (service === 'workerManager') return await checkWorkerManager(await this.workerManager(), probe)
          return await checkJobService(await this.jobService(), probe)
        } catch (error) {
          // No credentials, say: that service is not authenticated, rather than the whole check failing.
          if (!(error instanceof WorkerctlError) || error instanceof ApiError) throw error
          return {service, url: probe.url, healthy: false, reachable: false, tls: 'unknown', authenticated: false, latencyMs: null, error: error.message, hint: error.hint}
        }
      }),
    )
  }

  close(): void {
    for (const t of this.transports) t.close()
  }

  private once<T>(service: ServiceName, build: () => Promise<T>): Promise<T> {
    let client = this.built.get(service)
    if (!client) {
      client = build()
      this.built.set(service, client)
    }
    return client as Promise<T>
  }

  private settings<S extends ServiceName>(service: S) {
    const settings = this.options.context.settings[service]
    if (!settings) {
      throw new UsageError(
        `context "${this.contextName}" has no ${SERVICE_LABEL[service]} configured`,
        `add it with \`workerctl context set ${this.contextName} ${FLAG_FOR[service]} URL\``,
      )
    }
    return settings
  }

  private async transport(service: ServiceName, auth?: (t: HttpTransport) => Promise<Auth | undefined>, extra: Partial<TransportOptions> = {}): Promise<HttpTransport> {
    const settings = this.settings(service)
    const insecure = this.options.insecure || settings.insecure
    const caPath = this.options.caCert ?? settings.caCert
    let caCert: string | undefined
    if (caPath) {
      try {
        caCert = await readFile(caPath, 'utf8')
      } catch (error) {
        throw new UsageError(`--ca-cert: cannot read ${caPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
      }
      if (!caCert.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca-cert: ${caPath} is not a PEM certificate`)
    }
    if (insecure && !this.warnedInsecure && /^https:/i.test(settings.url)) {
      this.warnedInsecure = true
      this.options.warn('TLS certificate verification is off (--insecure): anyone on the path can read and change this traffic')
    }
    const {HttpTransport} = await import('../api/http.js')
    const transport = new HttpTransport({
      service,
      url: settings.url,
      caCert,
      insecure,
      signal: this.options.signal,
      deadline: this.options.deadline,
      trace: this.options.trace,
      userAgent: this.options.userAgent,
      ...extra,
    })
    this.transports.push(transport)
    transport.authenticateWith(await auth?.(transport))
    return transport
  }

  private async secret(key: SecretKey): Promise<string | undefined> {
    return this.options.secrets?.[key] ?? (await this.options.credentials.get(this.contextName, key))?.value
  }

  private async buildCorda(probe: boolean): Promise<CordaClient> {
    const settings = this.settings('corda')
    const password = await this.secret('corda-password')
    if (!settings.username || password === undefined) {
      throw new AuthError(
        `no Corda ${settings.username ? 'password' : 'username'} for context "${this.contextName}"`,
        `run \`workerctl login --context ${this.contextName}\`, or set ${settings.username ? 'WORKERCTL_CORDA_PASSWORD' : 'WORKERCTL_CORDA_USERNAME'}`,
      )
    }
    const {basicAuth} = await import('../api/auth.js')
    const {CordaClient} = await import('../api/corda/client.js')
    const transport = await this.transport('corda', async () => basicAuth(settings.username!, password))
    const key = `${this.contextName} ${settings.url}`
    const cache = probe ? undefined : (await readJsonIfExists<{corda?: VersionCache}>(cacheFile()))?.corda?.[key]
    const fresh = cache && Date.now() - Date.parse(cache.detectedAt) < VERSION_CACHE_MS ? cache.version : undefined
    return new CordaClient(transport, {
      apiVersion: settings.apiVersion ?? 'auto',
      cachedVersion: fresh,
      onDetected: async version => {
        const data = (await readJsonIfExists<{corda?: VersionCache}>(cacheFile())) ?? {}
        data.corda = {...data.corda, [key]: {version, detectedAt: new Date().toISOString()}}
        await writeFileAtomic(cacheFile(), JSON.stringify(data, null, 2))
      },
    })
  }

  private async buildWorkerManager(): Promise<WorkerManagerClient> {
    const settings = this.settings('workerManager')
    const staticToken = await this.secret('wm-token')
    const password = await this.secret('wm-password')
    if (!staticToken && (!settings.username || password === undefined)) {
      throw new AuthError(
        `no REGARDS ${settings.username ? 'password' : 'username'} for context "${this.contextName}"`,
        `run \`workerctl login --context ${this.contextName}\`, or set WORKERCTL_WM_PASSWORD (or WORKERCTL_WM_TOKEN)`,
      )
    }
    const clientSecret = (await this.secret('wm-client-secret')) ?? 'secret'
    const {RegardsOAuth} = await import('../api/workermanager/auth.js')
    const {WorkerManagerClient} = await import('../api/workermanager/client.js')
    const credentials = this.options.credentials
    const context = this.contextName
    // A cached token is reused only for the same gateway, tenant, user, client and password: another password (say,
    // a wrong one in WORKERCTL_WM_PASSWORD) must not be hidden by a token the right one obtained earlier.
    const {createHash} = await import('node:crypto')
    const owner = createHash('sha256')
      .update(JSON.stringify([settings.url, settings.tenant, settings.username, settings.oauthClient, password ?? '']))
      .digest('hex')
      .slice(0, 16)
    const transport = await this.transport(
      'workerManager',
      async t =>
        new RegardsOAuth(t, {
          tenant: settings.tenant ?? '',
          username: settings.username ?? '',
          password,
          staticToken,
          clientId: settings.oauthClient ?? 'client',
          clientSecret,
          cache: {
            load: async () => {
              const raw = (await credentials.get(context, 'wm-session'))?.value
              const cached = raw ? (JSON.parse(raw) as CachedToken & {owner?: string}) : undefined
              return cached?.owner === owner ? cached : undefined
            },
            save: async token => {
              await credentials.set(context, 'wm-session', JSON.stringify({...token, owner}))
            },
          },
        }),
    )
    return new WorkerManagerClient(transport, settings.servicePath)
  }

  private async buildJobService(): Promise<JobServiceClient> {
    const settings = this.settings('jobService')
    const token = await this.secret('jobs-token')
    const {bearerAuth} = await import('../api/auth.js')
    const {JobServiceClient, correlationHeaders} = await import('../api/jobservice/client.js')
    const transport = await this.transport('jobService', async () => (token ? bearerAuth(token) : undefined), {requestHeaders: correlationHeaders})
    return new JobServiceClient(transport, settings.partition ?? 'default')
  }
}
