// REGARDS rs-authentication's OAuth2 password grant (worker-manager.md §1): the token the worker manager needs.
import type {SandboxContext} from '../context.js'
import {parseBasic} from '../http/auth.js'
import {isForm, mediaType} from '../http/body.js'
import {oauthError} from '../http/errors.js'
import type {Query, Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {AUTH_BASE} from '../services.js'

export const TOKEN_PATH = `${AUTH_BASE}/oauth/token`

const first = (fields: Query, name: string) => {
  const value = fields[name]
  return Array.isArray(value) ? value[0] : value
}

export function registerOAuth(router: Router, ctx: SandboxContext): void {
  const {settings} = ctx
  router.add('POST', TOKEN_PATH, req => grant(ctx, req), {
    guard: req => {
      const client = parseBasic(req.headers.authorization)
      if (client?.username === settings.oauthClientId && client.password === settings.oauthClientSecret) return {principal: client.username}
      return {response: oauthError(401, 'unauthorized', 'Full authentication is required to access this resource', {'www-authenticate': 'Basic realm="oauth2/client"'})}
    },
    // Spring's token endpoint reads request parameters: a JSON body is not refused as such, just not read.
    parseJson: false,
  })
}

function grant(ctx: SandboxContext, req: SandboxRequest): SandboxResponse {
  const {settings} = ctx
  // The real endpoint would read it; we refuse, so tests can show the client never puts a password in a URL.
  if ('password' in req.query) return oauthError(400, 'invalid_request', 'The password must not be sent in the query string')
  const form = isForm(mediaType(req.headers['content-type'])) && req.body ? (req.body as Query) : {}
  const fields: Query = {...req.query, ...form}
  const grantType = first(fields, 'grant_type')
  if (!grantType) return oauthError(400, 'invalid_request', 'Missing grant type')
  if (grantType !== 'password') return oauthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`)
  const scope = first(fields, 'scope')
  if (scope !== settings.tenant) return oauthError(400, 'invalid_scope', `Invalid scope: ${scope ?? ''}`)
  const username = first(fields, 'username')
  if (username !== settings.username || first(fields, 'password') !== settings.password) return oauthError(400, 'invalid_grant', 'Bad credentials')
  const issued = ctx.tokens.issue(username, settings.tenant, 'ADMIN')
  return {
    status: 200,
    headers: {'cache-control': 'no-store', pragma: 'no-cache'},
    body: {
      access_token: issued.token,
      token_type: 'bearer',
      expires_in: settings.tokenTtlSeconds,
      scope: settings.tenant,
      tenant: settings.tenant,
      role: issued.role,
      sub: username,
      email: username,
    },
  }
}
