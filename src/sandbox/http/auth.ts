// Credentials on the wire: HTTP Basic (Corda, the OAuth client) and the REGARDS bearer tokens we issue.
import type {Random} from '../random.js'

export function parseBasic(header: string | undefined): {username: string; password: string} | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : {username: decoded.slice(0, colon), password: decoded.slice(colon + 1)}
}

export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
}

export interface IssuedToken {
  token: string
  username: string
  tenant: string
  role: string
  /** Epoch ms. */
  expiresAt: number
}

export type TokenCheck = {ok: true; token: IssuedToken} | {ok: false; reason: 'unknown' | 'expired'}

/** Tokens live only in this process: a restarted sandbox knows none of them, like a new cluster would not. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>()

  constructor(
    private readonly ids: Random,
    private readonly ttlSeconds: number,
  ) {}

  issue(username: string, tenant: string, role: string, now = Date.now()): IssuedToken {
    this.forgetExpired(now)
    const iat = Math.floor(now / 1000)
    const exp = iat + this.ttlSeconds
    // Opaque, but shaped like the JWT REGARDS issues; `iat` keeps tokens of different runs apart.
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
    const token = [
      part({alg: 'HS512', typ: 'JWT'}),
      part({sub: username, tenant, role, email: username, iat, exp, jti: this.ids.uuid()}),
      this.ids.bytes(48).toString('base64url'),
    ].join('.')
    const issued = {token, username, tenant, role, expiresAt: now + this.ttlSeconds * 1000}
    this.tokens.set(token, issued)
    return issued
  }

  check(token: string, now = Date.now()): TokenCheck {
    const issued = this.tokens.get(token)
    if (!issued) return {ok: false, reason: 'unknown'}
    return now < issued.expiresAt ? {ok: true, token: issued} : {ok: false, reason: 'expired'}
  }

  /** Keeps the map small when a benchmark logs in over and over. */
  private forgetExpired(now: number): void {
    if (this.tokens.size < 1000) return
    for (const [token, issued] of this.tokens) if (now >= issued.expiresAt) this.tokens.delete(token)
  }
}
