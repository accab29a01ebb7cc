// The worker manager's history at sandbox start: `count` requests received over the last days (the DB sequence
// went up to `count`), deterministic from the seed. Most finished (SUCCESS rows are deleted, so they are gone);
// what is left is what an operator looks at: errors (a few families of texts, one a Java stack trace), invalid
// contents, requests delayed for the dead ingest-checker-worker and for a content type no config maps, workflow
// requests left NO_WORKER_AVAILABLE after an outage of their step-2 worker (§9 blind spot), and in-flight requests
// stuck for hours next to a few long ones still running.
import {Random} from '../random.js'
import {type ErrorKind, errorKindsFor, errorText, INVALID_KINDS} from './error-texts.js'
import type {RequestStatus} from './filter.js'
import {WM_DELAYS} from './request-machine.js'
import {type Fate, retryFatesFor, type RequestRow} from './request-row.js'
import type {WmRequests} from './requests.js'

export const DEFAULT_SEEDED_REQUESTS = 150

const DAY = 86_400_000
const HOUR = 3_600_000
/** History covered by the seeded requests, ending a little before the start. */
const SPAN = 5 * DAY
/** Positions in the history (0 = oldest, 1 = start of the sandbox). */
const INGEST_DIED_AT = 0.7
const SIP_OUTAGE = [0.5, 0.6] as const

export const UNMAPPED_CONTENT_TYPE = 'legacy-archive-request'

const CONTENT_TYPES: Array<[string, number]> = [
  ['lta-to-extract-request', 0.32],
  ['lta-extracted-request', 0.18],
  ['lta-request', 0.28],
  ['ingest-check-request', 0.14],
  [UNMAPPED_CONTENT_TYPE, 0.08],
]
const SOURCES = ['CNES', 'SWOT-PDS', 'lta-dispatcher', 'ESA_ops']
const MISSIONS = ['Mission1', 'SWOT', 'S6']

type Outcome =
  | {kind: 'success'}
  | {kind: 'error'; errorKind: ErrorKind; step?: number}
  | {kind: 'invalid'; step?: number}
  | {kind: 'stuck'; status: 'DISPATCHED' | 'RUNNING'}
  | {kind: 'running'}
  | {kind: 'nwa'; step?: number}

/** Situations every seed shows, whatever the count (at fixed positions in the history). */
const GUARANTEED: Array<[number, string, Outcome]> = [
  [0.1, 'lta-to-extract-request', {kind: 'error', errorKind: 'dlqStackTrace'}],
  [0.15, 'lta-to-extract-request', {kind: 'error', errorKind: 'corruptZip'}],
  [0.2, 'lta-extracted-request', {kind: 'error', errorKind: 'sipMissingAttribute'}],
  [0.25, 'lta-to-extract-request', {kind: 'error', errorKind: 'storageTimeout'}],
  [0.3, 'lta-to-extract-request', {kind: 'invalid'}],
  [0.35, 'lta-to-extract-request', {kind: 'stuck', status: 'DISPATCHED'}],
  [0.4, 'lta-extracted-request', {kind: 'stuck', status: 'RUNNING'}],
  [0.45, 'lta-request', {kind: 'error', errorKind: 'sipMissingAttribute', step: 2}],
  [0.55, 'lta-request', {kind: 'nwa', step: 2}],
  [0.85, 'ingest-check-request', {kind: 'nwa'}],
  [0.9, UNMAPPED_CONTENT_TYPE, {kind: 'nwa'}],
  [0.95, 'ingest-check-request', {kind: 'nwa'}],
]

export function seedRequests(store: WmRequests, rnd: Random, count: number, now: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`requests must be a non-negative integer, got ${count}`)
  const start = now - 30_000 - SPAN
  const guaranteed = new Map<number, [string, Outcome]>()
  for (const [position, contentType, outcome] of GUARANTEED) {
    if (count > 0) guaranteed.set(Math.min(count - 1, Math.floor(position * count)), [contentType, outcome])
  }
  const base = store.reserveId()
  for (let i = 0; i < count; i++) {
    const position = (i + rnd.next()) / count
    const createdMs = start + position * SPAN
    const creationMicros = Math.floor(createdMs * 1000)
    const forced = guaranteed.get(i)
    const contentType = forced?.[0] ?? pickWeighted(rnd, CONTENT_TYPES)
    const outcome = forced?.[1] ?? drawOutcome(rnd, contentType, position, now - createdMs)
    const requestId = rnd.uuid()
    const source = SOURCES[Math.floor(rnd.next() * SOURCES.length)]!
    const day = new Date(createdMs).toISOString().slice(0, 10).replaceAll('-', '')
    const session = `${MISSIONS[Math.floor(rnd.next() * MISSIONS.length)]}_${day}`
    if (outcome.kind === 'success') continue
    const row = store.insert({id: base + i, requestId, creationMicros, contentType, source, session, ...rowState(rnd, contentType, outcome, requestId, createdMs)})
    // A long job: still RUNNING for up to half an hour of sandbox time, then done.
    if (outcome.kind === 'running') store.finishLater(row, now + WM_DELAYS.finish + Math.floor(rnd.next() * 30 * 60_000))
  }
  store.skipIds(base + count - store.reserveId())
  store.warmUp()
}

