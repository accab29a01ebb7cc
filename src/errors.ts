// The one family of errors every layer throws. Each carries the exit code of PRODUCT.md §2 and, where one helps, a
// hint; the command layer's toFailure turns any of them into the `Error:` and `Hint:` lines. Imports nothing.

export const Exit = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  AUTH: 4,
  CONFLICT: 5,
  UNREACHABLE: 6,
  TIMEOUT: 7,
  FAILED: 8,
  PROBLEMS: 9,
  INTERRUPTED: 130,
} as const

export type ExitCode = (typeof Exit)[keyof typeof Exit]

export class WorkerctlError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = Exit.UNEXPECTED,
    readonly hint?: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** Bad usage or input, found before anything was sent: a flag, a file, a name, an operation the service lacks (exit 2). */
export class UsageError extends WorkerctlError {
  constructor(message: string, hint?: string) {
    super(message, Exit.USAGE, hint)
  }
}

/** Nothing answers to what the operator named (a vnode, a CPI, a context): found out by looking (exit 3). */
export class NotFoundError extends WorkerctlError {
  constructor(message: string, hint?: string) {
    super(message, Exit.NOT_FOUND, hint)
  }
}

/** No credentials to send, or none that work (exit 4). */
export class AuthError extends WorkerctlError {
  constructor(message: string, hint?: string) {
    super(message, Exit.AUTH, hint)
  }
}

/** What the operator asked for clashes with what exists, or the operator said no (exit 5). */
export class ConflictError extends WorkerctlError {
  constructor(message: string, hint?: string) {
    super(message, Exit.CONFLICT, hint)
  }
}

/** Nothing answered where something should (exit 6). Services' own failures are ApiErrors. */
export class UnreachableError extends WorkerctlError {
  constructor(message: string, hint?: string) {
    super(message, Exit.UNREACHABLE, hint)
  }
}

/** --timeout ran out, waiting or working; the operation may still finish (exit 7). */
export class TimeoutError extends WorkerctlError {
  /** The id to resume waiting with (`cpi status ID`, `vnode status ID`, `flow wait VNODE ID`). */
  readonly resumeId?: string
  /** The last state seen while waiting, if any. */
  readonly lastState?: unknown

  constructor(message: string, options: {hint?: string; resumeId?: string; lastState?: unknown} = {}) {
    super(message, Exit.TIMEOUT, options.hint)
    this.resumeId = options.resumeId
    this.lastState = options.lastState
  }
}

/** The operation reached a terminal failure (CPI rejected, vnode FAILED, flow FAILED, job Failed): exit 8. */
export class OperationFailedError<S = unknown> extends WorkerctlError {
  /** What failed, for messages: `CPI upload 1234`, `flow create-1`. */
  readonly what: string
  /** The final state as the service reported it (an AsyncOperationStatus, a FlowStatusResponse, a Job). */
  readonly state: S

  constructor(init: {what: string; state: S; reason?: string; hint?: string}) {
    super(`${init.what} failed${init.reason ? `: ${init.reason}` : ''}`, Exit.FAILED, init.hint)
    this.what = init.what
    this.state = init.state
  }
}

/** Ctrl-C (exit 130). */
export class InterruptedError extends WorkerctlError {
  constructor() {
    super('interrupted', Exit.INTERRUPTED)
  }
}

/** The file being sent could not be read to its end: a local failure, not the network's (exit 1). */
export class FileSendError extends WorkerctlError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot send ${path}: ${reason}`)
  }
}
