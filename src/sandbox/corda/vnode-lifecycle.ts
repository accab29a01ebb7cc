// The life of a virtual node (corda-rest.md §7): its create operation (ACCEPTED → IN_PROGRESS → SUCCEEDED, with the
// transient 404s of the real status cache), upgrades and DB changes as operations, and maintenance, which kills its
// running flows. The endpoints are vnode-routes.ts.
import type {SandboxContext} from '../context.js'
import {isTerminal} from './flow-lifecycle.js'
import type {VNode, VNodeOperation} from './model.js'
import {CORDA_DELAYS} from './store.js'

/** A created vnode by short hash (any case), as the flow endpoints see it. */
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

/** ACTIVE, or MAINTENANCE: which kills the vnode's running flows. */
export function setVNodeState(ctx: SandboxContext, vnode: VNode, state: 'ACTIVE' | 'MAINTENANCE'): void {
  vnode.state = state
  if (state === 'MAINTENANCE') {
    const now = ctx.clock()
    for (const flow of ctx.corda.flowsOf(vnode.shortHash).values()) {
      // Corda records a kill as a terminated reason, not a flow error: flowError stays absent.
      if (!isTerminal(flow)) Object.assign(flow, {flowStatus: 'KILLED', updated: now})
    }
  }
}
