// JSON as the Job Service's Jackson reads it, and the Java hashCode of what it reads.
//
// JobsPut decides "identical" (204) against "another definition" (403) by `NewJob.hashCode()`, a 32-bit Java hash of
// the bound objects, so the sandbox needs the values Java holds: a JSON number is an Integer, a Long or a BigInteger
// when written without fraction or exponent, otherwise a Double (Jackson's untyped binding), and `1` and `1.0` hash
// differently. JSON.parse cannot tell them apart, hence this reader, which keeps each number's lexeme.

/** A JSON number as written. */
export interface JsonNumber {
  readonly kind: 'int' | 'float'
  readonly text: string
}

/** A JSON value: objects are Maps in document order (a repeated key keeps its place and takes the last value). */
export type Json = null | boolean | string | JsonNumber | Json[] | JsonObject
export type JsonObject = Map<string, Json>

export class JsonSyntaxError extends Error {}

export const isNumber = (v: Json): v is JsonNumber => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map)
export const isObject = (v: Json): v is JsonObject => v instanceof Map

/**
 * The first JSON value of `text` (Jackson: FAIL_ON_TRAILING_TOKENS is off, so what follows it is never read), or
 * undefined when there is none (jackson-jaxrs' ALLOW_EMPTY_INPUT: an empty entity binds to null).
 */
export function readJson(text: string): Json | undefined {
  const r = new Reader(text)
  r.space()
  if (r.done()) return undefined
  return r.value()
}

class Reader {
  private i = 0
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length
  }

  space(): void {
    while (this.i < this.s.length && ' \t\n\r'.includes(this.s[this.i]!)) this.i++
  }

  private fail(): never {
    throw new JsonSyntaxError(`unexpected input at ${this.i}`)
  }

  private expect(word: string): void {
    if (!this.s.startsWith(word, this.i)) this.fail()
    this.i += word.length
  }

  value(depth = 0): Json {
    if (depth > 1000) this.fail() // Jackson's StreamReadConstraints.maxNestingDepth
    this.space()
    const c = this.s[this.i]
    switch (c) {
      case '{':
        return this.object(depth)
      case '[':
        return this.array(depth)
      case '"':
        return this.string()
      case 't':
        this.expect('true')
        return true
      case 'f':
        this.expect('false')
        return false
      case 'n':
        this.expect('null')
        return null
      default:
        return this.number()
    }
  }

  private object(depth: number): JsonObject {
    const out: JsonObject = new Map()
    this.i++
    this.space()
    if (this.s[this.i] === '}') {
      this.i++
      return out
    }
    for (;;) {
      this.space()
      if (this.s[this.i] !== '"') this.fail()
      const key = this.string()
      this.space()
      this.expect(':')
      out.set(key, this.value(depth + 1))
      this.space()
      const c = this.s[this.i++]
      if (c === '}') return out
      if (c !== ',') this.fail()
    }
  }

  private array(depth: number): Json[] {
    const out: Json[] = []
    this.i++
    this.space()
    if (this.s[this.i] === ']') {
      this.i++
      return out
    }
    for (;;) {
      out.push(this.value(depth + 1))
      this.space()
      const c = this.s[this.i++]
      if (c === ']') return out
      if (c !== ',') this.fail()
    }
  }

  private string(): string {
    const start = this.i
    this.i++
    for (;;) {
      const c = this.s[this.i]
      if (c === undefined || c < ' ') this.fail()
      if (c === '"') break
      if (c === '\\') {
        const e = this.s[this.i + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) this.fail()
          this.i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 2
        else this.fail()
      } else this.i++
    }
    this.i++
    return JSON.parse(this.s.slice(start, this.i)) as string
  }

  private number(): JsonNumber {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i))
    if (!m) this.fail()
    this.i += m[0].length
    return {kind: m[2] === undefined && m[3] === undefined ? 'int' : 'float', text: m[0]}
  }
}

/** A plain JavaScript value (numbers as numbers), e.g. to read a DemoWorker's taskData. */
export function toPlain(v: Json): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v
  if (isNumber(v)) return Number(v.text)
  if (Array.isArray(v)) return v.map(toPlain)
  return Object.fromEntries([...v].map(([k, x]) => [k, toPlain(x)]))
}

// ---------------------------------------------------------------------------------------------------------------
// java.lang hashCodes, 32-bit with wrap-around

export function stringHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

export const booleanHash = (b: boolean) => (b ? 1231 : 1237)

const INT_MIN = -(2n ** 31n)
const INT_MAX = 2n ** 31n - 1n
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

/** An integral JSON number as Jackson's untyped binding holds it: Integer, Long or BigInteger, by magnitude. */
export function integralHash(text: string): number {
  const v = BigInt(text)
  if (v >= INT_MIN && v <= INT_MAX) return Number(v)
  if (v >= LONG_MIN && v <= LONG_MAX) {
    const bits = BigInt.asUintN(64, v) // Long.hashCode: (int) (value ^ (value >>> 32))
    return Number(BigInt.asIntN(32, bits ^ (bits >> 32n)))
  }
  // BigInteger.hashCode: over the big-endian 32-bit words of the magnitude, times the sign.
  let magnitude = v < 0n ? -v : v
  const words: bigint[] = []
  while (magnitude > 0n) {
    words.unshift(magnitude & 0xffffffffn)
    magnitude >>= 32n
  }
  let h = 0
  for (const w of words) h = (Math.imul(31, h) + Number(w)) | 0
  return v < 0n ? -h | 0 : h
}

/** Double.hashCode of Double.parseDouble(text): (int) (bits ^ (bits >>> 32)). */
export function doubleHash(value: number): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, Number.isNaN(value) ? NaN : value) // doubleToLongBits: one canonical NaN
  return (view.getInt32(0) ^ view.getInt32(4)) | 0
}

/** The hashCode of a value bound as `Object` (taskData, parameters): LinkedHashMap, ArrayList, String, numbers… */
export function untypedHash(v: Json): number {
  if (v === null) return 0
  if (typeof v === 'boolean') return booleanHash(v)
  if (typeof v === 'string') return stringHash(v)
  if (isNumber(v)) return v.kind === 'int' ? integralHash(v.text) : doubleHash(Number(v.text))
  if (Array.isArray(v)) return listHash(v.map(untypedHash))
  return mapHash([...v].map(([k, x]) => [stringHash(k), untypedHash(x)]))
}

/** List.hashCode (and Arrays.hashCode, hence Objects.hash) over the element hashes. */
export function listHash(hashes: readonly number[]): number {
  let h = 1
  for (const e of hashes) h = (Math.imul(31, h) + e) | 0
  return h
}

/** Map.hashCode: the sum of `key.hashCode() ^ value.hashCode()` over the entries, whatever their order. */
export function mapHash(entries: ReadonlyArray<readonly [number, number]>): number {
  let h = 0
  for (const [k, v] of entries) h = (h + (k ^ v)) | 0
  return h
}

export const nullableString = (s: string | null) => (s === null ? 0 : stringHash(s))
