// CPIs: multipart upload streamed from the file, status, list, naming one, and waiting for an upload to finish.
import {NotFoundError, UsageError} from '../../errors.js'
import {ApiError} from '../errors.js'
import {multipartBody} from '../multipart.js'
import {poll, type WaitOptions} from '../wait.js'
import type {CordaApi, CpiIdentifier, CpiMetadata, CpiUploadResponse, CpiUploadStatus, GetCPIsResponse} from './types.js'

export interface CpiUploadOptions {
  /** Overwrite a CPI with the same name, version and signer (POST /maintenance/virtualnode/forcecpiupload). */
  force?: boolean
  /** Called with every chunk of the file before it is sent, and its offset (0 again if the request is sent again). */
  onChunk?: (chunk: Buffer, offset: number) => void
}

/** The CPI file to send: its path, its size when the upload starts (the Content-Length), and the name to send. */
export interface CpiFile {
  path: string
  size: number
  filename: string
}

/** The status GET right after the POST may answer 400 "No such requestId=…" (reference §6). */
export const isNoSuchRequestId = (error: unknown): boolean => error instanceof ApiError && error.status === 400 && error.title.startsWith('No such requestId=')

/** No uploaded CPI answers to the reference: exit 3 like any not-found. */
export class CpiNotFoundError extends NotFoundError {
  constructor(readonly ref: string) {
    super(`no CPI matches "${ref}"`, 'name a CPI by its 12-hex checksum or NAME[@VERSION] (`workerctl cpi list`)')
  }
}

/** `NAME@VERSION`, as an operator names a CPI. */
export const cpiLabel = (id: CpiIdentifier) => `${id.cpiName}@${id.cpiVersion}`

/** The same CPI: name, version and signer. */
export const sameCpiIdentifier = (a: CpiIdentifier, b: CpiIdentifier) =>
  a.cpiName === b.cpiName && a.cpiVersion === b.cpiVersion && (a.signerSummaryHash ?? null) === (b.signerSummaryHash ?? null)

/** Checksums compare whatever their case: the cluster shows upper case, people type either. */
export const sameChecksum = (a: string, b: string) => a.toUpperCase() === b.toUpperCase()

const HEX_CHECKSUM = /^(?:[0-9a-fA-F]{12}|[0-9a-fA-F]{64})$/

export class Cpis {
  constructor(private readonly api: CordaApi) {}

  async upload(file: CpiFile, options: CpiUploadOptions = {}): Promise<CpiUploadResponse> {
    const path = await this.api.path(options.force ? '/maintenance/virtualnode/forcecpiupload' : '/cpi')
    const {body, contentType} = multipartBody([{name: 'upload', filename: file.filename, file: {path: file.path, size: file.size, onChunk: options.onChunk}}])
    return this.api.http.post<CpiUploadResponse>(path, {body, contentType, idempotent: false})
  }

  async status(id: string): Promise<CpiUploadStatus> {
    return this.api.http.get<CpiUploadStatus>(await this.api.path(`/cpi/status/${encodeURIComponent(id)}`))
  }

  async list(): Promise<CpiMetadata[]> {
    return (await this.api.http.get<GetCPIsResponse>(await this.api.path('/cpi'))).cpis
  }

  /** A CPI named by its checksum (12 or 64 hex) or NAME[@VERSION]; a name with several versions must say which. */
  async resolve(ref: string, known?: CpiMetadata[]): Promise<CpiMetadata> {
    const text = ref.trim()
    const cpis = known ?? (await this.list())
    if (HEX_CHECKSUM.test(text)) {
      const found = cpis.find(c => sameChecksum(text.length === 12 ? c.cpiFileChecksum : c.cpiFileFullChecksum, text))
      if (found) return found
    }
    const at = text.lastIndexOf('@')
    const [name, version] = at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [text, undefined]
    const matches = cpis.filter(c => c.id.cpiName === name && (version === undefined || c.id.cpiVersion === version))
    if (matches.length === 1) return matches[0]!
    if (matches.length > 1) {
      throw new UsageError(`"${ref}" matches ${matches.length} CPIs: ${matches.map(c => `${cpiLabel(c.id)} (${c.cpiFileChecksum})`).join(', ')}; say NAME@VERSION or the checksum`)
    }
    throw new CpiNotFoundError(ref)
  }

  /**
   * Polls the upload's status until it is exactly `OK`. An error from the status call is the upload's failure
   * (400 validation, 409 duplicate, 500) and is thrown as the ApiError it is; 400 "No such requestId=" is pending
   * for `graceMs` (30 s). The deadline gives a TimeoutError whose `resumeId` is the upload id.
   */
  async waitForUpload(id: string, options: WaitOptions<CpiUploadStatus> = {}): Promise<CpiUploadStatus> {
    const graceMs = options.graceMs ?? 30_000
    return poll<CpiUploadStatus>({
      ...options,
      what: `CPI upload ${id}`,
      resumeId: id,
      fetch: () => this.status(id),
      done: s => s.status === 'OK',
      transient: (error, elapsed) => elapsed < graceMs && isNoSuchRequestId(error),
    })
  }
}
