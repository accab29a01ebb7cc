import {UsageError} from '../errors.js'
// A local file the operator named that cannot be read, said plainly: bad input (exit 2), nothing sent.

/** The error to report for a failed read or stat of `file`: a UsageError for the usual causes, else the error itself. */
export function localFileError(file: string, error: unknown, expected = 'a file'): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new UsageError(`${file}: no such file`)
  if (code === 'EISDIR') return new UsageError(`${file} is a directory, not ${expected}`)
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`${file}: permission denied`)
  return error
}
