// The test MCP server of PKCE Playground: a real MCP server (official TypeScript SDK, Streamable HTTP)
// protected by the demo authorization server (tests/servers/authorization-server.mjs).
//
//   node tests/servers/mcp-server.mjs --port 9500 --issuer http://localhost:9000 --origins http://localhost:5173
//   (env MCP_PORT, AS_ISSUER and PLAYGROUND_ORIGINS are accepted too; --port 0 picks a free port)
//
// URLs (BASE = http://localhost:PORT):
//   BASE/mcp                                         the compliant MCP server (resource identifier = this URL)
//   BASE/v/<variant>/mcp                             a deliberately broken variant (see VARIANTS)
//   BASE/.well-known/oauth-protected-resource/mcp    RFC 9728 metadata, path-inserted form
//   BASE/.well-known/oauth-protected-resource/v/<variant>/mcp
//   BASE/.well-known/oauth-protected-resource        root form: metadata of BASE/mcp
//
// Auth: every MCP request needs `Authorization: Bearer <JWT access token>` from the issuer, verified with
// jose (signature by the issuer's jwks_uri, iss, aud = the exact MCP URL, typ at+jwt). Otherwise 401 with
// `WWW-Authenticate: Bearer resource_metadata="…", scope="openid"` (+ error="invalid_token" when a token
// was sent). CORS for the playground origins, exposing WWW-Authenticate and Mcp-Session-Id.

import { randomUUID } from 'node:crypto'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { z } from 'zod'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { isInitializeRequest, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import {
  ANY_ORIGIN,
  closeServers,
  exitOnSignal,
  isMain,
  listenOnLoopback,
  readBody,
  requestListener,
  sendJson,
  serverArgs,
  serverErrorJson,
} from './lib.mjs'

/** Broken variants, served under /v/<id>/mcp. */
export const VARIANTS = Object.freeze({
  'no-prm': 'No protected resource metadata: the challenge URL and the path-inserted well-known URL answer 404 (D16).',
  'no-challenge-metadata':
    '401 challenge without resource_metadata; PRM only at the path-inserted well-known URL (client must fall back).',
  'prm-resource-mismatch': 'PRM "resource" is the bare origin instead of the MCP URL (D17).',
  'prm-resource-not-exact':
    'PRM "resource" differs only in host case: equal after URL normalisation, not as a string (D17).',
  'prm-no-authorization-servers': 'PRM has no authorization_servers (D18).',
  'no-expose': 'CORS allowed but WWW-Authenticate is not in Access-Control-Expose-Headers (X10).',
  'no-cors': 'No CORS headers at all, not even on the preflight (X10).',
  'json-response': 'Compliant, but answers POSTs with application/json instead of an SSE stream.',
  'duplicate-tools': 'Compliant, but tools/list names the tool "echo" twice (a hostile or buggy server).',
  'as-no-pkce':
    'PRM names the fault issuer <issuer>/faults/pkce-methods-absent, whose metadata has no code_challenge_methods_supported (MCP clients MUST stop).',
  'as-dcr-200':
    'PRM names the fault issuer <issuer>/faults/registration-status-200: registration answers 200, not 201 (D19).',
  'as-dcr-auth-changed':
    'PRM names the fault issuer <issuer>/faults/registration-auth-changed: registered as client_secret_basic with a secret (D21).',
  'as-dcr-rejects-redirect':
    'PRM names the fault issuer <issuer>/faults/registration-rejects-redirect-uri: 400 invalid_redirect_uri (D22).',
})

/** Variants whose PRM names another authorization server: variant → path appended to the issuer. */
const VARIANT_ISSUER_PATHS = Object.freeze({
  'as-no-pkce': '/faults/pkce-methods-absent',
  'as-dcr-200': '/faults/registration-status-200',
  'as-dcr-auth-changed': '/faults/registration-auth-changed',
  'as-dcr-rejects-redirect': '/faults/registration-rejects-redirect-uri',
})

export const SCOPES_SUPPORTED = ['openid', 'profile', 'email']
export const CHALLENGE_SCOPE = 'openid'
const PRM_PREFIX = '/.well-known/oauth-protected-resource'

/** @param {string} variant @param {string} text */
function createMcp(variant, text) {
  const server = new McpServer({ name: 'pkce-playground-test-mcp', version: '1.0.0' })
  server.registerTool(
    'echo',
    { description: 'Echoes the text it is given.', inputSchema: { text: z.string() } },
    async ({ text: t }) => ({ content: [{ type: 'text', text: t }] }),
  )
  server.registerTool('time', { description: `Tells the server's current time (ISO 8601). ${text}` }, async () => ({
    content: [{ type: 'text', text: new Date().toISOString() }],
  }))
  if (variant === 'duplicate-tools') {
    // McpServer refuses to register a name twice; the low-level handler answers what a buggy server would.
    server.server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        { name: 'echo', description: 'Echoes the text it is given.', inputSchema: { type: 'object' } },
        { name: 'echo', description: 'A second tool with the same name.', inputSchema: { type: 'object' } },
        { name: 'time', description: 'Tells the time.', inputSchema: { type: 'object' } },
      ],
    }))
  }
  return server
}

