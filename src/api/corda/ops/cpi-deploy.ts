// Deploying a CPI file as one step (reference/corda-rest.md §6, §14): skipped when the cluster has the very same file,
// streamed otherwise, and followed to OK. No printing: progress goes through callbacks, so `apply` reuses it.
import {createHash} from 'node:crypto'
import {stat} from 'node:fs/promises'
import {basename} from 'node:path'
import {OperationFailedError, UsageError} from '../../../errors.js'
import {localFileError} from '../../../input/files.js'
import {ApiError, isOutage, isStatus} from '../../errors.js'
import type {ChangeResult} from '../../types.js'
import type {WaitOptions} from '../../wait.js'
import type {CordaClient} from '../client.js'
import {readCpiManifest, sha256File} from '../cpi-file.js'
import {isNoSuchRequestId, sameChecksum} from '../cpis.js'
import type {CpiMetadata, CpiUploadStatus} from '../types.js'

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

export interface DeployCpiOptions extends WaitOptions<string> {
  /** Replace an uploaded CPI of the same name, version and signer (force-upload); uploads even an identical file. */
  force?: boolean
  /** false: return once the file is sent (`result: submitted`). */
  wait?: boolean
  maxBytes?: number
  /** The cluster's CPIs when the caller has them already. */
  known?: CpiMetadata[]
  onUploadProgress?: (sentBytes: number, totalBytes: number) => void
}

/** A local file problem, said plainly: exit 2, nothing sent. */
async function fileSize(file: string): Promise<number> {
  const info = await stat(file).catch(error => {
    throw localFileError(file, error, 'a CPI file')
  })
  if (info.isDirectory()) throw new UsageError(`${file} is a directory, not a CPI file`)
  return info.size
}

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
      return {
        cpiName: name,
        cpiVersion: version,
        cpiFileChecksum: existing.cpiFileChecksum,
        cpiFileFullChecksum: existing.cpiFileFullChecksum,
        requestId: null,
        status: 'OK',
        result: 'unchanged',
      }
    }
  }
  if (options.force && !existing) {
    throw new UsageError(`--force replaces an uploaded CPI, but the cluster has no ${name} ${version}: upload it without --force`)
  }

  // An upload whose connection dropped (or that met a 503) may or may not have arrived: it is sent again, and should
  // the first have arrived, the second's failure is checked against what the cluster now lists: a duplicate verdict
  // (409) when the first was persisted before the second's check, or a 400 when both passed it and the first was
  // persisted between (reference §6).
  let id: string
  let sends: number
  let hash = createHash('sha256')
  for (let attempt = 1; ; attempt++) {
    try {
      sends = attempt
      ;({id} = await corda.cpis.upload(
        {path: file, size, filename: basename(file)},
        {
          force: options.force,
          onChunk: (chunk, offset) => {
            if (offset === 0) hash = createHash('sha256') // sent again: hash afresh
            hash.update(chunk)
            options.onUploadProgress?.(offset + chunk.length, size)
          },
        },
      ))
      break
    } catch (error) {
      if (attempt >= UPLOAD_ATTEMPTS || !isOutage(error) || options.signal?.aborted) throw error
    }
  }
  const full = hash.digest('hex').toUpperCase()
  const result: CpiUploadResult = {
    cpiName: name,
    cpiVersion: version,
    cpiFileChecksum: full.slice(0, 12),
    cpiFileFullChecksum: full,
    requestId: id,
    status: 'Uploaded',
    result: 'submitted',
  }
  if (options.wait === false) return result
  const changed = existing ? 'updated' : 'created'
  try {
    const done = await followUpload(corda, id, {...options, what: `${name} ${version}`}, message => ({...result, status: message, result: 'failed'}))
    return {...result, cpiFileChecksum: done.cpiFileChecksum || result.cpiFileChecksum, status: done.status, result: changed}
  } catch (error) {
    if (!isStatus(error, 409) && !(sends > 1 && error instanceof OperationFailedError)) throw error
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
  corda: CordaClient,
  id: string,
  options: WaitOptions<string> & {what?: string},
  failedState: (reason: string) => S,
): Promise<CpiUploadStatus> {
  try {
    return await corda.cpis.waitForUpload(id, {deadline: options.deadline, signal: options.signal, onStatus: s => options.onStatus?.(s.status)})
  } catch (error) {
    if (!(error instanceof ApiError) || error.kind !== 'http' || isNoSuchRequestId(error)) throw error
    if (error.status === 409) {
      throw error.withHint(
        `the cluster already has ${options.what ?? 'this CPI name and version'} signed by the same key: use --force to replace it (a development loop), or raise Corda-CPI-Version`,
      )
    }
    if (error.status === 401 || error.status === 403) throw error
    const reason = typeof error.details?.errorMessage === 'string' && error.details.errorMessage !== '' ? error.details.errorMessage : error.title
    const hint = /sign|trusted|certificate/i.test(reason) ? 'trust the code signer first: workerctl cert import SIGNER.pem --usage code-signer --alias ALIAS' : undefined
    throw new OperationFailedError({what: `CPI upload ${id}`, state: failedState(reason), reason, hint})
  }
}
