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

import { createHash } from 'node:crypto'

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
}
