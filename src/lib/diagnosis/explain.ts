/**
 * Turns any thrown value into a human {@link Finding}: what happened, why it matters, what to
 * change and which spec section the rule comes from.
 *
 * Pure and DOM-free. Errors are classified by their class and stable `code` (oauth4webapi `OAUTH_*`
 * codes, jose `ERR_*` codes, `DOMException` names); library messages are only used as a secondary
 * discriminator where one code covers several situations (e.g. `OAUTH_INVALID_RESPONSE` for both a
 * `state` mismatch and a missing `access_token`). {@link explainError} never throws.
 */
import {
  AUTHORIZATION_RESPONSE_ERROR,
  HTTP_REQUEST_FORBIDDEN,
  INVALID_REQUEST,
  INVALID_RESPONSE,
  INVALID_SERVER_METADATA,
  JSON_ATTRIBUTE_COMPARISON,
  JWT_CLAIM_COMPARISON,
  JWT_TIMESTAMP_CHECK,
  JWT_USERINFO_EXPECTED,
  KEY_SELECTION,
  MISSING_SERVER_METADATA,
  PARSE_ERROR,
  REQUEST_PROTOCOL_FORBIDDEN,
  RESPONSE_BODY_ERROR,
  RESPONSE_IS_NOT_CONFORM,
  RESPONSE_IS_NOT_JSON,
  UNSUPPORTED_OPERATION,
  WWW_AUTHENTICATE_CHALLENGE,
} from 'oauth4webapi'
import type { errors as joseErrors } from 'jose'
import type { Finding, FindingId, StepRef } from '../model/types'
import { readChallenges } from '../platform/o4w'
import { clip } from '../platform/text'
import { finding } from './finding'
import { isStepRef } from '../model/steps'

/** Where the error happened; used for the finding's `step` and in its wording. */
export interface ExplainContext {
  step: StepRef
  /**
   * Which endpoint/operation failed, used in wording: 'discovery' | 'token' | 'jwks' | 'callback' |
   * 'userinfo' | 'registration' | 'resource' | 'revocation' | 'introspection' | 'par' | 'id-token'…
   * When absent it is derived from `step`.
   */
  operation?: string
  /** The endpoint URL involved, if any (shown in text). */
  url?: string
}

/** Explanation of one standard OAuth error code. */
export interface OAuthErrorCodeInfo {
  /** What the code means, in one or two sentences. */
  meaning: string
  /** What usually fixes it. */
  fix: string
  /** Where the code is defined. */
  spec: string
}

/**
 * Standard OAuth / OpenID Connect error codes (the `error` member of an error response or callback)
 * and how to read them.
 */
export const OAUTH_ERROR_CODES: Record<string, OAuthErrorCodeInfo> = {
  invalid_request: {
    meaning:
      'The request is missing a required parameter, has an invalid value, repeats a parameter or is otherwise malformed. At the authorization endpoint this is also the answer when the server requires PKCE and no code_challenge was sent, or when it does not support the code_challenge_method.',
    fix: 'Read the error_description for the parameter at fault and compare the request in the HTTP log with what the server expects (redirect_uri, response_type=code, code_challenge_method=S256, scope, resource).',
    spec: 'RFC 6749 §4.1.2.1, §5.2; RFC 7636 §4.4.1',
  },
  unauthorized_client: {
    meaning:
      'The client is not allowed to use this response type or grant type (e.g. the authorization_code grant is not enabled for this client_id).',
    fix: 'Enable the authorization code grant (response_type=code) for this client in the authorization server, or use a client that has it.',
    spec: 'RFC 6749 §4.1.2.1, §5.2',
  },
  access_denied: {
    meaning:
      'The user or the authorization server refused the request: the user clicked "deny", or a policy (user not assigned to the app, missing consent, conditional access) blocked it.',
    fix: 'Approve the request when asked; otherwise check the user is allowed to use this client and the requested scopes in the authorization server.',
    spec: 'RFC 6749 §4.1.2.1',
  },
  unsupported_response_type: {
    meaning: 'The authorization server does not support response_type=code (for this client).',
    fix: 'Enable the "code" response type for the client; check response_types_supported in the metadata.',
    spec: 'RFC 6749 §4.1.2.1; RFC 8414 §2',
  },
  invalid_scope: {
    meaning: 'A requested scope is unknown, malformed, or more than the client may ask for.',
    fix: 'Request only scopes listed in scopes_supported and allowed for this client; scopes are space-separated and case-sensitive.',
    spec: 'RFC 6749 §3.3, §4.1.2.1, §5.2',
  },
  server_error: {
    meaning:
      'The authorization server hit an unexpected condition. This code exists because an HTTP 500 cannot be delivered through a redirect.',
    fix: 'Look at the authorization server logs for the exception behind it.',
    spec: 'RFC 6749 §4.1.2.1',
  },
  temporarily_unavailable: {
    meaning: 'The authorization server is overloaded or under maintenance.',
    fix: 'Retry later; if it persists, check the server health.',
    spec: 'RFC 6749 §4.1.2.1',
  },
  invalid_client: {
    meaning:
      'Client authentication failed: unknown client_id, no client authentication, or a different authentication method than the one registered. The server MAY answer 401, and MUST answer 401 with a WWW-Authenticate header when the client authenticated with the Authorization header.',
    fix: 'Make the client authentication method match the registration: a public browser client uses "none" and sends only client_id in the body. After dynamic registration, check the server honoured token_endpoint_auth_method "none" (RFC 7591 defaults to client_secret_basic when it is omitted).',
    spec: 'RFC 6749 §2.3, §5.2; RFC 7591 §2',
  },
  invalid_grant: {
    meaning:
      'The authorization code (or refresh token) is not acceptable. Usual causes: the code expired (10 minutes at most is recommended), was already used once, was issued to another client, the redirect_uri differs from the one in the authorization request, or the code_verifier does not match the code_challenge (PKCE).',
    fix: 'Start a fresh authorization (codes are single-use), send the exact same redirect_uri in both requests, and send the code_verifier that produced the code_challenge. If the server logs say "PKCE", compare the S256 calculation (BASE64URL(SHA256(verifier)) without padding).',
    spec: 'RFC 6749 §4.1.2, §4.1.3, §5.2; RFC 7636 §4.6',
  },
  unsupported_grant_type: {
    meaning: 'The authorization server does not support grant_type=authorization_code (or the grant used).',
    fix: 'Enable the authorization_code grant on the server and for the client; check grant_types_supported.',
    spec: 'RFC 6749 §5.2',
  },
  interaction_required: {
    meaning: 'prompt=none was requested but the server needs the user to interact (log in, consent, pick an account).',
    fix: 'Retry without prompt=none so the user can interact.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  login_required: {
    meaning:
      'prompt=none was requested but the user is not logged in (for example third-party cookies were blocked in a hidden iframe).',
    fix: 'Retry without prompt=none; silent re-authentication in iframes needs first-party cookies.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  account_selection_required: {
    meaning: 'prompt=none was requested but the user must choose between several sessions.',
    fix: 'Retry without prompt=none, or with prompt=select_account.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  consent_required: {
    meaning: 'prompt=none was requested but the user has not consented to this client/scopes yet.',
    fix: 'Retry without prompt=none (or with prompt=consent) so the user can consent.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  invalid_request_uri: {
    meaning: 'The request_uri is invalid or its content could not be retrieved.',
    fix: 'Check the request_uri (PAR / request object by reference) is reachable and unexpired.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  invalid_request_object: {
    meaning: 'The request parameter holds an invalid request object (JWT).',
    fix: 'Check the request object signature, alg and claims.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  request_not_supported: {
    meaning: 'The server does not support the request parameter (request objects).',
    fix: 'Send the parameters in the query instead of a request object.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  request_uri_not_supported: {
    meaning: 'The server does not support the request_uri parameter.',
    fix: 'Send the parameters in the query instead of by reference.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  registration_not_supported: {
    meaning: 'The server does not support the registration parameter.',
    fix: 'Register the client beforehand instead of passing registration metadata.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  invalid_target: {
    meaning:
      'The resource parameter (resource indicator) is not acceptable: unknown, malformed, or not allowed for this client or scope.',
    fix: 'Send the exact resource identifier the server knows (absolute URI, no fragment), matching the "resource" in the protected resource metadata; MCP clients send the canonical MCP server URI.',
    spec: 'RFC 8707 §2',
  },
  invalid_token: {
    meaning: 'The access token is expired, revoked, malformed or invalid for this resource server.',
    fix: 'Obtain a new token; check the token audience/resource matches this resource server.',
    spec: 'RFC 6750 §3.1',
  },
  insufficient_scope: {
    meaning: 'The access token lacks a scope this request needs.',
    fix: 'Request the scopes named in the challenge (scope=…) when authorizing.',
    spec: 'RFC 6750 §3.1',
  },
  invalid_redirect_uri: {
    meaning: 'One or more redirect_uris in the registration request are not acceptable.',
    fix: 'Register exact absolute https redirect URIs (or http loopback for native apps) that the server policy allows.',
    spec: 'RFC 7591 §3.2.2',
  },
  invalid_client_metadata: {
    meaning: 'A client metadata field in the registration request is invalid.',
    fix: 'Read the error_description for the field; check grant_types, response_types and token_endpoint_auth_method are consistent.',
    spec: 'RFC 7591 §3.2.2',
  },
  invalid_software_statement: {
    meaning: 'The software statement is invalid.',
    fix: 'Check the software statement JWT signature and claims.',
    spec: 'RFC 7591 §3.2.2',
  },
  unapproved_software_statement: {
    meaning: 'The software statement is valid but not approved by this server.',
    fix: 'Have the server operator approve the software statement issuer.',
    spec: 'RFC 7591 §3.2.2',
  },
  use_dpop_nonce: {
    meaning:
      'The server requires DPoP proofs to carry a nonce it chooses; the new nonce is in the DPoP-Nonce response header.',
    fix: 'Retry once with the nonce from the DPoP-Nonce header. Cross-origin, the server must list DPoP-Nonce in Access-Control-Expose-Headers or the browser hides it.',
    spec: 'RFC 9449 §8, §9',
  },
  invalid_dpop_proof: {
    meaning: 'The DPoP proof JWT is missing or invalid (signature, htm, htu, iat, jti or nonce).',
    fix: 'Check the DPoP header: htm/htu must match the request exactly, iat must be recent, and the key must be the one bound to the token.',
    spec: 'RFC 9449 §5, §7.1',
  },
  unsupported_token_type: {
    meaning: 'The server does not support revoking/introspecting this type of token.',
    fix: 'Send a token_type_hint the server supports, or skip revocation for this token type.',
    spec: 'RFC 7009 §2.2.1',
  },
}

// ---------------------------------------------------------------------------------------------
// Small, throw-proof helpers

type DataValue = string
type Data = Record<string, DataValue>

const DATA_MAX = 300
const SERVER_TEXT_MAX = 500

/** Reads a property; getters that throw and non-objects yield undefined. */
function get(obj: unknown, key: string): unknown {
  if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined
  try {
    return (obj as Record<string, unknown>)[key]
  } catch {
    return undefined
  }
}

function getString(obj: unknown, key: string): string | undefined {
  const v = get(obj, key)
  return typeof v === 'string' ? v : undefined
}

