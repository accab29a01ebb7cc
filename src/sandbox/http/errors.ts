// Error bodies in each service's own shape (reference notes: corda-rest §4, worker-manager §1 and §10,
// job-service §7). Handlers build their errors here; the pipeline uses `frameworkError` for the rest.
import type {Service} from '../services.js'
import type {SandboxResponse} from './router.js'

/** Corda: always `{title, status, details}`, details a flat string map. */
export function cordaError(status: number, title: string, details: Record<string, string> = {}): SandboxResponse {
  return {status, body: {title, status, details}}
}

/** REGARDS GlobalControllerAdvice: `{messages: [...]}`. */
export function regardsError(status: number, ...messages: string[]): SandboxResponse {
  return {status, body: {messages}}
}

/** Spring's own error body: what the REGARDS JWT filter answers through `sendError`. */
export function springError(status: number, error: string, message: string, path: string): SandboxResponse {
  return {status, body: {timestamp: new Date().toISOString(), status, error, message, path}}
}

/** Spring Security OAuth2 token endpoint errors. */
export function oauthError(status: number, error: string, description: string, headers?: Record<string, string>): SandboxResponse {
  return {status, body: {error, error_description: description}, ...(headers ? {headers} : {})}
}

/** Job Service ApiExceptionMapper: `{message}`. */
export function jobServiceError(status: number, message: string): SandboxResponse {
  return {status, body: {message}}
}

/** Dropwizard's own errors (unknown path, wrong method, unreadable JSON) also carry the code. */
function dropwizardError(status: number, message: string): SandboxResponse {
  return {status, body: {code: status, message}}
}

function plain(status: number, text: string): SandboxResponse {
  return {status, body: text, contentType: 'text/plain; charset=utf-8'}
}

export type Problem =
  | {kind: 'notFound'; method: string; path: string}
  | {kind: 'methodNotAllowed'; method: string; allowed: string[]}
  | {kind: 'badJson'; reason: string}
  | {kind: 'tooLarge'; size: number; limit: number}
  | {kind: 'unavailable'}
  | {kind: 'internal'}

/** Errors raised before or around a handler, in the shape of the service the path belongs to. */
export function frameworkError(service: Service, problem: Problem): SandboxResponse {
  const response = shaped(service, problem)
  if (problem.kind === 'methodNotAllowed') response.headers = {...response.headers, allow: problem.allowed.join(', ')}
  return response
}

function shaped(service: Service, p: Problem): SandboxResponse {
  switch (service) {
    case 'corda':
      switch (p.kind) {
        case 'notFound': return cordaError(404, `Endpoint ${p.method} ${p.path} not found`)
        case 'methodNotAllowed': return cordaError(405, 'Method not allowed', {availableMethods: p.allowed.join(', ')})
        case 'badJson': return cordaError(400, 'Unable to parse request body.', {cause: 'JsonParseException', reason: p.reason})
        // Corda refuses an oversized body with 400 and this title (corda-rest §3).
        case 'tooLarge': return cordaError(400, `Content length is ${p.size} which exceeds the maximum limit of ${p.limit}.`)
        case 'unavailable': return cordaError(503, 'Service unavailable')
        case 'internal': return cordaError(500, 'Unexpected internal error occurred.')
      }
      break
    case 'workerManager':
    case 'auth':
      switch (p.kind) {
        case 'notFound': return regardsError(404, `No endpoint ${p.method} ${p.path}.`)
        case 'methodNotAllowed': return regardsError(405, `Request method '${p.method}' is not supported`)
        case 'badJson': return regardsError(400, `JSON parse error: ${p.reason}`)
        case 'tooLarge': return regardsError(413, `Request body is larger than ${p.limit} bytes`)
        case 'unavailable': return regardsError(503, 'Service unavailable')
        case 'internal': return regardsError(500, 'Internal server error')
      }
      break
    case 'jobService':
      switch (p.kind) {
        case 'notFound': return dropwizardError(404, 'HTTP 404 Not Found')
        case 'methodNotAllowed': return dropwizardError(405, 'HTTP 405 Method Not Allowed')
        case 'badJson': return dropwizardError(400, 'Unable to process JSON')
        case 'tooLarge': return dropwizardError(413, 'HTTP 413 Request Entity Too Large')
        case 'unavailable': return jobServiceError(503, 'Service unavailable')
        case 'internal': return jobServiceError(500, 'Internal server error')
      }
      break
    case 'sandbox':
    case 'unknown':
      break
  }
  switch (p.kind) {
    case 'notFound': return plain(404, 'Not Found')
    case 'methodNotAllowed': return plain(405, 'Method Not Allowed')
    case 'badJson': return plain(400, 'Bad Request')
    case 'tooLarge': return plain(413, 'Payload Too Large')
    case 'unavailable': return plain(503, 'Service Unavailable')
    case 'internal': return plain(500, 'Internal Server Error')
  }
}
