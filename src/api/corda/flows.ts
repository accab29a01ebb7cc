// Flows: start (clientRequestId is an idempotency key), status, list, result, startable classes, wait.
import {ApiError} from '../errors.js'
import {poll, type WaitOptions} from '../wait.js'
import {hasCapability, requireCapability} from './capabilities.js'
import type {CordaApi, FlowResultResponse, FlowStatus, FlowStatusResponse, FlowStatusResponses, StartableFlowsResponse, StartFlowParameters} from './types.js'

/** A flow start's answer; `reused` when the clientRequestId had already started a flow (409) and this is its status. */
export type StartedFlow = FlowStatusResponse & {reused?: boolean}

const seg = encodeURIComponent

export class Flows {
  constructor(private readonly api: CordaApi) {}

  /** POST /flow/{h} → 202 FlowStatusResponse; a 409 (the id was used) returns that flow's status marked `reused`. */
  async start(shortHash: string, params: StartFlowParameters): Promise<StartedFlow> {
    const res = await this.api.http.request<FlowStatusResponse>({
      method: 'POST',
      path: await this.api.path(`/flow/${seg(shortHash)}`),
      json: params,
      accept: [409],
      idempotent: true, // the clientRequestId makes a repeat harmless: 409 → that flow's status
    })
    if (res.status === 409) return {...(await this.status(shortHash, params.clientRequestId)), reused: true}
    return res.data
  }

  async status(shortHash: string, clientRequestId: string): Promise<FlowStatusResponse> {
    return this.api.http.get<FlowStatusResponse>(await this.api.path(`/flow/${seg(shortHash)}/${seg(clientRequestId)}`))
  }

  /** Every flow of the vnode; the `status` filter needs v5_2. */
  async list(shortHash: string, options: {status?: FlowStatus} = {}): Promise<FlowStatusResponse[]> {
    if (options.status) requireCapability(await this.api.apiVersion(), 'flow.list.statusFilter')
    const res = await this.api.http.get<FlowStatusResponses>(await this.api.path(`/flow/${seg(shortHash)}`), {query: {status: options.status}})
    return res.flowStatusResponses
  }

  /** Flows a state change would kill: RUNNING and START_REQUESTED. */
  async inFlight(shortHash: string): Promise<FlowStatusResponse[]> {
    if (hasCapability(await this.api.apiVersion(), 'flow.list.statusFilter')) {
      const [running, requested] = await Promise.all([this.list(shortHash, {status: 'RUNNING'}), this.list(shortHash, {status: 'START_REQUESTED'})])
      return [...running, ...requested]
    }
    return (await this.list(shortHash)).filter(f => f.flowStatus === 'RUNNING' || f.flowStatus === 'START_REQUESTED')
  }

  /** GET …/result: 200 when terminal, 202 while START_REQUESTED/RUNNING (same body). */
  async result(shortHash: string, clientRequestId: string): Promise<FlowResultResponse> {
    return this.api.http.get<FlowResultResponse>(await this.api.path(`/flow/${seg(shortHash)}/${seg(clientRequestId)}/result`))
  }

  async classes(shortHash: string): Promise<string[]> {
    return (await this.api.http.get<StartableFlowsResponse>(await this.api.path(`/flowclass/${seg(shortHash)}`))).flowClassNames
  }

  /**
   * Polls until COMPLETED (returned) or FAILED/KILLED (OperationFailedError carrying the FlowStatusResponse).
   * A 404 within `graceMs` (10 s) of starting to wait is pending: the status is written asynchronously.
   */
  async waitForFlow(shortHash: string, clientRequestId: string, options: WaitOptions<FlowStatusResponse> = {}): Promise<FlowStatusResponse> {
    const graceMs = options.graceMs ?? 10_000
    return poll<FlowStatusResponse>({
      ...options,
      what: `flow ${clientRequestId}`,
      resumeId: clientRequestId,
      fetch: () => this.status(shortHash, clientRequestId),
      done: s => s.flowStatus === 'COMPLETED',
      failed: s => s.flowStatus === 'FAILED' || s.flowStatus === 'KILLED',
      reason: s => (s.flowError ? `${s.flowStatus} ${s.flowError.type}: ${s.flowError.message}` : s.flowStatus),
      transient: (error, elapsed) => elapsed < graceMs && error instanceof ApiError && error.status === 404,
    })
  }
}
