// End to end: a corpus of bad input and hostile servers, each run with the real binary (PRODUCT.md §2). Every case
// checks the exit code from the table of §2, exactly one `Error:` line (and at most a `Hint:` line) with no stack
// trace, and — for bad input (exit 2) — that nothing reached the sandbox, or, where a command legitimately counts
// what it would touch first, nothing that changes anything.
//
// Input cases share a small pool of sandboxes, one case per sandbox at a time, so each case's requests are its own.
// Server cases point a context at a hostile HTTP server (one path prefix per case), a raw TCP server that does not
// speak HTTP, a closed port, or a sandbox spoken to with the wrong scheme or credentials.
import {chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {configureSandboxContext} from '../../src/sandbox/control.js'
import type {LoggedRequest} from '../../src/sandbox/http/log.js'
import {type CliResult, expectOneError, runCli, tempHome} from '../helpers/cli.js'
import {makeCpi} from '../helpers/cpi.js'
import {type Behaviour, hangUp, type HostileServer, json, nginxPage, raw, stall, startGarbage, startHostile, type TcpServer} from '../helpers/hostile.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'
import {WM} from '../helpers/wm.js'

const isRoot = process.getuid?.() === 0
const CASE_TIMEOUT = 120_000

/** Checks every case makes, whatever it is. */
function expectFailure(result: CliResult, exit: number, error?: RegExp, hint?: RegExp): void {
  const {stderr, exitCode} = result
  expect(exitCode, stderr).toBe(exit)
  expectOneError(stderr, error)
  // At most one Hint line, right after the Error line; nothing else that looks like an error report.
  const lines = stderr.split('\n')
  const at = lines.findIndex(l => l.startsWith('Error: '))
  expect(lines.filter(l => l.startsWith('Hint: ')).length, stderr).toBeLessThanOrEqual(1)
  if (lines.some(l => l.startsWith('Hint: '))) expect(lines[at + 1], stderr).toMatch(/^Hint: /)
  if (hint) expect(stderr).toMatch(hint)
}

/** Hands out one item at a time per caller: a pool of sandboxes, or slots that bound how many CLIs run at once. */
function pool<T>(items: T[]) {
  const free = [...items]
  const waiting: Array<(item: T) => void> = []
  return async <R>(work: (item: T) => Promise<R>): Promise<R> => {
    const item = free.pop() ?? (await new Promise<T>(resolve => waiting.push(resolve)))
    try {
      return await work(item)
    } finally {
      const next = waiting.shift()
      if (next) next(item)
      else free.push(item)
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Fixture files, written once.

const FIXTURES = mkdtempSync(join(tmpdir(), 'workerctl-bad-input-'))
const f = (name: string) => join(FIXTURES, name)

const APIV = 'apiVersion: workerctl/v1'
const FILES: Record<string, string | Buffer | null> = {
  dir: null, // a directory where a file is expected
  empty: '',
  'bad.yaml': 'a: [1, 2\nb: }\n',
  'bad.json': '{"modules": [',
  'array.json': '[1, 2, 3]',
  'list.yaml': '- apiVersion: workerctl/v1\n  kind: Role\n  name: r\n',
  'not-pem.pem': 'hello, I am not a certificate\n',
  'apply-kind.yaml': `${APIV}\nkind: Widget\nname: w\n`,
  'apply-values.yaml': `${APIV}\nkind: ConfigSection\nsection: corda.flow\nvalues: [1, 2]\n`,
  'apply-x500.yaml': `${APIV}\nkind: VirtualNode\nx500: CN=Alice\ncpi: demo@1.0\n`,
  'apply-job.yaml': `${APIV}\nkind: Job\nid: j1\ntask:\n  taskClassifier: 7\n  taskApiVersion: 1\n  taskData: {}\n  taskPipe: in\n`,
  'apply-env.yaml': `${APIV}\nkind: User\nlogin: someone\npasswordFrom: {env: WORKERCTL_TEST_UNSET_PASSWORD}\n`,
  'apply-cpi-missing.yaml': `${APIV}\nkind: Cpi\nfile: nowhere.cpi\n`,
  'job-list.yaml': '- task: {}\n',
  'job-typed.yaml': 'task:\n  taskClassifier: Worker\n  taskApiVersion: one\n  taskData: {}\n  taskPipe: in\n',
  'job-unknown.yaml': 'task:\n  taskClassifier: Worker\n  taskApiVersion: 1\n  taskData: {}\n  taskPipe: in\nprerequisites: [a]\n',
  'wm-no-modules.json': '{"microservice": "rs-worker-manager"}',
  'flow-config.yaml': 'processing:\n  maxRetryAttempts: 3\n',
  'unreadable.yaml': 'task: {}\n',
  'unreadable.cpi': makeCpi({name: 'unreadable', version: '1.0'}),
}
for (const [name, content] of Object.entries(FILES)) {
  if (content === null) mkdirSync(f(name))
  else writeFileSync(f(name), content)
}
for (const name of ['unreadable.yaml', 'unreadable.cpi']) chmodSync(f(name), 0o000)
chmodSync(FIXTURES, 0o755) // an unprivileged user reaches the fixtures: only the unreadable files are refused

/** `nobody`: chmod 000 means nothing to root, so as root the unreadable-file cases run the CLI as this user. */
const NOBODY = {uid: 65534, gid: 65534}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid)
  for (const entry of readdirSync(path, {withFileTypes: true})) {
    if (entry.isDirectory()) chownTree(join(path, entry.name), uid, gid)
    else chownSync(join(path, entry.name), uid, gid)
  }
}

/** The CLI as `nobody`, against the same sandbox, with a home of its own (the shared one is root's and private). */
async function cliAsNobody(sbx: Sbx, args: string[], options: {env?: Record<string, string>; stdin?: string}): Promise<CliResult> {
  const home = tempHome()
  try {
    await configureSandboxContext({url: sbx.url, env: {...process.env, ...home.env}, warn: () => {}})
    chownTree(home.dir, NOBODY.uid, NOBODY.gid)
    return await runCli(args, {...options, env: {...options.env, ...home.env}, ...NOBODY})
  } finally {
    home.cleanup()
  }
}

afterAll(() => {
  for (const name of ['unreadable.yaml', 'unreadable.cpi']) chmodSync(f(name), 0o600)
  rmSync(FIXTURES, {recursive: true, force: true})
})

// ---------------------------------------------------------------------------------------------------------------
// Bad input: exit 2 and nothing sent.

interface InputCase {
  name: string
  args: string[]
  error?: RegExp
  hint?: RegExp
  env?: Record<string, string>
  stdin?: string
  /** `reads`: the command may look first (count what it would touch), but sends nothing that changes anything. */
  sends?: 'nothing' | 'reads'
  /** Relies on chmod 000, which means nothing to root: run as `nobody` when the tests run as root. */
  notAsRoot?: boolean
}

const INPUT: InputCase[] = [
  // Usage: flags, commands, arguments.
  {name: 'an unknown flag', args: ['vnode', 'list', '--bogus'], error: /^Error: Nonexistent flag: --bogus$/m, hint: /vnode list --help/},
  {name: 'an unknown command', args: ['clustr', 'status'], error: /"clustr status" is not a workerctl command/, hint: /cluster status/},
  {name: 'an unknown command in a known topic', args: ['job', 'frobnicate', 'x'], error: /is not a workerctl command/},
  {name: 'an argument too many', args: ['job', 'get', 'a', 'b'], error: /Unexpected argument: b/},
  {name: 'a missing argument', args: ['vnode', 'get'], error: /^Error: Missing 1 required arg: vnode: /m},
  // oclif notes that a multi-value flag swallows the arguments after it: only worth saying when one was given.
  {name: 'a missing argument, no multi-value flag given', args: ['user', 'create'], error: /Missing 1 required arg: login/, hint: /^Hint: run `workerctl user create --help`/m},
  {
    name: 'an argument swallowed by a multi-value flag',
    args: ['user', 'create', '--role', 'r1', 'alice'],
    error: /Missing 1 required arg: login/,
    hint: /^Hint: --role allows multiple values/m,
  },
  {name: 'a missing required flag (CI)', args: ['job', 'create', 'j1'], error: /^Error: Missing required flag --file$/m},
  {name: 'a missing required flag among others (CI)', args: ['vnode', 'create', '--x500', 'CN=A, O=B, L=London, C=GB'], error: /Missing required flag --cpi/},
  {name: 'a flag with no value', args: ['job', 'list', '--status'], error: /--status expects a value/},
  {name: 'an output format that does not exist', args: ['vnode', 'list', '-o', 'xml'], error: /--output=xml to be one of: table, json, yaml/},
  {name: 'flags that exclude each other', args: ['vnode', 'list', '--json', '-o', 'yaml'], error: /^Error: --output=yaml cannot also be provided when using --json$/m},
  {name: 'a number flag given a word', args: ['job', 'list', '--limit', 'lots'], error: /^Error: Parsing --limit: Expected an integer but received: lots$/m},
  {
    name: 'an option flag with a value not offered',
    args: ['cert', 'import', f('not-pem.pem'), '--usage', 'bogus', '--alias', 'a'],
    error: /--usage=bogus to be one of: code-signer/,
  },
  {name: 'a context that does not exist', args: ['vnode', 'list', '--context', 'nosuch'], error: /context "nosuch" does not exist/, hint: /known contexts: sandbox/},
  {name: 'request retry without --yes in CI (counts first, changes nothing)', args: ['request', 'retry'], sends: 'reads', error: /^Error: missing --yes$/m, hint: /--yes/},
  {
    name: 'job delete by filter without --yes in CI (counts first, changes nothing)',
    args: ['job', 'delete', '--status', 'Failed'],
    sends: 'reads',
    error: /^Error: missing --yes$/m,
  },
  {name: 'a bulk job delete with no filter at all', args: ['job', 'delete'], error: /needs a filter/},
  // The password is asked for once the user is known to be new: a lookup comes first.
  {name: 'user create without any password source in CI', args: ['user', 'create', 'carol'], sends: 'reads', error: /missing --password-stdin/, hint: /WORKERCTL_NEW_PASSWORD/},
  {
    name: 'user create --password-stdin with nothing on stdin',
    args: ['user', 'create', 'carol', '--password-stdin'],
    stdin: '',
    sends: 'reads',
    error: /--password-stdin: nothing was read/,
  },

  // Malformed and wrong-typed YAML/JSON.
  {name: 'apply: a file that is not YAML', args: ['apply', '-f', f('bad.yaml')], error: /bad\.yaml:\d+: invalid YAML/},
  {name: 'apply: a list instead of objects', args: ['apply', '-f', f('list.yaml')], error: /a document must be one object .*not a list/},
  {name: 'apply: an unknown kind', args: ['apply', '-f', f('apply-kind.yaml')], error: /unknown kind "Widget"/},
  {name: 'apply: config values that are a list', args: ['apply', '-f', f('apply-values.yaml')], error: /"values" must be a mapping, not a list/},
  {name: 'apply: a job whose task has a wrong-typed field', args: ['apply', '-f', f('apply-job.yaml')], error: /task\.taskClassifier must be a string, not a number/},
  {name: 'apply: an unset password variable', args: ['apply', '-f', f('apply-env.yaml')], error: /WORKERCTL_TEST_UNSET_PASSWORD .*is not set/},
  {name: 'apply: a CPI file that does not exist', args: ['apply', '-f', f('apply-cpi-missing.yaml')], error: /nowhere\.cpi: no such file/},
  {name: 'diff: the same bad file', args: ['diff', '-f', f('apply-job.yaml')], error: /task\.taskClassifier must be a string/},
  {
    name: 'flow start --args that is not JSON',
    args: ['flow', 'start', 'Alice', 'com.example.Flow', '--args', '{message: hi}'],
    error: /^Error: --args is not valid JSON: /m,
    hint: /--args @file\.json/,
  },
  {
    name: 'flow start --args @file holding broken JSON',
    args: ['flow', 'start', 'Alice', 'com.example.Flow', '--args', `@${f('bad.json')}`],
    error: /--args @.*bad\.json is not valid JSON/,
  },
  {name: 'flow start --args @directory', args: ['flow', 'start', 'Alice', 'com.example.Flow', '--args', `@${f('dir')}`], error: /is a directory, not a JSON file/},
  {name: 'job create: a file that is not YAML', args: ['job', 'create', 'j1', '-f', f('bad.yaml')], error: /is not valid YAML or JSON/},
  {name: 'job create: a list, not a mapping', args: ['job', 'create', 'j1', '-f', f('job-list.yaml')], error: /the job definition must be a mapping/},
  {name: 'job create: a wrong-typed field', args: ['job', 'create', 'j1', '-f', f('job-typed.yaml')], error: /task\.taskApiVersion must be a non-zero integer/},
  {name: 'job create: an unknown field', args: ['job', 'create', 'j1', '-f', f('job-unknown.yaml')], error: /unknown field "prerequisites"/},
  {name: 'cluster config set: a file that is not YAML', args: ['cluster', 'config', 'set', 'corda.flow', '-f', f('bad.yaml')], error: /is not valid YAML or JSON/},
  {name: 'cluster config set: a JSON array', args: ['cluster', 'config', 'set', 'corda.flow', '-f', f('array.json')], error: /must hold a mapping of configuration keys/},
  {
    name: 'cluster config get: a section name with a space',
    args: ['cluster', 'config', 'get', 'corda flow'],
    error: /"corda flow" is not a configuration section name: they look like corda\.flow/,
  },
  {
    name: 'cluster config set: a section name that is no name',
    args: ['cluster', 'config', 'set', 'bad section!', '-f', f('flow-config.yaml')],
    error: /"bad section!" is not a configuration section name/,
  },
  {name: 'cluster config set: garbage on stdin', args: ['cluster', 'config', 'set', 'corda.flow', '-f', '-'], stdin: '{"a": ', error: /not valid YAML or JSON/},
  {name: 'worker config import: broken JSON', args: ['worker', 'config', 'import', f('bad.json')], error: /is not valid YAML or JSON/},
  {
    name: 'worker config import: JSON that is not a configuration',
    args: ['worker', 'config', 'import', f('wm-no-modules.json')],
    error: /not a microservice configuration \(no "modules" list\)/,
    hint: /config export/,
  },

  // Names, ids, filters and durations the services would refuse.
  {name: 'an X.500 name without O, L, C', args: ['vnode', 'create', '--x500', 'CN=Alice', '--cpi', 'demo@1.0'], error: /invalid X\.500 name "CN=Alice": O, L, C are required/},
  {
    name: 'an X.500 name with a bad country',
    args: ['vnode', 'create', '--x500', 'CN=Alice, O=Alice Corp, L=London, C=UK1', '--cpi', 'demo@1.0'],
    error: /C must be a two-letter upper-case country code/,
  },
  {
    name: 'a client request id with bad characters',
    args: ['flow', 'start', 'Alice', 'com.example.Flow', '--id', 'order #42'],
    error: /--id "order #42" is not a valid client request id/,
  },
  {name: 'a login name with bad characters', args: ['user', 'create', 'bad login!'], env: {WORKERCTL_NEW_PASSWORD: 'Str0ng-enough-pass'}, error: /invalid login name "bad login!"/},
  {name: 'a job id with a colon', args: ['job', 'get', 'a:b'], error: /job id "a:b" contains one of the characters the service refuses/},
  {name: 'a partition with a forbidden character', args: ['job', 'list', '--partition', 'p;1'], error: /partition "p;1" must be 1 to 40 characters/},
  {name: 'a job status that does not exist', args: ['job', 'list', '--status', 'Done'], error: /unknown job status "Done"/},
  {name: 'a request status that does not exist', args: ['request', 'list', '--status', 'STUCK'], error: /unknown request status "STUCK"/},
  {
    name: 'a request status outside what retry may send',
    args: ['request', 'retry', '--status', 'SUCCESS', '--yes'],
    error: /only ERROR, NO_WORKER_AVAILABLE, INVALID_CONTENT requests can be retried or deleted; --status SUCCESS leaves none/,
  },
  {name: 'an RSQL filter that does not parse', args: ['job', 'list', '--filter', 'status==Failed;('], error: /--filter "status==Failed;\(" is not valid RSQL/},
  {name: 'an RSQL filter on a key the service has not', args: ['job', 'count', '--filter', 'owner==bob'], error: /cannot filter on "owner"/},
  {name: 'an RSQL operator the service has not', args: ['job', 'cancel', '--filter', 'name=like=x', '--yes'], error: /unknown operator "=like="/},
  {name: 'a label that is not KEY=VALUE', args: ['job', 'list', '--label', 'team'], error: /--label "team" is not KEY=VALUE/},
  {name: 'a --timeout that is not a duration', args: ['vnode', 'list', '--timeout', 'soon'], error: /^Error: --timeout: "soon" is not a duration$/m, hint: /30s, 5m/},
  {
    name: 'a --since that is neither a duration nor a date',
    args: ['request', 'list', '--since', 'yesterday-ish'],
    error: /--since: "yesterday-ish" is neither a duration nor a date/,
  },
  {name: 'a --stuck that is not a duration', args: ['job', 'list', '--stuck', 'a while'], error: /--stuck: "a while" is not a duration/},

  // Files: missing, unreadable, empty, a directory.
  {name: 'cpi upload: a missing file', args: ['cpi', 'upload', f('nothere.cpi')], error: /nothere\.cpi: no such file/},
  {name: 'cpi upload: a directory', args: ['cpi', 'upload', f('dir')], error: /is a directory, not a CPI file/},
  {name: 'cpi upload: an empty file', args: ['cpi', 'upload', f('empty')], error: /is not a valid CPI: not a zip file/},
  {name: 'cpi upload: an unreadable file', args: ['cpi', 'upload', f('unreadable.cpi')], notAsRoot: true, error: /unreadable\.cpi: permission denied/},
  {name: 'cert import: a missing file', args: ['cert', 'import', f('nothere.pem'), '--usage', 'code-signer', '--alias', 'a'], error: /nothere\.pem: no such file/},
  {name: 'cert import: a directory', args: ['cert', 'import', f('dir'), '--usage', 'code-signer', '--alias', 'a'], error: /is a directory, not a PEM file/},
  {name: 'cert import: an empty file', args: ['cert', 'import', f('empty'), '--usage', 'code-signer', '--alias', 'a'], error: /holds no PEM certificate/},
  {name: 'job create -f: a missing file', args: ['job', 'create', 'j1', '-f', f('nothere.yaml')], error: /nothere\.yaml: no such file/},
  {name: 'job create -f: a directory', args: ['job', 'create', 'j1', '-f', f('dir')], error: /is a directory, not a file/},
  {name: 'job create -f: an empty file', args: ['job', 'create', 'j1', '-f', f('empty')], error: /is empty/},
  {name: 'job create -f: an unreadable file', args: ['job', 'create', 'j1', '-f', f('unreadable.yaml')], notAsRoot: true, error: /unreadable\.yaml: permission denied/},
  {name: 'apply -f: a missing file', args: ['apply', '-f', f('nothere.yaml')], error: /nothere\.yaml: no such file/},
  {name: 'apply -f: a directory', args: ['apply', '-f', f('dir')], error: /is a directory, not a file/},
  {name: 'apply -f: an empty file', args: ['apply', '-f', f('empty')], error: /no object/},
  {name: 'apply -f: an unreadable file', args: ['apply', '-f', f('unreadable.yaml')], notAsRoot: true, error: /unreadable\.yaml: permission denied/},
  {name: 'worker config import: a directory', args: ['worker', 'config', 'import', f('dir')], error: /is a directory/},
  {name: '--ca-cert: a missing file', args: ['vnode', 'list', '--ca-cert', f('nothere.pem')], error: /--ca-cert: cannot read .*nothere\.pem/},
  {name: '--ca-cert: a file that is not PEM', args: ['job', 'list', '--ca-cert', f('not-pem.pem')], error: /--ca-cert: .*is not a PEM certificate/},
]

/** Requests that change something: not GETs, not the token request, not the worker manager's search (a POST that reads). */
const mutating = (log: LoggedRequest[]) => log.filter(r => r.method !== 'GET' && r.service !== 'auth' && !(r.method === 'POST' && r.path === `${WM}/requests`))

describe('bad input: exit 2, one Error line, nothing sent', () => {
  const sandboxes: Sbx[] = []
  let withSandbox: <R>(work: (sbx: Sbx) => Promise<R>) => Promise<R>

  beforeAll(async () => {
    // Three sandboxes, one case at a time on each: a case's request log is its own, and three CLIs run at once.
    for (let i = 0; i < 3; i++) sandboxes.push(await startSandbox())
    withSandbox = pool(sandboxes)
  })
  afterAll(async () => {
    await Promise.all(sandboxes.map(s => s.close()))
  })

  for (const c of INPUT) {
    it.concurrent(
      c.name,
      async () => {
        await withSandbox(async sbx => {
          const mark = sbx.mark()
          const options = {env: {CI: 'true', ...c.env}, stdin: c.stdin}
          const result = c.notAsRoot && isRoot ? await cliAsNobody(sbx, c.args, options) : await sbx.cli(c.args, options)
          const sent = sbx.since(mark)
          expectFailure(result, 2, c.error, c.hint)
          if (c.sends === 'reads') {
            expect(sent.length, 'it counts what it would touch').toBeGreaterThan(0)
            expect(mutating(sent).map(r => `${r.method} ${r.path}`)).toEqual([])
          } else expect(sent.map(r => `${r.method} ${r.path}`)).toEqual([])
        })
      },
      CASE_TIMEOUT,
    )
  }
})

// ---------------------------------------------------------------------------------------------------------------
// Servers that cannot be reached, do not speak HTTP or TLS, refuse the credentials, or answer like a proxy.

const TOKEN = /\/oauth\/token$/

interface ServerCase {
  name: string
  args: string[]
  exit: number
  error?: RegExp
  hint?: RegExp
  /** Which service the case points at the hostile server, and what that server does under the case's own prefix. */
  hostile?: {service: 'corda' | 'workerManager' | 'jobService'; behaviour: Behaviour; token?: Behaviour}
  /** Other environments (a closed port, the TLS sandbox...), computed once the servers are up. */
  env?: () => Record<string, string>
  /** Requests the hostile server received under the case's prefix: checked against this. */
  received?: (count: number) => void
}

const retried = (n: number) => expect(n, 'retried after 502/503').toBeGreaterThan(1)
const once = (n: number) => expect(n, 'not retried').toBe(1)

let hostile: HostileServer
let garbage: TcpServer
let closedPort: number
let plainSbx: Sbx
let tlsSbx: Sbx
let home: ReturnType<typeof tempHome>

const VIEWER_PASSWORD = 'Viewer-passw0rd-1'

const SERVER: ServerCase[] = [
  // Nothing listening, something that is not HTTP, the wrong scheme.
  {
    name: 'Corda on a closed port',
    args: ['vnode', 'list'],
    exit: 6,
    env: () => corda(`http://127.0.0.1:${closedPort}`),
    error: /Corda: .*cannot connect: connection refused/,
    hint: /context show/,
  },
  {
    name: 'the Job Service on a closed port',
    args: ['job', 'list', '--timeout', '5s'],
    exit: 6,
    env: () => ({WORKERCTL_JOBS_URL: `http://127.0.0.1:${closedPort}`}),
    error: /Job Service: .*connection refused/,
  },
  {
    name: 'Corda on a port that does not speak HTTP',
    args: ['cpi', 'list'],
    exit: 6,
    env: () => corda(garbage.url),
    error: /the server does not speak HTTP/,
    hint: /check the port/,
  },
  {
    name: 'REGARDS (its token request) on a port that does not speak HTTP',
    args: ['worker', 'list'],
    exit: 6,
    env: () => wm(garbage.url, {WORKERCTL_WM_PASSWORD: 'admin'}),
    error: /REGARDS worker manager: POST .*oauth\/token: the server does not speak HTTP/,
  },
  {
    name: 'https:// to a plain HTTP server',
    args: ['vnode', 'list'],
    exit: 6,
    env: () => corda(plainSbx.url.replace('http:', 'https:')),
    error: /TLS failure: the server did not answer in TLS/,
    hint: /http:\/\//,
  },
  {
    name: 'http:// to a TLS server',
    args: ['job', 'list'],
    exit: 6,
    env: () => ({WORKERCTL_JOBS_URL: tlsSbx.url.replace('https:', 'http:')}),
    error: /closed without an answer/,
    hint: /https:\/\//,
  },

  // Credentials.
  {
    name: 'a wrong Corda password',
    args: ['vnode', 'list', '-c', 'sandbox'],
    exit: 4,
    env: () => ({...plainSbx.env, WORKERCTL_CORDA_PASSWORD: 'wrong'}),
    error: /Corda: GET .*: 401 /,
    hint: /credentials/,
  },
  {
    name: 'a wrong REGARDS password',
    args: ['request', 'list', '-c', 'sandbox'],
    exit: 4,
    env: () => ({...plainSbx.env, WORKERCTL_WM_PASSWORD: 'wrong'}),
    error: /REGARDS worker manager: POST .*oauth\/token: 401 /,
  },
  {
    name: 'a Corda user without the permission (403)',
    args: ['vnode', 'list'],
    exit: 4,
    env: () => corda(plainSbx.url, {WORKERCTL_CORDA_USERNAME: 'viewer', WORKERCTL_CORDA_PASSWORD: VIEWER_PASSWORD}),
    error: /Corda: GET .*\/virtualnode: 403 /,
    hint: /lacks the permission/,
  },
  {
    name: 'a Corda context with no password anywhere',
    args: ['cpi', 'list', '-c', 'nopass'],
    exit: 4,
    error: /no Corda password for context "nopass"/,
    hint: /WORKERCTL_CORDA_PASSWORD/,
  },

  // What a proxy or a broken server answers.
  {
    name: 'Corda behind a proxy answering an nginx 502 page',
    args: ['vnode', 'list'],
    exit: 6,
    hostile: {service: 'corda', behaviour: nginxPage(502, 'Bad Gateway')},
    error: /502 Bad Gateway \(an HTML page titled "502 Bad Gateway", probably from a proxy/,
    received: retried,
  },
  {
    name: 'REGARDS behind a proxy answering an nginx 502 page',
    args: ['worker', 'list'],
    exit: 6,
    hostile: {service: 'workerManager', behaviour: nginxPage(502, 'Bad Gateway')},
    error: /REGARDS worker manager: GET .*: 502 Bad Gateway \(an HTML page/,
    received: retried,
  },
  {
    name: 'the Job Service behind a proxy answering an nginx 504 page',
    args: ['job', 'count'],
    exit: 6,
    hostile: {service: 'jobService', behaviour: nginxPage(504, 'Gateway Time-out')},
    error: /504 Gateway Time-out/,
    received: retried,
  },
  {
    name: 'REGARDS whose gateway token endpoint answers a 502 page',
    args: ['request', 'list'],
    exit: 6,
    hostile: {service: 'workerManager', behaviour: json(200, {}), token: nginxPage(502, 'Bad Gateway')},
    error: /oauth\/token: 502 Bad Gateway/,
  },
  {
    name: 'Corda answering 200 with a web server page',
    args: ['cpi', 'list'],
    exit: 6,
    hostile: {service: 'corda', behaviour: nginxPage(200, 'Welcome to nginx!')},
    error: /expected JSON but got an HTML page titled "200 Welcome to nginx!"/,
    hint: /Corda URL right/,
  },
  {
    name: 'Corda answering truncated JSON',
    args: ['vnode', 'list'],
    exit: 6,
    hostile: {service: 'corda', behaviour: raw(200, 'application/json', '{"virtualNodes":[{"holdingIdentity":{"x500Name":"CN=Al')},
    error: /the response is truncated or malformed JSON/,
  },
  {
    name: 'REGARDS answering truncated JSON',
    args: ['request', 'list'],
    exit: 6,
    hostile: {service: 'workerManager', behaviour: raw(200, 'application/json', '{"content":[{"content":{"id":1,')},
    error: /REGARDS worker manager: .*truncated or malformed JSON/,
  },
  {
    name: 'the Job Service answering truncated JSON',
    args: ['job', 'get', 'j1'],
    exit: 6,
    hostile: {service: 'jobService', behaviour: raw(200, 'application/json', '{"id":"j1","status":')},
    error: /Job Service: .*truncated or malformed JSON/,
  },
  {
    name: 'Corda answering an empty 200 where JSON is expected',
    args: ['vnode', 'list'],
    exit: 6,
    hostile: {service: 'corda', behaviour: raw(200, 'application/json', '')},
    error: /an empty 200 response where JSON was expected/,
    hint: /Corda URL right/,
  },
  {
    name: 'the Job Service answering an empty 200 to a list',
    args: ['job', 'list'],
    exit: 6,
    hostile: {service: 'jobService', behaviour: raw(200, undefined, '')},
    error: /Job Service: .*an empty 200 response where JSON was expected/,
  },
  {
    name: 'REGARDS answering an empty 200 to a request lookup',
    args: ['request', 'get', 'r-1'],
    exit: 6,
    hostile: {service: 'workerManager', behaviour: raw(200, 'application/json', '')},
    error: /an empty 200 response/,
  },
  {
    name: 'Corda answering 503 to every call',
    args: ['cpi', 'list'],
    exit: 6,
    hostile: {service: 'corda', behaviour: json(503, {title: 'Service is not ready', status: 503, details: {}})},
    error: /503 Service is not ready/,
    received: retried,
  },
  {
    name: 'the Job Service answering 503 to every call',
    args: ['job', 'list'],
    exit: 6,
    hostile: {service: 'jobService', behaviour: json(503, {message: 'Database unavailable'})},
    error: /503 Database unavailable/,
    received: retried,
  },
  {
    name: 'REGARDS answering 503 to every search (a POST that reads, so retried)',
    args: ['request', 'list'],
    exit: 6,
    hostile: {service: 'workerManager', behaviour: raw(503, undefined, '')},
    error: /503 Service Unavailable/,
    received: retried,
  },
  {
    name: 'Corda answering 500 (an unexpected error, not retried)',
    args: ['vnode', 'list'],
    exit: 1,
    hostile: {service: 'corda', behaviour: json(500, {title: 'Internal server error.', status: 500, details: {}})},
    error: /Corda: GET .*: 500 Internal server error\./,
    received: once,
  },
  {
    name: 'the Job Service answering 500 with a plain-text body',
    args: ['job', 'status', 'j1'],
    exit: 1,
    hostile: {service: 'jobService', behaviour: raw(500, 'text/plain', 'java.lang.NullPointerException\n\tat com.hpe.caf.Foo(Foo.java:1)')},
    error: /500 java\.lang\.NullPointerException/,
    received: once,
  },
  {
    name: 'Corda closing the connection without an answer',
    args: ['cpi', 'list'],
    exit: 6,
    hostile: {service: 'corda', behaviour: hangUp},
    error: /closed without an answer/,
    received: retried,
  },
  {
    name: 'Corda stalling past --timeout (a context made with the CLI)',
    args: ['vnode', 'list', '-c', 'stalled', '--timeout', '2s'],
    exit: 6,
    env: () => ({WORKERCTL_CORDA_PASSWORD: 'admin'}),
    error: /Corda: GET .*: no answer before the command deadline/,
  },
  {
    name: 'REGARDS stalling past --timeout',
    args: ['worker', 'list', '--timeout', '2s'],
    exit: 6,
    hostile: {service: 'workerManager', behaviour: stall},
    error: /REGARDS worker manager: GET .*: no answer before the command deadline/,
  },
  {
    name: 'the Job Service stalling past --timeout',
    args: ['job', 'get', 'j1', '--timeout', '2s'],
    exit: 6,
    hostile: {service: 'jobService', behaviour: stall},
    error: /Job Service: GET .*: no answer before the command deadline/,
  },
]

function corda(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {WORKERCTL_CORDA_URL: url, WORKERCTL_CORDA_USERNAME: 'admin', WORKERCTL_CORDA_PASSWORD: 'admin', ...extra}
}

function wm(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {WORKERCTL_WM_URL: url, WORKERCTL_WM_TENANT: 'sandbox', WORKERCTL_WM_USERNAME: 'admin', ...extra}
}

const prefixOf = (i: number) => `/case-${i}`

/** The environment that points a case's service at the hostile server, under the case's own path prefix. */
function hostileEnv(i: number, service: 'corda' | 'workerManager' | 'jobService', token: boolean): Record<string, string> {
  const url = `${hostile.url}${prefixOf(i)}`
  if (service === 'corda') return corda(url)
  if (service === 'workerManager') return wm(url, token ? {WORKERCTL_WM_PASSWORD: 'admin'} : {WORKERCTL_WM_TOKEN: 'static-token'})
  return {WORKERCTL_JOBS_URL: url}
}

describe('unreachable, hostile and refusing servers', () => {
  let slot: <R>(work: (n: number) => Promise<R>) => Promise<R>

  beforeAll(async () => {
    home = tempHome()
    slot = pool([1, 2, 3])
    // One route per case: its behaviour under its prefix (and a token answer for REGARDS); Corda's version probe
    // (swagger.json) is answered so the case's own request is the one that meets the behaviour.
    const routes = [{path: /\/api\/v5_2\/swagger\.json$/, behaviour: json(200, {openapi: '3.0.1'})}]
    SERVER.forEach((c, i) => {
      if (!c.hostile) return
      const prefix = prefixOf(i)
      if (c.hostile.token) routes.push({path: new RegExp(`^${prefix}/.*${TOKEN.source}`), behaviour: c.hostile.token})
      routes.push({path: new RegExp(`^${prefix}/`), behaviour: c.hostile.behaviour})
    })
    routes.push({path: /^\/stalled\//, behaviour: stall})
    hostile = await startHostile(routes)
    garbage = await startGarbage()
    closedPort = await new Promise<number>(resolve => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const {port} = s.address() as {port: number}
        s.close(() => resolve(port))
      })
    })
    plainSbx = await startSandbox()
    tlsSbx = await startSandbox({tls: true, configure: false})
    // A Corda user with no role: authenticated, allowed nothing.
    const viewer = await plainSbx.cli(['user', 'create', 'viewer', '--password-stdin'], {stdin: `${VIEWER_PASSWORD}\n`})
    expect(viewer.exitCode, viewer.stderr).toBe(0)
    // Contexts made with the CLI: one whose Corda stalls (fixed API version, so no probe), one with no password.
    for (const args of [
      ['context', 'set', 'stalled', '--corda-url', `${hostile.url}/stalled`, '--username', 'admin', '--api-version', 'v5_2'],
      ['context', 'set', 'nopass', '--corda-url', `${hostile.url}/nopass`, '--username', 'admin'],
    ]) {
      const made = await runCli(args, {env: home.env})
      expect(made.exitCode, made.stderr).toBe(0)
    }
  })
  afterAll(async () => {
    await Promise.all([hostile?.close(), garbage?.close(), plainSbx?.close(), tlsSbx?.close()])
    home?.cleanup()
  })

  SERVER.forEach((c, i) => {
    it.concurrent(
      c.name,
      async () => {
        await slot(async () => {
          // The implicit context of WORKERCTL_* variables unless the case names a context (-c wins over the variable).
          const env = {
            ...home.env,
            CI: 'true',
            WORKERCTL_CONTEXT: 'environment',
            ...(c.hostile ? hostileEnv(i, c.hostile.service, c.hostile.token !== undefined) : {}),
            ...c.env?.(),
          }
          const result = await runCli(c.args, {env, timeoutMs: 60_000})
          expectFailure(result, c.exit, c.error, c.hint)
          if (c.received) {
            const mine = hostile.received.filter(r => r.path.startsWith(`${prefixOf(i)}/`) && !r.path.endsWith('/swagger.json') && !TOKEN.test(r.path))
            c.received(mine.length)
          }
        })
      },
      CASE_TIMEOUT,
    )
  })

  it('the raw TCP server was really reached (so "does not speak HTTP" came from it)', () => {
    expect(garbage.connections()).toBeGreaterThan(0)
  })
})
