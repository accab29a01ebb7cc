// What an operator means as one step, built from the typed calls: deploy a CPI file, ensure a virtual node exists,
// upgrade one in place (reference/corda-rest.md §14). No printing: progress goes through callbacks, so `apply` can
// reuse every step.
import {createHash} from 'node:crypto'
import {stat} from 'node:fs/promises'
import {basename} from 'node:path'
import {ApiError, isOutage, isStatus} from '../errors.js'
import {poll} from '../wait.js'
import type {CordaClient} from './client.js'
import {readCpiManifest, sha256File} from './cpi-file.js'
import {isNoSuchRequestId} from './cpis.js'
import {hasCapability} from './capabilities.js'
import {operationReason} from './vnodes.js'
import type {AsyncOperationStatus, CpiMetadata, CpiUploadStatus, CreateVirtualNodeRequest, FlowStatusResponse, VirtualNodeInfo} from './types.js'
import {canonicalX500, parseX500, tryCanonicalX500} from './x500.js'
import {NotFoundError, OperationFailedError, UsageError} from '../../errors.js'
import {localFileError} from '../../input/files.js'

export type ChangeResult = 'created' | 'updated' | 'unchanged'

/** Waiting is common to every step: the command's deadline and Ctrl-C. */
export interface StepOptions {
  deadline?: number
  signal?: AbortSignal
}

/** corda.rest.maxContentLength on a default cluster: larger uploads are refused before a byte is sent. */
export const CPI_MAX_BYTES = 200_000_000

/** `cpi upload` output (PRODUCT.md §2). `requestId` is null when nothing was uploaded. */
export interface CpiUploadResult {
  cpiName: string
  cpiVersion: string
  cpiFileChecksum: string
  cpiFileFullChecksum: string
  requestId: string | null
  status: string
  result: ChangeResult | 'submitted'
}

export interface DeployCpiOptions extends StepOptions {
  /** Replace an uploaded CPI of the same name, version and signer (force-upload); uploads even an identical file. */
  force?: boolean
  /** false: return once the file is sent (`result: submitted`). */
  wait?: boolean
  maxBytes?: number
  /** The cluster's CPIs when the caller has them already. */
  known?: CpiMetadata[]
  onUploadProgress?: (sentBytes: number, totalBytes: number) => void
  /** Each status text of the validation (`Validating CPI`, `Persisting CPI`, …). */
  onStatus?: (status: string) => void
}

/** A local file problem, said plainly: exit 2, nothing sent. */
async function fileSize(file: string): Promise<number> {
  const info = await stat(file).catch(error => {
    throw localFileError(file, error, 'a CPI file')
  })
  if (info.isDirectory()) throw new UsageError(`${file} is a directory, not a CPI file`)
  return info.size
}

const sameChecksum = (a: string, b: string) => a.toUpperCase() === b.toUpperCase()

/**
 * Uploads a CPI unless the cluster has the very same file. Identical means: the cluster lists the manifest's name and
 * version with the file's SHA-256 as `cpiFileFullChecksum` (the file is hashed only then). The upload streams the
 * file; its hash is computed on the way. Failures reported by the status call end as OperationFailedError (exit 8),
 * except a duplicate (409), which stays an ApiError with a hint to use --force.
 */
