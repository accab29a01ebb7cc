// REGARDS rs-worker-manager (worker-manager.md): bearer-token routes under /api/v1/rs-worker-manager.
// Requests (list, get, retry, delete), alive workers, the tenant settings and the configuration import/export.
import type {SandboxContext} from '../context.js'
import {bearerToken} from '../http/auth.js'
import {regardsError, springError} from '../http/errors.js'
import {loggedMultipart, receiveMultipart} from '../http/multipart.js'
import type {Guard, Handler, RouteOptions, Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {WM_BASE} from '../services.js'
import {CONFIG_FILENAME, exportConfiguration, importConfiguration, SKIP_DESCRIPTION, SKIP_SETTING, settingList} from './config.js'
import {FilterError, parsePageable, parseSearch} from './filter.js'
import {isBlocked, type RequestRow, toLight} from './request-row.js'

/** The JWT filter's 401: Spring's error body, message naming the service-relative path and method. */
export function bearerGuard(ctx: SandboxContext): Guard {
  return req => {
    const where = `${req.path.slice(WM_BASE.length) || '/'}@${req.method}`
    const token = bearerToken(req.headers.authorization)
    if (token === undefined) return {response: springError(401, 'Unauthorized', `[REGARDS JWT FILTER] Missing authentication token on ${where}`, req.path)}
    const check = ctx.tokens.check(token)
    if (check.ok) return {principal: check.token.username}
    const problem = check.reason === 'expired' ? 'Expired token' : 'Invalid token'
    return {response: springError(401, 'Unauthorized', `[REGARDS JWT FILTER] ${problem} on ${where}`, req.path)}
  }
}

/** Registers `path` (relative to the service) behind the bearer-token check. */
export function wmRoute(router: Router, ctx: SandboxContext, method: string, path: string, handler: Handler, options: Omit<RouteOptions, 'guard'> = {}): void {
  router.add(method, `${WM_BASE}${path}`, handler, {...options, guard: bearerGuard(ctx)})
}

/** Spring binds a list parameter from repeated values and from comma-separated ones. */
export function listParam(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value])
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(v => v !== '')
}

/** The REGARDS role hierarchy (worker-manager.md §1). */
const ROLE_RANK: Record<string, number> = {PUBLIC: 0, REGISTERED_USER: 1, EXPLOIT: 2, ADMIN: 3, PROJECT_ADMIN: 4, INSTANCE_ADMIN: 5}
type Role = 'EXPLOIT' | 'ADMIN'

/**
 * A handler behind @ResourceAccess(role): 403 `{messages}` below it. The state is settled to the clock first.
 * Decision: configuration import/export needs PROJECT_ADMIN on a real install; the sandbox project grants it to
 * ADMIN (rights can be changed per project in rs-admin), since its only user is an ADMIN.
 */
function secured(ctx: SandboxContext, role: Role, handler: Handler): Handler {
  return req => {
    const token = bearerToken(req.headers.authorization)
    const check = token === undefined ? undefined : ctx.tokens.check(token)
    const has = check?.ok ? check.token.role : 'PUBLIC'
    if ((ROLE_RANK[has] ?? 0) < ROLE_RANK[role]!) {
      req.stream?.resume()
      return regardsError(403, `Access denied to ${req.path.slice(WM_BASE.length)}@${req.method} for role ${has}: it needs ${role}`)
    }
    ctx.wm.settle(ctx.clock())
    return handler(req)
  }
}

function linkBase(ctx: SandboxContext, req: SandboxRequest): string {
  return `${ctx.scheme}://${req.headers.host ?? '127.0.0.1'}${WM_BASE}`
}

function entity(row: RequestRow, base: string): {content: object; links: Array<{rel: string; href: string}>} {
  const links = [{rel: 'self', href: `${base}/requests/${encodeURIComponent(row.requestId)}`}]
  if (isBlocked(row.status)) links.push({rel: 'retry', href: `${base}/requests/retry`}, {rel: 'delete', href: `${base}/requests/delete`})
  return {content: toLight(row), links}
}

function settingEntity(ctx: SandboxContext, req: SandboxRequest): object {
  return {
    content: {name: SKIP_SETTING, description: SKIP_DESCRIPTION, value: [...ctx.workers.skipContentTypes], defaultValue: []},
    links: [{rel: 'self', href: `${linkBase(ctx, req)}/settings/${SKIP_SETTING}`}],
  }
}

const notFoundSetting = (name: string) => regardsError(404, `Entity DynamicTenantSetting with id : ${name} doesn't exist`)

/** Configuration files are small; a bigger upload is refused. */
const MAX_CONFIG_BYTES = 10 * 1024 * 1024

