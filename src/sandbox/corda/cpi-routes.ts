// CPI upload, force upload, status and list (corda-rest.md §6). An upload is streamed to a temp file while
// hashed, read as a zip (manifest + group policy), answered `{id}` at once; validation then "happens" over
// time: the status GET walks the real progress messages to `OK`, or throws the failure itself.
import yauzl from 'yauzl'
import type {SandboxContext} from '../context.js'
import {cordaRoute} from './route.js'
import {receiveMultipart, loggedMultipart, removeFiles} from '../http/multipart.js'
import {CORDA_DELAYS, type CpiFailure, type CpiRecord, type CpiUpload, iso, SANDBOX_SIGNER} from './store.js'
import {cordaError} from '../http/errors.js'
import {parseManifest} from '../../shared/jar-manifest.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'

/** CpiValidatorImpl's progress messages, in order; the last is the only success. */
export const CPI_STAGES = [
  'Uploading',
  'Validating upload',
  'Verifying CPI',
  'Validating CPI',
  'Checking group policy is well formed.',
  'Checking group id in CPI',
  'Checking we can upsert a cpi', // completed with name and groupId when shown
  'Extracting Liquibase scripts from CPKs in CPI',
  'Validating configuration for external channels',
  'Persisting CPI',
  'Notifying flow workers',
  'OK',
] as const

const STAGE = {verifying: 2, validating: 3, groupPolicy: 4, groupId: 5, upsert: 6, notifying: 10, ok: 11}

const PACKAGING_EXCEPTION = 'net.corda.libs.packaging.core.exception.PackagingException'
const VALIDATION_EXCEPTION = 'net.corda.libs.cpiupload.ValidationException'
const DUPLICATE_EXCEPTION = 'net.corda.libs.cpiupload.DuplicateCpiUploadException'

/** What a sandbox CPI file holds that matters. */
export interface CpiContents {
  manifest?: string
  groupPolicy?: string
}

export function registerCpi(router: Router, ctx: SandboxContext): void {
  cordaRoute(router, ctx, 'POST', '/cpi', req => upload(ctx, req, false), {raw: true})
  cordaRoute(router, ctx, 'POST', '/maintenance/virtualnode/forcecpiupload', req => upload(ctx, req, true), {raw: true})
  cordaRoute(router, ctx, 'GET', '/cpi/status/{id}', req => status(ctx, req.params.id!))
  cordaRoute(router, ctx, 'GET', '/cpi', () => {
    ctx.corda.settle(ctx.clock())
    return {status: 200, body: {cpis: ctx.corda.cpis.map(cpiMetadata)}}
  })
}

export function cpiMetadata(cpi: CpiRecord) {
  return {
    id: {cpiName: cpi.name, cpiVersion: cpi.version, signerSummaryHash: cpi.signerSummaryHash},
    cpiFileChecksum: cpi.checksum,
    cpiFileFullChecksum: cpi.fullChecksum,
    cpks: [],
    groupPolicy: cpi.groupPolicy,
    timestamp: cpi.timestamp,
  }
}

async function upload(ctx: SandboxContext, req: SandboxRequest, force: boolean): Promise<SandboxResponse> {
  const {maxUploadBytes} = ctx.corda.settings
  const received = await receiveMultipart(req.stream!, {maxBytes: maxUploadBytes, spool: 'file'})
  const loggedRequestBody = loggedMultipart(received)
  if (!received.ok) {
    if (received.reason === 'tooLarge') return cordaError(400, `Content length is ${received.total} which exceeds the maximum limit of ${maxUploadBytes}.`)
    // What Javalin answers when a multipart endpoint gets anything else.
    return cordaError(500, 'Illegal argument occurred.')
  }
  const file = received.files.find(f => f.field === 'upload')
  try {
    if (!file) return {...cordaError(400, 'Missing parameter "upload".', {cause: 'MissingParameter', reason: 'multipart part "upload" is required'}), loggedRequestBody}
    const contents = await readCpi(file.path!)
    const id = ctx.ids.uuid()
    const at = ctx.clock()
    ctx.corda.settle(at)
    const entry = judge(ctx, id, at, contents, file.sha256, force)
    ctx.corda.uploads.set(id, entry)
    const {cpi} = entry
    if (cpi && !entry.failure) {
      const persistedAt = at + CORDA_DELAYS.cpiStatusUnknown + STAGE.notifying * CORDA_DELAYS.cpiStage
      ctx.corda.schedule(persistedAt, () => ctx.corda.persistCpi({...cpi, timestamp: iso(persistedAt)}))
    }
    return {status: 200, body: {id}, loggedRequestBody}
  } finally {
    removeFiles(received.files)
  }
}