export async function deployCpi(corda: CordaClient, file: string, options: DeployCpiOptions = {}): Promise<CpiUploadResult> {
  const size = await fileSize(file)
  const max = options.maxBytes ?? CPI_MAX_BYTES
  if (size > max) {
    throw new UsageError(`${file} is ${size.toLocaleString('en-US')} bytes; the cluster accepts at most ${max.toLocaleString('en-US')} (corda.rest.maxContentLength)`)
  }
  // stat succeeds on a file that cannot be read: the first read says so, and is bad input like a missing file.
  const {name, version} = await readCpiManifest(file).catch(error => {
    throw localFileError(file, error, 'a CPI file')
  })
  const existing = (options.known ?? (await corda.cpis.list())).find(c => c.id.cpiName === name && c.id.cpiVersion === version)
  if (existing && !options.force) {
    const full = await sha256File(file)
    if (sameChecksum(full, existing.cpiFileFullChecksum)) {
      return {cpiName: name, cpiVersion: version, cpiFileChecksum: existing.cpiFileChecksum, cpiFileFullChecksum: existing.cpiFileFullChecksum, requestId: null, status: 'OK', result: 'unchanged'}
    }
  }
  if (options.force && !existing) {
    throw new UsageError(`--force replaces an uploaded CPI, but the cluster has no ${name} ${version}: upload it without --force`)
  }

  // An upload whose connection dropped (or that met a 503) may or may not have arrived: it is sent again, and should
  // the first have arrived, the second's duplicate verdict (409) is checked against what the cluster now lists.
  let id: string
  let hash = createHash('sha256')
  for (let attempt = 1; ; attempt++) {
    try {
      ;({id} = await corda.cpis.upload({path: file, size, filename: basename(file)}, {
        force: options.force,
        onChunk: (chunk, offset) => {
          if (offset === 0) hash = createHash('sha256') // sent again: hash afresh
          hash.update(chunk)
          options.onUploadProgress?.(offset + chunk.length, size)
        },
      }))
      break
    } catch (error) {
      if (attempt >= UPLOAD_ATTEMPTS || !isOutage(error) || options.signal?.aborted) throw error
    }
  }
  const full = hash.digest('hex').toUpperCase()
  const result: CpiUploadResult = {
    cpiName: name, cpiVersion: version, cpiFileChecksum: full.slice(0, 12), cpiFileFullChecksum: full, requestId: id, status: 'Uploaded', result: 'submitted',
  }
  if (options.wait === false) return result
  const changed = existing ? 'updated' : 'created'
  try {
    const done = await followUpload(corda, id, {...options, what: `${name} ${version}`}, message => ({...result, status: message, result: 'failed'}))
    return {...result, cpiFileChecksum: done.cpiFileChecksum || result.cpiFileChecksum, status: done.status, result: changed}
  } catch (error) {
    if (!isStatus(error, 409)) throw error
    const listed = (await corda.cpis.list()).find(c => c.id.cpiName === name && c.id.cpiVersion === version && sameChecksum(c.cpiFileFullChecksum, full))
    if (!listed) throw error
    return {...result, cpiFileChecksum: listed.cpiFileChecksum, status: 'OK', result: changed}
  }
}

const UPLOAD_ATTEMPTS = 3

/**
 * Follows an upload until its status is exactly OK. The status call reports a rejected CPI as an HTTP error (reference
 * §6): that ends as OperationFailedError (exit 8) whose state is `failedState(reason)`; a duplicate stays a 409 with a
 * hint to use --force.
 */
export async function followUpload<S>(
  corda: CordaClient, id: string, options: StepOptions & {what?: string; onStatus?: (status: string) => void}, failedState: (reason: string) => S,
): Promise<CpiUploadStatus> {
  try {
    return await corda.cpis.waitForUpload(id, {deadline: options.deadline, signal: options.signal, onStatus: s => options.onStatus?.(s.status)})
  } catch (error) {
    if (!(error instanceof ApiError) || error.kind !== 'http' || isNoSuchRequestId(error)) throw error
    if (error.status === 409) {
      throw withHint(error, `the cluster already has ${options.what ?? 'this CPI name and version'} signed by the same key: use --force to replace it (a development loop), or raise Corda-CPI-Version`)
    }
    if (error.status === 401 || error.status === 403) throw error
    const reason = typeof error.details?.errorMessage === 'string' && error.details.errorMessage !== '' ? error.details.errorMessage : error.title
    const hint = /sign|trusted|certificate/i.test(reason)
      ? 'trust the code signer first: workerctl cert import SIGNER.pem --usage code-signer --alias ALIAS'
      : undefined
    throw new OperationFailedError({what: `CPI upload ${id}`, state: failedState(reason), reason, hint})
  }
}

/** The same ApiError with a better hint (and title). */
export function withHint(error: ApiError, hint: string, title = error.title): ApiError {
  return new ApiError({
    service: error.service, kind: error.kind, method: error.method, url: error.url, status: error.status, title, details: error.details, code: error.code, hint,
  })
}

/** No uploaded CPI answers to the reference: exit 3 like any not-found. */
export class CpiNotFoundError extends NotFoundError {
  constructor(readonly ref: string) {
    super(`no CPI matches "${ref}"`, 'name a CPI by its 12-hex checksum or NAME[@VERSION] (`workerctl cpi list`)')
  }
}

