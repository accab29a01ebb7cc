// The statuses of a CAF Job Service job (JobStatus in job-service's swagger): the client filters by them and the
// sandbox serves them.

export const JOB_STATUSES = ['Active', 'Cancelled', 'Completed', 'Failed', 'Paused', 'Waiting'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]
