// Virtual node endpoints (corda-rest.md §7): create (sync validation, async status walking ACCEPTED → IN_PROGRESS →
// SUCCEEDED, with the transient 404s of the real cache and read model), list/get, state changes, CPI upgrade, and
// the bring-your-own-database calls. What happens to a vnode over time is vnode-lifecycle.ts.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {parseError, readBody} from './body.js'
import {isTerminal} from './flow-lifecycle.js'
import type {VNode, VNodeOperation} from './model.js'
import {cordaRoute} from './route.js'
import {CORDA_DELAYS, iso, sha256Hex} from './store.js'
import type {CordaVersion} from './versions.js'
import {createVNode, findVNode, runOperation, setVNodeState} from './vnode-lifecycle.js'
import {canonicalX500} from './x500.js'

const CONNECTIONS = ['vaultDdlConnection', 'vaultDmlConnection', 'cryptoDdlConnection', 'cryptoDmlConnection', 'uniquenessDdlConnection', 'uniquenessDmlConnection'] as const
const CREATE_FIELDS = new Set<string>(['x500Name', 'cpiFileChecksum', ...CONNECTIONS])
const DB_FIELDS = new Set<string>(CONNECTIONS)

export function registerVirtualNodes(router: Router, ctx: SandboxContext): void {
  const settle = () => {
    const now = ctx.clock()
    ctx.corda.settle(now)
    return now
  }
  cordaRoute(router, ctx, 'POST', '/virtualnode', req => create(ctx, req, settle()), {body: 'request'})
  cordaRoute(router, ctx, 'GET', '/virtualnode', () => {
    settle()
    return {status: 200, body: {virtualNodes: [...ctx.corda.vnodes.values()].filter(v => v.created).map(vnodeInfo)}}
  })
  cordaRoute(router, ctx, 'GET', '/virtualnode/{holdingidentityshorthash}', req => {
    const now = settle()
    const vnode = ctx.corda.vnodes.get(req.params.holdingidentityshorthash!.toUpperCase())
    if (!vnode?.created || now < vnode.readableAt) return vnodeNotFound(req.params.holdingidentityshorthash!)
    return {status: 200, body: vnodeInfo(vnode)}
  })
  cordaRoute(router, ctx, 'GET', '/virtualnode/status/{requestid}', req => {
    const now = settle()
    const op = ctx.corda.operations.get(req.params.requestid!)
    if (!op || now < op.visibleAt) return cordaError(404, `Failed to find a status for requestId ${req.params.requestid}`)
    return {status: 200, body: operationStatus(op)}
  })
  cordaRoute(router, ctx, 'PUT', '/virtualnode/{virtualnodeshortid}/state/{newstate}', req => {
    settle()
    return changeState(ctx, req.params.virtualnodeshortid!, req.params.newstate!)
  })
  cordaRoute(router, ctx, 'PUT', '/virtualnode/{virtualnodeshortid}/cpi/{targetcpifilechecksum}', (req, version) => upgrade(ctx, req, version, settle()))
  registerByod(router, ctx, settle)
}

/** Raw SQL for bring-your-own-database setups (v5_2): a `string` endpoint, raw text labelled JSON. */
function sql(schema: string, tables: string[]): SandboxResponse {
  const body = tables.map(t => `CREATE TABLE ${schema}.${t} (id VARCHAR(255) NOT NULL PRIMARY KEY, data BYTEA);`).join('\n')
  return {status: 200, body: `-- workerctl sandbox: ${schema} schema\n${body}\n`, contentType: 'application/json'}
}

function registerByod(router: Router, ctx: SandboxContext, settle: () => number): void {
  const versions = ['v5_2'] as const
  cordaRoute(router, ctx, 'GET', '/virtualnode/create/db/crypto', () => sql('crypto', ['crypto_signing_key', 'crypto_wrapping_key']), {versions})
  cordaRoute(router, ctx, 'GET', '/virtualnode/create/db/uniqueness', () => sql('uniqueness', ['uniqueness_state_details', 'uniqueness_tx_details']), {versions})
  cordaRoute(
    router,
    ctx,
    'GET',
    '/virtualnode/create/db/vault/{cpichecksum}',
    req => {
      settle()
      const cpi = ctx.corda.cpiByChecksum(req.params.cpichecksum!)
      if (!cpi) return cordaError(404, `CPI with file checksum ${req.params.cpichecksum} was not found.`)
      return sql('vault', ['vault_states', `${cpi.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_v${cpi.version.replace(/[^A-Za-z0-9]+/g, '_')}`])
    },
    {versions},
  )
  cordaRoute(
    router,
    ctx,
    'GET',
    '/virtualnode/{virtualnodeshortid}/db/vault/{newcpichecksum}',
    req => {
      settle()
      const vnode = findVNode(ctx, req.params.virtualnodeshortid!)
      if (!vnode) return vnodeNotFound(req.params.virtualnodeshortid!)
      const cpi = ctx.corda.cpiByChecksum(req.params.newcpichecksum!)
      if (!cpi) return cordaError(404, `CPI with file checksum ${req.params.newcpichecksum} was not found.`)
      return sql('vault', [`${cpi.name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_v${cpi.version.replace(/[^A-Za-z0-9]+/g, '_')}`])
    },
    {versions},
  )
  cordaRoute(router, ctx, 'PUT', '/virtualnode/{virtualnodeshortid}/db', req => updateDb(ctx, req, settle()), {versions, body: 'request'})
}

