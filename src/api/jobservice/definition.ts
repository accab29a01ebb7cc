// A job definition's identity: the same definition gives the same text (and hash) whatever its key order.
import {createHash} from 'node:crypto'
import {canonicalJson} from '../../shared/canonical-json.js'
import type {NewJob} from './types.js'

/** The label apply puts on the jobs it creates: the service never returns a task, so this is how a change shows. */
export const DEFINITION_LABEL = 'workerctl:definition'

/** 16 hex of the SHA-256 of the definition without apply's own label. */
export function definitionHash(definition: NewJob): string {
  const {[DEFINITION_LABEL]: _, ...labels} = definition.labels ?? {}
  return createHash('sha256')
    .update(canonicalJson({...definition, labels}))
    .digest('hex')
    .slice(0, 16)
}
