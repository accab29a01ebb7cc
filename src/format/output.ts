// The one output path: data to stdout as a table, JSON or YAML; everything else to stderr.
import {painter, type Paint} from './paint.js'
import {type Columns, renderTable, StreamingTable} from './table.js'

export type Format = 'table' | 'json' | 'yaml'
export const FORMATS: readonly Format[] = ['table', 'json', 'yaml']

export interface View<T> {
  /** Columns for a list, or for a single object shown as a one-row table. */
  table?: Columns<T>
  /** A free-form rendering for the table format when columns do not fit (e.g. a status report). */
  text?: (value: T, paint: Paint) => string
}

export interface OutputOptions {
  format: Format
  color: boolean
  stdout?: NodeJS.WritableStream
  stderr?: NodeJS.WritableStream
}

export class Output {
  readonly format: Format
  private readonly stdout: NodeJS.WritableStream
  private readonly stderr: NodeJS.WritableStream
  private paintPromise?: Promise<Paint>

  constructor(private readonly options: OutputOptions) {
    this.format = options.format
    this.stdout = options.stdout ?? process.stdout
    this.stderr = options.stderr ?? process.stderr
  }

  paint(): Promise<Paint> {
    return (this.paintPromise ??= painter(this.options.color))
  }

  /** Prints a command's result: the data as is for JSON/YAML, through its view for tables. */
  async data<T>(value: T | T[], view: View<T> = {}): Promise<void> {
    if (this.format === 'json') return this.write(`${JSON.stringify(value, null, 2)}\n`)
    if (this.format === 'yaml') {
      const {stringify} = await import('yaml')
      return this.write(stringify(value))
    }
    const paint = await this.paint()
    const rows = Array.isArray(value) ? value : [value]
    if (view.text && !Array.isArray(value)) return this.write(`${view.text(value, paint)}\n`)
    if (view.table) {
      if (rows.length === 0) return this.note('nothing to show')
      return this.write(`${await renderTable(rows, view.table, paint)}\n`)
    }
    const {stringify} = await import('yaml')
    return this.write(stringify(value))
  }

  /**
   * Prints rows as they arrive, never holding them all: a JSON array written row by row, YAML list items, or a table
   * whose column widths are set by the first rows (later cells are cut to fit). Returns how many rows were printed.
   */
  async stream<T>(rows: AsyncIterable<T>, columns: Columns<T>): Promise<number> {
    let count = 0
    if (this.format === 'json') {
      for await (const row of rows) {
        this.write(`${count++ === 0 ? '[\n' : ',\n'}  ${JSON.stringify(row)}`)
        await this.drained()
      }
      this.write(count === 0 ? '[]\n' : '\n]\n')
      return count
    }
    if (this.format === 'yaml') {
      const {stringify} = await import('yaml')
      for await (const row of rows) {
        this.write(stringify([row]))
        count++
        await this.drained()
      }
      if (count === 0) this.write('[]\n')
      return count
    }
    const paint = await this.paint()
    const table = new StreamingTable(columns, paint, line => this.write(`${line}\n`))
    for await (const row of rows) {
      table.add(row)
      count++
      await this.drained()
    }
    table.end()
    if (count === 0) this.note('nothing to show')
    return count
  }

  /** A line for people (progress, confirmations): stderr, so stdout stays data. */
  note(message: string): void {
    this.stderr.write(`${message}\n`)
  }

  warn(message: string): void {
    this.stderr.write(`Warning: ${message}\n`)
  }

  private write(text: string): void {
    this.stdout.write(text)
  }

  /**
   * Waits while stdout's buffer is full: a pipe whose reader is slower than the service (`| ssh …`, a busy consumer)
   * would otherwise queue every row in memory, as stdout to a pipe is asynchronous. Also ends on close (EPIPE).
   */
  private async drained(): Promise<void> {
    const out = this.stdout as NodeJS.WritableStream & {writableNeedDrain?: boolean; destroyed?: boolean}
    if (!out.writableNeedDrain || out.destroyed) return
    await new Promise<void>(resolve => {
      const done = () => {
        out.off('drain', done)
        out.off('close', done)
        resolve()
      }
      out.on('drain', done)
      out.on('close', done)
    })
  }
}
