// The configuration text the sandbox reads as the REST worker does (Typesafe Config): JSON, or the HOCON people write.
import {describe, expect, it} from 'vitest'
import {parseHocon} from '../../../../src/sandbox/corda/hocon.js'

describe('parseHocon', () => {
  it('reads JSON, and HOCON with comments, unquoted keys and values, dotted paths, = or : or nothing before an object', () => {
    expect(parseHocon('{"a": 1, "b": {"c": "x", "d": [true, null]}}')).toEqual({value: {a: 1, b: {c: 'x', d: [true, null]}}})
    const text = '# flow settings\nprocessing {\n  maxRetryAttempts = 3 // three\n  poolSize: "4"\n}\nsession.timeout = 2000, session.p2pTTL: 20000\nname = hello world  \n'
    expect(parseHocon(text)).toEqual({value: {processing: {maxRetryAttempts: 3, poolSize: '4'}, session: {timeout: 2000, p2pTTL: 20000}, name: 'hello world'}})
    expect(parseHocon('a { x = 1 }\na { y = 2 }\nb = 1\nb = 2')).toEqual({value: {a: {x: 1, y: 2}, b: 2}})
    expect(parseHocon('s = """two\nlines"""\nt = "a" "b"')).toEqual({value: {s: 'two\nlines', t: 'a b'}})
    expect(parseHocon('')).toEqual({value: {}})
  })

  it("words its errors as Typesafe Config's: String: <line>: …", () => {
    expect(parseHocon('{"a":')).toEqual({error: 'String: 1: Expecting a value but got wrong token: end of file'})
    expect(parseHocon('a {\n b = 1\n')).toEqual({error: 'String: 3: Expecting close brace } or a comma, got end of file'})
    expect(parseHocon('a b')).toEqual({error: "String: 1: Key 'a' may not be followed by token: 'b'"})
    expect(parseHocon('[1, 2]')).toMatchObject({error: expect.stringMatching(/^String: 1: /)})
    expect(parseHocon('a = ${b}')).toMatchObject({error: expect.stringMatching(/^String: 1: Substitutions/)})
  })
})
