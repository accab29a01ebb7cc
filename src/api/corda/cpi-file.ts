// A local CPI file: its name and version from META-INF/MANIFEST.MF (read via the zip's central directory), its SHA-256.
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import type {Readable} from 'node:stream'
import type yauzl from 'yauzl'
import {UsageError} from '../../errors.js'
import {parseManifest} from '../../shared/jar-manifest.js'

export class InvalidCpiError extends UsageError {
  readonly file: string
  constructor(file: string, problem: string) {
    super(`${file} is not a valid CPI: ${problem}`)
    this.file = file
  }
}

export interface CpiManifest {
  name: string
  version: string
  /** Every main-section attribute of the manifest. */
  attributes: Record<string, string>
}

const MANIFEST = 'META-INF/MANIFEST.MF'
const MAX_MANIFEST = 1 << 20

const openZip = (path: string) =>
  // yauzl is loaded only by the commands that read a CPI.
  import('yauzl').then(
    ({default: zipLib}) =>
      new Promise<yauzl.ZipFile>((resolve, reject) => zipLib.open(path, {lazyEntries: true, autoClose: false}, (err, zip) => (err ? reject(err) : resolve(zip)))),
  )

const openEntry = (zip: yauzl.ZipFile, entry: yauzl.Entry) =>
  new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream))))

/** The next central-directory entry, or undefined at the end. */
const nextEntry = (zip: yauzl.ZipFile) =>
  new Promise<yauzl.Entry | undefined>((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry)
      zip.off('end', onEnd)
      zip.off('error', onError)
    }
    const onEntry = (entry: yauzl.Entry) => (cleanup(), resolve(entry))
    const onEnd = () => (cleanup(), resolve(undefined))
    const onError = (err: Error) => (cleanup(), reject(err))
    zip.on('entry', onEntry)
    zip.on('end', onEnd)
    zip.on('error', onError)
    zip.readEntry()
  })

export async function readCpiManifest(path: string): Promise<CpiManifest> {
  let zip: yauzl.ZipFile
  try {
    zip = await openZip(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw error
    throw new InvalidCpiError(path, `not a zip file (${(error as Error).message})`)
  }
  try {
    let text: string | undefined
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      if (entry.fileName !== MANIFEST) continue
      if (entry.uncompressedSize > MAX_MANIFEST) throw new InvalidCpiError(path, `${MANIFEST} is larger than 1 MiB`)
      const chunks: Buffer[] = []
      for await (const chunk of await openEntry(zip, entry)) chunks.push(chunk as Buffer)
      text = Buffer.concat(chunks).toString('utf8')
      break
    }
    if (text === undefined) throw new InvalidCpiError(path, `it has no ${MANIFEST}`)
    const attributes = parseManifest(text)
    // As the cluster reads them (java.util.jar.Manifest, untrimmed), so a name compares equal to the one it lists.
    const name = attributes['Corda-CPI-Name']
    const version = attributes['Corda-CPI-Version']
    const missing = [!name && 'Corda-CPI-Name', !version && 'Corda-CPI-Version'].filter(Boolean)
    if (missing.length > 0 || !name || !version) throw new InvalidCpiError(path, `${MANIFEST} lacks ${missing.join(' and ')}`)
    return {name, version, attributes}
  } catch (error) {
    if (error instanceof InvalidCpiError) throw error
    throw new InvalidCpiError(path, `the zip is damaged (${(error as Error).message})`)
  } finally {
    zip.close()
  }
}

/** The file's SHA-256 as upper-case hex, as Corda shows `cpiFileFullChecksum` (the first 12 are `cpiFileChecksum`). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, {highWaterMark: 1 << 20})) hash.update(chunk as Buffer)
  return hash.digest('hex').toUpperCase()
}
