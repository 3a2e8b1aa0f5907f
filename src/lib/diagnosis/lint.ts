/**
 * Lints what a server REALLY sent, before any library processed it.
 *
 * oauth4webapi is lenient on purpose: it lower-cases `token_type`, `parseFloat`s a string
 * `expires_in`, and accepts a JSON body served with another content-type. Strict clients (schema
 * validators, some MCP / connector stacks) are not. These pure functions read the recorded raw
 * response (status, readable headers, body text) or the raw parsed document and return findings.
 *
 * Severity policy:
 * - `error`: a MUST of the spec is broken AND a conforming client fails (or is unsafe).
 * - `warning`: the spec is broken in a way lenient clients survive, or the response is valid but
 *   strict clients are known to reject it (e.g. `token_type: "bearer"`).
 * - `info`: valid, but worth knowing (e.g. `expires_in` absent, which is only RECOMMENDED).
 *
 * All functions are pure, never throw, and quote every piece of server text as plain text, cut to
 * 300 characters.
 *
 * @see [RFC 6749 §5.1, §5.2](https://www.rfc-editor.org/rfc/rfc6749.html#section-5.1)
 * @see [RFC 8414 §2](https://www.rfc-editor.org/rfc/rfc8414.html#section-2)
 * @see [OpenID Connect Discovery 1.0 §3](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata)
 * @see [RFC 7517 §4, §5](https://www.rfc-editor.org/rfc/rfc7517.html#section-4)
 */
import { base64url } from 'jose'
import { isLoopbackHost } from '../platform/network'
import type { ClientAuthMethod, Finding, RecordedResponse, Severity, StepRef } from '../model/types'
import { MAX_RECORDED_BODY } from '../platform/recorder'
import { finding } from './finding'

type FindingData = NonNullable<Finding['data']>

// ---------------------------------------------------------------------------------------------
// Small, throw-proof helpers

const TEXT_MAX = 300

/** Server text as plain, single-line text, at most 300 characters (no quotes added). */
function plain(value: unknown, max = TEXT_MAX): string {
  let text: string
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  } catch {
    text = '[unprintable value]'
  }
  // eslint-disable-next-line no-control-regex
  text = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** Server text quoted for a sentence: "…". */
function quote(value: unknown, max = TEXT_MAX): string {
  return `"${plain(value, max)}"`
}

/** A JSON value as short text, e.g. `"3600"` (a string) vs `3600` (a number). */
function showJson(value: unknown, max = 120): string {
  if (value === undefined) return 'undefined'
  try {
    return plain(JSON.stringify(value) ?? String(value), max)
  } catch {
    return '[unprintable value]'
  }
}

function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined
}

/** A response header (names are recorded lower-case); several entries are joined with ", ". */
function header(res: RecordedResponse, name: string): string | undefined {
  const list = Array.isArray(res.headers) ? res.headers : []
  const values = list
    .filter((h) => Array.isArray(h) && typeof h[0] === 'string' && h[0].toLowerCase() === name)
    .map((h) => String(h[1]))
  return values.length ? values.join(', ') : undefined
}

/** The media type essence: "application/json; charset=utf-8" → "application/json". */
function essence(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

type BodyFormat = 'json' | 'invalid-json' | 'html' | 'form' | 'text' | 'empty'

interface ParsedBody {
  format: BodyFormat
  json?: unknown
  /** For HTML: the <title>, if any. */
  htmlTitle?: string
  /** For form-encoded: the parameter names. */
  formKeys?: string[]
  formError?: string
}

function parseBody(body: unknown, contentType: string | undefined): ParsedBody {
  const text = typeof body === 'string' ? body : ''
  const trimmed = text.trim()
  if (trimmed === '') return { format: 'empty' }
  try {
    return { format: 'json', json: JSON.parse(text) as unknown }
  } catch {
    // not JSON: classify below
  }
  const ct = essence(contentType)
  if (
    ct === 'text/html' ||
    ct === 'application/xhtml+xml' ||
    /^<(!doctype|html|head|body|\?xml|!--|[a-z])/i.test(trimmed)
  ) {
    const m = /<title[^>]*>([^<]{0,400})/i.exec(trimmed)
    const title = m?.[1]?.trim()
    return { format: 'html', ...(title ? { htmlTitle: title } : {}) }
  }
  if (ct === 'application/x-www-form-urlencoded' || /^[\w.~%+-]+=[^&\s]*(&[\w.~%+-]+=[^&\s]*)*$/.test(trimmed)) {
    try {
      const params = new URLSearchParams(trimmed)
      const keys = [...new Set([...params.keys()])].slice(0, 20)
      if (keys.length > 0) {
        const formError = params.get('error') ?? undefined
        return { format: 'form', formKeys: keys, ...(formError !== undefined ? { formError } : {}) }
      }
    } catch {
      // fall through
    }
  }
  if (ct === 'application/json' || ct.endsWith('+json') || /^[[{]/.test(trimmed)) {
    return { format: 'invalid-json' }
  }
  return { format: 'text' }
}

const STRICT = 'Strict clients (for example the ChatGPT and Claude connectors and schema-validating MCP SDKs)'

// ---------------------------------------------------------------------------------------------
// Token endpoint

/** Context of {@link lintTokenResponse}. */
export interface TokenLintContext {
  /** Step of the findings; default "token". */
  step?: StepRef
  /** The scope sent in the authorization request (space-separated), to compare with `scope`. */
  requestedScope?: string
  /** True when `openid` was requested: an `id_token` is then REQUIRED. */
  openid?: boolean
  /** How the client authenticated; `client_secret_basic` means an Authorization header was sent. */
  clientAuth?: ClientAuthMethod
}

/** RFC 6749 §5.2 codes plus registered extensions a token endpoint may use for this grant. */
const TOKEN_ERROR_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target', // RFC 8707
  'use_dpop_nonce', // RFC 9449
  'invalid_dpop_proof', // RFC 9449
  'invalid_authorization_details', // RFC 9396
  'server_error', // defined for the authorization endpoint, widely used here too
  'temporarily_unavailable',
])

const KNOWN_TOKEN_MEMBERS = new Set([
  'access_token',
  'token_type',
  'expires_in',
  'refresh_token',
  'scope',
  'id_token',
  'authorization_details',
  'issued_token_type',
])

/** RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (no ", no \, ASCII only). */
const DESCRIPTION_CHARS = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/
/** RFC 6749 §5.2: error_uri is %x21 / %x23-5B / %x5D-7E. */
const URI_CHARS = /^[\x21\x23-\x5b\x5d-\x7e]*$/

/**
 * Lints a recorded token endpoint response (authorization code grant), success or error. Never
 * throws.
 *
 * @param res The raw response as recorded before oauth4webapi processed it.
 * @param ctx The step, the requested scope, whether `openid` was requested, the client auth method.
 * @returns Findings; an empty list means the response is exactly what strict clients expect.
 * @see [RFC 6749 §5.1, §5.2, §7.1](https://www.rfc-editor.org/rfc/rfc6749.html#section-5.1)
 * @see [OpenID Connect Core 1.0 §3.1.3.3](https://openid.net/specs/openid-connect-core-1_0.html#TokenResponse)
 */
export function lintTokenResponse(res: RecordedResponse, ctx: TokenLintContext = {}): Finding[] {
  const out: Finding[] = []
  const step = typeof ctx?.step === 'string' && ctx.step ? ctx.step : 'token'
  try {
    const status = typeof res?.status === 'number' ? res.status : 0
    if (status === 0) return out // opaque or network failure: nothing readable to lint
    // Over the cap the body is not all here: say so, and do not judge a cut body as "not JSON".
    if (res.bodyTruncated) return [responseTooLarge(res, step, 'The token response')]
    if (status >= 200 && status < 300) lintTokenSuccess(res, status, ctx ?? {}, step, out)
    else if (status >= 400) lintTokenError(res, status, ctx ?? {}, step, out)
    else {
      out.push(
        finding('token-response-status', 'error', step, {
          title: `The token endpoint answered HTTP ${status}`,
          detail: `A token response is HTTP 200 with a JSON body, and an error is (normally) HTTP 400 with a JSON body. HTTP ${status} is neither${status >= 300 ? ': the endpoint redirects, and OAuth clients (oauth4webapi, jose) do not follow redirects for a POST to the token endpoint' : ''}.`,
          fix: 'Serve the token endpoint directly at the URL advertised in the metadata (no redirect, no trailing-slash or http→https hop) and answer 200 with the tokens.',
          spec: 'RFC 6749 §5.1, §5.2',
          data: { status },
        }),
      )
    }
  } catch {
    // never throw: return what was found so far
  }
  return out
}

/** Bytes as "312 KiB" / "10.0 MiB". */
function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
  return `${Math.round(bytes / 1024)} KiB`
}

/**
 * A response over the playground's size cap ({@link MAX_RECORDED_BODY}): what happened (its size,
 * the cap), its first bytes, and that the rest was not parsed — never reported as "not JSON".
 */
