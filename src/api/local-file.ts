// A local file the operator named that cannot be read, said plainly: bad input (exit 2), nothing sent.
import {InputError} from './errors.js'

/** The error to report for a failed read or stat of `file`: an InputError for the usual causes, else the error itself. */
export function localFileError(file: string, error: unknown, expected = 'a file'): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new InputError(`${file}: no such file`)
  if (code === 'EISDIR') return new InputError(`${file} is a directory, not ${expected}`)
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`${file}: permission denied`)
  return error
}
