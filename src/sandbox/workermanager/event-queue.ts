// The worker manager's pending transitions, in time order: what `settle(now)` applies (request-machine.ts).
export interface Scheduled {
  at: number
  seq: number
  apply: (at: number) => void
}

/** A binary min-heap on (at, seq). */
export class Queue {
  private readonly items: Scheduled[] = []
  private seq = 0

  get size(): number {
    return this.items.length
  }

  push(at: number, apply: (at: number) => void): void {
    const items = this.items
    items.push({at, seq: this.seq++, apply})
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  peek(): Scheduled | undefined {
    return this.items[0]
  }

  pop(): Scheduled | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last) {
      items[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && before(items[l]!, items[m]!)) m = l
        if (r < items.length && before(items[r]!, items[m]!)) m = r
        if (m === i) break
        ;[items[i], items[m]] = [items[m]!, items[i]!]
        i = m
      }
    }
    return top
  }
}

const before = (a: Scheduled, b: Scheduled) => a.at < b.at || (a.at === b.at && a.seq < b.seq)