function getNumber(obj: unknown, key: string): number | undefined {
  const v = get(obj, key)
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

function isInstance(value: unknown, ctor: unknown): boolean {
  try {
    return typeof ctor === 'function' && value instanceof (ctor as new () => unknown)
  } catch {
    return false
  }
}

/** Any value as short plain text (JSON for objects), never throwing. */
function show(value: unknown, max = DATA_MAX): string {
  try {
    if (typeof value === 'string') return clip(value, max)
    if (value === undefined) return 'undefined'
    if (typeof value === 'bigint') return clip(`${value.toString()}n`, max)
    if (typeof value === 'symbol' || typeof value === 'function') return clip(String(value), max)
    if (isInstance(value, URL)) return clip(String(get(value, 'href')), max)
    const json = JSON.stringify(value)
    return clip(typeof json === 'string' ? json : String(value), max)
  } catch {
    return '[unprintable value]'
  }
}

/** Untrusted server text: plain, single-line, control characters removed, capped. */
function serverText(text: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
  return clip(plain, SERVER_TEXT_MAX)
}

/** A sentence quoting an error_description, labelled as server-supplied. */
function quoteDescription(description: string | undefined): string {
  if (description === undefined || description.trim() === '') return ''
  return ` Text supplied by the server (error_description): "${serverText(description)}".`
}

function libraryText(message: string | undefined, code: string | undefined): string {
  const parts: string[] = []
  if (message) parts.push(`"${clip(message)}"`)
  if (code) parts.push(`(${code})`)
  return parts.length ? ` Library message: ${parts.join(' ')}.` : ''
}

function data(entries: Record<string, unknown>): Data {
  const out: Data = {}
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined || value === null || value === '') continue
    out[key] = show(value)
  }
  return out
}

interface Ctx {
  step: StepRef
  op: string
  url: string | undefined
}

/** Reads the caller's context once, defensively. */
function readContext(ctx: unknown): Ctx {
  const given = getString(ctx, 'step')
  const step: StepRef = given !== undefined && isStepRef(given) ? given : 'configure'
  const url = getString(ctx, 'url')
  const op = getString(ctx, 'operation') ?? STEP_TO_OPERATION[step] ?? step
  return { step, op, url: url === undefined ? undefined : clip(url) }
}

const STEP_TO_OPERATION: Record<string, string> = {
  configure: 'configure',
  discovery: 'discovery',
  pkce: 'pkce',
  authorization: 'authorization',
  callback: 'callback',
  token: 'token',
  tokens: 'id-token',
}

const OPERATION_LABELS: Record<string, string> = {
  discovery: 'the metadata (discovery) endpoint',
  metadata: 'the metadata (discovery) endpoint',
  token: 'the token endpoint',
  refresh: 'the token endpoint',
  jwks: 'the JWKS endpoint (jwks_uri)',
  userinfo: 'the UserInfo endpoint',
  registration: 'the registration endpoint',
  dcr: 'the registration endpoint',
  resource: 'the protected resource metadata endpoint',
  prm: 'the protected resource metadata endpoint',
  revocation: 'the revocation endpoint',
  introspection: 'the introspection endpoint',
  par: 'the pushed authorization request endpoint',
  callback: 'the authorization response (callback)',
  authorization: 'the authorization request',
  'id-token': 'the ID Token',
}

/** "the token endpoint (https://…)"; without the URL for titles. */
function endpointLabel(c: Ctx, withUrl = true): string {
  const label = Object.hasOwn(OPERATION_LABELS, c.op) ? OPERATION_LABELS[c.op] : undefined
  const base = label ?? (c.op && c.op !== 'unknown' ? `the ${clip(c.op, 40)} request` : 'the server')
  return c.url && withUrl ? `${base} (${c.url})` : base
}

function isTokenOp(c: Ctx): boolean {
  return c.op === 'token' || c.op === 'refresh'
}

function isRegistrationOp(c: Ctx): boolean {
  return c.op === 'registration' || c.op === 'dcr'
}

function lookupOAuthError(code: string | undefined): OAuthErrorCodeInfo | undefined {
  if (code === undefined || !Object.hasOwn(OAUTH_ERROR_CODES, code)) return undefined
  return OAUTH_ERROR_CODES[code]
}

const STRICT_CLIENTS = 'Strict clients (e.g. the ChatGPT and Claude MCP connectors)'

// ---------------------------------------------------------------------------------------------
// Responses carried in `cause`

interface ResponseFacts {
  status: number | undefined
  type: string | undefined
  contentType: string | undefined
  location: string | undefined
  url: string | undefined
}

function responseFacts(value: unknown): ResponseFacts | undefined {
  const status = getNumber(value, 'status')
  const headers = get(value, 'headers')
  if (status === undefined || headers === undefined) return undefined
  let contentType: string | undefined
  let location: string | undefined
  try {
    const h = headers as { get?: (name: string) => unknown }
    if (typeof h.get === 'function') {
      const ct = h.get('content-type')
      const loc = h.get('location')
      contentType = typeof ct === 'string' ? ct : undefined
      location = typeof loc === 'string' ? loc : undefined
    }
  } catch {
    // headers unreadable: ignore
  }
  return {
    status,
    type: getString(value, 'type'),
    contentType,
    location,
    url: getString(value, 'url') || undefined,
  }
}

/** The status each operation's response must have. */
function expectedStatus(c: Ctx, message: string): string {
  if (isRegistrationOp(c) || c.op === 'par' || /Registration|Pushed Authorization/.test(message)) return '201'
  return '200'
}

function specForOperation(c: Ctx): string {
  switch (c.op) {
    case 'discovery':
    case 'metadata':
      return 'RFC 8414 §3.2; OpenID Connect Discovery 1.0 §4.2'
    case 'token':
    case 'refresh':
      return 'RFC 6749 §5.1, §5.2; OpenID Connect Core 1.0 §3.1.3.3, §3.1.3.4'
    case 'jwks':
      return 'RFC 7517 §5; RFC 8414 §2 (jwks_uri)'
    case 'userinfo':
      return 'OpenID Connect Core 1.0 §5.3.2, §5.3.3'
    case 'registration':
    case 'dcr':
      return 'RFC 7591 §3.2.1, §3.2.2'
    case 'resource':
    case 'prm':
      return 'RFC 9728 §3.2'
    case 'revocation':
      return 'RFC 7009 §2.2'
    case 'introspection':
      return 'RFC 7662 §2.2'
    default:
      return 'RFC 6749 §5.1, §5.2'
  }
}

// ---------------------------------------------------------------------------------------------
// Protocol errors (ResponseBodyError, AuthorizationResponseError, WWW-Authenticate)

function explainResponseBodyError(err: unknown, c: Ctx): Finding {
  const error = getString(err, 'error') ?? getString(get(err, 'cause'), 'error') ?? ''
  const description = getString(err, 'error_description') ?? getString(get(err, 'cause'), 'error_description')
  const errorUri = getString(get(err, 'cause'), 'error_uri')
  const status = getNumber(err, 'status')
  const info = lookupOAuthError(error)
  const statusText = status === undefined ? 'an error status' : `HTTP ${status}`
  const where = endpointLabel(c)

  let statusNote = ''
  if (status !== undefined && status !== 400) {
    if (error === 'invalid_client' && status === 401) statusNote = ''
    else if (error === 'invalid_client')
      statusNote = ` RFC 6749 §5.2: invalid_client MAY use 401 and MUST use 401 with a WWW-Authenticate header when the client authenticated with the Authorization header; ${status} is neither.`
    else if (isTokenOp(c) || isRegistrationOp(c))
      statusNote = ` Error responses use HTTP 400 unless the spec says otherwise; this one used ${status}.`
  }
  const meaning = info
    ? info.meaning
    : `"${clip(error, 80)}" is not a standard OAuth error code; its meaning is defined by the server's own documentation.`
  const uriNote = errorUri
    ? ` The server points to more information at ${clip(errorUri)} (error_uri, not opened by the playground).`
    : ''
  const d = data({
    error,
    status: status === undefined ? undefined : String(status),
    error_description: description,
    error_uri: errorUri,
    endpoint: c.op,
    url: c.url,
  })

  if (error === 'use_dpop_nonce') {
    return finding('dpop-nonce-required', 'warning', c.step, {
      title: `${capitalise(endpointLabel(c, false))} asks for a DPoP nonce`,
      detail: `${capitalise(where)} answered ${statusText} with error "use_dpop_nonce". ${meaning}${quoteDescription(description)}`,
      fix: info?.fix ?? '',
      spec: info?.spec ?? 'RFC 9449 §8',
      data: d,
    })
  }

  const id: FindingId = isTokenOp(c)
    ? 'token-request-rejected'
    : isRegistrationOp(c)
      ? 'registration-rejected'
      : 'oauth-error-response'
  const title = isTokenOp(c)
    ? `The token endpoint rejected the request: ${clip(error, 60)}`
    : isRegistrationOp(c)
      ? `Client registration was rejected: ${clip(error, 60)}`
      : `${capitalise(where)} answered with OAuth error ${clip(error, 60)}`
  let extra = ''
  if (isTokenOp(c) && error === 'invalid_grant')
    extra =
      ' The same code can never be exchanged twice: retrying needs a new authorization. A correct server also rejects a wrong code_verifier with invalid_grant, which is how PKCE protects a stolen code.'
  return finding(id, 'error', c.step, {
    title,
    detail: `${capitalise(where)} answered ${statusText} with the OAuth error "${clip(error, 80)}". ${meaning}${quoteDescription(description)}${statusNote}${uriNote}${extra}`,
    fix:
      info?.fix ??
      "Check the server's documentation and logs for this error code; standard clients only understand the codes registered for OAuth.",
    spec: info ? `${info.spec}` : 'RFC 6749 §5.2',
    data: d,
  })
}

function explainAuthorizationResponseError(err: unknown, c: Ctx): Finding {
  const params = get(err, 'cause')
  const fromParams = (name: string): string | undefined => {
    try {
      const getter = get(params, 'get')
      if (typeof getter !== 'function') return undefined
      const v: unknown = (getter as (n: string) => unknown).call(params, name)
      return typeof v === 'string' ? v : undefined
    } catch {
      return undefined
    }
  }
  const error = getString(err, 'error') ?? fromParams('error') ?? ''
  const description = getString(err, 'error_description') ?? fromParams('error_description')
  const errorUri = fromParams('error_uri')
  const info = lookupOAuthError(error)
  const soft = [
    'access_denied',
    'login_required',
    'consent_required',
    'interaction_required',
    'account_selection_required',
    'temporarily_unavailable',
  ]
  const meaning = info
    ? info.meaning
    : `"${clip(error, 80)}" is not a standard OAuth error code; its meaning is defined by the server's own documentation.`
  return finding('authorization-error', soft.includes(error) ? 'warning' : 'error', c.step, {
    title: `The authorization server returned an error instead of a code: ${clip(error, 60)}`,
    detail: `The redirect back to the playground carries error="${clip(error, 80)}" instead of a code. ${meaning}${quoteDescription(description)}${errorUri ? ` More information, per the server: ${clip(errorUri)} (error_uri).` : ''} The state (and iss, if any) of this response were checked before the error was read, so it belongs to this run; even so an error response should not be trusted further than that (RFC 9207 §2.4).`,
    fix: info?.fix ?? "Check the authorization server's logs and documentation for this error code.",
    spec: info ? info.spec : 'RFC 6749 §4.1.2.1',
    data: data({ error, error_description: description, error_uri: errorUri }),
  })
}

