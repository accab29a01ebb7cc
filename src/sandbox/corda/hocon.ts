// Configuration text as the REST worker reads it (Typesafe Config's ConfigFactory.parseString): JSON or HOCON. The
// sandbox reads the HOCON an operator writes by hand: comments (# and //), unquoted keys and dotted paths, `=` or `:`
// or nothing before an object, fields split by newlines or commas, unquoted strings, triple-quoted strings, objects
// given twice merged. Substitutions (`${…}`) and includes are not read. Errors are worded as Typesafe Config's
// (`String: <line>: …`).

export type HoconValue = string | number | boolean | null | HoconValue[] | {[key: string]: HoconValue}
type HoconObject = {[key: string]: HoconValue}

class HoconError extends Error {}

export function parseHocon(text: string): {value: HoconObject} | {error: string} {
  try {
    return {value: new Parser(text).document()}
  } catch (error) {
    if (error instanceof HoconError) return {error: error.message}
    throw error
  }
}

const isObject = (v: HoconValue | undefined): v is HoconObject => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Merges `value` in at `path` (HOCON: an object given twice is merged, anything else replaced). */
function put(target: HoconObject, path: string[], value: HoconValue): void {
  const [key, ...rest] = path as [string, ...string[]]
  const old = target[key]
  if (rest.length > 0) {
    const next: HoconObject = isObject(old) ? old : {}
    put(next, rest, value)
    target[key] = next
  } else if (isObject(old) && isObject(value)) {
    for (const [k, v] of Object.entries(value)) put(old, [k], v)
  } else {
    target[key] = value
  }
}

/** Characters that end an unquoted key or string. */
const FORBIDDEN = new Set(['$', '"', '{', '}', '[', ']', ':', '=', ',', '+', '#', '`', '^', '?', '!', '@', '*', '&', '\\'])

class Parser {
  private i = 0

  constructor(private readonly text: string) {}

  private fail(message: string): never {
    const line = this.text.slice(0, this.i).split('\n').length
    throw new HoconError(`String: ${line}: ${message}`)
  }

  private peek(): string | undefined {
    return this.text[this.i]
  }

  private atComment(): boolean {
    return this.peek() === '#' || this.text.startsWith('//', this.i)
  }

  /** Skips spaces, comments and (when `newlines`) line breaks; true if a line break was crossed. */
  private skip(newlines: boolean): boolean {
    let crossed = false
    for (;;) {
      const c = this.peek()
      if (c === ' ' || c === '\t' || c === '\r' || c === '\ufeff') this.i++
      else if (c === '\n' && newlines) {
        crossed = true
        this.i++
      } else if (c !== undefined && this.atComment()) {
        while (this.peek() !== undefined && this.peek() !== '\n') this.i++
      } else return crossed
    }
  }

  document(): HoconObject {
    this.skip(true)
    let result: HoconObject
    if (this.peek() === '{') {
      this.i++
      result = this.fields('}')
    } else if (this.peek() === '[') {
      this.fail('A HOCON document must be an object, found an array at the root')
    } else {
      result = this.fields(undefined)
    }
    this.skip(true)
    if (this.peek() !== undefined) this.fail(`Document has trailing tokens after first object or array: '${this.peek()}'`)
    return result
  }

  /** Fields up to `close` (or the end of the text for a root without braces). */
  private fields(close: '}' | undefined): HoconObject {
    const out: HoconObject = {}
    for (;;) {
      this.skip(true)
      const c = this.peek()
      if (c === undefined) {
        if (close) this.fail(`Expecting close brace ${close} or a comma, got end of file`)
        return out
      }
      if (c === close) {
        this.i++
        return out
      }
      if (c === ',') this.fail(`Expecting a key, got ','`)
      const path = this.key()
      this.skip(false)
      let value: HoconValue
      if (this.peek() === '{') {
        this.i++
        value = this.fields('}')
      } else {
        const sep = this.peek()
        if (sep !== ':' && sep !== '=') this.fail(`Key '${path.join('.')}' may not be followed by token: ${sep === undefined ? 'end of file' : `'${sep}'`}`)
        this.i++
        this.skip(false)
        value = this.value()
      }
      put(out, path, value)
      const crossed = this.skip(false)
      if (this.peek() === ',') this.i++
      else if (!crossed && this.peek() !== '\n' && this.peek() !== close && this.peek() !== undefined) {
        this.fail(`Expecting close brace } or a comma, got '${this.peek()}'`)
      }
    }
  }

  /** A key: quoted and unquoted parts, split at unquoted dots. */
  private key(): string[] {
    const parts: string[] = ['']
    for (;;) {
      const c = this.peek()
      if (c === '"') {
        parts[parts.length - 1] += this.quoted()
      } else if (c === '.') {
        this.i++
        parts.push('')
      } else if (c !== undefined && !FORBIDDEN.has(c) && !/\s/.test(c) && !this.atComment()) {
        parts[parts.length - 1] += c
        this.i++
      } else break
    }
    if (parts.some(p => p === '')) this.fail(`Expecting a key, got '${this.peek() ?? 'end of file'}'`)
    return parts
  }

  private value(): HoconValue {
    const c = this.peek()
    if (c === '{') {
      this.i++
      return this.fields('}')
    }
    if (c === '[') {
      this.i++
      return this.array()
    }
    if (c === undefined || c === ',' || c === '}' || c === ']' || c === '\n') this.fail(`Expecting a value but got wrong token: ${c === undefined ? 'end of file' : `'${c}'`}`)
    if (c === '$') this.fail('Substitutions (${…}) are not read by the workerctl sandbox')
    // A value is a concatenation of quoted and unquoted pieces up to the end of the line or a separator; the
    // whitespace between pieces is kept, the whitespace after the last one is not.
    let text = ''
    let space = ''
    let unquoted = false
    for (;;) {
      const d = this.peek()
      if (d === '"') {
        text += space + (this.text.startsWith('"""', this.i) ? this.tripleQuoted() : this.quoted())
        space = ''
      } else if (d === ' ' || d === '\t') {
        space += d
        this.i++
      } else if (d === undefined || d === '\n' || d === '\r' || FORBIDDEN.has(d) || this.atComment()) {
        break
      } else {
        text += space + d
        space = ''
        unquoted = true
        this.i++
      }
    }
    if (!unquoted) return text
    if (text === 'true' || text === 'false') return text === 'true'
    if (text === 'null') return null
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return Number(text)
    return text
  }

  private array(): HoconValue[] {
    const out: HoconValue[] = []
    for (;;) {
      this.skip(true)
      if (this.peek() === ']') {
        this.i++
        return out
      }
      if (this.peek() === undefined) this.fail('List should have ended with ] or had a comma, instead had token: end of file')
      out.push(this.value())
      this.skip(true)
      if (this.peek() === ',') this.i++
    }
  }

  private quoted(): string {
    const start = this.i
    this.i++
    while (this.peek() !== '"') {
      if (this.peek() === undefined || this.peek() === '\n') this.fail('Quoted string ended before the closing quote')
      this.i += this.peek() === '\\' ? 2 : 1
    }
    this.i++
    try {
      return JSON.parse(this.text.slice(start, this.i)) as string
    } catch {
      return this.fail(`Quoted string has an invalid escape: ${this.text.slice(start, this.i)}`)
    }
  }

  private tripleQuoted(): string {
    const end = this.text.indexOf('"""', this.i + 3)
    if (end < 0) this.fail('End of input but triple-quoted string was still open')
    const value = this.text.slice(this.i + 3, end)
    this.i = end + 3
    return value
  }
}
