// Secrets, in order: environment, OS keychain, credentials file beside the config (PRODUCT.md §3).
// The keychain module is native and may hang on a broken D-Bus: it is loaded lazily and given a short timeout.
import {existsSync} from 'node:fs'
import {Exit, UsageError, WorkerctlError} from '../errors.js'
import {readJsonIfExists, writeFileAtomic} from './files.js'
import {credentialsFile} from './paths.js'

export type SecretKey = 'corda-password' | 'wm-password' | 'wm-token' | 'wm-client-secret' | 'wm-session' | 'jobs-token'
export const SECRET_KEYS: SecretKey[] = ['corda-password', 'wm-password', 'wm-token', 'wm-client-secret', 'wm-session', 'jobs-token']

/** The environment variable that overrides each secret (wm-session is a cached token, never set by hand). */
export const SECRET_ENV: Partial<Record<SecretKey, string>> = {
  'corda-password': 'WORKERCTL_CORDA_PASSWORD',
  'wm-password': 'WORKERCTL_WM_PASSWORD',
  'wm-token': 'WORKERCTL_WM_TOKEN',
  'wm-client-secret': 'WORKERCTL_WM_CLIENT_SECRET',
  'jobs-token': 'WORKERCTL_JOBS_TOKEN',
}

export type StoreMode = 'auto' | 'keychain' | 'file'
export type SecretSource = 'env' | 'keychain' | 'file'

const KEYCHAIN_SERVICE = 'workerctl'
const KEYCHAIN_TIMEOUT_MS = 2000

type FileData = Record<string, Partial<Record<SecretKey, string>>>

class KeychainUnavailable extends Error {}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(KEYCHAIN_TIMEOUT_MS)
  try {
    return await work(signal)
  } catch (error) {
    throw new KeychainUnavailable(signal.aborted ? `no answer within ${KEYCHAIN_TIMEOUT_MS} ms` : (error as Error).message)
  }
}

class Keychain {
  private module?: Promise<typeof import('@napi-rs/keyring')>

  private async entry(context: string, key: SecretKey) {
    this.module ??= import('@napi-rs/keyring')
    let mod: typeof import('@napi-rs/keyring')
    try {
      mod = await this.module
    } catch (error) {
      throw new KeychainUnavailable(`cannot load the keychain module: ${(error as Error).message}`)
    }
    return new mod.AsyncEntry(KEYCHAIN_SERVICE, `${context}/${key}`)
  }

  async get(context: string, key: SecretKey): Promise<string | undefined> {
    const entry = await this.entry(context, key)
    return (await withTimeout(signal => entry.getPassword(signal))) ?? undefined
  }

  async set(context: string, key: SecretKey, value: string): Promise<void> {
    const entry = await this.entry(context, key)
    await withTimeout(signal => entry.setPassword(value, signal))
  }

  async delete(context: string, key: SecretKey): Promise<void> {
    const entry = await this.entry(context, key)
    await withTimeout(async signal => {
      await entry.deletePassword(signal)
    })
  }
}

class CredentialsFile {
  constructor(readonly path: string) {}

  async read(): Promise<FileData> {
    return (await readJsonIfExists<FileData>(this.path)) ?? {}
  }

  async get(context: string, key: SecretKey): Promise<string | undefined> {
    return (await this.read())[context]?.[key]
  }

  async set(context: string, key: SecretKey, value: string): Promise<void> {
    const data = await this.read()
    data[context] = {...data[context], [key]: value}
    await writeFileAtomic(this.path, `${JSON.stringify(data, null, 2)}\n`)
  }

  async delete(context: string, key?: SecretKey): Promise<void> {
    const data = await this.read()
    if (!data[context]) return
    if (key) delete data[context][key]
    if (!key || Object.keys(data[context]).length === 0) delete data[context]
    await writeFileAtomic(this.path, `${JSON.stringify(data, null, 2)}\n`)
  }
}

export interface CredentialsOptions {
  env?: NodeJS.ProcessEnv
  /** Where warnings go (stderr): the one-time notice that secrets are kept in a file. */
  warn: (message: string) => void
}

export class Credentials {
  private readonly env: NodeJS.ProcessEnv
  private readonly mode: StoreMode
  private readonly keychain = new Keychain()
  private readonly file: CredentialsFile
  private keychainFailure?: string

  constructor(private readonly options: CredentialsOptions) {
    this.env = options.env ?? process.env
    const mode = (this.env.WORKERCTL_CREDENTIAL_STORE ?? 'auto').toLowerCase()
    if (mode !== 'auto' && mode !== 'keychain' && mode !== 'file') {
      throw new UsageError(`WORKERCTL_CREDENTIAL_STORE must be auto, keychain or file (got "${mode}")`)
    }
    this.mode = mode
    this.file = new CredentialsFile(credentialsFile(this.env))
  }

  async get(context: string, key: SecretKey): Promise<{value: string; source: SecretSource} | undefined> {
    const envName = SECRET_ENV[key]
    const fromEnv = envName ? this.env[envName] : undefined
    if (fromEnv) return {value: fromEnv, source: 'env'}
    if (this.mode !== 'file' && !this.keychainFailure) {
      try {
        const value = await this.keychain.get(context, key)
        if (value !== undefined) return {value, source: 'keychain'}
      } catch (error) {
        this.keychainDown(error)
      }
    }
    if (this.mode === 'keychain') return undefined
    const value = await this.file.get(context, key)
    return value === undefined ? undefined : {value, source: 'file'}
  }

  /** Stores a secret; returns where it went. */
  async set(context: string, key: SecretKey, value: string): Promise<Exclude<SecretSource, 'env'>> {
    if (this.mode !== 'file' && !this.keychainFailure) {
      try {
        await this.keychain.set(context, key, value)
        return 'keychain'
      } catch (error) {
        this.keychainDown(error)
      }
    }
    if (this.mode === 'keychain') {
      throw new WorkerctlError(
        `cannot store the secret in the OS keychain: ${this.keychainFailure}`,
        Exit.UNEXPECTED,
        'set WORKERCTL_CREDENTIAL_STORE=file (or auto) to keep secrets in a file readable only by you',
      )
    }
    if (!existsSync(this.file.path)) {
      this.options.warn(
        this.mode === 'file'
          ? `secrets are kept in ${this.file.path} (readable only by you), as WORKERCTL_CREDENTIAL_STORE=file asks`
          : `no OS keychain is available (${this.keychainFailure}); secrets are kept in ${this.file.path} (readable only by you)`,
      )
    }
    await this.file.set(context, key, value)
    return 'file'
  }

  async delete(context: string, key: SecretKey): Promise<void> {
    if (this.mode !== 'file') {
      try {
        await this.keychain.delete(context, key)
      } catch {
        // absent or no keychain: nothing to delete there
      }
    }
    if (this.mode !== 'keychain') await this.file.delete(context, key)
  }

  async deleteAll(context: string): Promise<void> {
    for (const key of SECRET_KEYS) await this.delete(context, key)
  }

  private keychainDown(error: unknown): void {
    this.keychainFailure ??= error instanceof KeychainUnavailable ? error.message : String(error)
    if (this.mode === 'keychain') throw new WorkerctlError(`the OS keychain is not available: ${this.keychainFailure}`)
  }
}
