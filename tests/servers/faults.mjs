// Faults: deliberately broken variants of the demo authorization server.
//
// Each fault is served at `http://localhost:PORT/faults/<fault-id>` by its own oidc-provider instance,
// behind a "fault layer" (see authorization-server.mjs) that forwards every request to the provider and
// can rewrite the request before it reaches the provider and the response before it reaches the browser.
// A fault breaks exactly ONE thing; everything else stays the compliant demo server.
//
// Adding a fault = adding an entry to FAULTS below. Hooks:
//   providerConfig(cfg) => cfg   change the oidc-provider configuration of this instance only
//   onRequest(ctx)               before forwarding; mutate ctx.request, or set ctx.response to answer directly
//   onResponse(ctx)              after the provider answered; mutate ctx.response
// Hooks may be async. Use the helpers exported below rather than parsing bodies by hand.

import { createHash, generateKeyPairSync, randomBytes, sign as cryptoSign } from 'node:crypto'

/**
 * @typedef {Record<string, string | string[] | undefined>} Headers  header names are always lower-case
 *
 * @typedef {object} FaultRequest
 * @property {string} method
 * @property {URL} url             full public URL as the browser sent it (path includes /faults/<id>)
 * @property {Headers} headers
 * @property {Buffer} body
 *
 * @typedef {object} FaultResponse
 * @property {number} status
 * @property {Headers} headers
 * @property {Buffer} body
 *
 * @typedef {object} FaultContext
 * @property {string} faultId
 * @property {string} issuer             e.g. http://localhost:9000/faults/state-altered
 * @property {string} mountPath          e.g. /faults/state-altered
 * @property {string} path               path relative to the issuer: '/token', '/auth', '/.well-known/openid-configuration'
 * @property {Endpoint} endpoint         which provider endpoint the request targets
 * @property {boolean} preflight         true for a CORS preflight (OPTIONS with Access-Control-Request-Method)
 * @property {string[]} playgroundOrigins
 * @property {string[]} redirectUris     redirect URIs registered for the built-in clients
 * @property {Map<string, unknown>} memory  state kept per fault instance, across requests
 * @property {FaultRequest} request
 * @property {FaultResponse | undefined} response  undefined in onRequest unless a hook answers directly
 *
 * @typedef {'discovery' | 'jwks' | 'authorization' | 'resume' | 'interaction' | 'token' | 'userinfo'
 *   | 'introspection' | 'revocation' | 'registration' | 'end_session' | 'pushed_authorization_request'
 *   | 'other'} Endpoint
 *
 * @typedef {object} Fault
 * @property {string} description   what is broken, precisely, as a user of the playground would observe it
 * @property {string} spec          the rule that is violated
 * @property {(cfg: Record<string, any>) => Record<string, any>} [providerConfig]
 * @property {(ctx: FaultContext) => void | Promise<void>} [onRequest]
 * @property {(ctx: FaultContext) => void | Promise<void>} [onResponse]
 */

// ---------------------------------------------------------------------------------------------------
// Helpers for fault authors
// ---------------------------------------------------------------------------------------------------

/** @param {Headers} headers @param {string} name */
export function getHeader(headers, name) {
  const v = headers[name.toLowerCase()]
  return Array.isArray(v) ? v.join(', ') : v
}

/** @param {Headers} headers @param {string} name @param {string | string[]} value */
export function setHeader(headers, name, value) {
  headers[name.toLowerCase()] = value
}

/** @param {Headers} headers @param {string} name */
export function deleteHeader(headers, name) {
  delete headers[name.toLowerCase()]
}

/** Removes every Access-Control-* header from a response. @param {FaultResponse} response */
export function stripCors(response) {
  for (const name of Object.keys(response.headers)) {
    if (name.startsWith('access-control-')) delete response.headers[name]
  }
}

/** Form body of the request (application/x-www-form-urlencoded). @param {FaultContext} ctx */
export function getForm(ctx) {
  return new URLSearchParams(ctx.request.body.toString('utf8'))
}

/** Replaces the request body with a form. @param {FaultContext} ctx @param {URLSearchParams} form */
export function setForm(ctx, form) {
  ctx.request.body = Buffer.from(form.toString(), 'utf8')
  setHeader(ctx.request.headers, 'content-type', 'application/x-www-form-urlencoded')
}

/**
 * Authorization request parameters, from the query (GET) or the form body (POST).
 * @param {FaultContext} ctx
 */
export function getAuthorizationParams(ctx) {
  return ctx.request.method === 'POST' ? getForm(ctx) : new URLSearchParams(ctx.request.url.search)
}

/** @param {FaultContext} ctx @param {URLSearchParams} params */
export function setAuthorizationParams(ctx, params) {
  if (ctx.request.method === 'POST') setForm(ctx, params)
  else ctx.request.url.search = params.toString()
}

/** Parsed JSON body of the response, or undefined when it is not JSON. @param {FaultContext} ctx */
export function getJson(ctx) {
  if (!ctx.response) return undefined
  try {
    return JSON.parse(ctx.response.body.toString('utf8'))
  } catch {
    return undefined
  }
}

/** @param {FaultContext} ctx @param {unknown} value @param {string} [contentType] */
export function setJson(ctx, value, contentType = 'application/json; charset=utf-8') {
  if (!ctx.response) throw new Error('setJson: no response yet')
  ctx.response.body = Buffer.from(JSON.stringify(value), 'utf8')
  setHeader(ctx.response.headers, 'content-type', contentType)
}

/** @param {FaultContext} ctx @param {number} status @param {string} contentType @param {string} body */
export function setBody(ctx, status, contentType, body) {
  if (!ctx.response) throw new Error('setBody: no response yet')
  ctx.response.status = status
  ctx.response.body = Buffer.from(body, 'utf8')
  setHeader(ctx.response.headers, 'content-type', contentType)
}

/**
 * If the response is a redirect to one of the registered redirect URIs (the authorization response
 * going back to the client), returns the Location as a URL; otherwise undefined.
 * @param {FaultContext} ctx
 */
export function clientRedirect(ctx) {
  const location = ctx.response && getHeader(ctx.response.headers, 'location')
  if (!location || !ctx.response || ctx.response.status < 300 || ctx.response.status > 399) return undefined
  const url = URL.parse(location, ctx.request.url)
  if (!url) return undefined
  const target = url.origin + url.pathname
  return ctx.redirectUris.includes(target) ? url : undefined
}

/**
 * Edits the parameters of the authorization response (code, state, iss, error, ...) carried by a
 * redirect to the client, in the query or in the fragment (response_mode=fragment). form_post and
 * web_message responses are left alone. Returns true when a redirect was edited.
 * @param {FaultContext} ctx
 * @param {(params: URLSearchParams) => void} edit
 */
export function editClientRedirect(ctx, edit) {
  const url = clientRedirect(ctx)
  if (!url || !ctx.response) return false
  if (url.hash.length > 1) {
    const params = new URLSearchParams(url.hash.slice(1))
    edit(params)
    url.hash = params.toString()
  } else {
    const params = new URLSearchParams(url.search)
    edit(params)
    url.search = params.toString()
  }
  setHeader(ctx.response.headers, 'location', url.href)
  return true
}

/** @param {string} verifier */
export function s256(verifier) {
  return createHash('sha256').update(verifier).digest('base64url')
}

// A verifier only the fault layer knows (43+ characters of the unreserved set, per RFC 7636).
const LAYER_VERIFIER = 'fault-layer-knows-this-verifier-0123456789-abcdefghijklmnop'

const HTML_500 = `<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>
`