function explainChallenge(err: unknown, c: Ctx): Finding {
  const challenges = readChallenges(get(err, 'cause'))
  const status = getNumber(err, 'status')
  const first = challenges[0]
  const error = first?.parameters['error']
  const description = first?.parameters['error_description']
  const resourceMetadata = challenges.find((ch) => ch.parameters['resource_metadata'])?.parameters['resource_metadata']
  const info = lookupOAuthError(error)
  const where = endpointLabel(c)
  const schemes = challenges.map((ch) => ch.scheme).join(', ')
  const d = data({
    status: status === undefined ? undefined : String(status),
    scheme: schemes,
    error,
    error_description: description,
    realm: first?.parameters['realm'],
    scope: first?.parameters['scope'],
    resource_metadata: resourceMetadata,
    endpoint: c.op,
    url: c.url,
  })
  if (error === 'use_dpop_nonce') {
    return finding('dpop-nonce-required', 'warning', c.step, {
      title: `${capitalise(endpointLabel(c, false))} asks for a DPoP nonce`,
      detail: `${capitalise(where)} answered HTTP ${status ?? '?'} with a WWW-Authenticate: DPoP challenge, error "use_dpop_nonce". ${OAUTH_ERROR_CODES['use_dpop_nonce']?.meaning ?? ''}`,
      fix: OAUTH_ERROR_CODES['use_dpop_nonce']?.fix ?? '',
      spec: 'RFC 9449 §8, §9',
      data: d,
    })
  }
  let detail = `${capitalise(where)} answered HTTP ${status ?? '?'} with a WWW-Authenticate challenge (scheme ${schemes || 'unknown'})${error ? ` and error "${clip(error, 80)}"` : ''} instead of the expected response.`
  if (info) detail += ` ${info.meaning}`
  detail += quoteDescription(description)
  if (isTokenOp(c))
    detail +=
      ' At the token endpoint a challenge means client authentication failed: RFC 6749 §5.2 requires 401 with WWW-Authenticate when the client authenticated with the Authorization header (client_secret_basic), which is what happened here.'
  if (resourceMetadata)
    detail += ` The challenge names protected resource metadata at ${clip(resourceMetadata)} (RFC 9728 §5.1), which is how MCP clients discover the authorization server.`
  detail +=
    ' (The playground could only see this header because the server exposes it with Access-Control-Expose-Headers.)'
  return finding('www-authenticate-challenge', 'error', c.step, {
    title: `${capitalise(endpointLabel(c, false))} answered with an authentication challenge${error ? `: ${clip(error, 60)}` : ''}`,
    detail,
    fix:
      info?.fix ??
      (isTokenOp(c)
        ? 'Use the client authentication method registered for this client (a browser client is public: "none").'
        : 'Send the credentials the challenge asks for (usually a valid Bearer access token).'),
    spec: `${info ? `${info.spec}; ` : ''}RFC 6750 §3; RFC 9110 §11.6.1${resourceMetadata ? '; RFC 9728 §5.1' : ''}`,
    data: d,
  })
}

function capitalise(text: string): string {
  return text.length ? text[0]!.toUpperCase() + text.slice(1) : text
}

// ---------------------------------------------------------------------------------------------
// oauth4webapi OperationProcessingError codes

function explainNotConform(err: unknown, c: Ctx, message: string, code: string): Finding {
  const res = responseFacts(get(err, 'cause'))
  const status = res?.status
  const where = endpointLabel(c)
  const expected = expectedStatus(c, message)
  const lib = libraryText(message, code)
  const base = data({
    status: status === undefined ? undefined : String(status),
    expected,
    contentType: res?.contentType,
    location: res?.location,
    responseType: res?.type,
    endpoint: c.op,
    url: c.url ?? res?.url,
  })

  const redirected =
    res !== undefined &&
    (res.type === 'opaqueredirect' || status === 0 || (status !== undefined && status >= 300 && status < 400))
  if (res && redirected) {
    const loc = res.location ? ` It points to ${clip(res.location)}.` : ''
    return finding('endpoint-redirected', 'error', c.step, {
      title: `${capitalise(endpointLabel(c, false))} redirected instead of answering`,
      detail: `${capitalise(where)} answered with a redirect${status ? ` (HTTP ${status})` : ''}.${loc} OAuth clients fetch endpoints with redirects turned off (redirect: "manual"), and browsers then hide the redirect target and status from JavaScript (an "opaqueredirect" response with status 0). Common causes: http→https upgrade, a trailing-slash rewrite (/token → /token/), or a login page in front of the endpoint. oauth4webapi and jose never follow such redirects; other clients may not either, so do not rely on them.${lib}`,
      fix: 'Serve the endpoint directly at the exact URL advertised in the metadata (same scheme, host, path and trailing slash), without any redirect.',
      spec: 'RFC 8414 §2, §3; RFC 6749 §3.2; Fetch Standard (redirect mode "manual", opaque-redirect response)',
      data: base,
    })
  }

  if (status !== undefined && status >= 500) {
    const detail = `${capitalise(where)} answered HTTP ${status}: the server crashed or a proxy in front of it failed, instead of answering per spec. OAuth errors must be JSON bodies with an "error" code and HTTP 400 (401 for invalid_client), not a 5xx; a 5xx body is not parsed by OAuth clients, so whatever it says is lost to them. ${STRICT_CLIENTS} give up on a 5xx; ChatGPT typically surfaces it only as a generic error at its own callback. The body, if readable, is shown in the HTTP log.${lib}`
    if (isTokenOp(c)) {
      return finding('token-request-rejected', 'error', c.step, {
        title: `The token endpoint crashed (HTTP ${status})`,
        detail,
        fix: 'Look at the authorization server logs for the exception. Make every failure path of the token endpoint answer 400 with application/json {"error": "…"} (RFC 6749 §5.2).',
        spec: 'RFC 6749 §5.2; OpenID Connect Core 1.0 §3.1.3.4',
        data: data({ ...base, error: '' }),
      })
    }
    return finding('response-status-5xx', 'error', c.step, {
      title: `${capitalise(endpointLabel(c, false))} crashed (HTTP ${status})`,
      detail,
      fix: 'Look at the server logs for the exception; the endpoint must answer its documented status with a JSON body.',
      spec: `${specForOperation(c)}; RFC 6749 §5.2`,
      data: base,
    })
  }

  if (isTokenOp(c)) {
    return finding('token-request-rejected', 'error', c.step, {
      title: `The token endpoint answered HTTP ${status ?? '?'} without an OAuth error code`,
      detail: `The token endpoint answered HTTP ${status ?? '?'} where a successful exchange is 200. ${status !== undefined && status >= 400 && status < 500 ? 'The body is JSON but has no non-empty "error" member, so no client can tell what went wrong.' : 'Only 200 (success) and 400/401 with a JSON error body are meaningful to an OAuth client.'}${lib}`,
      fix: 'Answer successful exchanges with 200 and failures with 400 (401 for invalid_client) and a JSON body {"error": "<code>", "error_description": "…"}.',
      spec: 'RFC 6749 §5.1, §5.2; OpenID Connect Core 1.0 §3.1.3.4',
      data: data({ ...base, error: '' }),
    })
  }

  let hint = ''
  if ((c.op === 'discovery' || c.op === 'metadata') && status === 404)
    hint =
      ' No metadata document exists at this URL. For an issuer with a path, RFC 8414 inserts /.well-known/oauth-authorization-server between host and path, while OpenID Connect Discovery appends /.well-known/openid-configuration to the issuer; the playground tries both forms.'
  if (status === 401 || status === 403)
    hint = ` HTTP ${status} on ${where} suggests authentication middleware, a WAF or an IP allow-list in front of it; this endpoint must be publicly readable.`
  return finding('response-status', 'error', c.step, {
    title: `${capitalise(endpointLabel(c, false))} answered HTTP ${status ?? '?'} instead of ${expected}`,
    detail: `${capitalise(where)} answered HTTP ${status ?? '?'} where the spec requires ${expected}.${hint} The body, if readable, is shown in the HTTP log.${lib}`,
    fix: `Make the endpoint answer ${expected} with the JSON document at the exact advertised URL.`,
    spec: specForOperation(c),
    data: base,
  })
}

function explainNotJson(err: unknown, c: Ctx, message: string, code: string): Finding {
  const res = responseFacts(get(err, 'cause'))
  const where = endpointLabel(c)
  const ct = res?.contentType
  const isHtml = ct !== undefined && /html/i.test(ct)
  const isError = res?.status !== undefined && res.status >= 400
  const got = ct ? `Content-Type ${clip(ct, 100)}` : 'no Content-Type'
  let detail = `${capitalise(where)} answered${res?.status !== undefined ? ` HTTP ${res.status}` : ''} with ${got} where application/json is required.`
  if (isHtml)
    detail +=
      ' That is almost always an HTML page: a framework error page, a login redirect target, a single-page-app catch-all route or a WAF/proxy block page intercepting the endpoint.'
  if (isError) detail += ' Error responses must be JSON too (RFC 6749 §5.2), otherwise the OAuth error code is lost.'
  detail += ` ${STRICT_CLIENTS} reject non-JSON metadata and token responses, including error responses.${libraryText(message, code)}`
  return finding('response-not-json', 'error', c.step, {
    title: `${capitalise(endpointLabel(c, false))} did not answer with JSON`,
    detail,
    fix: 'Serve the endpoint with Content-Type: application/json (JWKS may also use application/jwk-set+json), for errors as well as success, and make sure no catch-all route or middleware answers in its place.',
    spec: isError ? `RFC 6749 §5.2; ${specForOperation(c)}` : specForOperation(c),
    data: data({
      status: res?.status === undefined ? undefined : String(res.status),
      contentType: ct,
      endpoint: c.op,
      url: c.url ?? res?.url,
    }),
  })
}

function explainParseError(err: unknown, c: Ctx, message: string, code: string): Finding {
  if (/JWT/.test(message)) return jwtMalformed(c, message, code)
  const where = endpointLabel(c)
  const cause = get(err, 'cause')
  const causeMessage = getString(cause, 'message')
  return finding('response-parse-error', 'error', c.step, {
    title: `${capitalise(endpointLabel(c, false))} sent a body that is not valid JSON`,
    detail: `${capitalise(where)} labelled its body as JSON but it does not parse${causeMessage ? ` (parser: "${clip(causeMessage, 150)}")` : ''}. Typical causes: a truncated body, a BOM or trailing garbage, single quotes, or an HTML page sent with a JSON content type.${libraryText(message, code)}`,
    fix: 'Return a single well-formed JSON object (RFC 8259) — serialise it with a JSON library rather than by hand.',
    spec: `${specForOperation(c)}; RFC 8259`,
    data: data({ endpoint: c.op, url: c.url, parser: causeMessage }),
  })
}

function jwtMalformed(c: Ctx, message: string, code: string): Finding {
  return finding('jwt-malformed', 'error', c.step, {
    title: 'A token is not a well-formed JWT',
    detail: `The value received as a JWT is not three base64url segments whose header and payload are JSON objects (compact JWS). Servers sometimes send an opaque string, a JSON object or a padded/standard-base64 token where a JWT is required.${libraryText(message, code)}`,
    fix: 'Issue the ID Token (and any JWT response) as a compact JWS: BASE64URL(header).BASE64URL(payload).BASE64URL(signature), without padding, header and payload being JSON objects.',
    spec: 'RFC 7519 §7.2; RFC 7515 §7.1; OpenID Connect Core 1.0 §2',
    data: data({ code, endpoint: c.op }),
  })
}

const CLAIM_NAMES: Record<string, string> = {
  iss: 'issuer',
  sub: 'subject',
  aud: 'audience',
  exp: 'expiration time',
  nbf: 'not before',
  iat: 'issued at',
  jti: 'JWT ID',
  nonce: 'nonce',
  azp: 'authorized party',
  auth_time: 'authentication time',
  c_hash: 'code hash',
  s_hash: 'state hash',
  at_hash: 'access token hash',
  typ: 'type header',
}

