// The life of a virtual node as corda-runtime-os 5.2.1 lives it (corda-rest.md §7, docs/sandbox-fidelity/corda-core.md).
// The REST worker only queues create, upgrade and DB-change requests; the DB worker's VirtualNodeAsyncOperationProcessor
// takes them from a Kafka topic, those with the same key one after another (`submit`), and its handlers check the
// database again when they run. Create statuses live in the REST worker's status cache (ACCEPTED written through at
// once); upgrade and DB-change statuses are rows the DB worker writes when it picks the request up, so they 404 until
// then. The endpoints are vnode-routes.ts.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {SandboxResponse} from '../http/router.js'
import type {CpiRecord, VNode, VNodeOperation} from './model.js'
import {CORDA_DELAYS} from './store.js'

/** ShortHash.parse (libs/crypto/crypto-core ShortHash.kt): exactly 12 hex characters, any case; upper-cased. */
export function parseShortHash(value: string): {shortHash: string} | {problem: string} {
  if (value.length !== 12) return {problem: `Hex string has length of ${value.length} but should be 12 characters`}
  if (!/^[0-9a-fA-F]+$/.test(value)) return {problem: `Not a hex string: '${value}'`}
  return {shortHash: value.toUpperCase()}
}

/** The vnode the REST worker's read model (VirtualNodeInfoReadService) has: persisted, and published by now. */
export function readableVNode(ctx: SandboxContext, shortHash: string, now: number): VNode | undefined {
  const vnode = ctx.corda.vnodes.get(shortHash)
  return vnode && now >= vnode.readableAt ? vnode : undefined
}

/**
 * `ShortHash.parseOrThrow` then the read model (VirtualNodeInfoRPCExtensions.kt): a bad short hash is 400
 * `Invalid holding identity short hash: …`; an unknown one is the endpoint's own 404.
 */
export function lookupVNode(
  ctx: SandboxContext,
  value: string,
  now: number,
  notFound: (value: string, shortHash: string) => SandboxResponse,
): {vnode: VNode} | {response: SandboxResponse} {
  const parsed = parseShortHash(value)
  if ('problem' in parsed) return {response: cordaError(400, `Invalid holding identity short hash: ${parsed.problem}`)}
  const vnode = readableVNode(ctx, parsed.shortHash, now)
  return vnode ? {vnode} : {response: notFound(value, parsed.shortHash)}
}

/** The vnode in the cluster database (what the DB worker's handlers find), by short hash. */
const persistedVNode = (ctx: SandboxContext, shortHash: string): VNode | undefined => ctx.corda.vnodes.get(shortHash.toUpperCase())

/**
 * Queues an async request under its Kafka key: the DB worker takes it up `vnodeOperationPickup` after it was sent,
 * or when the request before it with the same key is done. `job` runs then and returns when it is done.
 */
export function submit(ctx: SandboxContext, key: string, now: number, job: (start: number) => number): void {
  const {partitions} = ctx.corda
  const queue = partitions.get(key)
  if (queue) return void queue.push(job)
  partitions.set(key, [job])
  const run = (at: number) =>
    ctx.corda.schedule(at, () => {
      const pending = partitions.get(key)!
      const end = pending[0]!(at)
      ctx.corda.schedule(end, () => {
        pending.shift()
        if (pending.length > 0) run(end)
        else if (partitions.get(key) === pending) partitions.delete(key)
      })
    })
  run(now + CORDA_DELAYS.vnodeOperationPickup)
}

function setStatus(op: VNodeOperation, at: number, status: VNodeOperation['status'], fields: Partial<VNodeOperation> = {}): void {
  Object.assign(op, {status, lastUpdated: at, processingStage: null, errorReason: null, resourceId: null}, fields)
}

/**
 * POST /virtualnode after validation: ACCEPTED written through to the status cache (visible after
 * `vnodeStatusUnknown`, as on a REST worker that did not answer the POST, unless the id is already known), then the
 * request queued under the short hash. CreateVirtualNodeOperationHandler: IN_PROGRESS, then FAILED when a vnode with
 * that short hash is already in the database (a re-POST), else the vnode is persisted and published (readable
 * `vnodeReadLag` later) and the status SUCCEEDED with resourceId = short hash.
 */
export function requestCreate(ctx: SandboxContext, candidate: VNode, checksum: string, now: number): void {
  const requestId = candidate.shortHash
  const known = ctx.corda.operations.get(requestId)
  const op: VNodeOperation = known ?? {
    requestId,
    operation: 'CREATE_VIRTUAL_NODE',
    status: 'ACCEPTED',
    lastUpdated: now,
    visibleAt: now + CORDA_DELAYS.vnodeStatusUnknown,
    processingStage: null,
    errorReason: null,
    resourceId: null,
  }
  setStatus(op, now, 'ACCEPTED')
  ctx.corda.operations.set(requestId, op)
  submit(ctx, requestId, now, start => {
    setStatus(op, start, 'IN_PROGRESS')
    if (persistedVNode(ctx, candidate.shortHash)) {
      setStatus(op, start, 'FAILED', {errorReason: `Virtual node for CPI with file checksum ${checksum} and x500Name ${candidate.x500Name} already exists.`})
      return start
    }
    const done = start + CORDA_DELAYS.vnodeCreateRun
    ctx.corda.schedule(done, () => {
      ctx.corda.vnodes.set(candidate.shortHash, {...candidate, readableAt: done + CORDA_DELAYS.vnodeReadLag})
      setStatus(op, done, 'SUCCEEDED', {resourceId: requestId})
    })
    return done
  })
}

