// A mistyped command gets the closest real one as a hint and exit 2 (bad usage), never a prompt:
// @oclif/plugin-not-found exits 127 and asks "did you mean" even under CI, so this small hook replaces it.
import {type Hook, toConfiguredId} from '@oclif/core'

function distance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagonal = above
    }
  }
  return row[b.length]!
}

const hook: Hook.CommandNotFound = async function (opts) {
  const ids = opts.config.commands.filter(c => !c.hidden).flatMap(c => [c.id, ...c.aliases])
  const closest = ids.map(id => ({id, d: distance(opts.id, id)})).sort((a, b) => a.d - b.d)[0]
  const typed = toConfiguredId(opts.id, opts.config)
  process.stderr.write(`Error: "${typed}" is not a ${opts.config.bin} command\n`)
  const suggestion = closest && closest.d <= Math.max(3, Math.floor(opts.id.length / 3)) ? `did you mean "${opts.config.bin} ${toConfiguredId(closest.id, opts.config)}"? ` : ''
  process.stderr.write(`Hint: ${suggestion}Run "${opts.config.bin} --help" for every command.\n`)
  process.exit(2)
}

export default hook