function claimLabel(claim: string): string {
  const name = Object.hasOwn(CLAIM_NAMES, claim) ? CLAIM_NAMES[claim] : undefined
  return name ? `"${claim}" (${name})` : `"${clip(claim, 40)}"`
}

function explainInvalidResponse(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const lib = libraryText(message, code)
  const params = get(cause, 'parameters')
  const param = (name: string): string | undefined => {
    try {
      const g = get(params, 'get')
      if (typeof g !== 'function') return undefined
      const v: unknown = (g as (n: string) => unknown).call(params, name)
      return typeof v === 'string' ? v : undefined
    } catch {
      return undefined
    }
  }

  // Authorization response (callback) checks: one code, told apart by message.
  if (message.includes('"iss" (issuer) missing')) {
    return finding('iss-missing', 'error', c.step, {
      title: 'The callback has no iss parameter although the server promised one',
      detail: `The server metadata says authorization_response_iss_parameter_supported: true, so every authorization response (success or error) must carry iss, and a client must reject one without it. This one has none. The iss parameter defends against mix-up attacks when a client talks to several authorization servers. Strict clients enforce this: ChatGPT/Codex reject such a callback (Codex reports "Authorization server response missing required issuer").${lib}`,
      fix: 'Add iss=<issuer identifier, exactly as in the metadata> to every redirect back to the client, or stop advertising authorization_response_iss_parameter_supported.',
      spec: 'RFC 9207 §2, §2.4, §3',
      data: data({ endpoint: 'callback' }),
    })
  }
  if (message.includes('"iss" (issuer) response parameter value')) {
    const expected = getString(cause, 'expected')
    const actual = param('iss')
    return finding('issuer-mismatch', 'error', c.step, {
      title: 'The callback iss differs from the issuer identifier',
      detail: `The authorization response says iss=${show(actual ?? '')} but the issuer in the server metadata is ${show(expected ?? '')}. RFC 9207 requires a simple string comparison — a trailing slash, http vs https or a different host spelling all count as different. A client must reject the response: it may come from a different authorization server (mix-up attack). Strict clients do (the MCP Python SDK reports "Authorization response iss mismatch").${lib}`,
      fix: 'Send iss exactly equal to the "issuer" value of the metadata (copy the string, do not rebuild it from the request URL).',
      spec: 'RFC 9207 §2, §2.4; RFC 8414 §3.3',
      data: data({ expected, actual, attribute: 'iss' }),
    })
  }
  if (message.includes('"state" missing')) {
    return finding('state-missing', 'error', c.step, {
      title: 'The callback has no state parameter',
      detail: `The playground sent a state value and the authorization server must return it unchanged in the redirect, but the callback has none. Without it the client cannot tell this response belongs to the request it made (CSRF protection).${lib}`,
      fix: 'Echo the state parameter of the authorization request, byte for byte, in every redirect back to the client (also in error redirects).',
      spec: 'RFC 6749 §4.1.2, §10.12; RFC 9700 §4.7.1',
      data: data({ expected: getString(cause, 'expected') }),
    })
  }
  if (message.includes('"state" response parameter value')) {
    const expected = getString(cause, 'expected')
    const actual = param('state')
    return finding('state-mismatch', 'error', c.step, {
      title: 'The callback state does not match the request',
      detail: `The callback carries state=${show(actual ?? '')} but this run sent ${show(expected ?? '')}. Either the server altered it (decoded, re-encoded, truncated), or the callback belongs to another flow — another tab, an older attempt or a forged link. A client must reject it (CSRF protection).${lib}`,
      fix: 'Return state exactly as received. If you started several flows, finish the latest one in the tab that started it.',
      spec: 'RFC 6749 §4.1.2, §10.12; RFC 9700 §4.7.1',
      data: data({ expected, actual }),
    })
  }
  if (message.includes('"state" response parameter encountered')) {
    return finding('state-unexpected', 'error', c.step, {
      title: 'The callback has a state the playground never sent',
      detail: `The callback carries state=${show(param('state') ?? '')} but this request was sent without state. The response cannot be matched to this request.${lib}`,
      fix: 'Only return state when the client sent one, and unchanged.',
      spec: 'RFC 6749 §4.1.2',
      data: data({ actual: param('state') }),
    })
  }
  const dup = /^"([^"]{1,40})" parameter must be provided only once/.exec(message)
  if (dup) {
    return finding('duplicate-parameter', 'error', c.step, {
      title: `The ${dup[1]} parameter appears more than once`,
      detail: `The response carries "${dup[1]}" several times. Request and response parameters must not be included more than once; a server that appends its own parameters to a redirect_uri that already has them produces this.${lib}`,
      fix: 'Send each parameter once. When the redirect_uri has a query, keep it and add the response parameters without duplicating any.',
      spec: 'RFC 6749 §3.1, §3.1.2',
      data: data({ parameter: dup[1] }),
    })
  }
  if (message.includes('JARM')) {
    return finding('jarm-response-unexpected', 'error', c.step, {
      title: 'The callback is a JARM response the playground did not ask for',
      detail: `The callback has a "response" parameter (a JWT-secured authorization response, JARM) although the request asked for plain query parameters.${lib}`,
      fix: 'Use the default response mode (query) for this client, or do not force JARM for it.',
      spec: 'OAuth 2.0 JARM §2.1; RFC 6749 §4.1.2',
    })
  }
  if (/no authorization code|does not contain an Authorization Code/.test(message)) {
    return finding('code-missing', 'error', c.step, {
      title: 'The callback has no authorization code',
      detail: `The redirect back carries neither code nor error. Possibly the response was sent in the URL fragment (#code=…, implicit or fragment response mode) or as form_post, which a static page cannot receive.${lib}`,
      fix: 'Return code (and state, iss) in the query of the redirect_uri, as response_type=code with the default response_mode requires.',
      spec: 'RFC 6749 §4.1.2; OAuth 2.0 Multiple Response Type Encoding Practices §2.1',
    })
  }

  // JWT validation
  const missing = /^JWT "([^"]+)" \([^)]*\) claim missing/.exec(message)
  if (missing) return jwtClaimMissing(c, missing[1] ?? '', get(cause, 'claims'), lib)
  const badType = /^unexpected JWT "([^"]+)" \([^)]*\) claim type/.exec(message) ?? /^ID Token "([^"]+)"/.exec(message)
  if (badType) return jwtClaimInvalid(c, badType[1] ?? '', get(cause, 'claims'), lib)
  if (message.includes('signature verification failed')) return jwtSignatureInvalid(c, lib)
  if (message.includes('"alg" header parameter')) {
    const header = get(cause, 'header')
    const alg = getString(header, 'alg')
    return jwtAlgNotAllowed(c, alg, get(cause, 'expected'), getString(cause, 'reason'), lib)
  }
  if (message.includes('"typ" header parameter')) {
    return jwtTypMismatch(c, getString(get(cause, 'header'), 'typ'), lib)
  }
  if (/Invalid JWT|JWT Header must be|JWT Payload must be/.test(message)) return jwtMalformed(c, message, code)

  // JWKS document shape
  if (message.includes('"keys"')) {
    return finding('jwks-invalid', 'error', c.step, {
      title: 'The JWKS document is malformed',
      detail: `The document at jwks_uri must be a JSON object with a "keys" array of JWK objects; this one is not.${lib}`,
      fix: 'Serve {"keys": [ {public JWK}, … ]} at jwks_uri.',
      spec: 'RFC 7517 §5',
      data: data({ endpoint: c.op, url: c.url }),
    })
  }

  // Response members (token, metadata, registration, userinfo…)
  const member = /^"response" body "([^"]+)" property/.exec(message)
  if (member) return invalidMember(c, member[1] ?? '', get(cause, 'body'), lib)
  if (message.includes('top level object')) {
    return finding('invalid-response', 'error', c.step, {
      title: `${capitalise(endpointLabel(c, false))} did not return a JSON object`,
      detail: `The body parsed as JSON but is not an object at the top level (an array, string, number or null).${lib}`,
      fix: 'Return a single JSON object.',
      spec: specForOperation(c),
      data: data({ endpoint: c.op, url: c.url }),
    })
  }
  return finding('invalid-response', 'error', c.step, {
    title: `${capitalise(endpointLabel(c, false))} sent a response that does not follow the spec`,
    detail: `The response was parsed but failed a validation check.${lib}`,
    fix: 'Compare the response in the HTTP log with the required members of the spec section below.',
    spec: specForOperation(c),
    data: data({ endpoint: c.op, url: c.url }),
  })
}

function invalidMember(c: Ctx, member: string, body: unknown, lib: string): Finding {
  const value = get(body, member)
  const present = body !== undefined && value !== undefined
  const state = !present
    ? 'is missing'
    : value === null
      ? 'is null'
      : value === ''
        ? 'is an empty string'
        : `has the wrong type or value (${show(value, 80)})`
  let why = ''
  let spec = specForOperation(c)
  let fix = `Send "${member}" with a valid value, or leave it out if it is optional (null is not the same as absent).`
  switch (member) {
    case 'access_token':
    case 'token_type':
      why = ` access_token and token_type are REQUIRED in every successful token response.`
      spec = 'RFC 6749 §5.1'
      fix = `Return "${member}" as a non-empty string (token_type is usually "Bearer"; its case does not matter).`
      break
    case 'expires_in':
      why = ' expires_in is optional (RECOMMENDED), but when present it must be a non-negative number of seconds.'
      spec = 'RFC 6749 §5.1'
      fix = 'Send expires_in as a JSON number of seconds, or omit it.'
      break
    case 'refresh_token':
    case 'scope':
    case 'id_token':
      why = ` "${member}" is optional, but when present it must be a string; null is not allowed — omit the member instead.`
      spec = member === 'id_token' ? 'OpenID Connect Core 1.0 §3.1.3.3' : 'RFC 6749 §5.1'
      break
    case 'issuer':
      why = ' issuer is REQUIRED in authorization server metadata.'
      spec = 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3'
      fix = 'Include "issuer" with the exact issuer identifier (https URL, no query or fragment).'
      break
    case 'client_id':
      why = ' client_id is REQUIRED in a registration response.'
      spec = 'RFC 7591 §3.2.1'
      break
    case 'client_secret_expires_at':
      why = ' client_secret_expires_at is REQUIRED whenever a client_secret is issued (0 means it never expires).'
      spec = 'RFC 7591 §3.2.1'
      break
    case 'sub':
      why = ' sub is REQUIRED in the UserInfo response.'
      spec = 'OpenID Connect Core 1.0 §5.3.2'
      break
    case 'resource':
      why = ' resource is REQUIRED in protected resource metadata.'
      spec = 'RFC 9728 §2'
      break
  }
  return finding('invalid-response', 'error', c.step, {
    title: `${capitalise(endpointLabel(c, false))}: "${clip(member, 40)}" ${state}`,
    detail: `In the response from ${endpointLabel(c)}, "${clip(member, 40)}" ${state}.${why}${lib}`,
    fix,
    spec,
    data: data({ field: member, actual: present ? value : undefined, endpoint: c.op, url: c.url }),
  })
}

function jwtClaimMissing(c: Ctx, claim: string, claims: unknown, lib: string): Finding {
  const nonceNote =
    claim === 'nonce'
      ? ' The playground sent a nonce in the authorization request, so the ID Token must echo it.'
      : claim === 'auth_time'
        ? ' auth_time is REQUIRED when max_age was requested or the client requires it.'
        : ''
  return finding('jwt-claim-missing', 'error', c.step, {
    title: `The token lacks the required ${claimLabel(claim)} claim`,
    detail: `The JWT has no ${claimLabel(claim)} claim. An ID Token must contain iss, sub, aud, exp and iat.${nonceNote}${lib}`,
    fix: `Add the ${claimLabel(claim)} claim to the token.`,
    spec: 'OpenID Connect Core 1.0 §2, §3.1.3.7',
    data: data({ claim, claims: claims === undefined ? undefined : show(claims) }),
  })
}

