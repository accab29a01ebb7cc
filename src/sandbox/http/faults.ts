// Injected failures (--faults RATE): a seeded draw per service request, so a failing run can be replayed.
// What a flaky network and an overloaded cluster really do to a client:
//   unavailable  a 503 in the service's shape, nothing done;
//   reset        the connection is reset before anything is done;
//   slow         the answer comes, 0.3–1.5 s late;
//   lostReply    the request IS done, then the connection is reset: the client cannot tell it from `reset`,
//                which is what makes a non-idempotent POST dangerous to repeat blindly.
// The services' documented races (CPI status "No such requestId", vnode status 404, read-after-create lag) are
// emulated always, faults or not.
import {faultStream, type Random} from '../random.js'

export const FAULT_KINDS = ['unavailable', 'reset', 'slow', 'lostReply'] as const
export type Fault = (typeof FAULT_KINDS)[number]

export class Faults {
  private readonly random: Random
  private rate = 0
  private kinds: readonly Fault[] = FAULT_KINDS

  constructor(rate: number, seed: number) {
    this.random = faultStream(seed)
    this.set(rate)
  }

  /** Changes the rate (and which kinds occur) at run time: `POST /_sandbox/faults`, or a test holding the server. */
  set(rate: number, kinds: readonly Fault[] = FAULT_KINDS): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`faults must be a number from 0 to 1, got ${rate}`)
    if (kinds.length === 0 || kinds.some(k => !FAULT_KINDS.includes(k))) throw new RangeError(`fault kinds are ${FAULT_KINDS.join(', ')}`)
    this.rate = rate
    this.kinds = [...kinds]
  }

  get settings(): {rate: number; kinds: Fault[]} {
    return {rate: this.rate, kinds: [...this.kinds]}
  }

  /** One draw per request: below the rate, one of the kinds (equally likely); otherwise no fault. */
  draw(): Fault | undefined {
    if (this.rate === 0) return undefined
    const r = this.random.next()
    if (r >= this.rate) return undefined
    return this.kinds[Math.min(this.kinds.length - 1, Math.floor((r / this.rate) * this.kinds.length))]
  }

  /** How late a `slow` answer is. */
  delayMs(): number {
    return 300 + Math.floor(this.random.next() * 1200)
  }
}
