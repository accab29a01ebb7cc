// The life of a CPI upload (corda-rest.md §6) as CpiValidatorImpl of corda-runtime-os 5.2.1 lives it: walked
// through the real validation progress messages over time, failing at the stage that finds the problem, persisted at
// the end of "Persisting CPI" unless it fails. The endpoints are cpi-routes.ts.
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

export const STAGE = {verifying: 2, validating: 3, groupPolicy: 4, groupId: 5, upsert: 6, persisting: 9, notifying: 10, ok: 11}

/** When the status GET starts showing stage `stage` of an upload answered at `at`. */
export const stageAt = (at: number, stage: number) => at + CORDA_DELAYS.cpiStatusUnknown + stage * CORDA_DELAYS.cpiStage

/** CpiUploadRestResourceImpl.translateExceptionAndRethrow: a ValidationException is a 400 with these details. */
function invalid(stage: number, message: string): CpiFailure {
  return {stage, status: 400, title: message, details: {errorType: 'net.corda.libs.cpiupload.ValidationException', errorMessage: message, message}}
}

/**
 * What CpiValidatorImpl finds in the file itself, stage by stage (the sandbox's CPI format, PRODUCT.md §7, stands
 * in for a signed CPI of format 2.0). Checks against other CPIs wait for their stage (recordUpload).
 */
export function judge(ctx: SandboxContext, id: string, at: number, contents: CpiContents | undefined, filename: string, sha256: string, force: boolean): CpiUpload {
  const fail = (stage: number, message: string): CpiUpload => ({id, at, force, failure: invalid(stage, message)})
  // JarVerifier: a file that is no zip, or a zip whose manifest is not its first entry.
  if (!contents || contents.manifest === undefined)
    return fail(STAGE.verifying, `Error validating CPI.  Manifest file is missing or is not the first entry in package "${filename}"`)
  // The sandbox signs nothing: with requireSigner it stands for a signed CPI, verified against the code-signer certificates.
  if (ctx.corda.settings.requireSigner && ![...ctx.corda.certificates.values()].some(c => c.usage === 'code-signer')) {
    return fail(STAGE.verifying, 'Error validating CPI.  Trusted certificates not set')
  }
  const manifest = parseManifest(contents.manifest)
  const name = manifest['Corda-CPI-Name']
  const version = manifest['Corda-CPI-Version']
  if (!name || !version) return fail(STAGE.validating, 'Invalid CPI: the manifest has no Corda-CPI-Name or Corda-CPI-Version.')
  if (contents.groupPolicy === undefined || contents.groupPolicy === '') return fail(STAGE.groupPolicy, 'CPI is missing a group policy file')
  // GroupPolicyParser.getFileFormatVersion, then groupIdFromJson (ValidationFunctions.kt).
  let policy: unknown
  try {
    policy = JSON.parse(contents.groupPolicy)
  } catch {
    return fail(STAGE.groupPolicy, 'Group policy file in the CPI is invalid. Could not get file format version. Failed to parse group policy file')
  }
  const fields = policy !== null && typeof policy === 'object' && !Array.isArray(policy) ? (policy as Record<string, unknown>) : {}
  if (fields.fileFormatVersion === undefined) {
    return fail(
      STAGE.groupPolicy,
      'Group policy file in the CPI is invalid. Could not get file format version. Failed to parse group policy file. Could not find `fileFormatVersion` in the JSON',
    )
  }
  if (fields.groupId === undefined) return fail(STAGE.groupId, 'Unable to upload CPI due to group ID not found')
  const groupId = typeof fields.groupId === 'string' ? fields.groupId : JSON.stringify(fields.groupId)
  if (groupId.trim() === '') return fail(STAGE.groupId, 'Unable to upload CPI due to group ID being blank')
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
  return {id, at, force, cpi}
}

/**
 * DatabaseCpiPersistence.validateCanUpsertCpi, against the CPIs persisted when the upload reaches that stage: a
 * forced upload needs one with the same name, signer and version, and the group id of the first with that name and
 * signer; otherwise the same name, signer and version is a duplicate (409, no details).
 */
function upsertProblem(ctx: SandboxContext, cpi: CpiRecord, force: boolean): CpiFailure | undefined {
  const same = ctx.corda.cpis.filter(c => c.name === cpi.name && c.signerSummaryHash === cpi.signerSummaryHash)
  const sameVersion = same.some(c => c.version === cpi.version)
  if (force) {
    if (!sameVersion) return invalid(STAGE.upsert, 'No instance of same CPI with previous version found')
    if (same[0]!.groupId !== cpi.groupId) return invalid(STAGE.upsert, 'Cannot force update a CPI with a different group ID')
    return undefined
  }
  if (sameVersion) return {stage: STAGE.upsert, status: 409, title: `CPI ${cpi.name}, ${cpi.version}, ${cpi.signerSummaryHash} already exists.`, details: {}}
  return undefined
}

/**
 * Keeps the upload and lets its validation run on: at "Checking we can upsert…" the duplicate rules against what is
 * persisted then; at the end of "Persisting CPI" persistCpiToDatabase, where an identical CPI persisted meanwhile
 * (two uploads in flight) fails it, and a forced upload replaces the CPI but keeps its group policy.
 */
export function recordUpload(ctx: SandboxContext, entry: CpiUpload): void {
  ctx.corda.uploads.set(entry.id, entry)
  const {cpi} = entry
  if (!cpi || entry.failure) return
  ctx.corda.schedule(stageAt(entry.at, STAGE.upsert), () => {
    entry.failure = upsertProblem(ctx, cpi, entry.force)
  })
  const persistedAt = stageAt(entry.at, STAGE.notifying)
  ctx.corda.schedule(persistedAt, () => {
    if (entry.failure) return
    const existing = ctx.corda.cpiByIdentity(cpi.name, cpi.version, cpi.signerSummaryHash)
    if (existing && !entry.force) {
      entry.failure = invalid(STAGE.persisting, 'Unexpected error when trying to persist CPI and CPK to database')
      return
    }
    ctx.corda.persistCpi({...cpi, timestamp: iso(persistedAt), groupPolicy: existing?.groupPolicy ?? cpi.groupPolicy})
  })
}