const HEX_CHECKSUM = /^(?:[0-9a-fA-F]{12}|[0-9a-fA-F]{64})$/
const cpiLabel = (c: CpiMetadata) => `${c.id.cpiName}@${c.id.cpiVersion}`

/** A CPI named by its checksum (12 or 64 hex) or NAME[@VERSION]; a name with several versions must say which. */
export async function resolveCpi(corda: CordaClient, ref: string, known?: CpiMetadata[]): Promise<CpiMetadata> {
  const text = ref.trim()
  const cpis = known ?? (await corda.cpis.list())
  if (HEX_CHECKSUM.test(text)) {
    const found = cpis.find(c => sameChecksum(text.length === 12 ? c.cpiFileChecksum : c.cpiFileFullChecksum, text))
    if (found) return found
  }
  const at = text.lastIndexOf('@')
  const [name, version] = at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [text, undefined]
  const matches = cpis.filter(c => c.id.cpiName === name && (version === undefined || c.id.cpiVersion === version))
  if (matches.length === 1) return matches[0]!
  if (matches.length > 1) {
    throw new UsageError(`"${ref}" matches ${matches.length} CPIs: ${matches.map(c => `${cpiLabel(c)} (${c.cpiFileChecksum})`).join(', ')}; say NAME@VERSION or the checksum`)
  }
  throw new CpiNotFoundError(ref)
}

/** `vnode create` output: the VirtualNodeInfo plus how it came about; with --no-wait only what the 202 said. */
export type VnodeCreateResult =
  | (VirtualNodeInfo & {requestId: string | null; result: ChangeResult})
  | {requestId: string; x500Name: string; cpiFileChecksum: string; status: 'ACCEPTED'; result: 'submitted'}

export interface EnsureVnodeOptions extends StepOptions {
  wait?: boolean
  /** More of the create request: the node's own database connections (JSON text), sent only when it is created. */
  request?: Omit<CreateVirtualNodeRequest, 'x500Name' | 'cpiFileChecksum'>
  onStatus?: (status: AsyncOperationStatus) => void
}

const NO_CPI_METADATA = /^No CPI metadata found/i
const sameCpi = (info: VirtualNodeInfo, cpi: CpiMetadata) =>
  info.cpiIdentifier.cpiName === cpi.id.cpiName && info.cpiIdentifier.cpiVersion === cpi.id.cpiVersion &&
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
      what: `CPI ${cpiLabel(cpi)} to be usable`,
      fetch: () => corda.vnodes.create({...options.request, x500Name, cpiFileChecksum: cpi.cpiFileChecksum}),
      done: () => true,
      transient: (error, elapsed) => elapsed < 15_000 && isStatus(error, 400, NO_CPI_METADATA),
      deadline, signal, initialMs: 500, maxMs: 2000,
    }))
  } catch (error) {
    if (!isStatus(error, 409)) throw error
    const existing = await findExisting(corda, x500Name, cpi, options)
    if (sameCpi(existing, cpi)) return {...existing, requestId: null, result: 'unchanged'}
    const have = `${existing.cpiIdentifier.cpiName}@${existing.cpiIdentifier.cpiVersion}`
    throw withHint(error as ApiError,
      `to move it to ${cpiLabel(cpi)}: workerctl vnode upgrade ${existing.holdingIdentity.shortHash} --cpi ${cpiLabel(cpi)}`,
      `virtual node ${existing.holdingIdentity.shortHash} (${x500Name}) already exists with CPI ${have}, not ${cpiLabel(cpi)}`)
  }
  if (options.wait === false) return {requestId, x500Name, cpiFileChecksum: cpi.cpiFileChecksum, status: 'ACCEPTED', result: 'submitted'}
  const done = await corda.vnodes.waitForOperation(requestId, {deadline, signal, onStatus: options.onStatus})
  const info = await corda.vnodes.waitUntilVisible(done.resourceId || requestId, {deadline, signal})
  return {...info, requestId, result: 'created'}
}

