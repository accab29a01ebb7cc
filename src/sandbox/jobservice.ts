// CAF Job Service (job-service.md): no authentication of its own; a bearer header is accepted and ignored.
// Later modules (jobs, partitions) register under JOBS_BASE.
import type {SandboxContext} from './context.js'
import type {Router} from './router.js'
import {JOBS_BASE} from './services.js'

export function registerJobService(router: Router, _ctx: SandboxContext): void {
  router.add('GET', `${JOBS_BASE}/ping`, () => ({status: 200, body: {success: true}}))
}