function jwtClaimInvalid(c: Ctx, claim: string, claims: unknown, lib: string, reason?: string): Finding {
  const value = get(claims, claim)
  const numeric = ['exp', 'iat', 'nbf', 'auth_time'].includes(claim)
  return finding('jwt-claim-invalid', 'error', c.step, {
    title: `The token's ${claimLabel(claim)} claim is invalid`,
    detail: `The JWT claim ${claimLabel(claim)} is ${value === undefined ? 'not acceptable' : `${show(value, 80)}`}, which ${numeric ? 'is not a JSON number of seconds since the epoch (NumericDate)' : 'does not have the type or value the spec requires'}${reason ? ` (${reason})` : ''}.${lib}`,
    fix: numeric
      ? `Send ${claim} as a JSON number (seconds since 1970-01-01T00:00:00Z), not a string or milliseconds.`
      : `Send ${claimLabel(claim)} with the type the spec defines (iss and sub are strings; aud is a string or an array of strings).`,
    spec: 'RFC 7519 §4.1; OpenID Connect Core 1.0 §2',
    data: data({ claim, actual: value, reason }),
  })
}

function jwtSignatureInvalid(c: Ctx, lib: string): Finding {
  return finding('jwt-signature-invalid', 'error', c.step, {
    title: 'The JWT signature does not verify',
    detail: `The signature does not match the header and payload with the key the server publishes in its JWKS. The token was altered, signed with a different key (for example a key not yet or no longer published), or signed over different bytes than were sent.${lib}`,
    fix: 'Sign with a private key whose public half is in jwks_uri under the same kid, and send the token exactly as signed.',
    spec: 'RFC 7515 §5.2; OpenID Connect Core 1.0 §3.1.3.7, §10.1',
    data: data({ endpoint: c.op }),
  })
}

function jwtAlgNotAllowed(
  c: Ctx,
  alg: string | undefined,
  expected: unknown,
  reason: string | undefined,
  lib: string,
): Finding {
  const source =
    reason === 'authorization server metadata'
      ? 'the id_token_signing_alg_values_supported of the server metadata'
      : reason === 'client configuration'
        ? "the client's registered signing alg"
        : reason === 'default value'
          ? 'the default, RS256 (the metadata advertises no id_token_signing_alg_values_supported)'
          : 'the algorithms the client accepts'
  return finding('jwt-alg-not-allowed', 'error', c.step, {
    title: `The token is signed with an alg that was not expected${alg ? `: ${clip(alg, 20)}` : ''}`,
    detail: `The JWT header says alg=${show(alg ?? '')}, which is not in ${source}${expected !== undefined ? ` (${show(expected, 120)})` : ''}. Clients must only accept algorithms agreed in advance; accepting whatever the token says is how "alg confusion" attacks work.${lib}`,
    fix: 'Sign with an advertised algorithm (RS256 is the mandatory default for ID Tokens), or list the algorithm you use in id_token_signing_alg_values_supported.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7; OpenID Connect Discovery 1.0 §3; RFC 8725 §3.1',
    data: data({ alg, expected }),
  })
}

function jwtTypMismatch(c: Ctx, typ: string | undefined, lib: string): Finding {
  return finding('jwt-typ-mismatch', 'error', c.step, {
    title: 'The JWT typ header is not the expected type',
    detail: `The JWT header typ is ${show(typ ?? '(absent)')}, not the type this JWT must declare. Explicit typing keeps one kind of JWT from being accepted as another (e.g. an access token "at+jwt" as an ID Token).${lib}`,
    fix: 'Set the typ header the profile requires (e.g. "at+jwt" for RFC 9068 access tokens).',
    spec: 'RFC 8725 §3.11; RFC 9068 §2.1',
    data: data({ typ }),
  })
}

function explainAttributeComparison(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const attribute = getString(cause, 'attribute') ?? ''
  const expected = getString(cause, 'expected')
  const actual = get(get(cause, 'body'), attribute)
  const lib = libraryText(message, code)
  if (attribute === 'issuer') {
    return finding('issuer-mismatch', 'error', c.step, {
      title: 'The metadata issuer differs from the issuer it was fetched for',
      detail: `The metadata document says issuer=${show(actual)} but it was fetched for ${show(expected ?? '')}. The issuer in the document must be identical to the issuer used to build the well-known URL, otherwise the metadata must not be used (it could be another server's). Watch for a trailing slash, http vs https, or a tenant path. Every conforming client, strict MCP connectors included, must reject such metadata.${lib}`,
      fix: 'Make "issuer" in the metadata exactly the issuer identifier clients configure — and use that same string as iss in ID Tokens and RFC 9207 responses.',
      spec: 'RFC 8414 §3.3; OpenID Connect Discovery 1.0 §4.3',
      data: data({ attribute, expected, actual }),
    })
  }
  if (attribute === 'resource') {
    return finding('resource-mismatch', 'error', c.step, {
      title: 'The protected resource metadata names a different resource',
      detail: `The protected resource metadata says resource=${show(actual)} but it was fetched for ${show(expected ?? '')}. It must be identical, otherwise the metadata must not be used (impersonation risk). MCP clients use this value as the resource parameter, so a mismatch also breaks the token request (invalid_target).${lib}`,
      fix: 'Set "resource" to the exact URL clients use to reach the resource (the MCP server URL).',
      spec: 'RFC 9728 §3.3, §7.3',
      data: data({ attribute, expected, actual }),
    })
  }
  if (attribute === 'sub') {
    return finding('userinfo-sub-mismatch', 'error', c.step, {
      title: 'UserInfo sub differs from the ID Token sub',
      detail: `The UserInfo response says sub=${show(actual)} but the ID Token says ${show(expected ?? '')}. The UserInfo response must not be used in that case: it may describe a different user.${lib}`,
      fix: 'Return the same subject identifier from the UserInfo endpoint as in the ID Token.',
      spec: 'OpenID Connect Core 1.0 §5.3.2',
      data: data({ attribute, expected, actual }),
    })
  }
  return finding('invalid-response', 'error', c.step, {
    title: `A response member does not match the expected value${attribute ? `: ${clip(attribute, 40)}` : ''}`,
    detail: `The response says ${clip(attribute || 'a member', 40)}=${show(actual)} but ${show(expected ?? '')} was expected (exact match required).${lib}`,
    fix: 'Return the expected value exactly.',
    spec: specForOperation(c),
    data: data({ attribute, expected, actual }),
  })
}

function explainClaimComparison(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const claim = getString(cause, 'claim') ?? ''
  const claims = get(cause, 'claims')
  const expected = get(cause, 'expected')
  const actual = get(claims, claim)
  const lib = libraryText(message, code)
  const d = data({ claim, expected, actual })
  switch (claim) {
    case 'iss':
      return jwtIssuerMismatch(c, actual, expected, lib)
    case 'aud':
      if (message.includes('untrusted audiences')) {
        return finding('jwt-azp-missing', 'error', c.step, {
          title: 'The ID Token has several audiences but no azp',
          detail: `The ID Token aud is ${show(actual)}. With more than one audience the client must check azp (authorized party) equals its client_id, and must reject tokens with audiences it does not trust; this token has no azp.${lib}`,
          fix: 'Issue ID Tokens with aud = [client_id] only, or add azp = client_id.',
          spec: 'OpenID Connect Core 1.0 §2, §3.1.3.7',
          data: d,
        })
      }
      return jwtAudienceMismatch(c, actual, expected, lib)
    case 'azp':
      return finding('jwt-azp-mismatch', 'error', c.step, {
        title: 'The ID Token azp is not this client',
        detail: `The ID Token azp (authorized party) is ${show(actual)} but this client is ${show(expected ?? '')}. The token was issued for another client.${lib}`,
        fix: 'Set azp to the client_id the token was issued to.',
        spec: 'OpenID Connect Core 1.0 §2, §3.1.3.7',
        data: d,
      })
    case 'nonce':
      return finding('jwt-nonce-mismatch', 'error', c.step, {
        title:
          expected === undefined
            ? 'The ID Token has a nonce although none was sent'
            : 'The ID Token nonce differs from the one sent',
        detail:
          expected === undefined
            ? `The ID Token carries nonce=${show(actual)} but this request sent no nonce. It may belong to another request.${lib}`
            : `The ID Token carries nonce=${show(actual ?? '(absent)')} but this request sent ${show(expected)}. The nonce binds the ID Token to this browser session (replay protection), so a mismatch means the token may be replayed or from another request.${lib}`,
        fix: 'Copy the nonce of the authorization request, unchanged, into the ID Token issued for that code; omit it when none was sent.',
        spec: 'OpenID Connect Core 1.0 §3.1.2.1, §3.1.3.7',
        data: d,
      })
    case 'c_hash':
    case 's_hash':
      return finding('jwt-hash-mismatch', 'error', c.step, {
        title: `The ID Token ${claim} does not match`,
        detail: `The ID Token ${claimLabel(claim)} is not the left half of the hash of the ${claim === 'c_hash' ? 'authorization code' : 'state'} it was issued with.${lib}`,
        fix: `Compute ${claim} as BASE64URL(left half of HASH(ASCII value)), HASH being the one of the ID Token alg (SHA-256 for RS256/ES256).`,
        spec: 'OpenID Connect Core 1.0 §3.3.2.11; FAPI 1.0 Part 2 §5.1',
        data: d,
      })
    case 'htm':
    case 'htu':
    case 'ath':
    case 'cnf':
      return finding('dpop-proof-mismatch', 'error', c.step, {
        title: `A DPoP proof ${claim} claim does not match`,
        detail: `The DPoP proof ${claim} is ${show(actual)}, expected ${show(expected ?? '')}.${lib}`,
        fix: 'Build each DPoP proof for the exact method, URL and access token of the request it accompanies.',
        spec: 'RFC 9449 §4.3, §7.1',
        data: d,
      })
    default:
      return finding('jwt-claim-invalid', 'error', c.step, {
        title: `The token's ${claimLabel(claim)} claim has an unexpected value`,
        detail: `The JWT claim ${claimLabel(claim)} is ${show(actual)}, expected ${show(expected ?? '')}.${lib}`,
        fix: 'Issue the claim with the expected value.',
        spec: 'OpenID Connect Core 1.0 §3.1.3.7; RFC 7519 §4.1',
        data: d,
      })
  }
}

function jwtIssuerMismatch(c: Ctx, actual: unknown, expected: unknown, lib: string): Finding {
  return finding('jwt-issuer-mismatch', 'error', c.step, {
    title: 'The token iss differs from the issuer identifier',
    detail: `The JWT says iss=${show(actual ?? '(absent)')}${expected !== undefined ? ` but the issuer is ${show(expected)}` : ', which is not the expected issuer'}. The comparison is an exact string match — a trailing slash or a different host spelling fails. Note that metadata discovery compares issuers after URL normalisation, so "https://as.example" vs "https://as.example/" can pass discovery and still fail here.${lib}`,
    fix: 'Use the metadata "issuer" string verbatim as the iss claim.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7; RFC 8414 §3.3',
    data: data({ claim: 'iss', expected, actual }),
  })
}

