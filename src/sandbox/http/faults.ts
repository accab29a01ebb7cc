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

/** Faults aimed at some requests only: one method, paths starting with a prefix, and at most `times` of them. */
export interface FaultTarget {
  method?: string
  pathPrefix?: string
  times?: number
}

export class Faults {
  private readonly random: Random
  private rate = 0
  private kinds: readonly Fault[] = FAULT_KINDS
  private target?: FaultTarget
  private left = Infinity

  constructor(rate: number, seed: number) {
    this.random = faultStream(seed)
    this.set(rate)
  }

  /** Changes the rate (and which kinds occur) at run time: `POST /_sandbox/faults`, or a test holding the server. */
  set(rate: number, kinds: readonly Fault[] = FAULT_KINDS, target?: FaultTarget): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`faults must be a number from 0 to 1, got ${rate}`)
    if (kinds.length === 0 || kinds.some(k => !FAULT_KINDS.includes(k))) throw new RangeError(`fault kinds are ${FAULT_KINDS.join(', ')}`)
    if (target?.times !== undefined && !(Number.isInteger(target.times) && target.times > 0)) throw new RangeError(`times must be a whole number above 0, got ${target.times}`)
    this.rate = rate
    this.kinds = [...kinds]
    this.target = target?.method || target?.pathPrefix || target?.times ? {...target, method: target.method?.toUpperCase()} : undefined
    this.left = target?.times ?? Infinity
  }

  get settings(): {rate: number; kinds: Fault[]; target?: FaultTarget & {left?: number}} {
    return {rate: this.rate, kinds: [...this.kinds], ...(this.target ? {target: {...this.target, ...(Number.isFinite(this.left) ? {left: this.left} : {})}} : {})}
  }

  /** One draw per request (of the target, when there is one): below the rate, one of the kinds; otherwise no fault. */
  draw(request: {method: string; path: string} = {method: '', path: ''}): Fault | undefined {
    if (this.rate === 0 || this.left <= 0) return undefined
    const t = this.target
    if (t && ((t.method && t.method !== request.method) || (t.pathPrefix && !request.path.startsWith(t.pathPrefix)))) return undefined
    const r = this.random.next()
    if (r >= this.rate) return undefined
    this.left--
    return this.kinds[Math.min(this.kinds.length - 1, Math.floor((r / this.rate) * this.kinds.length))]
  }

  /** How late a `slow` answer is. */
  delayMs(): number {
    return 300 + Math.floor(this.random.next() * 1200)
  }
}
