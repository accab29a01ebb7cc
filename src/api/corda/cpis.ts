// CPIs: multipart upload streamed from the file, status, list, and waiting for an upload to finish.
import {ApiError} from '../errors.js'
import {poll} from '../wait.js'
import type {CordaApi} from './client.js'
import {multipartBody} from '../multipart.js'
import type {CpiMetadata, CpiUploadResponse, CpiUploadStatus, GetCPIsResponse} from './types.js'

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

export interface WaitOptions<S> {
  deadline?: number
  signal?: AbortSignal
  onStatus?: (status: S) => void
  /** How long a "not there yet" answer counts as pending. */
  graceMs?: number
  initialMs?: number
  maxMs?: number
}

/** The status GET right after the POST may answer 400 "No such requestId=…" (reference §6). */
export const isNoSuchRequestId = (error: unknown): boolean =>
  error instanceof ApiError && error.status === 400 && error.title.startsWith('No such requestId=')

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

  /**
   * Polls the upload's status until it is exactly `OK`. An error from the status call is the upload's failure
   * (400 validation, 409 duplicate, 500) and is thrown as the ApiError it is; 400 "No such requestId=" is pending
   * for `graceMs` (30 s). The deadline gives a TimeoutError whose `resumeId` is the upload id.
   */
  async waitForUpload(id: string, options: WaitOptions<CpiUploadStatus> = {}): Promise<CpiUploadStatus> {
    const graceMs = options.graceMs ?? 30_000
    return poll<CpiUploadStatus>({
      what: `CPI upload ${id}`,
      resumeId: id,
      fetch: () => this.status(id),
      done: s => s.status === 'OK',
      transient: (error, elapsed) => elapsed < graceMs && isNoSuchRequestId(error),
      deadline: options.deadline,
      signal: options.signal,
      onState: options.onStatus,
      initialMs: options.initialMs ?? 250,
      maxMs: options.maxMs ?? 2000,
    })
  }
}
