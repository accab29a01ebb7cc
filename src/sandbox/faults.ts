// Injected failures (--faults RATE): a seeded draw per service request, so a failing run can be replayed.
import {faultStream, type Random} from './random.js'

/** `unavailable`: a 503 in the service's shape; `reset`: the socket is destroyed with no answer. */
export type Fault = 'unavailable' | 'reset'

export class Faults {
  private readonly random: Random

  constructor(private readonly rate: number, seed: number) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`faults must be a number from 0 to 1, got ${rate}`)
    this.random = faultStream(seed)
  }

  /** One draw per request: below rate/2 a 503, below rate a reset, otherwise no fault. */
  draw(): Fault | undefined {
    if (this.rate === 0) return undefined
    const r = this.random.next()
    if (r >= this.rate) return undefined
    return r < this.rate / 2 ? 'unavailable' : 'reset'
  }
}
