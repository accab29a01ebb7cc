// Colours for tables only; JSON and YAML are never coloured. chalk is loaded only when colour is on.
export interface Paint {
  ok(text: string): string
  bad(text: string): string
  warn(text: string): string
  dim(text: string): string
  bold(text: string): string
}

const plain: Paint = {ok: t => t, bad: t => t, warn: t => t, dim: t => t, bold: t => t}

export async function painter(enabled: boolean): Promise<Paint> {
  if (!enabled) return plain
  const {Chalk} = await import('chalk')
  const chalk = new Chalk({level: 1})
  return {ok: t => chalk.green(t), bad: t => chalk.red(t), warn: t => chalk.yellow(t), dim: t => chalk.dim(t), bold: t => chalk.bold(t)}
}

/** --no-color, NO_COLOR (which chalk 5 does not read) and a non-terminal stdout all turn colour off. */
export function colorWanted(noColorFlag: boolean, stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY)
}
