// Types named after the schemas of specs/corda-5.2.1-openapi-v5_2.json.
export type CordaApiVersion = 'v5_2' | 'v5_1' | 'v1'

/** Newest first: the order in which `apiVersion: auto` probes (PRODUCT.md §3). */
export const CORDA_API_VERSIONS: readonly CordaApiVersion[] = ['v5_2', 'v5_1', 'v1']
