// The one place that turns any failure into what the operator sees and the exit code of PRODUCT.md §2.
import {ApiError, ConflictError, InputError, NotFoundError, SERVICE_LABEL} from '../api/errors.js'
import {OperationFailedError, WaitTimeoutError} from '../api/wait.js'

export const Exit = {
  OK: 0, UNEXPECTED: 1, USAGE: 2, NOT_FOUND: 3, AUTH: 4, CONFLICT: 5, UNREACHABLE: 6,
  TIMEOUT: 7, FAILED: 8, PROBLEMS: 9, INTERRUPTED: 130,
} as const

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = Exit.UNEXPECTED, readonly hint?: string) {
    super(message)
    this.name = 'CliError'
  }
}

/** Bad usage or input: nothing was sent. */
export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, Exit.USAGE, hint)
    this.name = 'UsageError'
  }
}

/** The command's --timeout ran out while it was waiting; the operation may still finish. */
export class DeadlineError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, Exit.TIMEOUT, hint)
    this.name = 'DeadlineError'
  }
}

export class InterruptedError extends CliError {
  constructor() {
    super('interrupted', Exit.INTERRUPTED)
    this.name = 'InterruptedError'
  }
}

export interface Failure {
  message: string
  hint?: string
  exitCode: number
}

function exitCodeForStatus(status: number): number {
  if (status === 401 || status === 403) return Exit.AUTH
  if (status === 404) return Exit.NOT_FOUND
  if (status === 405 || status === 409) return Exit.CONFLICT
  if (status === 502 || status === 503 || status === 504) return Exit.UNREACHABLE
  if (status === 400 || status === 413 || status === 422) return Exit.USAGE
  return Exit.UNEXPECTED
}

/** `command` (e.g. "context use") makes usage hints point at that command's help. */
export function toFailure(err: unknown, command?: string, argv?: string[]): Failure {
  if (err instanceof ApiError) {
    // Anything but an HTTP error status means we never reached the service as configured.
    const exitCode = err.kind === 'http' ? exitCodeForStatus(err.status ?? 0) : Exit.UNREACHABLE
    const what = `${err.method} ${err.url}`
    return {message: `${SERVICE_LABEL[err.service]}: ${what}: ${err.status ? `${err.status} ` : ''}${err.title}`, hint: err.hint, exitCode}
  }
  if (err instanceof CliError) return {message: err.message, hint: err.hint, exitCode: err.exitCode}
  // Errors the clients raise before sending anything: bad input, exit 2.
  if (err instanceof InputError) return {message: err.message, exitCode: Exit.USAGE}
  if (err instanceof NotFoundError) return {message: err.message, hint: err.hint, exitCode: Exit.NOT_FOUND}
  if (err instanceof ConflictError) return {message: err.message, hint: err.hint, exitCode: Exit.CONFLICT}
  if (err instanceof WaitTimeoutError) {
    return {message: err.message, hint: 'the operation may still finish; ask again later with the id above', exitCode: Exit.TIMEOUT}
  }
  if (err instanceof OperationFailedError) return {message: err.message, hint: err.hint, exitCode: Exit.FAILED}
  const oclifExit = (err as {oclif?: {exit?: number}}).oclif?.exit
  if (err instanceof Error && oclifExit !== undefined) {
    const {message, note} = oclifMessage(err.message, argv)
    const hint = `${note ? `${note}; ` : ''}run \`workerctl ${command ? `${command} ` : ''}--help\` for the flags and examples`
    return {message, hint, exitCode: oclifExit === 0 ? 0 : Exit.USAGE}
  }
  return {message: err instanceof Error ? err.message : String(err), exitCode: Exit.UNEXPECTED}
}

/**
 * oclif's own parse errors (unknown flag, missing argument, bad option value) on one line: without its "The following
 * error occurred:" heading and "See more help" footer, flags named as typed (`--file`), several errors joined by `;`.
 * A "Note:" it adds (flags that take several values swallow the arguments after them) becomes part of the hint, but
 * only when such a flag was given: oclif adds it whenever the command has one.
 */
function oclifMessage(text: string, argv?: string[]): {message: string; note?: string} {
  const lines = text.split('\n').map(l => l.trim()).filter(l => l !== '' && !/^See more help/i.test(l) && !/^The following errors? occurred:?$/i.test(l))
  const noteAt = lines.findIndex(l => /^Note:/i.test(l))
  let note = noteAt < 0 ? undefined : lines.splice(noteAt).join(' ').replace(/^Note:\s*/i, '').replace(/\.$/, '')
  const multiple = note === undefined ? [] : [...note.matchAll(/(--[\w-]+) allows? multiple values/g)].map(m => m[1]!)
  if (argv && multiple.length > 0 && !argv.some(a => multiple.some(flag => a === flag || a.startsWith(`${flag}=`)))) note = undefined
  let message = ''
  for (const line of lines.map(l => l.replace(/^Missing required flag ([\w-]+)$/, 'Missing required flag --$1'))) {
    if (message === '') message = line
    else if (message.endsWith(':')) message += ` ${line}`
    else if (/^Parsing --[\w-]+$/.test(message)) message += `: ${line}`
    else message += `; ${line}`
  }
  return {message: message.replace(/\s{2,}/g, ': '), note}
}
