// Checks every service of a context in parallel: shared by `cluster status` and `login`.
import {checkCorda, checkJobService, checkWorkerManager, type ServiceHealth} from '../api/health.js'
import type {ServiceName} from '../api/errors.js'
import type {ClientFactory} from './clients.js'
import {WorkerctlError} from '../errors.js'

export async function checkServices(clients: ClientFactory, services = clients.configured()): Promise<ServiceHealth[]> {
  return Promise.all(services.map(service => checkOne(clients, service)))
}

async function checkOne(clients: ClientFactory, service: ServiceName): Promise<ServiceHealth> {
  const probe = clients.probe(service)
  try {
    if (service === 'corda') return await checkCorda(await clients.corda({probe: true}), probe)
    if (service === 'workerManager') return await checkWorkerManager(await clients.workerManager(), probe)
    return await checkJobService(await clients.jobService(), probe)
  } catch (error) {
    // Missing credentials: report the service as not authenticated rather than failing the whole check.
    if (!(error instanceof WorkerctlError)) throw error
    return {service, url: probe.url, healthy: false, reachable: false, tls: 'unknown', authenticated: false, latencyMs: null, error: error.message, hint: error.hint}
  }
}
