// Progress for long work: one line on stderr, redrawn in place, only when stderr is a terminal (PRODUCT.md §2).

const MB = 1_000_000
const mb = (bytes: number) => (bytes / MB).toFixed(1)

export class Progress {
  private lastDraw = 0
  private shown = false

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    readonly enabled = Boolean(stream.isTTY),
  ) {}

  /** A line such as `Uploading demo.cpi  42%  12.3/29.1 MB  8.4 MB/s`, at most ten times a second. */
  bytes(label: string, sent: number, total: number, startedAt: number): void {
    const now = Date.now()
    if (!this.enabled || (now - this.lastDraw < 100 && sent < total)) return
    this.lastDraw = now
    const pct = total > 0 ? Math.floor((sent / total) * 100) : 100
    const width = 20
    const filled = Math.round((pct / 100) * width)
    const rate = sent / Math.max(0.001, (now - startedAt) / 1000)
    this.draw(`${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}%  ${mb(sent)}/${mb(total)} MB  ${mb(rate)} MB/s`)
  }

  /** A state line, e.g. `CPI upload 1f2e…: Validating CPI`. */
  status(text: string): void {
    if (this.enabled) this.draw(text)
  }

  /** Clears the line, so what follows starts clean. */
  done(): void {
    if (this.enabled && this.shown) this.stream.write('\r\x1b[K')
    this.shown = false
  }

  private draw(text: string): void {
    const columns = this.stream.columns ?? 100
    this.stream.write(`\r\x1b[K${text.length >= columns ? `${text.slice(0, columns - 2)}…` : text}`)
    this.shown = true
  }
}
