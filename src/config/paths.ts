import {homedir} from 'node:os'
import {dirname, join} from 'node:path'

/** $WORKERCTL_CONFIG, else $XDG_CONFIG_HOME/workerctl/config.yaml, else ~/.config/workerctl/config.yaml (PRODUCT.md §3). */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WORKERCTL_CONFIG) return env.WORKERCTL_CONFIG
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'workerctl', 'config.yaml')
}

/** Everything workerctl keeps sits beside the config file. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return dirname(configFile(env))
}

export const credentialsFile = (env: NodeJS.ProcessEnv = process.env) => join(configDir(env), 'credentials.json')
export const cacheFile = (env: NodeJS.ProcessEnv = process.env) => join(configDir(env), 'cache.json')
export const sandboxDir = (env: NodeJS.ProcessEnv = process.env) => join(configDir(env), 'sandbox')
