// X.500 names of virtual nodes as Corda reads them (MemberX500Name).
/** MemberX500Name attributes, in the order of its canonical string. */
const X500_KEYS = ['CN', 'OU', 'O', 'L', 'ST', 'C'] as const
const X500_MAX: Record<string, number> = {CN: 255, OU: 64, O: 128, L: 64, ST: 64, C: 2}

/** Canonical `MemberX500Name.toString()`, or the reason the name does not parse. */
export function canonicalX500(name: string): {ok: true; value: string} | {ok: false; reason: string} {
  const attributes = new Map<string, string>()
  // Commas inside a value must be escaped (\,) or quoted; the CLI validates the same way.
  const parts = name.match(/(?:\\.|"[^"]*"|[^,])+/g) ?? []
  if (name.trim() === '' || parts.length === 0) return {ok: false, reason: 'the name is empty'}
  for (const part of parts) {
    const eq = part.indexOf('=')
    if (eq < 0) return {ok: false, reason: `"${part.trim()}" is not an attribute=value pair`}
    const key = part.slice(0, eq).trim().toUpperCase()
    const value = part.slice(eq + 1).trim()
    if (!(X500_KEYS as readonly string[]).includes(key)) return {ok: false, reason: `unsupported attribute ${key} (allowed: ${X500_KEYS.join(', ')})`}
    if (attributes.has(key)) return {ok: false, reason: `duplicate attribute ${key}`}
    if (value === '') return {ok: false, reason: `attribute ${key} is empty`}
    if (value.length > X500_MAX[key]!) return {ok: false, reason: `attribute ${key} is longer than ${X500_MAX[key]} characters`}
    attributes.set(key, value)
  }
  for (const key of ['O', 'L', 'C']) if (!attributes.has(key)) return {ok: false, reason: `attribute ${key} is required`}
  if (!/^[A-Z]{2}$/.test(attributes.get('C')!)) return {ok: false, reason: 'C must be a two-letter ISO 3166 country code'}
  return {
    ok: true,
    value: X500_KEYS.filter(k => attributes.has(k))
      .map(k => `${k}=${attributes.get(k)}`)
      .join(', '),
  }
}
