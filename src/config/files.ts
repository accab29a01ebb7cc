// Writes that never leave a half-written file and never widen permissions: config and secrets live here.
import {randomBytes} from 'node:crypto'
import {chmod, mkdir, readFile, rename, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, {recursive: true, mode: 0o700})
  await chmod(dir, 0o700)
}

/** Writes to a temporary file in the same directory, then renames it over the target (atomic on POSIX). */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await ensurePrivateDir(dirname(path))
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp` // unique even for two writes in the same millisecond
  await writeFile(tmp, content, {mode: 0o600})
  await chmod(tmp, 0o600)
  await rename(tmp, path)
}

export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Reads a small JSON state file; a missing or damaged one reads as undefined (it is only a cache). */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  const text = await readTextIfExists(path)
  if (text === undefined) return undefined
  try {
    return JSON.parse(text) as T
  } catch {
    return undefined
  }
}
