// What the test servers (authorization-server.mjs, mcp-server.mjs, hostile-server.mjs, static-server.mjs)
// and the scripts that drive them over plain HTTP (smoke.mjs, tests/unit/http-login.ts) share: bodies and
// answers, listening on loopback and closing, the command line, and a cookie jar.

import http from 'node:http'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'

// ---- bodies and answers ----------------------------------------------------------------------------

/** CORS for anyone: discovery-like documents and error answers that any page may read. */
export const ANY_ORIGIN = Object.freeze({ 'access-control-allow-origin': '*' })

/**
 * Reads a whole request (or response) body.
 * @param {import('node:stream').Readable} stream
 * @returns {Promise<Buffer>}
 */
export function readBody(stream) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = []
    stream.on('data', (c) => chunks.push(c))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

/**
 * Answers with pretty-printed JSON, never cached; `headers` adds to (or overrides) the JSON headers.
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const buf = Buffer.from(JSON.stringify(body, null, 2))
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(buf.length),
    'cache-control': 'no-store',
    ...headers,
  })
  res.end(buf)
}

/**
 * Answers with a body of the given content type, never cached (on top of the headers already set).
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} type
 * @param {string | Buffer} body
 */
export function send(res, status, type, body) {
  res.statusCode = status
  res.setHeader('content-type', type)
  res.setHeader('cache-control', 'no-store')
  res.end(body)
}

/**
 * A request listener around an async handler. When the handler fails, the error is logged (with `label`)
 * and answered by `answer`, or, once the headers have gone out, the connection is dropped.
 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<unknown>} handle
 * @param {{ label?: string, answer: (res: http.ServerResponse, err: unknown) => void }} onError
 * @returns {http.RequestListener}
 */
export function requestListener(handle, { label, answer }) {
  return (req, res) => {
    handle(req, res).catch((err) => {
      if (label) console.error(label, err)
      if (!res.headersSent) answer(res, err)
      else res.destroy()
    })
  }
}

/**
 * An `answer` for requestListener: `{ error: 'server_error', error_description }` as JSON.
 * @param {number} status
 * @param {Record<string, string>} [headers]
 * @returns {(res: http.ServerResponse, err: unknown) => void}
 */
export function serverErrorJson(status, headers = {}) {
  return (res, err) => sendJson(res, status, { error: 'server_error', error_description: String(err) }, headers)
}

// ---- listening and closing ---------------------------------------------------------------------------

/**
 * Listens on host:port (port 0 picks a free one); rejects when it cannot (port taken).
 * @param {http.Server} server
 * @param {number} port
 * @param {string} host
 * @returns {Promise<number>} the port listened on
 */
export async function listen(server, port, host) {
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve(undefined))
  })
  return /** @type {import('node:net').AddressInfo} */ (server.address()).port
}

/**
 * Serves `onRequest` on the loopback interface: 127.0.0.1:port (port 0 picks a free one) and, because
 * browsers resolve "localhost" to ::1 as well, on [::1] at the same port where IPv6 loopback exists.
 * @param {http.RequestListener} onRequest
 * @param {number} port
 * @param {{ ipv6?: boolean }} [options]  ipv6: false listens on 127.0.0.1 only
 * @returns {Promise<{ servers: http.Server[], port: number }>}
 */
export async function listenOnLoopback(onRequest, port, { ipv6 = true } = {}) {
  const first = http.createServer(onRequest)
  const actualPort = await listen(first, port, '127.0.0.1')
  const servers = [first]
  if (ipv6) {
    const v6 = http.createServer(onRequest)
    await new Promise((resolve) => {
      v6.once('error', () => resolve(undefined))
      v6.listen(actualPort, '::1', () => {
        servers.push(v6)
        resolve(undefined)
      })
    })
  }
  return { servers, port: actualPort }
}

/**
 * Stops the servers and destroys their open connections (kept-alive ones too), so that close ends at once.
 * @param {http.Server[]} servers
 * @returns {Promise<void>}
 */
export async function closeServers(servers) {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise((resolve) => {
          s.close(() => resolve(undefined))
          s.closeAllConnections()
        }),
    ),
  )
}

// ---- command line ------------------------------------------------------------------------------------

/** The playground's origins when none are given: the Vite dev server. */
export const DEFAULT_ORIGINS = 'http://localhost:5173,http://127.0.0.1:5173'

/**
 * True when the module at `moduleUrl` (its import.meta.url) is the script node was started with.
 * @param {string} moduleUrl
 */
export function isMain(moduleUrl) {
  return !!process.argv[1] && fileURLToPath(moduleUrl) === process.argv[1]
}

/**
 * A comma-separated list of origins, trimmed, without empty entries.
 * @param {string} list
 * @returns {string[]}
 */
export function splitOrigins(list) {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/**
 * The command line every test server takes: --port, --origins (comma-separated), --host, and the
 * string options named in `extra`. A missing --port or --origins falls back to the environment
 * variable named in `env`, then to the default.
 * @param {{ defaultPort: number, env?: { port?: string, origins?: string }, extra?: string[] }} o
 * @returns {{ port: number, origins: string[], host: string, values: Record<string, string | undefined> }}
 */
export function serverArgs({ defaultPort, env = {}, extra = [] }) {
  /** @type {Record<string, { type: 'string' }>} */
  const options = {}
  for (const name of ['port', 'origins', 'host', ...extra]) options[name] = { type: 'string' }
  const { values } = parseArgs({ options })
  /** @type {Record<string, string | undefined>} */
  const strings = /** @type {any} */ (values)
  const fromEnv = (/** @type {string | undefined} */ name) => (name ? process.env[name] : undefined)
  return {
    port: Number(strings.port ?? fromEnv(env.port) ?? defaultPort),
    origins: splitOrigins(strings.origins ?? fromEnv(env.origins) ?? DEFAULT_ORIGINS),
    host: strings.host ?? 'localhost',
    values: strings,
  }
}

/**
 * On Ctrl-C or SIGTERM: closes, then exits.
 * @param {() => Promise<unknown>} close
 */
export function exitOnSignal(close) {
  const stop = () => close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

// ---- driving a server over plain HTTP ----------------------------------------------------------------

/**
 * A minimal cookie jar, enough for oidc-provider's session and interaction cookies (their names are
 * unique per provider instance, so the name is a good enough key).
 */
export class Jar {
  /** @type {Map<string, string>} */
  cookies = new Map()

  /**
   * Keeps the cookies a response sets, and drops those it expires.
   * @param {Response} res
   */
  store(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';')
      const i = pair.indexOf('=')
      const name = pair.slice(0, i)
      const value = pair.slice(i + 1)
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  /** The Cookie header for the next request. */
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  /**
   * fetch with the jar's cookies, redirects not followed (manual), and the response's cookies kept.
   * @param {string} url
   * @param {RequestInit & { headers?: Record<string, string> }} [init]  headers as a plain object
   * @returns {Promise<Response>}
   */
  async fetch(url, init = {}) {
    const res = await fetch(url, {
      redirect: 'manual',
      ...init,
      headers: { cookie: this.header(), ...(init.headers ?? {}) },
    })
    this.store(res)
    return res
  }
}
