import nock from 'nock'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {certificateResource, hasCapability, keyResource, requireCapability, UnsupportedOperationError, userLookup} from '../../../../src/api/corda/capabilities.js'
import {validateRequest} from '../../../helpers/contract.js'
import {caught, client} from './support.js'

beforeAll(() => nock.disableNetConnect())
afterEach(() => {
  nock.cleanAll()
})

describe('capability table', () => {
  it('knows what is v5_2 only', () => {
    for (const op of ['flow.list.statusFilter', 'vnode.updateDb', 'user.password'] as const) {
      expect(hasCapability('v5_2', op)).toBe(true)
      expect(hasCapability('v5_1', op)).toBe(false)
      expect(hasCapability('v1', op)).toBe(false)
    }
    expect(hasCapability('v5_1', 'vnode.upgrade.force')).toBe(true)
    expect(hasCapability('v1', 'vnode.upgrade.force')).toBe(false)
  })

  it('throws UnsupportedOperationError with the versions', () => {
    const error = (() => {
      try {
        requireCapability('v5_1', 'user.password')
      } catch (e) {
        return e
      }
    })() as UnsupportedOperationError
    expect(error).toBeInstanceOf(UnsupportedOperationError)
    expect(error.message).toBe('changing a password needs Corda 5.2 (this cluster serves v5_1)')
    expect(error).toMatchObject({operation: 'user.password', needed: 'v5_2', actual: 'v5_1'})
    expect(() => requireCapability('v1', 'vnode.upgrade.force')).toThrow('needs Corda 5.1 (this cluster serves v1)')
    expect(() => requireCapability('v5_2', 'vnode.updateDb')).not.toThrow()
  })

  it('agrees with the specs: v5_1 declares no flow status filter, v1 no /certificate', () => {
    expect(validateRequest({method: 'GET', path: '/api/v5_1/flow/58B6030FABDD', query: {status: 'RUNNING'}, status: 200}).join()).toMatch(/'status' is not declared/)
    expect(validateRequest({method: 'GET', path: '/api/v5_2/flow/58B6030FABDD', query: {status: 'RUNNING'}, status: 200})).toEqual([])
    expect(validateRequest({method: 'GET', path: '/api/v1/certificate/cluster/p2p-tls', query: {}, status: 200})).not.toEqual([])
    expect(
      validateRequest({method: 'PUT', path: '/api/v5_1/virtualnode/58B6030FABDD/db', query: {}, requestContentType: 'application/json', requestBody: {}, status: 200}),
    ).not.toEqual([])
  })

  it('spells v1 resources the v1 way', () => {
    expect(certificateResource('v1')).toBe('/certificates')
    expect(certificateResource('v5_1')).toBe('/certificate')
    expect(keyResource('v1')).toBe('/keys')
    expect(keyResource('v5_2')).toBe('/key')
    expect(userLookup('v1', 'bob')).toEqual({resource: '/user', query: {loginname: 'bob'}})
    expect(userLookup('v5_1', 'bob')).toEqual({resource: '/user/bob'})
  })

  it('methods refuse before sending anything on an older cluster', async () => {
    // No nock interceptor: any request would fail with a network error instead of UnsupportedOperationError.
    const v51 = client('v5_1')
    expect(await caught(v51.flows.list('58B6030FABDD', {status: 'RUNNING'}))).toMatchObject({name: 'UnsupportedOperationError', needed: 'v5_2', actual: 'v5_1'})
    expect(await caught(v51.vnodes.updateDb('58B6030FABDD', {vaultDdlConnection: {}}))).toBeInstanceOf(UnsupportedOperationError)
    expect(await caught(client('v1').vnodes.upgrade('58B6030FABDD', 'ABCDEF123456', {force: true}))).toMatchObject({needed: 'v5_1', actual: 'v1'})
  })
})
