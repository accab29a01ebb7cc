// The emulated cluster's pending work: transitions due at a time, applied in time order when a handler settles the
// state to the clock (store.ts `settle`). Nothing runs on timers.
interface Scheduled {
  at: number
  seq: number
  apply: () => void
}

export class Scheduler {
  private queue: Scheduled[] = []
  private seq = 0

  /** Runs `apply` once the clock reaches `at` (at the next settle). */
  schedule(at: number, apply: () => void): void {
    this.queue.push({at, seq: this.seq++, apply})
  }

  /** Applies every due transition, in time order. */
  settle(now: number): void {
    for (;;) {
      let next: Scheduled | undefined
      for (const s of this.queue) if (s.at <= now && (!next || s.at < next.at || (s.at === next.at && s.seq < next.seq))) next = s
      if (!next) return
      this.queue.splice(this.queue.indexOf(next), 1)
      next.apply()
    }
  }
}
