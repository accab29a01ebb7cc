// The life of a virtual node (corda-rest.md §7): its create operation (ACCEPTED → IN_PROGRESS → SUCCEEDED, with the
// transient 404s of the real status cache), upgrades and DB changes as operations, and maintenance, which kills its
// running flows. The endpoints are vnode-routes.ts.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {SandboxResponse} from '../http/router.js'
import type {VNode, VNodeOperation} from './model.js'
import {CORDA_DELAYS} from './store.js'

/** ShortHash.parse (libs/crypto/crypto-core ShortHash.kt): exactly 12 hex characters, any case; upper-cased. */
export function parseShortHash(value: string): {shortHash: string} | {problem: string} {
  if (value.length !== 12) return {problem: `Hex string has length of ${value.length} but should be 12 characters`}
  if (!/^[0-9a-fA-F]+$/.test(value)) return {problem: `Not a hex string: '${value}'`}
  return {shortHash: value.toUpperCase()}
}

/** The vnode the REST worker's read model (VirtualNodeInfoReadService) has: created, and published by now. */
export function readableVNode(ctx: SandboxContext, shortHash: string, now: number): VNode | undefined {
  const vnode = ctx.corda.vnodes.get(shortHash)
  return vnode?.created && now >= vnode.readableAt ? vnode : undefined
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

/** A created vnode by short hash (any case). */
export function findVNode(ctx: SandboxContext, shortHash: string): VNode | undefined {
  const vnode = ctx.corda.vnodes.get(shortHash.toUpperCase())
  return vnode?.created ? vnode : undefined
}

/** Stores a new vnode and starts its create operation; the vnode is created when the operation SUCCEEDED. */
export function createVNode(ctx: SandboxContext, vnode: VNode, now: number): void {
  ctx.corda.vnodes.set(vnode.shortHash, vnode)
  const op: VNodeOperation = {
    requestId: vnode.shortHash,
    operation: 'CREATE_VIRTUAL_NODE',
    resourceId: vnode.shortHash,
    status: 'ACCEPTED',
    lastUpdated: now,
    visibleAt: now + CORDA_DELAYS.vnodeStatusUnknown,
  }
  ctx.corda.operations.set(vnode.shortHash, op)
  ctx.corda.schedule(now + CORDA_DELAYS.vnodeCreateInProgress, () => Object.assign(op, {status: 'IN_PROGRESS', lastUpdated: now + CORDA_DELAYS.vnodeCreateInProgress}))
  ctx.corda.schedule(now + CORDA_DELAYS.vnodeCreateDone, () => {
    Object.assign(op, {status: 'SUCCEEDED', lastUpdated: now + CORDA_DELAYS.vnodeCreateDone})
    vnode.created = true
  })
}

/** An upgrade or DB change: ACCEPTED → IN_PROGRESS → SUCCEEDED, holding the vnode's operationInProgress meanwhile. */
export function runOperation(ctx: SandboxContext, vnode: VNode, requestId: string, operation: VNodeOperation['operation'], now: number, apply: () => void): void {
  vnode.operationInProgress = requestId
  const op: VNodeOperation = {requestId, operation, resourceId: vnode.shortHash, status: 'ACCEPTED', lastUpdated: now, visibleAt: now}
  ctx.corda.operations.set(requestId, op)
  const inProgress = now + CORDA_DELAYS.vnodeUpgradeInProgress
  const done = now + CORDA_DELAYS.vnodeUpgradeDone
  ctx.corda.schedule(inProgress, () => Object.assign(op, {status: 'IN_PROGRESS', lastUpdated: inProgress}))
  ctx.corda.schedule(done, () => {
    Object.assign(op, {status: 'SUCCEEDED', lastUpdated: done})
    apply()
    if (vnode.operationInProgress === requestId) vnode.operationInProgress = null
  })
}

/** ACTIVE, or MAINTENANCE: its flows are killed at their next event (flow-lifecycle.ts), not now. */
export function setVNodeState(vnode: VNode, state: 'ACTIVE' | 'MAINTENANCE'): void {
  vnode.state = state
}
