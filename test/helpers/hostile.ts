// Servers that answer the way a proxy, a broken service or the wrong program on the port does, for tests of how
// the CLI reports them: an HTTP server with a behaviour per path, and a raw TCP server that does not speak HTTP.
// Both listen on 127.0.0.1, port 0, and record what they received.
import {createServer as createHttpServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {createServer as createTcpServer, type Socket} from 'node:net'

export interface ReceivedRequest {
  method: string
  /** Pathname without the query. */
  path: string
  url: string
  headers: IncomingMessage['headers']
}

/** What the server does with a request; it may leave `res` unanswered (a stall) or destroy the socket. */
export type Behaviour = (req: IncomingMessage, res: ServerResponse) => void

/** Any status with a raw body and content type, as given (a Content-Length matching the body, so it is complete). */
export const raw =
  (status: number, contentType: string | undefined, body: string): Behaviour =>
  (_req, res) => {
    const headers: Record<string, string | number> = {'content-length': Buffer.byteLength(body)}
    if (contentType) headers['content-type'] = contentType
    res.writeHead(status, headers).end(body)
  }

export const json = (status: number, body: unknown): Behaviour => raw(status, 'application/json', JSON.stringify(body))

/** The page nginx serves when its upstream is down. */
export const nginxPage = (status: number, reason: string): Behaviour =>
  raw(
    status,
    'text/html',
    `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n`,
  )

/** Never answers: the client's own deadline has to end it. */
export const stall: Behaviour = () => {}

/** Closes the connection without an answer. */
export const hangUp: Behaviour = req => {
  req.socket.destroy()
}

export interface Route {
  /** A path prefix, or a pattern tested against the pathname. */
  path: string | RegExp
  method?: string
  behaviour: Behaviour
}

export interface HostileServer {
  url: string
  /** Everything received, in order. */
  received: ReceivedRequest[]
  /** The log's position now; `since(mark)` is what came after. */
  mark(): number
  since(mark: number): ReceivedRequest[]
  close(): Promise<void>
}

function listening(server: ReturnType<typeof createHttpServer> | ReturnType<typeof createTcpServer>, sockets: Set<Socket>): Promise<{url: string; close: () => Promise<void>}> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>(done => {
            for (const s of sockets) s.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}

/** An HTTP server: the first route whose path (and method) matches answers; anything else gets `fallback` (a JSON 404). */
export async function startHostile(routes: Route[], fallback: Behaviour = json(404, {message: 'no such path on the hostile server'})): Promise<HostileServer> {
  const received: ReceivedRequest[] = []
  const sockets = new Set<Socket>()
  const server = createHttpServer((req, res) => {
    const url = req.url ?? '/'
    const path = url.split('?')[0]!
    received.push({method: req.method ?? '', path, url, headers: req.headers})
    const route = routes.find(r => (r.method === undefined || r.method === req.method) && (typeof r.path === 'string' ? path.startsWith(r.path) : r.path.test(path)))
    // Read the whole request body first, as a server would, so the client is never stuck writing it.
    req.resume()
    req.on('end', () => (route?.behaviour ?? fallback)(req, res))
  })
  const {url, close} = await listening(server, sockets)
  return {url, received, mark: () => received.length, since: mark => received.slice(mark), close}
}

export interface TcpServer {
  url: string
  /** Connections accepted. */
  connections: () => number
  close(): Promise<void>
}

/** A TCP server that is not HTTP: on each connection it writes `reply` and closes, whatever it was sent. */
export async function startGarbage(reply = 'SSH-2.0-OpenSSH_9.6 not-http\r\n\u0000\u0001\u0002garbage\r\n\r\n'): Promise<TcpServer> {
  let count = 0
  const sockets = new Set<Socket>()
  const server = createTcpServer(socket => {
    count++
    socket.on('error', () => {})
    socket.end(reply)
  })
  const {url, close} = await listening(server, sockets)
  return {url, connections: () => count, close}
}
