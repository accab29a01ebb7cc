// Moving a virtual node to another version of its CPI (reference/corda-rest.md §7, §14): maintenance → upgrade →
// poll → active, with the flows maintenance would kill shown to the caller first.
import {OperationFailedError, UsageError} from '../../../errors.js'
import {ApiError, isStatus} from '../../errors.js'
import type {ChangeResult} from '../../types.js'
import {poll, type WaitOptions} from '../../wait.js'
import type {CordaClient} from '../client.js'
import {cpiLabel, sameCpiIdentifier} from '../cpis.js'
import type {AsyncOperationStatus, CpiMetadata, FlowStatusResponse, VirtualNodeInfo} from '../types.js'
import {operationReason} from '../vnodes.js'
import {sameCpi} from './vnode-create.js'

export interface UpgradeVnodeOptions extends WaitOptions {
  /** Called with the flows maintenance would kill, when there are any; throw to refuse. */
  confirmKill?: (flows: FlowStatusResponse[]) => Promise<void>
  /** Each step: `maintenance`, `upgrade`, the operation's states, `active`. */
  onStep?: (step: string) => void
}

export type VnodeUpgradeResult = VirtualNodeInfo & {requestId: string | null; result: ChangeResult}

/**
 * The upgrade of §4: preconditions checked locally (same CPI name and signer, another checksum), running flows shown
 * to `confirmKill`, then maintenance → PUT cpi → poll → active. A failed upgrade leaves the node in maintenance.
 */
export async function upgradeVnode(corda: CordaClient, node: VirtualNodeInfo, target: CpiMetadata, options: UpgradeVnodeOptions = {}): Promise<VnodeUpgradeResult> {
  const hash = node.holdingIdentity.shortHash
  const current = node.cpiIdentifier
  if (sameCpi(node, target)) return {...node, requestId: null, result: 'unchanged'}
  if (current.cpiName !== target.id.cpiName) {
    throw new UsageError(`cannot upgrade ${hash} from ${current.cpiName}@${current.cpiVersion} to ${cpiLabel(target.id)}: an upgrade must keep the CPI name`)
  }
  if ((current.signerSummaryHash ?? null) !== (target.id.signerSummaryHash ?? null)) {
    throw new UsageError(
      `cannot upgrade ${hash} to ${cpiLabel(target.id)}: it is signed by another key (${target.id.signerSummaryHash ?? 'none'}, the node's CPI by ${current.signerSummaryHash ?? 'none'})`,
    )
  }
  const flows = await corda.flows.inFlight(hash)
  if (flows.length > 0) await options.confirmKill?.(flows)

  options.onStep?.('maintenance')
  await corda.vnodes.setState(hash, 'MAINTENANCE')
  options.onStep?.('upgrade')
  let requestId: string
  try {
    ;({requestId} = await corda.vnodes.upgrade(hash, target.cpiFileChecksum))
  } catch (error) {
    if (isStatus(error, 409, /already has CPI/i)) {
      // Ours may have landed before (an answer lost, then sent again): its operation is followed before calling it unchanged.
      const landed = await ourUpgrade(corda, node, target, options)
      await activate(corda, hash, options)
      return {...(await corda.vnodes.get(hash)), requestId: landed ?? null, result: landed ? 'updated' : 'unchanged'}
    }
    if (error instanceof ApiError) throw error.withHint(stuckInMaintenance(hash))
    throw error
  }
  await followUpgrade(corda, hash, requestId, options)
  options.onStep?.('active')
  await activate(corda, hash, options)
  return {...(await corda.vnodes.get(hash)), requestId, result: 'updated'}
}

/** Waits for an upgrade operation to succeed; a failed one leaves the node in maintenance, which the error says. */
async function followUpgrade(corda: CordaClient, hash: string, requestId: string, options: UpgradeVnodeOptions): Promise<void> {
  try {
    await corda.vnodes.waitForOperation(requestId, {deadline: options.deadline, signal: options.signal, onStatus: s => options.onStep?.(s.status), graceMs: options.graceMs})
  } catch (error) {
    if (error instanceof OperationFailedError) {
      const state = error.state as AsyncOperationStatus
      throw new OperationFailedError({what: `upgrade of virtual node ${hash}`, state, reason: operationReason(state), hint: stuckInMaintenance(hash)})
    }
    throw error
  }
}

/**
 * The upgrade this command may have made already, when the node turns out to have the target CPI: its request id is
 * the node's short hash and the two CPIs' checksums (reference §7). Followed to its end if it exists; undefined if not.
 */
async function ourUpgrade(corda: CordaClient, node: VirtualNodeInfo, target: CpiMetadata, options: UpgradeVnodeOptions): Promise<string | undefined> {
  const from = (await corda.cpis.list()).find(c => sameCpiIdentifier(c.id, node.cpiIdentifier))
  if (!from) return undefined
  const requestId = `${node.holdingIdentity.shortHash}${from.cpiFileChecksum}${target.cpiFileChecksum}`.toUpperCase()
  try {
    await corda.vnodes.status(requestId)
  } catch (error) {
    if (isStatus(error, 404)) return undefined
    throw error
  }
  await followUpgrade(corda, node.holdingIdentity.shortHash, requestId, options)
  return requestId
}

const stuckInMaintenance = (hash: string) =>
  `virtual node ${hash} stays in maintenance: fix the cause and run the upgrade again, or \`workerctl vnode activate ${hash}\` to go back to its old CPI`

/** ACTIVE is refused (400) while the operation is still recorded on the node: retry for 30 s. */
async function activate(corda: CordaClient, hash: string, options: WaitOptions): Promise<void> {
  try {
    await poll({
      what: `virtual node ${hash} to become active`,
      resumeId: hash,
      fetch: () => corda.vnodes.setState(hash, 'ACTIVE'),
      done: () => true,
      transient: (error, elapsed) => elapsed < 30_000 && isStatus(error, 400, /in progress|operationInProgress/i),
      deadline: options.deadline,
      signal: options.signal,
      initialMs: 500,
      maxMs: 2000,
    })
  } catch (error) {
    // A failed upgrade's migrations leave the vault behind the CPI's changelogs, and Corda refuses ACTIVE until they run.
    if (isStatus(error, 400, /not in sync with changelogs/)) throw (error as ApiError).withHint(stuckInMaintenance(hash))
    throw error
  }
}
