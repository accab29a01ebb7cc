// The CAF Job Service: no auth of its own (a gateway may want a bearer token); the partition is a path segment.
import {randomUUID} from 'node:crypto'
import type {HttpTransport} from '../http.js'
import type {PingResponse} from './types.js'

export const JOB_SERVICE_PATH = '/job-service/v1'

/** Every call carries a fresh CAF-Correlation-Id, so an operator can find it in the service's logs (--verbose shows it). */
export const correlationHeaders = (): Record<string, string> => ({'CAF-Correlation-Id': randomUUID()})

export class JobServiceClient {
  constructor(readonly http: HttpTransport, readonly partition: string) {}

  ping(): Promise<PingResponse> {
    return this.http.get<PingResponse>(`${JOB_SERVICE_PATH}/ping`)
  }
}
