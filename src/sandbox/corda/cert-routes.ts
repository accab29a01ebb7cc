// Cluster-level certificates (corda-rest.md §5 "Certs"): import a PEM chain under an alias, list aliases,
// read a chain back as raw PEM text. v5_1/v5_2 use `/certificate`, v1 the plural `/certificates`.
import {X509Certificate} from 'node:crypto'
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import {loggedMultipart, receiveMultipart} from '../http/multipart.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {cordaRoute} from './route.js'

/** The usages the 5.2 REST worker accepts for cluster certificates. */
export const CLUSTER_CERT_USAGES = ['p2p-tls', 'p2p-session', 'rest-tls', 'code-signer'] as const

/** Certificate uploads are small: a generous cap so a stray large file is refused without being stored. */
const MAX_CERT_UPLOAD = 1_000_000

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

export function registerCertificates(router: Router, ctx: SandboxContext): void {
  for (const [base, versions] of [
    ['/certificate', ['v5_2', 'v5_1']],
    ['/certificates', ['v1']],
  ] as const) {
    cordaRoute(router, ctx, 'PUT', `${base}/cluster/{usage}`, req => importCertificate(ctx, req), {raw: true, versions})
    cordaRoute(
      router,
      ctx,
      'GET',
      `${base}/cluster/{usage}`,
      req => {
        const usage = req.params.usage!
        if (!isUsage(usage)) return badUsage(usage)
        return {status: 200, body: [...(ctx.corda.certificates.get(usage)?.keys() ?? [])]}
      },
      {versions},
    )
    cordaRoute(
      router,
      ctx,
      'GET',
      `${base}/cluster/{usage}/{alias}`,
      req => {
        const usage = req.params.usage!
        if (!isUsage(usage)) return badUsage(usage)
        const pem = ctx.corda.certificates.get(usage)?.get(req.params.alias!)
        if (pem === undefined) return cordaError(404, `Certificate with alias ${req.params.alias} not found.`)
        // A `string` endpoint: raw text labelled JSON.
        return {status: 200, body: pem, contentType: 'application/json'}
      },
      {versions},
    )
  }
}

function isUsage(usage: string): boolean {
  return (CLUSTER_CERT_USAGES as readonly string[]).includes(usage.toLowerCase())
}

function badUsage(usage: string): SandboxResponse {
  return cordaError(400, `Unknown usage: ${usage}. Must be one of: ${CLUSTER_CERT_USAGES.join(', ')}`)
}

async function importCertificate(ctx: SandboxContext, req: SandboxRequest): Promise<SandboxResponse> {
  const usage = req.params.usage!
  const received = await receiveMultipart(req.stream!, {maxBytes: Math.min(MAX_CERT_UPLOAD, ctx.corda.settings.maxUploadBytes), spool: 'memory'})
  if (!received.ok) {
    if (received.reason === 'tooLarge') return cordaError(400, `Content length is ${received.total} which exceeds the maximum limit of ${MAX_CERT_UPLOAD}.`)
    return cordaError(500, 'Illegal argument occurred.')
  }
  const loggedRequestBody = loggedMultipart(received)
  const reply = (response: SandboxResponse): SandboxResponse => ({...response, loggedRequestBody})
  if (!isUsage(usage)) return reply(badUsage(usage))
  const alias = received.fields.alias
  if (alias === undefined || alias.trim() === '')
    return reply(cordaError(400, 'Missing parameter "alias".', {cause: 'MissingParameter', reason: 'multipart field "alias" is required'}))
  const parts = received.files.filter(f => f.field === 'certificate')
  if (parts.length === 0) return reply(cordaError(400, 'Missing parameter "certificate".', {cause: 'MissingParameter', reason: 'multipart file "certificate" is required'}))
  const chain: string[] = []
  for (const part of parts) {
    const text = part.buffer!.toString('utf8')
    const blocks = text.match(PEM_BLOCK) ?? []
    if (blocks.length === 0) return reply(cordaError(400, `Could not parse certificate ${part.filename || '(unnamed)'}: not a PEM certificate.`))
    for (const block of blocks) {
      try {
        new X509Certificate(block)
      } catch (error) {
        return reply(cordaError(400, `Could not parse certificate ${part.filename || '(unnamed)'}: ${(error as Error).message}`))
      }
      chain.push(block)
    }
  }
  const key = usage.toLowerCase()
  let byAlias = ctx.corda.certificates.get(key)
  if (!byAlias) ctx.corda.certificates.set(key, (byAlias = new Map<string, string>()))
  byAlias.set(alias, `${chain.join('\n')}\n`)
  return reply({status: 204})
}
