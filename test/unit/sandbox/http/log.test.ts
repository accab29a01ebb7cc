import {describe, expect, it} from 'vitest'
import {type LoggedRequest, RequestLog} from '../../../../src/sandbox/http/log.js'

const entry = (path: string): Omit<LoggedRequest, 'seq'> => ({
  time: new Date().toISOString(),
  service: 'corda',
  method: 'GET',
  path,
  query: {},
  headers: {},
  status: 200,
  durationMs: 1,
})

describe('request log', () => {
  it('keeps only the last `capacity` entries, oldest first, numbering all of them', () => {
    const log = new RequestLog(3)
    for (let i = 1; i <= 5; i++) log.append(entry(`/${i}`))
    expect(log.size).toBe(3)
    expect(log.total).toBe(5)
    expect(log.entries().map(e => [e.seq, e.path])).toEqual([
      [3, '/3'],
      [4, '/4'],
      [5, '/5'],
    ])
  })

  it('clears, and numbering carries on', () => {
    const log = new RequestLog(3)
    log.append(entry('/a'))
    log.clear()
    expect(log.entries()).toEqual([])
    expect(log.size).toBe(0)
    expect(log.append(entry('/b')).seq).toBe(2)
    expect(log.entries().map(e => e.path)).toEqual(['/b'])
  })

  it('holds 20,000 entries by default', () => {
    const log = new RequestLog()
    for (let i = 0; i < 20_050; i++) log.append(entry('/x'))
    expect(log.size).toBe(20_000)
    expect(log.entries()[0]!.seq).toBe(51)
  })
})
