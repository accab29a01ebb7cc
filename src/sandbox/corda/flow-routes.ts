// Flow endpoints (corda-rest.md §9): the flow classes of a vnode, start, status, result and list. How a started
// flow runs is flow-lifecycle.ts.
import {FLOW_STATUSES} from '../../shared/flow-status.js'
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {parseError, readBody} from './body.js'
import {FLOW_CLASSES, isTerminal, runFlow} from './flow-lifecycle.js'
import type {Flow} from './model.js'
import {mayStartFlow} from './rbac-auth.js'
import {cordaRoute, queryValue} from './route.js'
import {iso} from './store.js'
import {findVNode} from './vnode-lifecycle.js'
import {vnodeNotFound} from './vnode-routes.js'

const CLIENT_REQUEST_ID = /^[-._A-Za-z0-9]{1,242}$/
const START_FIELDS = new Set(['clientRequestId', 'flowClassName', 'requestBody'])

export function registerFlows(router: Router, ctx: SandboxContext): void {
  const settle = () => {
    const now = ctx.clock()
    ctx.corda.settle(now)
    return now
  }
  cordaRoute(router, ctx, 'GET', '/flowclass/{holdingidentityshorthash}', req => {
    settle()
    const h = req.params.holdingidentityshorthash!
    if (!findVNode(ctx, h)) return vnodeNotFound(h)
    return {status: 200, body: {flowClassNames: [...FLOW_CLASSES]}}
  })
  cordaRoute(router, ctx, 'POST', '/flow/{holdingidentityshorthash}', req => start(ctx, req, settle()), {body: 'startFlow'})
  cordaRoute(router, ctx, 'GET', '/flow/{holdingidentityshorthash}', (req, version) => {
    settle()
    const h = req.params.holdingidentityshorthash!
    const vnode = findVNode(ctx, h)
    if (!vnode) return vnodeNotFound(h)
    // The status filter exists from v5_2; older versions ignore the parameter.
    const wanted = version === 'v5_2' ? queryValue(req, 'status') : undefined
    if (wanted !== undefined && !(FLOW_STATUSES as readonly string[]).includes(wanted)) {
      return cordaError(400, `Invalid flow status "${wanted}".`)
    }
    const flows = [...ctx.corda.flowsOf(vnode.shortHash).values()].filter(f => wanted === undefined || f.flowStatus === wanted)
    return {status: 200, body: {flowStatusResponses: flows.map(statusResponse)}}
  })
  cordaRoute(router, ctx, 'GET', '/flow/{holdingidentityshorthash}/{clientrequestid}', req => {
    settle()
    const found = lookup(ctx, req)
    return 'flow' in found ? {status: 200, body: statusResponse(found.flow)} : found.response
  })
  cordaRoute(router, ctx, 'GET', '/flow/{holdingidentityshorthash}/{clientrequestid}/result', req => {
    settle()
    const found = lookup(ctx, req)
    if (!('flow' in found)) return found.response
    return {status: isTerminal(found.flow) ? 200 : 202, body: resultResponse(found.flow)}
  })
}

function lookup(ctx: SandboxContext, req: SandboxRequest): {flow: Flow} | {response: SandboxResponse} {
  const h = req.params.holdingidentityshorthash!
  const vnode = findVNode(ctx, h)
  if (!vnode) return {response: vnodeNotFound(h)}
  const id = req.params.clientrequestid!
  const flow = ctx.corda.flowsOf(vnode.shortHash).get(id)
  if (!flow) return {response: cordaError(404, `Flow with client request id ${id} for holding identity ${vnode.shortHash} not found.`)}
  return {flow}
}

/** `flowError` is left out when there is none: the spec types it as a non-nullable reference. */
function statusResponse(f: Flow) {
  return {
    holdingIdentityShortHash: f.holdingIdentityShortHash,
    clientRequestId: f.clientRequestId,
    flowId: f.flowId,
    flowStatus: f.flowStatus,
    flowResult: f.flowResult,
    ...(f.flowError ? {flowError: f.flowError} : {}),
    timestamp: iso(f.updated),
  }
}

function resultResponse(f: Flow) {
  let json: unknown = null
  if (f.flowStatus === 'COMPLETED' && f.flowResult !== null) {
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
    ...(f.flowError ? {flowError: f.flowError} : {}),
    timestamp: iso(f.updated),
  }
}

function start(ctx: SandboxContext, req: SandboxRequest, now: number): SandboxResponse {
  const h = req.params.holdingidentityshorthash!
  const read = readBody(req.body, {parameter: 'startFlow', className: 'StartFlowParameters', fields: START_FIELDS, requiredStrings: ['clientRequestId', 'flowClassName']})
  if ('error' in read) return read.error
  const {fields} = read
  if (fields.requestBody === undefined || fields.requestBody === null) return parseError('startFlow', 'Missing required field requestBody', 'MissingKotlinParameterException')
  const vnode = findVNode(ctx, h)
  if (!vnode) return vnodeNotFound(h)
  const clientRequestId = fields.clientRequestId as string
  const flowClassName = fields.flowClassName as string
  if (!CLIENT_REQUEST_ID.test(clientRequestId)) return cordaError(400, `Invalid client request ID "${clientRequestId}": it must match [-._A-Za-z0-9]{1,242}.`)
  if (vnode.state !== 'ACTIVE') return cordaError(405, `Flow start capabilities of virtual node ${vnode.shortHash} are not operational.`)
  const flows = ctx.corda.flowsOf(vnode.shortHash)
  if (flows.has(clientRequestId)) return cordaError(409, 'A flow has already been started with for the requested holdingId and clientRequestId')
  if (!FLOW_CLASSES.includes(flowClassName)) {
    return cordaError(400, `The flow that was requested (${flowClassName}) is not in the list of startable flows for this holding identity.`, {
      startableFlows: FLOW_CLASSES.join(','),
    })
  }
  if (!mayStartFlow(ctx, req.principal!, vnode.shortHash, flowClassName)) {
    return cordaError(403, `User ${req.principal} is not allowed to start a flow: ${flowClassName}.`)
  }

  const flow: Flow = {
    holdingIdentityShortHash: vnode.shortHash,
    clientRequestId,
    flowClassName,
    flowId: null,
    flowStatus: 'START_REQUESTED',
    flowResult: null,
    flowError: null,
    updated: now,
  }
  flows.set(clientRequestId, flow)
  runFlow(ctx, flow, fields.requestBody, now)
  return {status: 202, body: statusResponse(flow)}
}
