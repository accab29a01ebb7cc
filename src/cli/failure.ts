// The one place that turns any failure into what the operator sees: the `Error:` line, a hint, the exit code.
import {ApiError, SERVICE_LABEL} from '../api/errors.js'
import {Exit, WorkerctlError} from '../errors.js'

export interface Failure {
  message: string
  hint?: string
  exitCode: number
}

/** `command` (e.g. "context use") makes usage hints point at that command's help. */
export function toFailure(err: unknown, command?: string, argv?: string[]): Failure {
  if (err instanceof ApiError) {
    return {message: `${SERVICE_LABEL[err.service]}: ${err.method} ${err.url}: ${err.status ? `${err.status} ` : ''}${err.title}`, hint: err.hint, exitCode: err.exitCode}
  }
  if (err instanceof WorkerctlError) return {message: err.message, hint: err.hint, exitCode: err.exitCode}
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
  const lines = text
    .split('\n')
    .map(l => l.trim())
    .filter(l => l !== '' && !/^See more help/i.test(l) && !/^The following errors? occurred:?$/i.test(l))
  const noteAt = lines.findIndex(l => /^Note:/i.test(l))
  let note =
    noteAt < 0
      ? undefined
      : lines
          .splice(noteAt)
          .join(' ')
          .replace(/^Note:\s*/i, '')
          .replace(/\.$/, '')
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
