// JSON given on the command line: inline, or `@file` to read it from a file. Bad JSON is exit 2 with nothing sent.
import {readFile} from 'node:fs/promises'
import {localFileError} from '../api/local-file.js'
import {UsageError} from '../errors.js'

export async function readJsonArgument(value: string, flag: string): Promise<unknown> {
  let text = value
  let where = flag
  if (value.startsWith('@')) {
    const file = value.slice(1)
    where = `${flag} ${value}`
    text = await readFile(file, 'utf8').catch(error => {
      throw localFileError(file, error, 'a JSON file')
    })
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${(error as Error).message}`, `give a JSON value, e.g. ${flag} '{"name":"x"}', or ${flag} @file.json`)
  }
}
