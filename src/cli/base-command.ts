// Every command: output flags, one output path, one error path (PRODUCT.md §2).
import {Command, type Interfaces} from '@oclif/core'
import {ConflictError, type ExitCode} from '../errors.js'
import {type Format, Output, type View} from '../format/output.js'
import {colorWanted} from '../format/paint.js'
import {toFailure} from './failure.js'
import {outputFlags} from './flags/common.js'
import {canPrompt, Prompter} from './prompt.js'

export abstract class BaseCommand extends Command {
  static override baseFlags = outputFlags

  protected out!: Output
  protected prompter!: Prompter
  protected verbose = false
  /** Every flag of the command, parsed once in init(); subclasses read their shared flags from here. */
  protected parsedFlags: Record<string, unknown> = {}

  override async init(): Promise<void> {
    await super.init()
    // Parsing errors (unknown flag, bad value) surface here and reach catch() like any other failure.
    const {flags} = await this.parse({flags: this.ctor.flags, baseFlags: (this.ctor as typeof BaseCommand).baseFlags, args: this.ctor.args, strict: this.ctor.strict})
    this.parsedFlags = flags
    const base = flags as Interfaces.InferredFlags<typeof outputFlags>
    const format: Format = base.json ? 'json' : (base.output ?? 'table')
    this.verbose = base.verbose
    this.out = new Output({format, color: format === 'table' && colorWanted(base['no-color'], process.stdout)})
    this.prompter = new Prompter(canPrompt(base['no-prompt']))
  }

  /** Prints the command's result in the chosen format. */
  protected output<T>(value: T | T[], view?: View<T>): Promise<void> {
    return this.out.data(value, view)
  }

  /**
   * Asks before something destructive, unless --yes answered already. With prompting off, fails naming --yes (exit 2);
   * a "no" stops the command with `refused` (default: nothing was sent, exit 5).
   */
  protected async confirm(question: string, yes: boolean, refused: () => Error = () => new ConflictError('cancelled; nothing was sent')): Promise<void> {
    if (yes) return
    if (!(await this.prompter.confirm(question))) throw refused()
  }

  protected override async catch(error: Error & {exitCode?: number}): Promise<void> {
    const failure = toFailure(error, this.id?.replaceAll(':', ' '), this.argv)
    if (this.verbose && error.stack) process.stderr.write(`${error.stack}\n`)
    // One line each, whatever a library put in its message (OpenSSL's, for one, ends in a newline).
    process.stderr.write(`Error: ${singleLine(failure.message)}\n`)
    if (failure.hint) process.stderr.write(`Hint: ${singleLine(failure.hint)}\n`)
    process.exitCode = failure.exitCode
  }

  /** Ends with a non-zero exit code after a result was printed (a check that found problems, a failed operation). */
  protected setExitCode(code: ExitCode): void {
    process.exitCode = code
  }
}

const singleLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim()
