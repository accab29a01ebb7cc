// Which context a command uses: --context > WORKERCTL_CONTEXT > current-context > the environment (PRODUCT.md §3).
import {UsageError} from '../errors.js'
import {type ContextSettings, readConfig} from './config.js'

export const ENVIRONMENT_CONTEXT = 'environment'

export interface ResolvedContext {
  name: string
  settings: ContextSettings
  source: 'flag' | 'WORKERCTL_CONTEXT' | 'current-context' | 'environment'
}

/** The implicit context CI pipelines get from WORKERCTL_* variables, with no config file at all. */
export function environmentContext(env: NodeJS.ProcessEnv = process.env): ContextSettings | undefined {
  const ctx: ContextSettings = {}
  if (env.WORKERCTL_CORDA_URL) ctx.corda = {url: env.WORKERCTL_CORDA_URL, username: env.WORKERCTL_CORDA_USERNAME, apiVersion: 'auto'}
  if (env.WORKERCTL_WM_URL) ctx.workerManager = {url: env.WORKERCTL_WM_URL, tenant: env.WORKERCTL_WM_TENANT, username: env.WORKERCTL_WM_USERNAME}
  if (env.WORKERCTL_JOBS_URL) ctx.jobService = {url: env.WORKERCTL_JOBS_URL, partition: env.WORKERCTL_JOBS_PARTITION}
  return Object.keys(ctx).length > 0 ? ctx : undefined
}

export async function resolveContext(flag?: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedContext> {
  const config = await readConfig()
  const [name, source] = flag
    ? [flag, 'flag' as const]
    : env.WORKERCTL_CONTEXT
      ? [env.WORKERCTL_CONTEXT, 'WORKERCTL_CONTEXT' as const]
      : [config['current-context'], 'current-context' as const]
  if (name) {
    const settings = config.contexts[name]
    if (settings) return {name, settings, source}
    const envCtx = name === ENVIRONMENT_CONTEXT ? environmentContext(env) : undefined
    if (envCtx) return {name, settings: envCtx, source: 'environment'}
    const known = Object.keys(config.contexts)
    throw new UsageError(
      `context "${name}" does not exist${source === 'flag' ? '' : ` (from ${source})`}`,
      known.length > 0 ? `known contexts: ${known.join(', ')}` : 'create one with `workerctl login` or `workerctl sandbox start`',
    )
  }
  const envCtx = environmentContext(env)
  if (envCtx) return {name: ENVIRONMENT_CONTEXT, settings: envCtx, source: 'environment'}
  throw new UsageError(
    'no context is configured',
    'run `workerctl login`, or `workerctl sandbox start` to try the local sandbox, or set WORKERCTL_CORDA_URL / WORKERCTL_WM_URL / WORKERCTL_JOBS_URL',
  )
}
