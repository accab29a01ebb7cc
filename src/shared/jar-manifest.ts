// A JAR manifest's main section, read as java.util.jar.Manifest reads it: Corda takes a CPI's name and version from it
// (client and sandbox).

/**
 * The main-section attributes: `Name: value` with the one space after the colon dropped and the rest of the value kept
 * as it is; a line starting with a space continues the previous one; the first empty line ends the section.
 */
export function parseManifest(text: string): Record<string, string> {
  const attributes: Record<string, string> = {}
  let last: string | undefined
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break
    if (line.startsWith(' ')) {
      if (last !== undefined) attributes[last] += line.slice(1)
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    last = line.slice(0, colon)
    attributes[last] = line.slice(colon + 1).replace(/^ /, '')
  }
  return attributes
}
