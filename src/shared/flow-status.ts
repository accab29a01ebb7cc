// The statuses of a Corda flow (FlowStates in corda-runtime-os): the client filters by them and the sandbox serves them.

export const FLOW_STATUSES = ['START_REQUESTED', 'RUNNING', 'RETRYING', 'COMPLETED', 'FAILED', 'KILLED'] as const
export type FlowStatus = (typeof FLOW_STATUSES)[number]