function jwtAudienceMismatch(c: Ctx, actual: unknown, expected: unknown, lib: string): Finding {
  return finding('jwt-audience-mismatch', 'error', c.step, {
    title: 'The token is not addressed to this client',
    detail: `The JWT aud is ${show(actual ?? '(absent)')}${expected !== undefined ? `, which does not contain ${show(expected)}` : ', which does not contain the expected audience'}. An ID Token's aud must contain the client_id it was issued to; tokens for another audience must be rejected.${lib}`,
    fix: 'Set aud to the client_id (a string, or an array containing it).',
    spec: 'OpenID Connect Core 1.0 §2, §3.1.3.7; RFC 7519 §4.1.3',
    data: data({ claim: 'aud', expected, actual }),
  })
}

function explainTimestamp(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const claim = getString(cause, 'claim') ?? ''
  const claims = get(cause, 'claims')
  const now = getNumber(cause, 'now')
  const tolerance = getNumber(cause, 'tolerance')
  const lib = libraryText(message, code)
  return timestampFinding(c, claim, claims, now, tolerance, lib)
}

function describeTime(value: unknown, now: number | undefined): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return show(value)
  let iso: string
  try {
    iso = new Date(value * 1000).toISOString()
  } catch {
    iso = ''
  }
  const rel =
    now === undefined ? '' : value <= now ? `, ${Math.round(now - value)} s ago` : `, in ${Math.round(value - now)} s`
  return `${value}${iso ? ` (${iso}${rel})` : ''}`
}

function timestampFinding(
  c: Ctx,
  claim: string,
  claims: unknown,
  now: number | undefined,
  tolerance: number | undefined,
  lib: string,
): Finding {
  const value = get(claims, claim)
  const clock = `Compare the server clock with this computer's: the iat claim (${describeTime(get(claims, 'iat'), now)}) shows when the server thinks it issued the token${tolerance !== undefined ? `; the allowed clock tolerance is ${tolerance} s` : ''}.`
  const d = data({
    claim,
    actual: typeof value === 'number' ? String(value) : value,
    now: now === undefined ? undefined : String(now),
    tolerance: tolerance === undefined ? undefined : String(tolerance),
  })
  switch (claim) {
    case 'exp':
      return finding('jwt-expired', 'error', c.step, {
        title: 'The token has expired',
        detail: `The token's exp is ${describeTime(value, now)}: it is no longer valid. Either its lifetime is too short for the flow, or the server's or this computer's clock is wrong. ${clock}${lib}`,
        fix: 'Give tokens a lifetime of minutes, not seconds, and keep server clocks synchronised (NTP).',
        spec: 'RFC 7519 §4.1.4; OpenID Connect Core 1.0 §3.1.3.7',
        data: d,
      })
    case 'nbf':
      return finding('jwt-not-yet-valid', 'error', c.step, {
        title: 'The token is not valid yet',
        detail: `The token's nbf (not before) is ${describeTime(value, now)}, in the future: usually a clock difference between server and this computer. ${clock}${lib}`,
        fix: 'Synchronise the server clock (NTP); do not set nbf later than iat.',
        spec: 'RFC 7519 §4.1.5',
        data: d,
      })
    case 'auth_time':
      return finding('jwt-auth-time-too-old', 'error', c.step, {
        title: 'The user authenticated longer ago than max_age allows',
        detail: `The ID Token's auth_time is ${describeTime(value, now)}, older than the max_age the client asked for. The server should have made the user log in again.${lib}`,
        fix: 'Honour max_age: re-authenticate the user when the last authentication is older, and put the new time in auth_time.',
        spec: 'OpenID Connect Core 1.0 §3.1.2.1, §3.1.3.7',
        data: d,
      })
    case 'iat':
      return finding('jwt-iat-invalid', 'error', c.step, {
        title: 'The token issue time (iat) is not acceptable',
        detail: `The token's iat is ${describeTime(value, now)}: ${typeof value === 'number' && now !== undefined && value > now ? 'in the future' : 'too far in the past'}. ${clock}${lib}`,
        fix: 'Set iat to the time the token is issued, and keep the server clock synchronised (NTP).',
        spec: 'RFC 7519 §4.1.6; OpenID Connect Core 1.0 §3.1.3.7',
        data: d,
      })
    default:
      return finding('jwt-claim-invalid', 'error', c.step, {
        title: `A time check on the token failed${claim ? ` (${clip(claim, 30)})` : ''}`,
        detail: `A NumericDate check on ${claimLabel(claim || 'unknown')} failed. ${clock}${lib}`,
        fix: 'Check the time claims and the server clock.',
        spec: 'RFC 7519 §4.1',
        data: d,
      })
  }
}

function explainKeySelection(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const header = get(cause, 'header')
  const candidates = get(cause, 'candidates')
  const count = Array.isArray(candidates) ? candidates.length : undefined
  const kid = getString(header, 'kid')
  const alg = getString(header, 'alg')
  const jwksUri = show(get(cause, 'jwks_uri'))
  const lib = libraryText(message, code)
  const multiple = count !== undefined ? count > 1 : message.includes('multiple')
  return multiple ? jwksMultiple(c, kid, alg, lib) : jwksNoMatch(c, kid, alg, lib, jwksUri)
}

function jwksNoMatch(c: Ctx, kid: string | undefined, alg: string | undefined, lib: string, jwksUri?: string): Finding {
  return finding('jwks-no-matching-key', 'error', c.step, {
    title: `The JWKS has no key for this token${kid ? ` (kid ${clip(kid, 40)})` : ''}`,
    detail: `No key in the JWKS fits the token header (${alg ? `alg ${clip(alg, 20)}` : 'alg unknown'}${kid ? `, kid ${show(kid, 60)}` : ', no kid'}). A key fits when its kty matches the alg, its kid equals the header kid, and its alg/use/key_ops (if present) allow verifying with this alg. The JWKS was re-fetched once in case the keys had rotated. Usual causes: the signing key was rotated but not published yet, the kid differs, or the key is published with use "enc".${lib}`,
    fix: 'Publish the public key of every key you sign with in jwks_uri, with the same kid as the JWT header and use "sig" (or no use).',
    spec: 'RFC 7517 §4, §5; RFC 7515 §4.1.4; OpenID Connect Core 1.0 §10.1.1',
    data: data({ kid, alg, jwks_uri: jwksUri === 'undefined' ? undefined : jwksUri }),
  })
}

function jwksMultiple(c: Ctx, kid: string | undefined, alg: string | undefined, lib: string): Finding {
  return finding('jwks-multiple-keys', 'error', c.step, {
    title: 'Several JWKS keys match and the token has no kid',
    detail: `More than one key in the JWKS fits the token header (alg ${show(alg ?? '?')}${kid ? `, kid ${show(kid, 60)}` : ', no kid'}), so the client cannot tell which one signed it. When a JWKS holds several keys, the JWT header must carry a kid.${lib}`,
    fix: "Give every key a unique kid in the JWKS and put the signing key's kid in the JWT header.",
    spec: 'OpenID Connect Core 1.0 §10.1; RFC 7515 §4.1.4',
    data: data({ kid, alg }),
  })
}

function explainUnsupported(err: unknown, c: Ctx, message: string, code: string): Finding {
  const lib = libraryText(message, code)
  const cause = get(err, 'cause')
  if (message.includes('token_type')) {
    const tokenType = getString(get(cause, 'body'), 'token_type')
    return finding('token-type-unsupported', 'error', c.step, {
      title: `The token_type ${tokenType ? `"${clip(tokenType, 30)}" ` : ''}is not one a client understands`,
      detail: `The token response has token_type ${show(tokenType ?? '?')}. A client must not use a token whose type it does not understand; the ones in use are Bearer and DPoP (compared case-insensitively, so "bearer" is fine).${lib}`,
      fix: 'Return token_type "Bearer" (or "DPoP" for DPoP-bound tokens).',
      spec: 'RFC 6749 §5.1, §7.1; RFC 6750 §4; OpenID Connect Core 1.0 §3.1.3.3',
      data: data({ token_type: tokenType }),
    })
  }
  if (message.includes('implicit and hybrid')) {
    return finding('implicit-response-unexpected', 'error', c.step, {
      title: 'The callback carries tokens directly (implicit/hybrid flow)',
      detail: `The callback has an id_token or token parameter. The playground asked for response_type=code only; tokens in the redirect are the implicit/hybrid flows, which RFC 9700 says not to use (tokens leak through history and referrers).${lib}`,
      fix: 'Honour response_type=code: return only code, state (and iss) in the redirect.',
      spec: 'RFC 6749 §4.1.2; RFC 9700 §2.1.2',
    })
  }
  if (message.includes('JWE')) {
    return finding('jwe-not-supported', 'error', c.step, {
      title: 'The token is encrypted (JWE)',
      detail: `The token has five segments: it is an encrypted JWT (JWE). The playground, like most public clients, has no decryption key, so it cannot read it.${lib}`,
      fix: 'Do not encrypt ID Tokens for this client (no id_token_encrypted_response_alg), or use a client that registers an encryption key.',
      spec: 'OpenID Connect Core 1.0 §10.2; RFC 7516',
    })
  }
  if (message.includes('crit')) {
    return finding('jwt-crit-unsupported', 'error', c.step, {
      title: 'The JWT uses a "crit" header extension',
      detail: `The JWT header lists critical extensions ("crit") the client does not implement, so it must reject the token.${lib}`,
      fix: 'Do not use "crit" header parameters in tokens for general-purpose clients.',
      spec: 'RFC 7515 §4.1.11',
    })
  }
  if (message.includes('modulusLength')) {
    return finding('jwks-weak-key', 'error', c.step, {
      title: 'The signing key is too short',
      detail: `The RSA key used to sign is shorter than 2048 bits, which is no longer acceptable.${lib}`,
      fix: 'Sign with RSA keys of at least 2048 bits (or use ES256).',
      spec: 'RFC 7518 §3.3',
    })
  }
  if (/JWS|alg|algorithm|namedCurve|key type|CryptoKey/i.test(message)) {
    const alg = getString(cause, 'alg') ?? getString(get(cause, 'header'), 'alg')
    return jwtAlgUnsupported(c, alg, lib)
  }
  return finding('unsupported-operation', 'error', c.step, {
    title: 'The server response needs a feature the client library does not support',
    detail: `oauth4webapi refused the response because it relies on a feature it does not implement.${lib}`,
    fix: 'Use the standard, widely supported variant of the feature (see the library message).',
    spec: specForOperation(c),
  })
}

function jwtAlgUnsupported(c: Ctx, alg: string | undefined, lib: string): Finding {
  return finding('jwt-alg-unsupported', 'error', c.step, {
    title: `The token alg${alg ? ` ${clip(alg, 20)}` : ''} is not supported`,
    detail: `The JWT is signed with ${alg ? `alg ${show(alg, 20)}` : 'an algorithm, key type or curve'} that the client cannot verify. "none" (unsigned) is never acceptable for an ID Token sent to the token endpoint of a browser client; symmetric HS* algorithms would need the client secret, which a public client does not have.${lib}`,
    fix: 'Sign with RS256 (the ID Token default), ES256 or PS256, and advertise it in id_token_signing_alg_values_supported.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7, §10.1; RFC 7518 §3.1',
    data: data({ alg }),
  })
}

// ---------------------------------------------------------------------------------------------
// jose

type JoseCode = joseErrors.JOSEErrorCode
type JoseHandler = (err: unknown, c: Ctx, message: string, code: string) => Finding