/** After a 409 the node may not be listed yet (created a moment ago by an earlier run): look for 30 s. */
async function findExisting(corda: CordaClient, x500Name: string, cpi: CpiMetadata, options: StepOptions): Promise<VirtualNodeInfo> {
  const groupId = groupIdOf(cpi)
  const matching = (nodes: VirtualNodeInfo[]) => {
    const same = nodes.filter(n => (tryCanonicalX500(n.holdingIdentity.x500Name) ?? n.holdingIdentity.x500Name) === x500Name)
    return same.find(n => n.holdingIdentity.groupId === groupId) ?? same[0]
  }
  const nodes = await poll({
    what: `virtual node ${x500Name} to be listed`,
    fetch: () => corda.vnodes.list(),
    done: list => matching(list) !== undefined,
    deadline: Math.min(options.deadline ?? Infinity, Date.now() + 30_000), signal: options.signal, initialMs: 500, maxMs: 2000,
  })
  return matching(nodes)!
}

/** Flows a state change would kill: RUNNING and START_REQUESTED. */
export async function flowsInFlight(corda: CordaClient, shortHash: string): Promise<FlowStatusResponse[]> {
  if (hasCapability(await corda.apiVersion(), 'flow.list.statusFilter')) {
    const [running, requested] = await Promise.all([
      corda.flows.list(shortHash, {status: 'RUNNING'}),
      corda.flows.list(shortHash, {status: 'START_REQUESTED'}),
    ])
    return [...running, ...requested]
  }
  return (await corda.flows.list(shortHash)).filter(f => f.flowStatus === 'RUNNING' || f.flowStatus === 'START_REQUESTED')
}

export const inMaintenance = (info: VirtualNodeInfo) => info.flowStartOperationalStatus === 'INACTIVE'

export interface UpgradeVnodeOptions extends StepOptions {
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
  const {deadline, signal} = options
  const hash = node.holdingIdentity.shortHash
  const current = node.cpiIdentifier
  if (sameCpi(node, target)) return {...node, requestId: null, result: 'unchanged'}
  if (current.cpiName !== target.id.cpiName) {
    throw new UsageError(`cannot upgrade ${hash} from ${current.cpiName}@${current.cpiVersion} to ${cpiLabel(target)}: an upgrade must keep the CPI name`)
  }
  if ((current.signerSummaryHash ?? null) !== (target.id.signerSummaryHash ?? null)) {
    throw new UsageError(`cannot upgrade ${hash} to ${cpiLabel(target)}: it is signed by another key (${target.id.signerSummaryHash ?? 'none'}, the node's CPI by ${current.signerSummaryHash ?? 'none'})`)
  }
  const flows = await flowsInFlight(corda, hash)
  if (flows.length > 0) await options.confirmKill?.(flows)

  options.onStep?.('maintenance')
  await corda.vnodes.setState(hash, 'MAINTENANCE')
  options.onStep?.('upgrade')
  let requestId: string
  try {
    ;({requestId} = await corda.vnodes.upgrade(hash, target.cpiFileChecksum))
  } catch (error) {
    if (isStatus(error, 409, /already has CPI/i)) {
      await activate(corda, hash, options)
      return {...(await corda.vnodes.get(hash)), requestId: null, result: 'unchanged'}
    }
    if (error instanceof ApiError) throw withHint(error, stuckInMaintenance(hash))
    throw error
  }
  try {
    await corda.vnodes.waitForOperation(requestId, {deadline, signal, onStatus: s => options.onStep?.(s.status)})
  } catch (error) {
    if (error instanceof OperationFailedError) {
      throw new OperationFailedError({what: `upgrade of virtual node ${hash}`, state: error.state, reason: operationReason(error.state as AsyncOperationStatus), hint: stuckInMaintenance(hash)})
    }
    throw error
  }
  options.onStep?.('active')
  await activate(corda, hash, options)
  return {...(await corda.vnodes.get(hash)), requestId, result: 'updated'}
}

const stuckInMaintenance = (hash: string) =>
  `virtual node ${hash} stays in maintenance: fix the cause and run the upgrade again, or \`workerctl vnode activate ${hash}\` to go back to its old CPI`

/** ACTIVE is refused (400) while the operation is still recorded on the node: retry for 30 s. */
async function activate(corda: CordaClient, hash: string, options: StepOptions): Promise<void> {
  await poll({
    what: `virtual node ${hash} to become active`,
    resumeId: hash,
    fetch: () => corda.vnodes.setState(hash, 'ACTIVE'),
    done: () => true,
    transient: (error, elapsed) => elapsed < 30_000 && isStatus(error, 400, /in progress|operationInProgress/i),
    deadline: options.deadline, signal: options.signal, initialMs: 500, maxMs: 2000,
  })
}
