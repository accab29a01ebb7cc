// The sandbox server: one local process emulating Corda, the REGARDS worker manager (with its token
// endpoint) and the Job Service on their real paths (PRODUCT.md §7). `sandbox start` and the tests call this.
import {createServer as createHttpServer, type Server} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo, Socket} from 'node:net'
import {createContext, type SandboxContext} from './context.js'
import {registerCorda} from './corda/routes.js'
import {CORDA_VERSIONS, type CordaVersion} from './corda/versions.js'
import {adminRoutes} from './http/admin.js'
import {Faults} from './http/faults.js'
import {RequestLog} from './http/log.js'
import {requestHandler} from './http/pipeline.js'
import {Router} from './http/router.js'
import {selfSignedCertificate} from './http/tls.js'
import {registerJobService} from './jobservice/routes.js'
import {DEFAULT_SEEDED_JOBS} from './jobservice/seed.js'
import {registerOAuth} from './workermanager/oauth.js'
import {registerWorkerManager} from './workermanager/routes.js'
import {workerManagerControls} from './workermanager/sandbox-routes.js'
import {DEFAULT_SEEDED_REQUESTS, seedWorkerManager} from './workermanager/seed.js'

export interface SandboxOptions {
  port?: number // 0 or undefined = a free port
  host?: string // default '127.0.0.1'
  tls?: boolean // HTTPS with a self-signed certificate generated at start
  faults?: number // 0..1: that fraction of service requests meet a fault (503, reset, slow, lost reply); default 0
  seed?: number // seeds the PRNG used for faults and any generated ids; default 1
  username?: string // default 'admin' (Corda Basic auth and the REGARDS user)
  password?: string // default 'admin'
  tenant?: string // default 'sandbox'
  oauthClientId?: string // default 'client'
  oauthClientSecret?: string // default 'secret'
  tokenTtlSeconds?: number // default 3600
  maxUploadBytes?: number // Corda's corda.rest.maxContentLength; default 200,000,000
  requireSigner?: boolean // CPIs fail validation unless a code-signer certificate was imported; default false
  clock?: () => number // the time emulated async work follows; default Date.now (tests move their own)
  requests?: number // worker-manager requests received before start (seeded history); default 150
  jobs?: number // Job Service jobs seeded in partition `default` (deterministic from seed); default 40
  /** Corda API versions served (default all three, as 5.2); the others answer 404 like any unknown path. */
  cordaVersions?: CordaVersion[]
}

export interface SandboxServer {
  url: string // e.g. 'http://127.0.0.1:41234' (https:// with tls)
  port: number
  caPem?: string // with tls: the PEM of the certificate (self-signed, so it is its own CA) for --ca-cert
  log: RequestLog
  /** Injected failures, adjustable while running. */
  faults: Faults
  /** The emulated state and settings, for tests that arrange a situation directly. */
  context: SandboxContext
  close(): Promise<void> // stops accepting, destroys open sockets, resolves when closed
}

/** Every service module registers its routes here; later issues add theirs to this list. */
const SERVICES: Array<(router: Router, ctx: SandboxContext) => void> = [registerCorda, registerOAuth, registerWorkerManager, registerJobService]

/** Resolves once the server listens: it is ready to answer when this returns. */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxServer> {
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`)
  const host = options.host ?? '127.0.0.1'
  const seed = options.seed ?? 1
  const faults = new Faults(options.faults ?? 0, seed)
  const ctx = createContext(
    {
      username: options.username ?? 'admin',
      password: options.password ?? 'admin',
      tenant: options.tenant ?? 'sandbox',
      oauthClientId: options.oauthClientId ?? 'client',
      oauthClientSecret: options.oauthClientSecret ?? 'secret',
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    },
    seed,
  )
  if (options.clock) ctx.clock = options.clock
  if (options.maxUploadBytes !== undefined) ctx.corda.settings.maxUploadBytes = options.maxUploadBytes
  if (options.requireSigner !== undefined) ctx.corda.settings.requireSigner = options.requireSigner
  if (options.cordaVersions !== undefined) {
    const unknown = options.cordaVersions.filter(v => !(CORDA_VERSIONS as readonly string[]).includes(v))
    if (unknown.length > 0 || options.cordaVersions.length === 0) {
      throw new RangeError(`cordaVersions must list some of ${CORDA_VERSIONS.join(', ')}, got ${JSON.stringify(options.cordaVersions)}`)
    }
    ctx.corda.settings.versions = [...new Set(options.cordaVersions)]
  }
  seedWorkerManager(ctx, seed, options.requests ?? DEFAULT_SEEDED_REQUESTS)
  ctx.jobs.seed('default', options.jobs ?? DEFAULT_SEEDED_JOBS, seed)
  if (options.tls) ctx.scheme = 'https'
  const services = new Router()
  for (const register of SERVICES) register(services, ctx)

  const log = new RequestLog()
  const cert = options.tls ? await selfSignedCertificate() : undefined
  const admin = adminRoutes({log, startedAt: new Date().toISOString(), tls: cert !== undefined, faults})
  workerManagerControls(admin, ctx)
  const onRequest = requestHandler({services, admin, log, faults})
  const server: Server = cert ? createHttpsServer({key: cert.key, cert: cert.cert}, onRequest) : createHttpServer(onRequest)

  // Tracked so close() can end keep-alive and half-open connections at once (raw TCP sockets, TLS included).
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  await listen(server, port, host)
  server.on('error', error => process.stderr.write(`sandbox: server error: ${error.message}\n`))

  const bound = (server.address() as AddressInfo).port
  const hostInUrl = host.includes(':') ? `[${host}]` : host
  let closing: Promise<void> | undefined
  return {
    url: `${cert ? 'https' : 'http'}://${hostInUrl}:${bound}`,
    port: bound,
    ...(cert ? {caPem: cert.cert} : {}),
    log,
    faults,
    context: ctx,
    close: () =>
      (closing ??= new Promise<void>(resolve => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })),
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}
