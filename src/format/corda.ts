// How Corda objects look in a table; JSON and YAML print the service's own objects untouched.
import {cpiLabel} from '../api/corda/cpis.js'
import type {CpiUploadResult} from '../api/corda/ops/cpi-deploy.js'
import type {VnodeCreateResult} from '../api/corda/ops/vnode-create.js'
import type {AsyncOperationStatus, CpiMetadata, CpiUploadStatus, FlowStatusResponse, OperationalStatus, VirtualNodeInfo} from '../api/corda/types.js'
import type {View} from './output.js'
import type {Paint} from './paint.js'
import {columns} from './table.js'

/** `name  value` lines, aligned: one object in the table format. */
export function details(rows: Array<[string, string | number | null | undefined]>): string {
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== '')
  const width = Math.max(...shown.map(([k]) => k.length)) + 2
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`).join('\n')
}

export const resultText = (r: string, p: Paint) => (r === 'unchanged' ? p.dim(r) : r === 'failed' ? p.bad(r) : p.ok(r))
const opStatus = (s: OperationalStatus | string, p: Paint) => (s === 'ACTIVE' ? p.ok(s) : p.warn(s))

export const cpiTable = columns<CpiMetadata>({
  NAME: c => c.id.cpiName,
  VERSION: c => c.id.cpiVersion,
  CHECKSUM: c => c.cpiFileChecksum,
  CPKS: c => c.cpks.length,
  SIGNER: c => (c.id.signerSummaryHash ? `${c.id.signerSummaryHash.slice(0, 20)}…` : '-'),
  UPLOADED: c => c.timestamp,
})

export const cpiUploadView: View<CpiUploadResult> = {
  text: (r, p) =>
    details([
      ['CPI', `${r.cpiName}@${r.cpiVersion}`],
      ['Checksum', r.cpiFileChecksum],
      ['Status', r.status],
      ['Request', r.requestId],
      ['Result', resultText(r.result, p)],
    ]),
}

export const cpiStatusView: View<CpiUploadStatus> = {
  text: s =>
    details([
      ['Status', s.status],
      ['Checksum', s.cpiFileChecksum],
    ]),
}

export const vnodeTable = columns<VirtualNodeInfo>({
  HASH: n => n.holdingIdentity.shortHash,
  X500: n => n.holdingIdentity.x500Name,
  CPI: n => cpiLabel(n.cpiIdentifier),
  FLOWS: (n, p) => opStatus(n.flowStartOperationalStatus, p),
  VAULT: (n, p) => opStatus(n.vaultDbOperationalStatus, p),
  OPERATION: n => n.operationInProgress ?? '',
})

function vnodeDetails(n: VirtualNodeInfo, p: Paint, extra: Array<[string, string | null | undefined]> = []): string {
  return details([
    ['Short hash', n.holdingIdentity.shortHash],
    ['X.500 name', n.holdingIdentity.x500Name],
    ['Group', n.holdingIdentity.groupId],
    ['CPI', `${cpiLabel(n.cpiIdentifier)}${n.cpiIdentifier.signerSummaryHash ? ` (signer ${n.cpiIdentifier.signerSummaryHash})` : ''}`],
    ['Flow start', opStatus(n.flowStartOperationalStatus, p)],
    ['Flows', opStatus(n.flowOperationalStatus, p)],
    ['Flow P2P', opStatus(n.flowP2pOperationalStatus, p)],
    ['Vault DB', opStatus(n.vaultDbOperationalStatus, p)],
    ['Operation', n.operationInProgress],
    ...extra,
  ])
}

export const vnodeView: View<VirtualNodeInfo> = {text: (n, p) => vnodeDetails(n, p)}

/** A vnode after a change: its details, the request and what happened. */
export const vnodeChangeView: View<VirtualNodeInfo & {requestId?: string | null; result: string}> = {
  text: (n, p) =>
    vnodeDetails(n, p, [
      ['Request', n.requestId],
      ['Result', resultText(n.result, p)],
    ]),
}

export const vnodeCreateView: View<VnodeCreateResult> = {
  text: (r, p) =>
    'holdingIdentity' in r
      ? vnodeChangeView.text!(r, p)
      : details([
          ['Request', r.requestId],
          ['X.500 name', r.x500Name],
          ['CPI checksum', r.cpiFileChecksum],
          ['Status', r.status],
          ['Result', r.result],
        ]),
}

export const operationView: View<AsyncOperationStatus> = {
  text: (s, p) =>
    details([
      ['Request', s.requestId],
      ['Operation', s.operation],
      ['Status', s.status === 'SUCCEEDED' ? p.ok(s.status) : s.status === 'FAILED' || s.status === 'ABORTED' ? p.bad(s.status) : s.status],
      ['Stage', s.processingStage],
      ['Error', s.errorReason],
      ['Resource', s.resourceId],
      ['Updated', s.lastUpdatedTimestamp],
    ]),
}

const flowStatus = (s: string, p: Paint) => (s === 'COMPLETED' ? p.ok(s) : s === 'FAILED' || s === 'KILLED' ? p.bad(s) : s)

export const flowTable = columns<FlowStatusResponse>({
  ID: f => f.clientRequestId ?? '',
  STATUS: (f, p) => flowStatus(f.flowStatus, p),
  UPDATED: f => f.timestamp,
  ERROR: f => (f.flowError ? `${f.flowError.type}: ${f.flowError.message}` : ''),
})

/** A flow result is a string, often JSON: pretty-printed when it parses. */
export function prettyResult(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return text
  }
}

export const flowView: View<FlowStatusResponse> = {
  text: (f, p) => {
    const head = details([
      ['Flow', f.clientRequestId],
      ['Virtual node', f.holdingIdentityShortHash],
      ['Status', flowStatus(f.flowStatus, p)],
      ['Error', f.flowError ? `${f.flowError.type}: ${f.flowError.message}` : undefined],
      ['Updated', f.timestamp],
    ])
    return f.flowResult === null || f.flowResult === undefined ? head : `${head}\nResult:\n${prettyResult(f.flowResult)}`
  },
}

export const nameTable = (header: string) => columns<string>({[header]: s => s})

export const certImportView: View<{usage: string; alias: string; result: string}> = {
  text: (r, p) =>
    details([
      ['Usage', r.usage],
      ['Alias', r.alias],
      ['Result', resultText(r.result, p)],
    ]),
}

/** The flows a state change would kill, for a confirmation: a count and a sample. */
export function flowSample(flows: FlowStatusResponse[], max = 10): string {
  const lines = flows.slice(0, max).map(f => `  ${f.clientRequestId ?? f.flowId ?? '?'}  ${f.flowStatus}  since ${f.timestamp}`)
  if (flows.length > max) lines.push(`  … and ${flows.length - max} more`)
  return lines.join('\n')
}
