// Making sure a virtual node exists for an X.500 name and a CPI (reference/corda-rest.md §7, §14): created and followed
// until it is readable, or found as it is.
import {type ApiError, isStatus} from '../../errors.js'
import type {ChangeResult} from '../../types.js'
import {poll, type WaitOptions} from '../../wait.js'
import type {CordaClient} from '../client.js'
import {cpiLabel} from '../cpis.js'
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
export const sameCpi = (info: VirtualNodeInfo, cpi: CpiMetadata) =>
  info.cpiIdentifier.cpiName === cpi.id.cpiName &&
  info.cpiIdentifier.cpiVersion === cpi.id.cpiVersion &&
  (info.cpiIdentifier.signerSummaryHash ?? null) === (cpi.id.signerSummaryHash ?? null)

/** The group a CPI's members join (from its group policy), when it says. */
function groupIdOf(cpi: CpiMetadata): string | undefined {
  try {
    const id = (JSON.parse(cpi.groupPolicy ?? '') as {groupId?: unknown}).groupId
    return typeof id === 'string' ? id : undefined
  } catch {
    return undefined
  }
}

/**
 * Creates the virtual node unless it exists. A 409 is looked up: the same CPI is `unchanged`, another CPI a 409 with a
 * hint to upgrade. A transient 400 "No CPI metadata found" right after an upload is retried for 15 s.
 */
export async function ensureVnode(corda: CordaClient, x500: string, cpi: CpiMetadata, options: EnsureVnodeOptions = {}): Promise<VnodeCreateResult> {
  const x500Name = canonicalX500(parseX500(x500))
  const {deadline, signal} = options
  let requestId: string | undefined
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
    if (!isStatus(error, 409)) throw error
    const existing = await findExisting(corda, x500Name, cpi, options)
    if (sameCpi(existing, cpi)) return {...existing, requestId: null, result: 'unchanged'}
    const have = `${existing.cpiIdentifier.cpiName}@${existing.cpiIdentifier.cpiVersion}`
    throw (error as ApiError).withHint(
      `to move it to ${cpiLabel(cpi.id)}: workerctl vnode upgrade ${existing.holdingIdentity.shortHash} --cpi ${cpiLabel(cpi.id)}`,
      `virtual node ${existing.holdingIdentity.shortHash} (${x500Name}) already exists with CPI ${have}, not ${cpiLabel(cpi.id)}`,
    )
  }
  if (options.wait === false) return {requestId, x500Name, cpiFileChecksum: cpi.cpiFileChecksum, status: 'ACCEPTED', result: 'submitted'}
  const done = await corda.vnodes.waitForOperation(requestId, {deadline, signal, onStatus: options.onStatus})
  const info = await corda.vnodes.waitUntilVisible(done.resourceId || requestId, {deadline, signal})
  return {...info, requestId, result: 'created'}
}

/** After a 409 the node may not be listed yet (created a moment ago by an earlier run): look for 30 s. */
async function findExisting(corda: CordaClient, x500Name: string, cpi: CpiMetadata, options: WaitOptions): Promise<VirtualNodeInfo> {
  const groupId = groupIdOf(cpi)
  const matching = (nodes: VirtualNodeInfo[]) => {
    const same = nodes.filter(n => (tryCanonicalX500(n.holdingIdentity.x500Name) ?? n.holdingIdentity.x500Name) === x500Name)
    return same.find(n => n.holdingIdentity.groupId === groupId) ?? same[0]
  }
  const nodes = await poll({
    what: `virtual node ${x500Name} to be listed`,
    fetch: () => corda.vnodes.list(),
    done: list => matching(list) !== undefined,
    deadline: Math.min(options.deadline ?? Infinity, Date.now() + 30_000),
    signal: options.signal,
    initialMs: 500,
    maxMs: 2000,
  })
  return matching(nodes)!
}
