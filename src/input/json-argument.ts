// JSON given on the command line: inline, or `@file` to read it from a file. Bad JSON is exit 2 with nothing sent.
import {UsageError} from '../errors.js'
import {readInput} from './files.js'

export async function readJsonArgument(value: string, flag: string): Promise<unknown> {
  const file = value.startsWith('@') ? value.slice(1) : undefined
  const where = file === undefined ? flag : `${flag} ${value}`
  const text = file === undefined ? value : await readInput(file, 'a JSON file')
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${(error as Error).message}`, `give a JSON value, e.g. ${flag} '{"name":"x"}', or ${flag} @file.json`)
  }
}
