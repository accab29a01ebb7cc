// Prompts only when a person can answer: stdin and stdout are terminals, and neither CI nor --no-prompt is set.
import {UsageError} from '../errors.js'
import {readStdinSecret} from '../input/secret.js'

export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = env.CI
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false'
}

export function canPrompt(noPromptFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCI(env) && !noPromptFlag
}

export class Prompter {
  constructor(readonly enabled: boolean) {}

  /** Asks for a value, or fails naming the flag that would have given it. */
  async input(message: string, flag: string, fallback?: string): Promise<string> {
    if (!this.enabled) throw missing(flag)
    const {input} = await import('@inquirer/prompts')
    return input({message, default: fallback, required: true})
  }

  async password(message: string, flag: string): Promise<string> {
    if (!this.enabled) throw missing(flag)
    const {password} = await import('@inquirer/prompts')
    return password({message, mask: '*', validate: v => (v.length > 0 ? true : 'a password is required')})
  }

  /** A new password typed twice; never echoed. */
  async newPassword(what: string, flag: string): Promise<string> {
    if (!this.enabled) throw missing(flag, 'WORKERCTL_NEW_PASSWORD')
    for (;;) {
      const first = await this.password(`New password for ${what}`, flag)
      const again = await this.password('Repeat it', flag)
      if (first === again) return first
      process.stderr.write('The two passwords differ; try again.\n')
    }
  }

  async confirm(message: string, flag = '--yes'): Promise<boolean> {
    if (!this.enabled) throw missing(flag)
    const {confirm} = await import('@inquirer/prompts')
    return confirm({message, default: false})
  }
}

function missing(flag: string, env?: string): UsageError {
  return new UsageError(`missing ${flag}`, `prompting is off (not a terminal, CI is set, or --no-prompt): give ${flag}${env ? ` or set ${env}` : ''}`)
}

/**
 * A password to set, never from a flag value: WORKERCTL_NEW_PASSWORD, else the first line of stdin with
 * --password-stdin, else a prompt (typed twice).
 */
export async function newPassword(prompter: Prompter, what: string, fromStdin: boolean): Promise<string> {
  const env = process.env.WORKERCTL_NEW_PASSWORD
  if (env !== undefined && env !== '') return env
  if (fromStdin) return readStdinSecret()
  return prompter.newPassword(what, '--password-stdin')
}
