// Virtual node endpoints (corda-rest.md §7) as VirtualNodeRestResourceImpl and its validation service in
// corda-runtime-os 5.2.1 answer them: create, list/get, operation status, state changes, CPI upgrade, and the
// bring-your-own-database calls. The REST worker checks what its read model knows and queues the rest; what happens
// then is vnode-lifecycle.ts.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {parseError, readBody} from './body.js'
import type {VNode, VNodeOperation} from './model.js'
import {cordaRoute, illegalArgument, queryFlag} from './route.js'
import {CORDA_DELAYS, iso, sha256Hex} from './store.js'
import type {CordaVersion} from './versions.js'
import {
  CONNECTION_KEYS,
  type ConnectionField,
  lookupVNode,
  parseShortHash,
  readableVNode,
  requestCreate,
  requestDbChange,
  requestUpgrade,
  setVNodeState,
} from './vnode-lifecycle.js'
import {canonicalX500} from './x500.js'

const CONNECTIONS = Object.keys(CONNECTION_KEYS) as ConnectionField[]
const CREATE_FIELDS = new Set<string>(['x500Name', 'cpiFileChecksum', ...CONNECTIONS])
const DB_FIELDS = new Set<string>(CONNECTIONS)

/** The group id a group policy gives an MGM's own CPI: each vnode created from it starts a new group. */
const MGM_DEFAULT_GROUP_ID = 'CREATE_ID'

/** VirtualNodeRestResourceImpl.getVirtualNode (also state changes): 404 naming the short hash as sent. */
const virtualNodeNotFound = (value: string) => cordaError(404, `VirtualNode with shortHash ${value} could not be found.`)

export function registerVirtualNodes(router: Router, ctx: SandboxContext): void {
  const settle = () => {
    const now = ctx.clock()
    ctx.corda.settle(now)
    return now
  }
  cordaRoute(router, ctx, 'POST', '/virtualnode', req => create(ctx, req, settle()), {body: 'request'})
  cordaRoute(router, ctx, 'GET', '/virtualnode', () => {
    const now = settle()
    return {status: 200, body: {virtualNodes: [...ctx.corda.vnodes.values()].filter(v => readableVNode(ctx, v.shortHash, now)).map(vnodeInfo)}}
  })
  cordaRoute(router, ctx, 'GET', '/virtualnode/{holdingidentityshorthash}', req => {
    const found = lookupVNode(ctx, req.params.holdingidentityshorthash!, settle(), virtualNodeNotFound)
    return 'vnode' in found ? {status: 200, body: vnodeInfo(found.vnode)} : found.response
  })
  cordaRoute(router, ctx, 'GET', '/virtualnode/status/{requestid}', req => {
    const now = settle()
    const id = req.params.requestid!
    const op = ctx.corda.operations.get(id)
    if (op && now >= op.visibleAt) return {status: 200, body: operationStatus(op)}
    // 12 characters: a create, read from the status cache; anything else is asked of the DB worker.
    if (id.length === 12) return cordaError(404, `Failed to find a status for requestId = '${id}'`)
    return cordaError(404, `Could not find a virtual node operation with requestId of ${id}`)
  })
  cordaRoute(router, ctx, 'PUT', '/virtualnode/{virtualnodeshortid}/state/{newstate}', req => changeState(ctx, req, settle()))
  cordaRoute(router, ctx, 'PUT', '/virtualnode/{virtualnodeshortid}/cpi/{targetcpifilechecksum}', (req, version) => upgrade(ctx, req, version, settle()))
  registerByod(router, ctx, settle)
}

/** Raw SQL for bring-your-own-database setups (v5_2): a `string` endpoint, raw text labelled JSON. */
function sql(schema: string, tables: string[]): SandboxResponse {
  const body = tables.map(t => `CREATE TABLE ${schema}.${t} (id VARCHAR(255) NOT NULL PRIMARY KEY, data BYTEA);`).join('\n')
  return {status: 200, body: `-- workerctl sandbox: ${schema} schema\n${body}\n`, contentType: 'application/json'}
}

const cpiTable = (name: string, version: string) => `${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_v${version.replace(/[^A-Za-z0-9]+/g, '_')}`

