// Virtual nodes: create and follow async operations, list/get/resolve, state, upgrade, DB connections.
import {NotFoundError, UsageError} from '../../errors.js'
import {ApiError, isStatus} from '../errors.js'
import {poll, type WaitOptions} from '../wait.js'
import {requireCapability} from './capabilities.js'
import type {
  AsyncOperationStatus,
  CordaApi,
  AsyncResponse,
  ChangeVirtualNodeStateResponse,
  CreateVirtualNodeRequest,
  UpdateVirtualNodeDbRequest,
  VirtualNodeInfo,
  VirtualNodes as VirtualNodesResponse,
  VirtualNodeState,
} from './types.js'
import {canonicalX500, parseX500, tryCanonicalX500, type X500Name} from './x500.js'

/** No virtual node answers to the reference (exit 3). */
export class VnodeNotFoundError extends NotFoundError {
  constructor(readonly ref: string) {
    super(`no virtual node matches "${ref}"`, 'name a virtual node by its 12-hex short hash, its full X.500 name, or a CN/O that matches one (`workerctl vnode list`)')
  }
}

/** Several virtual nodes match a CN/O: the operator must be more specific (exit 2). */
export class AmbiguousVnodeError extends UsageError {
  readonly ref: string
  readonly candidates: VirtualNodeInfo[]
  constructor(ref: string, candidates: VirtualNodeInfo[]) {
    const list = candidates.map(n => `${n.holdingIdentity.shortHash} (${n.holdingIdentity.x500Name})`).join(', ')
    super(`"${ref}" matches ${candidates.length} virtual nodes: ${list}; name one by short hash or full X.500 name`)
    this.ref = ref
    this.candidates = candidates
  }
}

/** A node in maintenance: flows cannot start. */
export const inMaintenance = (info: VirtualNodeInfo) => info.flowStartOperationalStatus === 'INACTIVE'

/** `FAILED at Validation: <errorReason>` */
export const operationReason = (s: AsyncOperationStatus): string => `${s.status}${s.processingStage ? ` at ${s.processingStage}` : ''}${s.errorReason ? `: ${s.errorReason}` : ''}`

const SHORT_HASH = /^[0-9a-fA-F]{12}$/
const seg = encodeURIComponent

export class VirtualNodes {
  constructor(private readonly api: CordaApi) {}

  /** POST /virtualnode → 202 `{requestId}` (the short hash). 409: the vnode exists. */
  async create(req: CreateVirtualNodeRequest): Promise<AsyncResponse> {
    // Never sent twice by the transport: a repeat while the first create runs is accepted again (202, not 409), and then
    // fails the shared request id (reference/corda-rest.md §7). ensureVnode looks before sending it again.
    return this.api.http.post<AsyncResponse>(await this.api.path('/virtualnode'), {json: req, idempotent: false})
  }

  async status(requestId: string): Promise<AsyncOperationStatus> {
    return this.api.http.get<AsyncOperationStatus>(await this.api.path(`/virtualnode/status/${seg(requestId)}`))
  }

  /**
   * Polls until SUCCEEDED; FAILED/ABORTED throw OperationFailedError with the AsyncOperationStatus. A 404
   * "Failed to find a status" within `graceMs` (15 s) is pending (status cache per REST worker).
   */
  async waitForOperation(requestId: string, options: WaitOptions<AsyncOperationStatus> = {}): Promise<AsyncOperationStatus> {
    // A create's status (12-character id) is cached at once; an upgrade's or a DB change's answers 404 until a DB worker
    // picks the request up (reference §7).
    const graceMs = options.graceMs ?? (requestId.length === 12 ? 15_000 : 60_000)
    return poll<AsyncOperationStatus>({
      ...options,
      what: `virtual node operation ${requestId}`,
      resumeId: requestId,
      fetch: () => this.status(requestId),
      done: s => s.status === 'SUCCEEDED',
      failed: s => s.status === 'FAILED' || s.status === 'ABORTED',
      reason: operationReason,
      transient: (error, elapsed) => elapsed < graceMs && isStatus(error, 404),
    })
  }

  async list(): Promise<VirtualNodeInfo[]> {
    return (await this.api.http.get<VirtualNodesResponse>(await this.api.path('/virtualnode'))).virtualNodes
  }

  async get(shortHash: string): Promise<VirtualNodeInfo> {
    return this.api.http.get<VirtualNodeInfo>(await this.api.path(`/virtualnode/${seg(shortHash)}`))
  }

