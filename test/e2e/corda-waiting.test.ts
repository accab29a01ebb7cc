// Waiting commands when the cluster does not finish: --timeout gives exit 7 with the command that resumes the wait,
// Ctrl-C gives exit 130 and leaves the local config as it was. The sandbox clock is frozen to keep work pending.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {DEMO_CPI, makeCpi, writeDemoFiles} from '../helpers/demo-files.js'
import {type Sbx, startSandbox} from '../helpers/sandbox.js'

let sbx: Sbx
let frozenAt: number | undefined
let files: Awaited<ReturnType<typeof writeDemoFiles>>
let hash = ''

beforeAll(async () => {
  sbx = await startSandbox({clock: () => frozenAt ?? Date.now()})
  files = await writeDemoFiles(join(sbx.dir, 'files'))
  expect((await sbx.cli(`cpi upload ${files.cpi}`)).exitCode).toBe(0)
  const created = await sbx.cli('vnode create --x500 "CN=Alice, O=Alice Corp, L=London, C=GB" --cpi workerctl-demo -o json')
  expect(created.exitCode).toBe(0)
  hash = JSON.parse(created.stdout).holdingIdentity.shortHash
  frozenAt = Date.now() // from here on nothing the sandbox does asynchronously moves on
}, 60_000)
afterAll(async () => {
  await sbx?.close()
})

const errorLines = (stderr: string) => stderr.split('\n').filter(l => l.startsWith('Error:'))

describe('waiting commands that run out of time', () => {
  it('flow start: exit 7, the flow id and how to wait again', async () => {
    const res = await sbx.cli('flow start Alice com.r3.sandbox.EchoFlow --id pending-1 --timeout 5s')
    expect(res.exitCode).toBe(7)
    expect(errorLines(res.stderr)).toEqual(['Error: timed out waiting for flow pending-1 (resume with id pending-1)'])
    expect(res.stderr).toContain(`Hint: it may still finish; to wait again: workerctl flow wait ${hash} pending-1`)
    expect(res.stderr).not.toMatch(/^\s+at /m)
  })

  it('vnode create: exit 7 with `vnode status ID --wait`', async () => {
    const res = await sbx.cli('vnode create --x500 "CN=Bob, O=Bob Ltd, L=Paris, C=FR" --cpi workerctl-demo --timeout 5s')
    expect(res.exitCode).toBe(7)
    expect(res.stderr).toMatch(/Hint: it may still finish; to wait again: workerctl vnode status [0-9A-F]{12} --wait/)
  })

  it('cpi upload: exit 7 with `cpi status ID --wait`', async () => {
    const res = await sbx.cli(`cpi upload ${files.cpiV2} --timeout 5s`)
    expect(res.exitCode).toBe(7)
    expect(res.stderr).toMatch(/Hint: it may still finish; to wait again: workerctl cpi status [-0-9a-f]{36} --wait/)
  })
})

describe('Ctrl-C', () => {
  it('stops a waiting command with exit 130 and leaves the config untouched', async () => {
    const config = sbx.env.WORKERCTL_CONFIG!
    const before = readFileSync(config)
    const mark = sbx.mark()
    const res = await sbx.cli('flow start Alice com.r3.sandbox.EchoFlow --id interrupted-1 --timeout 1m', {
      // Interrupted once it is waiting: the flow's start has reached the sandbox.
      onSpawn: child => {
        const timer = setInterval(() => {
          if (!sbx.since(mark).some(r => r.method === 'POST' && r.path.startsWith('/api/v5_2/flow/'))) return
          clearInterval(timer)
          setTimeout(() => child.kill('SIGINT'), 300)
        }, 20)
        child.on('close', () => clearInterval(timer))
      },
    })
    expect(res.exitCode).toBe(130)
    expect(errorLines(res.stderr)).toEqual(['Error: interrupted'])
    expect(readFileSync(config)).toEqual(before)
  })
})

describe('a CPI changed locally but not on the cluster', () => {
  it('the same bytes under another name are unchanged with no POST; changed bytes are uploaded (and refused as a duplicate, exit 5)', async () => {
    frozenAt = undefined
    const same = join(sbx.dir, 'files', 'copy.cpi')
    writeFileSync(same, readFileSync(files.cpi))
    sbx.server.log.clear()
    const res = await sbx.cli(`cpi upload ${same} -o json`)
    expect(res.exitCode).toBe(0)
    expect(JSON.parse(res.stdout)).toMatchObject({cpiName: DEMO_CPI.name, result: 'unchanged', requestId: null})
    expect(sbx.requests().filter(r => r.method === 'POST')).toEqual([])
    writeFileSync(same, makeCpi({name: DEMO_CPI.name, version: '1.0', groupId: DEMO_CPI.groupId, extraBytes: 'x'}))
    const changed = await sbx.cli(`cpi upload ${same}`)
    expect(changed.exitCode).toBe(5)
    expect(sbx.requests().filter(r => r.method === 'POST' && r.path === '/api/v5_2/cpi')).toHaveLength(1)
  })
})
