import {describe, expect, it} from 'vitest'
import {Progress} from '../../../src/format/progress.js'

function fakeStream(isTTY: boolean) {
  const writes: string[] = []
  const stream = {isTTY, columns: 100, write: (s: string) => (writes.push(s), true)} as unknown as NodeJS.WriteStream
  return {stream, writes}
}

describe('Progress', () => {
  it('draws one line in place on a terminal, cut to its width, and clears it when done', () => {
    const {stream, writes} = fakeStream(true)
    const progress = new Progress(stream)
    progress.bytes('Uploading a.cpi', 50_000_000, 100_000_000, Date.now() - 1000)
    progress.status(`Validating a.cpi: ${'x'.repeat(150)}`)
    progress.done()
    // eslint-disable-next-line no-control-regex -- the exact escape sequence that redraws the line is what is tested
    expect(writes[0]).toMatch(/^\r\x1b\[K(Uploading a\.cpi \[#{10}\.{10}\] 50% {2}50\.0\/100\.0 MB {2}[\d.]+ MB\/s)$/)
    expect(writes[1]!.length).toBeLessThanOrEqual(100 + 4)
    expect(writes[1]).toMatch(/…$/)
    expect(writes[2]).toBe('\r\x1b[K')
  })

  it('draws at most ten times a second, but always the last chunk', () => {
    const {stream, writes} = fakeStream(true)
    const progress = new Progress(stream)
    const started = Date.now()
    for (let sent = 1; sent < 100; sent++) progress.bytes('Uploading', sent, 100, started)
    progress.bytes('Uploading', 100, 100, started)
    expect(writes).toHaveLength(2)
    expect(writes[1]).toContain('100%')
  })

  it('writes nothing on a pipe', () => {
    const {stream, writes} = fakeStream(false)
    const progress = new Progress(stream)
    progress.bytes('Uploading', 1, 2, Date.now())
    progress.status('Validating')
    progress.done()
    expect(writes).toEqual([])
  })
})
