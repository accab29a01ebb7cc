// Making sure a virtual node exists for an X.500 name and a CPI (reference/corda-rest.md §7, §14): created and followed
// until it is readable, or found as it is.
import {createHash} from 'node:crypto'
import {OperationFailedError, TimeoutError} from '../../../errors.js'
import {type ApiError, isOutage, isStatus} from '../../errors.js'
import type {ChangeResult} from '../../types.js'
import {poll, type WaitOptions} from '../../wait.js'
import type {CordaClient} from '../client.js'
import {cpiLabel, sameCpiIdentifier} from '../cpis.js'
import type {AsyncOperationStatus, CpiMetadata, CreateVirtualNodeRequest, VirtualNodeInfo} from '../types.js'
import {canonicalX500, parseX500, tryCanonicalX500} from '../x500.js'

/** `vnode create` output: the VirtualNodeInfo plus how it came about; with --no-wait only what the 202 said. */
export type VnodeCreateResult =
  (VirtualNodeInfo & {requestId: string | null; result: ChangeResult}) | {requestId: string; x500Name: string; cpiFileChecksum: string; status: 'ACCEPTED'; result: 'submitted'}

export interface EnsureVnodeOptions extends WaitOptions<AsyncOperationStatus> {
  wait?: boolean
  /** More of the create request: the node's own database connections (JSON text), sent only when it is created. */
  request?: Omit<CreateVirtualNodeRequest, 'x500Name' | 'cpiFileChecksum'>
}

const NO_CPI_METADATA = /^No CPI metadata found/i
export const sameCpi = (info: VirtualNodeInfo, cpi: CpiMetadata) => sameCpiIdentifier(info.cpiIdentifier, cpi.id)

/** The group a CPI's members join (from its group policy), when it says. */
function groupIdOf(cpi: CpiMetadata): string | undefined {
  try {
    const id = (JSON.parse(cpi.groupPolicy ?? '') as {groupId?: unknown}).groupId
    return typeof id === 'string' ? id : undefined
  } catch {
    return undefined
  }
}

/** The group id of CPIs that make an MGM: each create gets a new random group (so a new short hash). */
const MGM_GROUP = 'CREATE_ID'

/** Sends of a create whose answer was lost, counting the first. */
const CREATE_ATTEMPTS = 3

/** `HoldingIdentity.shortHash`: the first 12 hex of SHA-256(X.500 name + group id), which is also the create's request id. */
export const holdingIdShortHash = (x500Name: string, groupId: string): string =>
  createHash('sha256')
    .update(x500Name + groupId)
    .digest('hex')
    .slice(0, 12)
    .toUpperCase()

/** What a duplicate create of a vnode in creation ends as: FAILED, although the vnode is there (reference §7). */
const isDuplicateCreate = (s: AsyncOperationStatus) => s.status === 'FAILED' && /^Virtual node for CPI with file checksum .* already exists/.test(s.errorReason ?? '')

/**
 * Creates the virtual node unless it exists. A 409 is looked up: the same CPI is `unchanged`, another CPI a 409 with a
 * hint to upgrade. A transient 400 "No CPI metadata found" right after an upload is retried for 15 s. A create whose
 * answer was lost is never sent again blindly (a second POST while the first runs fails it): the request and the vnode
 * are looked for first; and a FAILED status that a duplicate create explains is checked against the vnode itself.
 */
export async function ensureVnode(corda: CordaClient, x500: string, cpi: CpiMetadata, options: EnsureVnodeOptions = {}): Promise<VnodeCreateResult> {
  const x500Name = canonicalX500(parseX500(x500))
  const {deadline, signal} = options
  const groupId = groupIdOf(cpi)
  const expectedId = groupId && groupId !== MGM_GROUP ? holdingIdShortHash(x500Name, groupId) : undefined
  let requestId: string | undefined
  for (let attempt = 1; requestId === undefined; attempt++) {
    try {
      ;({requestId} = await poll({
        what: `CPI ${cpiLabel(cpi.id)} to be usable`,
        fetch: () => corda.vnodes.create({...options.request, x500Name, cpiFileChecksum: cpi.cpiFileChecksum}),
        done: () => true,
        transient: (error, elapsed) => elapsed < 15_000 && isStatus(error, 400, NO_CPI_METADATA),
        deadline,
        signal,
        initialMs: 500,
        maxMs: 2000,
      }))
    } catch (error) {
      if (isStatus(error, 409)) return existingOrConflict(corda, error as ApiError, x500Name, cpi, options)
      if (!isOutage(error) || attempt >= CREATE_ATTEMPTS || signal?.aborted) throw error
      requestId = await arrivedCreate(corda, expectedId, x500Name, cpi, options)
    }
  }
  if (options.wait === false) return {requestId, x500Name, cpiFileChecksum: cpi.cpiFileChecksum, status: 'ACCEPTED', result: 'submitted'}
  let done: AsyncOperationStatus
  try {
    done = await corda.vnodes.waitForOperation(requestId, {deadline, signal, onStatus: options.onStatus})
  } catch (error) {
    if (!(error instanceof OperationFailedError && isDuplicateCreate(error.state as AsyncOperationStatus))) throw error
    // Our create was sent twice (an answer lost on the way): the first made the node, the second failed the shared id.
    const existing = await findExisting(corda, x500Name, cpi, options)
    if (!sameCpi(existing, cpi)) throw error
    return {...existing, requestId, result: 'created'}
  }
  const info = await corda.vnodes.waitUntilVisible(done.resourceId || requestId, {deadline, signal})
  return {...info, requestId, result: 'created'}
}

