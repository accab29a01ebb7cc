// Which operations each Corda REST API version serves (reference/corda-rest.md §13, checked against the three specs).
import {UsageError} from '../../errors.js'
import type {CordaApiVersion} from './types.js'

export type CordaOperation =
  | 'flow.list.statusFilter'
  | 'vnode.updateDb'
  | 'vnode.byodSql'
  | 'vnode.upgrade.force'
  | 'user.password'
  | 'user.getByPath'
  | 'keyRotation'
  | 'mgm.groupParameters.update'
  | 'mgmadmin.forceDecline'

interface Capability {
  /** Versions that serve it. */
  versions: readonly CordaApiVersion[]
  /** How an operator would name it in an error message. */
  description: string
}

export const CAPABILITIES: Readonly<Record<CordaOperation, Capability>> = {
  'flow.list.statusFilter': {versions: ['v5_2'], description: 'filtering flows by status'},
  'vnode.updateDb': {versions: ['v5_2'], description: "changing a virtual node's database connections"},
  'vnode.byodSql': {versions: ['v5_2'], description: 'generating virtual node database SQL'},
  'vnode.upgrade.force': {versions: ['v5_2', 'v5_1'], description: 'forcing a virtual node upgrade'},
  'user.password': {versions: ['v5_2'], description: 'changing a password'},
  'user.getByPath': {versions: ['v5_2', 'v5_1'], description: 'GET /user/{loginName}'},
  keyRotation: {versions: ['v5_2'], description: 'wrapping key rotation'},
  'mgm.groupParameters.update': {versions: ['v5_2', 'v5_1'], description: 'updating group parameters'},
  'mgmadmin.forceDecline': {versions: ['v5_2', 'v5_1'], description: 'force-declining a registration'},
}

const RELEASE: Record<CordaApiVersion, string> = {v5_2: 'Corda 5.2', v5_1: 'Corda 5.1', v1: 'Corda 5.0'}

/** The cluster's API version lacks the operation. The CLI maps it to exit 2: nothing was sent. */
export class UnsupportedOperationError extends UsageError {
  readonly operation: CordaOperation
  /** The oldest version that serves it. */
  readonly needed: CordaApiVersion
  readonly actual: CordaApiVersion

  constructor(operation: CordaOperation, needed: CordaApiVersion, actual: CordaApiVersion) {
    super(`${CAPABILITIES[operation].description} needs ${RELEASE[needed]} (this cluster serves ${actual})`)
    this.operation = operation
    this.needed = needed
    this.actual = actual
  }
}

export function hasCapability(version: CordaApiVersion, operation: CordaOperation): boolean {
  return CAPABILITIES[operation].versions.includes(version)
}

export function requireCapability(version: CordaApiVersion, operation: CordaOperation): void {
  if (hasCapability(version, operation)) return
  const versions = CAPABILITIES[operation].versions
  throw new UnsupportedOperationError(operation, versions[versions.length - 1] ?? 'v5_2', version)
}

/** v1 (Corda 5.0) spells the certificate and key resources in the plural. */
export function certificateResource(version: CordaApiVersion): '/certificate' | '/certificates' {
  return version === 'v1' ? '/certificates' : '/certificate'
}

export function keyResource(version: CordaApiVersion): '/key' | '/keys' {
  return version === 'v1' ? '/keys' : '/key'
}

/** v1 gets a user with `GET /user?loginname=`; later versions with `GET /user/{loginName}`. */
export function userLookup(version: CordaApiVersion, loginName: string): {resource: string; query?: Record<string, string>} {
  return hasCapability(version, 'user.getByPath') ? {resource: `/user/${encodeURIComponent(loginName)}`} : {resource: '/user', query: {loginname: loginName}}
}
