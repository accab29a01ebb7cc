// Reading an uploaded CPI: the manifest and group policy of a zip, from its central directory.
import yauzl from 'yauzl'

/** What a sandbox CPI file holds that matters. */
export interface CpiContents {
  manifest?: string
  groupPolicy?: string
}

const WANTED = new Set(['META-INF/MANIFEST.MF', 'META-INF/GroupPolicy.json', 'GroupPolicy.json'])
const MAX_ENTRY_BYTES = 4_000_000

/** The manifest and group policy of a zip, from its central directory; undefined if it is no zip. */
export async function readCpi(path: string): Promise<CpiContents | undefined> {
  let zip: yauzl.ZipFile
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.open(path, {lazyEntries: true, autoClose: true}, (e, z) => (e ? reject(e) : resolve(z))))
  } catch {
    return undefined
  }
  const found = new Map<string, string>()
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject)
      zip.on('end', () => resolve())
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!WANTED.has(entry.fileName) || entry.uncompressedSize > MAX_ENTRY_BYTES) {
          zip.readEntry()
          return
        }
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(error)
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('error', reject)
          stream.on('end', () => {
            found.set(entry.fileName, Buffer.concat(chunks).toString('utf8'))
            zip.readEntry()
          })
        })
      })
      zip.readEntry()
    })
  } catch {
    zip.close()
    return undefined
  }
  return {manifest: found.get('META-INF/MANIFEST.MF'), groupPolicy: found.get('META-INF/GroupPolicy.json') ?? found.get('GroupPolicy.json')}
}