/**
 * After a create whose answer was lost: its request id if it arrived (the status answers, or the vnode is listed), so
 * that it is followed rather than sent again; undefined if nothing shows it arrived.
 */
async function arrivedCreate(corda: CordaClient, expectedId: string | undefined, x500Name: string, cpi: CpiMetadata, options: WaitOptions): Promise<string | undefined> {
  const window = {deadline: Math.min(options.deadline ?? Infinity, Date.now() + (options.graceMs ?? ARRIVAL_WINDOW_MS)), signal: options.signal, initialMs: 250, maxMs: 1000}
  if (expectedId) {
    const status = await poll({
      what: `request ${expectedId}`,
      fetch: () => corda.vnodes.status(expectedId),
      done: () => true,
      transient: error => isStatus(error, 404),
      ...window,
    }).catch(error => {
      if (error instanceof TimeoutError && !options.signal?.aborted) return undefined
      throw error
    })
    if (status) return expectedId
  }
  const listed = matchingNode(await corda.vnodes.list(), x500Name, groupIdOf(cpi))
  return listed?.holdingIdentity.shortHash
}

/** How long a status that does not answer yet may still be on its way (another REST worker's status cache); `graceMs` overrides it. */
const ARRIVAL_WINDOW_MS = 5_000

/** A 409: the node exists. With the same CPI it is `unchanged`; with another, a conflict with a hint to upgrade. */
async function existingOrConflict(corda: CordaClient, error: ApiError, x500Name: string, cpi: CpiMetadata, options: WaitOptions): Promise<VnodeCreateResult> {
  const existing = await findExisting(corda, x500Name, cpi, options)
  if (sameCpi(existing, cpi)) return {...existing, requestId: null, result: 'unchanged'}
  const have = `${existing.cpiIdentifier.cpiName}@${existing.cpiIdentifier.cpiVersion}`
  throw error.withHint(
    `to move it to ${cpiLabel(cpi.id)}: workerctl vnode upgrade ${existing.holdingIdentity.shortHash} --cpi ${cpiLabel(cpi.id)}`,
    `virtual node ${existing.holdingIdentity.shortHash} (${x500Name}) already exists with CPI ${have}, not ${cpiLabel(cpi.id)}`,
  )
}

/** The node of that X.500 name, in the CPI's group when there are several. */
function matchingNode(nodes: VirtualNodeInfo[], x500Name: string, groupId: string | undefined): VirtualNodeInfo | undefined {
  const same = nodes.filter(n => (tryCanonicalX500(n.holdingIdentity.x500Name) ?? n.holdingIdentity.x500Name) === x500Name)
  return same.find(n => n.holdingIdentity.groupId === groupId) ?? same[0]
}

/** After a 409 or a duplicate create the node may not be listed yet (created a moment ago): look for 30 s. */
async function findExisting(corda: CordaClient, x500Name: string, cpi: CpiMetadata, options: WaitOptions): Promise<VirtualNodeInfo> {
  const groupId = groupIdOf(cpi)
  const nodes = await poll({
    what: `virtual node ${x500Name} to be listed`,
    fetch: () => corda.vnodes.list(),
    done: list => matchingNode(list, x500Name, groupId) !== undefined,
    deadline: Math.min(options.deadline ?? Infinity, Date.now() + 30_000),
    signal: options.signal,
    initialMs: 500,
    maxMs: 2000,
  })
  return matchingNode(nodes, x500Name, groupId)!
}
