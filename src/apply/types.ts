// A deployment file's objects once read and checked (PRODUCT.md §7): paths absolute, X.500 names canonical, `${VAR}`
// already substituted, each object knowing where it was written so every later problem can point at it.
import type {RoleTemplateName} from '../api/corda/rbac-templates.js'
import type {CertificateUsage} from '../api/corda/types.js'
import type {NewJob} from '../api/jobservice/types.js'

export const API_VERSION = 'workerctl/v1'

/** Where an object (or one of its fields) was written: the file as the user named it, 1-based line. */
export interface Location {
  file: string
  line: number
}

/** The order apply works in: each stage may need what the previous ones made. */
export const KINDS = ['Certificate', 'Cpi', 'VirtualNode', 'Role', 'User', 'ConfigSection', 'Job'] as const
export type Kind = (typeof KINDS)[number]

interface Base {
  at: Location
}

export interface CertificateSpec extends Base {
  kind: 'Certificate'
  usage: CertificateUsage
  alias: string
  /** Absolute path of the PEM file, and its text (read and checked while loading). */
  file: string
  pem: string
}

export interface CpiSpec extends Base {
  kind: 'Cpi'
  /** Absolute path of the .cpi file; name and version from its manifest (read while loading). */
  file: string
  cpiName: string
  cpiVersion: string
  force: boolean
}

/** VirtualNodeRequest's optional DB connection fields (JSON strings; only used when the node is created). */
export const VNODE_DB_FIELDS = [
  'cryptoDdlConnection',
  'cryptoDmlConnection',
  'uniquenessDdlConnection',
  'uniquenessDmlConnection',
  'vaultDdlConnection',
  'vaultDmlConnection',
] as const
export type VnodeDbField = (typeof VNODE_DB_FIELDS)[number]

export interface VirtualNodeSpec extends Base {
  kind: 'VirtualNode'
  /** Canonical X.500 name. */
  x500: string
  /** NAME[@VERSION] or a 12/64-hex checksum, as written. */
  cpi: string
  db?: Partial<Record<VnodeDbField, string>>
}

export interface PermissionSpec {
  type: 'ALLOW' | 'DENY'
  string: string
  /** A virtual node by short hash or X.500 name (canonical when it parses as one). */
  vnode?: string
}

export interface RoleSpec extends Base {
  kind: 'Role'
  name: string
  groupVisibility?: string
  template?: RoleTemplateName
  /** The virtual node of a per-vnode template (short hash or canonical X.500). */
  vnode?: string
  permissions: PermissionSpec[]
}

export interface UserSpec extends Base {
  kind: 'User'
  login: string
  fullName: string
  enabled: boolean
  passwordExpiry?: string
  roles: string[]
  /** The environment variable holding the password; its value is never kept here. */
  passwordEnv: string
}

export interface ConfigSectionSpec extends Base {
  kind: 'ConfigSection'
  section: string
  values: Record<string, unknown>
}

export interface JobSpec extends Base {
  kind: 'Job'
  id: string
  /** Default: the context's partition. */
  partition?: string
  definition: NewJob
}

export type ObjectSpec = CertificateSpec | CpiSpec | VirtualNodeSpec | RoleSpec | UserSpec | ConfigSectionSpec | JobSpec

/** How an object is named in reports and matched for duplicates. */
export function objectName(spec: ObjectSpec): string {
  switch (spec.kind) {
    case 'Certificate':
      return `${spec.usage}/${spec.alias}`
    case 'Cpi':
      return `${spec.cpiName}@${spec.cpiVersion}`
    case 'VirtualNode':
      return spec.x500
    case 'Role':
      return spec.name
    case 'User':
      return spec.login
    case 'ConfigSection':
      return spec.section
    case 'Job':
      return spec.partition ? `${spec.partition}/${spec.id}` : spec.id
  }
}

/** One problem with the file, where it is. */
export interface Problem extends Location {
  message: string
}
