// Preload for the benchmark (node --import bench/hooks/modules.mjs): records every module the process loads into the
// file named by BENCH_MODULES_FILE, one per line: `esm URL` as the loader loads it (module.register hooks, which see
// every import, including CommonJS files imported from ESM), then at exit `cjs PATH` for each file in the CommonJS
// cache (files only reached through require()). bench/hooks/replay.mjs loads the same list again to time it.
import {appendFileSync} from 'node:fs'
import {createRequire, register} from 'node:module'

const file = process.env.BENCH_MODULES_FILE
if (file) {
  register('./module-hooks.mjs', {parentURL: import.meta.url, data: {file}})
  const require = createRequire(import.meta.url)
  process.on('exit', () => {
    appendFileSync(
      file,
      Object.keys(require.cache)
        .map(p => `cjs ${p}\n`)
        .join(''),
    )
  })
}
