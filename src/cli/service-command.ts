// Commands that talk to a service: context, deadline, TLS flags, and a lazy client per service.
import type {Interfaces} from '@oclif/core'
import type {CordaClient} from '../api/corda/client.js'
import type {JobServiceClient} from '../api/jobservice/client.js'
import type {WorkerManagerClient} from '../api/workermanager/client.js'
import {resolveContext, type ResolvedContext} from '../config/context.js'
import {Credentials, type SecretKey} from '../config/credentials.js'
import {InterruptedError, OperationFailedError, TimeoutError} from '../errors.js'
import {formatDuration} from '../format/duration.js'
import type {View} from '../format/output.js'
import {Progress} from '../format/progress.js'
import {parseDuration} from '../input/time.js'
import {BaseCommand} from './base-command.js'
import {ClientFactory} from './clients.js'
import {serviceFlags} from './flags/common.js'

export abstract class ServiceCommand extends BaseCommand {
  static override baseFlags = {...BaseCommand.baseFlags, ...serviceFlags}
  /** false for commands that build their context themselves (login) and call useContext(). */
  static resolvesContext = true

  protected context!: ResolvedContext
  protected credentials!: Credentials
  protected clients!: ClientFactory
  /** Epoch ms when --timeout runs out. */
  protected deadline!: number
  protected timeoutText!: string
  protected readonly abort = new AbortController()
  /** Progress on stderr, drawn only on a terminal. */
  protected readonly progress = new Progress()
  private timer?: NodeJS.Timeout
  private readonly onSigint = () => {
    if (this.abort.signal.aborted) process.exit(130)
    this.abort.abort(new InterruptedError())
  }

  override async init(): Promise<void> {
    await super.init()
    const f = this.parsedFlags as Interfaces.InferredFlags<typeof ServiceCommand.baseFlags>
    this.timeoutText = f.timeout
    const timeoutMs = parseDuration(f.timeout)
    this.deadline = Date.now() + timeoutMs
    // A backstop for work that is not an HTTP request (each request also gets the remaining time as its own timeout).
    this.timer = setTimeout(() => this.abort.abort(new TimeoutError(`gave up after ${formatDuration(timeoutMs)} (--timeout ${f.timeout})`)), timeoutMs + 250)
    this.timer.unref()
    process.on('SIGINT', this.onSigint)
    this.credentials = new Credentials({warn: m => this.out.warn(m)})
    if ((this.ctor as typeof ServiceCommand).resolvesContext) this.useContext(await resolveContext(f.context))
  }

  /** Builds the clients for a context (with secrets not stored yet, for login). */
  protected useContext(context: ResolvedContext, secrets?: Partial<Record<SecretKey, string>>): void {
    const f = this.parsedFlags as Interfaces.InferredFlags<typeof ServiceCommand.baseFlags>
    this.clients?.close()
    this.context = context
    this.clients = new ClientFactory({
      context,
      credentials: this.credentials,
      secrets,
      insecure: f.insecure,
      caCert: f['ca-cert'],
      signal: this.abort.signal,
      deadline: this.deadline,
      trace: this.verbose ? line => process.stderr.write(`${line}\n`) : undefined,
      warn: m => this.out.warn(m),
      userAgent: this.config.userAgent,
    })
  }

  protected corda(): Promise<CordaClient> {
    return this.clients.corda()
  }

  protected workerManager(): Promise<WorkerManagerClient> {
    return this.clients.workerManager()
  }

  protected jobService(): Promise<JobServiceClient> {
    return this.clients.jobService()
  }

  /**
   * Awaits a waiting operation. A failed one (exit 8) has its final state printed first, as a result; a timeout
   * (exit 7) says which command resumes the wait.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  protected async settle<T>(work: Promise<T>, options: {view?: View<any>; resume?: (id: string) => string} = {}): Promise<T> {
    try {
      return await work
    } catch (error) {
      this.progress.done()
      if (error instanceof OperationFailedError && error.state !== undefined) await this.output(error.state, options.view)
      if (error instanceof TimeoutError && error.resumeId && options.resume) {
        throw new TimeoutError(error.message, {hint: `it may still finish; to wait again: ${options.resume(error.resumeId)}`, resumeId: error.resumeId, lastState: error.lastState})
      }
      throw error
    } finally {
      this.progress.done()
    }
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    this.progress.done()
    if (this.timer) clearTimeout(this.timer)
    process.off('SIGINT', this.onSigint)
    this.clients?.close()
    await super.finally(error)
  }
}
