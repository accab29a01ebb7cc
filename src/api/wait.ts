// The one poll loop for every asynchronous operation of every service: backoff, deadline, abort, transient errors.
import {OperationFailedError, TimeoutError} from '../errors.js'
import {ApiError, isOutage} from './errors.js'

/** What every call that waits takes: the command's deadline and Ctrl-C, and how to poll. */
export interface WaitOptions<S = never> {
  /** Epoch ms: when it passes, TimeoutError. */
  deadline?: number
  signal?: AbortSignal
  /** Each state seen while waiting. */
  onStatus?: (status: S) => void
  /** How long a "not there yet" answer counts as pending. */
  graceMs?: number
  initialMs?: number
  maxMs?: number
}

export interface PollOptions<T> extends WaitOptions<T> {
  /** What is awaited, for messages: `CPI upload 1234`, `flow create-1`. */
  what?: string
  /** The id to print for resuming after a timeout. */
  resumeId?: string
  fetch: () => Promise<T>
  /** Success: poll returns this state. */
  done: (state: T) => boolean
  /** Terminal failure: poll throws OperationFailedError with this state; `reason` gives its message. */
  failed?: (state: T) => boolean
  reason?: (state: T) => string | undefined
  /** Errors from fetch that mean "not yet" (races, eventual consistency); `elapsedMs` since polling started. */
  transient?: (error: unknown, elapsedMs: number) => boolean
  factor?: number
  /** A delay the service asked for (e.g. Cache-Control max-age), used instead of the backoff when given; capped at maxMs. */
  interval?: () => number | undefined
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

/** Polls `fetch` with exponential backoff (default 250 ms ×1.5, capped at 2 s) until `done`, a failure or the deadline. */
export async function poll<T>(options: PollOptions<T>): Promise<T> {
  const {fetch, done, failed, transient, deadline, signal, onStatus} = options
  const what = options.what ?? 'the operation'
  const started = Date.now()
  let delay = options.initialMs ?? 250
  const maxMs = options.maxMs ?? 2000
  const factor = options.factor ?? 1.5
  let lastState: T | undefined
  let reached = false
  const timeout = () =>
    new TimeoutError(`timed out waiting for ${what}${options.resumeId ? ` (resume with id ${options.resumeId})` : ''}`, {
      hint: 'the operation may still finish; ask again later with the id above',
      resumeId: options.resumeId,
      lastState,
    })
  for (;;) {
    if (signal?.aborted) throw signal.reason
    if (deadline !== undefined && Date.now() >= deadline) throw timeout()
    let state: T | undefined
    let pending = false
    try {
      state = await fetch()
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      // The transport's own deadline is the command's: the operation may still finish.
      if (error instanceof ApiError && error.kind === 'timeout') throw timeout()
      // Once the service has answered, an outage that outlasted the transport's retries is waited out like a pending
      // state (a reset connection or a 503 says nothing about the operation); before that it means a wrong address.
      if (!(reached && isOutage(error)) && !transient?.(error, Date.now() - started)) throw error
      pending = true
    }
    if (!pending) {
      reached = true
      const s = state as T
      lastState = s
      onStatus?.(s)
      if (done(s)) return s
      if (failed?.(s)) throw new OperationFailedError({what, state: s, reason: options.reason?.(s)})
    }
    const asked = options.interval?.()
    const next = asked === undefined ? delay : Math.min(maxMs, Math.max(100, asked))
    const wait = deadline === undefined ? next : Math.min(next, Math.max(0, deadline - Date.now()))
    if (deadline !== undefined && wait <= 0) throw timeout()
    await sleep(wait, signal)
    delay = Math.min(maxMs, Math.round(delay * factor))
  }
}