function pickWeighted(rnd: Random, weighted: Array<[string, number]>): string {
  let r = rnd.next()
  for (const [value, weight] of weighted) {
    if (r < weight) return value
    r -= weight
  }
  return weighted.at(-1)![0]
}

function drawOutcome(rnd: Random, contentType: string, position: number, ageMs: number): Outcome {
  if (contentType === UNMAPPED_CONTENT_TYPE) return {kind: 'nwa'}
  if (contentType === 'ingest-check-request' && position >= INGEST_DIED_AT) return {kind: 'nwa'}
  const r = rnd.next()
  const workflow = contentType === 'lta-request'
  if (workflow && position >= SIP_OUTAGE[0] && position < SIP_OUTAGE[1] && r < 0.75) return {kind: 'nwa', step: 2}
  const step = workflow ? (rnd.next() < 0.5 ? 1 : 2) : undefined
  const workerType = workerOf(contentType, step)
  if (ageMs < 20 * 60_000 && r < 0.5) return {kind: 'running'}
  if (r < 0.62) return {kind: 'success'}
  if (r < 0.8) {
    const kinds: ErrorKind[] = workflow && step === 1 ? [...errorKindsFor(workerType), 'noContent'] : errorKindsFor(workerType)
    return {kind: 'error', errorKind: kinds[Math.floor(rnd.next() * kinds.length)]!, step}
  }
  if (r < 0.86) return {kind: 'invalid', step}
  if (r < 0.88 && ageMs > HOUR) return {kind: 'stuck', status: rnd.next() < 0.5 ? 'DISPATCHED' : 'RUNNING'}
  return {kind: 'success'}
}

function workerOf(contentType: string, step?: number): string | null {
  switch (contentType) {
    case 'lta-to-extract-request':
      return 'lta-product-zip-extraction-worker'
    case 'lta-extracted-request':
      return 'lta-sip-generator-worker'
    case 'ingest-check-request':
      return 'ingest-checker-worker'
    case 'lta-request':
      return step === 2 ? 'lta-sip-generator-worker' : 'lta-product-zip-extraction-worker'
    default:
      return null
  }
}

type RowState = Pick<RequestRow, 'status' | 'dispatchedWorkerType' | 'error' | 'stepNumber' | 'stepWorkerType' | 'fates' | 'always' | 'errorKind' | 'fate' | 'attempts'>

function rowState(rnd: Random, contentType: string, outcome: Outcome, requestId: string, createdMs: number): RowState {
  const workflow = contentType === 'lta-request'
  const step = outcome.kind !== 'success' && 'step' in outcome ? outcome.step : undefined
  const stepNumber = workflow ? (step ?? 1) : null
  const worker = workerOf(contentType, stepNumber ?? undefined)
  const state = (status: RequestStatus, extra: Partial<RowState> = {}): RowState => ({
    status,
    dispatchedWorkerType: worker,
    error: null,
    stepNumber,
    stepWorkerType: worker,
    fates: [],
    always: undefined,
    errorKind: undefined,
    fate: null,
    attempts: 1,
    ...extra,
  })
  const at = createdMs + 1000 + Math.floor(rnd.next() * 600_000)
  switch (outcome.kind) {
    case 'error':
      return state('ERROR', {error: errorText(outcome.errorKind, rnd, requestId, at), errorKind: outcome.errorKind, ...retryFatesFor('ERROR', outcome.errorKind)})
    case 'invalid': {
      const kind = INVALID_KINDS[Math.floor(rnd.next() * INVALID_KINDS.length)]!
      return state('INVALID_CONTENT', {error: errorText(kind, rnd, requestId, at), errorKind: kind, ...retryFatesFor('INVALID_CONTENT', kind)})
    }
    case 'stuck':
      return state(outcome.status)
    case 'running':
      return state('RUNNING', {fate: 'SUCCESS' satisfies Fate})
    case 'nwa':
      // Never dispatched (dead or unmapped), or a workflow whose step-2 worker was down: dispatched once, to step 1's worker.
      return state('NO_WORKER_AVAILABLE', {
        dispatchedWorkerType: workflow && (stepNumber ?? 1) > 1 ? workerOf(contentType, 1) : null,
        attempts: workflow && (stepNumber ?? 1) > 1 ? 1 : 0,
      })
    case 'success':
      throw new Error('unreachable')
  }
}

/** The worker manager starts now (its scheduler's initial delay counts from here) with `count` requests of history. */
export function seedWorkerManager(ctx: {clock: () => number; wm: WmRequests}, seed: number, count: number): void {
  const now = ctx.clock()
  ctx.wm.startScheduler(now)
  // Its own stream: seeding never shifts the ids (tokens, Corda) drawn from ctx.ids.
  seedRequests(ctx.wm, new Random((seed ^ 0x5eed_0001) >>> 0), count, now)
}
