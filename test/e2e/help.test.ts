import {readFileSync} from 'node:fs'
import {afterAll, describe, expect, it} from 'vitest'
import {runCli, tempHome} from '../helpers/cli.js'

const home = tempHome()
const cli = (args: string) => runCli(args, {env: home.env})
afterAll(() => home.cleanup())

describe('help and command names', () => {
  it('lists topics and commands', async () => {
    const {stdout, exitCode} = await cli('--help')
    expect(exitCode).toBe(0)
    for (const topic of ['cluster', 'context', 'sandbox', 'login']) expect(stdout).toContain(topic)
  })

  it('shows a topic with its commands, and a command with examples', async () => {
    const topic = await cli('context --help')
    expect(topic.stdout).toMatch(/context list/)
    expect(topic.stdout).toMatch(/context use/)
    const command = await cli('cluster status --help')
    expect(command.stdout).toContain('EXAMPLES')
    expect(command.stdout).toContain('workerctl cluster status --wait --timeout 5m')
    expect(command.stdout).toContain('--timeout')
  })

  it('writes descriptions as paragraphs that oclif wraps to the terminal, never broken where the source was', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
      commands: Record<string, {description?: string; flags: Record<string, {description?: string}>}>
    }
    const broken: string[] = []
    for (const [id, command] of Object.entries(manifest.commands)) {
      // Within a paragraph a line break may only start an indented list item.
      for (const paragraph of (command.description ?? '').split('\n\n')) if (/\n(?!\s)/.test(paragraph)) broken.push(id)
      for (const [name, flag] of Object.entries(command.flags)) if (flag.description?.includes('\n')) broken.push(`${id} --${name}`)
    }
    expect(broken).toEqual([])
    const {stdout} = await runCli('vnode create --help', {env: {...home.env, COLUMNS: '80'}})
    expect(stdout).toMatch(/C a\s+two-letter country code; CN optional\)/)
    expect(stdout).not.toMatch(/two-letter country\n\s*code;/)
  })

  it('answers to plural topics', async () => {
    const plural = await cli('contexts list -o json')
    expect(plural.exitCode).toBe(0)
    expect(JSON.parse(plural.stdout)).toEqual([])
    expect((await cli('help sandboxes')).stdout).toContain('sandbox start')
  })

  it('suggests the right command for a typo, with exit 2 and no prompt', async () => {
    const {stderr, exitCode} = await cli('clustr status')
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/^Error: "clustr status" is not a workerctl command$/m)
    expect(stderr).toContain('did you mean "workerctl cluster status"?')
  })

  it('rejects an unknown flag with exit 2 and one Error line', async () => {
    const {stderr, exitCode} = await cli('context list --bogus')
    expect(exitCode).toBe(2)
    expect(stderr.match(/^Error: /gm)).toHaveLength(1)
    expect(stderr).toContain('--bogus')
  })

  it('rejects a bad --timeout before sending anything', async () => {
    const {stderr, exitCode} = await runCli('cluster status --timeout soon', {env: {...home.env, WORKERCTL_JOBS_URL: 'http://127.0.0.1:9'}})
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/^Error: --timeout: "soon" is not a duration$/m)
  })
})
