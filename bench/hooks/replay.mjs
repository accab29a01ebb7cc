// Loads again, in a fresh process, the modules a command loaded (the list bench/hooks/modules.mjs recorded), without
// running the command, and prints how long that took in ms: the command's module loading cost (resolve, read, compile,
// evaluate top-level code). The entry point bin/run.js (it runs the command) and the bench's own hooks are skipped.
// `--only REGEX`: only the modules whose path matches (and whatever they import), e.g. one package's cost.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'

const [listFile, flag, pattern] = process.argv.slice(2)
const only = flag === '--only' ? new RegExp(pattern) : undefined
const entry = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const require = createRequire(import.meta.url)
const wanted = []
for (const line of readFileSync(listFile, 'utf8').split('\n')) {
  if (!line) continue
  const kind = line.slice(0, 3)
  const where = line.slice(4)
  const path = kind === 'esm' ? fileURLToPath(where) : where
  if (path === entry || path.includes('/bench/hooks/') || (only && !only.test(path))) continue
  wanted.push([kind, where])
}
const start = performance.now()
for (const [kind, where] of wanted) {
  if (kind === 'esm') await import(where)
  else if (!(where in require.cache)) require(where)
}
process.stdout.write(`${(performance.now() - start).toFixed(2)}\n`)
