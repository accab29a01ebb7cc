import {ServiceCommand} from '../../cli/service-command.js'
import {roleTable} from '../../format/rbac.js'

export default class RoleList extends ServiceCommand {
  static override summary = 'List the roles'
  static override examples = ['<%= config.bin %> role list', '<%= config.bin %> role list -o json']

  async run(): Promise<void> {
    await this.parse(RoleList)
    const corda = await this.corda()
    await this.output(await corda.roles.list(), {table: roleTable})
  }
}
