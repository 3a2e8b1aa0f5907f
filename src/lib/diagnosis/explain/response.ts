// HTTP responses that do not follow the spec: wrong status, content type, not JSON, redirects,
// invalid members and attribute comparisons.
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import { callbackParameterFinding } from './authorization-response'
import {
  get,
  getString,
  getNumber,
  show,
  libraryText,
  data,
  type Ctx,
  endpointLabel,
  isTokenOp,
  isRegistrationOp,
  specForOperation,
  capitalise,
} from './context'
import { jwtMalformed, jwtValidationFinding } from './jwt'

const STRICT_CLIENTS = 'Strict clients (e.g. the ChatGPT and Claude MCP connectors)'

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

export function explainNotConform(err: unknown, c: Ctx, message: string, code: string): Finding {
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

export function explainNotJson(err: unknown, c: Ctx, message: string, code: string): Finding {
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

export function explainParseError(err: unknown, c: Ctx, message: string, code: string): Finding {
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

export function explainInvalidResponse(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const lib = libraryText(message, code)
  const callback = callbackParameterFinding(cause, c, message, lib)
  if (callback) return callback
  const jwt = jwtValidationFinding(cause, c, message, code, lib)
  if (jwt) return jwt

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

export function explainAttributeComparison(err: unknown, c: Ctx, message: string, code: string): Finding {
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
