// Cluster-level certificates (corda-rest.md §5 "Certs") as CertificateRestResourceImpl and the membership DB client
// of corda-runtime-os 5.2.1 answer them: import a PEM chain under an alias, list aliases, read a chain back as raw
// text. v5_1/v5_2 use `/certificate`, v1 the plural `/certificates`. An alias is the key of the cluster's
// certificate table: importing it again replaces the PEM and keeps the usage it was first imported with.
import {X509Certificate} from 'node:crypto'
import type {SandboxContext} from '../context.js'
import {cordaError} from '../http/errors.js'
import {loggedMultipart, receiveMultipart} from '../http/multipart.js'
import type {Router, SandboxRequest, SandboxResponse} from '../http/router.js'
import {parseError} from './body.js'
import {cordaRoute, illegalArgument, tooLarge} from './route.js'

/** CertificateUsage.publicName of corda-api 5.2.1.53. */
const USAGES = ['p2p-tls', 'p2p-session', 'rest-tls', 'code-signer'] as const

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/** 400 `Invalid input data.` with one detail, as InvalidInputDataException(details = …) answers. */
const invalidInput = (key: string, value: string) => cordaError(400, 'Invalid input data.', {[key]: value})

/** The usage by its public name, trimmed and in any case; else the 400. */
function usageOf(value: string): {usage: string} | {response: SandboxResponse} {
  const usage = USAGES.find(u => u === value.trim().toLowerCase())
  return usage ? {usage} : {response: invalidInput('usage', `Unknown usage: ${value}`)}
}

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
        const found = usageOf(req.params.usage!)
        if ('response' in found) return found.response
        // DbClientImpl.listAliases: the aliases of that usage, ordered by alias.
        const aliases = [...ctx.corda.certificates.values()].filter(c => c.usage === found.usage).map(c => c.alias)
        return {status: 200, body: aliases.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))}
      },
      {versions},
    )
    cordaRoute(
      router,
      ctx,
      'GET',
      `${base}/cluster/{usage}/{alias}`,
      req => {
        const alias = req.params.alias!
        if (alias.trim() === '') return invalidInput('alias', 'Empty alias')
        const found = usageOf(req.params.usage!)
        if ('response' in found) return found.response
        const cert = ctx.corda.certificates.get(alias)
        // ResourceNotFoundException(alias, "alias"): the arguments the other way round, as the real message has them.
        if (cert?.usage !== found.usage) return cordaError(404, `${alias} 'alias' not found.`)
        // A `string` endpoint: raw text labelled JSON.
        return {status: 200, body: cert.pem, contentType: 'application/json'}
      },
      {versions},
    )
  }
}

/** X500Principal.toString(): the RDNs most specific first (the reverse of Node's line order), joined with ", ". */
const principal = (name: string) => name.split('\n').reverse().join(', ')

/** CertificateFactory.generateCertificates over each file: its PEM blocks (or one DER certificate); none is no error. */
function certificatesIn(file: Buffer): {certificates: X509Certificate[]} | {problem: string} {
  const certificates: X509Certificate[] = []
  try {
    if (file[0] === 0x30) return {certificates: [new X509Certificate(file)]}
    for (const block of file.toString('utf8').match(PEM_BLOCK) ?? []) certificates.push(new X509Certificate(block))
  } catch (error) {
    return {problem: `Not a valid certificate: ${(error as Error).message}`}
  }
  return {certificates}
}

/**
 * importCertificateChain, in its order: the form field `alias` and the file(s) `certificate` (parameter parsing),
 * a blank alias, the usage, the certificates (parsed, no loop, each issued by the next), then `p2p-session`, which
 * only a holding identity may import. 204.
 */
async function importCertificate(ctx: SandboxContext, req: SandboxRequest): Promise<SandboxResponse> {
  const limit = ctx.corda.settings.maxUploadBytes
  const received = await receiveMultipart(req.stream!, {maxBytes: limit, spool: 'memory'})
  if (!received.ok) return received.reason === 'tooLarge' ? tooLarge(received.total, limit) : illegalArgument(received.message)
  const loggedRequestBody = loggedMultipart(received)
  const reply = (response: SandboxResponse): SandboxResponse => ({...response, loggedRequestBody})
  // Form parameter names match in any case; file parameters do not.
  const aliasField = Object.keys(received.fields).find(k => k.toLowerCase() === 'alias')
  if (aliasField === undefined) return reply(parseError('alias', 'Missing form parameter "alias".', 'BadRequestException'))
  const files = received.files.filter(f => f.field === 'certificate')
  if (files.length === 0) return reply(parseError('certificate', 'Expected file with parameter name "certificate" but it was not found.', 'BadRequestException'))
  const alias = received.fields[aliasField]!
  if (alias.trim() === '') return reply(invalidInput('alias', 'Empty alias'))
  const found = usageOf(req.params.usage!)
  if ('response' in found) return reply(found.response)
  const chain: X509Certificate[] = []
  for (const file of files) {
    const read = certificatesIn(file.buffer!)
    if ('problem' in read) return reply(invalidInput('certificate', read.problem))
    chain.push(...read.certificates)
  }
  if (chain.length === 0) return reply(cordaError(400, 'No certificates in PEM'))
  if (new Set(chain.map(c => c.fingerprint256)).size !== chain.length) return reply(invalidInput('certificate', 'Certificate chain can not hold a loop.'))
  for (let i = 1; i < chain.length; i++) {
    const [previous, certificate] = [chain[i - 1]!, chain[i]!]
    if (previous.issuer !== certificate.subject) {
      return reply(invalidInput('certificate', `This previous certificate in the chain was issued by ${principal(previous.issuer)} and not by ${principal(certificate.subject)}`))
    }
  }
  if (found.usage === 'p2p-session') return reply(invalidInput('holdingIdentityId', 'P2P Session certificate can only be imported to holding identity.'))
  const pem = files.map(f => f.buffer!.toString('utf8')).join('\n')
  const existing = ctx.corda.certificates.get(alias)
  if (existing) existing.pem = pem
  else ctx.corda.certificates.set(alias, {alias, usage: found.usage, pem})
  return reply({status: 204})
}
