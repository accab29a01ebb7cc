// Loader hooks (run off the main thread) registered by modules.mjs: appends `esm URL` for each module loaded.
import {appendFileSync} from 'node:fs'

let file
export function initialize(data) {
  file = data.file
}

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context)
  if (file && url.startsWith('file:')) appendFileSync(file, `esm ${url}\n`)
  return result
}
