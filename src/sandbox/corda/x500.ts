// X.500 names of virtual nodes as Corda reads them: MemberX500Name.parse of corda-api 5.2.1.53 (through Java's
// X500Principal), with its messages and its checks in its order.

/** MemberX500Name attributes, in the order of its canonical string. */
const X500_KEYS = ['CN', 'OU', 'O', 'L', 'ST', 'C'] as const
/** Keywords X500Principal knows that MemberX500Name does not support. */
const OTHER_KEYWORDS = new Set(['T', 'IP', 'STREET', 'DC', 'DNQUALIFIER', 'DNQ', 'SURNAME', 'GIVENNAME', 'INITIALS', 'GENERATION', 'EMAIL', 'EMAILADDRESS', 'UID', 'SERIALNUMBER'])

/** java.util.Locale.getISOCountries() (ISO 3166-1 alpha-2), plus ZZ, "unspecified". */
const COUNTRY_CODES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ ' +
    'UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW ZZ'
  ).split(' '),
)

/** Canonical `MemberX500Name.toString()`, or the message MemberX500Name.parse throws. */
export function canonicalX500(name: string): {ok: true; value: string} | {ok: false; reason: string} {
  const attributes = new Map<string, string>()
  // X500Principal: RDNs split at unescaped commas (or semicolons) outside quotes.
  const parts = name.trim() === '' ? [] : (name.match(/(?:\\.|"[^"]*"|[^,;])+/g) ?? [])
  for (const part of parts) {
    if (/(?<!\\)\+/.test(part.replace(/"[^"]*"/g, ''))) return {ok: false, reason: `The RDN '${part.trim()}' must not be multi-valued.`}
    const eq = part.indexOf('=')
    const keyword = eq < 0 ? '' : part.slice(0, eq).trim().toUpperCase()
    if (!(X500_KEYS as readonly string[]).includes(keyword) && !OTHER_KEYWORDS.has(keyword)) return {ok: false, reason: `improperly specified input name: ${name}`}
    if (attributes.has(keyword)) return {ok: false, reason: `Duplicate attribute ${keyword}`}
    attributes.set(keyword, part.slice(eq + 1).trim())
  }
  const unsupported = [...attributes.keys()].filter(k => OTHER_KEYWORDS.has(k))
  if (unsupported.length > 0) return {ok: false, reason: `The following attribute${unsupported.length > 1 ? 's are' : ' is'} not supported in Corda: ${unsupported.join(',')}`}
  for (const key of ['O', 'L', 'C']) if (!attributes.has(key)) return {ok: false, reason: `Member X.500 names must include an ${key} attribute`}
  const problem = constructorProblem(new Map([...attributes].map(([k, v]) => [k, unquote(v)])))
  if (problem) return {ok: false, reason: problem}
  return {
    ok: true,
    value: X500_KEYS.filter(k => attributes.has(k))
      .map(k => `${k}=${attributes.get(k)!}`)
      .join(', '),
  }
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1)
  return value.replace(/\\(.)/g, '$1')
}

/** The MemberX500Name constructor's checks, in its order (lengths are exclusive maxima: `length >= MAX` fails). */
function constructorProblem(a: Map<string, string>): string | undefined {
  const country = a.get('C')!
  if (!COUNTRY_CODES.has(country)) return `Invalid country code ${country}`
  const st = a.get('ST')?.trim()
  if (st !== undefined && st === '') return 'State attribute (ST) if specified then it must be not blank.'
  if (st !== undefined && st.length >= 64) return 'State attribute (ST) must contain no more then 64 characters.'
  const l = a.get('L')!.trim()
  if (l === '') return 'Locality attribute (L) must not be blank.'
  if (l.length >= 64) return 'Locality attribute (L) must contain no more than 64 characters.'
  const o = a.get('O')!
  if (o.trim() === '') return 'Organization attribute (O) if specified then it must be not blank.'
  if (o.length >= 128) return 'Organisation attribute (O) must contain no more then 128 characters.'
  const ou = a.get('OU')?.trim()
  if (ou !== undefined && ou === '') return 'Organization unit attribute (OU) if specified then it must be not blank.'
  if (ou !== undefined && ou.length >= 64) return 'Organization Unit attribute (OU) must contain no more then 64 characters.'
  const cn = a.get('CN')?.trim()
  if (cn !== undefined && cn === '') return 'Common name attribute (CN) must not be blank.'
  if (cn !== undefined && cn.length >= 64) return 'Common Name attribute (CN) must contain no more then 64 characters.'
  return undefined
}