/**
 * The DB worker's VirtualNodeSchemaHandler has no error handling: an unknown CPI or vnode throws in its RPC
 * processor, which never answers, so the REST call ends at the endpoint timeout with this 500.
 */
async function noAnswer(operation: string): Promise<SandboxResponse> {
  await new Promise(resolve => setTimeout(resolve, CORDA_DELAYS.rpcTimeout))
  return cordaError(500, `Could not ${operation}: Could not complete virtual node management request.`)
}

function registerByod(router: Router, ctx: SandboxContext, settle: () => number): void {
  const versions = ['v5_2'] as const
  // CpiMetadataRepositoryImpl.findByFileChecksum: `upper(fileChecksum) like %<CHECKSUM>%`, the first found.
  const cpiLike = (checksum: string) => ctx.corda.cpis.find(c => c.fullChecksum.includes(checksum.toUpperCase()))
  cordaRoute(router, ctx, 'GET', '/virtualnode/create/db/crypto', () => sql('crypto', ['crypto_signing_key', 'crypto_wrapping_key']), {versions})
  cordaRoute(router, ctx, 'GET', '/virtualnode/create/db/uniqueness', () => sql('uniqueness', ['uniqueness_state_details', 'uniqueness_tx_details']), {versions})
  cordaRoute(
    router,
    ctx,
    'GET',
    '/virtualnode/create/db/vault/{cpichecksum}',
    req => {
      settle()
      const cpi = cpiLike(req.params.cpichecksum!)
      if (!cpi) return noAnswer('get Schema SQL to create Vault DB and CPI')
      return sql('vault', ['vault_states', cpiTable(cpi.name, cpi.version)])
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
      const parsed = parseShortHash(req.params.virtualnodeshortid!)
      const vnode = 'shortHash' in parsed ? ctx.corda.vnodes.get(parsed.shortHash) : undefined
      const cpi = cpiLike(req.params.newcpichecksum!)
      // The SQL is made against the vnode's vault DDL connection, which a vnode on external databases may lack.
      if (!vnode || !cpi || vnode.connections.vaultDdl === null) return noAnswer('get Schema SQL to update CPI')
      return sql('vault', [cpiTable(cpi.name, cpi.version)])
    },
    {versions},
  )
  cordaRoute(router, ctx, 'PUT', '/virtualnode/{virtualnodeshortid}/db', req => updateDb(ctx, req, settle()), {versions, body: 'request'})
}

/**
 * updateVirtualNodeDb: the body (each connection any JSON or null), the short hash with `ShortHash.parse` uncaught
 * (a bad one is the catch-all 500), the vnode (404 `Virtual node not found`), then queued under a new UUID. No
 * maintenance or operation-in-progress check, and nothing is required: the DB worker judges the connections.
 */
function updateDb(ctx: SandboxContext, req: SandboxRequest, now: number): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'UpdateVirtualNodeDbRequest', fields: DB_FIELDS})
  if ('error' in read) return read.error
  const {fields} = read
  for (const key of CONNECTIONS) {
    const value = fields[key]
    if (typeof value === 'number' || typeof value === 'boolean') return parseError('request', `Field ${key}: a JSON object or string is expected`, 'NullPointerException')
  }
  const parsed = parseShortHash(req.params.virtualnodeshortid!)
  if ('problem' in parsed) return cordaError(500, 'Unexpected error occurred.', {cause: 'ShortHashException', reason: parsed.problem})
  const vnode = readableVNode(ctx, parsed.shortHash, now)
  if (!vnode) return cordaError(404, 'Virtual node not found')
  const given = new Set(CONNECTIONS.filter(k => fields[k] !== undefined && fields[k] !== null && !(typeof fields[k] === 'string' && fields[k].trim() === '')))
  const requestId = ctx.ids.uuid()
  requestDbChange(ctx, vnode, requestId, given, now)
  return {status: 202, body: {requestId}}
}

/** MessageConverterImpl.convert: every field present; a missing HSM connection is the string "null" (`UUID?.toString()`). */
function vnodeInfo(v: VNode) {
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
    hsmConnectionId: 'null',
    flowP2pOperationalStatus: status,
    flowStartOperationalStatus: status,
    flowOperationalStatus: status,
    vaultDbOperationalStatus: status,
    operationInProgress: v.operationInProgress,
    // A CPI with no external channels has no routes: null.
    externalMessagingRouteConfiguration: null,
  }
}

