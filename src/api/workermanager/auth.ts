// REGARDS tokens: the OAuth2 password grant of rs-authentication (PRODUCT.md §3), cached and renewed once on 401.
import {basicHeader} from '../auth.js'
import {ApiError} from '../errors.js'
import type {Auth, HttpTransport} from '../http.js'
import type {OAuthToken} from './types.js'

export const TOKEN_PATH = '/api/v1/rs-authentication/oauth/token'

export interface CachedToken {
  accessToken: string
  /** Epoch ms. */
  expiresAt: number
}

export interface TokenCache {
  load(): Promise<CachedToken | undefined>
  save(token: CachedToken): Promise<void>
}

export interface RegardsOAuthOptions {
  tenant: string
  username: string
  password?: string
  clientId: string
  clientSecret: string
  /** A token given as is (WORKERCTL_WM_TOKEN): used without a grant, and not renewable. */
  staticToken?: string
  cache?: TokenCache
}

/** Tokens are renewed a little before they expire, so a long command does not meet a 401 halfway. */
const EXPIRY_MARGIN_MS = 30_000

export class RegardsOAuth implements Auth {
  private token?: CachedToken
  /** One grant at a time: concurrent calls (a summary's parallel counts) share it. */
  private pending?: Promise<CachedToken>

  constructor(
    private readonly http: HttpTransport,
    private readonly options: RegardsOAuthOptions,
  ) {}

  async headers(): Promise<Record<string, string>> {
    return {Authorization: `Bearer ${await this.accessToken()}`}
  }

  async renew(): Promise<boolean> {
    if (!this.options.password) return false
    this.token = await this.fetchToken()
    return true
  }

  async accessToken(): Promise<string> {
    if (this.options.staticToken) return this.options.staticToken
    if (!this.token) {
      const cached = await this.options.cache?.load()
      if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) this.token = cached
    }
    if (!this.token || this.token.expiresAt - EXPIRY_MARGIN_MS <= Date.now()) this.token = await this.fetchToken()
    return this.token.accessToken
  }

  private fetchToken(): Promise<CachedToken> {
    this.pending ??= this.grant().finally(() => {
      this.pending = undefined
    })
    return this.pending
  }

  /** POST the password grant, form-urlencoded, with the OAuth client in HTTP Basic; the password never goes in a URL. */
  private async grant(): Promise<CachedToken> {
    const {password, username, tenant, clientId, clientSecret} = this.options
    if (!password) {
      throw new ApiError({
        service: 'workerManager',
        kind: 'http',
        status: 401,
        method: 'POST',
        url: `${this.http.url}${TOKEN_PATH}`,
        title: 'no password to obtain a REGARDS token with',
        hint: 'run `workerctl login`, or set WORKERCTL_WM_PASSWORD (or WORKERCTL_WM_TOKEN)',
      })
    }
    let body: OAuthToken
    try {
      body = await this.http.post<OAuthToken>(TOKEN_PATH, {
        form: {grant_type: 'password', username, password, scope: tenant},
        headers: {Authorization: basicHeader(clientId, clientSecret)},
        authenticate: false,
        idempotent: true,
      })
    } catch (error) {
      // Spring answers a bad password with 400 invalid_grant: to the operator that is a failed login (exit 4).
      if (error instanceof ApiError && (error.status === 400 || error.status === 401)) {
        throw new ApiError({
          service: 'workerManager',
          kind: 'http',
          status: 401,
          method: error.method,
          url: error.url,
          title: `token request refused: ${error.title}`,
          hint: `check the REGARDS user, password, tenant "${tenant}" and OAuth client "${clientId}"`,
        })
      }
      throw error
    }
    if (!body || typeof body.access_token !== 'string') {
      throw new ApiError({
        service: 'workerManager',
        kind: 'protocol',
        method: 'POST',
        url: `${this.http.url}${TOKEN_PATH}`,
        title: 'the token endpoint answered without an access_token',
      })
    }
    const token = {accessToken: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 300) * 1000}
    await this.options.cache?.save(token)
    return token
  }
}
