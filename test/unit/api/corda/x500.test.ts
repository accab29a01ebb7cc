import {describe, expect, it} from 'vitest'
import {canonicalX500, InvalidX500Error, parseX500} from '../../../../src/api/corda/x500.js'

describe('parseX500 / canonicalX500', () => {
  it.each([
    ['CN=Alice, OU=Test Dept, O=R3, L=London, C=GB', 'CN=Alice, OU=Test Dept, O=R3, L=London, C=GB'],
    ['C=GB,L=London,O=R3,CN=Alice', 'CN=Alice, O=R3, L=London, C=GB'],
    ['  o = R3 ,  l=London , c=GB ', 'O=R3, L=London, C=GB'],
    ['O=R3, L=London, ST=Greater London, C=GB', 'O=R3, L=London, ST=Greater London, C=GB'],
    ['O="R3, Ltd", L=London, C=GB', 'O=R3\\, Ltd, L=London, C=GB'],
    ['O=R3\\, Ltd, L=London, C=GB', 'O=R3\\, Ltd, L=London, C=GB'],
  ])('accepts %s', (input, canonical) => {
    expect(canonicalX500(parseX500(input))).toBe(canonical)
  })

  it.each([
    ['', /empty/],
    ['O=R3, L=London', /C is required/],
    ['CN=Alice, C=GB', /O, L are required/],
    ['O=R3, L=London, C=gb', /two-letter upper-case/],
    ['O=R3, L=London, C=GBR', /two-letter upper-case/],
    ['O=R3, L=London, C=GB, DC=example', /unknown attribute "DC"/],
    ['O=R3, O=R4, L=London, C=GB', /O appears more than once/],
    ['O=, L=London, C=GB', /O is empty/],
    ['O=R3, London, C=GB', /"London" is not ATTRIBUTE=value/],
    [`O=${'x'.repeat(129)}, L=London, C=GB`, /O is longer than 128/],
  ])('rejects %j', (input, message) => {
    const fn = () => parseX500(input)
    expect(fn).toThrow(InvalidX500Error)
    expect(fn).toThrow(message)
  })

  it('names the input in the message', () => {
    expect(() => parseX500('O=R3')).toThrow('invalid X.500 name "O=R3"')
  })
})