const JOSE_HANDLERS: Record<JoseCode, JoseHandler> = {
  ERR_JOSE_GENERIC: (err, c, message, code) => {
    const lib = libraryText(message, code)
    if (/JSON Web Key Set/.test(message)) {
      return finding('jwks-fetch-failed', 'error', c.step, {
        title: 'The JWKS endpoint did not return a key set',
        detail: `${capitalise(endpointLabel({ ...c, op: 'jwks' }))} did not answer 200 with a JSON document. jose fetches it without following redirects, so a redirect ends here too.${lib}`,
        fix: 'Serve the JWKS at jwks_uri with 200 and application/json (or application/jwk-set+json), without redirects.',
        spec: 'RFC 7517 §5; RFC 8414 §2 (jwks_uri)',
        data: data({ endpoint: 'jwks', url: c.url }),
      })
    }
    return unknownFinding(err, c, `jose reported a generic JOSE error.${lib}`)
  },
  ERR_JOSE_ALG_NOT_ALLOWED: (err, c, message, code) =>
    jwtAlgNotAllowed(c, undefined, undefined, undefined, libraryText(message, code)),
  ERR_JOSE_NOT_SUPPORTED: (err, c, message, code) => {
    const lib = libraryText(message, code)
    if (/Extension Header Parameter|crit/i.test(message)) {
      return finding('jwt-crit-unsupported', 'error', c.step, {
        title: 'The JWT uses a "crit" header extension',
        detail: `The JWT header lists critical extensions ("crit") the verifier does not implement, so it must reject the token.${lib}`,
        fix: 'Do not use "crit" header parameters in tokens for general-purpose clients.',
        spec: 'RFC 7515 §4.1.11',
      })
    }
    return jwtAlgUnsupported(c, undefined, lib)
  },
  ERR_JWE_DECRYPTION_FAILED: (err, c, message, code) =>
    finding('jwe-decryption-failed', 'error', c.step, {
      title: 'The encrypted token could not be decrypted',
      detail: `The JWE did not decrypt with the available key: wrong key, wrong algorithm, or a tampered token.${libraryText(message, code)}`,
      fix: "Encrypt to the client's registered encryption key with the registered algorithms.",
      spec: 'RFC 7516 §5.2',
    }),
  ERR_JWE_INVALID: (err, c, message, code) =>
    finding('jwe-invalid', 'error', c.step, {
      title: 'The encrypted token (JWE) is malformed',
      detail: `The value looks like an encrypted JWT but is not a valid JWE.${libraryText(message, code)}`,
      fix: 'Produce a compact JWE with five base64url segments and a valid protected header.',
      spec: 'RFC 7516 §7.1',
    }),
  ERR_JWS_INVALID: (err, c, message, code) => jwtMalformed(c, message, code),
  ERR_JWT_INVALID: (err, c, message, code) => jwtMalformed(c, message, code),
  ERR_JWK_INVALID: (err, c, message, code) =>
    finding('jwk-invalid', 'error', c.step, {
      title: 'A JSON Web Key is malformed',
      detail: `A key in the JWKS is missing a required member or has an invalid one.${libraryText(message, code)}`,
      fix: 'Publish complete public JWKs (kty plus n/e for RSA, crv/x/y for EC, crv/x for OKP).',
      spec: 'RFC 7517 §4; RFC 7518 §6',
    }),
  ERR_JWKS_INVALID: (err, c, message, code) => {
    const privateKeys = /public keys/.test(message)
    return finding('jwks-invalid', 'error', c.step, {
      title: privateKeys ? 'The JWKS publishes private or symmetric keys' : 'The JWKS document is malformed',
      detail: privateKeys
        ? `The JWKS contains key material that must never be published (private key members such as "d", or symmetric "oct" keys). Anyone can now sign tokens as this server: treat those keys as compromised.${libraryText(message, code)}`
        : `The document at jwks_uri must be a JSON object with a "keys" array of JWK objects.${libraryText(message, code)}`,
      fix: privateKeys
        ? 'Remove private and symmetric keys from jwks_uri, rotate the exposed keys, and publish only public keys.'
        : 'Serve {"keys": [ {public JWK}, … ]} at jwks_uri.',
      spec: privateKeys ? 'OpenID Connect Discovery 1.0 §3 (jwks_uri); RFC 8414 §2' : 'RFC 7517 §5',
      data: data({ url: c.url }),
    })
  },
  ERR_JWKS_NO_MATCHING_KEY: (err, c, message, code) => jwksNoMatch(c, undefined, undefined, libraryText(message, code)),
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: (err, c, message, code) =>
    jwksMultiple(c, undefined, undefined, libraryText(message, code)),
  ERR_JWKS_TIMEOUT: (err, c, message, code) =>
    finding('jwks-timeout', 'error', c.step, {
      title: 'The JWKS endpoint did not answer in time',
      detail: `${capitalise(endpointLabel({ ...c, op: 'jwks' }))} took longer than the verifier waits (5 s by default).${libraryText(message, code)}`,
      fix: 'Make jwks_uri fast and cacheable (a static document behind a CDN is typical).',
      spec: 'RFC 7517 §5; OpenID Connect Core 1.0 §10.1.1',
      data: data({ url: c.url }),
    }),
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: (err, c, message, code) => jwtSignatureInvalid(c, libraryText(message, code)),
  ERR_JWT_CLAIM_VALIDATION_FAILED: (err, c, message, code) => joseClaimFailure(err, c, message, code),
  ERR_JWT_EXPIRED: (err, c, message, code) => joseClaimFailure(err, c, message, code),
}

function joseClaimFailure(err: unknown, c: Ctx, message: string, code: string): Finding {
  const claim = getString(err, 'claim') ?? ''
  const reason = getString(err, 'reason') ?? ''
  const payload = get(err, 'payload')
  const lib = libraryText(message, code)
  const now = Math.floor(Date.now() / 1000)
  if (reason === 'missing') return jwtClaimMissing(c, claim, payload, lib)
  if (reason === 'invalid') return jwtClaimInvalid(c, claim, payload, lib, 'not a number')
  if (code === 'ERR_JWT_EXPIRED' || ['exp', 'nbf', 'iat', 'auth_time'].includes(claim))
    return timestampFinding(c, claim || 'exp', payload, now, undefined, lib)
  switch (claim) {
    case 'iss':
      return jwtIssuerMismatch(c, get(payload, 'iss'), undefined, lib)
    case 'aud':
      return jwtAudienceMismatch(c, get(payload, 'aud'), undefined, lib)
    case 'sub':
      return finding('jwt-subject-mismatch', 'error', c.step, {
        title: 'The token sub differs from the expected subject',
        detail: `The JWT says sub=${show(get(payload, 'sub') ?? '(absent)')}, which is not the expected subject: it describes a different user.${lib}`,
        fix: 'Issue tokens with the same stable subject identifier for the same user.',
        spec: 'OpenID Connect Core 1.0 §2, §5.3.2',
        data: data({ claim, actual: get(payload, 'sub') }),
      })
    case 'typ':
      return jwtTypMismatch(c, undefined, lib)
    default:
      return jwtClaimInvalid(c, claim, payload, lib, reason || undefined)
  }
}

// ---------------------------------------------------------------------------------------------
// oauth4webapi dispatch

type OAuthCode =
  | typeof RESPONSE_IS_NOT_CONFORM
  | typeof RESPONSE_IS_NOT_JSON
  | typeof PARSE_ERROR
  | typeof INVALID_RESPONSE
  | typeof JSON_ATTRIBUTE_COMPARISON
  | typeof JWT_CLAIM_COMPARISON
  | typeof JWT_TIMESTAMP_CHECK
  | typeof KEY_SELECTION
  | typeof MISSING_SERVER_METADATA
  | typeof INVALID_SERVER_METADATA
  | typeof HTTP_REQUEST_FORBIDDEN
  | typeof REQUEST_PROTOCOL_FORBIDDEN
  | typeof INVALID_REQUEST
  | typeof JWT_USERINFO_EXPECTED
  | typeof UNSUPPORTED_OPERATION
  | typeof RESPONSE_BODY_ERROR
  | typeof AUTHORIZATION_RESPONSE_ERROR
  | typeof WWW_AUTHENTICATE_CHALLENGE

type OAuthHandler = (err: unknown, c: Ctx, message: string, code: string) => Finding

function metadataAttribute(err: unknown): string {
  return getString(get(err, 'cause'), 'attribute') ?? 'endpoint'
}

const OAUTH_HANDLERS: Record<OAuthCode, OAuthHandler> = {
  [RESPONSE_IS_NOT_CONFORM]: explainNotConform,
  [RESPONSE_IS_NOT_JSON]: explainNotJson,
  [PARSE_ERROR]: explainParseError,
  [INVALID_RESPONSE]: explainInvalidResponse,
  [JSON_ATTRIBUTE_COMPARISON]: explainAttributeComparison,
  [JWT_CLAIM_COMPARISON]: explainClaimComparison,
  [JWT_TIMESTAMP_CHECK]: explainTimestamp,
  [KEY_SELECTION]: explainKeySelection,
  [MISSING_SERVER_METADATA]: (err, c, message, code) => {
    const attribute = metadataAttribute(err)
    return finding('metadata-missing-endpoint', 'error', c.step, {
      title: `The server metadata has no ${clip(attribute, 60)}`,
      detail: `The flow needs ${clip(attribute, 60)}, but the metadata does not contain it${attribute === 'jwks_uri' ? ' (REQUIRED for OpenID Providers)' : attribute === 'token_endpoint' || attribute === 'authorization_endpoint' ? ' (REQUIRED unless only grants that do not use it are supported)' : ''}. You can also enter it by hand in the Configure step.${libraryText(message, code)}`,
      fix: `Add "${clip(attribute, 60)}" (an absolute https URL) to the metadata document.`,
      spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3',
      data: data({ attribute }),
    })
  },
  [INVALID_SERVER_METADATA]: (err, c, message, code) => {
    const attribute = metadataAttribute(err)
    return finding('metadata-invalid-endpoint', 'error', c.step, {
      title: `The server metadata ${clip(attribute, 60)} is not a valid URL`,
      detail: `The metadata member ${clip(attribute, 60)} is present but is not an absolute URL string (null, empty, relative, or not a string).${libraryText(message, code)}`,
      fix: `Set "${clip(attribute, 60)}" to an absolute https URL, or leave the member out if the endpoint does not exist (null is not the same as absent).`,
      spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3',
      data: data({ attribute }),
    })
  },
  [HTTP_REQUEST_FORBIDDEN]: (err, c, message, code) => {
    const url = show(get(err, 'cause'))
    return finding('insecure-endpoint', 'error', c.step, {
      title: 'An endpoint uses http:// where TLS is required',
      detail: `${url !== 'undefined' ? `${url} uses` : 'The endpoint uses'} plain http. OAuth endpoints must be served over TLS: codes, tokens and verifiers would otherwise travel in clear text. The playground only allows http:// for loopback hosts (localhost, 127.0.0.1, [::1]) when you enable that option.${libraryText(message, code)}`,
      fix: 'Serve the endpoint over https (and advertise the https URL in the metadata). For local testing on localhost, enable "allow insecure loopback" in Configure.',
      spec: 'RFC 6749 §3.1, §3.2, §10.9; RFC 8414 §2',
      data: data({ url: url === 'undefined' ? c.url : url }),
    })
  },
  [REQUEST_PROTOCOL_FORBIDDEN]: (err, c, message, code) => {
    const url = show(get(err, 'cause'))
    return finding('bad-endpoint-scheme', 'error', c.step, {
      title: 'An endpoint URL has a scheme other than https',
      detail: `${url !== 'undefined' ? `${url} is` : 'The endpoint is'} not an http(s) URL (e.g. javascript:, data: or file:). The playground refuses to fetch or navigate to it.${libraryText(message, code)}`,
      fix: 'Advertise endpoints as absolute https URLs.',
      spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3',
      data: data({ url: url === 'undefined' ? c.url : url }),
    })
  },
  [INVALID_REQUEST]: (err, c, message, code) =>
    finding('resource-server-check-failed', 'error', c.step, {
      title: 'A resource-server request check failed',
      detail: `A check that a resource server makes on an incoming request (Authorization header, DPoP proof) failed. This is not part of the client flow the playground runs.${libraryText(message, code)}`,
      fix: 'Check the Authorization / DPoP headers of the request.',
      spec: 'RFC 6750 §2.1; RFC 9449 §7',
    }),
  [JWT_USERINFO_EXPECTED]: (err, c, message, code) =>
    finding('userinfo-jwt-expected', 'error', c.step, {
      title: 'UserInfo answered plain JSON where a signed JWT was expected',
      detail: `The client is registered for signed UserInfo responses (userinfo_signed_response_alg) but the endpoint returned application/json instead of application/jwt.${libraryText(message, code)}`,
      fix: 'Return the UserInfo response as a signed JWT (Content-Type application/jwt) for clients registered that way.',
      spec: 'OpenID Connect Core 1.0 §5.3.2',
    }),
  [UNSUPPORTED_OPERATION]: explainUnsupported,
  [RESPONSE_BODY_ERROR]: (err, c) => explainResponseBodyError(err, c),
  [AUTHORIZATION_RESPONSE_ERROR]: (err, c) => explainAuthorizationResponseError(err, c),
  [WWW_AUTHENTICATE_CHALLENGE]: (err, c) => explainChallenge(err, c),
}

