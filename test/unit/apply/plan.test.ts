import {describe, expect, it} from 'vitest'
import {DEFINITION_LABEL, definitionHash} from '../../../src/api/jobservice/definition.js'
import {fieldChanges} from '../../../src/apply/plan.js'
import {mapLimit} from '../../../src/apply/run.js'
import {changeLine, summaryLine} from '../../../src/format/apply.js'

describe('fieldChanges', () => {
  it('names each differing leaf by its dotted path: added, removed, changed', () => {
    const changes = fieldChanges({a: {b: 1, c: 2}, d: [1]}, {a: {b: 1, c: 3, e: 'x'}, f: true})
    expect(changes).toEqual([
      {field: 'a.c', from: 2, to: 3},
      {field: 'a.e', to: 'x'},
      {field: 'd', from: [1]},
      {field: 'f', to: true},
    ])
    expect(changes.map(changeLine)).toEqual(['~ a.c: 2 → 3', '+ a.e: x', '- d: [1]', '+ f: true'])
    expect(fieldChanges({x: [1, 2]}, {x: [1, 2]})).toEqual([])
  })
})

describe('definitionHash', () => {
  it("ignores key order and apply's own label, and changes with the task", () => {
    const a = definitionHash({name: 'n', task: {taskClassifier: 'C', taskApiVersion: 1, taskData: {x: 1}, taskPipe: 'p'}, labels: {k: 'v'}})
    const b = definitionHash({labels: {[DEFINITION_LABEL]: 'old', k: 'v'}, task: {taskPipe: 'p', taskData: {x: 1}, taskApiVersion: 1, taskClassifier: 'C'}, name: 'n'})
    const c = definitionHash({name: 'n', task: {taskClassifier: 'C', taskApiVersion: 1, taskData: {x: 2}, taskPipe: 'p'}, labels: {k: 'v'}})
    expect(a).toMatch(/^[0-9a-f]{16}$/)
    expect(b).toBe(a)
    expect(c).not.toBe(a)
  })
})

describe('mapLimit', () => {
  it('never runs more than the limit at once and keeps the order of results', async () => {
    let running = 0
    let peak = 0
    const out = await mapLimit([5, 1, 4, 2, 3, 1, 1], 3, async n => {
      peak = Math.max(peak, ++running)
      await new Promise(r => setTimeout(r, n * 5))
      running--
      return n * 10
    })
    expect(out).toEqual([50, 10, 40, 20, 30, 10, 10])
    expect(peak).toBe(3)
  })
})

describe('summaryLine', () => {
  it('counts only what occurred, in a fixed order', () => {
    expect(summaryLine(['unchanged', 'created', 'failed', 'created'])).toBe('2 created, 1 unchanged, 1 failed')
    expect(summaryLine(['update', 'create'])).toBe('1 to create, 1 to update')
    expect(summaryLine([])).toBe('nothing')
  })
})
