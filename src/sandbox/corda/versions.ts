// The Corda REST API versions the sandbox serves (a 5.2 cluster serves all three) and the platform version it reports.
export const CORDA_VERSIONS = ['v5_2', 'v5_1', 'v1'] as const
export type CordaVersion = (typeof CORDA_VERSIONS)[number]

/** What `getprotocolversion` answers on 5.2.1. */
export const PLATFORM_VERSION = 50201
