// REGARDS worker-manager state: configured worker and workflow types, the skipContentTypes setting, and the
// worker instances whose heartbeats the manager's cache sees (worker-manager.md §7, §8).
// Heartbeats are lazy: a running pool "beats" continuously (its last heartbeat is now); a stopped pool's last
// heartbeat is when it stopped, so the manager still believes in it for HEARTBEAT_EXPIRY_MS of sandbox time.

export interface WorkerConfig {
  workerType: string
  contentTypeInputs: string[]
  contentTypeOutput: string | null
  keepErrors: boolean
}

export interface WorkflowConfig {
  workflowType: string
  keepErrors: boolean
  steps: Array<{stepNumber: number; workerType: string}>
}

/** The spec's `WorkerTypeAlive`. */
export interface WorkerTypeAlive {
  workerType: string
  nbInstance: number
}

/** `regards.workermanager.cache.expiration.heartbeat`: an instance counts while its heartbeat is younger. */
export const HEARTBEAT_EXPIRY_MS = 60_000

/** The instances of one worker type. */
export interface WorkerPool {
  workerType: string
  instances: number
  /** null while the instances run (and beat); else the time they stopped, i.e. their last heartbeat. */
  stoppedAt: number | null
}

/** What the /_sandbox/workers endpoints answer for a worker type. */
export interface WorkerState {
  workerType: string
  configured: boolean
  contentTypeInputs: string[]
  /** Instances started (alive or not). */
  instances: number
  /** Whether the instances run and send heartbeats. */
  beating: boolean
  /** Whether the manager counts them (`GET /workers` lists the type). */
  alive: boolean
  lastHeartbeat: string | null
  /** Stopped but still counted: when the manager will drop the type. */
  deadAt: string | null
}

export class Workers {
  readonly configs = new Map<string, WorkerConfig>()
  readonly workflows = new Map<string, WorkflowConfig>()
  readonly pools = new Map<string, WorkerPool>()
  /** Tenant setting skipContentTypes: requests of these types are skipped at reception. */
  skipContentTypes: string[] = []

  /** Starts `instances` instances of a type beating now (or sets the count of a pool already running). */
  start(workerType: string, instances?: number): WorkerPool {
    const pool = this.pools.get(workerType)
    const count = instances ?? (pool && pool.instances > 0 ? pool.instances : 1)
    const started: WorkerPool = {workerType, instances: count, stoppedAt: null}
    this.pools.set(workerType, started)
    return started
  }

  /** Its instances stop beating at `now`; `immediately`: as if the last heartbeat were already expired. */
  stop(workerType: string, now: number, immediately = false): WorkerPool | undefined {
    const pool = this.pools.get(workerType)
    if (!pool) return undefined
    const stoppedAt = immediately ? now - HEARTBEAT_EXPIRY_MS : (pool.stoppedAt ?? now)
    pool.stoppedAt = Math.min(stoppedAt, pool.stoppedAt ?? stoppedAt)
    return pool
  }

  /** Instances run and process messages at `now` (not the same as the manager believing them alive). */
  isBeating(workerType: string): boolean {
    const pool = this.pools.get(workerType)
    return pool !== undefined && pool.instances > 0 && pool.stoppedAt === null
  }

  lastHeartbeat(workerType: string, now: number): number | undefined {
    const pool = this.pools.get(workerType)
    if (!pool || pool.instances <= 0) return undefined
    return pool.stoppedAt ?? now
  }

  /** As the manager's heartbeat cache sees it at `now`. */
  isAlive(workerType: string, now: number): boolean {
    const last = this.lastHeartbeat(workerType, now)
    return last !== undefined && now - last < HEARTBEAT_EXPIRY_MS
  }

  /**
   * As `GET /workers` answers: only types with live instances (a dead type is absent, never `nbInstance: 0`);
   * with content types, only types whose configured inputs contain one of them.
   */
  alive(contentTypes: string[] | undefined, now: number): WorkerTypeAlive[] {
    const wanted = contentTypes && contentTypes.length > 0 ? new Set(contentTypes) : undefined
    const out: WorkerTypeAlive[] = []
    for (const pool of this.pools.values()) {
      if (!this.isAlive(pool.workerType, now)) continue
      if (wanted && !this.configs.get(pool.workerType)?.contentTypeInputs.some(ct => wanted.has(ct))) continue
      out.push({workerType: pool.workerType, nbInstance: pool.instances})
    }
    return out
  }

  /** The worker type whose config takes this content type as input. */
  workerFor(contentType: string): WorkerConfig | undefined {
    for (const config of this.configs.values()) if (config.contentTypeInputs.includes(contentType)) return config
    return undefined
  }

  state(workerType: string, now: number): WorkerState {
    const pool = this.pools.get(workerType)
    const config = this.configs.get(workerType)
    const last = this.lastHeartbeat(workerType, now)
    const alive = this.isAlive(workerType, now)
    return {
      workerType,
      configured: config !== undefined,
      contentTypeInputs: config ? [...config.contentTypeInputs] : [],
      instances: pool?.instances ?? 0,
      beating: this.isBeating(workerType),
      alive,
      lastHeartbeat: last === undefined ? null : new Date(last).toISOString(),
      deadAt: alive && pool?.stoppedAt != null ? new Date(pool.stoppedAt + HEARTBEAT_EXPIRY_MS).toISOString() : null,
    }
  }

  /** Every configured type and every type with instances, configured ones first. */
  states(now: number): WorkerState[] {
    const names = [...new Set([...this.configs.keys(), ...this.pools.keys()])]
    return names.map(name => this.state(name, now))
  }
}

/** A small LTA pipeline with one configured type that has no live instance, so `worker check` has something to find. */
export function seededWorkers(): Workers {
  const workers = new Workers()
  const configs: Array<[WorkerConfig, number]> = [
    [{workerType: 'lta-product-zip-extraction-worker', contentTypeInputs: ['lta-to-extract-request'], contentTypeOutput: 'lta-extracted-request', keepErrors: true}, 2],
    [{workerType: 'lta-sip-generator-worker', contentTypeInputs: ['lta-extracted-request'], contentTypeOutput: null, keepErrors: true}, 1],
    [{workerType: 'ingest-checker-worker', contentTypeInputs: ['ingest-check-request'], contentTypeOutput: null, keepErrors: true}, 0],
  ]
  for (const [config, instances] of configs) {
    workers.configs.set(config.workerType, config)
    if (instances > 0) workers.start(config.workerType, instances)
  }
  workers.workflows.set('lta-request', {
    workflowType: 'lta-request',
    keepErrors: true,
    steps: [
      {stepNumber: 1, workerType: 'lta-product-zip-extraction-worker'},
      {stepNumber: 2, workerType: 'lta-sip-generator-worker'},
    ],
  })
  return workers
}
