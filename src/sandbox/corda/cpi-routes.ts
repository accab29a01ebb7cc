// CPI upload, force upload, status and list (corda-rest.md §6) as CpiUploadRestResourceImpl and
// VirtualNodeMaintenanceRestResourceImpl of corda-runtime-os 5.2.1 answer them. An upload is streamed to a temp file
// while hashed, read as a zip (manifest + group policy, cpi-file.ts), answered `{id}` at once; validation then
// "happens" over time (cpi-lifecycle.ts): the status GET walks the real progress messages to `OK`, or throws the
// failure itself.
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import {loggedMultipart, receiveMultipart, removeFiles} from '../http/multipart.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {readCpi} from './cpi-file.js'
import {parseError} from './body.js'
import {CPI_STAGES, judge, recordUpload, STAGE} from './cpi-lifecycle.js'
import type {CpiRecord} from './model.js'
import {cordaRoute, illegalArgument, tooLarge} from './route.js'
import {CORDA_DELAYS} from './store.js'

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
    // A body streamed without a length is only found too large while it is read.
    if (received.reason === 'tooLarge') return tooLarge(received.total, maxUploadBytes)
    return illegalArgument(received.message)
  }
  const file = received.files.find(f => f.field === 'upload')
  try {
    if (!file) return {...parseError('upload', 'Expected file with parameter name "upload" but it was not found.', 'BadRequestException'), loggedRequestBody}
    const contents = await readCpi(file.path!)
    const id = ctx.ids.uuid()
    const at = ctx.clock()
    ctx.corda.settle(at)
    recordUpload(ctx, judge(ctx, id, at, contents, file.filename, file.sha256, force))
    return {status: 200, body: {id}, loggedRequestBody}
  } finally {
    removeFiles(received.files)
  }
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
  // A stage's message shows while it runs; its failure replaces it when the stage is over.
  if (failure && stage > failure.stage) return cordaError(failure.status, failure.title, failure.details)
  let message: string = CPI_STAGES[stage]!
  if (stage === STAGE.upsert && cpi) message = `Checking we can upsert a cpi with name=${cpi.name} and groupId=${cpi.groupId}`
  return {status: 200, body: {status: message, cpiFileChecksum: stage === STAGE.ok && cpi ? cpi.checksum : ''}}
}
