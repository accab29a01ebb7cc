// Flow endpoints (corda-rest.md §9) as FlowRestResourceImpl and FlowClassRestResourceImpl of corda-runtime-os
// 5.2.1 answer them: the flow classes of a vnode, start, status, result and list. How a started flow runs is
// flow-lifecycle.ts.
import {FLOW_STATUSES} from '../../shared/flow-status.js'
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {parseError, readBody} from './body.js'
import {FLOW_CLASSES, isTerminal, runFlow} from './flow-lifecycle.js'
import type {Flow, VNode} from './model.js'
import {mayStartFlow} from './rbac-auth.js'
import {cordaRoute, queryValue} from './route.js'
import {CORDA_DELAYS, iso} from './store.js'
import {lookupVNode} from './vnode-lifecycle.js'

/** RbacKeys.CLIENT_REQ_REGEX of corda-api 5.2.1.53, matched whole and ignoring case. */
const CLIENT_REQ_REGEX = '[-._A-Za-z0-9]{1,242}'
const CLIENT_REQUEST_ID = new RegExp(`^(?:${CLIENT_REQ_REGEX})$`, 'i')
const START_FIELDS = new Set(['clientRequestId', 'flowClassName', 'requestBody'])

/** getByHoldingIdentityShortHashOrThrow: 400 bad short hash, 404 `Virtual Node '<H>' not found.` */
const virtualNodeNotFound = (_value: string, shortHash: string) => cordaError(404, `Virtual Node '${shortHash}' not found.`)

export function registerFlows(router: Router, ctx: SandboxContext): void {
  const settle = () => {
    const now = ctx.clock()
    ctx.corda.settle(now)
    return now
  }
  cordaRoute(router, ctx, 'GET', '/flowclass/{holdingidentityshorthash}', req => {
    const found = lookupVNode(ctx, req.params.holdingidentityshorthash!, settle(), virtualNodeNotFound)
    return 'vnode' in found ? {status: 200, body: {flowClassNames: [...FLOW_CLASSES]}} : found.response
  })
  cordaRoute(router, ctx, 'POST', '/flow/{holdingidentityshorthash}', req => start(ctx, req, settle()), {body: 'startFlow'})
  cordaRoute(router, ctx, 'GET', '/flow/{holdingidentityshorthash}', (req, version) => {
    const now = settle()
    const found = lookupVNode(ctx, req.params.holdingidentityshorthash!, now, virtualNodeNotFound)
    if (!('vnode' in found)) return found.response
    // The status filter exists from v5_2; older versions ignore the parameter. FlowStates.valueOf: exact names only.
    const wanted = version === 'v5_2' ? queryValue(req, 'status') : undefined
    if (wanted !== undefined && !(FLOW_STATUSES as readonly string[]).includes(wanted)) {
      // The message prints FlowStates.values(), a Java array: its type and identity hash, not the names.
      return cordaError(400, `Status to filter by is not found in list of valid statuses: [Lnet.corda.data.flow.output.FlowStates;@${ctx.ids.hex(8).toLowerCase()}`)
    }
    const flows = visibleFlows(ctx, found.vnode, now).filter(f => wanted === undefined || f.flowStatus === wanted)
    return {status: 200, body: {flowStatusResponses: flows.map(statusResponse)}}
  })
  cordaRoute(router, ctx, 'GET', '/flow/{holdingidentityshorthash}/{clientrequestid}', req => {
    const found = lookup(ctx, req, settle())
    return 'flow' in found ? {status: 200, body: statusResponse(found.flow)} : found.response
  })
  cordaRoute(router, ctx, 'GET', '/flow/{holdingidentityshorthash}/{clientrequestid}/result', req => {
    const found = lookup(ctx, req, settle())
    if (!('flow' in found)) return found.response
    return {status: isTerminal(found.flow) ? 200 : 202, body: resultResponse(found.flow)}
  })
}

/** The flows whose status the REST worker's status store has by now. */
function visibleFlows(ctx: SandboxContext, vnode: VNode, now: number): Flow[] {
  return [...ctx.corda.flowsOf(vnode.shortHash).values()].filter(f => now >= f.visibleAt)
}

function lookup(ctx: SandboxContext, req: SandboxRequest, now: number): {flow: Flow} | {response: SandboxResponse} {
  const h = req.params.holdingidentityshorthash!
  const found = lookupVNode(ctx, h, now, virtualNodeNotFound)
  if (!('vnode' in found)) return found
  const id = req.params.clientrequestid!
  const flow = ctx.corda.flowsOf(found.vnode.shortHash).get(id)
  if (!flow || now < flow.visibleAt) {
    return {response: cordaError(404, `Failed to find the flow status for holdingId = ${h} and clientRequestId = ${id}.`)}
  }
  return {flow}
}

