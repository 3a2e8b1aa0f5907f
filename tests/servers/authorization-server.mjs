// The demo authorization server of PKCE Playground: the real oidc-provider, plus deliberately broken
// variants ("faults") mounted under /faults/<fault-id>.
//
//   node tests/servers/authorization-server.mjs --port 9000 --origins http://localhost:5173,http://127.0.0.1:5173
//   (env AS_PORT and PLAYGROUND_ORIGINS are accepted too; --port 0 picks a free port)
//
// Layout:
//   browser ──► front server (localhost:PORT) ──► internal server (127.0.0.1:random) ──► oidc-provider instance
//                 │ picks the instance by path: "/" → compliant issuer http://localhost:PORT
//                 │                             "/faults/<id>/…" → issuer http://localhost:PORT/faults/<id>
//                 └ the fault layer: runs the fault's onRequest/onResponse hooks (tests/servers/faults.mjs)
// The front server forwards method, path, Host, cookies and body unchanged, and returns status, headers
// (Set-Cookie, Location, CORS) and body unchanged, unless a fault hook rewrites them.

import http from 'node:http'
import { randomBytes } from 'node:crypto'
import Provider from 'oidc-provider'
import { generateKeyPair, exportJWK } from 'jose'
import { FAULTS } from './faults.mjs'
import {
  ANY_ORIGIN,
  closeServers,
  exitOnSignal,
  isMain,
  listen,
  listenOnLoopback,
  readBody,
  requestListener,
  sendJson as sendJsonWith,
  serverArgs,
  serverErrorJson,
} from './lib.mjs'

// Every provider instance (root + one per fault) repeats oidc-provider's start-up warnings: print each once.
const seenWarnings = new Set()
const originalWarn = console.warn
console.warn = (...args) => {
  const first = String(args[0] ?? '')
  if (first.includes('oidc-provider WARNING')) {
    if (seenWarnings.has(first)) return
    seenWarnings.add(first)
  }
  originalWarn.apply(console, args)
}

export const CLIENTS = Object.freeze({
  public: 'pkce-playground',
  noCors: 'pkce-playground-nocors',
  basic: 'pkce-playground-basic',
  post: 'pkce-playground-post',
  /** public; require_pushed_authorization_requests: a plain authorization request is refused (RFC 9126 §6) */
  par: 'pkce-playground-par',
  /** public; dpop_bound_access_tokens, and every DPoP proof must carry a server nonce (RFC 9449 §5.2, §8) */
  dpop: 'pkce-playground-dpop',
})
export const SECRETS = Object.freeze({ basic: 'demo-secret-basic', post: 'demo-secret-post' })
export const SCOPES = ['openid', 'profile', 'email', 'offline_access']

/** @type {Record<string, string>} route path (relative to the issuer) → endpoint name, see faults.mjs */
const ROUTES = {
  '/.well-known/openid-configuration': 'discovery',
  '/jwks': 'jwks',
  '/auth': 'authorization',
  '/token': 'token',
  '/me': 'userinfo',
  '/token/introspection': 'introspection',
  '/token/revocation': 'revocation',
  '/reg': 'registration',
  '/session/end': 'end_session',
  '/request': 'pushed_authorization_request',
}

/** @param {string} path */
function endpointOf(path) {
  const exact = ROUTES[path]
  if (exact) return exact
  if (path.startsWith('/auth/')) return 'resume'
  if (path.startsWith('/interaction/')) return 'interaction'
  if (path.startsWith('/reg/')) return 'registration'
  if (path.startsWith('/session/end')) return 'end_session'
  return 'other'
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
])

/** @param {http.IncomingHttpHeaders} headers */
function copyHeaders(headers) {
  /** @type {Record<string, string | string[] | undefined>} */
  const out = {}
  for (const [k, v] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(k)) out[k] = v
  }
  return out
}

/** The server's own JSON answers (not the provider's) are readable from any origin. */
const sendJson = (/** @type {http.ServerResponse} */ res, /** @type {number} */ status, /** @type {unknown} */ body) =>
  sendJsonWith(res, status, body, ANY_ORIGIN)