export function responseTooLarge(res: RecordedResponse, step: StepRef, what: string): Finding {
  const size = typeof res.bodySize === 'number' ? res.bodySize : res.body.length
  return finding('response-too-large', 'error', step, {
    title: `${what} is ${formatSize(size)}, over the playground’s ${formatSize(MAX_RECORDED_BODY)} limit`,
    detail: `The body is ${size} bytes (HTTP ${res.status}, ${quote(header(res, 'content-type') ?? 'no content-type', 80)}). The playground reads at most ${MAX_RECORDED_BODY} bytes of a response, so it did not parse this one and shows no tokens from it. Its first bytes: ${quote(res.body.slice(0, 200), 200)}. An OAuth response is a small JSON object of a few kilobytes; one this large is a wrong URL (a file or a page), a stream that never ends, or padding meant to exhaust clients. Other clients and proxies cap response sizes too (JSON parsers may limit the size of texts they accept).`,
    fix: 'Check that the URL is the real endpoint and that it answers with a small JSON object (no padding, no embedded files).',
    spec: 'RFC 6749 §5.1; RFC 8259 §9',
    data: { size, cap: MAX_RECORDED_BODY, head: plain(res.body.slice(0, 120), 120) },
  })
}

function lintTokenSuccess(
  res: RecordedResponse,
  status: number,
  ctx: TokenLintContext,
  step: StepRef,
  out: Finding[],
): void {
  const contentType = header(res, 'content-type')
  const ct = essence(contentType)
  if (status !== 200) {
    out.push(
      finding('token-response-status', 'error', step, {
        title: `The token endpoint answered HTTP ${status} instead of 200`,
        detail: `A successful token response MUST use HTTP 200 (OK). oauth4webapi and most clients treat any other status as a failure, even a 2xx.`,
        fix: 'Answer HTTP 200 with the JSON token response.',
        spec: 'RFC 6749 §5.1',
        data: { status },
      }),
    )
  }
  const parsed = parseBody(res.body, contentType)
  if (parsed.format !== 'json') {
    out.push(notJson(parsed, contentType, res, step))
    return
  }
  if (ct !== 'application/json') {
    out.push(
      finding('token-response-content-type', 'warning', step, {
        title: `The token response is JSON but is served as ${contentType ? quote(contentType, 80) : 'no content-type'}`,
        detail: `The body parses as JSON, but the Content-Type is ${contentType ? quote(contentType, 80) : 'missing'}. RFC 6749 §5.1 requires application/json. oauth4webapi (used here) only looks at the content-type when parsing fails, so the flow goes on; ${STRICT.toLowerCase()} and HTTP libraries that parse by content-type may treat the body as text and fail.`,
        fix: 'Send Content-Type: application/json (a charset parameter is fine) with the token response.',
        spec: 'RFC 6749 §5.1; OpenID Connect Core 1.0 §3.1.3.3',
        data: { contentType: contentType ? plain(contentType) : null },
      }),
    )
  }
  const body = parsed.json
  if (!isRecord(body)) {
    out.push(
      finding('token-response-not-object', 'error', step, {
        title: `The token response is JSON but not an object (${jsonType(body)})`,
        detail: `The parameters of a token response are members of one top-level JSON object; this body is ${jsonType(body)}: ${showJson(body)}.`,
        fix: 'Return a single JSON object: {"access_token": "…", "token_type": "Bearer", "expires_in": 3600, …}.',
        spec: 'RFC 6749 §5.1',
        data: { type: jsonType(body) },
      }),
    )
    return
  }

  const error = own(body, 'error')
  if (error !== undefined && own(body, 'access_token') === undefined) {
    const description = own(body, 'error_description')
    out.push(
      finding('token-response-error-with-200', 'error', step, {
        title: `The token endpoint answered HTTP ${status} with an error: ${plain(error, 60)}`,
        detail: `The body carries error=${quote(error, 80)}${typeof description === 'string' ? ` (error_description, supplied by the server: ${quote(description)})` : ''} but the status is ${status}. Error responses use HTTP 400 (401 for some invalid_client cases). A client that trusts the status looks for access_token and reports a confusing "access_token missing" instead of the real error (GitHub's OAuth apps answer 200 with {"error":"bad_verification_code"}; see modelcontextprotocol/typescript-sdk#1342).`,
        fix: 'Answer OAuth errors with HTTP 400 (or 401 for invalid_client) and the JSON error object.',
        spec: 'RFC 6749 §5.2',
        data: { status, error: typeof error === 'string' ? plain(error) : showJson(error) },
      }),
    )
    lintCacheControl(res, step, out)
    return
  }

  // access_token
  const accessToken = own(body, 'access_token')
  if (typeof accessToken !== 'string' || accessToken === '') {
    out.push(
      finding('token-response-access-token-missing', 'error', step, {
        title:
          accessToken === undefined
            ? 'The token response has no access_token'
            : `access_token is not a non-empty string (${jsonType(accessToken)})`,
        detail: `access_token is REQUIRED in a successful token response and is a string. ${accessToken === undefined ? 'It is absent.' : `It is ${showJson(accessToken)}.`}`,
        fix: 'Return the access token as a non-empty JSON string in "access_token".',
        spec: 'RFC 6749 §5.1',
        data: { member: 'access_token', type: jsonType(accessToken) },
      }),
    )
  }

  // token_type
  const tokenType = own(body, 'token_type')
  if (tokenType === undefined || tokenType === '') {
    out.push(
      finding('token-type-missing', 'error', step, {
        title: 'The token response has no token_type',
        detail:
          'token_type is REQUIRED: it tells the client how to use the access token (Bearer, DPoP). oauth4webapi and strict clients reject a response without it.',
        fix: 'Add "token_type": "Bearer" to the token response.',
        spec: 'RFC 6749 §5.1, §7.1',
        data: { member: 'token_type' },
      }),
    )
  } else if (typeof tokenType !== 'string') {
    out.push(memberType('token_type', tokenType, 'a string ("Bearer")', step))
  } else if (tokenType !== 'Bearer') {
    const lower = tokenType.toLowerCase()
    if (lower === 'bearer') {
      out.push(
        finding('token-type-not-bearer', 'warning', step, {
          title: `token_type is ${quote(tokenType, 40)}, not exactly "Bearer" (valid per spec)`,
          detail: `This is NOT a spec error: RFC 6749 §5.1 says the token_type value is case insensitive, and OpenID Connect Core §3.1.3.3 repeats it; oauth4webapi lower-cases it and goes on. It is a warning because some strict clients (some MCP/connector stacks) compare the string exactly with "Bearer" and fail — a client that does so is the one that is non-compliant.`,
          fix: 'Optional, for compatibility with strict clients: send "token_type": "Bearer" with this exact capitalisation.',
          spec: 'RFC 6749 §5.1, §7.1; OpenID Connect Core 1.0 §3.1.3.3',
          data: { token_type: plain(tokenType, 40) },
        }),
      )
    } else if (lower !== 'dpop') {
      out.push(
        finding('token-type-not-bearer', 'error', step, {
          title: `token_type ${quote(tokenType, 40)} is not a token type clients understand`,
          detail: `The token type says how the access token is presented to a resource server. RFC 6749 §7.1: the client MUST NOT use an access token if it does not understand the token type. Registered types a client can use here are Bearer (RFC 6750) and DPoP (RFC 9449); ${quote(tokenType, 40)} is neither (a JWT access token is still a Bearer token), and oauth4webapi rejects it.`,
          fix: 'Send "token_type": "Bearer" (or "DPoP" for DPoP-bound tokens the client asked for).',
          spec: 'RFC 6749 §5.1, §7.1; RFC 6750 §4; OpenID Connect Core 1.0 §3.1.3.3',
          data: { token_type: plain(tokenType, 40) },
        }),
      )
    }
  }

  // expires_in
  const expiresIn = own(body, 'expires_in')
  if (expiresIn === undefined) {
    out.push(
      finding('expires-in-missing', 'info', step, {
        title: 'No expires_in: valid, the lifetime is left to the server default',
        detail:
          'expires_in is RECOMMENDED, not REQUIRED: a response without it is valid (the OpenID conformance suite requires clients to accept it). The client then cannot tell when the access token expires and learns it from a 401 invalid_token at the resource server, or assumes a default.',
        fix: 'Recommended: add "expires_in" with the lifetime in seconds as a JSON number, so clients can refresh in time.',
        spec: 'RFC 6749 §5.1',
      }),
    )
  } else if (typeof expiresIn === 'number') {
    if (!Number.isFinite(expiresIn) || expiresIn < 0) {
      out.push(expiresInvalid(expiresIn, 'it is negative', step))
    }
  } else if (typeof expiresIn === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(expiresIn)) {
    out.push(
      finding('expires-in-not-number', 'warning', step, {
        title: `expires_in is the string ${quote(expiresIn, 20)}, not a JSON number`,
        detail: `RFC 6749 §5.1 defines expires_in as the lifetime in seconds (Appendix A.14: digits only) and the JSON response carries it as a number, as in the spec's own example. oauth4webapi (used here) parses the string with parseFloat and goes on, but schema-validating clients that declare expires_in as a number (zod schemas in some MCP clients; LibreChat failing on Microsoft Entra's string expires_in is a known example) reject the whole token response.`,
        fix: `Send the number, without quotes: "expires_in": ${plain(expiresIn.trim(), 20)}.`,
        spec: 'RFC 6749 §5.1, Appendix A.14',
        data: { value: plain(expiresIn, 40) },
      }),
    )
  } else {
    out.push(
      expiresInvalid(
        expiresIn,
        typeof expiresIn === 'string'
          ? 'it is a string that is not a number of seconds (oauth4webapi would parseFloat it: a date like "2026-01-01" silently becomes 2026 seconds)'
          : `it is ${jsonType(expiresIn)}`,
        step,
      ),
    )
  }

  // refresh_token, scope, id_token types
  for (const member of ['refresh_token', 'scope', 'id_token'] as const) {
    const value = own(body, member)
    if (value === undefined) continue
    if (typeof value !== 'string' || (value === '' && member !== 'scope')) {
      out.push(memberType(member, value, 'a non-empty string', step))
    }
  }

  // id_token required for openid
  if (ctx.openid && own(body, 'id_token') === undefined) {
    out.push(
      finding('token-response-id-token-missing', 'error', step, {
        title: 'openid was requested but the token response has no id_token',
        detail:
          'For an OpenID Connect authentication request (scope contains openid), the token response MUST contain an ID Token. Without it the client has no verified identity, and OIDC clients fail.',
        fix: 'Return "id_token" when the granted scope includes openid; check openid is enabled for this client.',
        spec: 'OpenID Connect Core 1.0 §3.1.3.3',
        data: { member: 'id_token' },
      }),
    )
  }

  // scope vs requested
  const scope = own(body, 'scope')
  if (typeof scope === 'string' && typeof ctx.requestedScope === 'string' && ctx.requestedScope.trim() !== '') {
    const requested = new Set(ctx.requestedScope.split(/\s+/).filter(Boolean))
    const granted = new Set(scope.split(/\s+/).filter(Boolean))
    const missing = [...requested]
      .filter((s) => !granted.has(s))
      .slice(0, 20)
      .map((s) => plain(s, 80))
    const added = [...granted]
      .filter((s) => !requested.has(s))
      .slice(0, 20)
      .map((s) => plain(s, 80))
    if (missing.length || added.length) {
      out.push(
        finding('token-response-scope-differs', 'info', step, {
          title: missing.length
            ? 'The server granted fewer scopes than requested'
            : 'The server granted other scopes than requested',
          detail: `Requested ${quote(ctx.requestedScope)}, granted ${quote(scope)}.${missing.length ? ` Not granted: ${missing.join(', ')}.` : ''}${added.length ? ` Added: ${added.join(', ')}.` : ''} A server may grant a different scope; it then MUST return the scope member, as it did. Requests needing a missing scope will get 403 insufficient_scope.`,
          fix: 'If the missing scopes are needed, allow them for this client (or the user must consent to them).',
          spec: 'RFC 6749 §3.3, §5.1',
          data: { requested: plain(ctx.requestedScope), granted: plain(scope), missing, added },
        }),
      )
    }
  }

  // null members and extra members
  const extras = Object.keys(body).filter((k) => !KNOWN_TOKEN_MEMBERS.has(k))
  if (extras.length) {
    out.push(
      finding('token-response-extra-members', 'info', step, {
        title: `The token response has ${extras.length} extra member${extras.length === 1 ? '' : 's'} (fine)`,
        detail: `Members not defined for this response: ${extras
          .slice(0, 20)
          .map((k) => plain(k, 60))
          .join(', ')}. This is valid: the client MUST ignore value names it does not recognise.`,
        fix: 'Nothing to do.',
        spec: 'RFC 6749 §5.1; OpenID Connect Core 1.0 §3.1.3.3',
        data: { members: extras.slice(0, 20).map((k) => plain(k, 60)) },
      }),
    )
  }

  lintCacheControl(res, step, out)
}

