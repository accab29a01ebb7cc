// The partition and job id checks every per-job operation starts with (ApiServiceUtil, job-service@6f66d0b).
// There is no length check on the job id: that is left to the database (varchar(48)), see job-store.ts.

const FORBIDDEN = /[.,:;*?!|()]/

/** A 400 message for a bad partition or job id, or undefined (validatePartitionId, then containsInvalidCharacters). */
export function checkIds(partition: string, jobId?: string): string | undefined {
  if (partition === '') return 'The partition ID has not been specified.'
  if (partition.length > 40) return 'The partition ID is longer than 40 characters.'
  if (FORBIDDEN.test(partition)) return 'The partition ID contains one or more invalid characters.'
  if (jobId !== undefined) {
    if (jobId === '') return 'The job identifier has not been specified.'
    if (FORBIDDEN.test(jobId)) return 'The job identifier contains one or more invalid characters.'
  }
  return undefined
}