/**
 * Starts the demo authorization server.
 * @param {object} options
 * @param {number} options.port                 0 picks a free port
 * @param {string[]} options.playgroundOrigins  e.g. ['http://localhost:5173', 'http://127.0.0.1:5173']
 * @param {string} [options.host]               host name in the issuer URLs (listening is on loopback only)
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startAuthorizationServer({ port, playgroundOrigins, host = 'localhost' }) {
  const origins = playgroundOrigins.map((o) => new URL(o).origin)
  const redirectUris = origins.map((o) => `${o}/`)

  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'demo-rs256', alg: 'RS256', use: 'sig' }
  const cookieKeys = [randomBytes(32).toString('base64url')]
  // DPoP nonces (RFC 9449 §8): with a nonce secret oidc-provider issues DPoP-Nonce and lists it in
  // Access-Control-Expose-Headers of the token and PAR endpoints and UserInfo.
  const dpopNonceSecret = randomBytes(32)

  // ---- internal server: hosts every provider instance, on a random loopback port ------------------
  /** @type {Map<string, { provider: any, handler: http.RequestListener, mountPath: string, issuer: string, faultId?: string, memory: Map<string, unknown> }>} */
  const instances = new Map()

  /**
   * Completes an interaction without a page: login as "alice", then a grant for what the client asked
   * (oidc-provider's documented interactionDetails / Grant / interactionFinished sequence).
   * @param {any} provider @param {http.IncomingMessage} req @param {http.ServerResponse} res
   */
  async function autoInteraction(provider, req, res) {
    const details = await provider.interactionDetails(req, res)
    const { prompt, params, session } = details
    /** @type {Record<string, unknown>} */
    let result
    if (prompt.name === 'login') {
      result = { login: { accountId: 'alice' } }
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id })
      const missing = prompt.details
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '))
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims)
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, /** @type {string[]} */ (scopes).join(' '))
      }
      result = { consent: { grantId: await grant.save() } }
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true })
  }

  const internal = http.createServer((req, res) => {
    const url = req.url ?? '/'
    const mountPath = /** @type {string} */ (req.headers['x-demo-as-mount'] ?? '')
    delete req.headers['x-demo-as-mount']
    const inst = instances.get(mountPath)
    if (!inst) return sendJson(res, 404, { error: 'not_found' })
    // oidc-provider computes its own URLs from req.baseUrl (the mount path) + the Host header.
    req.url = url.slice(mountPath.length) || '/'
    Object.assign(req, { baseUrl: mountPath })
    // A fault issuer breaks one thing after the login: it signs "alice" in and consents by itself
    // (two redirects instead of two pages), so fault runs spend their time on the fault.
    if (inst.faultId && req.method === 'GET' && /^\/interaction\/[^/?]+/.test(req.url)) {
      autoInteraction(inst.provider, req, res).catch((err) => {
        console.error(`[AS ${inst.faultId}] interaction`, err)
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error' })
      })
      return
    }
    inst.handler(req, res)
  })
  // The front reuses its connections to this server (keep-alive agent below). Node closes an idle
  // connection after 5 s by default; a request written on it at that moment fails with ECONNRESET
  // (seen as a rare 502 on a token request). Idle connections stay open; close() destroys them.
  internal.keepAliveTimeout = 0
  const internalPort = await listen(internal, 0, '127.0.0.1')
  const agent = new http.Agent({ keepAlive: true })

  // ---- front server (127.0.0.1 and ::1) ------------------------------------------------------------
  const { servers: fronts, port: publicPort } = await listenOnLoopback(
    requestListener(handle, {
      label: '[AS] front error',
      answer: serverErrorJson(502, ANY_ORIGIN),
    }),
    port,
  )

  const base = `http://${host}:${publicPort}`

  /** @param {string} mountPath @param {string} [faultId] */
  function createInstance(mountPath, faultId) {
    const issuer = `${base}${mountPath}`
    const fault = faultId ? FAULTS[faultId] : undefined
    /** @type {Record<string, any>} */
    let config = providerConfiguration({
      issuer,
      mountPath,
      faultId,
      origins,
      redirectUris,
      signingKey,
      cookieKeys,
      dpopNonceSecret,
    })
    if (fault?.providerConfig) config = fault.providerConfig(config)
    const provider = new Provider(issuer, config)
    provider.on('server_error', (/** @type {any} */ _ctx, /** @type {any} */ err) => {
      console.error(`[AS ${faultId ?? 'root'}] server_error`, err)
    })
    const inst = { provider, handler: provider.callback(), mountPath, issuer, faultId, memory: new Map() }
    instances.set(mountPath, inst)
    return inst
  }

  createInstance('')

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function handle(req, res) {
    const rawUrl = req.url ?? '/'
    const url = new URL(rawUrl, `http://${req.headers.host ?? `${host}:${publicPort}`}`)
    let path = url.pathname

    // RFC 8414 metadata alias: /.well-known/oauth-authorization-server[/faults/<id>] → that issuer's openid-configuration
    const AS_META = '/.well-known/oauth-authorization-server'
    if (path === AS_META || path.startsWith(`${AS_META}/`)) {
      path = `${path.slice(AS_META.length)}/.well-known/openid-configuration`
    }

    /** @type {string} */
    let mountPath = ''
    /** @type {string | undefined} */
    let faultId
    const m = /^\/faults\/([^/]+)(\/.*)?$/.exec(path)
    if (m) {
      faultId = decodeURIComponent(m[1] ?? '')
      if (!Object.hasOwn(FAULTS, faultId)) {
        await readBody(req)
        return sendJson(res, 404, {
          error: 'unknown_fault',
          error_description: `no fault "${faultId}" on this server`,
          faults: Object.keys(FAULTS),
        })
      }
      mountPath = `/faults/${m[1]}`
    } else if (path === '/faults' || path === '/faults/') {
      await readBody(req)
      return sendJson(
        res,
        200,
        Object.fromEntries(
          Object.entries(FAULTS).map(([id, f]) => [
            id,
            { issuer: `${base}/faults/${id}`, description: f.description, spec: f.spec },
          ]),
        ),
      )
    }

    const inst = instances.get(mountPath) ?? createInstance(mountPath, faultId)
    const fault = faultId ? FAULTS[faultId] : undefined
    const relPath = path.slice(mountPath.length) || '/'

    /** @type {import('./faults.mjs').FaultContext} */
    const ctx = {
      faultId: faultId ?? '',
      issuer: inst.issuer,
      mountPath,
      path: relPath,
      endpoint: /** @type {import('./faults.mjs').Endpoint} */ (endpointOf(relPath)),
      preflight: req.method === 'OPTIONS' && !!req.headers['access-control-request-method'],
      playgroundOrigins: origins,
      redirectUris,
      memory: inst.memory,
      request: {
        method: req.method ?? 'GET',
        url: new URL(`${path}${url.search}`, url),
        headers: copyHeaders(req.headers),
        body: await readBody(req),
      },
      response: undefined,
    }

    // oidc-provider sends no CORS headers on the registration endpoint: allow the playground's origins,
    // so that a browser client can register itself (RFC 7591) the way MCP clients do.
    const regOrigin =
      ctx.endpoint === 'registration' && typeof req.headers.origin === 'string' && origins.includes(req.headers.origin)
        ? req.headers.origin
        : undefined
    if (regOrigin && ctx.preflight) {
      ctx.response = {
        status: 204,
        headers: {
          'access-control-allow-origin': regOrigin,
          'access-control-allow-methods': 'GET, POST, PUT, DELETE',
          'access-control-allow-headers': 'authorization, content-type',
          'access-control-max-age': '600',
          vary: 'Origin',
        },
        body: Buffer.alloc(0),
      }
    }

    if (!ctx.response && fault?.onRequest) await fault.onRequest(ctx)

    if (!ctx.response) {
      /** @type {Record<string, string | string[] | undefined>} */
      const headers = { ...ctx.request.headers, 'x-demo-as-mount': mountPath }
      if (ctx.request.body.length > 0 || !['GET', 'HEAD', 'OPTIONS'].includes(ctx.request.method)) {
        headers['content-length'] = String(ctx.request.body.length)
      }
      const forward = (/** @type {boolean} */ retry) =>
        new Promise((resolve, reject) => {
          const up = http.request(
            {
              host: '127.0.0.1',
              port: internalPort,
              method: ctx.request.method,
              path: ctx.request.url.pathname + ctx.request.url.search,
              headers,
              agent,
            },
            (upRes) => {
              readBody(upRes).then(
                (body) => resolve({ status: upRes.statusCode ?? 502, headers: copyHeaders(upRes.headers), body }),
                reject,
              )
            },
          )
          up.on('error', (err) => {
            // A kept-alive connection closed by the other side just as it was reused: the request never
            // reached the server, so sending it once more on a new connection is safe (Node's advice).
            if (retry && up.reusedSocket && /** @type {NodeJS.ErrnoException} */ (err).code === 'ECONNRESET') {
              forward(false).then(resolve, reject)
            } else reject(err)
          })
          up.end(ctx.request.body)
        })
      ctx.response = await forward(true)
      if (fault?.onResponse) await fault.onResponse(ctx)
    }

    const response = /** @type {import('./faults.mjs').FaultResponse} */ (ctx.response)
    if (regOrigin && !ctx.preflight) {
      response.headers['access-control-allow-origin'] = regOrigin
      response.headers['access-control-expose-headers'] = 'WWW-Authenticate, Location'
      response.headers.vary = 'Origin'
    }
    /** @type {Record<string, string | string[]>} */
    const outHeaders = {}
    for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) outHeaders[k] = v
    if (req.method !== 'HEAD' || response.body.length) outHeaders['content-length'] = String(response.body.length)
    res.writeHead(response.status, outHeaders)
    res.end(req.method === 'HEAD' ? undefined : response.body)
  }

  return {
    url: base,
    port: publicPort,
    async close() {
      agent.destroy()
      await closeServers([...fronts, internal])
    },
  }
}