function lintCacheControl(res: RecordedResponse, step: StepRef, out: Finding[]): void {
  const cacheControl = header(res, 'cache-control')
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim().split('=')[0]?.trim())
  if (directives.includes('no-store')) return
  const pragma = header(res, 'pragma')
  out.push(
    finding('token-response-cache-control', 'warning', step, {
      title: cacheControl
        ? `The token response is cacheable: Cache-Control is ${quote(cacheControl, 80)}`
        : 'The token response has no Cache-Control: no-store',
      detail: `A response containing tokens MUST carry Cache-Control: no-store, so that no browser, proxy or CDN cache keeps a copy of the tokens. ${cacheControl ? `The header is ${quote(cacheControl, 120)}, without no-store.` : 'The header is absent (Cache-Control is always readable cross-origin, so it really is missing).'} Clients still work, which is why this is a warning, but tokens may be stored where they should not be. ${pragma ? `Pragma: ${quote(pragma, 40)} is present;` : 'Pragma: no-cache (also named by RFC 6749) is absent;'} Pragma is a legacy HTTP/1.0 header and does not replace Cache-Control.`,
      fix: 'Add "Cache-Control: no-store" (and, for old HTTP/1.0 caches, "Pragma: no-cache") to every token endpoint response.',
      spec: 'RFC 6749 §5.1; OpenID Connect Core 1.0 §3.1.3.3; RFC 9111 §5.2.2.5',
      data: { cacheControl: cacheControl ? plain(cacheControl) : null },
    }),
  )
}

function memberType(member: string, value: unknown, expected: string, step: StepRef): Finding {
  return finding('token-response-member-type', 'error', step, {
    title: `${member} is ${value === null ? 'null' : `not ${expected}`} (${jsonType(value)})`,
    detail: `The token response member ${member} is ${showJson(value)}; when present it MUST be ${expected}. ${value === null ? 'null is not the same as absent: leave the member out instead. ' : ''}oauth4webapi and schema-validating clients reject the whole response.`,
    fix: `Send ${member} as ${expected}, or omit the member when there is no value.`,
    spec: member === 'id_token' ? 'OpenID Connect Core 1.0 §3.1.3.3' : 'RFC 6749 §5.1',
    data: { member, type: jsonType(value) },
  })
}

function expiresInvalid(value: unknown, why: string, step: StepRef): Finding {
  return finding('expires-in-invalid', 'error', step, {
    title: `expires_in ${showJson(value, 40)} is not a lifetime in seconds`,
    detail: `expires_in is the lifetime of the access token in seconds, a non-negative JSON number; ${why}. oauth4webapi rejects the response.`,
    fix: 'Send "expires_in" as a non-negative JSON number of seconds (e.g. 3600), or omit it.',
    spec: 'RFC 6749 §5.1',
    data: { value: showJson(value, 60), type: jsonType(value) },
  })
}

function notJson(parsed: ParsedBody, contentType: string | undefined, res: RecordedResponse, step: StepRef): Finding {
  const ct = contentType ? quote(contentType, 80) : 'no content-type'
  const data: FindingData = { format: parsed.format, contentType: contentType ? plain(contentType) : null }
  let title: string
  let detail: string
  let fix = 'Make the token endpoint answer with a JSON object and Content-Type: application/json.'
  switch (parsed.format) {
    case 'html':
      title = 'The token endpoint answered with an HTML page, not JSON'
      detail = `The body is HTML (${ct}${parsed.htmlTitle ? `, title ${quote(parsed.htmlTitle, 120)}` : ''}), probably an HTML error or login page from a proxy, WAF or framework that intercepted the request before the OAuth server saw it (or the token_endpoint URL points at the wrong application).`
      fix =
        'Open the HTTP log: check the token_endpoint URL, and that no proxy, WAF, auth middleware or SPA fallback route intercepts POST requests to it. The token endpoint must answer with JSON.'
      if (parsed.htmlTitle) data.htmlTitle = plain(parsed.htmlTitle)
      break
    case 'form':
      title = 'The token response is form-encoded, not JSON'
      detail = `The body is application/x-www-form-urlencoded (parameters ${(parsed.formKeys ?? []).map((k) => plain(k, 40)).join(', ')}). GitHub OAuth apps answer like this unless the request carries Accept: application/json. The playground and oauth4webapi send that Accept header; a server that still answers form-encoded is not an RFC 6749 token endpoint.${parsed.formError !== undefined ? ` It carries error=${quote(parsed.formError, 80)}.` : ''}`
      fix = 'Return application/json (honour Accept: application/json).'
      if (parsed.formKeys) data.members = parsed.formKeys.map((k) => plain(k, 60))
      break
    case 'invalid-json':
      title = 'The token response claims to be JSON but does not parse'
      detail = `The body looks like JSON (${ct}) but is not valid JSON${res.bodyTruncated ? ' (the recording was cut at its size limit, which may be why)' : ''}. Clients fail to parse it.`
      break
    case 'empty':
      title = 'The token endpoint answered with an empty body'
      detail = `HTTP ${res.status} with no body (${ct}). A successful token response carries a JSON object with at least access_token and token_type.`
      break
    default:
      title = 'The token endpoint answered with plain text, not JSON'
      detail = `The body is text (${ct}): ${quote(res.body, 200)}. This is usually an error page from a gateway or framework, or the wrong URL.`
  }
  return finding('token-response-not-json', 'error', step, {
    title,
    detail,
    fix,
    spec: 'RFC 6749 §5.1',
    data,
  })
}

