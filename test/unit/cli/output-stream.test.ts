// Streamed output holds back rows while stdout's buffer is full, so a slow reader never makes them pile up in memory.
import {Writable} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {Output} from '../../../src/format/output.js'

/** A stdout whose reader takes each chunk late; records the most it ever had queued. */
function slowStdout() {
  const chunks: string[] = []
  let maxQueued = 0
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'))
      setTimeout(done, 1)
    },
  })
  const write = stream.write.bind(stream)
  stream.write = ((chunk: string) => {
    const ok = write(chunk)
    maxQueued = Math.max(maxQueued, stream.writableLength)
    return ok
  }) as typeof stream.write
  return {stream, text: () => chunks.join(''), maxQueued: () => maxQueued}
}

async function* rows(n: number): AsyncGenerator<{id: number; text: string}> {
  for (let id = 0; id < n; id++) yield {id, text: 'x'.repeat(200)}
}

describe('Output.stream', () => {
  for (const format of ['json', 'yaml', 'table'] as const) {
    it(`${format}: waits for a slow stdout instead of queueing every row`, async () => {
      const out = slowStdout()
      const output = new Output({format, color: false, stdout: out.stream, stderr: new Writable({write: (_c, _e, done) => done()})})
      const count = await output.stream(rows(300), {ID: r => String(r.id), TEXT: r => r.text})
      await new Promise<void>(resolve => out.stream.end(resolve))
      expect(count).toBe(300)
      // 300 rows of 200+ bytes (60 kB) never queue: at most the buffer's limit plus the row that crossed it (a table
      // prints its first 50 rows at once, when their widths are known: those may queue together).
      const batch = format === 'table' ? 50 * 210 : 0
      expect(out.maxQueued()).toBeLessThan(1024 + 600 + batch)
      if (format === 'json') expect(JSON.parse(out.text())).toHaveLength(300)
    })
  }
})
