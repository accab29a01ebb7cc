// Structured input files (-f FILE, or - for stdin): YAML or JSON, parsed once, with errors that say where.
import {readFile} from 'node:fs/promises'
import {localFileError} from '../api/local-file.js'
import {UsageError} from '../errors.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Reads a YAML or JSON document (JSON is YAML); empty or malformed input is bad usage (exit 2). */
export async function readDataFile(file: string): Promise<unknown> {
  const where = file === '-' ? 'standard input' : file
  const text = file === '-' ? await readStdin() : await readFile(file, 'utf8').catch(error => {
    throw localFileError(file, error)
  })
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
