import {describe, expect, it} from 'vitest'
import {Router} from '../../../../src/sandbox/http/router.js'

const ok = () => ({status: 200})

describe('sandbox router', () => {
  const router = new Router()
  router.add('GET', '/api/v5_2/virtualnode/{shortHash}', ok, {lowercaseRedirect: true})
  router.add('GET', '/api/v5_2/virtualnode/status/{requestId}', ok, {lowercaseRedirect: true})
  router.add('PUT', '/api/v5_2/virtualnode/{shortHash}/state/{state}', ok, {lowercaseRedirect: true})
  router.add('GET', '/job-service/v1/partitions/{p}/jobs', ok)

  it('matches templates, decodes parameters and prefers static segments', () => {
    const m = router.match('GET', '/api/v5_2/virtualnode/status/ABC%20D')
    expect(m.kind === 'route' && m.route.template).toBe('/api/v5_2/virtualnode/status/{requestId}')
    expect(m.kind === 'route' && m.params).toEqual({requestId: 'ABC D'})
    const n = router.match('GET', '/api/v5_2/virtualnode/58B6030FABDD')
    expect(n.kind === 'route' && n.params).toEqual({shortHash: '58B6030FABDD'})
  })

  it('tells a wrong method from an unknown path; HEAD falls back to GET', () => {
    expect(router.match('DELETE', '/api/v5_2/virtualnode/X')).toEqual({kind: 'wrongMethod', allowed: ['GET']})
    expect(router.match('GET', '/api/v5_2/nothing')).toEqual({kind: 'none'})
    expect(router.match('GET', '/api/v5_2/virtualnode/')).toEqual({kind: 'none'}) // an empty parameter is no match
    expect(router.match('HEAD', '/api/v5_2/virtualnode/X').kind).toBe('route')
  })

  it('redirects mixed-case static segments to lower case, keeping parameters and query as sent', () => {
    expect(router.match('PUT', '/API/v5_2/VirtualNode/58B6030fABDD/State/MAINTENANCE', 'x=Y')).toEqual({
      kind: 'redirect',
      location: '/api/v5_2/virtualnode/58B6030fABDD/state/MAINTENANCE?x=Y',
    })
  })

  it('redirects only routes that ask for it (Corda), and only for their method', () => {
    expect(router.match('GET', '/job-service/v1/Partitions/p/jobs')).toEqual({kind: 'none'})
    expect(router.match('POST', '/api/v5_2/VirtualNode/X')).toEqual({kind: 'none'})
  })

  it('refuses a route registered twice', () => {
    expect(() => router.add('GET', '/job-service/v1/partitions/{p}/jobs', ok)).toThrow(/twice/)
  })
})
