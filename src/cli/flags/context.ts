// The service settings flags shared by `login` and `context set`.
import {resolve} from 'node:path'
import {Flags} from '@oclif/core'
import type {ContextSettings, CordaApiVersionSetting} from '../../config/config.js'
import {UsageError} from '../../errors.js'

export const settingFlags = {
  'corda-url': Flags.string({helpGroup: 'CORDA', description: 'Corda REST worker URL, e.g. https://corda.example:8888'}),
  username: Flags.string({helpGroup: 'CORDA', description: 'Corda user'}),
  'api-version': Flags.option({helpGroup: 'CORDA', options: ['auto', 'v5_2', 'v5_1', 'v1'] as const, description: 'Corda API version (auto probes newest first)'})(),
  'wm-url': Flags.string({helpGroup: 'REGARDS', description: 'REGARDS gateway URL (the client adds /api/v1/rs-worker-manager)'}),
  tenant: Flags.string({helpGroup: 'REGARDS', description: 'REGARDS tenant (project)'}),
  'wm-username': Flags.string({helpGroup: 'REGARDS', description: 'REGARDS user'}),
  'oauth-client': Flags.string({helpGroup: 'REGARDS', description: 'OAuth client as ID or ID:SECRET (default client:secret)'}),
  'service-path': Flags.string({helpGroup: 'REGARDS', description: 'path of the worker manager below the URL, for direct access without the gateway'}),
  'jobs-url': Flags.string({helpGroup: 'JOB SERVICE', description: 'Job Service host URL (the client adds /job-service/v1)'}),
  partition: Flags.string({helpGroup: 'JOB SERVICE', description: 'Job Service partition (default: default)'}),
}

export type SettingFlags = {
  'corda-url'?: string
  username?: string
  'api-version'?: CordaApiVersionSetting
  'wm-url'?: string
  tenant?: string
  'wm-username'?: string
  'oauth-client'?: string
  'service-path'?: string
  'jobs-url'?: string
  partition?: string
  'ca-cert'?: string
  insecure?: boolean
}

function checkUrl(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`${flag}: "${value}" is not a URL`, `give the scheme too, e.g. ${flag} https://host:8888`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag}: only http and https URLs are supported`)
  if (url.username || url.password) throw new UsageError(`${flag}: credentials do not go in the URL`, 'use --username and a password prompt, --password-stdin or the environment')
  return value.replace(/\/+$/, '')
}

/** Splits `--oauth-client ID[:SECRET]`; the secret is a credential and never goes in the config. */
export function oauthClient(value: string | undefined): {id?: string; secret?: string} {
  if (value === undefined) return {}
  const i = value.indexOf(':')
  return i < 0 ? {id: value} : {id: value.slice(0, i), secret: value.slice(i + 1)}
}

/** Applies the flags on top of an existing context; the TLS flags apply to every service the context ends up with. */
export function applySettingFlags(existing: ContextSettings, f: SettingFlags): ContextSettings {
  const ctx: ContextSettings = structuredClone(existing)
  const cordaUrl = checkUrl('--corda-url', f['corda-url'])
  if (cordaUrl || ctx.corda) {
    ctx.corda = {...ctx.corda, url: cordaUrl ?? ctx.corda!.url}
    if (f.username) ctx.corda.username = f.username
    if (f['api-version']) ctx.corda.apiVersion = f['api-version']
  } else if (f.username || f['api-version']) {
    throw new UsageError('--username and --api-version need --corda-url (or a context that has Corda)')
  }
  const wmUrl = checkUrl('--wm-url', f['wm-url'])
  if (wmUrl || ctx.workerManager) {
    ctx.workerManager = {...ctx.workerManager, url: wmUrl ?? ctx.workerManager!.url}
    if (f.tenant) ctx.workerManager.tenant = f.tenant
    if (f['wm-username']) ctx.workerManager.username = f['wm-username']
    const client = oauthClient(f['oauth-client'])
    if (client.id) ctx.workerManager.oauthClient = client.id
    if (f['service-path']) ctx.workerManager.servicePath = f['service-path']
  } else if (f.tenant || f['wm-username'] || f['oauth-client'] || f['service-path']) {
    throw new UsageError('--tenant, --wm-username, --oauth-client and --service-path need --wm-url (or a context that has REGARDS)')
  }
  const jobsUrl = checkUrl('--jobs-url', f['jobs-url'])
  if (jobsUrl || ctx.jobService) {
    ctx.jobService = {...ctx.jobService, url: jobsUrl ?? ctx.jobService!.url}
    if (f.partition) ctx.jobService.partition = f.partition
  } else if (f.partition) {
    throw new UsageError('--partition needs --jobs-url (or a context that has the Job Service)')
  }
  for (const service of [ctx.corda, ctx.workerManager, ctx.jobService]) {
    if (!service) continue
    if (f['ca-cert']) service.caCert = resolve(f['ca-cert'])
    if (f.insecure) service.insecure = true
  }
  return ctx
}
