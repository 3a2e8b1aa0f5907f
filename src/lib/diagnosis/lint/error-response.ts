// A token endpoint error response as sent (RFC 6749 §5.2): status, content type, the error code and
// the characters of error_description and error_uri.
import type { Finding, RecordedResponse, StepRef } from '../../model/types'
import { finding } from '../finding'
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
  parseBody,
  type ParsedBody,
  type TokenLintContext,
} from './shared'

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

/** RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E (no ", no \, ASCII only). */
const DESCRIPTION_CHARS = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/
/** RFC 6749 §5.2: error_uri is %x21 / %x23-5B / %x5D-7E. */
const URI_CHARS = /^[\x21\x23-\x5b\x5d-\x7e]*$/

/** Lints a token endpoint error response (HTTP 4xx/5xx); the token-request-rejected finding comes first. */
export function lintTokenError(
  res: RecordedResponse,
  status: number,
  ctx: TokenLintContext,
  step: StepRef,
  out: Finding[],
): void {
  const e = readErrorBody(res)
  lintRejection(status, e, step, out)
  lintErrorFormat(res, status, e, step, out)
  lintErrorStatus(res, status, e.error, ctx, step, out)
  lintErrorMembers(e, step, out)
}

/** What a token endpoint error response carries: its content type, parsed body and OAuth error members. */
interface ErrorBody {
  contentType: string | undefined
  ct: string | undefined
  parsed: ParsedBody
  body: Record<string, unknown> | undefined
  rawError: unknown
  /** The error code when it is a non-empty string. */
  error: string | null
  description: unknown
  errorUri: unknown
}

function readErrorBody(res: RecordedResponse): ErrorBody {
  const contentType = header(res, 'content-type')
  const ct = essence(contentType)
  const parsed = parseBody(res.body, contentType)
  const body = parsed.format === 'json' && isRecord(parsed.json) ? parsed.json : undefined
  const rawError = body ? own(body, 'error') : undefined
  const error = typeof rawError === 'string' && rawError !== '' ? rawError : null
  const description = body ? own(body, 'error_description') : undefined
  const errorUri = body ? own(body, 'error_uri') : undefined
  return { contentType, ct, parsed, body, rawError, error, description, errorUri }
}

/** The rejection itself, with the OAuth error the server named (if any). */
function lintRejection(status: number, e: ErrorBody, step: StepRef, out: Finding[]): void {
  const { parsed, error, description } = e
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
}

/** A crash (5xx), a body that is not application/json, or a JSON body without an error code. */
function lintErrorFormat(res: RecordedResponse, status: number, e: ErrorBody, step: StepRef, out: Finding[]): void {
  const { contentType, ct, parsed, body, rawError, error } = e
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
}

/** The status: 400, or 401 (with WWW-Authenticate) for invalid_client. */
function lintErrorStatus(
  res: RecordedResponse,
  status: number,
  error: string | null,
  ctx: TokenLintContext,
  step: StepRef,
  out: Finding[],
): void {
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
}

/** The error code and the characters of error_description and error_uri. */
function lintErrorMembers(e: ErrorBody, step: StepRef, out: Finding[]): void {
  const { error, description, errorUri } = e
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