/** Decides now, against every earlier upload, how this one's validation will end. */
function judge(ctx: SandboxContext, id: string, at: number, contents: CpiContents | undefined, sha256: string, force: boolean): CpiUpload {
  const fail = (failure: CpiFailure): CpiUpload => ({id, at, failure})
  const invalid = (stage: number, errorType: string, errorMessage: string, status = 400): CpiUpload =>
    fail({stage, status, title: errorMessage, details: {errorType, errorMessage}})
  if (!contents) return invalid(STAGE.verifying, PACKAGING_EXCEPTION, 'Invalid CPI: the file is not a zip archive.')
  const manifest = parseManifest(contents.manifest ?? '')
  const name = manifest['Corda-CPI-Name']
  const version = manifest['Corda-CPI-Version']
  if (contents.manifest === undefined) return invalid(STAGE.verifying, PACKAGING_EXCEPTION, 'Invalid CPI: META-INF/MANIFEST.MF not found.')
  if (!name || !version) return invalid(STAGE.verifying, PACKAGING_EXCEPTION, 'Invalid CPI: the manifest has no Corda-CPI-Name or Corda-CPI-Version.')
  if (ctx.corda.settings.requireSigner && (ctx.corda.certificates.get('code-signer')?.size ?? 0) === 0) {
    return invalid(STAGE.validating, VALIDATION_EXCEPTION, `Error validating CPI ${name} ${version}: the CPI is not signed by a trusted code-signer certificate.`)
  }
  if (contents.groupPolicy === undefined) return invalid(STAGE.groupPolicy, VALIDATION_EXCEPTION, 'CPI is missing a group policy file.')
  let groupId: unknown
  try {
    groupId = (JSON.parse(contents.groupPolicy) as {groupId?: unknown} | null)?.groupId
  } catch {
    return invalid(STAGE.groupPolicy, VALIDATION_EXCEPTION, 'Group policy file is not well formed: it is not JSON.')
  }
  if (typeof groupId !== 'string' || groupId === '') return invalid(STAGE.groupPolicy, VALIDATION_EXCEPTION, 'Group policy file is not well formed: it has no groupId.')

  // Every upload that will succeed counts, persisted or not yet.
  const earlier = [...ctx.corda.uploads.values()].filter(u => u.cpi && !u.failure && u.cpi.name === name && u.cpi.version === version && u.cpi.signerSummaryHash === SANDBOX_SIGNER)
  const existing = earlier.at(-1)?.cpi
  if (force) {
    if (!existing) return invalid(STAGE.upsert, VALIDATION_EXCEPTION, 'No instance of same CPI with previous version found')
    if (existing.groupId !== groupId) return invalid(STAGE.groupId, VALIDATION_EXCEPTION, `CPI ${name} ${version} has group id ${existing.groupId}; a forced upload cannot change it to ${groupId}.`)
  } else if (existing) {
    return invalid(STAGE.upsert, DUPLICATE_EXCEPTION, `CPI ${name}, ${version}, ${SANDBOX_SIGNER} already exists.`, 409)
  }
  const cpi: CpiRecord = {
    name, version, signerSummaryHash: SANDBOX_SIGNER, groupId, groupPolicy: contents.groupPolicy,
    fullChecksum: sha256, checksum: sha256.slice(0, 12), timestamp: iso(at),
  }
  return {id, at, cpi}
}

function status(ctx: SandboxContext, id: string): SandboxResponse {
  const now = ctx.clock()
  ctx.corda.settle(now)
  const entry = ctx.corda.uploads.get(id)
  const elapsed = entry ? now - entry.at : -1
  // Unknown ids and, for a while, known ones (status consumed asynchronously from a compacted topic).
  if (!entry || elapsed < CORDA_DELAYS.cpiStatusUnknown) return cordaError(400, `No such requestId=${id}`)
  const stage = Math.min(STAGE.ok, Math.floor((elapsed - CORDA_DELAYS.cpiStatusUnknown) / CORDA_DELAYS.cpiStage))
  const {failure, cpi} = entry
  if (failure && stage >= failure.stage) return cordaError(failure.status, failure.title, failure.details)
  let message: string = CPI_STAGES[stage]!
  if (stage === STAGE.upsert && cpi) message = `Checking we can upsert a cpi with name=${cpi.name} and groupId=${cpi.groupId}`
  return {status: 200, body: {status: message, cpiFileChecksum: stage === STAGE.ok && cpi ? cpi.checksum : ''}}
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
