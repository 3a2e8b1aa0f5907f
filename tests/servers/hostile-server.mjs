// A deliberately malicious, protocol-shaped authorization server for the playground's security tests
// (tests/e2e/security.spec.ts). Home-made on purpose: a real server library would refuse to serve
// most of this. Every issuer lives under /h/<variant>; each variant carries one kind of attack:
//
//   xss         discovery, JWKS, token response, claims and headers full of HTML/script payloads,
//               javascript:/data: URLs and __proto__ keys; the flow itself works (tokens verify)
//   js-authz    authorization_endpoint = "javascript:window.__pwned=1"                  (faults.csv S03)
//   data-authz  authorization_endpoint = "data:text/html,<script>…</script>"
//   proto       the endpoints only inside a "__proto__" member (raw JSON text)
//   huge        a 10 MB discovery document
//   deep        a discovery document nested 10 000 levels deep
//   phish       the token endpoint answers invalid_grant with HTML and phishing text      (S04)
//   phish-authz the authorization endpoint redirects back with error_description HTML and a javascript: error_uri
//   mixup       the authorization response carries another issuer's iss                  (S12)
//   echo        the token response echoes the code_verifier, JSON-escaped (\u00XX) and base64url-encoded,
//               and the refresh token percent-encoded: redaction must still find them
//   big-token   a valid token response padded past 256 KiB (the playground's size cap)
//   split       the login at the real server (forwardTokenTo's), the token endpoint /steal/token: a forged
//               link names this issuer, the user signs in where they always do, and the code comes here
//
// And an attacker's token endpoint that a forged share link points at (`#token_endpoint=…`):
//   /steal/token   forwards the token request to `forwardTokenTo` (the real AS) and returns its answer,
//                  keeping every form it received (`stolen()`): the page sees real, verified tokens
//
// The authorization endpoint never shows a login page: it redirects straight back to the redirect_uri
// (only to a playground origin given at start-up: even a hostile test server is no open redirector).
//
//   node tests/servers/hostile-server.mjs --port 9460 --origins http://localhost:4173,http://127.0.0.1:4173
import { createHash, randomBytes } from 'node:crypto'
import { generateKeyPair, exportJWK, CompactSign } from 'jose'
import { closeServers, isMain, listenOnLoopback, requestListener, send, serverArgs } from './lib.mjs'

export const VARIANTS = Object.freeze([
  'xss',
  'js-authz',
  'data-authz',
  'proto',
  'huge',
  'deep',
  'phish',
  'phish-authz',
  'mixup',
  'echo',
  'big-token',
  'split',
])

/** Script payloads. Every one of them, if it ever ran, sets window.__pwned. */
export const PAYLOADS = Object.freeze({
  img: '<img src=x onerror="window.__pwned=1">',
  script: '<script>window.__pwned=1</script>',
  svg: '<svg onload="window.__pwned=1"></svg>',
  jsUrl: 'javascript:window.__pwned=1',
  dataUrl: 'data:text/html,<script>window.__pwned=1</script>',
  phishing:
    'Your account is LOCKED. Call support now at +1-555-0100 or log in at https://support.example.invalid/unlock to restore access.',
})

const KID = `${PAYLOADS.script}"'><b>kid</b>`
const TEN_MB = 10 * 1024 * 1024

/** Headers with odd but valid (Latin-1, no CR/LF) values, exposed to the page by CORS. */
const WEIRD_HEADERS = {
  'x-evil': `${PAYLOADS.img}${PAYLOADS.script}`,
  'x-evil-url': PAYLOADS.jsUrl,
  link: `<${PAYLOADS.jsUrl}>; rel="service-doc", <${PAYLOADS.dataUrl}>; rel="help"`,
  'www-authenticate': `Bearer realm="${PAYLOADS.svg}", error_uri="${PAYLOADS.jsUrl}"`,
  refresh: `0; url=${PAYLOADS.jsUrl}`,
  'x-long': 'A'.repeat(4000),
}
const EXPOSE = Object.keys(WEIRD_HEADERS).join(', ')

/**
 * Starts the hostile server.
 * @param {object} options
 * @param {number} options.port                 0 picks a free port
 * @param {string[]} options.playgroundOrigins  origins allowed by CORS and as redirect targets
 * @param {string} [options.host]               host name used in issuer URLs (default localhost)
 * @param {string} [options.forwardTokenTo]     the real token endpoint /steal/token forwards to
 * @returns {Promise<{ url: string, port: number, issuer(variant: string): string, stealUrl: string, stolen(): URLSearchParams[], close(): Promise<void> }>}
 */
