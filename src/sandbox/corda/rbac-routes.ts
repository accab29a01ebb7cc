// Corda RBAC endpoints (corda-rest.md §8): users, roles and permissions, each in its own module, registered here in
// this order after the built-in admin is seeded. Who may call what is rbac-auth.ts.
import type {SandboxContext} from '../context.js'
import type {Router} from '../http/router.js'
import {registerPermissionRoutes} from './permission-routes.js'
import {seedRbac} from './rbac-auth.js'
import {registerRoleRoutes} from './role-routes.js'
import {cordaRoute} from './route.js'
import {registerUserRoutes} from './user-routes.js'
import {PLATFORM_VERSION} from './versions.js'

export function registerRbac(router: Router, ctx: SandboxContext): void {
  seedRbac(ctx)
  for (const resource of ['user', 'role', 'permission']) {
    cordaRoute(router, ctx, 'GET', `/${resource}/getprotocolversion`, () => ({status: 200, body: PLATFORM_VERSION}), {auth: false})
  }

  registerUserRoutes(router, ctx)
  registerRoleRoutes(router, ctx)
  registerPermissionRoutes(router, ctx)
}
