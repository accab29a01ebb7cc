// How rows look in a table; JSON and YAML need no code at all.
import type {Paint} from './paint.js'

export type Cell<T> = (row: T, paint: Paint) => string | number | boolean | undefined | null

/** Columns of a table, header → cell. */
export type Columns<T> = Record<string, Cell<T>>

export const columns = <T>(spec: Columns<T>): Columns<T> => spec

export async function renderTable<T>(rows: T[], spec: Columns<T>, paint: Paint): Promise<string> {
  const {default: Table} = await import('cli-table3')
  // Borderless, like kubectl and gh: easy to read and to grep.
  const table = new Table({
    head: Object.keys(spec),
    chars: {
      top: '',
      'top-mid': '',
      'top-left': '',
      'top-right': '',
      bottom: '',
      'bottom-mid': '',
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '',
      'mid-mid': '',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const row of rows) table.push(Object.values(spec).map(cell => String(cell(row, paint) ?? '')))
  return table
    .toString()
    .split('\n')
    .map(line => line.trimEnd())
    .join('\n')
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g
const visible = (text: string) => text.replace(ANSI, '').length

/** Cuts plain text to `width` characters with an ellipsis; coloured cells are short status words and are kept. */
function fit(text: string, width: number): string {
  const length = visible(text)
  if (length > width) return text === text.replace(ANSI, '') ? `${text.slice(0, width - 1)}…` : text
  return text + ' '.repeat(width - length)
}

/**
 * A borderless table printed as rows arrive: the widths come from the header and the first `sampleRows` rows, so
 * a listing of 100,000 rows starts printing at once and never holds them all.
 */
export class StreamingTable<T> {
  private pending: string[][] = []
  private widths?: number[]

  constructor(
    private readonly spec: Columns<T>,
    private readonly paint: Paint,
    private readonly print: (line: string) => void,
    private readonly sampleRows = 50,
  ) {}

  add(row: T): void {
    const cells = Object.values(this.spec).map(cell => String(cell(row, this.paint) ?? '').replace(/\s*\r?\n[\s\S]*/, ' …'))
    if (this.widths) return this.line(cells)
    this.pending.push(cells)
    if (this.pending.length >= this.sampleRows) this.flush()
  }

  end(): void {
    if (!this.widths && this.pending.length > 0) this.flush()
  }

  private flush(): void {
    const head = Object.keys(this.spec)
    this.widths = head.map((h, i) => Math.max(h.length, ...this.pending.map(r => visible(r[i]!))))
    this.line(head)
    for (const cells of this.pending) this.line(cells)
    this.pending = []
  }

  private line(cells: string[]): void {
    const last = cells.length - 1
    this.print(
      cells
        .map((c, i) => (i === last ? c : fit(c, this.widths![i]!)))
        .join('  ')
        .trimEnd(),
    )
  }
}