function operationStatus(op: VNodeOperation) {
  return {
    requestId: op.requestId,
    operation: op.operation,
    status: op.status,
    lastUpdatedTimestamp: iso(op.lastUpdated),
    processingStage: op.processingStage,
    errorReason: op.errorReason,
    resourceId: op.resourceId,
  }
}

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '')

/**
 * createVirtualNode → validateAndGetGroupId (X.500, checksum, DDL-without-DML, CPI, group id) → the holding
 * identity → validateVirtualNodeDoesNotExist (the read model: 409) → queued, 202 `{requestId: short hash}`.
 */
function create(ctx: SandboxContext, req: SandboxRequest, now: number): SandboxResponse {
  const read = readBody(req.body, {parameter: 'request', className: 'CreateVirtualNodeRequest', fields: CREATE_FIELDS, requiredStrings: ['x500Name', 'cpiFileChecksum']})
  if ('error' in read) return read.error
  const {fields} = read
  for (const key of CONNECTIONS) {
    if (fields[key] !== undefined && fields[key] !== null && typeof fields[key] !== 'string') {
      return parseError('request', `Cannot deserialize value of type \`java.lang.String\` from ${Array.isArray(fields[key]) ? 'Array' : 'Object'} value (field ${key})`)
    }
  }
  const x500Name = fields.x500Name as string
  const x500 = canonicalX500(x500Name)
  if (!x500.ok) return cordaError(400, `X500 name "${x500Name}" could not be parsed. Cause: ${x500.reason}`)
  // CreateVirtualNodeRequest's init upper-cases the checksum.
  const checksum = (fields.cpiFileChecksum as string).toUpperCase()
  if (!/^[a-fA-F0-9]{12}$/.test(checksum)) return cordaError(400, `CPI file checksum value '${checksum}' is invalid, expecting 12 digit hex value`)
  for (const kind of ['Vault', 'Crypto', 'Uniqueness'] as const) {
    const lower = kind.toLowerCase()
    if (!isBlank(fields[`${lower}DdlConnection`]) && isBlank(fields[`${lower}DmlConnection`])) {
      return cordaError(400, `If ${kind} DDL connection is provided, ${kind} DML connection needs to be provided as well.`)
    }
  }
  const cpi = ctx.corda.cpis.find(c => c.checksum === checksum)
  if (!cpi) return cordaError(400, `No CPI metadata found for checksum '${checksum}'.`)
  const groupId = cpi.groupId === MGM_DEFAULT_GROUP_ID ? ctx.ids.uuid() : cpi.groupId
  const fullHash = sha256Hex(x500.value + groupId)
  const shortHash = fullHash.slice(0, 12)
  if (readableVNode(ctx, shortHash, now)) return cordaError(409, `Virtual Node 'HoldingIdentity(x500Name=${x500.value}, groupId=${groupId})' already exists.`)

  const byod = (key: ConnectionField) => !isBlank(fields[key])
  const vnode: VNode = {
    x500Name: x500.value,
    groupId,
    shortHash,
    fullHash,
    cpi: {name: cpi.name, version: cpi.version, signerSummaryHash: cpi.signerSummaryHash, checksum: cpi.checksum},
    state: 'ACTIVE',
    connections: {
      // Cluster-managed databases get DDL connections too; external ones only when a DDL connection was given.
      vaultDdl: !byod('vaultDmlConnection') || byod('vaultDdlConnection') ? ctx.ids.uuid() : null,
      vaultDml: ctx.ids.uuid(),
      cryptoDdl: !byod('cryptoDmlConnection') || byod('cryptoDdlConnection') ? ctx.ids.uuid() : null,
      cryptoDml: ctx.ids.uuid(),
      uniquenessDdl: !byod('uniquenessDmlConnection') || byod('uniquenessDdlConnection') ? ctx.ids.uuid() : null,
      uniquenessDml: ctx.ids.uuid(),
    },
    operationInProgress: null,
    readableAt: Number.POSITIVE_INFINITY, // set when the create persists it
  }
  requestCreate(ctx, vnode, checksum, now)
  return {status: 202, body: {requestId: shortHash}}
}

