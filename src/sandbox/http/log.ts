// What the sandbox records about each service request, so tests can see exactly what a command sent.
// A bounded ring: a 100k-request benchmark keeps only the last entries and stays flat in memory.

export interface LoggedRequest {
  seq: number
  /** ISO time the request arrived. */
  time: string
  service: 'corda' | 'workerManager' | 'jobService' | 'auth' | 'sandbox' | 'unknown'
  method: string
  /** Pathname as sent, without the query. */
  path: string
  /** Repeated parameters become arrays; a `password` parameter is recorded as '[redacted]'. */
  query: Record<string, string | string[]>
  /** Lower-case names; `authorization` reduced to its scheme + ' [redacted]'. */
  headers: Record<string, string>
  requestContentType?: string
  /**
   * Parsed JSON (`password`/`initialPassword` fields redacted at any depth); form fields (password redacted) for
   * urlencoded; raw string otherwise; undefined if empty.
   */
  requestBody?: unknown
  /** 0 when the sandbox answered nothing (a fault reset, or the client went away first). */
  status: number
  responseContentType?: string
  /** Parsed JSON if the body parses as JSON, else the raw string; undefined if empty. */
  responseBody?: unknown
  durationMs: number
}

export const LOG_CAPACITY = 20_000

export class RequestLog {
  private readonly ring: Array<LoggedRequest | undefined>
  private head = 0 // index of the oldest entry
  private count = 0
  private appended = 0

  constructor(readonly capacity = LOG_CAPACITY) {
    this.ring = new Array<LoggedRequest | undefined>(capacity)
  }

  /** Adds an entry, numbering it; the oldest one goes when the ring is full. */
  append(entry: Omit<LoggedRequest, 'seq'>): LoggedRequest {
    const logged = {seq: ++this.appended, ...entry}
    if (this.count < this.capacity) {
      this.ring[(this.head + this.count) % this.capacity] = logged
      this.count++
    } else {
      this.ring[this.head] = logged
      this.head = (this.head + 1) % this.capacity
    }
    return logged
  }

  /** Oldest first. */
  entries(): LoggedRequest[] {
    const out: LoggedRequest[] = []
    for (let i = 0; i < this.count; i++) out.push(this.ring[(this.head + i) % this.capacity]!)
    return out
  }

  clear(): void {
    this.ring.fill(undefined)
    this.head = 0
    this.count = 0
  }

  /** Entries held now (at most `capacity`). */
  get size(): number {
    return this.count
  }

  /** Requests logged since start, including those cleared or dropped from the ring. */
  get total(): number {
    return this.appended
  }
}
