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
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
    },
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const row of rows) table.push(Object.values(spec).map(cell => String(cell(row, paint) ?? '')))
  return table.toString().split('\n').map(line => line.trimEnd()).join('\n')
}
