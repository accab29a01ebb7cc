// Corda 5.2 REST worker (corda-rest.md): one route table served under /api/v5_2, /api/v5_1 and /api/v1,
// as a 5.2 cluster serves all three. Each resource module (CPIs, vnodes, flows, RBAC...) registers through `cordaRoute`.
import type {SandboxContext} from '../context.js'
import type {Router} from '../http/router.js'
import {CORDA_API} from '../services.js'
import {parseError} from './body.js'
import {registerCertificates} from './cert-routes.js'
import {registerConfig} from './config-routes.js'
import {registerCpi} from './cpi-routes.js'
import {registerFlows} from './flow-routes.js'
import {registerRbac} from './rbac-routes.js'
import {cordaRoute, queryValue} from './route.js'
import {PLATFORM_VERSION} from './versions.js'
import {registerVirtualNodes} from './vnode-routes.js'

export function registerCorda(router: Router, ctx: SandboxContext): void {
  // Our own minimal document: the CLI only needs it to answer (version detection). Never the real spec.
  cordaRoute(
    router,
    ctx,
    'GET',
    '/swagger.json',
    (_req, version) => ({
      status: 200,
      body: {openapi: '3.0.1', info: {title: 'workerctl sandbox — Corda REST API', version: '5.2.1'}, servers: [{url: `${CORDA_API}/${version}`}], paths: {}},
    }),
    {auth: false},
  )

  cordaRoute(router, ctx, 'POST', '/hello', req => {
    const addressee = queryValue(req, 'addressee')
    if (addressee === undefined) return parseError('addressee', 'Missing query parameter "addressee".', 'BadRequestException')
    // Endpoints typed `string` answer raw text labelled application/json, not a JSON string.
    return {status: 200, body: `Hello, ${addressee}! (from ${req.principal})`, contentType: 'application/json'}
  })

  cordaRoute(router, ctx, 'GET', '/hello/getprotocolversion', () => ({status: 200, body: PLATFORM_VERSION}), {auth: false})

  registerCpi(router, ctx)
  registerCertificates(router, ctx)
  registerVirtualNodes(router, ctx)
  registerFlows(router, ctx)
  registerRbac(router, ctx)
  registerConfig(router, ctx)
}