/**
 * oidc-provider configuration shared by the compliant server and every fault instance.
 * @param {{ issuer: string, mountPath: string, faultId?: string, origins: string[], redirectUris: string[],
 *   signingKey: Record<string, unknown>, cookieKeys: string[], dpopNonceSecret: Buffer }} o
 */
function providerConfiguration({ mountPath, faultId, origins, redirectUris, signingKey, cookieKeys, dpopNonceSecret }) {
  const cookieSuffix = faultId ? `_${faultId.replace(/[^A-Za-z0-9]/g, '_')}` : ''
  const cookiePath = mountPath || '/'
  /** @param {string} client_id @param {Record<string, unknown>} extra */
  const client = (client_id, extra) => ({
    client_id,
    application_type: 'web',
    redirect_uris: redirectUris,
    post_logout_redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...extra,
  })

  return {
    clients: [
      client(CLIENTS.public, { token_endpoint_auth_method: 'none' }),
      client(CLIENTS.noCors, { token_endpoint_auth_method: 'none' }),
      client(CLIENTS.basic, { token_endpoint_auth_method: 'client_secret_basic', client_secret: SECRETS.basic }),
      client(CLIENTS.post, { token_endpoint_auth_method: 'client_secret_post', client_secret: SECRETS.post }),
      client(CLIENTS.par, { token_endpoint_auth_method: 'none', require_pushed_authorization_requests: true }),
      client(CLIENTS.dpop, { token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true }),
    ],
    jwks: { keys: [signingKey] },
    cookies: {
      keys: cookieKeys,
      names: {
        session: `_session${cookieSuffix}`,
        interaction: `_interaction${cookieSuffix}`,
        resume: `_interaction_resume${cookieSuffix}`,
      },
      long: { httpOnly: true, sameSite: 'lax', path: cookiePath },
      short: { httpOnly: true, sameSite: 'lax', path: cookiePath },
    },
    scopes: SCOPES,
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
    },
    // Put the user's claims into the ID token too: with a resource the access token is a JWT for that API
    // (see below), which oidc-provider's userinfo endpoint never accepts, so the ID token is where the
    // playground sees them then. Without a resource the opaque access token works at userinfo (/me).
    conformIdTokenClaims: false,
    /** @param {any} _ctx @param {string} sub */
    async findAccount(_ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          const local = sub.replace(/[^A-Za-z0-9._-]/g, '') || 'user'
          return { sub, name: `Demo User ${sub}`, email: `${local}@example.com`, email_verified: true }
        },
      }
    },
    clientBasedCORS(/** @type {any} */ _ctx, /** @type {string} */ origin, /** @type {any} */ c) {
      if (c.clientId === CLIENTS.noCors) return false
      return origins.includes(origin)
    },
    pkce: {
      // public clients must use PKCE (S256 is the only method oidc-provider 9 supports)
      required: (/** @type {any} */ _ctx, /** @type {any} */ c) => c.clientAuthMethod === 'none',
    },
    // Issue a refresh token to every client allowed the refresh_token grant, whether or not
    // offline_access survived (oidc-provider drops offline_access unless the request has prompt=consent).
    issueRefreshToken: async (/** @type {any} */ _ctx, /** @type {any} */ c) => c.grantTypeAllowed('refresh_token'),
    features: {
      devInteractions: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      registration: { enabled: true, initialAccessToken: false },
      rpInitiatedLogout: { enabled: true },
      clientCredentials: { enabled: false },
      // DPoP (RFC 9449): proofs are accepted from every client (a request without one gets a Bearer
      // token as before); the dpop client must also carry a server nonce, so its flow shows the
      // use_dpop_nonce round trip. The CORS preflight echoes Access-Control-Request-Headers (dpop).
      dPoP: {
        enabled: true,
        nonceSecret: dpopNonceSecret,
        requireNonce: (/** @type {any} */ ctx) => requestClientId(ctx) === CLIENTS.dpop,
      },
      // PAR (RFC 9126): on for every client; required only for the par client (per client, so the
      // metadata's require_pushed_authorization_requests stays false).
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      resourceIndicators: {
        enabled: true,
        // No default audience: a request without `resource` gets an opaque access token for UserInfo
        // (oidc-provider's userinfo endpoint refuses audience-restricted tokens); a request with `resource`
        // gets a JWT access token for that resource (getResourceServerInfo below). At the token endpoint
        // useGrantedResource picks the resource granted with the code.
        async defaultResource(/** @type {any} */ _ctx, /** @type {any} */ _client, /** @type {any} */ oneOf) {
          return oneOf ?? undefined
        },
        useGrantedResource: async () => true,
        async getResourceServerInfo(/** @type {any} */ _ctx, /** @type {string} */ resource) {
          const url = URL.parse(resource)
          if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
            throw new Provider.errors.InvalidTarget('resource must be an absolute http(s) URL')
          }
          return {
            scope: SCOPES.join(' '),
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 3600,
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 120,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
    },
  }
}

/**
 * The client of a request, for features.dPoP.requireNonce: the client oidc-provider has loaded, or the
 * client_id of the form body (token and PAR requests of public clients) or of the query.
 * @param {any} ctx
 */
function requestClientId(ctx) {
  return (
    ctx.oidc?.client?.clientId ?? ctx.oidc?.params?.client_id ?? ctx.request?.body?.client_id ?? ctx.query?.client_id
  )
}

// ---- CLI -----------------------------------------------------------------------------------------
if (isMain(import.meta.url)) {
  const { port, origins, host } = serverArgs({
    defaultPort: 9000,
    env: { port: 'AS_PORT', origins: 'PLAYGROUND_ORIGINS' },
  })
  const server = await startAuthorizationServer({ port, playgroundOrigins: origins, host })
  console.log(`AS listening on ${server.url}`)
  console.log(
    `  clients: ${Object.values(CLIENTS).join(', ')}; redirect_uris: ${origins.map((o) => `${o}/`).join(' ')}`,
  )
  console.log(`  faults:  ${server.url}/faults/<id> for ${Object.keys(FAULTS).join(', ')}`)
  exitOnSignal(() => server.close())
}
