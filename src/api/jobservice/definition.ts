// A job definition's identity: the same definition gives the same text (and hash) whatever its key order.
import {createHash} from 'node:crypto'
import type {NewJob} from './types.js'

/** The label apply puts on the jobs it creates: the service never returns a task, so this is how a change shows. */
export const DEFINITION_LABEL = 'workerctl:definition'

/** JSON with sorted keys and undefined fields dropped. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** 16 hex of the SHA-256 of the definition without apply's own label. */
export function definitionHash(definition: NewJob): string {
  const {[DEFINITION_LABEL]: _, ...labels} = definition.labels ?? {}
  return createHash('sha256').update(canonicalJson({...definition, labels})).digest('hex').slice(0, 16)
}