// ---------------------------------------------------------------------------------------------
// Browser / platform errors

const FETCH_FAILURE =
  /failed to fetch|networkerror|load failed|fetch failed|network request failed|network connection was lost|could not connect|hostname could not be found|internet connection appears to be offline|ssl|certificate|cancelled/i
const PROGRAMMING_ERROR =
  /is not a function|cannot read propert|cannot set propert|undefined is not|null is not|is not iterable|is not a constructor|must be an instance|must be a |must not be|option/i
const INVALID_URL = /invalid url|not a valid url|failed to parse url|failed to construct 'url'/i

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (nothing listens on that port)',
  ENOTFOUND: 'the host name does not resolve (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection failed',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate chain is incomplete',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
}

function explainTypeError(err: unknown, c: Ctx, message: string): Finding {
  const where = endpointLabel(c)
  if (INVALID_URL.test(message)) return invalidUrl(c, message, undefined)

  const causeCode = getString(get(err, 'cause'), 'code')
  if (causeCode !== undefined && Object.hasOwn(UNREACHABLE_CODES, causeCode)) {
    return finding('endpoint-unreachable', 'error', c.step, {
      title: `${capitalise(endpointLabel(c, false))} could not be reached`,
      detail: `The request never got an HTTP answer: ${UNREACHABLE_CODES[causeCode]} (${causeCode}).${libraryText(message, undefined)}`,
      fix: 'Check the URL, that the server is running and reachable from this machine, and its TLS certificate (open the URL in a browser tab).',
      spec: 'RFC 6749 §3.1, §3.2',
      data: data({ endpoint: c.op, url: c.url, cause: causeCode }),
    })
  }

  if (!FETCH_FAILURE.test(message) && PROGRAMMING_ERROR.test(message)) return playgroundBug(c, message, undefined)

  const tokenNote = isTokenOp(c)
    ? ' For the token request: a public-client POST without an Authorization header needs no preflight, so the request may well have reached the server and consumed the code even though the browser hid the answer — check the server logs before retrying, and start a new authorization either way.'
    : ''
  return finding('cors-blocked', 'error', c.step, {
    title: `The browser blocked or could not complete the request to ${endpointLabel(c, false)}`,
    detail: `fetch() failed with a TypeError${message ? ` ("${clip(message, 120)}")` : ''}. Browsers deliberately hide the reason from JavaScript: a missing or wrong Access-Control-Allow-Origin header, a failed preflight, CORS headers only on successful responses, DNS, TLS, mixed content or a blocked local-network request all look the same here (the browser console names the real cause). The playground follows up with a CORS check to tell "server reachable, CORS missing" from "server unreachable".${tokenNote} Connectors that call the token endpoint from their own servers (ChatGPT, Claude) are not subject to CORS, so a CORS failure here does not prove those clients fail.`,
    fix: `Allow the playground's origin on ${where}: send Access-Control-Allow-Origin (the exact origin, or *) on success AND error responses, answer OPTIONS preflights with 2xx plus Access-Control-Allow-Headers (authorization, content-type, dpop as needed), and expose WWW-Authenticate/DPoP-Nonce via Access-Control-Expose-Headers. If the URL does not open in a browser tab either, fix reachability or the certificate first.`,
    spec: 'Fetch Standard §3.2 (CORS protocol); draft-ietf-oauth-browser-based-apps §6.3.3.4; RFC 9700 §2.6',
    data: data({ endpoint: c.op, url: c.url, message: message || undefined }),
  })
}

function invalidUrl(c: Ctx, message: string, code: string | undefined): Finding {
  return finding('invalid-url', 'error', c.step, {
    title: 'A URL could not be parsed',
    detail: `A URL involved in ${endpointLabel(c)} is not a valid absolute URL. It is either a value entered in Configure or one the server sent (for example an "issuer" or endpoint in the metadata that is relative or contains spaces).${libraryText(message, code)}`,
    fix: 'Use absolute URLs (https://host/path) everywhere: in the configuration and in every URL-valued metadata member.',
    spec: 'RFC 3986 §4.3; RFC 8414 §2',
    data: data({ url: c.url }),
  })
}

function playgroundBug(c: Ctx, message: string, code: string | undefined): Finding {
  return finding('playground-bug', 'error', c.step, {
    title: 'A bug in the playground (not your server)',
    detail: `The playground passed an invalid argument to a library or hit a programming error while handling ${endpointLabel(c)}. This says nothing about the server.${libraryText(message, code)}`,
    fix: 'Please report it to the playground maintainers with the steps that led here; restarting the flow may work around it.',
    spec: '— (application bug, no spec rule involved)',
    data: data({ code, message }),
  })
}

function unknownFinding(err: unknown, c: Ctx, detail?: string): Finding {
  const name = getString(err, 'name')
  const message = getString(err, 'message')
  let described = detail
  if (described === undefined) {
    if (typeof err === 'string') described = `A plain text error was thrown: "${clip(err)}".`
    else if (err === null || err === undefined)
      described = `The operation failed without any error value (${String(err)}).`
    else if (typeof err !== 'object' && typeof err !== 'function')
      described = `A bare value was thrown: ${show(err, 80)}.`
    else if (message !== undefined) described = `${name ?? 'Error'}: "${clip(message)}".`
    else described = `A value without a message was thrown (${show(err, 120)}).`
  }
  return finding('unknown-error', 'error', c.step, {
    title: `Something unexpected went wrong in ${endpointLabel(c, false)}`,
    detail: `${described} The playground does not recognise this failure, so it cannot tell whether the server or the playground is at fault. The HTTP log shows what was sent and received.`,
    fix: 'Check the HTTP log and the browser console. If the server response looks correct, report it to the playground maintainers.',
    spec: '—',
    data: data({ name, message: typeof err === 'string' ? err : message, endpoint: c.op }),
  })
}

// ---------------------------------------------------------------------------------------------

function explainInner(err: unknown, c: Ctx): Finding {
  const code = getString(err, 'code')
  const name = getString(err, 'name') ?? ''
  const message = getString(err, 'message') ?? ''

  if (code !== undefined && Object.hasOwn(OAUTH_HANDLERS, code))
    return OAUTH_HANDLERS[code as OAuthCode](err, c, message, code)
  if (code !== undefined && Object.hasOwn(JOSE_HANDLERS, code))
    return JOSE_HANDLERS[code as JoseCode](err, c, message, code)

  if (name === 'AbortError') {
    return finding('aborted', 'info', c.step, {
      title: `The request to ${endpointLabel(c, false)} was cancelled`,
      detail:
        'The request was aborted before it finished — usually because you reset the flow, navigated away or started another attempt. Nothing is wrong with the server.',
      fix: 'Run the step again if you still need it.',
      spec: '—',
      data: data({ endpoint: c.op, url: c.url }),
    })
  }
  if (name === 'TimeoutError') {
    return finding('request-timeout', 'warning', c.step, {
      title: `${capitalise(endpointLabel(c, false))} did not answer in time`,
      detail:
        'The playground stopped waiting for an answer. The server is slow, overloaded or unreachable without a quick failure (e.g. a firewall dropping packets).',
      fix: 'Check the server is up and reachable, then retry.',
      spec: '—',
      data: data({ endpoint: c.op, url: c.url }),
    })
  }
  if (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE') return playgroundBug(c, message, code)
  if (code === 'ERR_INVALID_URL') return invalidUrl(c, message, code)
  if (name === 'TypeError' || isInstance(err, TypeError)) return explainTypeError(err, c, message)
  if (name === 'SyntaxError' || isInstance(err, SyntaxError)) {
    return finding('response-parse-error', 'error', c.step, {
      title: `${capitalise(endpointLabel(c, false))} sent text that is not valid JSON`,
      detail: `Parsing the response failed ("${clip(message, 150)}").`,
      fix: 'Return a single well-formed JSON object (RFC 8259).',
      spec: `${specForOperation(c)}; RFC 8259`,
      data: data({ endpoint: c.op, url: c.url, parser: message }),
    })
  }
  if (name === 'OperationProcessingError' && message.includes('"alg"')) {
    return finding('jwt-alg-config-missing', 'error', c.step, {
      title: 'No signing algorithm is known to check this JWT against',
      detail: `The response is a JWT but neither the client registration nor the server metadata says which alg it should use (e.g. no userinfo_signing_alg_values_supported), so it cannot be accepted safely.${libraryText(message, code)}`,
      fix: 'Advertise the signing algorithms in the metadata (*_signing_alg_values_supported).',
      spec: 'OpenID Connect Discovery 1.0 §3; RFC 8725 §3.1',
    })
  }
  // A plain object that looks like an OAuth error body.
  const oauthError = getString(err, 'error')
  if (oauthError !== undefined && !isInstance(err, Error) && lookupOAuthError(oauthError))
    return explainResponseBodyError(err, c)
  return unknownFinding(err, c)
}

/**
 * Turns any thrown value into a human finding: oauth4webapi errors (by class and `OAUTH_*` code),
 * jose errors (by `ERR_*` code), fetch `TypeError`s (network/CORS), `DOMException`
 * AbortError/TimeoutError, and anything else. Never throws.
 *
 * @param err The thrown value, as caught.
 * @param ctx Which step and operation failed, and the URL involved (used in the wording).
 * @returns A finding; `data` holds small string evidence (code, status, error, claim, expected,
 *   actual), each at most 300 characters.
 */
export function explainError(err: unknown, ctx: ExplainContext): Finding {
  let c: Ctx = { step: 'configure', op: 'unknown', url: undefined }
  try {
    c = readContext(ctx)
    return explainInner(err, c)
  } catch {
    try {
      return unknownFinding(err, c)
    } catch {
      return finding('unknown-error', 'error', c.step, {
        title: 'Something unexpected went wrong',
        detail: 'An error occurred that could not even be described. The HTTP log shows what was sent and received.',
        fix: 'Check the HTTP log and the browser console.',
        spec: '—',
      })
    }
  }
}