function updateDb(ctx: SandboxContext, req: SandboxRequest, now: number): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'UpdateVirtualNodeDbRequest', fields: DB_FIELDS})
  if ('error' in read) return read.error
  const {fields} = read
  const vnode = findVNode(ctx, req.params.virtualnodeshortid!)
  if (!vnode) return vnodeNotFound(req.params.virtualnodeshortid!)
  if (vnode.state !== 'MAINTENANCE') return cordaError(400, `Virtual node ${vnode.shortHash} must be in maintenance to change its database connections.`)
  if (vnode.operationInProgress !== null) return cordaError(400, `Virtual node ${vnode.shortHash} already has operation ${vnode.operationInProgress} in progress.`)
  const given = CONNECTIONS.filter(k => fields[k] !== undefined && fields[k] !== null && fields[k] !== '')
  if (given.length === 0) return cordaError(400, 'At least one database connection must be given.')
  const requestId = ctx.ids.uuid()
  runOperation(ctx, vnode, requestId, 'CHANGE_VIRTUAL_NODE_DB', now, () => {
    const key: Record<(typeof CONNECTIONS)[number], keyof VNode['connections']> = {
      vaultDdlConnection: 'vaultDdl',
      vaultDmlConnection: 'vaultDml',
      cryptoDdlConnection: 'cryptoDdl',
      cryptoDmlConnection: 'cryptoDml',
      uniquenessDdlConnection: 'uniquenessDdl',
      uniquenessDmlConnection: 'uniquenessDml',
    }
    for (const k of given) vnode.connections[key[k]] = ctx.ids.uuid()
  })
  return {status: 202, body: {requestId}}
}

export function vnodeNotFound(shortHash: string): SandboxResponse {
  return cordaError(404, `Virtual node ${shortHash} could not be found.`)
}

export function vnodeInfo(v: VNode) {
  const status = v.state === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE'
  return {
    holdingIdentity: {x500Name: v.x500Name, groupId: v.groupId, shortHash: v.shortHash, fullHash: v.fullHash},
    cpiIdentifier: {cpiName: v.cpi.name, cpiVersion: v.cpi.version, signerSummaryHash: v.cpi.signerSummaryHash},
    vaultDdlConnectionId: v.connections.vaultDdl,
    vaultDmlConnectionId: v.connections.vaultDml,
    cryptoDdlConnectionId: v.connections.cryptoDdl,
    cryptoDmlConnectionId: v.connections.cryptoDml,
    uniquenessDdlConnectionId: v.connections.uniquenessDdl,
    uniquenessDmlConnectionId: v.connections.uniquenessDml,
    hsmConnectionId: null,
    flowP2pOperationalStatus: status,
    flowStartOperationalStatus: status,
    flowOperationalStatus: status,
    vaultDbOperationalStatus: status,
    operationInProgress: v.operationInProgress,
  }
}

function operationStatus(op: VNodeOperation) {
  return {
    requestId: op.requestId,
    operation: op.operation,
    status: op.status,
    lastUpdatedTimestamp: iso(op.lastUpdated),
    processingStage: null,
    errorReason: null,
    resourceId: op.resourceId,
  }
}

