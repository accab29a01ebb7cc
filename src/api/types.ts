// What every service's client shares.

/** What an idempotent operation did: made the thing, changed it, or found it as asked. */
export type ChangeResult = 'created' | 'updated' | 'unchanged'