const HTML_SPA = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Portal</title>
<script type="module" src="/assets/index-3f9a2c.js"></script></head>
<body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript></body></html>
`

// ---------------------------------------------------------------------------------------------------
// Predicates and editors shared by the data-only faults below
// ---------------------------------------------------------------------------------------------------

/** A GET of the discovery document that the provider answered with 200 (not a preflight). @param {FaultContext} ctx */
export function isMetadata(ctx) {
  return ctx.endpoint === 'discovery' && !ctx.preflight && ctx.request.method === 'GET' && ctx.response?.status === 200
}

/** A GET of the JWKS that the provider answered with 200. @param {FaultContext} ctx */
export function isJwks(ctx) {
  return ctx.endpoint === 'jwks' && !ctx.preflight && ctx.request.method === 'GET' && ctx.response?.status === 200
}

/** A token request (POST, not a preflight), before or after the provider answered. @param {FaultContext} ctx */
export function isTokenPost(ctx) {
  return ctx.endpoint === 'token' && !ctx.preflight && ctx.request.method === 'POST'
}

/** A successful token response (200 JSON from the provider). @param {FaultContext} ctx */
export function isTokenSuccess(ctx) {
  return isTokenPost(ctx) && ctx.response?.status === 200
}

/** Edits a JSON response body in place, keeping its Content-Type. @param {FaultContext} ctx @param {(json: any) => void} edit */
export function editJson(ctx, edit) {
  const json = getJson(ctx)
  if (!json || typeof json !== 'object') return
  edit(json)
  setJson(ctx, json, getHeader(ctx.response?.headers ?? {}, 'content-type') ?? 'application/json; charset=utf-8')
}

/** onResponse hook: edits the discovery document. @param {(md: any, ctx: FaultContext) => void} edit */
const metadata = (edit) => ({
  /** @param {FaultContext} ctx */
  onResponse(ctx) {
    if (isMetadata(ctx)) editJson(ctx, (md) => edit(md, ctx))
  },
})

/** onResponse hook: edits the JSON body of successful token responses. @param {(body: any, ctx: FaultContext) => void} edit */
const tokenBody = (edit) => ({
  /** @param {FaultContext} ctx */
  onResponse(ctx) {
    if (isTokenSuccess(ctx)) editJson(ctx, (body) => edit(body, ctx))
  },
})

/**
 * onResponse hook: replaces the answer to every token POST (the provider processed the request first,
 * so the code is consumed; the provider's CORS headers are kept unless `headers` overrides them).
 * @param {number} status @param {string} contentType @param {string | object} body
 * @param {{ headers?: Record<string, string | undefined>, when?: (ctx: FaultContext) => boolean }} [o]
 */
const tokenAnswer = (status, contentType, body, o = {}) => ({
  /** @param {FaultContext} ctx */
  onResponse(ctx) {
    if (!isTokenPost(ctx) || !ctx.response || (o.when && !o.when(ctx))) return
    setBody(ctx, status, contentType, typeof body === 'string' ? body : JSON.stringify(body))
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (v === undefined) deleteHeader(ctx.response.headers, k)
      else setHeader(ctx.response.headers, k, v)
    }
  },
})

/** onResponse hook: edits the authorization response (code/state/iss/...) redirected to the client. @param {(p: URLSearchParams, ctx: FaultContext) => void} edit */
const callback = (edit) => ({
  /** @param {FaultContext} ctx */
  onResponse(ctx) {
    editClientRedirect(ctx, (p) => edit(p, ctx))
  },
})

/**
 * onRequest hook: the authorization endpoint answers at once (no login) with an error redirect to the
 * client's (registered) redirect_uri, carrying error, error_description, the request's state and iss.
 * @param {string} error @param {string} description @param {(p: URLSearchParams, ctx: FaultContext) => void} [edit]
 */
const authorizeError = (error, description, edit) => ({
  /** @param {FaultContext} ctx */
  onRequest(ctx) {
    if (ctx.endpoint !== 'authorization' || ctx.preflight) return
    const req = getAuthorizationParams(ctx)
    const redirectUri = req.get('redirect_uri') ?? ''
    if (!ctx.redirectUris.includes(redirectUri)) return // unregistered: let the provider show its error page
    const p = new URLSearchParams({ error, error_description: description })
    const state = req.get('state')
    if (state !== null) p.set('state', state)
    p.set('iss', ctx.issuer)
    edit?.(p, ctx)
    const location = new URL(redirectUri)
    location.search = p.toString()
    ctx.response = {
      status: 303,
      headers: { location: location.href, 'cache-control': 'no-store' },
      body: Buffer.alloc(0),
    }
  },
})

/** onResponse hook: edits the JWKS. @param {(jwks: { keys: any[] }) => void} edit */
const jwks = (edit) => ({
  /** @param {FaultContext} ctx */
  onResponse(ctx) {
    if (isJwks(ctx)) editJson(ctx, edit)
  },
})

/** Combines several hook objects into one (hooks run in order). @param {...Partial<Fault>} parts */
function combine(...parts) {
  /** @type {Partial<Fault>} */
  const out = {}
  const reqs = parts.map((p) => p.onRequest).filter(Boolean)
  const resps = parts.map((p) => p.onResponse).filter(Boolean)
  if (reqs.length)
    out.onRequest = async (ctx) => {
      for (const h of reqs) await h?.(ctx)
    }
  if (resps.length)
    out.onResponse = async (ctx) => {
      for (const h of resps) await h?.(ctx)
    }
  return out
}

/** The origin of a request when it is one of the playground's, for hand-made CORS answers. @param {FaultContext} ctx */
function allowedOrigin(ctx) {
  const origin = getHeader(ctx.request.headers, 'origin')
  return origin && ctx.playgroundOrigins.includes(origin) ? origin : undefined
}

// ---- the fault layer's own signing keys (generated at start-up) -------------------------------------
// Faults that change a token re-sign it with a layer key and (usually) publish that key in the fault
// instance's JWKS, so that the ONE broken thing is the claim, not the signature. node:crypto is used
// rather than jose because jose refuses to create RSA keys shorter than 2048 bits (J17).

/** @typedef {{ alg: string, kid: string, privateKey: import('node:crypto').KeyObject, publicKey: import('node:crypto').KeyObject }} LayerKey */
/** @param {string} alg @param {string} kid @param {Parameters<typeof generateKeyPairSync>} args @returns {LayerKey} */
function layerKey(alg, kid, ...args) {
  const { privateKey, publicKey } = /** @type {any} */ (generateKeyPairSync)(...args)
  return { alg, kid, privateKey, publicKey }
}
export const LAYER_KEYS = {
  rs256: layerKey('RS256', 'fault-layer-rs256', 'rsa', { modulusLength: 2048 }),
  es256: layerKey('ES256', 'fault-layer-es256', 'ec', { namedCurve: 'P-256' }),
  rsa1024: layerKey('RS256', 'fault-layer-rsa1024', 'rsa', { modulusLength: 1024 }),
  /** never published: a "rotated away" key */
  unpublished: layerKey('RS256', 'rotated-away-2024', 'rsa', { modulusLength: 2048 }),
  /** published WITH its private members (D14) */
  leaked: layerKey('RS256', 'fault-layer-leaked', 'rsa', { modulusLength: 2048 }),
}

/** @param {LayerKey} k */
export function publicJwk(k) {
  return { ...k.publicKey.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' }
}
/** @param {LayerKey} k */
export function privateJwk(k) {
  return { ...k.privateKey.export({ format: 'jwk' }), kid: k.kid, alg: k.alg, use: 'sig' }
}

/** @param {string} s */
const b64json = (s) => Buffer.from(s, 'utf8').toString('base64url')

/** Decodes a compact JWS (no verification). @param {string} jwt */
export function decodeJws(jwt) {
  const [h = '', p = '', sig = ''] = jwt.split('.')
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
    signature: sig,
  }
}

/**
 * Signs a compact JWS with a layer key (RS256, ES256) or not at all (alg "none").
 * @param {Record<string, unknown>} header @param {Record<string, unknown>} payload @param {LayerKey} [key]
 */
export function signJws(header, payload, key) {
  const input = `${b64json(JSON.stringify(header))}.${b64json(JSON.stringify(payload))}`
  if (header.alg === 'none' || !key) return `${input}.`
  const sig =
    key.alg === 'ES256'
      ? cryptoSign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', Buffer.from(input), key.privateKey)
  return `${input}.${sig.toString('base64url')}`
}

/**
 * Hooks that rewrite one token of every successful token response: `edit` may change the header and
 * payload; the token is then re-signed with `key` (default: the layer's RS256 key), and the keys in
 * `publish` (default: [key]) are added to the instance's JWKS.
 * @param {'id_token' | 'access_token'} kind
 * @param {(t: { header: Record<string, any>, payload: Record<string, any>, now: number }) => void} edit
 * @param {{ key?: LayerKey, publish?: LayerKey[] }} [o]
 */
const resigned = (kind, edit, o = {}) => {
  const key = o.key ?? LAYER_KEYS.rs256
  const publish = o.publish ?? [key]
  return combine(
    publish.length
      ? jwks((set) => {
          set.keys.push(...publish.map(publicJwk))
        })
      : {},
    tokenBody((body) => {
      if (typeof body[kind] !== 'string') return
      const { header: original, payload } = decodeJws(body[kind])
      /** @type {Record<string, any>} */
      const header = { alg: key.alg, kid: key.kid, ...(original.typ ? { typ: original.typ } : {}) }
      edit({ header, payload, now: Math.floor(Date.now() / 1000) })
      body[kind] = signJws(header, payload, header.alg === 'none' ? undefined : key)
    }),
  )
}

/** Flips one byte of a JWS signature (the token is otherwise the provider's own). @param {string} jwt */
function tamperSignature(jwt) {
  const [h, p, s = ''] = jwt.split('.')
  const sig = Buffer.from(s, 'base64url')
  sig[10] = (sig[10] ?? 0) ^ 0xff
  return `${h}.${p}.${sig.toString('base64url')}`
}

/** RFC 7638 thumbprint of the layer's ES256 public key: a cnf.jkt no client's DPoP key has. */
const OTHER_JKT = (() => {
  const { crv, kty, x, y } = /** @type {Record<string, string>} */ (
    LAYER_KEYS.es256.publicKey.export({ format: 'jwk' })
  )
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url')
})()

const NOT_FOUND_HTML =
  '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n'
const BAD_REQUEST_HTML =
  '<!DOCTYPE html>\n<html><head><title>400 Bad Request</title></head><body><h1>Bad Request</h1><p>Your browser sent a request that this server could not understand.</p></body></html>\n'
/** A string that runs script if any part of the page renders server text as HTML (S01). */
export const XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script><b>bold</b>'
const PHISHING =
  'Your account has been locked for security reasons. Call Acme support NOW at +1-800-555-0199 ' +
  'and give them your password and the code from this page to unlock it: https://acme-support.example/unlock'

// ---------------------------------------------------------------------------------------------------
// The faults
// ---------------------------------------------------------------------------------------------------

/** @type {Record<string, Fault>} */
export const FAULTS = {
  'state-altered': {
    description:
      'Every authorization response redirected to the client (success or error) carries a different `state` ' +
      'than the one the client sent: the value becomes "altered-" + the original. Everything else (code, iss) is intact, ' +
      'so a client that does not compare state would happily redeem the code.',
    spec: 'RFC 6749 §4.1.2: state is REQUIRED in the response if it was present in the request, with the exact value received from the client.',
    onResponse(ctx) {
      editClientRedirect(ctx, (p) => {
        const state = p.get('state')
        if (state !== null) p.set('state', `altered-${state}`)
      })
    },
  },

  'state-dropped': {
    description:
      'Every authorization response redirected to the client (success or error) lacks the `state` parameter, ' +
      'even though the client sent one. code and iss are intact.',
    spec: 'RFC 6749 §4.1.2: state is REQUIRED in the response if it was present in the request.',
    onResponse(ctx) {
      editClientRedirect(ctx, (p) => p.delete('state'))
    },
  },

  'iss-missing': {
    description:
      'The metadata advertises `authorization_response_iss_parameter_supported: true`, but the authorization ' +
      'response redirected to the client has no `iss` parameter (success and error responses).',
    spec: 'RFC 9207 §2 and §3: a server that advertises authorization_response_iss_parameter_supported MUST include iss in every authorization response.',
    onResponse(ctx) {
      if (ctx.endpoint === 'discovery' && !ctx.preflight) {
        const metadata = getJson(ctx)
        if (metadata && typeof metadata === 'object') {
          metadata.authorization_response_iss_parameter_supported = true
          setJson(ctx, metadata, getHeader(ctx.response?.headers ?? {}, 'content-type'))
        }
        return
      }
      editClientRedirect(ctx, (p) => p.delete('iss'))
    },
  },

  'discovery-html': {
    description:
      'The discovery document (/.well-known/openid-configuration, and the RFC 8414 alias) answers 200 with ' +
      'Content-Type text/html and an HTML page (a single-page-app shell), as when a front-end catch-all route ' +
      'swallows the path. CORS headers are kept, so the browser can read it. The JWKS and all other endpoints work.',
    spec: 'OpenID Connect Discovery 1.0 §4.2 / RFC 8414 §3.2: the response is 200 with Content-Type application/json and a JSON object.',
    onResponse(ctx) {
      if (ctx.endpoint === 'discovery' && !ctx.preflight && ctx.response) {
        setBody(ctx, 200, 'text/html; charset=utf-8', HTML_SPA)
      }
    },
  },

  'token-no-cors': {
    description:
      'Responses of the token endpoint lose Access-Control-Allow-Origin (and the other Access-Control-* headers), ' +
      'for successful AND error answers. The CORS preflight (OPTIONS) still succeeds, and the request is really ' +
      'processed: a public client\'s simple POST redeems the code, but the browser hides the answer ("Failed to fetch").',
    spec: 'Fetch standard CORS protocol: a cross-origin response is only exposed to the page when it carries a matching Access-Control-Allow-Origin.',
    onResponse(ctx) {
      if (ctx.endpoint === 'token' && !ctx.preflight && ctx.response) stripCors(ctx.response)
    },
  },

  'token-type-lowercase': {
    description:
      'Successful token responses carry `token_type: "bearer"` (lower case) instead of "Bearer". Everything else is intact. ' +
      'token_type is case-insensitive per RFC 6749, so a strict client that compares it case-sensitively breaks.',
    spec: 'RFC 6749 §5.1 and §7.1: token_type value is case insensitive; RFC 6750 uses "Bearer". (Interoperability, not a violation.)',
    onResponse(ctx) {
      if (ctx.endpoint !== 'token' || ctx.preflight) return
      const body = getJson(ctx)
      if (body && typeof body === 'object' && typeof body.token_type === 'string') {
        body.token_type = body.token_type.toLowerCase()
        setJson(ctx, body, getHeader(ctx.response?.headers ?? {}, 'content-type'))
      }
    },
  },

  'token-html-500': {
    description:
      'The token endpoint answers every POST with status 500, Content-Type text/html and an nginx-style HTML error page. ' +
      'The request still reaches the provider first (so the authorization code IS consumed), and the CORS headers the ' +
      'provider set are kept, so the page can read the 500 and the HTML.',
    spec: 'RFC 6749 §5.1/§5.2: token responses are application/json; errors are 400 (or 401 for invalid_client) with an error code.',
    onResponse(ctx) {
      if (ctx.endpoint === 'token' && !ctx.preflight && ctx.request.method === 'POST' && ctx.response) {
        setBody(ctx, 500, 'text/html; charset=utf-8', HTML_500)
      }
    },
  },

  'pkce-not-enforced': {
    description:
      'The server accepts ANY code_verifier (a wrong one, or none at all) when redeeming a code. The layer replaces the ' +
      'code_challenge of every authorization request (and PAR) with the S256 challenge of a verifier only the layer knows, ' +
      'and puts that verifier into every authorization_code token request, so the real provider issues tokens whatever ' +
      'verifier the client sent. Discovery still advertises code_challenge_methods_supported: ["S256"].',
    spec: 'RFC 7636 §4.6: the server MUST verify code_verifier against the code_challenge and reject the request (invalid_grant) if they differ.',
    onRequest(ctx) {
      if (
        ctx.endpoint === 'authorization' ||
        (ctx.endpoint === 'pushed_authorization_request' && ctx.request.method === 'POST')
      ) {
        const params = getAuthorizationParams(ctx)
        params.set('code_challenge', s256(LAYER_VERIFIER))
        params.set('code_challenge_method', 'S256')
        setAuthorizationParams(ctx, params)
      } else if (ctx.endpoint === 'token' && ctx.request.method === 'POST') {
        const form = getForm(ctx)
        if (form.get('grant_type') === 'authorization_code') {
          form.set('code_verifier', LAYER_VERIFIER)
          setForm(ctx, form)
        }
      }
    },
  },

  'code-replay-accepted': {
    description:
      "An authorization code can be redeemed more than once. The layer remembers the provider's 200 answer to every " +
      'authorization_code token request (by code) and answers any later request for the same code with that stored ' +
      'answer, without forwarding it: the provider never sees the replay, so it neither refuses it nor revokes the grant.',
    spec: 'RFC 6749 §4.1.2, §10.5: codes are single use; a second use MUST be denied and SHOULD revoke the tokens issued for it.',
    onRequest(ctx) {
      if (!isTokenPost(ctx)) return
      const form = getForm(ctx)
      if (form.get('grant_type') !== 'authorization_code') return
      const stored = /** @type {FaultResponse | undefined} */ (ctx.memory.get(`code:${form.get('code')}`))
      if (stored)
        ctx.response = { status: stored.status, headers: { ...stored.headers }, body: Buffer.from(stored.body) }
    },
    onResponse(ctx) {
      if (!isTokenSuccess(ctx) || !ctx.response) return
      const form = getForm(ctx)
      const code = form.get('code')
      if (form.get('grant_type') !== 'authorization_code' || !code) return
      ctx.memory.set(`code:${code}`, {
        status: ctx.response.status,
        headers: { ...ctx.response.headers },
        body: Buffer.from(ctx.response.body),
      })
    },
  },

  'redirect-uri-not-checked': {
    description:
      'The token endpoint does not compare redirect_uri with the authorization request. The layer replaces a redirect_uri ' +
      'that is not registered (e.g. "<registered>?probe=redirect-uri-mismatch") in authorization_code token requests with ' +
      'the registered redirect URI of the same origin (or the first registered one), so the provider issues tokens.',
    spec: 'RFC 6749 §4.1.3: redirect_uri MUST be identical to the one of the authorization request.',
    onRequest(ctx) {
      if (!isTokenPost(ctx)) return
      const form = getForm(ctx)
      const sent = form.get('redirect_uri')
      if (form.get('grant_type') !== 'authorization_code' || sent === null || ctx.redirectUris.includes(sent)) return
      const origin = URL.parse(sent)?.origin
      const registered = ctx.redirectUris.find((u) => new URL(u).origin === origin) ?? ctx.redirectUris[0]
      if (!registered) return
      form.set('redirect_uri', registered)
      setForm(ctx, form)
    },
  },

  'pkce-plain-accepted-silently': {
    description:
      'The authorization endpoint accepts code_challenge_method=plain although the metadata advertises only ["S256"]. ' +
      '(oidc-provider 9 supports S256 only, so the layer turns a plain challenge into the S256 challenge of the same ' +
      'verifier: the token request with the plain verifier then succeeds.)',
    spec: 'RFC 7636 §4.4.1: an unsupported code_challenge_method must be refused (invalid_request); RFC 8414 §2; RFC 9700 §2.1.1.',
    onRequest(ctx) {
      if (ctx.preflight) return
      if (
        ctx.endpoint !== 'authorization' &&
        !(ctx.endpoint === 'pushed_authorization_request' && ctx.request.method === 'POST')
      )
        return
      const params = getAuthorizationParams(ctx)
      const challenge = params.get('code_challenge')
      if (params.get('code_challenge_method') !== 'plain' || !challenge) return
      params.set('code_challenge', s256(challenge))
      params.set('code_challenge_method', 'S256')
      setAuthorizationParams(ctx, params)
    },
    // The provider's own metadata already says ["S256"]; pin it, in case the defaults ever change.
    ...metadata((md) => {
      md.code_challenge_methods_supported = ['S256']
    }),
  },

  // ===== Discovery (D) ==============================================================================

  'metadata-wrong-well-known': {
    description:
      'D01: the metadata is served only at {issuer}/.well-known/oauth-authorization-server (the RFC 8414 suffix APPENDED to the path issuer, a common mistake); the RFC 8414 inserted form and the OIDC forms answer 404.',
    spec: 'RFC 8414 §3.1 (well-known inserted between host and path); OpenID Connect Discovery 1.0 §4.1 (appended).',
    onRequest(ctx) {
      if (ctx.path === '/.well-known/oauth-authorization-server' && ctx.request.method === 'GET') {
        ctx.request.url.pathname = `${ctx.mountPath}/.well-known/openid-configuration`
      } else if (ctx.endpoint === 'discovery' && !ctx.preflight) {
        ctx.response = {
          status: 404,
          headers: { 'content-type': 'text/html; charset=utf-8', 'access-control-allow-origin': '*' },
          body: Buffer.from(NOT_FOUND_HTML),
        }
      }
    },
  },
  'discovery-text-plain': {
    description: 'D03: the discovery document is valid JSON but served with Content-Type text/plain.',
    spec: 'RFC 8414 §3.2; OpenID Connect Discovery 1.0 §4.2: Content-Type application/json.',
    onResponse(ctx) {
      if (isMetadata(ctx) && ctx.response) setHeader(ctx.response.headers, 'content-type', 'text/plain; charset=utf-8')
    },
  },
  'discovery-issuer-trailing-slash': {
    description: 'D04: the metadata says issuer = "<issuer>/" (trailing slash) while it is fetched for "<issuer>".',
    spec: 'RFC 8414 §3.3; OpenID Connect Discovery 1.0 §4.3: the issuer MUST be identical to the one used to build the URL.',
    ...metadata((md, ctx) => {
      md.issuer = `${ctx.issuer}/`
    }),
  },
  'metadata-token-endpoint-missing': {
    description: 'D07: token_endpoint is absent from the metadata.',
    spec: 'RFC 8414 §2: token_endpoint is REQUIRED unless only the implicit grant is supported.',
    ...metadata((md) => {
      delete md.token_endpoint
    }),
  },
  'metadata-token-endpoint-relative': {
    description: 'D07: token_endpoint is a relative URL ("/token").',
    spec: 'RFC 8414 §2: endpoint values are URLs (absolute, https).',
    ...metadata((md) => {
      md.token_endpoint = '/token'
    }),
  },
  'metadata-jwks-uri-null': {
    description: 'D07: jwks_uri is null in the metadata (the ID token signature cannot be checked).',
    spec: 'OpenID Connect Discovery 1.0 §3: jwks_uri is REQUIRED; RFC 8414 §3.2: members without a value are omitted, not null.',
    ...metadata((md) => {
      md.jwks_uri = null
    }),
  },
  'metadata-token-endpoint-http': {
    description:
      'D08: token_endpoint is http://example.invalid/token (plain http, not loopback). Nothing listens there.',
    spec: 'RFC 6749 §3.2 / RFC 8414 §2: the token endpoint requires TLS.',
    ...metadata((md) => {
      md.token_endpoint = 'http://example.invalid/token'
    }),
  },
  'token-endpoint-unreachable': {
    description:
      'B12/D07: token_endpoint points to http://127.0.0.1:9/token, where nothing listens (server down, wrong host or port, TLS refused).',
    spec: 'RFC 8414 §2.',
    ...metadata((md) => {
      md.token_endpoint = 'http://127.0.0.1:9/token'
    }),
  },
  'registration-status-200': {
    description:
      'Dynamic Client Registration succeeds but answers 200 OK instead of 201 Created (the body is the usual client information).',
    spec: 'RFC 7591 §3.2.1: a successful registration response uses HTTP 201 Created.',
    onResponse(ctx) {
      if (ctx.endpoint !== 'registration' || ctx.preflight || !ctx.response || ctx.response.status !== 201) return
      ctx.response.status = 200
    },
  },
  'registration-auth-changed': {
    description:
      'Dynamic Client Registration asked for token_endpoint_auth_method "none" but the response says "client_secret_basic" and carries a client_secret.',
    spec: 'RFC 7591 §3.2.1: the server may change metadata and the response is what counts; a browser app cannot keep a secret (browser-apps §6.3.3.1).',
    onResponse(ctx) {
      if (ctx.endpoint !== 'registration' || ctx.preflight || !ctx.response || ctx.response.status !== 201) return
      const body = getJson(ctx)
      if (!body || typeof body !== 'object') return
      body.token_endpoint_auth_method = 'client_secret_basic'
      body.client_secret = 'a-secret-the-browser-cannot-keep'
      setJson(ctx, body, getHeader(ctx.response.headers, 'content-type'))
    },
  },
  'registration-rejects-redirect-uri': {
    description: 'Dynamic Client Registration refuses the redirect URI: 400 invalid_redirect_uri (an allow-list).',
    spec: 'RFC 7591 §3.2.2: invalid_redirect_uri.',
    onResponse(ctx) {
      if (ctx.endpoint !== 'registration' || ctx.preflight || !ctx.response) return
      setBody(
        ctx,
        400,
        'application/json',
        JSON.stringify({ error: 'invalid_redirect_uri', error_description: 'redirect_uris not on the allow-list' }),
      )
    },
  },
  'pkce-methods-absent': {
    description:
      'D09: code_challenge_methods_supported is removed from the metadata (the provider still enforces S256).',
    spec: 'RFC 8414 §2: omitted means the server does not support PKCE; RFC 9700 §2.1.1.',
    ...metadata((md) => {
      delete md.code_challenge_methods_supported
    }),
  },
  'pkce-plain-only': {
    description: 'D10: code_challenge_methods_supported is ["plain"] (the provider still accepts S256).',
    spec: 'RFC 7636 §4.2: S256 is mandatory to implement; RFC 9700 §2.1.1.',
    ...metadata((md) => {
      md.code_challenge_methods_supported = ['plain']
    }),
  },
  'auth-methods-without-none': {
    description:
      'D11: token_endpoint_auth_methods_supported lists client_secret_basic and client_secret_post but not "none" (the provider still accepts the public client).',
    spec: 'RFC 8414 §2; draft-ietf-oauth-browser-based-apps §6.3.3.1.',
    ...metadata((md) => {
      md.token_endpoint_auth_methods_supported = ['client_secret_basic', 'client_secret_post']
    }),
  },
  'auth-methods-absent': {
    description: 'D11: token_endpoint_auth_methods_supported is omitted (which defaults to client_secret_basic).',
    spec: 'RFC 8414 §2: default client_secret_basic when omitted.',
    ...metadata((md) => {
      delete md.token_endpoint_auth_methods_supported
    }),
  },
  'id-token-algs-without-rs256': {
    description: 'D12: id_token_signing_alg_values_supported is ["ES256"], but the ID tokens are signed with RS256.',
    spec: 'OpenID Connect Discovery 1.0 §3: RS256 MUST be included; Core §3.1.3.7.',
    ...metadata((md) => {
      md.id_token_signing_alg_values_supported = ['ES256']
    }),
  },
  'jwks-private-key': {
    description: 'D14: the JWKS also publishes a private RSA key (members d, p, q, dp, dq, qi).',
    spec: 'RFC 7517 §9.2: private keys must never be published.',
    ...jwks((set) => {
      set.keys.push(privateJwk(LAYER_KEYS.leaked))
    }),
  },
  'discovery-no-cors': {
    description: 'X08: the discovery document (every well-known form) has no Access-Control-Allow-Origin.',
    spec: 'OpenID Connect Discovery 1.0 §4: the configuration endpoint SHOULD support CORS; RFC 9700 §2.6.',
    onResponse(ctx) {
      if (ctx.endpoint === 'discovery' && ctx.response) stripCors(ctx.response)
    },
  },

  // ===== Authorization endpoint (A) =================================================================

  'pkce-method-rejected': {
    description:
      'A06: the authorization endpoint answers (without login) error=invalid_request "code_challenge_method not supported".',
    spec: 'RFC 7636 §4.4.1.',
    ...authorizeError(
      'invalid_request',
      'code_challenge_method S256 is not supported; transform algorithm not supported',
    ),
  },
  'resource-rejected': {
    description:
      'A08: the authorization endpoint answers (without login) error=invalid_target for the resource parameter.',
    spec: 'RFC 8707 §2: invalid_target.',
    ...authorizeError('invalid_target', 'the requested resource is not recognised by this authorization server'),
  },

  // ===== Callback (C) ===============================================================================

  'iss-wrong': {
    description:
      'C04: the authorization response carries iss = the ROOT issuer (another authorization server), not this fault issuer: a mix-up.',
    spec: 'RFC 9207 §2.4: the client MUST reject a response whose iss differs from the expected issuer.',
    ...callback((p, ctx) => {
      if (p.has('iss')) p.set('iss', new URL(ctx.issuer).origin)
    }),
  },
  'authorize-error-page': {
    description:
      'A09: the authorization endpoint shows its own HTML error page for an unsupported scope instead of redirecting back with error=invalid_scope.',
    spec: 'RFC 6749 §4.1.2.1: only an invalid redirect_uri or client_id may stop at the server; other errors go back to the client.',
    /** @param {FaultContext} ctx */
    onRequest(ctx) {
      if (ctx.endpoint !== 'authorization' || ctx.preflight) return
      ctx.response = {
        status: 400,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
        body: Buffer.from('<!doctype html><title>Error</title><h1>Oops! Something went wrong</h1><p>invalid_scope</p>'),
      }
    },
  },
  'authorize-error-invalid-scope': {
    description: 'C07: the authorization endpoint answers error=invalid_scope (with state and iss).',
    spec: 'RFC 6749 §4.1.2.1.',
    ...authorizeError('invalid_scope', 'The requested scope is invalid, unknown, or malformed.'),
  },
  'authorize-error-server-error': {
    description: 'C07: the authorization endpoint answers error=server_error (with state and iss).',
    spec: 'RFC 6749 §4.1.2.1.',
    ...authorizeError('server_error', 'An unexpected error occurred (correlation id 7f3a9c).'),
  },
  'authorize-error-login-required': {
    description: 'C07: the authorization endpoint answers error=login_required (with state and iss).',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6.',
    ...authorizeError('login_required', 'End-user authentication is required.'),
  },
  'response-in-fragment': {
    description:
      'C08: the authorization response (code, state, iss) is delivered in the URL fragment instead of the query.',
    spec: 'RFC 6749 §4.1.2: the code flow response is in the query component.',
    onResponse(ctx) {
      const url = clientRedirect(ctx)
      if (!url || !ctx.response || !url.search) return
      url.hash = url.search.slice(1)
      url.search = ''
      setHeader(ctx.response.headers, 'location', url.href)
    },
  },
  'implicit-id-token-in-response': {
    description: 'C10: the authorization response carries an id_token (hybrid/implicit style) next to the code.',
    spec: 'RFC 9700 §2.1.2; OpenID Connect Core 1.0 §3.1.2.5 (code flow: code only).',
    ...callback((p, ctx) => {
      const now = Math.floor(Date.now() / 1000)
      p.set(
        'id_token',
        signJws(
          { alg: 'RS256', kid: LAYER_KEYS.rs256.kid },
          { iss: ctx.issuer, sub: 'alice', aud: 'pkce-playground', iat: now, exp: now + 600 },
          LAYER_KEYS.rs256,
        ),
      )
    }),
  },
  'jarm-response': {
    description:
      'C11: the authorization response is a JARM "response" JWT (only response=... in the query), though JARM was not requested.',
    spec: 'JARM (FAPI) §4: only when response_mode=jwt/query.jwt was requested.',
    ...callback((p, ctx) => {
      const now = Math.floor(Date.now() / 1000)
      const claims = Object.fromEntries(p)
      for (const k of [...p.keys()]) p.delete(k)
      p.set(
        'response',
        signJws(
          { alg: 'RS256', kid: LAYER_KEYS.rs256.kid },
          { ...claims, iss: ctx.issuer, aud: 'pkce-playground', exp: now + 600 },
          LAYER_KEYS.rs256,
        ),
      )
    }),
  },
  'callback-no-code': {
    description: 'C12: the authorization response carries state and iss but neither code nor error.',
    spec: 'RFC 6749 §4.1.2.',
    ...callback((p) => {
      p.delete('code')
    }),
  },
  'error-response-wrong-state': {
    description: 'C15: the authorization endpoint answers error=access_denied with a state that is not the one sent.',
    spec: 'RFC 6749 §4.1.2.1; RFC 9207 §2.4: an error response must be checked like a success.',
    ...authorizeError('access_denied', 'The resource owner denied the request.', (p) => {
      p.set('state', `forged-${p.get('state') ?? ''}`)
    }),
  },

  // ===== Token endpoint (T) =========================================================================

  'token-error-html-400': {
    description:
      'T02: the token endpoint answers 400 with Content-Type text/html and an Apache-style page (CORS kept).',
    spec: 'RFC 6749 §5.2: error responses are application/json with an error code.',
    ...tokenAnswer(400, 'text/html; charset=utf-8', BAD_REQUEST_HTML),
  },
  'token-invalid-json': {
    description:
      'T03: successful token responses are truncated: 200, application/json, but the body is not valid JSON.',
    spec: 'RFC 6749 §5.1.',
    onResponse(ctx) {
      if (isTokenSuccess(ctx) && ctx.response)
        ctx.response.body = ctx.response.body.subarray(0, Math.floor(ctx.response.body.length / 2))
    },
  },
  'token-json-as-html': {
    description: 'T03: successful token responses are valid JSON but served with Content-Type text/html.',
    spec: 'RFC 6749 §5.1: application/json.',
    onResponse(ctx) {
      if (isTokenSuccess(ctx) && ctx.response)
        setHeader(ctx.response.headers, 'content-type', 'text/html; charset=utf-8')
    },
  },
  'token-access-token-missing': {
    description: 'T05: successful token responses lack access_token.',
    spec: 'RFC 6749 §5.1: access_token is REQUIRED.',
    ...tokenBody((b) => {
      delete b.access_token
    }),
  },
  'token-type-missing': {
    description: 'T06: successful token responses lack token_type.',
    spec: 'RFC 6749 §5.1: token_type is REQUIRED.',
    ...tokenBody((b) => {
      delete b.token_type
    }),
  },
  'token-type-jwt': {
    description: 'T08: successful token responses say token_type "JWT".',
    spec: 'RFC 6749 §7.1: the client MUST NOT use a token whose type it does not understand; OIDC Core §3.1.3.3: Bearer.',
    ...tokenBody((b) => {
      b.token_type = 'JWT'
    }),
  },
  'token-expires-in-missing': {
    description: 'T09: successful token responses have no expires_in (allowed: RECOMMENDED only).',
    spec: 'RFC 6749 §5.1: expires_in is RECOMMENDED.',
    ...tokenBody((b) => {
      delete b.expires_in
    }),
  },
  'token-expires-in-string': {
    description: 'T10: expires_in is the string "3600" instead of a JSON number.',
    spec: 'RFC 6749 §5.1 and Appendix A.14: expires_in is a number of seconds (JSON number).',
    ...tokenBody((b) => {
      b.expires_in = String(b.expires_in ?? 3600)
    }),
  },
  'token-extra-members': {
    description: 'T12: successful token responses carry extra, unknown members (allowed).',
    spec: 'RFC 6749 §5.1: the client MUST ignore unrecognized value names.',
    ...tokenBody((b) => {
      b.x_tenant = 'acme'
      b.not_before_policy = 0
      b.session_state = 'a1b2c3'
    }),
  },
  'token-scope-omitted': {
    description: 'T13: successful token responses omit scope (allowed when it equals the requested scope).',
    spec: 'RFC 6749 §5.1: scope OPTIONAL if identical to the requested scope.',
    ...tokenBody((b) => {
      delete b.scope
    }),
  },
  'token-no-cache-control': {
    description: 'T14: successful token responses have no Cache-Control: no-store (and no Pragma).',
    spec: 'RFC 6749 §5.1: Cache-Control: no-store MUST be included.',
    onResponse(ctx) {
      if (isTokenSuccess(ctx) && ctx.response) {
        deleteHeader(ctx.response.headers, 'cache-control')
        deleteHeader(ctx.response.headers, 'pragma')
      }
    },
  },
  'token-code-invalid': {
    description:
      'T16: the layer replaces the code in the token request by an unknown one: the provider answers invalid_grant (as for an expired code).',
    spec: 'RFC 6749 §5.2: invalid_grant.',
    onRequest(ctx) {
      if (!isTokenPost(ctx)) return
      const form = getForm(ctx)
      if (form.get('grant_type') === 'authorization_code') {
        form.set('code', `expired-${form.get('code')}`)
        setForm(ctx, form)
      }
    },
  },
  'token-redirect-uri-altered': {
    description:
      'T17: the layer changes redirect_uri in the token request (appends "callback"): the provider answers invalid_grant.',
    spec: 'RFC 6749 §4.1.3: redirect_uri must be identical to the authorization request.',
    onRequest(ctx) {
      if (!isTokenPost(ctx)) return
      const form = getForm(ctx)
      if (form.get('redirect_uri')) {
        form.set('redirect_uri', `${form.get('redirect_uri')}callback`)
        setForm(ctx, form)
      }
    },
  },
  'token-code-reused': {
    description:
      'T18: the provider redeems the code, but the answer is replaced by 400 invalid_grant "authorization code already used" (as when a relay retried the request).',
    spec: 'RFC 6749 §4.1.2, §10.5: codes are single use.',
    ...tokenAnswer(400, 'application/json; charset=utf-8', {
      error: 'invalid_grant',
      error_description: 'grant request is invalid: authorization code has already been used',
    }),
  },
  'token-requires-client-auth': {
    description:
      "T19: the provider registers the playground client as client_secret_basic: the public client's token request gets 401 invalid_client.",
    spec: 'draft-ietf-oauth-browser-based-apps §6.3.3.1; RFC 6749 §5.2.',
    providerConfig(cfg) {
      return {
        ...cfg,
        clients: cfg.clients.map((/** @type {any} */ c) =>
          c.client_id === 'pkce-playground'
            ? {
                ...c,
                token_endpoint_auth_method: 'client_secret_basic',
                client_secret: 'a-secret-the-browser-does-not-have',
              }
            : c,
        ),
      }
    },
  },
  'token-invalid-client-400': {
    description:
      'T22: a token request with an Authorization header is answered 400 invalid_client without WWW-Authenticate.',
    spec: 'RFC 6749 §5.2: invalid_client after Authorization-header authentication MUST be 401 with WWW-Authenticate.',
    ...tokenAnswer(
      400,
      'application/json; charset=utf-8',
      { error: 'invalid_client', error_description: 'client authentication failed' },
      {
        headers: { 'www-authenticate': undefined },
        when: (ctx) => Boolean(getHeader(ctx.request.headers, 'authorization')),
      },
    ),
  },
  'token-id-token-missing': {
    description: 'T24: successful token responses lack id_token although openid was requested.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.3: the id_token is included.',
    ...tokenBody((b) => {
      delete b.id_token
    }),
  },
  'token-server-error-503': {
    description: 'T25: the token endpoint answers 503 with a JSON {"error":"server_error"} body (CORS kept).',
    spec: 'RFC 6749 §5.2: error responses use 400; server_error is an authorization-endpoint code.',
    ...tokenAnswer(503, 'application/json; charset=utf-8', {
      error: 'server_error',
      error_description: 'upstream timeout',
    }),
  },
  'token-resource-rejected': {
    description: 'T29: a token request that carries resource is answered 400 invalid_target.',
    spec: 'RFC 8707 §2.2.',
    ...tokenAnswer(
      400,
      'application/json; charset=utf-8',
      { error: 'invalid_target', error_description: 'resource parameter not allowed at the token endpoint' },
      {
        when: (ctx) => getForm(ctx).has('resource'),
      },
    ),
  },

  // ===== JWT (J) ====================================================================================

  'id-token-sub-missing': {
    description: 'J01: the ID token has no sub claim (re-signed with the layer key, published in the JWKS).',
    spec: 'OpenID Connect Core 1.0 §2: sub is REQUIRED.',
    ...resigned('id_token', ({ payload }) => {
      delete payload.sub
    }),
  },
  'id-token-exp-missing': {
    description: 'J01: the ID token has no exp claim (re-signed with the layer key, published in the JWKS).',
    spec: 'OpenID Connect Core 1.0 §2: exp is REQUIRED.',
    ...resigned('id_token', ({ payload }) => {
      delete payload.exp
    }),
  },
  'id-token-auth-time-missing': {
    description:
      'J21: the ID token has no auth_time although the authorization request sent max_age (re-signed with the layer key).',
    spec: 'OpenID Connect Core 1.0 §3.1.2.1: with max_age, the ID token MUST contain auth_time.',
    ...resigned('id_token', ({ payload }) => {
      delete payload.auth_time
    }),
  },
  'id-token-auth-time-old': {
    description:
      'J21: the ID token says the user logged in an hour ago (auth_time), whatever max_age asked (re-signed with the layer key).',
    spec: 'OpenID Connect Core 1.0 §3.1.2.1: older than max_age, the server must authenticate the user again.',
    ...resigned('id_token', ({ payload }) => {
      payload.auth_time = Math.floor(Date.now() / 1000) - 3600
    }),
  },
  'id-token-at-hash-wrong': {
    description:
      'J26: the ID token carries an at_hash that is not the hash of the access token (re-signed with the layer key).',
    spec: 'OpenID Connect Core 1.0 §3.1.3.8: at_hash is the left half of the hash of the access token (optional in the code flow).',
    ...resigned('id_token', ({ payload }) => {
      payload.at_hash = 'AAAAAAAAAAAAAAAAAAAAAA'
    }),
  },
  'id-token-iss-wrong': {
    description: 'J02: the ID token iss has a trailing slash ("<issuer>/").',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7: iss MUST exactly match the issuer.',
    ...resigned('id_token', ({ payload }) => {
      payload.iss = `${payload.iss}/`
    }),
  },
  'id-token-aud-wrong': {
    description: 'J03: the ID token aud is an API URL instead of the client_id.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7: aud MUST contain the client_id.',
    ...resigned('id_token', ({ payload }) => {
      payload.aud = 'https://api.example.com/'
    }),
  },
  'id-token-expired': {
    description: 'J05: the ID token expired an hour ago (iat two hours ago).',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7: the current time MUST be before exp.',
    ...resigned('id_token', ({ payload, now }) => {
      payload.iat = now - 7200
      payload.exp = now - 3600
      if (payload.auth_time) payload.auth_time = now - 7200
    }),
  },
  'id-token-iat-future': {
    description: 'J07: the ID token iat is one hour in the future (server clock ahead).',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7 (iat).',
    ...resigned('id_token', ({ payload, now }) => {
      payload.iat = now + 3600
      payload.exp = now + 7200
    }),
  },
  'id-token-nonce-wrong': {
    description: 'J08: the ID token nonce differs from the one sent.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7 item 11.',
    ...resigned('id_token', ({ payload }) => {
      payload.nonce = 'not-the-nonce-you-sent'
    }),
  },
  'id-token-es256': {
    description:
      'J09: the ID token is signed with ES256 (key published in the JWKS) while the metadata advertises RS256 only.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7 item 7; Discovery §3 id_token_signing_alg_values_supported.',
    ...resigned('id_token', () => {}, { key: LAYER_KEYS.es256 }),
  },
  'id-token-alg-none': {
    description: 'J10: the ID token is unsigned (alg "none", empty signature).',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7; RFC 7518 §3.6.',
    ...resigned(
      'id_token',
      ({ header }) => {
        header.alg = 'none'
        delete header.kid
      },
      { publish: [] },
    ),
  },
  'id-token-bad-signature': {
    description:
      "J11: one byte of the ID token signature is flipped (the provider's key, header and claims unchanged).",
    spec: 'RFC 7515 §5.2; OpenID Connect Core 1.0 §3.1.3.7.',
    ...tokenBody((b) => {
      if (typeof b.id_token === 'string') b.id_token = tamperSignature(b.id_token)
    }),
  },
  'id-token-unknown-kid': {
    description: 'J13: the ID token is signed with a key (kid "rotated-away-2024") that the JWKS does not publish.',
    spec: 'OpenID Connect Core 1.0 §10.1.1.',
    ...resigned('id_token', () => {}, { key: LAYER_KEYS.unpublished, publish: [] }),
  },
  'jwks-404': {
    description: 'J15: the jwks_uri answers 404 with an HTML page (CORS kept).',
    spec: 'RFC 7517 §5; OpenID Connect Discovery 1.0 §3.',
    onResponse(ctx) {
      if (isJwks(ctx)) setBody(ctx, 404, 'text/html; charset=utf-8', NOT_FOUND_HTML)
    },
  },
  'jwks-unreachable': {
    description: 'J15: the metadata jwks_uri points to http://127.0.0.1:9/jwks, where nothing listens.',
    spec: 'RFC 8414 §2 (jwks_uri).',
    ...metadata((md) => {
      md.jwks_uri = 'http://127.0.0.1:9/jwks'
    }),
  },
  'jwks-no-cors': {
    description: 'X08/J15: the JWKS is served without Access-Control-Allow-Origin.',
    spec: 'RFC 9700 §2.6; OpenID Connect Discovery 1.0 §4.',
    onResponse(ctx) {
      if (ctx.endpoint === 'jwks' && ctx.response) stripCors(ctx.response)
    },
  },
  'jwks-malformed': {
    description: 'J16: the JWKS "keys" member is an object instead of an array.',
    spec: 'RFC 7517 §5: keys is an array of JWKs.',
    onResponse(ctx) {
      if (isJwks(ctx))
        editJson(ctx, (set) => {
          set.keys = set.keys?.[0] ?? {}
        })
    },
  },
  'jwks-rsa-1024': {
    description: 'J17: the ID token is signed with a 1024-bit RSA key, published in the JWKS.',
    spec: 'RFC 7518 §3.3: RSA keys of 2048 bits or larger MUST be used.',
    ...resigned('id_token', () => {}, { key: LAYER_KEYS.rsa1024 }),
  },
  'id-token-not-jwt': {
    description: 'J18: the id_token is not a JWT (two segments).',
    spec: 'OpenID Connect Core 1.0 §2: the ID Token is a JWT.',
    ...tokenBody((b) => {
      if (b.id_token) b.id_token = 'eyJhbGciOiJSUzI1NiJ9.not-a-jwt'
    }),
  },
  'id-token-jwe': {
    description:
      'J20: the id_token is an encrypted JWE (five segments, RSA-OAEP-256 / A256GCM) the public client cannot decrypt.',
    spec: 'OpenID Connect Core 1.0 §10.2; RFC 7516.',
    ...tokenBody((b) => {
      if (!b.id_token) return
      const h = b64json(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'client-enc-key', cty: 'JWT' }))
      b.id_token = [h, randomBytes(256), randomBytes(12), randomBytes(300), randomBytes(16)]
        .map((x) => (typeof x === 'string' ? x : x.toString('base64url')))
        .join('.')
    }),
  },
  'access-token-no-typ': {
    description:
      'J23: the JWT access token has no typ "at+jwt" header and no jti claim (re-signed with the layer key).',
    spec: 'RFC 9068 §2.1 (typ at+jwt), §2.2 (jti REQUIRED).',
    ...resigned('access_token', ({ header, payload }) => {
      delete header.typ
      delete payload.jti
    }),
  },
  'access-token-aud-client': {
    description: 'J24: the JWT access token aud is the client_id instead of the requested resource.',
    spec: 'RFC 9068 §3; RFC 8707 §2.',
    ...resigned('access_token', ({ payload }) => {
      payload.aud = payload.client_id ?? 'pkce-playground'
    }),
  },
  'access-token-opaque': {
    description:
      'The provider issues opaque (reference) access tokens instead of JWTs (accessTokenFormat "opaque"). Allowed.',
    spec: 'RFC 6749 §1.4; RFC 9068 §6: the client must not depend on the access token format.',
    providerConfig(cfg) {
      const ri = cfg.features.resourceIndicators
      return {
        ...cfg,
        features: {
          ...cfg.features,
          resourceIndicators: {
            ...ri,
            async getResourceServerInfo(/** @type {any[]} */ ...args) {
              const { jwt: _jwt, ...info } = await ri.getResourceServerInfo(...args)
              return { ...info, accessTokenFormat: 'opaque' }
            },
          },
        },
      }
    },
  },

  // ===== CORS (X) ===================================================================================

  'token-acao-wrong': {
    description: 'X03: token responses carry Access-Control-Allow-Origin: http://evil.example (another origin).',
    spec: 'Fetch standard CORS check: ACAO must equal the request origin (or *).',
    onResponse(ctx) {
      if (isTokenPost(ctx) && ctx.response)
        setHeader(ctx.response.headers, 'access-control-allow-origin', 'http://evil.example')
    },
  },
  'token-preflight-404': {
    description: 'X04: the token endpoint answers the CORS preflight (OPTIONS) with 404; the POST itself would work.',
    spec: 'Fetch standard CORS-preflight; draft-ietf-oauth-browser-based-apps §6.3.3.4.',
    onRequest(ctx) {
      if (ctx.endpoint === 'token' && ctx.preflight) {
        ctx.response = {
          status: 404,
          headers: { 'content-type': 'text/html; charset=utf-8' },
          body: Buffer.from(NOT_FOUND_HTML),
        }
      }
    },
  },
  'token-preflight-no-authorization': {
    description:
      'X05: the token endpoint preflight answers Access-Control-Allow-Headers: content-type (without authorization).',
    spec: 'Fetch standard: Authorization must be listed explicitly in Access-Control-Allow-Headers.',
    onResponse(ctx) {
      if (ctx.endpoint === 'token' && ctx.preflight && ctx.response)
        setHeader(ctx.response.headers, 'access-control-allow-headers', 'content-type')
    },
  },
  'userinfo-www-authenticate-hidden': {
    description:
      'X07: userinfo answers 401 with WWW-Authenticate but without Access-Control-Expose-Headers, so a page cannot read the challenge.',
    spec: 'RFC 6750 §3; Fetch standard (Access-Control-Expose-Headers).',
    onResponse(ctx) {
      if (ctx.endpoint !== 'userinfo' || ctx.preflight || !ctx.response) return
      deleteHeader(ctx.response.headers, 'access-control-expose-headers')
      if (ctx.response.status === 401 && !getHeader(ctx.response.headers, 'www-authenticate')) {
        setHeader(ctx.response.headers, 'www-authenticate', 'Bearer realm="userinfo", error="invalid_token"')
      }
    },
  },
  'token-actual-refused': {
    description:
      'X09: the preflight of the token endpoint succeeds, but the POST is answered 403 without Access-Control-Allow-Origin (per-client origin allow-list).',
    spec: 'Fetch standard CORS check; draft-ietf-oauth-browser-based-apps §6.3.3.4.',
    ...tokenAnswer(
      403,
      'application/json; charset=utf-8',
      { error: 'invalid_request', error_description: 'origin not allowed for this client' },
      {
        headers: { 'access-control-allow-origin': undefined, 'access-control-expose-headers': undefined },
      },
    ),
  },

  // ===== DPoP and PAR (RFC 9449, RFC 9126) ==========================================================

  'dpop-nonce-not-exposed': {
    description:
      'Every DPoP request must carry a server nonce (the token endpoint answers 400 use_dpop_nonce with a DPoP-Nonce ' +
      "header, as RFC 9449 §8 allows), but the token endpoint's Access-Control-Expose-Headers no longer lists " +
      'DPoP-Nonce: a page cannot read the nonce and can never retry. Requests without DPoP work as on the compliant server.',
    spec: 'RFC 9449 §8, §9; Fetch standard (Access-Control-Expose-Headers); draft-ietf-oauth-browser-based-apps §6.3.3.4.',
    providerConfig(cfg) {
      return { ...cfg, features: { ...cfg.features, dPoP: { ...cfg.features.dPoP, requireNonce: () => true } } }
    },
    onResponse(ctx) {
      if (!isTokenPost(ctx) || !ctx.response) return
      const expose = (getHeader(ctx.response.headers, 'access-control-expose-headers') ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h && h.toLowerCase() !== 'dpop-nonce')
      if (expose.length) setHeader(ctx.response.headers, 'access-control-expose-headers', expose.join(', '))
      else deleteHeader(ctx.response.headers, 'access-control-expose-headers')
    },
  },
  'dpop-preflight-refuses': {
    description:
      'The token endpoint answers the CORS preflight of a request with a DPoP header without "dpop" in ' +
      'Access-Control-Allow-Headers (the other requested headers stay allowed), so the browser never sends a DPoP ' +
      'token request. Requests without DPoP (no preflight, or a preflight for authorization only) work.',
    spec: 'RFC 9449 §4.1; Fetch standard CORS-preflight; draft-ietf-oauth-browser-based-apps §6.3.3.4.',
    onResponse(ctx) {
      if (ctx.endpoint !== 'token' || !ctx.preflight || !ctx.response) return
      const requested = (getHeader(ctx.request.headers, 'access-control-request-headers') ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h && h !== 'dpop')
      if (requested.length) setHeader(ctx.response.headers, 'access-control-allow-headers', requested.join(', '))
      else deleteHeader(ctx.response.headers, 'access-control-allow-headers')
    },
  },
  'dpop-bearer-returned': {
    description:
      'A token request that carried a DPoP proof gets token_type "Bearer" instead of "DPoP" (the layer rewrites the ' +
      'member; the metadata still advertises dpop_signing_alg_values_supported). Requests without a proof are unchanged.',
    spec: 'RFC 9449 §5: token_type DPoP signals a DPoP-bound access token (the server MAY issue Bearer instead).',
    ...tokenBody((body, ctx) => {
      if (getHeader(ctx.request.headers, 'dpop') && typeof body.token_type === 'string') body.token_type = 'Bearer'
    }),
  },
  'dpop-jkt-mismatch': {
    description:
      'The JWT access token of a DPoP request (send resource to get one) carries cnf.jkt of ANOTHER key (the ' +
      "thumbprint of the layer's ES256 key) instead of the proof's; re-signed with the layer key, which the JWKS publishes.",
    spec: 'RFC 9449 §6, §6.1: cnf.jkt is the JWK SHA-256 thumbprint of the key of the DPoP proof.',
    ...resigned('access_token', ({ payload }) => {
      if (payload.cnf && typeof payload.cnf === 'object' && 'jkt' in payload.cnf) payload.cnf = { jkt: OTHER_JKT }
    }),
  },
  'par-no-cors': {
    description:
      'Responses of the pushed authorization request endpoint lose Access-Control-Allow-Origin (and the other ' +
      'Access-Control-* headers); its preflight still succeeds. The push is really processed, but the page cannot ' +
      'read the request_uri. Every other endpoint keeps its CORS headers.',
    spec: 'RFC 9126 §2; draft-ietf-oauth-browser-based-apps §6.3.3.4 (CORS on the endpoints a browser client calls).',
    onResponse(ctx) {
      if (ctx.endpoint === 'pushed_authorization_request' && !ctx.preflight && ctx.response) stripCors(ctx.response)
    },
  },
  'par-ignores-pkce': {
    description:
      'The PAR endpoint accepts a pushed request without code_challenge (the layer adds the S256 challenge of a ' +
      'verifier only it knows before the provider sees it), although the server requires PKCE for public clients. ' +
      'Plain authorization requests and pushed requests WITH a code_challenge are unchanged.',
    spec: 'RFC 9126 §2.1 (the PAR endpoint validates the request like the authorization endpoint); RFC 9700 §2.1.1.',
    onRequest(ctx) {
      if (ctx.endpoint !== 'pushed_authorization_request' || ctx.preflight || ctx.request.method !== 'POST') return
      const params = getForm(ctx)
      if (params.has('code_challenge')) return
      params.set('code_challenge', s256(LAYER_VERIFIER))
      params.set('code_challenge_method', 'S256')
      setForm(ctx, params)
    },
  },

  'par-request-uri-odd': {
    description:
      'The PAR endpoint answers 201 with a request_uri that is an https URL instead of a ' +
      'urn:ietf:params:oauth:request_uri: URN, and without expires_in (the provider never sees that URL, so an ' +
      'authorization with it fails).',
    spec: 'RFC 9126 §2.2: request_uri (format the server’s choice, the URN is registered) and expires_in are REQUIRED.',
    onResponse(ctx) {
      if (ctx.endpoint !== 'pushed_authorization_request' || ctx.preflight || ctx.response?.status !== 201) return
      editJson(ctx, (body) => {
        if (typeof body.request_uri === 'string')
          body.request_uri = `${ctx.issuer}/requests/${body.request_uri.split(':').pop()}`
        delete body.expires_in
      })
    },
  },
  'userinfo-dpop-invalid-proof': {
    description:
      'UserInfo answers every GET 401 with WWW-Authenticate: DPoP error="invalid_dpop_proof" (exposed to the page), ' +
      'as a resource server does that refuses the proof.',
    spec: 'RFC 9449 §7.1, §12.2: a protected resource signals a refused proof with a DPoP challenge.',
    onResponse(ctx) {
      if (ctx.endpoint !== 'userinfo' || ctx.preflight || !ctx.response) return
      const origin = allowedOrigin(ctx)
      ctx.response = {
        status: 401,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'www-authenticate': 'DPoP error="invalid_dpop_proof", error_description="proof rejected", algs="ES256"',
          ...(origin
            ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'WWW-Authenticate, DPoP-Nonce' }
            : {}),
        },
        body: Buffer.from(JSON.stringify({ error: 'invalid_dpop_proof', error_description: 'proof rejected' })),
      }
    },
  },

  // ===== Browser (B) ================================================================================

  'token-redirect': {
    description:
      'B14: the token endpoint answers 307 to <issuer>/oauth/token (the request never reaches the provider).',
    spec: 'RFC 8414 §2: endpoints are served at the advertised URL; clients use redirect: "manual".',
    onRequest(ctx) {
      if (!isTokenPost(ctx)) return
      const origin = allowedOrigin(ctx)
      ctx.response = {
        status: 307,
        headers: {
          location: `${ctx.issuer}/oauth/token`,
          ...(origin ? { 'access-control-allow-origin': origin } : {}),
        },
        body: Buffer.alloc(0),
      }
    },
  },
  compliant: {
    description: 'Breaks nothing: a control issuer for browser-side cases (other origin, replayed callback).',
    spec: '—',
  },

  // ===== Playground security (S) ====================================================================

  'error-description-html': {
    description:
      'S01: the authorization endpoint answers error=invalid_request whose error_description is HTML with script.',
    spec: 'Playground security: server text is rendered as text only.',
    ...authorizeError('invalid_request', XSS),
  },
  'id-token-claims-html': {
    description: 'S01: the ID token name claim is HTML with script (re-signed with the layer key, published).',
    spec: 'Playground security: claims are rendered as text only.',
    ...resigned('id_token', ({ payload }) => {
      payload.name = XSS
    }),
  },
  'authorization-endpoint-javascript': {
    description: 'S03: the metadata authorization_endpoint is "javascript:window.__pwned=1//".',
    spec: 'RFC 8414 §2 (https); playground security: validate the scheme before navigating.',
    ...metadata((md) => {
      md.authorization_endpoint = 'javascript:window.__pwned=1//'
    }),
  },
  'error-description-phishing': {
    description:
      'S04: the authorization endpoint answers error=access_denied with a phishing error_description ("call support at ...").',
    spec: 'RFC 6749 §4.1.2.1; playground security: label server-supplied text.',
    ...authorizeError('access_denied', PHISHING),
  },
}
