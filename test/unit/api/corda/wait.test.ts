import {describe, expect, it} from 'vitest'
import {ApiError} from '../../../../src/api/errors.js'
import {poll} from '../../../../src/api/wait.js'
import {OperationFailedError, TimeoutError} from '../../../../src/errors.js'
import {caught} from './support.js'

const apiError = (status: number, title: string) => new ApiError({service: 'corda', kind: 'http', method: 'GET', url: 'x', status, title})

function sequence<T>(...steps: Array<T | Error>) {
  let i = 0
  return {
    calls: () => i,
    fetch: async (): Promise<T> => {
      const step = steps[Math.min(i++, steps.length - 1)]!
      if (step instanceof Error) throw step
      return step
    },
  }
}

describe('poll', () => {
  it('polls until done, tolerating transient errors, reporting each state', async () => {
    const seq = sequence<string>(apiError(404, 'not yet'), 'a', 'b', 'OK')
    const states: string[] = []
    const result = await poll({
      fetch: seq.fetch,
      done: s => s === 'OK',
      transient: e => e instanceof ApiError && e.status === 404,
      initialMs: 1,
      maxMs: 2,
      onStatus: s => states.push(s),
    })
    expect(result).toBe('OK')
    expect(states).toEqual(['a', 'b', 'OK'])
    expect(seq.calls()).toBe(4)
  })

  it('rethrows an error that is not transient', async () => {
    const boom = apiError(500, 'boom')
    const seq = sequence<string>('a', boom)
    expect(await caught(poll({fetch: seq.fetch, done: () => false, transient: () => false, initialMs: 1}))).toBe(boom)
  })

  it('stops treating an error as transient once its grace ends', async () => {
    const seq = sequence<string>(apiError(404, 'gone'))
    const error = await caught(poll({fetch: seq.fetch, done: () => true, transient: (_e, elapsed) => elapsed < 30, initialMs: 5, maxMs: 5}))
    expect(error).toMatchObject({status: 404})
    expect(seq.calls()).toBeGreaterThan(1)
  })

  it('throws OperationFailedError with the state on a terminal failure', async () => {
    const seq = sequence({status: 'IN_PROGRESS'}, {status: 'FAILED'})
    const error = (await caught(
      poll({what: 'x', fetch: seq.fetch, done: s => s.status === 'SUCCEEDED', failed: s => s.status === 'FAILED', reason: s => s.status, initialMs: 1}),
    )) as OperationFailedError
    expect(error).toBeInstanceOf(OperationFailedError)
    expect(error.state).toEqual({status: 'FAILED'})
    expect(error.message).toBe('x failed: FAILED')
  })

  it('throws TimeoutError with the last state and resume id at the deadline', async () => {
    const started = Date.now()
    const error = (await caught(
      poll({what: 'CPI upload 1', resumeId: '1', fetch: async () => 'Validating', done: () => false, deadline: Date.now() + 60, initialMs: 10, maxMs: 20}),
    )) as TimeoutError
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({message: 'timed out waiting for CPI upload 1 (resume with id 1)', lastState: 'Validating', resumeId: '1', exitCode: 7})
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('turns a transport timeout into a TimeoutError', async () => {
    const timeout = new ApiError({service: 'corda', kind: 'timeout', method: 'GET', url: 'x', title: 'no answer'})
    expect(
      await caught(
        poll({
          fetch: async () => {
            throw timeout
          },
          done: () => true,
        }),
      ),
    ).toBeInstanceOf(TimeoutError)
  })

  it('stops when the signal aborts', async () => {
    const controller = new AbortController()
    const reason = new Error('interrupted')
    setTimeout(() => controller.abort(reason), 20)
    expect(await caught(poll({fetch: async () => 1, done: () => false, signal: controller.signal, initialMs: 5, maxMs: 5}))).toBe(reason)
  })

  it('backs off by the factor up to the cap', async () => {
    const times: number[] = []
    let n = 0
    await poll({fetch: async () => (times.push(Date.now()), ++n), done: v => v === 5, initialMs: 20, maxMs: 40, factor: 2})
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(gaps[0]).toBeGreaterThanOrEqual(15)
    expect(gaps[2]).toBeGreaterThanOrEqual(35)
    expect(gaps[3]).toBeLessThan(80)
  })
})