/**
 * Starts the test MCP server.
 * @param {object} options
 * @param {number} options.port                 0 picks a free port
 * @param {string} options.issuer               the authorization server (e.g. the demo AS url)
 * @param {string[]} options.playgroundOrigins  origins allowed by CORS
 * @param {string} [options.resourcePath]       path of the compliant MCP endpoint (default /mcp)
 * @param {string} [options.host]               host name in the URLs (listening is on loopback only)
 * @returns {Promise<{ url: string, base: string, port: number, variantUrl(v: string): string, close(): Promise<void> }>}
 */
export async function startMcpServer({ port, issuer, playgroundOrigins, resourcePath = '/mcp', host = 'localhost' }) {
  const origins = playgroundOrigins.map((o) => new URL(o).origin)
  issuer = issuer.replace(/\/$/, '')
  /** The authorization server a variant names in its PRM (and whose tokens it accepts). */
  const issuerFor = (/** @type {string} */ variant) =>
    `${issuer}${Object.hasOwn(VARIANT_ISSUER_PATHS, variant) ? VARIANT_ISSUER_PATHS[/** @type {keyof typeof VARIANT_ISSUER_PATHS} */ (variant)] : ''}`
  /** @type {Map<string, ReturnType<typeof createRemoteJWKSet>>} issuer → its key set */
  const jwksByIssuer = new Map()
  async function getJwks(/** @type {string} */ iss) {
    const known = jwksByIssuer.get(iss)
    if (known) return known
    const meta = await (await fetch(`${iss}/.well-known/openid-configuration`)).json()
    const set = createRemoteJWKSet(new URL(meta.jwks_uri))
    jwksByIssuer.set(iss, set)
    return set
  }

  /** @type {Map<string, { transport: StreamableHTTPServerTransport, server: McpServer }>} */
  const sessions = new Map()

  const { servers, port: publicPort } = await listenOnLoopback(
    requestListener(handle, { label: '[MCP] error', answer: serverErrorJson(500) }),
    port,
  )
  const base = `http://${host}:${publicPort}`
  const mcpUrlOf = (/** @type {string} */ variant) => `${base}${variant ? `/v/${variant}` : ''}${resourcePath}`

  /** @param {string} variant */
  function prmFor(variant) {
    const resource = mcpUrlOf(variant)
    /** @type {Record<string, unknown>} */
    const doc = {
      resource,
      authorization_servers: [issuerFor(variant)],
      scopes_supported: SCOPES_SUPPORTED,
      bearer_methods_supported: ['header'],
      resource_name: `PKCE Playground test MCP server${variant ? ` (${variant})` : ''}`,
    }
    if (variant === 'prm-resource-mismatch') doc.resource = `${base}/`
    if (variant === 'prm-resource-not-exact') doc.resource = resource.replace(host, host.toUpperCase())
    if (variant === 'prm-no-authorization-servers') delete doc.authorization_servers
    return doc
  }

  /** CORS headers for this request ({} when the origin is not allowed or the variant has none). */
  function cors(/** @type {import('node:http').IncomingMessage} */ req, /** @type {string} */ variant) {
    const origin = req.headers.origin
    if (!origin || variant === 'no-cors' || !origins.includes(origin)) return {}
    return {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': variant === 'no-expose' ? 'Mcp-Session-Id' : 'WWW-Authenticate, Mcp-Session-Id',
      vary: 'Origin',
    }
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', base)
    let path = url.pathname
    const isPrm = path === PRM_PREFIX || path.startsWith(`${PRM_PREFIX}/`)
    if (isPrm) path = path.slice(PRM_PREFIX.length) || '/'
    let variant = ''
    const m = /^\/v\/([^/]+)(\/.*)$/.exec(path)
    if (m) {
      variant = decodeURIComponent(m[1] ?? '')
      path = m[2] ?? '/'
      if (!Object.hasOwn(VARIANTS, variant)) {
        await readBody(req)
        return sendJson(res, 404, { error: 'unknown_variant', variants: Object.keys(VARIANTS) }, ANY_ORIGIN)
      }
    }
    const corsHeaders = cors(req, variant)

    if (req.method === 'OPTIONS') {
      await readBody(req)
      /** @type {Record<string, string>} */
      const h = { ...corsHeaders }
      if (h['access-control-allow-origin']) {
        h['access-control-allow-methods'] = 'GET, POST, DELETE, OPTIONS'
        h['access-control-allow-headers'] =
          'authorization, content-type, mcp-protocol-version, mcp-session-id, last-event-id'
        h['access-control-max-age'] = '600'
      }
      res.writeHead(204, h)
      return res.end()
    }

    if (isPrm) {
      await readBody(req)
      // The root form describes the compliant server; a variant has only its path-inserted form.
      const known = path === '/' ? !variant : path === resourcePath
      if (!known || variant === 'no-prm' || req.method !== 'GET') {
        return sendJson(res, 404, { error: 'not_found' }, ANY_ORIGIN)
      }
      return sendJson(res, 200, prmFor(path === '/' ? '' : variant), ANY_ORIGIN)
    }

    if (path !== resourcePath) {
      await readBody(req)
      return sendJson(res, 404, { error: 'not_found' }, corsHeaders)
    }

    // ---- the MCP endpoint: authenticate first --------------------------------------------------
    const mcpUrl = mcpUrlOf(variant)
    const authz = req.headers.authorization ?? ''
    const token = /^Bearer\s+(\S+)$/i.exec(authz)?.[1]
    /** @type {string | undefined} */
    let tokenError
    if (token) {
      try {
        const iss = issuerFor(variant)
        await jwtVerify(token, await getJwks(iss), { issuer: iss, audience: mcpUrl, typ: 'at+jwt' })
      } catch (err) {
        tokenError = err instanceof Error ? err.message : String(err)
      }
    }
    if (!token || tokenError) {
      await readBody(req)
      const params = []
      if (variant !== 'no-challenge-metadata') {
        params.push(`resource_metadata="${base}${PRM_PREFIX}${variant ? `/v/${variant}` : ''}${resourcePath}"`)
      }
      params.push(`scope="${CHALLENGE_SCOPE}"`)
      if (tokenError) {
        params.push('error="invalid_token"', `error_description="${tokenError.replace(/["\\]/g, "'")}"`)
      }
      return sendJson(
        res,
        401,
        { jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized' }, id: null },
        { ...corsHeaders, 'www-authenticate': `Bearer ${params.join(', ')}` },
      )
    }

    for (const [k, v] of Object.entries(corsHeaders)) res.setHeader(k, v)
    const sessionId = req.headers['mcp-session-id']
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined
    if (existing) return existing.transport.handleRequest(req, res)

    if (req.method !== 'POST') {
      await readBody(req)
      return sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32000, message: 'No valid session' }, id: null })
    }
    const raw = await readBody(req)
    /** @type {unknown} */
    let body
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch {
      return sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null })
    }
    if (sessionId !== undefined || !isInitializeRequest(body)) {
      return sendJson(res, sessionId ? 404 : 400, {
        jsonrpc: '2.0',
        error: { code: -32000, message: sessionId ? 'Session not found' : 'No session: send initialize first' },
        id: null,
      })
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: variant === 'json-response',
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server })
      },
    })
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId)
    }
    const server = createMcp(variant, variant ? `(variant ${variant})` : '')
    await server.connect(transport)
    await transport.handleRequest(req, res, body)
  }

  return {
    url: mcpUrlOf(''),
    base,
    port: publicPort,
    variantUrl: (v) => mcpUrlOf(v),
    async close() {
      for (const { transport, server } of sessions.values()) {
        await transport.close().catch(() => {})
        await server.close().catch(() => {})
      }
      sessions.clear()
      await closeServers(servers)
    },
  }
}

// ---- CLI -----------------------------------------------------------------------------------------
if (isMain(import.meta.url)) {
  const { port, origins, host, values } = serverArgs({
    defaultPort: 9500,
    env: { port: 'MCP_PORT', origins: 'PLAYGROUND_ORIGINS' },
    extra: ['issuer'],
  })
  const issuer = values.issuer ?? process.env.AS_ISSUER ?? 'http://localhost:9000'
  const server = await startMcpServer({ port, issuer, playgroundOrigins: origins, host })
  console.log(`MCP server at ${server.url} (issuer ${issuer}, origins ${origins.join(' ')})`)
  console.log(`  variants: ${server.base}/v/<id>/mcp for ${Object.keys(VARIANTS).join(', ')}`)
  exitOnSignal(() => server.close())
}
