import {describe, expect, it} from 'vitest'
import {UnsupportedOperationError} from '../../../src/api/corda/capabilities.js'
import {InvalidX500Error} from '../../../src/api/corda/x500.js'
import {ApiError} from '../../../src/api/errors.js'
import {toFailure} from '../../../src/cli/failure.js'
import {applySettingFlags} from '../../../src/cli/flags/context.js'
import {singularTopic} from '../../../src/cli/topics.js'
import {OperationFailedError, TimeoutError, UsageError} from '../../../src/errors.js'
import {parseDuration} from '../../../src/input/time.js'

describe('durations', () => {
  it('parses units and compounds', () => {
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('250ms')).toBe(250)
    expect(parseDuration('2')).toBe(2000)
  })
  it('rejects nonsense as bad usage', () => {
    for (const bad of ['', 'soon', '5 m', '10x', '-1s']) expect(() => parseDuration(bad)).toThrow(UsageError)
  })
})

describe('plural topics', () => {
  it('maps the first word only', () => {
    expect(singularTopic(['jobs', 'list', 'jobs'])).toEqual(['job', 'list', 'jobs'])
    expect(singularTopic(['help', 'vnodes'])).toEqual(['help', 'vnode'])
    expect(singularTopic(['login'])).toEqual(['login'])
  })
})

describe('exit codes', () => {
  const api = (init: Partial<ConstructorParameters<typeof ApiError>[0]>) => new ApiError({service: 'corda', kind: 'http', method: 'GET', url: 'u', title: 't', ...init})
  it('maps failures to the table of PRODUCT.md §2', () => {
    expect(toFailure(api({status: 401})).exitCode).toBe(4)
    expect(toFailure(api({status: 403})).exitCode).toBe(4)
    expect(toFailure(api({status: 404})).exitCode).toBe(3)
    expect(toFailure(api({status: 405})).exitCode).toBe(5)
    expect(toFailure(api({status: 409})).exitCode).toBe(5)
    expect(toFailure(api({status: 503})).exitCode).toBe(6)
    expect(toFailure(api({status: 500})).exitCode).toBe(1)
    expect(toFailure(api({kind: 'network', status: undefined})).exitCode).toBe(6)
    expect(toFailure(api({kind: 'tls', status: undefined})).exitCode).toBe(6)
    expect(toFailure(api({kind: 'tls', status: undefined})).hint).toMatch(/--ca-cert/)
    expect(toFailure(new UsageError('x')).exitCode).toBe(2)
    expect(toFailure(new UnsupportedOperationError('flow.list.statusFilter', 'v5_2', 'v5_1')).exitCode).toBe(2)
    expect(toFailure(new UnsupportedOperationError('flow.list.statusFilter', 'v5_2', 'v5_1')).message).toContain('needs Corda 5.2 (this cluster serves v5_1)')
    expect(toFailure(new InvalidX500Error('CN=x', 'O is required')).exitCode).toBe(2)
    expect(toFailure(new TimeoutError('timed out waiting for CPI upload abc', {resumeId: 'abc', hint: 'ask again'}))).toEqual({
      exitCode: 7,
      message: 'timed out waiting for CPI upload abc',
      hint: 'ask again',
    })
    expect(toFailure(new OperationFailedError({what: 'flow', state: {}})).exitCode).toBe(8)
    expect(toFailure(new Error('boom')).exitCode).toBe(1)
  })
})

describe('context settings flags', () => {
  it('applies flags on top of what exists and keeps secrets out', () => {
    const ctx = applySettingFlags({corda: {url: 'https://a:8888', username: 'old'}}, {username: 'new', 'jobs-url': 'http://j:9411/'})
    expect(ctx).toEqual({corda: {url: 'https://a:8888', username: 'new'}, jobService: {url: 'http://j:9411'}})
    expect(JSON.stringify(applySettingFlags({}, {'wm-url': 'https://g', 'oauth-client': 'c:s3cret'}))).not.toContain('s3cret')
  })
  it('rejects URLs without a scheme or with credentials in them', () => {
    expect(() => applySettingFlags({}, {'corda-url': 'corda:8888'})).toThrow(/only http and https|not a URL/)
    expect(() => applySettingFlags({}, {'corda-url': 'https://admin:pw@corda:8888'})).toThrow(/credentials do not go in the URL/)
  })
})