/** MessageFactoryImpl.createFlowStatusResponse: every field present, `flowError` null when there is none. */
function statusResponse(f: Flow) {
  return {
    holdingIdentityShortHash: f.holdingIdentityShortHash,
    clientRequestId: f.clientRequestId,
    flowId: f.flowId,
    flowStatus: f.flowStatus,
    flowResult: f.flowResult,
    flowError: f.flowError,
    timestamp: iso(f.updated),
  }
}

/** MessageFactoryImpl.createFlowResultResponse: the result parsed when it is JSON, else the text; null if none. */
function resultResponse(f: Flow) {
  let json: unknown = null
  if (f.flowResult !== null) {
    try {
      json = JSON.parse(f.flowResult)
    } catch {
      json = f.flowResult
    }
  }
  return {
    holdingIdentityShortHash: f.holdingIdentityShortHash,
    clientRequestId: f.clientRequestId,
    flowId: f.flowId,
    flowStatus: f.flowStatus,
    json,
    flowError: f.flowError,
    timestamp: iso(f.updated),
  }
}

/**
 * FlowRestResourceImpl.startFlow, in its order: the body (Jackson), the vnode (400/404), 405 when flow starts are
 * not operational, the clientRequestId pattern (400), 409 when the status store has the id, 400 when the class is
 * not startable, then the StartFlow permission (403), last.
 */
function start(ctx: SandboxContext, req: SandboxRequest, now: number): SandboxResponse {
  const h = req.params.holdingidentityshorthash!
  const read = readBody(req.body, {parameter: 'startFlow', className: 'StartFlowParameters', fields: START_FIELDS, requiredStrings: ['clientRequestId', 'flowClassName']})
  if ('error' in read) return read.error
  const {fields} = read
  if (fields.requestBody === undefined || fields.requestBody === null) return parseError('startFlow', 'Missing required field requestBody', 'MissingKotlinParameterException')
  const found = lookupVNode(ctx, h, now, virtualNodeNotFound)
  if (!('vnode' in found)) return found.response
  const {vnode} = found
  if (vnode.state !== 'ACTIVE') return cordaError(405, `Flow start capabilities of virtual node ${h} are not operational.`)
  const clientRequestId = fields.clientRequestId as string
  const flowClassName = fields.flowClassName as string
  if (!CLIENT_REQUEST_ID.test(clientRequestId)) {
    return cordaError(400, `Supplied clientRequestId ${clientRequestId} is invalid, it must conform to the pattern ${CLIENT_REQ_REGEX}.`)
  }
  const flows = ctx.corda.flowsOf(vnode.shortHash)
  const existing = flows.get(clientRequestId)
  if (existing && now >= existing.visibleAt) return cordaError(409, 'A flow has already been started for the requested holdingId and clientRequestId.')
  if (!FLOW_CLASSES.includes(flowClassName)) {
    return cordaError(400, `The flow that was requested (${flowClassName}) is not in the list of startable flows for this holding identity.`, {
      'CPI-name': vnode.cpi.name,
      'CPI-version': vnode.cpi.version,
      'CPI-signer-summary-hash': vnode.cpi.signerSummaryHash,
      'virtual-node': vnode.x500Name,
      'group-id': vnode.groupId,
      startableFlows: FLOW_CLASSES.join(','),
    })
  }
  if (!mayStartFlow(ctx, req.principal!, vnode.shortHash, flowClassName)) {
    return cordaError(403, `User ${req.principal} is not allowed to start a flow: ${flowClassName}.`)
  }
  // Started again before its status was stored: published again, and the flow mapper drops the duplicate start.
  if (existing) return {status: 202, body: statusResponse({...existing, flowStatus: 'START_REQUESTED', flowId: null, flowResult: null, flowError: null, updated: now})}

  const flow: Flow = {
    holdingIdentityShortHash: vnode.shortHash,
    clientRequestId,
    flowClassName,
    flowId: null,
    flowStatus: 'START_REQUESTED',
    flowResult: null,
    flowError: null,
    updated: now,
    visibleAt: now + CORDA_DELAYS.flowStatusLag,
  }
  flows.set(clientRequestId, flow)
  runFlow(ctx, vnode, flow, fields.requestBody, now)
  return {status: 202, body: statusResponse(flow)}
}
