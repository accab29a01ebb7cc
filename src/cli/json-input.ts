// JSON given on the command line: inline, or `@file` to read it from a file. Bad JSON is exit 2 with nothing sent.
import {readFile} from 'node:fs/promises'
import {UsageError} from './errors.js'

export async function readJsonArgument(value: string, flag: string): Promise<unknown> {
  let text = value
  let where = flag
  if (value.startsWith('@')) {
    const file = value.slice(1)
    where = `${flag} ${value}`
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message
      throw new UsageError(`${where}: ${problem}`)
    }
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${(error as Error).message}`, `give a JSON value, e.g. ${flag} '{"name":"x"}', or ${flag} @file.json`)
  }
}