/**
 * updateVirtualNodeState: the state name first (400 Invalid input data), then the vnode (400/404), then ACTIVE with
 * an operation in progress (400); the DB worker then leaves a vnode already in that state alone. 200 echoes the
 * short hash and the state as sent.
 */
function changeState(ctx: SandboxContext, req: SandboxRequest, now: number): SandboxResponse {
  const value = req.params.virtualnodeshortid!
  const newState = req.params.newstate!
  const state = newState.toUpperCase()
  if (state !== 'ACTIVE' && state !== 'MAINTENANCE') return cordaError(400, 'Invalid input data.', {newState: 'must be one of ACTIVE, MAINTENANCE'})
  const found = lookupVNode(ctx, value, now, virtualNodeNotFound)
  if (!('vnode' in found)) return found.response
  const {vnode} = found
  if (state === 'ACTIVE' && vnode.operationInProgress !== null) {
    return cordaError(400, `The Virtual Node with shortHash ${vnode.shortHash} has an operation in progress and cannot be set to Active`)
  }
  setVNodeState(vnode, state)
  return {status: 200, body: {holdingIdShortHash: value, newState}}
}

const V1_WARNING = '299 - Deprecated, please use next version where loginName is passed as a path parameter.'

/**
 * doUpgradeVirtualNode, in its order: the vnode (400 bad hash, 404, 400 not in maintenance), 409 when the current
 * CPI's full checksum starts with the target, the target CPI by case-sensitive prefix of its upper-case full checksum
 * (404 none, 500 several), same name, same signer; then queued. No running-flows and no operation-in-progress
 * check here: the DB worker checks what it checks when it runs the request.
 */
function upgrade(ctx: SandboxContext, req: SandboxRequest, version: CordaVersion, now: number): SandboxResponse {
  const value = req.params.virtualnodeshortid!
  const target = req.params.targetcpifilechecksum!
  const found = lookupVNode(ctx, value, now, v => cordaError(404, `Virtual node '${v}' not found.`))
  if (!('vnode' in found)) return found.response
  const {vnode} = found
  if (vnode.state !== 'MAINTENANCE') return cordaError(400, 'Virtual node must be in maintenance to perform an upgrade.')
  const current = ctx.corda.cpiByIdentity(vnode.cpi.name, vnode.cpi.version, vnode.cpi.signerSummaryHash)
  if (!current) return illegalArgument(`Current CPI ${vnode.cpi.name} ${vnode.cpi.version} associated with virtual node ${value} was not found.`)
  // Kotlin `slice(target.indices)` of the 64-character checksum.
  if (target.length > current.fullChecksum.length) {
    return cordaError(500, 'Unexpected error occurred.', {cause: 'StringIndexOutOfBoundsException', reason: `begin 0, end ${target.length}, length ${current.fullChecksum.length}`})
  }
  if (current.fullChecksum.startsWith(target)) return cordaError(409, `Virtual Node with shorthash ${value} already has CPI with file checksum ${target}`)
  const matching = ctx.corda.cpis.filter(c => c.fullChecksum.startsWith(target))
  if (matching.length === 0) return cordaError(404, `CPI '${target}' not found.`)
  if (matching.length > 1) return illegalArgument('Collection has more than one element.')
  const cpi = matching[0]!
  if (cpi.name !== current.name) return cordaError(400, 'Upgrade CPI must have the same name as the current CPI.')
  if (cpi.signerSummaryHash !== current.signerSummaryHash) return cordaError(400, 'Upgrade CPI must have the same signature summary hash.')

  const requestId = value.slice(0, 12) + current.fullChecksum.slice(0, 12) + cpi.fullChecksum.slice(0, 12)
  const force = version !== 'v1' && queryFlag(req, 'forceUpgrade')
  requestUpgrade(ctx, value, requestId, cpi, force, now)
  // v1 (5.0 semantics) answers 200 with a deprecation warning (ResponseEntity.okButDeprecated); v5_1+ 202.
  if (version === 'v1') return {status: 200, body: {requestId}, headers: {warning: V1_WARNING}}
  return {status: 202, body: {requestId}}
}