  /** GET /virtualnode/{h} may 404 briefly after SUCCEEDED: polls until it answers (404 pending for `graceMs`, 30 s). */
  async waitUntilVisible(shortHash: string, options: WaitOptions<VirtualNodeInfo> = {}): Promise<VirtualNodeInfo> {
    const graceMs = options.graceMs ?? 30_000
    return poll<VirtualNodeInfo>({
      ...options,
      what: `virtual node ${shortHash} to appear`,
      resumeId: shortHash,
      fetch: () => this.get(shortHash),
      done: () => true,
      transient: (error, elapsed) => elapsed < graceMs && isStatus(error, 404),
    })
  }

  /** Synchronous and idempotent; MAINTENANCE kills running flows. */
  async setState(shortHash: string, state: VirtualNodeState): Promise<ChangeVirtualNodeStateResponse> {
    return this.api.http.put<ChangeVirtualNodeStateResponse>(await this.api.path(`/virtualnode/${seg(shortHash)}/state/${state}`))
  }

  /** PUT /virtualnode/{h}/cpi/{checksum}: 202 `{requestId}` (v1: 200 + Warning); `force` only from v5_1. */
  async upgrade(shortHash: string, targetChecksum: string, options: {force?: boolean} = {}): Promise<AsyncResponse> {
    if (options.force) requireCapability(await this.api.apiVersion(), 'vnode.upgrade.force')
    return this.api.http.put<AsyncResponse>(await this.api.path(`/virtualnode/${seg(shortHash)}/cpi/${seg(targetChecksum)}`), {
      query: options.force ? {forceupgrade: true} : undefined,
    })
  }

  /** PUT /virtualnode/{h}/db (v5_2 only) → 202 `{requestId}` (a UUID). */
  async updateDb(shortHash: string, req: UpdateVirtualNodeDbRequest): Promise<AsyncResponse> {
    requireCapability(await this.api.apiVersion(), 'vnode.updateDb')
    return this.api.http.put<AsyncResponse>(await this.api.path(`/virtualnode/${seg(shortHash)}/db`), {json: req, idempotent: false})
  }

  /**
   * The short hash of a vnode reference. A 12-hex hash is taken as it is, with no call (a user allowed only to run
   * flows on a node may not read it); anything else is resolved.
   */
  async shortHash(ref: string): Promise<string> {
    const text = ref.trim()
    return SHORT_HASH.test(text) ? text.toUpperCase() : (await this.resolve(text)).holdingIdentity.shortHash
  }

  /**
   * A vnode named by its 12-hex short hash, its full X.500 name (attribute order and spacing do not matter),
   * or a CN or O value that matches exactly one node. Throws InvalidX500Error, VnodeNotFoundError, AmbiguousVnodeError.
   */
  async resolve(ref: string): Promise<VirtualNodeInfo> {
    const text = ref.trim()
    if (SHORT_HASH.test(text)) {
      try {
        return await this.get(text.toUpperCase())
      } catch (error) {
        if (!isStatus(error, 404)) throw error
      }
    }
    if (text.includes('=')) {
      const wanted = canonicalX500(parseX500(text))
      const found = (await this.listToResolve(ref)).find(n => (tryCanonicalX500(n.holdingIdentity.x500Name) ?? n.holdingIdentity.x500Name) === wanted)
      if (!found) throw new VnodeNotFoundError(ref)
      return found
    }
    const nodes = await this.listToResolve(ref)
    const matches = nodes.filter(n => {
      const name = tryParse(n.holdingIdentity.x500Name)
      return name !== undefined && (name.CN === text || name.O === text)
    })
    if (matches.length === 1) return matches[0]!
    if (matches.length > 1) throw new AmbiguousVnodeError(ref, matches)
    throw new VnodeNotFoundError(ref)
  }

  /** A name is looked up in the list, which a user with only flow permissions (flow-executor) may not read. */
  private async listToResolve(ref: string): Promise<VirtualNodeInfo[]> {
    try {
      return await this.list()
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 403)) throw error
      throw error.withHint(`this user may not list virtual nodes, so "${ref}" cannot be looked up: name the node by its 12-hex short hash`)
    }
  }
}

function tryParse(text: string): X500Name | undefined {
  try {
    return parseX500(text)
  } catch {
    return undefined
  }
}