export function registerWorkerManager(router: Router, ctx: SandboxContext): void {
  const route = (method: string, path: string, role: Role, handler: Handler, options: Omit<RouteOptions, 'guard'> = {}) =>
    wmRoute(router, ctx, method, path, secured(ctx, role, handler), options)

  route('GET', '/workers', 'EXPLOIT', req => ({status: 200, body: ctx.workers.alive(listParam(req.query.contentTypes), ctx.clock())}))

  route('POST', '/requests', 'EXPLOIT', req => {
    const params = parseSearch(req.body, false)
    if (!params.ok) return regardsError(params.status, ...params.messages)
    const page = parsePageable(req.query)
    if (!page.ok) return regardsError(page.status, ...page.messages)
    let found: {rows: RequestRow[]; total: number}
    try {
      found = ctx.wm.search(params.value, page.value)
    } catch (error) {
      // InvalidParameterException is not mapped by GlobalControllerAdvice.
      if (error instanceof FilterError) return regardsError(500, error.message)
      throw error
    }
    const base = linkBase(ctx, req)
    const {size, page: number} = page.value
    return {
      status: 200,
      body: {
        content: found.rows.map(row => entity(row, base)),
        metadata: {size, totalElements: found.total, totalPages: Math.ceil(found.total / size), number},
        links: [],
      },
    }
  })

  route('GET', '/requests/{requestId}', 'EXPLOIT', req => {
    const row = ctx.wm.get(req.params.requestId!)
    if (!row) return regardsError(404, `Entity fr.cnes.regards.modules.workermanager.domain.database.LightRequest with id : ${req.params.requestId} doesn't exist`)
    return {status: 200, body: entity(row, linkBase(ctx, req))}
  })

  const scan =
    (kind: 'retry' | 'delete'): Handler =>
    req => {
      const params = parseSearch(req.body, true)
      if (!params.ok) return regardsError(params.status, ...params.messages)
      ctx.wm.scheduleScan(kind, params.value, ctx.clock())
      return {status: 200}
    }
  route('POST', '/requests/retry', 'EXPLOIT', scan('retry'))
  route('DELETE', '/requests/delete', 'ADMIN', scan('delete'))

  route('GET', '/settings', 'ADMIN', req => {
    const names = listParam(req.query.names)
    return {status: 200, body: names.length === 0 || names.includes(SKIP_SETTING) ? [settingEntity(ctx, req)] : []}
  })
  route('PUT', '/settings/{name}', 'ADMIN', req => {
    if (req.params.name !== SKIP_SETTING) return notFoundSetting(req.params.name!)
    const body = req.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return regardsError(400, 'Required request body is missing')
    const list = settingList((body as Record<string, unknown>).value)
    if (!list) return regardsError(422, `Invalid value for setting ${SKIP_SETTING}: a list of content types is expected`)
    ctx.workers.skipContentTypes = list
    return {status: 200, body: settingEntity(ctx, req)}
  })
  route('DELETE', '/settings/{name}', 'ADMIN', req => {
    if (req.params.name !== SKIP_SETTING) return notFoundSetting(req.params.name!)
    ctx.workers.skipContentTypes = []
    return {status: 200, body: settingEntity(ctx, req)}
  })

  route('GET', '/microservice/configuration', 'ADMIN', () => ({
    status: 200,
    body: exportConfiguration(ctx.workers),
    contentType: 'application/json',
    headers: {'content-disposition': `attachment; filename=${CONFIG_FILENAME}`},
  }))
  route('POST', '/microservice/configuration', 'ADMIN', async req => importFile(ctx, req), {raw: true})
}

async function importFile(ctx: SandboxContext, req: SandboxRequest): Promise<SandboxResponse> {
  const received = await receiveMultipart(req.stream!, {maxBytes: MAX_CONFIG_BYTES, spool: 'memory'})
  const logged = loggedMultipart(received)
  const answer = (response: SandboxResponse): SandboxResponse => (logged ? {...response, loggedRequestBody: logged} : response)
  if (!received.ok) {
    return received.reason === 'tooLarge'
      ? regardsError(413, `Maximum upload size of ${MAX_CONFIG_BYTES} bytes exceeded`)
      : regardsError(400, `Current request is not a multipart request: ${received.message}`)
  }
  const file = received.files.find(f => f.field === 'file')
  if (!file) return answer(regardsError(400, "Required part 'file' is not present."))
  let parsed: unknown
  try {
    parsed = JSON.parse(file.buffer!.toString('utf8'))
  } catch (error) {
    return answer(regardsError(400, `Error reading configuration file ${file.filename}: ${(error as Error).message}`))
  }
  const outcome = importConfiguration(ctx.workers, parsed)
  if (!outcome.ok) return answer(regardsError(400, outcome.message))
  if (outcome.status === 201) return answer({status: 201})
  return answer({status: outcome.status, body: outcome.reports})
}