function create(ctx: SandboxContext, req: SandboxRequest, now: number): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'CreateVirtualNodeRequest', fields: CREATE_FIELDS, requiredStrings: ['x500Name', 'cpiFileChecksum']})
  if ('error' in read) return read.error
  const {fields} = read
  for (const key of CONNECTIONS) {
    if (fields[key] !== undefined && fields[key] !== null && typeof fields[key] !== 'string') return parseError('request', `Field ${key} must be a string holding JSON`)
  }
  const x500 = canonicalX500(fields.x500Name as string)
  if (!x500.ok) return cordaError(400, `X500 name "${fields.x500Name as string}" could not be parsed: ${x500.reason}`)
  const checksum = fields.cpiFileChecksum as string
  if (!/^[a-fA-F0-9]{12}$/.test(checksum)) return cordaError(400, `Invalid CPI file checksum "${checksum}": it must match ^[a-fA-F0-9]{12}$`)
  const cpi = ctx.corda.cpiByChecksum(checksum)
  if (!cpi) return cordaError(400, `No CPI metadata found for checksum ${checksum.toUpperCase()}`)
  const fullHash = sha256Hex(x500.value + cpi.groupId)
  const shortHash = fullHash.slice(0, 12)
  if (ctx.corda.vnodes.has(shortHash)) return cordaError(409, `Virtual node ${shortHash} already exists.`)

  const byod = (key: (typeof CONNECTIONS)[number]) => typeof fields[key] === 'string' && fields[key] !== ''
  const vnode: VNode = {
    x500Name: x500.value,
    groupId: cpi.groupId,
    shortHash,
    fullHash,
    cpi: {name: cpi.name, version: cpi.version, signerSummaryHash: cpi.signerSummaryHash, checksum: cpi.checksum},
    state: 'ACTIVE',
    connections: {
      // Cluster-managed databases get DDL connections too; BYOD ones only when a DDL connection was given.
      vaultDdl: !byod('vaultDmlConnection') || byod('vaultDdlConnection') ? ctx.ids.uuid() : null,
      vaultDml: ctx.ids.uuid(),
      cryptoDdl: !byod('cryptoDmlConnection') || byod('cryptoDdlConnection') ? ctx.ids.uuid() : null,
      cryptoDml: ctx.ids.uuid(),
      uniquenessDdl: !byod('uniquenessDmlConnection') || byod('uniquenessDdlConnection') ? ctx.ids.uuid() : null,
      uniquenessDml: ctx.ids.uuid(),
    },
    operationInProgress: null,
    created: false,
    readableAt: now + CORDA_DELAYS.vnodeCreateDone + CORDA_DELAYS.vnodeReadLag,
  }
  createVNode(ctx, vnode, now)
  return {status: 202, body: {requestId: shortHash}}
}

function changeState(ctx: SandboxContext, shortHash: string, newState: string): SandboxResponse {
  const vnode = findVNode(ctx, shortHash)
  if (!vnode) return vnodeNotFound(shortHash)
  const state = newState.toUpperCase()
  if (state !== 'ACTIVE' && state !== 'MAINTENANCE') return cordaError(400, `Invalid state "${newState}": must be one of ACTIVE, MAINTENANCE`)
  if (state === 'ACTIVE' && vnode.operationInProgress !== null) {
    return cordaError(400, `Virtual node ${vnode.shortHash} cannot be set ACTIVE: operation ${vnode.operationInProgress} is in progress.`)
  }
  setVNodeState(vnode, state)
  return {status: 200, body: {holdingIdShortHash: shortHash, newState}}
}

function upgrade(ctx: SandboxContext, req: SandboxRequest, version: CordaVersion, now: number): SandboxResponse {
  const shortHash = req.params.virtualnodeshortid!
  const target = req.params.targetcpifilechecksum!
  const vnode = findVNode(ctx, shortHash)
  if (!vnode) return vnodeNotFound(shortHash)
  const cpi = /^[a-fA-F0-9]{12}$/.test(target) ? ctx.corda.cpiByChecksum(target) : undefined
  if (!cpi) return cordaError(404, `CPI with file checksum ${target} was not found.`)
  if (vnode.state !== 'MAINTENANCE') return cordaError(400, `Virtual node ${vnode.shortHash} must be in maintenance to upgrade its CPI.`)
  if (cpi.checksum === vnode.cpi.checksum) return cordaError(409, `Virtual node ${vnode.shortHash} already has CPI with file checksum ${cpi.checksum}.`)
  if (cpi.name !== vnode.cpi.name || cpi.signerSummaryHash !== vnode.cpi.signerSummaryHash) {
    return cordaError(400, `Upgrade CPI must have the same name and signer summary hash as the current CPI (${vnode.cpi.name}, ${vnode.cpi.signerSummaryHash}).`)
  }
  const running = [...ctx.corda.flowsOf(vnode.shortHash).values()].filter(f => !isTerminal(f))
  if (running.length > 0) return cordaError(400, `Virtual node ${vnode.shortHash} has ${running.length} running flows; it cannot be upgraded until they finish.`)
  const force = version !== 'v1' && req.query.forceupgrade === 'true'
  if (vnode.operationInProgress !== null && !force) return cordaError(400, `Virtual node ${vnode.shortHash} already has operation ${vnode.operationInProgress} in progress.`)

  const requestId = vnode.shortHash + vnode.cpi.checksum + cpi.checksum
  runOperation(ctx, vnode, requestId, 'UPGRADE_VIRTUAL_NODE', now, () => {
    vnode.cpi = {name: cpi.name, version: cpi.version, signerSummaryHash: cpi.signerSummaryHash, checksum: cpi.checksum}
  })
  // v1 (5.0 semantics) answers 200 with a deprecation warning; v5_1+ 202.
  if (version === 'v1')
    return {
      status: 200,
      body: {requestId},
      headers: {warning: '299 - This endpoint is deprecated, use /api/v5_1/virtualnode/{virtualNodeShortId}/cpi/{targetCpiFileChecksum} instead.'},
    }
  return {status: 202, body: {requestId}}
}
