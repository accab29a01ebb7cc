// `cluster config set` and apply's ConfigSection: make a section's source configuration what is asked, with the
// optimistic locking of reference/corda-rest.md §10.
import {isDeepStrictEqual} from 'node:util'
import {ApiError, isOutage, isStatus} from '../../errors.js'
import type {ChangeResult} from '../../types.js'
import type {ClusterConfig} from '../config.js'
import type {GetConfigResponse} from '../types.js'

/** `cluster config set` output: the section, its version before and after, and what happened. */
export interface ConfigChange {
  section: string
  previousVersion: number
  version: number
  result: ChangeResult
  /** The section's source configuration now. */
  config: unknown
}

const isConflict = (error: unknown) => isStatus(error, 409)

/** A section never set answers 404; its version is then −1 (reference §10). */
async function currentOrUnset(config: ClusterConfig, section: string): Promise<Pick<GetConfigResponse, 'sourceConfig' | 'version' | 'schemaVersion'>> {
  try {
    return await config.get(section)
  } catch (error) {
    if (!isStatus(error, 404)) throw error
    return {sourceConfig: '{}', version: -1, schemaVersion: {major: 1, minor: 0}}
  }
}
/** The source configuration as JSON; text that is not JSON (Corda keeps HOCON as it was sent) compares as different. */
const parsed = (text: string): unknown => {
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}
const NOT_JSON = Symbol('not JSON')

/** Corda puts why it refused a configuration at the end of its title: `… could not be validated. … Cause: <why>`. */
function refusal(error: ApiError): string | undefined {
  if (error.status !== 400) return undefined
  const cause = / Cause: (.*)$/.exec(error.fullTitle)?.[1]
  return cause ?? (typeof error.details?.reason === 'string' ? error.details.reason : undefined)
}

/** The REST worker gave up waiting for the write (a 500 of its own): the write may still have landed. */
const timedOut = (error: unknown) => isStatus(error, 500) && /Could not publish updated configuration/.test(JSON.stringify((error as ApiError).details ?? {}))

/**
 * Makes `config` the section's source configuration (Corda's PUT replaces it; defaults fill the rest). Reads the current
 * version and PUTs with it; a stale version (409, someone changed it meanwhile) is read again and retried once.
 * The same configuration is `unchanged` and sends no PUT.
 */
export async function setConfigSection(corda: {config: ClusterConfig}, section: string, config: unknown): Promise<ConfigChange> {
  let sent: number | undefined // the version a PUT was sent from whose answer never came
  for (let attempt = 1; ; attempt++) {
    const current = await currentOrUnset(corda.config, section)
    if (isDeepStrictEqual(parsed(current.sourceConfig), config)) {
      const before = sent ?? current.version
      return {section, previousVersion: before, version: current.version, result: sent === undefined ? 'unchanged' : 'updated', config}
    }
    try {
      const updated = await corda.config.update({section, version: current.version, config, schemaVersion: current.schemaVersion})
      return {section, previousVersion: current.version, version: updated.version, result: 'updated', config}
    } catch (error) {
      const reason = error instanceof ApiError ? refusal(error) : undefined
      if (reason) throw (error as ApiError).withHint(`the cluster says: ${reason}`, `the cluster refused the ${section} configuration`)
      // A stale version (someone wrote meanwhile) is read again once; a lost answer is read again to see if it landed.
      if ((isOutage(error) || timedOut(error)) && attempt < 3) {
        sent = current.version
        continue
      }
      if (!isConflict(error) || attempt > 1) throw error
    }
  }
}