export async function startHostileServer({ port, playgroundOrigins, host = 'localhost', forwardTokenTo }) {
  /** @type {URLSearchParams[]} every token request form /steal/token received */
  const stolen = []
  const origins = new Set(playgroundOrigins.map((o) => new URL(o).origin))
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' }
  /** @type {Map<string, { variant: string, nonce?: string, challenge?: string, clientId?: string, redirectUri?: string, resource?: string }>} */
  const codes = new Map()
  let base = ''
  const issuerOf = (variant) => `${base}/h/${variant}`

  /** Metadata as raw JSON text (so "__proto__" keys stay own members, as a real parser sees them). */
  function discoveryText(variant) {
    const iss = issuerOf(variant)
    const honest = {
      issuer: iss,
      authorization_endpoint: `${iss}/authorize`,
      token_endpoint: `${iss}/token`,
      jwks_uri: `${iss}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      scopes_supported: ['openid'],
      authorization_response_iss_parameter_supported: true,
    }
    switch (variant) {
      case 'xss': {
        const doc = {
          ...honest,
          scopes_supported: ['openid', PAYLOADS.img, PAYLOADS.script],
          claims_supported: ['sub', PAYLOADS.svg],
          service_documentation: PAYLOADS.jsUrl,
          op_policy_uri: PAYLOADS.dataUrl,
          op_tos_uri: 'JaVaScRiPt:window.__pwned=1',
          logo_uri: `javascript:${encodeURIComponent('window.__pwned=1')}`,
          registration_endpoint: ` ${PAYLOADS.jsUrl}`,
          end_session_endpoint: PAYLOADS.jsUrl,
          [PAYLOADS.script]: PAYLOADS.img,
          'x-html': `</pre></code>${PAYLOADS.script}${PAYLOADS.img}<a href="${PAYLOADS.jsUrl}">click</a>`,
        }
        const text = JSON.stringify(doc)
        return `{"__proto__":{"polluted":"yes","authorization_endpoint":"${PAYLOADS.jsUrl}"},"constructor":{"prototype":{"polluted":"yes"}},${text.slice(1)}`
      }
      case 'js-authz':
        return JSON.stringify({ ...honest, authorization_endpoint: PAYLOADS.jsUrl })
      case 'data-authz':
        return JSON.stringify({ ...honest, authorization_endpoint: PAYLOADS.dataUrl })
      case 'proto': {
        // No own endpoints: they exist only inside "__proto__". A naive merge would pick them up.
        const { authorization_endpoint: _a, token_endpoint: _t, jwks_uri: _j, ...rest } = honest
        return `{"__proto__":{"polluted":"yes","authorization_endpoint":"${PAYLOADS.jsUrl}","token_endpoint":"${PAYLOADS.jsUrl}"},"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(rest).slice(1)}`
      }
      case 'huge': {
        const head = JSON.stringify(honest).slice(0, -1)
        const pad = TEN_MB - head.length - 32
        return `${head},"x_padding":"${'<script>window.__pwned=1</script>'.repeat(Math.ceil(pad / 33)).slice(0, pad)}"}`
      }
      case 'deep': {
        const depth = 10_000
        return `${JSON.stringify(honest).slice(0, -1)},"x_nested":${'{"a":'.repeat(depth)}"${PAYLOADS.script}"${'}'.repeat(depth)},"x_array":${'['.repeat(depth)}${']'.repeat(depth)}}`
      }
      case 'split': {
        // The real server's login and keys, this server's token endpoint (which forwards the code on).
        const real = forwardTokenTo ? new URL(forwardTokenTo).origin : iss
        return JSON.stringify({
          ...honest,
          authorization_endpoint: `${real}/auth`,
          token_endpoint: `${base}/steal/token`,
          jwks_uri: `${real}/jwks`,
        })
      }
      default:
        return JSON.stringify(honest)
    }
  }

  function jwksText() {
    const key = JSON.stringify(jwk)
    const extra = JSON.stringify({ kty: 'oct', kid: PAYLOADS.img, k: 'AAAA', x5u: PAYLOADS.jsUrl, use: 'sig' })
    return `{"__proto__":{"polluted":"yes"},"keys":[${key},${extra}]}`
  }

  /** Signs a JWT over exactly this payload text (RS256 with the published key). */
  async function sign(payloadText, typ) {
    return new CompactSign(new TextEncoder().encode(payloadText))
      .setProtectedHeader({ alg: 'RS256', kid: KID, typ })
      .sign(privateKey)
  }

  async function tokenResponse(variant, grant) {
    const iss = issuerOf(variant)
    const now = Math.floor(Date.now() / 1000)
    const evilClaims = {
      name: PAYLOADS.script,
      given_name: PAYLOADS.img,
      email: `${PAYLOADS.img}@example.com`,
      picture: PAYLOADS.jsUrl,
      website: PAYLOADS.dataUrl,
      profile: 'javascript:window.__pwned=1//https://example.com/',
      'x-html': `</td></tr></table>${PAYLOADS.svg}`,
    }
    const raw = (obj) =>
      `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${JSON.stringify(obj).slice(1)}`
    const idToken = await sign(
      raw({
        iss,
        sub: PAYLOADS.img,
        aud: grant.clientId,
        exp: now + 600,
        iat: now,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
        ...evilClaims,
      }),
      'JWT',
    )
    const accessToken = await sign(
      raw({
        iss,
        sub: PAYLOADS.img,
        aud: grant.resource || grant.clientId,
        client_id: grant.clientId,
        scope: `openid ${PAYLOADS.script}`,
        exp: now + 600,
        iat: now,
        jti: randomBytes(8).toString('hex'),
        ...evilClaims,
      }),
      'at+jwt',
    )
    if (variant === 'echo' || variant === 'big-token') {
      const refresh = randomBytes(24).toString('base64url') + '/+='
      const honest = {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'openid',
        id_token: idToken,
        refresh_token: refresh,
      }
      if (variant === 'big-token') return JSON.stringify({ ...honest, x_padding: 'A'.repeat(300 * 1024) })
      const v = grant.verifier ?? ''
      // The verifier with every character \u-escaped: the same JSON string, not the same text.
      const escaped = [...v].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
      return `${JSON.stringify(honest).slice(0, -1)},"x_debug":"you sent ${escaped}","x_b64":"${Buffer.from(`verifier=${v}`).toString('base64url')}","x_pct":"${encodeURIComponent(encodeURIComponent(refresh))}"}`
    }
    const body = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 600,
      scope: `openid ${PAYLOADS.img}`,
      id_token: idToken,
      [PAYLOADS.script]: PAYLOADS.jsUrl,
      error_description: PAYLOADS.phishing,
    }
    return raw(body)
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  function cors(req, res) {
    const origin = req.headers.origin
    if (origin && origins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin)
      res.setHeader('vary', 'origin')
      res.setHeader('access-control-expose-headers', EXPOSE)
    }
    for (const [k, v] of Object.entries(WEIRD_HEADERS)) res.setHeader(k, v)
  }

  async function readForm(req) {
    const chunks = []
    let size = 0
    for await (const c of req) {
      size += c.length
      if (size > 64 * 1024) break
      chunks.push(c)
    }
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', base)
    cors(req, res)
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST')
      res.setHeader('access-control-allow-headers', 'authorization, content-type, dpop')
      res.statusCode = 204
      res.end()
      return
    }
    if (url.pathname === '/steal/token') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only')
      const form = await readForm(req)
      stolen.push(form)
      if (!forwardTokenTo) return send(res, 400, 'application/json', '{"error":"invalid_grant"}')
      const upstream = await fetch(forwardTokenTo, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: req.headers.origin ?? '' },
        body: form,
      })
      return send(
        res,
        upstream.status,
        upstream.headers.get('content-type') ?? 'application/json',
        await upstream.text(),
      )
    }
    // /h/<variant>/<rest>, /.well-known/<kind>/h/<variant>
    let m = /^\/\.well-known\/(?:oauth-authorization-server|openid-configuration)\/h\/([a-z-]+)$/.exec(url.pathname)
    m ??= /^\/h\/([a-z-]+)\/\.well-known\/openid-configuration$/.exec(url.pathname)
    if (m) {
      const variant = m[1]
      if (!VARIANTS.includes(variant)) return send(res, 404, 'application/json', '{"error":"not_found"}')
      return send(res, 200, 'application/json; charset=utf-8', discoveryText(variant))
    }
    m = /^\/h\/([a-z-]+)\/(authorize|token|jwks)$/.exec(url.pathname)
    if (!m || !VARIANTS.includes(m[1])) return send(res, 404, 'text/html', `<h1>Not found</h1>${PAYLOADS.script}`)
    const [, variant, endpoint] = m
    if (endpoint === 'jwks') return send(res, 200, 'application/jwk-set+json', jwksText())
    if (endpoint === 'authorize') {
      const q = url.searchParams
      let redirect
      try {
        redirect = new URL(q.get('redirect_uri') ?? '')
      } catch {
        return send(res, 400, 'text/plain', 'bad redirect_uri')
      }
      if (!origins.has(redirect.origin)) return send(res, 400, 'text/plain', 'redirect_uri not at a playground origin')
      const state = q.get('state')
      if (state !== null) redirect.searchParams.set('state', state)
      if (variant === 'phish-authz') {
        redirect.searchParams.set('error', 'access_denied')
        redirect.searchParams.set('error_description', `${PAYLOADS.phishing} ${PAYLOADS.script}${PAYLOADS.img}`)
        redirect.searchParams.set('error_uri', PAYLOADS.jsUrl)
        redirect.searchParams.set('iss', issuerOf(variant))
      } else {
        const code = randomBytes(16).toString('base64url')
        codes.set(code, {
          variant,
          nonce: q.get('nonce') ?? undefined,
          challenge: q.get('code_challenge') ?? undefined,
          clientId: q.get('client_id') ?? undefined,
          redirectUri: q.get('redirect_uri') ?? undefined,
          resource: q.get('resource') ?? undefined,
        })
        redirect.searchParams.set('code', code)
        if (variant === 'xss') {
          // Extra response parameters named like Object.prototype members, with markup values.
          redirect.searchParams.set('__proto__', PAYLOADS.img)
          redirect.searchParams.set('constructor', PAYLOADS.script)
          redirect.searchParams.set('error_uri', PAYLOADS.jsUrl)
        }
        // mixup: the response claims to come from another issuer (RFC 9207 must catch it).
        redirect.searchParams.set('iss', variant === 'mixup' ? issuerOf('xss') : issuerOf(variant))
      }
      res.statusCode = 302
      res.setHeader('location', redirect.href)
      res.end()
      return
    }
    // token endpoint
    if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only')
    const form = await readForm(req)
    if (variant === 'phish') {
      return send(
        res,
        400,
        'application/json',
        JSON.stringify({
          error: 'invalid_grant',
          error_description: `<b>${PAYLOADS.phishing}</b> ${PAYLOADS.script}${PAYLOADS.img}<a href="${PAYLOADS.jsUrl}">Unlock</a>`,
          error_uri: PAYLOADS.jsUrl,
        }),
      )
    }
    const code = form.get('code') ?? ''
    const grant = codes.get(code)
    codes.delete(code)
    if (!grant || grant.variant !== variant) {
      return send(
        res,
        400,
        'application/json',
        JSON.stringify({ error: 'invalid_grant', error_description: 'unknown code' }),
      )
    }
    const verifier = form.get('code_verifier') ?? ''
    grant.verifier = verifier
    if (grant.challenge && createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) {
      return send(
        res,
        400,
        'application/json',
        JSON.stringify({ error: 'invalid_grant', error_description: 'PKCE verification failed' }),
      )
    }
    return send(res, 200, 'application/json', await tokenResponse(variant, grant))
  }

  // On 127.0.0.1 only (no ::1 listener).
  const { servers, port: actualPort } = await listenOnLoopback(
    requestListener(handle, { answer: (res, err) => send(res, 500, 'text/plain', String(err)) }),
    port,
    { ipv6: false },
  )
  base = `http://${host}:${actualPort}`
  return {
    url: base,
    port: actualPort,
    issuer: issuerOf,
    stealUrl: `${base}/steal/token`,
    stolen: () => [...stolen],
    close: () => closeServers(servers),
  }
}

if (isMain(import.meta.url)) {
  const { port, origins, host } = serverArgs({ defaultPort: 9460 })
  const server = await startHostileServer({ port, playgroundOrigins: origins, host })
  console.log(`hostile server on ${server.url}; issuers: ${VARIANTS.map((v) => server.issuer(v)).join(' ')}`)
}
