// Topics are singular (`job list`), but operators type plurals too (`jobs list`), like gh and kubectl.
// Rewriting the first word before oclif resolves the command keeps one command per verb and one help page.
const PLURALS: Record<string, string> = {
  clusters: 'cluster',
  certs: 'cert',
  cpis: 'cpi',
  vnodes: 'vnode',
  users: 'user',
  roles: 'role',
  permissions: 'permission',
  flows: 'flow',
  requests: 'request',
  workers: 'worker',
  jobs: 'job',
  contexts: 'context',
  sandboxes: 'sandbox',
}

export function singularTopic(argv: string[]): string[] {
  const [first, ...rest] = argv
  if (first === undefined) return argv
  if (first === 'help' && rest[0] !== undefined && PLURALS[rest[0]]) return ['help', PLURALS[rest[0]]!, ...rest.slice(1)]
  const singular = PLURALS[first]
  return singular ? [singular, ...rest] : argv
}
