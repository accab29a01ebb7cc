import {Args, Flags} from '@oclif/core'
import {ensureRole} from '../../api/corda/ops/rbac.js'
import {ROLE_TEMPLATE_NAMES, ROLE_TEMPLATES, templatePermissions} from '../../api/corda/rbac-templates.js'
import {ServiceCommand} from '../../cli/service-command.js'
import {UsageError} from '../../errors.js'
import {roleView} from '../../format/rbac.js'

const TEMPLATES = ROLE_TEMPLATE_NAMES.map(name => `  ${name.padEnd(16)}${ROLE_TEMPLATES[name].description}${ROLE_TEMPLATES[name].perVnode ? ' (--vnode)' : ''}`).join('\n')

export default class RoleCreate extends ServiceCommand {
  static override summary = 'Create a role, optionally with the permissions of a template'
  static override description = `Idempotent: an existing role of that name is "unchanged" when it already has every permission of the template, and is given only the missing ones otherwise ("updated"). Permissions equal to existing ones are reused, never duplicated.

Templates:
${TEMPLATES}

JSON: the RoleResponseType plus result and addedPermissions.`

  static override examples = [
    '<%= config.bin %> role create Operators',
    '<%= config.bin %> role create VNodeCreatorRole --template vnode-creator',
    '<%= config.bin %> role create FlowExecutor-Alice --template flow-executor --vnode Alice',
  ]

  static override args = {name: Args.string({required: true, description: 'role name'})}
  static override flags = {
    template: Flags.option({options: ROLE_TEMPLATE_NAMES, description: 'give the role the permissions of a template'})(),
    vnode: Flags.string({description: 'the virtual node of a per-node template (short hash, X.500 name, CN or O)'}),
    'group-visibility': Flags.string({description: 'group visibility of the role'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RoleCreate)
    if (flags.vnode && !flags.template) throw new UsageError('--vnode goes with --template (a per-node template such as flow-executor)')
    const corda = await this.corda()
    const hash = flags.template && flags.vnode ? await corda.vnodes.shortHash(flags.vnode) : undefined
    const permissions = flags.template ? templatePermissions(flags.template, hash) : []
    const role = await ensureRole(corda, args.name, {groupVisibility: flags['group-visibility'], permissions, deadline: this.deadline, signal: this.abort.signal})
    // The table format spells the permissions out.
    const known = this.out.format === 'table' && role.permissions.length > 0 ? await corda.permissions.index() : undefined
    await this.output(role, roleView(known))
  }
}