/** A row of the DB worker's virtual node operation table (upgrade, DB change): it exists once the request is picked up. */
function operationRow(ctx: SandboxContext, requestId: string, operation: VNodeOperation['operation'], at: number): VNodeOperation {
  const op: VNodeOperation = {requestId, operation, status: 'IN_PROGRESS', lastUpdated: at, visibleAt: at, processingStage: null, errorReason: null, resourceId: null}
  ctx.corda.operations.set(requestId, op) // the latest row for a request id wins
  return op
}

/**
 * VirtualNodeRepositoryImpl.failedOperation: with an operation in progress on the vnode (one a crashed DB worker left
 * behind), that operation's row is marked failed with this reason and released, and this request gets no row;
 * otherwise this request gets a FAILED row.
 */
function failOperation(ctx: SandboxContext, vnode: VNode, requestId: string, at: number, reason: string): void {
  const stuck = vnode.operationInProgress
  const row = stuck === null ? operationRow(ctx, requestId, 'UPGRADE_VIRTUAL_NODE', at) : (ctx.corda.operations.get(stuck) ?? operationRow(ctx, stuck, 'UPGRADE_VIRTUAL_NODE', at))
  setStatus(row, at, 'FAILED', {processingStage: 'Validation', errorReason: reason})
  vnode.operationInProgress = null
}

/**
 * PUT /virtualnode/{h}/cpi/{c} after the REST checks: queued under the short hash as sent.
 * VirtualNodeUpgradeOperationHandler validates when it runs (no operation in progress unless forced, in maintenance,
 * target CPI found, same group) and fails with VALIDATION_FAILED; else the vnode moves to the target CPI at once,
 * with operationInProgress = the request, and the operation completes after the migrations. The database finds the
 * vnode by the short hash as sent (`entityManager.find`, case-sensitive): one sent in lower case changes nothing and
 * its status never appears.
 */
export function requestUpgrade(ctx: SandboxContext, key: string, requestId: string, target: CpiRecord, force: boolean, now: number): void {
  submit(ctx, key, now, start => {
    const vnode = persistedVNode(ctx, key)
    if (!vnode || key !== key.toUpperCase()) return start
    const reject = (reason: string) => {
      failOperation(ctx, vnode, requestId, start, reason)
      return start
    }
    if (!force && vnode.operationInProgress !== null) return reject(`Operation ${vnode.operationInProgress} already in progress`)
    if (vnode.state !== 'MAINTENANCE') return reject('Virtual node must be in maintenance')
    const cpi = ctx.corda.cpis.find(c => c.fullChecksum === target.fullChecksum)
    if (!cpi) return reject(`CPI with file checksum ${target.fullChecksum} was not found`)
    const original = ctx.corda.cpiByIdentity(vnode.cpi.name, vnode.cpi.version, vnode.cpi.signerSummaryHash)
    if (original && original.groupId !== cpi.groupId) return reject(`Expected MGM GroupId ${original.groupId} but was ${cpi.groupId} in CPI`)
    const op = operationRow(ctx, requestId, 'UPGRADE_VIRTUAL_NODE', start)
    vnode.cpi = {name: cpi.name, version: cpi.version, signerSummaryHash: cpi.signerSummaryHash, checksum: cpi.checksum}
    vnode.operationInProgress = requestId
    const done = start + CORDA_DELAYS.vnodeUpgradeRun
    ctx.corda.schedule(done, () => {
      // completedOperation: only the operation the vnode still holds is completed.
      if (vnode.operationInProgress !== requestId) return
      vnode.operationInProgress = null
      setStatus(op, done, 'SUCCEEDED')
    })
    return done
  })
}

/** The six connections as UpdateVirtualNodeDbRequest names them, and where a vnode keeps each. */
export const CONNECTION_KEYS = {
  vaultDdlConnection: 'vaultDdl',
  vaultDmlConnection: 'vaultDml',
  cryptoDdlConnection: 'cryptoDdl',
  cryptoDmlConnection: 'cryptoDml',
  uniquenessDdlConnection: 'uniquenessDdl',
  uniquenessDmlConnection: 'uniquenessDml',
} as const satisfies Record<string, keyof VNode['connections']>

export type ConnectionField = keyof typeof CONNECTION_KEYS

/**
 * PUT /virtualnode/{h}/db: queued under its own request id. UpdateVirtualNodeDbOperationHandler records IN_PROGRESS,
 * checks that no DDL connection comes without its DML one (FAILED, no stage), then replaces the connections given.
 */
export function requestDbChange(ctx: SandboxContext, vnode: VNode, requestId: string, given: ReadonlySet<ConnectionField>, now: number): void {
  submit(ctx, requestId, now, start => {
    const op = operationRow(ctx, requestId, 'CHANGE_VIRTUAL_NODE_DB', start)
    for (const kind of ['Vault', 'Crypto', 'Uniqueness'] as const) {
      const lower = kind.toLowerCase() as 'vault' | 'crypto' | 'uniqueness'
      if (given.has(`${lower}DdlConnection`) && !given.has(`${lower}DmlConnection`)) {
        setStatus(op, start, 'FAILED', {errorReason: `If ${kind} DDL connection is provided, ${kind} DML connection needs to be provided as well.`})
        return start
      }
    }
    const done = start + CORDA_DELAYS.vnodeDbChangeRun
    ctx.corda.schedule(done, () => {
      for (const field of given) vnode.connections[CONNECTION_KEYS[field]] = ctx.ids.uuid()
      setStatus(op, done, 'SUCCEEDED')
    })
    return done
  })
}

/** ACTIVE, or MAINTENANCE: its flows are killed at their next event (flow-lifecycle.ts), not now. */
export function setVNodeState(vnode: VNode, state: 'ACTIVE' | 'MAINTENANCE'): void {
  vnode.state = state
}
