// Types named after the schemas of specs/regards-rs-worker-manager.openapi.json.
export interface WorkerTypeAlive {
  workerType: string
  nbInstance: number
}

/** The token endpoint's answer (Spring OAuth2). */
export interface OAuthToken {
  access_token: string
  expires_in?: number
  token_type?: string
  tenant?: string
  scope?: string
}
