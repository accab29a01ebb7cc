// The life of a CPI upload (corda-rest.md §6): decided when it is received (judge), then walked through the real
// validation progress messages over time, its CPI persisted at "Persisting CPI" unless it fails. The endpoints are
// cpi-routes.ts.
import {parseManifest} from '../../shared/jar-manifest.js'
import type {SandboxContext} from '../context.js'
import type {CpiContents} from './cpi-file.js'
import type {CpiFailure, CpiRecord, CpiUpload} from './model.js'
import {CORDA_DELAYS, iso, SANDBOX_SIGNER} from './store.js'

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

export const STAGE = {verifying: 2, validating: 3, groupPolicy: 4, groupId: 5, upsert: 6, notifying: 10, ok: 11}

const PACKAGING_EXCEPTION = 'net.corda.libs.packaging.core.exception.PackagingException'
const VALIDATION_EXCEPTION = 'net.corda.libs.cpiupload.ValidationException'
const DUPLICATE_EXCEPTION = 'net.corda.libs.cpiupload.DuplicateCpiUploadException'

/** Decides now, against every earlier upload, how this one's validation will end. */
export function judge(ctx: SandboxContext, id: string, at: number, contents: CpiContents | undefined, sha256: string, force: boolean): CpiUpload {
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
    if (existing.groupId !== groupId)
      return invalid(STAGE.groupId, VALIDATION_EXCEPTION, `CPI ${name} ${version} has group id ${existing.groupId}; a forced upload cannot change it to ${groupId}.`)
  } else if (existing) {
    return invalid(STAGE.upsert, DUPLICATE_EXCEPTION, `CPI ${name}, ${version}, ${SANDBOX_SIGNER} already exists.`, 409)
  }
  const cpi: CpiRecord = {
    name,
    version,
    signerSummaryHash: SANDBOX_SIGNER,
    groupId,
    groupPolicy: contents.groupPolicy,
    fullChecksum: sha256,
    checksum: sha256.slice(0, 12),
    timestamp: iso(at),
  }
  return {id, at, cpi}
}

/** Keeps the upload, and persists its CPI (unless it fails) once validation reaches that stage. */
export function recordUpload(ctx: SandboxContext, entry: CpiUpload): void {
  ctx.corda.uploads.set(entry.id, entry)
  const {cpi} = entry
  if (cpi && !entry.failure) {
    const persistedAt = entry.at + CORDA_DELAYS.cpiStatusUnknown + STAGE.notifying * CORDA_DELAYS.cpiStage
    ctx.corda.schedule(persistedAt, () => ctx.corda.persistCpi({...cpi, timestamp: iso(persistedAt)}))
  }
}
