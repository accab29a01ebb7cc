// The life of a flow (corda-rest.md §9): a sandbox CPI offers a fixed set of flow classes; a started flow walks
// START_REQUESTED → RUNNING → COMPLETED/FAILED over time. Its status reaches the REST worker's status store a moment
// after the start is accepted. A flow whose vnode is in maintenance is KILLED at its next event, as the flow
// engine's FlowEventPipelineImpl does (flowError stays null). The endpoints are flow-routes.ts.
import type {SandboxContext} from '../context.js'
import type {Flow, VNode} from './model.js'
import {CORDA_DELAYS} from './store.js'

export const SANDBOX_FLOWS = {
  /** Completes with the request body as its result (a JSON string). */
  echo: 'com.r3.sandbox.EchoFlow',
  /** Runs for `seconds` of its request body (default CORDA_DELAYS.flowSlowDone), then completes. */
  slow: 'com.r3.sandbox.SlowFlow',
  /** Fails with a FLOW_FAILED error. */
  failing: 'com.r3.sandbox.FailingFlow',
} as const

export const FLOW_CLASSES: readonly string[] = Object.values(SANDBOX_FLOWS)

export function isTerminal(flow: Flow): boolean {
  return flow.flowStatus === 'COMPLETED' || flow.flowStatus === 'FAILED' || flow.flowStatus === 'KILLED'
}

/** SlowFlow's run time: `{"seconds": N}` in its request body (0 < N ≤ 86400), else the default. */
function slowFlowMs(requestBody: unknown): number {
  let body = requestBody
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      return CORDA_DELAYS.flowSlowDone
    }
  }
  const seconds = (body as {seconds?: unknown} | null)?.seconds
  return typeof seconds === 'number' && seconds > 0 && seconds <= 86_400 ? seconds * 1000 : CORDA_DELAYS.flowSlowDone
}

/** Schedules a started flow's way to its end: RUNNING, then COMPLETED or FAILED as its class does, or KILLED. */
export function runFlow(ctx: SandboxContext, vnode: VNode, flow: Flow, body: unknown, now: number): void {
  const {flowClassName} = flow
  const requestBody = typeof body === 'string' ? body : JSON.stringify(body)
  // Each event the flow engine processes first checks the vnode: not operational → the flow is killed.
  const event = (at: number, apply: () => void) =>
    ctx.corda.schedule(at, () => {
      if (isTerminal(flow)) return
      if (vnode.state !== 'ACTIVE') Object.assign(flow, {flowStatus: 'KILLED', updated: at})
      else apply()
    })
  const running = now + CORDA_DELAYS.flowRunning
  const done = now + (flowClassName === SANDBOX_FLOWS.slow ? slowFlowMs(body) : CORDA_DELAYS.flowDone)
  event(running, () => Object.assign(flow, {flowStatus: 'RUNNING', flowId: ctx.ids.uuid(), updated: running}))
  event(done, () => {
    if (flowClassName === SANDBOX_FLOWS.failing) {
      Object.assign(flow, {flowStatus: 'FAILED', updated: done, flowError: {type: 'FLOW_FAILED', message: `${flowClassName} failed: the sandbox's FailingFlow always fails.`}})
    } else {
      Object.assign(flow, {flowStatus: 'COMPLETED', updated: done, flowResult: flowClassName === SANDBOX_FLOWS.echo ? requestBody : 'done'})
    }
  })
}
