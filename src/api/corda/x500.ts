// Corda member X.500 names: validated locally before anything is sent, compared canonically.
import {UsageError} from '../../errors.js'

export type X500Attribute = 'CN' | 'OU' | 'O' | 'L' | 'ST' | 'C'

export type X500Name = Partial<Record<X500Attribute, string>> & {O: string; L: string; C: string}

/** Corda's order (MemberX500Name.toString). */
export const X500_ORDER: readonly X500Attribute[] = ['CN', 'OU', 'O', 'L', 'ST', 'C']
const REQUIRED: readonly X500Attribute[] = ['O', 'L', 'C']
const MAX_LENGTH: Partial<Record<X500Attribute, number>> = {CN: 255, OU: 64, O: 128, L: 64, ST: 64}

export class InvalidX500Error extends UsageError {
  readonly input: string
  constructor(input: string, problem: string) {
    super(`invalid X.500 name "${input}": ${problem}`)
    this.input = input
  }
}

/** Splits on unescaped, unquoted commas (RFC 4514 escapes `\,` and quoted values). */
function splitRdns(text: string): string[] {
  const parts: string[] = []
  let current = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i]!
    } else if (c === '"') {
      quoted = !quoted
      current += c
    } else if (c === ',' && !quoted) {
      parts.push(current)
      current = ''
    } else current += c
  }
  parts.push(current)
  return parts
}

function unescapeValue(raw: string): string {
  let value = raw.trim()
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
  return value.replace(/\\(.)/g, '$1').trim()
}

export function parseX500(text: string): X500Name {
  const fail = (problem: string): never => {
    throw new InvalidX500Error(text, problem)
  }
  if (text.trim() === '') fail('it is empty')
  const out: Partial<Record<X500Attribute, string>> = {}
  for (const rdn of splitRdns(text)) {
    const eq = rdn.indexOf('=')
    if (eq < 0) fail(`"${rdn.trim()}" is not ATTRIBUTE=value`)
    const key = rdn.slice(0, eq).trim().toUpperCase()
    if (!(X500_ORDER as readonly string[]).includes(key)) fail(`unknown attribute "${rdn.slice(0, eq).trim()}" (allowed: ${X500_ORDER.join(', ')})`)
    const attr = key as X500Attribute
    if (out[attr] !== undefined) fail(`${attr} appears more than once`)
    const value = unescapeValue(rdn.slice(eq + 1))
    if (value === '') fail(`${attr} is empty`)
    const max = MAX_LENGTH[attr]
    if (max !== undefined && value.length > max) fail(`${attr} is longer than ${max} characters`)
    out[attr] = value
  }
  const missing = REQUIRED.filter(a => out[a] === undefined)
  if (missing.length > 0) fail(`${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} required`)
  if (!/^[A-Z]{2}$/.test(out.C!)) fail(`C must be a two-letter upper-case country code, got "${out.C}"`)
  return out as X500Name
}

const escapeValue = (value: string) => value.replace(/([\\,+"<>;=])/g, '\\$1')

/** `CN=…, OU=…, O=…, L=…, ST=…, C=…`, the attributes present, in Corda's order. */
export function canonicalX500(name: X500Name): string {
  return X500_ORDER.filter(a => name[a] !== undefined)
    .map(a => `${a}=${escapeValue(name[a]!)}`)
    .join(', ')
}

/** The canonical form of a name if it parses, else undefined. */
export function tryCanonicalX500(text: string): string | undefined {
  try {
    return canonicalX500(parseX500(text))
  } catch {
    return undefined
  }
}
