// The flags many commands share, each declared once (PRODUCT.md §2). A command puts the ones it takes in its own
// `flags`; --timeout there overrides the service flags' 30 s with the command's own default.
import {Flags} from '@oclif/core'
import {FORMATS} from '../../format/output.js'

const GLOBAL = 'GLOBAL'

/** Every command: how it prints, and whether it may ask. */
export const outputFlags = {
  output: Flags.option({char: 'o', options: FORMATS, helpGroup: GLOBAL, description: 'output format'})(),
  json: Flags.boolean({helpGroup: GLOBAL, description: 'same as -o json', exclusive: ['output']}),
  'no-color': Flags.boolean({helpGroup: GLOBAL, description: 'no colours (also NO_COLOR)'}),
  verbose: Flags.boolean({helpGroup: GLOBAL, description: 'trace HTTP requests and show stack traces on stderr (secrets redacted)'}),
  'no-prompt': Flags.boolean({helpGroup: GLOBAL, description: 'never prompt; fail naming the missing flag instead (also when CI is set)'}),
}

/** --timeout with a command's own default: waiting commands need minutes, a lookup seconds. */
export const timeoutFlag = (fallback: string) =>
  Flags.string({helpGroup: GLOBAL, default: fallback, description: 'deadline for the whole command, waiting included (e.g. 30s, 5m)'})

/** Every command that talks to a service: which context, how long, and how to trust TLS. */
export const serviceFlags = {
  context: Flags.string({char: 'c', helpGroup: GLOBAL, description: 'context to use (default: WORKERCTL_CONTEXT, then the current context)'}),
  timeout: timeoutFlag('30s'),
  insecure: Flags.boolean({helpGroup: GLOBAL, description: 'skip TLS certificate verification (prints a warning)'}),
  'ca-cert': Flags.file({helpGroup: GLOBAL, description: 'PEM file of a CA to trust in addition to the system roots'}),
}

/** --wait/--no-wait for commands that start asynchronous work and wait for it by default. */
export const waitFlag = Flags.boolean({default: true, allowNo: true, description: 'wait until it finishes (--no-wait: print the request id and return at once)'})

/** --yes for commands that ask before something destructive; the description may say what is at stake. */
export const yesFlag = (description = 'do not ask') => Flags.boolean({char: 'y', description})

/** --dry-run: show what would be done and send nothing that changes anything. */
export const dryRunFlag = (description = 'count and show what would be touched; send nothing') => Flags.boolean({description})
