// Structured input files (-f FILE, or - for stdin): YAML or JSON, parsed once, with errors that say where.
import {UsageError} from '../errors.js'
import {inputName, readInput} from './files.js'

/** Reads a YAML or JSON document (JSON is YAML); empty or malformed input is bad usage (exit 2). */
export async function readDataFile(file: string): Promise<unknown> {
  const where = inputName(file)
  const text = await readInput(file)
  if (text.trim() === '') throw new UsageError(`${where} is empty`)
  const {parseDocument} = await import('yaml')
  const doc = parseDocument(text, {prettyErrors: false})
  const [problem] = doc.errors
  if (problem) {
    const line = problem.linePos?.[0]
    throw new UsageError(`${where}${line ? ` line ${line.line}` : ''} is not valid YAML or JSON: ${problem.message.split('\n')[0]}`)
  }
  return doc.toJS()
}
