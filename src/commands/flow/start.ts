import {randomBytes} from 'node:crypto'
import {Args, Flags} from '@oclif/core'
import {ApiError} from '../../api/errors.js'
import {timeoutFlag, waitFlag} from '../../cli/flags/common.js'
import {vnodeArg} from '../../cli/flags/corda.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {UsageError} from '../../errors.js'
import {flowView} from '../../format/corda.js'
import {readJsonArgument} from '../../input/json-argument.js'

/** Corda's rule for a clientRequestId. */
const CLIENT_REQUEST_ID = /^[-._A-Za-z0-9]{1,242}$/

export default class FlowStart extends ServiceCommand {
  static override summary = 'Start a flow on a virtual node and wait for its result'
  static override description = `The client request id is the flow's idempotency key: when --id is absent one is generated and printed. Starting again with an id already used shows that flow instead of starting a second one. Waits by default: COMPLETED exits 0 and prints the result (pretty-printed when it is JSON), FAILED or KILLED exit 8 with the flow's error. A node in maintenance exits 5. JSON: the FlowStatusResponse.`

  static override examples = [
    `<%= config.bin %> flow start Alice com.r3.sandbox.EchoFlow --args '{"message":"hello"}'`,
    '<%= config.bin %> flow start 58B6030FABDD com.example.IssueFlow --args @issue.json --id issue-42',
    `<%= config.bin %> flow start Alice com.r3.sandbox.SlowFlow --args '{"seconds":60}' --no-wait -o json`,
  ]

  static override args = {vnode: vnodeArg, flowClass: Args.string({required: true, description: 'fully qualified flow class name (see `flow classes`)'})}
  static override flags = {
    args: Flags.string({description: "the flow's request body: JSON, or @FILE holding JSON (@- for standard input; default {})"}),
    id: Flags.string({description: 'client request id, [-._A-Za-z0-9]{1,242} (default: generated)'}),
    wait: waitFlag,
    timeout: timeoutFlag('5m'),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(FlowStart)
    const clientRequestId = flags.id ?? `workerctl-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
    if (!CLIENT_REQUEST_ID.test(clientRequestId)) throw new UsageError(`--id "${clientRequestId}" is not a valid client request id: use 1 to 242 of A-Z a-z 0-9 - . _`)
    const requestBody = flags.args === undefined ? {} : await readJsonArgument(flags.args, '--args')
    const corda = await this.corda()
    const hash = await corda.vnodes.shortHash(args.vnode)
    let started
    try {
      started = await corda.flows.start(hash, {clientRequestId, flowClassName: args.flowClass, requestBody})
    } catch (error) {
      throw await explainStartError(error, () => corda.flows.classes(hash), hash)
    }
    const {reused, ...status} = started
    if (reused) this.out.note(`Flow id ${clientRequestId} was already used on ${hash}: showing that flow, not starting another.`)
    else if (!flags.id) this.out.note(`Started flow ${clientRequestId} on ${hash}.`)
    if (!flags.wait) return this.output(status, flowView)
    const done = await this.settle(
      corda.flows.waitForFlow(hash, clientRequestId, {
        deadline: this.deadline,
        signal: this.abort.signal,
        onStatus: s => this.progress.status(`Flow ${clientRequestId}: ${s.flowStatus}`),
      }),
      {view: flowView, resume: id => `workerctl flow wait ${hash} ${id}`},
    )
    await this.output(done, flowView)
  }
}

/** 405 and "not startable" 400s get what to do about them. */
async function explainStartError(error: unknown, classes: () => Promise<string[]>, hash: string): Promise<unknown> {
  if (!(error instanceof ApiError) || error.kind !== 'http') return error
  if (error.status === 405) return error.withHint(`the virtual node is in maintenance: \`workerctl vnode activate ${hash}\` lets flows start again`)
  if (error.status === 400 && /startable/i.test(error.title)) {
    const listed =
      typeof error.details?.startableFlows === 'string'
        ? error.details.startableFlows
            .split(',')
            .map(s => s.trim())
            .filter(Boolean)
        : undefined
    const names = listed ?? (await classes().catch(() => []))
    return error.withHint(names.length > 0 ? `startable flow classes: ${names.join(', ')}` : `see \`workerctl flow classes ${hash}\``)
  }
  return error
}
