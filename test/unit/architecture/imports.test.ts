// The shape of the code, held by a test: no import loops, and every layer imports only the layers below it
// (commands → cli → format → apply → config → api → input, shared → errors). Type-only and lazy imports count too:
// a loop is a loop to the reader even when the compiler erases it.
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src')
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** Each module of src (relative path) and the modules of src it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(SRC)) {
    const targets = [...readFileSync(file, 'utf8').matchAll(SPECIFIER)]
      .map(m => m[1]!)
      .filter(spec => spec.startsWith('.'))
      .map(spec => relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'))
    graph.set(relative(SRC, file), [...new Set(targets)])
  }
  return graph
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string): void => {
    indices.set(node, index)
    low.set(node, index++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue
      if (!indices.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!))
    }
    if (low.get(node) !== indices.get(node)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== node)
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort())
  }
  for (const node of graph.keys()) if (!indices.has(node)) visit(node)
  return found
}

/** What each part of src may import, besides itself (a folder, or a single module). */
const MAY_IMPORT: Record<string, string[]> = {
  'errors.ts': [],
  shared: [],
  input: ['errors.ts'],
  api: ['errors.ts', 'input', 'shared'],
  config: ['errors.ts', 'input', 'api'],
  format: ['errors.ts', 'api', 'apply', 'config', 'input', 'shared'],
  apply: ['errors.ts', 'api', 'config', 'input', 'shared'],
  sandbox: ['errors.ts', 'shared', 'config'],
  cli: ['errors.ts', 'api', 'apply', 'config', 'format', 'input', 'shared', 'sandbox'],
  commands: ['errors.ts', 'api', 'apply', 'cli', 'config', 'format', 'input', 'shared', 'sandbox'],
  hooks: ['errors.ts', 'cli'],
}

const partOf = (module: string) => (module.includes('/') ? module.slice(0, module.indexOf('/')) : module)

describe('the import graph of src', () => {
  const graph = importGraph()

  it('is read from every module', () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(graph.get('cli/base-command.ts')).toContain('errors.ts')
  })

  it('has no import loop', () => {
    expect(cycles(graph)).toEqual([])
  })

  it('points only downwards: no layer imports one above it', () => {
    const wrong: string[] = []
    for (const [module, targets] of graph) {
      const part = partOf(module)
      const allowed = MAY_IMPORT[part]
      expect(allowed, `${part} is not in the layer table`).toBeDefined()
      for (const target of targets) {
        const other = partOf(target)
        if (other !== part && !allowed!.includes(other)) wrong.push(`${module} → ${target}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('keeps the sandbox apart: only the sandbox process control reads the config', () => {
    const config = [...graph].filter(([m, targets]) => m.startsWith('sandbox/') && targets.some(t => t.startsWith('config/'))).map(([m]) => m)
    expect(config.every(m => /control/.test(m))).toBe(true)
  })

  it('finds a loop where there is one', () => {
    expect(
      cycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', ['a.ts']],
          ['d.ts', ['a.ts']],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'c.ts']])
    expect(cycles(new Map([['a.ts', ['a.ts']]]))).toEqual([['a.ts']])
    expect(
      cycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([])
  })
})
