// The statuses of a Corda flow: the client filters by them and the sandbox serves them. FlowStates.avsc of corda-api
// 5.2.1.53 (what corda-runtime-os 5.2.1 builds with) has these five; the spec's description also names RETRYING, which
// a 5.2.1 cluster refuses as a filter (400), so it is not offered.

export const FLOW_STATUSES = ['START_REQUESTED', 'RUNNING', 'COMPLETED', 'FAILED', 'KILLED'] as const
export type FlowStatus = (typeof FLOW_STATUSES)[number]
