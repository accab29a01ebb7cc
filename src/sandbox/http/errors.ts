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

/** Dropwizard's own errors (Jackson's JsonProcessingExceptionMapper: unreadable JSON) also carry the code. */
export function dropwizardError(status: number, message: string): SandboxResponse {
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
  // A 405 says which methods it takes; the Job Service answers a wrong method through its own exception mapper, which
  // builds a new response (no Allow), and Corda answers 404.
  if (problem.kind === 'methodNotAllowed' && response.status === 405 && service !== 'jobService') response.headers = {...response.headers, allow: problem.allowed.join(', ')}
  return response
}

/** How each service words each problem. */
type Shapes = {[K in Problem['kind']]: (problem: Extract<Problem, {kind: K}>) => SandboxResponse}

const REGARDS: Shapes = {
  notFound: p => regardsError(404, `No endpoint ${p.method} ${p.path}.`),
  methodNotAllowed: p => regardsError(405, `Request method '${p.method}' is not supported`),
  badJson: p => regardsError(400, `JSON parse error: ${p.reason}`),
  tooLarge: p => regardsError(413, `Request body is larger than ${p.limit} bytes`),
  unavailable: () => regardsError(503, 'Service unavailable'),
  internal: () => regardsError(500, 'Internal server error'),
}

const PLAIN: Shapes = {
  notFound: () => plain(404, 'Not Found'),
  methodNotAllowed: () => plain(405, 'Method Not Allowed'),
  badJson: () => plain(400, 'Bad Request'),
  tooLarge: () => plain(413, 'Payload Too Large'),
  unavailable: () => plain(503, 'Service Unavailable'),
  internal: () => plain(500, 'Internal Server Error'),
}

const SHAPES: Record<Service, Shapes> = {
  // Javalin 4.6.8 as the REST worker configures it (docs/sandbox-fidelity/corda-core.md): no route is Javalin's
  // NotFoundResponse, and so is a wrong method (prefer405over404 is false); an oversized POST/PUT is refused before
  // authentication; an unexpected exception is HttpExceptionMapper's catch-all.
  corda: {
    notFound: () => cordaError(404, 'Not found'),
    methodNotAllowed: () => cordaError(404, 'Not found'),
    badJson: p => cordaError(400, "Unable to parse parameter 'request'", {cause: 'JsonParseException', reason: p.reason}),
    tooLarge: p => cordaError(400, `Content length is ${p.size} which exceeds the maximum limit of ${p.limit}.`),
    unavailable: () => cordaError(503, 'Service unavailable'),
    internal: () => cordaError(500, 'Unexpected error occurred.'),
  },
  workerManager: REGARDS,
  auth: REGARDS,
  // Jersey's routing errors are WebApplicationExceptions without an entity, so they go to the closest ExceptionMapper:
  // the service's ApiExceptionMapper<Exception> beats Dropwizard's LoggingExceptionMapper<Throwable>, and its else
  // branch answers 500 with the exception's message (job-service api/ApiExceptionMapper.java).
  jobService: {
    notFound: () => jobServiceError(500, 'HTTP 404 Not Found'),
    methodNotAllowed: () => jobServiceError(500, 'HTTP 405 Method Not Allowed'),
    badJson: () => dropwizardError(400, 'Unable to process JSON'),
    tooLarge: () => dropwizardError(413, 'HTTP 413 Request Entity Too Large'),
    unavailable: () => jobServiceError(503, 'Service unavailable'),
    internal: () => jobServiceError(500, 'Internal server error'),
  },
  sandbox: PLAIN,
  unknown: PLAIN,
}

function shaped(service: Service, problem: Problem): SandboxResponse {
  return (SHAPES[service][problem.kind] as (p: Problem) => SandboxResponse)(problem)
}
