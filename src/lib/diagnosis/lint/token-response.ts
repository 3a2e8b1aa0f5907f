// The token endpoint response as sent (RFC 6749 §5.1, §5.2; OpenID Connect Core 1.0 §3.1.3.3): status,
// content type, JSON shape and each member; error responses are linted in error-response.ts.
import type { Finding, RecordedResponse, StepRef } from '../../model/types'
import { finding } from '../finding'
import { lintTokenError } from './error-response'
import {
  type FindingData,
  plain,
  quote,
  showJson,
  jsonType,
  isRecord,
  own,
  header,
  essence,
  type ParsedBody,
  parseBody,
  STRICT,
  type TokenLintContext,
  responseTooLarge,
} from './shared'

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

function lintTokenSuccess(
  res: RecordedResponse,
  status: number,
  ctx: TokenLintContext,
  step: StepRef,
  out: Finding[],
): void {
  const body = successBody(res, status, step, out)
  if (body === undefined) return
  lintAccessToken(body, step, out)
  lintTokenType(body, step, out)
  lintExpiresIn(body, step, out)
  lintOptionalMembers(body, ctx, step, out)
  lintGrantedScope(body, ctx, step, out)
  lintExtraMembers(body, step, out)
  lintCacheControl(res, step, out)
}

/**
 * The status, content type and shape of a 2xx token response: its JSON object, or undefined when it
 * is not one (not JSON, not an object, or an error served with a 2xx status), with the findings said.
 */
function successBody(
  res: RecordedResponse,
  status: number,
  step: StepRef,
  out: Finding[],
): Record<string, unknown> | undefined {
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
    return undefined
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
    return undefined
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
    return undefined
  }
  return body
}

/** access_token: REQUIRED, a non-empty string. */
function lintAccessToken(body: Record<string, unknown>, step: StepRef, out: Finding[]): void {
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
}

/** token_type: REQUIRED; "Bearer" (any case) or "DPoP". */
function lintTokenType(body: Record<string, unknown>, step: StepRef, out: Finding[]): void {
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
          detail: `This is NOT a spec error: RFC 6749 §5.1 says the token_type value is case insensitive, and OpenID Connect Core §3.1.3.3 repeats it; oauth4webapi lower-cases it and goes on. It is a warning because it bites in practice: MCP clients and gateways that copy token_type verbatim into the Authorization header send "bearer <token>", and resource servers that compare the scheme exactly answer 401 (reported against Linear's and Amplitude's MCP servers). Both of those are the non-compliant ones (RFC 9110 §11.1: the scheme is case-insensitive), but "Bearer" spares your users the failure.`,
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
}

/** expires_in: RECOMMENDED, a JSON number of seconds. */
function lintExpiresIn(body: Record<string, unknown>, step: StepRef, out: Finding[]): void {
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
}

/** refresh_token, scope and id_token are strings when present; id_token is REQUIRED when openid was requested. */
function lintOptionalMembers(
  body: Record<string, unknown>,
  ctx: TokenLintContext,
  step: StepRef,
  out: Finding[],
): void {
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
}

/** The granted scope compared with the requested one. */
function lintGrantedScope(body: Record<string, unknown>, ctx: TokenLintContext, step: StepRef, out: Finding[]): void {
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
}

/** Members the spec does not define for this response (valid: clients ignore them). */
function lintExtraMembers(body: Record<string, unknown>, step: StepRef, out: Finding[]): void {
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
