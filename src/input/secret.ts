// A secret piped in (--password-stdin): never a flag value, so it stays out of shell history and process lists.
import {UsageError} from '../errors.js'
import {readStdin} from './files.js'

/** The first line of standard input, without its newline. */
export async function readStdinSecret(): Promise<string> {
  const line = (await readStdin()).split(/\r?\n/)[0] ?? ''
  if (line === '') throw new UsageError('--password-stdin: nothing was read from standard input')
  return line
}