function lintTokenError(
  res: RecordedResponse,
  status: number,
  ctx: TokenLintContext,
  step: StepRef,
  out: Finding[],
): void {
  const contentType = header(res, 'content-type')
  const ct = essence(contentType)
  const parsed = parseBody(res.body, contentType)
  const body = parsed.format === 'json' && isRecord(parsed.json) ? parsed.json : undefined
  const rawError = body ? own(body, 'error') : undefined
  const error = typeof rawError === 'string' && rawError !== '' ? rawError : null
  const description = body ? own(body, 'error_description') : undefined
  const errorUri = body ? own(body, 'error_uri') : undefined

  const data: FindingData = { status, error: error === null ? null : plain(error, 80) }
  if (typeof description === 'string') data.error_description = plain(description)
  out.push(
    finding('token-request-rejected', 'error', step, {
      title: error
        ? `The token endpoint rejected the request: ${plain(error, 60)} (HTTP ${status})`
        : `The token endpoint answered HTTP ${status}`,
      detail: error
        ? `HTTP ${status} with the OAuth error ${quote(error, 80)}.${typeof description === 'string' && description ? ` Text supplied by the server (error_description): ${quote(description)}.` : ''}`
        : `HTTP ${status} without an OAuth error code${parsed.format === 'json' ? '' : ` (the body is ${parsed.format === 'empty' ? 'empty' : `${parsed.format}, not JSON`})`}. The client can only report a generic failure.`,
      fix: error
        ? 'See the explanation of the error code; the server logs usually name the exact cause.'
        : 'Answer OAuth errors with HTTP 400 and a JSON body {"error": "<code>", "error_description": "…"}.',
      spec: 'RFC 6749 §5.2',
      data,
    }),
  )

  if (status >= 500) {
    out.push(
      finding('token-response-5xx', 'error', step, {
        title: `The token endpoint crashed (HTTP ${status})`,
        detail: `OAuth errors use HTTP 400 with a JSON error object; a ${status} means the server (or a gateway in front of it) failed instead of answering per spec${error ? ` — even though the body names ${quote(error, 60)}` : ''}. oauth4webapi does not parse 5xx bodies. Strict clients like ChatGPT's connector show a generic failure ("something went wrong" at their callback) with no hint of the cause.`,
        fix: 'Look at the server logs for the exception behind it. Expected conditions (bad code, bad verifier, unknown client) must be answered with 400 and a JSON error such as invalid_grant.',
        spec: 'RFC 6749 §5.2; OpenID Connect Core 1.0 §3.1.3.4',
        data: { status },
      }),
    )
  }

  if (parsed.format !== 'json' || ct !== 'application/json') {
    const kind =
      parsed.format === 'json'
        ? `JSON served as ${contentType ? quote(contentType, 80) : 'no content-type'}`
        : parsed.format === 'html'
          ? `an HTML page${parsed.htmlTitle ? ` (title ${quote(parsed.htmlTitle, 120)})` : ''}, probably an HTML error or login page from a proxy, WAF or framework`
          : parsed.format === 'empty'
            ? 'an empty body'
            : parsed.format === 'form'
              ? 'form-encoded parameters'
              : `${contentType ? quote(contentType, 80) : 'untyped'} text: ${quote(res.body, 150)}`
    out.push(
      finding('error-response-not-json', status >= 500 ? 'warning' : 'error', step, {
        title: 'The token endpoint error is not an application/json body',
        detail: `The error response is ${kind}. An OAuth error response is a JSON object served as application/json. oauth4webapi checks the content-type of 4xx responses before parsing, so the real OAuth error code (if any) never reaches the client${status >= 500 ? ' (for a 5xx the crash itself is the main problem, hence only a warning here)' : ''}.`,
        fix: 'Return errors as Content-Type: application/json with {"error": "<code>", "error_description": "…"}, also from gateways and framework error handlers in front of the token endpoint.',
        spec: 'RFC 6749 §5.2; OpenID Connect Core 1.0 §3.1.3.4',
        data: { status, format: parsed.format, contentType: contentType ? plain(contentType) : null },
      }),
    )
  }

  if (
    parsed.format === 'json' &&
    (!body || rawError === undefined || typeof rawError !== 'string' || rawError === '')
  ) {
    out.push(
      finding('error-response-invalid', 'error', step, {
        title: 'The token endpoint error has no "error" code',
        detail: `The JSON error body ${body ? (rawError === undefined ? 'has no "error" member' : `has "error": ${showJson(rawError, 60)}, not a non-empty string`) : `is ${jsonType(parsed.json)}, not an object`}. The error member (a code such as invalid_grant) is REQUIRED; clients branch on it.`,
        fix: 'Return {"error": "<RFC 6749 §5.2 code>", "error_description": "human text"}.',
        spec: 'RFC 6749 §5.2',
        data: { status },
      }),
    )
  }

  if (status >= 400 && status < 500 && status !== 400) {
    const invalidClient401 = status === 401 && error === 'invalid_client'
    if (!invalidClient401) {
      out.push(
        finding('error-response-status', 'warning', step, {
          title: `The token endpoint error uses HTTP ${status} instead of 400`,
          detail: `RFC 6749 §5.2: the server responds with HTTP 400 unless specified otherwise; only invalid_client may use 401. ${error ? `This ${quote(error, 40)} error came with ${status}.` : `HTTP ${status} without an OAuth error often means the URL is wrong (404) or a gateway refused the request (401/403/405).`} oauth4webapi still reads a JSON error from any 4xx, so this is a warning.`,
          fix:
            status === 404 || status === 405
              ? 'Check the token_endpoint URL and that it accepts POST.'
              : 'Use HTTP 400 for OAuth errors (401 only for invalid_client).',
          spec: 'RFC 6749 §5.2',
          data: { status, error },
        }),
      )
    }
  }
  if (status === 400 && error === 'invalid_client' && ctx.clientAuth === 'client_secret_basic') {
    out.push(
      finding('error-response-status', 'warning', step, {
        title: 'invalid_client after HTTP Basic authentication must use 401',
        detail:
          'The client authenticated with the Authorization header (client_secret_basic). RFC 6749 §5.2: the server MUST then respond with 401 and a WWW-Authenticate header naming the scheme; this response used 400.',
        fix: 'Answer 401 with WWW-Authenticate: Basic realm="…" when Basic client authentication fails.',
        spec: 'RFC 6749 §5.2',
        data: { status, error },
      }),
    )
  }
  if (status === 401 && header(res, 'www-authenticate') === undefined && res.type === 'basic') {
    // Same-origin: every header is readable, so it really is missing. Cross-origin: see lintCors.
    out.push(
      finding('www-authenticate-missing', ctx.clientAuth === 'client_secret_basic' ? 'warning' : 'info', step, {
        title: 'HTTP 401 without a WWW-Authenticate header',
        detail: `A 401 response MUST carry WWW-Authenticate (RFC 9110 §15.5.2), and RFC 6749 §5.2 requires it for invalid_client when the client used the Authorization header${ctx.clientAuth === 'client_secret_basic' ? ', as this one did' : ''}. The response is same-origin, so the header is really absent.`,
        fix: 'Add WWW-Authenticate (e.g. Basic realm="token") to 401 responses, or use 400 when the client did not use the Authorization header.',
        spec: 'RFC 6749 §5.2; RFC 9110 §15.5.2',
        data: { status },
      }),
    )
  }

  if (error !== null && !TOKEN_ERROR_CODES.has(error)) {
    out.push(
      finding('error-code-unknown', 'warning', step, {
        title: `${quote(error, 60)} is not a standard token endpoint error code`,
        detail: `Token endpoint errors use the codes of RFC 6749 §5.2 (invalid_request, invalid_client, invalid_grant, unauthorized_client, unsupported_grant_type, invalid_scope) or registered extensions (invalid_target, use_dpop_nonce, …). Clients branch on these codes; an unknown one is shown as a generic failure.`,
        fix: 'Map the condition to the closest standard code (a bad or reused code, or a wrong code_verifier, is invalid_grant) and put the details in error_description.',
        spec: 'RFC 6749 §5.2, §8.5, §11.4',
        data: { error: plain(error, 80) },
      }),
    )
  }
  for (const [member, value, chars, set] of [
    ['error_description', description, DESCRIPTION_CHARS, '%x20-21 / %x23-5B / %x5D-7E'],
    ['error_uri', errorUri, URI_CHARS, '%x21 / %x23-5B / %x5D-7E'],
  ] as const) {
    if (value === undefined) continue
    if (typeof value !== 'string' || !chars.test(value)) {
      out.push(
        finding('error-description-charset', 'warning', step, {
          title: `${member} contains characters OAuth does not allow`,
          detail: `${member} is ${typeof value === 'string' ? quote(value, 200) : showJson(value)}. RFC 6749 §5.2 limits it to printable ASCII without " and \\ (${set})${member === 'error_description' ? '; non-ASCII text, quotes, backslashes and line breaks are not allowed' : ''}. Most clients still show it, some drop or mangle it.`,
          fix: `Use plain printable ASCII in ${member} (no quotes, backslashes or line breaks); localise messages in your own UI, not in this member.`,
          spec: 'RFC 6749 §5.2',
          data: { member },
        }),
      )
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Discovery metadata

/** Context of {@link lintMetadata}. */
export interface MetadataLintContext {
  /** The issuer the user configured (the one the metadata URL was built from). */
  expectedIssuer: string
  /** The URL the document came from. OIDC rules apply when it ends with openid-configuration. */
  source: string
  /** The Content-Type the document was served with, if recorded. */
  contentType?: string
  /** The client authentication method the playground uses. */
  clientAuth: ClientAuthMethod
  /** The page origin (for mixed-content notes). */
  pageOrigin?: string
  /**
   * The client asks for OpenID Connect (scope contains openid): the OIDC rules then apply whatever
   * well-known URL the document came from (a path issuer is found at the RFC 8414 URL first).
   */
  openid?: boolean
  /** Step of the findings; default "discovery". */
  step?: StepRef
}

const URL_ENDPOINT_MEMBERS = /(_endpoint|^jwks_uri)$/
const DOC_URL_MEMBERS = ['service_documentation', 'op_policy_uri', 'op_tos_uri']
/** `*_supported` members that are booleans; every other `*_supported` member is an array. */
const BOOLEAN_SUPPORTED = /(_parameter|_logout|_session)_supported$|^client_id_metadata_document_supported$/

/**
 * Lints an authorization server metadata document (RFC 8414 or OpenID Connect Discovery) as the
 * server sent it. Never throws.
 *
 * @param doc The parsed JSON document.
 * @param ctx Expected issuer, source URL, content-type, client auth method, page origin.
 * @see [RFC 8414 §2, §3.2, §3.3](https://www.rfc-editor.org/rfc/rfc8414.html#section-2)
 * @see [OpenID Connect Discovery 1.0 §3, §4.3](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata)
 */
export function lintMetadata(doc: Record<string, unknown>, ctx: MetadataLintContext): Finding[] {
  const out: Finding[] = []
  const step = typeof ctx?.step === 'string' && ctx.step ? ctx.step : 'discovery'
  try {
    lintMetadataInner(doc, ctx, step, out)
  } catch {
    // never throw
  }
  return out
}

function lintMetadataInner(doc: unknown, ctx: MetadataLintContext, step: StepRef, out: Finding[]): void {
  const source = typeof ctx.source === 'string' ? ctx.source : ''
  const oidc =
    /\/\.well-known\/openid-configuration(\/|$|\?)/.test(source) ||
    source.endsWith('openid-configuration') ||
    Boolean(ctx.openid)
  const docSpec = oidc ? 'OpenID Connect Discovery 1.0 §3' : 'RFC 8414 §2'

  if (ctx.contentType !== undefined && essence(ctx.contentType) !== 'application/json') {
    out.push(
      finding('metadata-content-type', 'warning', step, {
        title: `The metadata is served as ${ctx.contentType ? quote(ctx.contentType, 80) : 'no content-type'}`,
        detail: `The document parses as JSON, but the response Content-Type is ${ctx.contentType ? quote(ctx.contentType, 80) : 'empty'}; the spec requires application/json. oauth4webapi only checks it when parsing fails, other clients may reject it.`,
        fix: 'Serve the metadata with Content-Type: application/json.',
        spec: oidc ? 'OpenID Connect Discovery 1.0 §4.2' : 'RFC 8414 §3.2',
        data: { contentType: plain(ctx.contentType) },
      }),
    )
  }

  if (!isRecord(doc)) {
    out.push(
      finding('metadata-not-object', 'error', step, {
        title: 'The metadata document is not a JSON object',
        detail: `The metadata is ${jsonType(doc)}: ${showJson(doc)}. It must be one JSON object whose members are the metadata values.`,
        fix: 'Return a JSON object such as {"issuer": "https://…", "authorization_endpoint": "…", …}.',
        spec: oidc ? 'OpenID Connect Discovery 1.0 §4.2' : 'RFC 8414 §3.2',
      }),
    )
    return
  }

  // Required members.
  const required: Array<[string, Severity, string]> = [
    ['issuer', 'error', 'identifies the server; clients compare it with the issuer they expect'],
    ['authorization_endpoint', 'error', 'the browser is sent there to log in'],
    ['token_endpoint', 'error', 'the code is exchanged there'],
    [
      'response_types_supported',
      'warning',
      'most clients do not read it, but schema-validating clients do (the MCP TypeScript SDK parses metadata with a schema in which it is required) and reject the whole document',
    ],
  ]
  if (oidc) {
    required.push(['jwks_uri', 'error', 'ID Token signatures are verified with the keys published there'])
    required.push([
      'subject_types_supported',
      'warning',
      'REQUIRED by OpenID Connect Discovery; validators and some libraries reject the document',
    ])
    required.push([
      'id_token_signing_alg_values_supported',
      'warning',
      'without it clients assume RS256 only and reject ID Tokens signed otherwise',
    ])
  }
  for (const [member, severity, why] of required) {
    if (own(doc, member) !== undefined) continue
    out.push(
      finding('metadata-missing-member', severity, step, {
        title: `The metadata has no ${member}`,
        detail: `${member} is REQUIRED in ${oidc ? 'OpenID Connect Discovery' : 'RFC 8414'} metadata: ${why}.${member.endsWith('_endpoint') || member === 'jwks_uri' ? ' You can enter it by hand in Configure to go on.' : ''}`,
        fix: `Add "${member}" to the metadata document.`,
        spec: docSpec,
        data: { member },
      }),
    )
  }

  // URL-valued endpoints: type, absolute URL, https.
  const pageHttps = typeof ctx.pageOrigin === 'string' && ctx.pageOrigin.startsWith('https:')
  for (const member of Object.keys(doc).slice(0, 200)) {
    if (!URL_ENDPOINT_MEMBERS.test(member)) continue
    const value = own(doc, member)
    const url = typeof value === 'string' ? parseUrl(value) : undefined
    if (!url) {
      out.push(
        finding('metadata-invalid-endpoint', 'error', step, {
          title: `The metadata ${plain(member, 60)} is not an absolute URL`,
          detail: `${plain(member, 60)} is ${showJson(value)}. Endpoint members are absolute URLs; null, an empty string or a relative path is invalid (null is not the same as absent).`,
          fix: `Set "${plain(member, 60)}" to an absolute https URL, or omit it if the endpoint does not exist.`,
          spec: docSpec,
          data: { member: plain(member, 60), value: showJson(value) },
        }),
      )
      continue
    }
    if (url.protocol === 'https:') continue
    const loopback = url.protocol === 'http:' && isLoopbackHost(url.hostname)
    out.push(
      finding('metadata-endpoint-not-https', loopback ? 'info' : 'error', step, {
        title: loopback
          ? `${plain(member, 60)} uses http:// on a loopback host (local testing only)`
          : `${plain(member, 60)} is not an https URL`,
        detail: loopback
          ? `${quote(value, 200)} is plain http on this machine. Fine for local testing (enable "allow insecure loopback" in Configure); a deployed server must use https.`
          : `${quote(value, 200)} uses ${quote(url.protocol, 20)}. OAuth endpoints MUST use TLS: codes and tokens would travel in clear text.${url.protocol === 'http:' && pageHttps ? ' The browser also blocks this request from an https page (mixed content).' : ''}${url.protocol !== 'http:' ? ' A non-http(s) scheme (javascript:, data:, file:) is never followed by the playground.' : ''}`,
        fix: `Serve the endpoint over https and advertise the https URL in "${plain(member, 60)}".`,
        spec: 'RFC 6749 §3.1, §3.2; RFC 8414 §2; RFC 9700 §2.6',
        data: { member: plain(member, 60), url: plain(value), scheme: url.protocol.replace(/:$/, '') },
      }),
    )
  }

  // Issuer: shape and identity.
  const issuer = own(doc, 'issuer')
  if (issuer !== undefined && typeof issuer !== 'string') {
    out.push(arrayOrType('issuer', issuer, 'a string', step, docSpec, 'error'))
  } else if (typeof issuer === 'string') {
    const url = parseUrl(issuer)
    const problems: string[] = []
    if (!url) problems.push('it is not an absolute URL')
    else {
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
        problems.push(`it uses ${url.protocol} instead of https`)
      if (url.search || issuer.includes('?')) problems.push('it has a query component')
      if (url.hash || issuer.includes('#')) problems.push('it has a fragment component')
    }
    if (problems.length) {
      out.push(
        finding('issuer-invalid', 'error', step, {
          title: 'The issuer identifier is not a valid issuer URL',
          detail: `The issuer ${quote(issuer)} is invalid: ${problems.join('; ')}. An issuer is an https URL with no query or fragment.`,
          fix: 'Use an https URL without query or fragment as the issuer, identical everywhere (metadata, tokens, iss parameter).',
          spec: `RFC 8414 §2; ${oidc ? 'OpenID Connect Discovery 1.0 §3' : 'RFC 9207 §2'}`,
          data: { issuer: plain(issuer) },
        }),
      )
    }
    const expected = typeof ctx.expectedIssuer === 'string' ? ctx.expectedIssuer : ''
    if (expected && issuer !== expected) {
      out.push(issuerMismatch(issuer, expected, oidc, step))
    }
  }

  // Zero-element arrays and array types.
  for (const member of Object.keys(doc).slice(0, 200)) {
    const value = own(doc, member)
    if (Array.isArray(value) && value.length === 0) {
      out.push(
        finding('metadata-zero-element-array', 'warning', step, {
          title: `${plain(member, 60)} is an empty array`,
          detail: `${plain(member, 60)} is []. Claims with zero elements MUST be omitted from the metadata response. An empty list is ambiguous: some clients read it as "nothing supported", others as "not stated" (and then apply the default).`,
          fix: `Omit "${plain(member, 60)}" or list the supported values.`,
          spec: oidc ? 'RFC 8414 §3.2; OpenID Connect Discovery 1.0 §4.2' : 'RFC 8414 §3.2',
          data: { member: plain(member, 60) },
        }),
      )
    } else if (member.endsWith('_supported') && value !== undefined) {
      const wantsBoolean = BOOLEAN_SUPPORTED.test(member)
      if (wantsBoolean && typeof value !== 'boolean')
        out.push(arrayOrType(member, value, 'a JSON boolean (true or false)', step, docSpec))
      else if (!wantsBoolean && !Array.isArray(value))
        out.push(arrayOrType(member, value, 'a JSON array of strings', step, docSpec))
    }
  }

  // PKCE.
  const methods = own(doc, 'code_challenge_methods_supported')
  const methodList = Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : undefined
  if (!methodList || !methodList.includes('S256')) {
    const absent = methods === undefined
    out.push(
      finding('pkce-s256-not-advertised', 'error', step, {
        title: absent
          ? 'The metadata does not advertise PKCE (no code_challenge_methods_supported)'
          : `The metadata does not advertise S256 PKCE (${methodList && methodList.length ? methodList.map((m) => plain(m, 20)).join(', ') : showJson(methods, 60)})`,
        detail: `${absent ? 'RFC 8414 §2: if code_challenge_methods_supported is omitted, the server does not support PKCE.' : 'S256 is not listed; it is mandatory to implement for servers (RFC 7636 §4.2), and plain exposes the verifier to anyone who sees the authorization request.'} Under the MCP authorization spec, MCP clients (such as the ChatGPT and Claude connectors and the MCP SDKs) MUST refuse to proceed when PKCE support is not advertised, so they stop here. For plain OAuth clients it means "no PKCE": the server may still enforce it, which the playground can only learn by trying.`,
        fix: 'Support PKCE with S256 and advertise it: "code_challenge_methods_supported": ["S256"].',
        spec: 'RFC 8414 §2; RFC 7636 §4.2; RFC 9700 §2.1.1; MCP Authorization (Authorization Code Protection)',
        data: {
          methods: methodList ? methodList.slice(0, 10).map((m) => plain(m, 40)) : absent ? null : showJson(methods),
        },
      }),
    )
  }

  // Client authentication methods.
  const authMethods = own(doc, 'token_endpoint_auth_methods_supported')
  const authList = Array.isArray(authMethods)
    ? authMethods.filter((m): m is string => typeof m === 'string')
    : undefined
  const effective = authList ?? ['client_secret_basic']
  if (ctx.clientAuth === 'none' && !effective.includes('none')) {
    out.push(
      finding('auth-method-none-not-advertised', 'warning', step, {
        title: authList
          ? 'The server does not advertise "none" (public clients) at the token endpoint'
          : 'token_endpoint_auth_methods_supported is absent, so it defaults to client_secret_basic',
        detail: `${authList ? `token_endpoint_auth_methods_supported is ${showJson(authList, 200)}, without "none".` : 'When token_endpoint_auth_methods_supported is omitted, the default is client_secret_basic: a client reads the server as not accepting public clients.'} A browser app cannot keep a secret, so it authenticates with "none" (browser-apps §6.3.3.1: the server MUST NOT require a shared secret from it), and the ChatGPT and Claude connectors register with token_endpoint_auth_method "none" via dynamic registration. Expect invalid_client at the token endpoint if the server really requires a secret.`,
        fix: 'Accept public clients and add "none" to token_endpoint_auth_methods_supported.',
        spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3; draft-ietf-oauth-browser-based-apps §6.3.3.1; RFC 7591 §2',
        data: { methods: authList ? authList.slice(0, 10).map((m) => plain(m, 40)) : null },
      }),
    )
  } else if (ctx.clientAuth !== 'none' && typeof ctx.clientAuth === 'string' && !effective.includes(ctx.clientAuth)) {
    out.push(
      finding('auth-method-not-advertised', 'warning', step, {
        title: `The server does not advertise ${ctx.clientAuth}`,
        detail: `The playground is set to authenticate with ${ctx.clientAuth}, but the server lists ${showJson(effective, 200)}${authList ? '' : ' (the default when token_endpoint_auth_methods_supported is absent)'}. Expect invalid_client.`,
        fix: 'Use a method the server advertises in Configure, or enable this one on the server.',
        spec: 'RFC 8414 §2; RFC 6749 §2.3',
        data: { method: ctx.clientAuth, methods: effective.slice(0, 10).map((m) => plain(m, 40)) },
      }),
    )
  }

  // response_types / grant_types / response_modes.
  const responseTypes = own(doc, 'response_types_supported')
  if (Array.isArray(responseTypes) && responseTypes.length > 0 && !responseTypes.includes('code')) {
    out.push(
      finding('response-type-code-not-supported', 'error', step, {
        title: 'The server does not list response_type "code"',
        detail: `response_types_supported is ${showJson(responseTypes, 200)}: the authorization code flow (response_type=code) is not offered.`,
        fix: 'Enable the authorization code flow and list "code" in response_types_supported.',
        spec: `${docSpec}; RFC 6749 §4.1.1`,
        data: { values: responseTypes.slice(0, 10).map((v) => plain(v, 40)) },
      }),
    )
  }
  const grantTypes = own(doc, 'grant_types_supported')
  if (Array.isArray(grantTypes) && grantTypes.length > 0 && !grantTypes.includes('authorization_code')) {
    out.push(
      finding('grant-type-code-not-supported', 'error', step, {
        title: 'The server does not list the authorization_code grant',
        detail: `grant_types_supported is ${showJson(grantTypes, 200)}, without "authorization_code" (the default when omitted is ["authorization_code", "implicit"]).`,
        fix: 'Enable the authorization_code grant and list it in grant_types_supported.',
        spec: docSpec,
        data: { values: grantTypes.slice(0, 10).map((v) => plain(v, 40)) },
      }),
    )
  }
  const responseModes = own(doc, 'response_modes_supported')
  if (Array.isArray(responseModes) && responseModes.length > 0 && !responseModes.includes('query')) {
    out.push(
      finding('response-mode-query-not-supported', 'warning', step, {
        title: 'The server does not list response_mode "query"',
        detail: `response_modes_supported is ${showJson(responseModes, 200)}. The code flow returns its response in the query by default, which is the only mode a static page can read (form_post needs a server).`,
        fix: 'Support and list "query" in response_modes_supported (or omit the member: the default is ["query", "fragment"]).',
        spec: `${docSpec}; OAuth 2.0 Multiple Response Type Encoding Practices §2.1`,
        data: { values: responseModes.slice(0, 10).map((v) => plain(v, 40)) },
      }),
    )
  }

  // RFC 9207.
  const issSupported = own(doc, 'authorization_response_iss_parameter_supported')
  if (issSupported !== true) {
    out.push(
      finding('iss-parameter-not-advertised', 'info', step, {
        title: 'RFC 9207 (iss in the authorization response) is not advertised',
        detail: `authorization_response_iss_parameter_supported is ${issSupported === undefined ? 'absent' : showJson(issSupported, 40)}. That is allowed, but the client then has no mix-up defence from the response itself. Clients of several servers (the MCP 2026 revision, ChatGPT) check iss when it is advertised — and reject the callback if it is advertised and then missing or different.`,
        fix: 'Consider sending iss with every authorization response (success and error) and advertising "authorization_response_iss_parameter_supported": true.',
        spec: 'RFC 9207 §2, §3; RFC 9700 §2.1, §4.4.2',
      }),
    )
  }

  // OIDC signing algorithms.
  const algs = own(doc, 'id_token_signing_alg_values_supported')
  if (oidc && Array.isArray(algs) && algs.length > 0 && !algs.includes('RS256')) {
    out.push(
      finding('id-token-rs256-not-advertised', 'warning', step, {
        title: 'id_token_signing_alg_values_supported does not include RS256',
        detail: `The server lists ${showJson(algs, 200)}. OpenID Connect Discovery §3: the list MUST include RS256. Clients that only support RS256 (the default) cannot verify the ID Tokens.`,
        fix: 'Support RS256 for ID Tokens and list it.',
        spec: 'OpenID Connect Discovery 1.0 §3; OpenID Connect Core 1.0 §15.1',
        data: { values: algs.slice(0, 10).map((v) => plain(v, 40)) },
      }),
    )
  }

  // Documentation URLs that will be shown.
  for (const member of DOC_URL_MEMBERS) {
    const value = own(doc, member)
    if (value === undefined) continue
    const url = typeof value === 'string' ? parseUrl(value) : undefined
    if (url?.protocol === 'https:') continue
    out.push(
      finding('metadata-unsafe-url', 'warning', step, {
        title: `${member} is not an https URL; it is shown as text, not linked`,
        detail: `${member} is ${typeof value === 'string' ? quote(value, 200) : showJson(value)}. It is meant for people to open, so it must be an https URL. ${url && url.protocol !== 'http:' ? `A ${quote(url.protocol, 20)} URL can run script or load local data when clicked; ` : ''}The playground does not link it.`,
        fix: `Set "${member}" to an https URL, or omit it.`,
        spec: docSpec,
        data: { member, value: showJson(value) },
      }),
    )
  }

  // Client registration.
  if (own(doc, 'registration_endpoint') === undefined && own(doc, 'client_id_metadata_document_supported') !== true) {
    out.push(
      finding('registration-endpoint-missing', 'info', step, {
        title: 'No dynamic client registration (registration_endpoint) is advertised',
        detail:
          'Clients must be registered beforehand. That is fine for the playground (enter a client_id in Configure), but the ChatGPT and Claude connectors register themselves with RFC 7591 dynamic registration, or use a Client ID Metadata Document (client_id_metadata_document_supported); without either, users have to enter a client id by hand or the connector cannot connect.',
        fix: 'For MCP connectors: offer RFC 7591 registration (advertise registration_endpoint) or Client ID Metadata Documents.',
        spec: 'RFC 7591 §3; RFC 8414 §2; MCP Authorization (Client Registration)',
      }),
    )
  }
}

function issuerMismatch(actual: string, expected: string, oidc: boolean, step: StepRef): Finding {
  const strip = (s: string): string => s.replace(/\/+$/, '')
  let difference = 'other'
  if (strip(actual) === strip(expected)) difference = 'trailing-slash'
  else if (actual.toLowerCase() === expected.toLowerCase()) difference = 'case'
  else if (actual.replace(/^https?:/i, '') === expected.replace(/^https?:/i, '')) difference = 'scheme'
  const normalisedEqual = (() => {
    const a = parseUrl(actual)
    const b = parseUrl(expected)
    return a !== undefined && b !== undefined && a.href === b.href
  })()
  const explain: Record<string, string> = {
    'trailing-slash': 'They differ only by a trailing slash.',
    case: 'They differ only in letter case.',
    scheme: 'They differ in the scheme (http vs https).',
    other: '',
  }
  return finding('issuer-mismatch', 'error', step, {
    title: 'The metadata issuer is not identical to the issuer it was fetched for',
    detail: `The metadata says issuer ${quote(actual)} but was fetched for ${quote(expected)}. ${explain[difference] ?? ''} The two MUST be identical strings, compared character by character with no normalisation; otherwise the metadata MUST NOT be used (it protects against a server impersonating another).${normalisedEqual ? ' oauth4webapi compares the two after URL normalisation, so discovery passes here — but the ID Token iss and the RFC 9207 iss are compared exactly, and clients that apply RFC 8414 §3.3 to the letter compare the metadata issuer exactly, so the flow fails there.' : ''}`,
    fix: `Use one issuer spelling everywhere: the configured issuer, the "issuer" member, the iss claim of ID Tokens and the iss response parameter (e.g. ${quote(actual)} or ${quote(expected)}, not both).`,
    spec: `RFC 8414 §3.3, §4; ${oidc ? 'OpenID Connect Discovery 1.0 §4.3; ' : ''}RFC 9207 §2.4`,
    data: { expected: plain(expected), actual: plain(actual), difference },
  })
}

function arrayOrType(
  member: string,
  value: unknown,
  expected: string,
  step: StepRef,
  spec: string,
  severity: Severity = 'warning',
): Finding {
  return finding('metadata-member-type', severity, step, {
    title: `${plain(member, 60)} is not ${expected}`,
    detail: `The metadata member ${plain(member, 60)} is ${showJson(value)} (${jsonType(value)}); it must be ${expected}. Clients ignore it or reject the document.`,
    fix: `Send "${plain(member, 60)}" as ${expected}.`,
    spec,
    data: { member: plain(member, 60), type: jsonType(value) },
  })
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// JWKS

/** Context of {@link lintJwks}. */
export interface JwksLintContext {
  /** The jwks_uri the set was fetched from (shown in text). */
  url: string
  /** Step of the findings; default "tokens". */
  step?: StepRef
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']

/**
 * Lints a JSON Web Key Set as published at jwks_uri. Never throws.
 *
 * @param doc The parsed JSON document.
 * @param ctx The jwks_uri.
 * @see [RFC 7517 §4, §5](https://www.rfc-editor.org/rfc/rfc7517.html#section-4)
 * @see [OpenID Connect Core 1.0 §10.1](https://openid.net/specs/openid-connect-core-1_0.html#Signing)
 */
export function lintJwks(doc: unknown, ctx: JwksLintContext): Finding[] {
  const out: Finding[] = []
  const step = typeof ctx?.step === 'string' && ctx.step ? ctx.step : 'tokens'
  try {
    lintJwksInner(doc, typeof ctx?.url === 'string' ? ctx.url : '', step, out)
  } catch {
    // never throw
  }
  return out
}

function lintJwksInner(doc: unknown, url: string, step: StepRef, out: Finding[]): void {
  const where = url ? ` at ${quote(url)}` : ''
  const keys = isRecord(doc) ? own(doc, 'keys') : undefined
  if (!Array.isArray(keys)) {
    out.push(
      finding('jwks-invalid', 'error', step, {
        title: 'The JWKS is not a JSON Web Key Set',
        detail: `The document${where} ${isRecord(doc) ? (keys === undefined ? 'has no "keys" member' : `has "keys": ${showJson(keys, 80)}, not an array`) : `is ${jsonType(doc)}, not an object`}. A JWK Set is {"keys": [ … ]}; a single bare JWK or a PEM certificate list is not.`,
        fix: 'Publish {"keys": [ {…public JWK…} ]} at jwks_uri.',
        spec: 'RFC 7517 §5',
        data: { url: plain(url) },
      }),
    )
    return
  }
  if (keys.length === 0) {
    out.push(
      finding('jwks-empty', 'warning', step, {
        title: 'The JWKS contains no keys',
        detail: `The key set${where} is {"keys": []}. No signature can be verified with it: every signed token (ID Token, JWT access token) will fail verification.`,
        fix: 'Publish the public signing keys at jwks_uri.',
        spec: 'RFC 7517 §5; OpenID Connect Discovery 1.0 §3',
        data: { url: plain(url) },
      }),
    )
    return
  }

  const list = keys.slice(0, 100)
  const label = (jwk: unknown, i: number): string => {
    const kid = isRecord(jwk) ? own(jwk, 'kid') : undefined
    return typeof kid === 'string' ? `key ${i} (kid ${quote(kid, 60)})` : `key ${i}`
  }
  const malformed: string[] = []
  const noKty: string[] = []
  const exposed: string[] = []
  const exposedMembers = new Set<string>()
  const weak: Array<{ label: string; bits: number }> = []
  const notForSigning: string[] = []
  const kidCount = new Map<string, number>()
  let signingKeys = 0
  let signingWithoutKid = 0

  list.forEach((jwk, i) => {
    if (!isRecord(jwk)) {
      malformed.push(`key ${i} is ${jsonType(jwk)}`)
      return
    }
    const kty = own(jwk, 'kty')
    if (typeof kty !== 'string' || kty === '') noKty.push(label(jwk, i))
    const priv = PRIVATE_MEMBERS.filter((m) => own(jwk, m) !== undefined)
    if (priv.length) {
      exposed.push(label(jwk, i))
      priv.forEach((m) => exposedMembers.add(m))
    }
    const use = own(jwk, 'use')
    const keyOps = own(jwk, 'key_ops')
    const forSigning =
      (use === undefined || use === 'sig') &&
      (!Array.isArray(keyOps) || keyOps.includes('verify') || keyOps.includes('sign'))
    if (forSigning) {
      signingKeys++
      if (typeof own(jwk, 'kid') !== 'string') signingWithoutKid++
    } else {
      notForSigning.push(
        `${label(jwk, i)}: ${use !== undefined ? `use ${showJson(use, 30)}` : `key_ops ${showJson(keyOps, 60)}`}`,
      )
    }
    const kid = own(jwk, 'kid')
    if (typeof kid === 'string') {
      const key = `${kid}\u0000${typeof kty === 'string' ? kty : ''}\u0000${typeof use === 'string' ? use : ''}`
      kidCount.set(key, (kidCount.get(key) ?? 0) + 1)
    }
    if (kty === 'RSA') {
      const n = own(jwk, 'n')
      const bits = typeof n === 'string' ? modulusBits(n) : undefined
      if (bits === undefined) malformed.push(`${label(jwk, i)} is an RSA key without a valid base64url "n"`)
      else if (bits < 2048) weak.push({ label: label(jwk, i), bits })
    }
  })

  if (malformed.length) {
    out.push(
      finding('jwks-invalid', 'error', step, {
        title: 'The JWKS contains malformed keys',
        detail: `In the key set${where}: ${malformed.slice(0, 10).join('; ')}. Libraries reject (or skip) such entries.`,
        fix: 'Publish every key as a complete public JWK object.',
        spec: 'RFC 7517 §4, §5; RFC 7518 §6.3.1',
        data: { url: plain(url), problems: malformed.slice(0, 10).map((m) => plain(m)) },
      }),
    )
  }
  if (noKty.length) {
    out.push(
      finding('jwks-kty-missing', 'error', step, {
        title: 'A JWKS key has no "kty"',
        detail: `${noKty.slice(0, 10).join(', ')} ${noKty.length === 1 ? 'has' : 'have'} no kty (key type). kty is REQUIRED in every JWK; clients skip keys without it.`,
        fix: 'Add "kty" ("RSA", "EC", "OKP") to every key.',
        spec: 'RFC 7517 §4.1',
        data: { keys: noKty.slice(0, 10).map((k) => plain(k)) },
      }),
    )
  }
  if (exposed.length) {
    const members = [...exposedMembers]
    out.push(
      finding('jwks-private-key-exposed', 'error', step, {
        title: 'CRITICAL: the JWKS publishes private or secret key material',
        detail: `${exposed.slice(0, 10).join(', ')}${where} ${exposed.length === 1 ? 'contains' : 'contain'} ${members.map((m) => `"${m}"`).join(', ')} — ${members.includes('k') ? 'a symmetric secret ("k") or ' : ''}private key parameters. Anyone can download them and sign tokens that your clients and APIs will accept as genuine. jose refuses such a set ("JSON Web Key Set members must be public keys").`,
        fix: 'Rotate these keys immediately (they are compromised), then publish only the public parts (for RSA: kty, n, e, kid, alg, use) and never symmetric keys.',
        spec: 'OpenID Connect Discovery 1.0 §3 (jwks_uri); RFC 7517 §5; RFC 7518 §6.3.2, §6.4',
        data: { keys: exposed.slice(0, 10).map((k) => plain(k)), members },
      }),
    )
  }
  const duplicates = [...kidCount.entries()].filter(([, n]) => n > 1).map(([k]) => k.split('\u0000')[0] ?? '')
  if (duplicates.length) {
    out.push(
      finding('jwks-duplicate-kid', 'warning', step, {
        title: `Several keys share the kid ${duplicates
          .slice(0, 3)
          .map((k) => quote(k, 60))
          .join(', ')}`,
        detail: `Keys of the same type in one JWK Set SHOULD have distinct kid values. A token names its key by kid; with duplicates the client has to try several keys (jose fails with "multiple matching keys" unless it retries), and rotation bugs hide here.`,
        fix: 'Give every key its own kid (for example its RFC 7638 thumbprint).',
        spec: 'RFC 7517 §4.5; OpenID Connect Core 1.0 §10.1',
        data: { kids: duplicates.slice(0, 10).map((k) => plain(k, 80)) },
      }),
    )
  }
  if (signingKeys > 1 && signingWithoutKid > 0) {
    out.push(
      finding('jwks-kid-missing', 'warning', step, {
        title: `${signingWithoutKid} of ${signingKeys} signing keys have no kid`,
        detail:
          'When the JWK Set holds several signing keys, each key and every token header MUST carry a kid so the client can pick the right key. Without it clients try keys in turn or fail ("multiple matching keys").',
        fix: 'Add a unique kid to every key and put it in the header of every token.',
        spec: 'OpenID Connect Core 1.0 §10.1; RFC 7517 §4.5',
        data: { signingKeys, withoutKid: signingWithoutKid },
      }),
    )
  }
  if (weak.length) {
    out.push(
      finding('jwks-weak-key', 'error', step, {
        title: `RSA key shorter than 2048 bits (${weak[0]?.bits ?? 0} bits)`,
        detail: `${weak
          .slice(0, 10)
          .map((w) => `${w.label}: ${w.bits} bits`)
          .join(
            '; ',
          )}. RSA signing keys MUST be at least 2048 bits; oauth4webapi refuses shorter ones ("unsupported RSASSA-PKCS1-v1_5 modulusLength") and WebCrypto implementations may too. Short keys can be factored.`,
        fix: 'Generate a new RSA key of 2048 bits or more (or an EC P-256 key), publish it and sign new tokens with it.',
        spec: 'RFC 7518 §3.3, §3.5; RFC 8725 §3.5',
        data: { keys: weak.slice(0, 10).map((w) => plain(w.label)), bits: weak[0]?.bits ?? 0 },
      }),
    )
  }
  if (notForSigning.length) {
    out.push(
      finding('jwks-key-not-for-signing', 'info', step, {
        title: `${notForSigning.length} key${notForSigning.length === 1 ? ' is' : 's are'} not for signature verification`,
        detail: `${notForSigning.slice(0, 10).join('; ')}. Clients only use keys with use "sig" (or no use) to verify token signatures. That is fine for encryption keys; if ${notForSigning.length === 1 ? 'this key signs' : 'these keys sign'} tokens, verification fails.`,
        fix: 'Mark signing keys with "use": "sig" (or omit use).',
        spec: 'RFC 7517 §4.2, §4.3',
        data: { keys: notForSigning.slice(0, 10).map((k) => plain(k)) },
      }),
    )
  }
}

/** Bit length of a base64url RSA modulus, or undefined when it does not decode. */
function modulusBits(n: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(n)) return undefined
  let bytes: Uint8Array
  try {
    bytes = base64url.decode(n)
  } catch {
    return undefined
  }
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  if (i === bytes.length) return 0
  const first = bytes[i] ?? 0
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(first))
}

// ---------------------------------------------------------------------------------------------
// CORS visibility

/** Context of {@link lintCors}. */
export interface CorsLintContext {
  /** Which endpoint: 'token', 'discovery', 'jwks', 'userinfo', … (goes to data.endpoint). */
  endpoint: string
  /** The page origin, e.g. "https://playground.example". */
  pageOrigin: string
  /** Step of the findings; derived from endpoint by default. */
  step?: StepRef
}

const ENDPOINT_STEP: Record<string, StepRef> = {
  token: 'token',
  discovery: 'discovery',
  metadata: 'discovery',
  jwks: 'tokens',
  userinfo: 'tokens',
}

/**
 * Notes headers a cross-origin response may carry but the browser hides from the page because the
 * server does not list them in Access-Control-Expose-Headers. Never throws.
 *
 * @param res The recorded response (only readable headers are recorded).
 * @param ctx The endpoint name and the page origin.
 * @see [Fetch Standard: CORS-safelisted response-header name](https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name)
 */
export function lintCors(res: RecordedResponse, ctx: CorsLintContext): Finding[] {
  const out: Finding[] = []
  try {
    const endpoint = typeof ctx?.endpoint === 'string' ? ctx.endpoint : 'unknown'
    const step: StepRef = ctx?.step ?? ENDPOINT_STEP[endpoint] ?? 'token'
    if (!crossOrigin(res, ctx?.pageOrigin)) return out
    if (res.status === 401 && header(res, 'www-authenticate') === undefined) {
      out.push(
        finding('www-authenticate-not-exposed', 'info', step, {
          title: 'HTTP 401, and the WWW-Authenticate header is not visible to the page',
          detail: `The ${plain(endpoint, 40)} endpoint answered 401. A 401 carries a WWW-Authenticate challenge, which may exist but is not in Access-Control-Expose-Headers: cross-origin, the browser only lets the page read CORS-safelisted headers plus the exposed ones. The challenge (scheme, error, resource_metadata) is therefore invisible here; server-side clients do see it.`,
          fix: 'Add "Access-Control-Expose-Headers: WWW-Authenticate" (and DPoP-Nonce if you use DPoP) to the endpoint\'s CORS responses.',
          spec: 'Fetch Standard §3.2.6 (CORS-safelisted response-header name); RFC 6749 §5.2; RFC 9110 §11.6.1',
          data: { endpoint: plain(endpoint, 40), status: 401 },
        }),
      )
    }
    if (res.status === 400 || res.status === 401) {
      const body = parseBody(res.body, header(res, 'content-type'))
      const error = body.format === 'json' && isRecord(body.json) ? own(body.json, 'error') : undefined
      if (error === 'use_dpop_nonce' && header(res, 'dpop-nonce') === undefined) {
        out.push(
          finding('dpop-nonce-not-exposed', 'warning', step, {
            title: 'use_dpop_nonce, but the DPoP-Nonce header is not visible to the page',
            detail: `The ${plain(endpoint, 40)} endpoint asks for a DPoP nonce, but the page cannot read the DPoP-Nonce header (not in Access-Control-Expose-Headers), so a browser client can never retry with it.`,
            fix: 'Add "Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate".',
            spec: 'RFC 9449 §8, §9; Fetch Standard §3.2.6',
            data: { endpoint: plain(endpoint, 40) },
          }),
        )
      }
    }
  } catch {
    // never throw
  }
  return out
}

function crossOrigin(res: RecordedResponse, pageOrigin: string | undefined): boolean {
  if (res?.type === 'cors') return true
  if (res?.type === 'basic') return false
  try {
    return typeof pageOrigin === 'string' && new URL(res.url).origin !== pageOrigin
  } catch {
    return false
  }
}
