// Files the operator names, and standard input where a command says `-`: read whole, and problems said plainly as bad
// input (exit 2) with nothing sent.
import {readFile} from 'node:fs/promises'
import {text} from 'node:stream/consumers'
import {UsageError} from '../errors.js'

/** The error to report for a failed read or stat of `file`: a UsageError for the usual causes, else the error itself. */
export function localFileError(file: string, error: unknown, expected = 'a file'): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new UsageError(`${file}: no such file`)
  if (code === 'EISDIR') return new UsageError(`${file} is a directory, not ${expected}`)
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`${file}: permission denied`)
  return error
}

/** How messages name an input: `-` is standard input. */
export const inputName = (file: string): string => (file === '-' ? 'standard input' : file)

/** The whole of standard input as text. */
export const readStdin = (): Promise<string> => text(process.stdin)

/** The whole text of a file, or of standard input for `-`. */
export async function readInput(file: string, expected?: string): Promise<string> {
  if (file === '-') return readStdin()
  return readFile(file, 'utf8').catch(error => {
    throw localFileError(file, error, expected)
  })
}
