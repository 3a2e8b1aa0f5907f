/**
 * Pushed authorization requests (RFC 9126) findings: the PAR endpoint out of the page's reach
 * (CORS), the shape of its answer (request_uri, expires_in), a server that requires PAR and refused
 * a plain authorization request, and the "PAR without PKCE" probe judged. Pure.
 * @see https://www.rfc-editor.org/rfc/rfc9126.html
 */
import type { Finding, HttpExchange, ServerMetadata, StepRef } from '../model/types'
import { clip } from '../platform/text'
import { finding } from './finding'

/** The URN prefix RFC 9126 §7.1 registers for request_uri values. */
export const REQUEST_URI_URN = 'urn:ietf:params:oauth:request_uri:'

/** RFC 9126 §2.2: "typically relatively short (e.g., between 5 and 600 seconds)". */
export const PAR_TYPICAL_MAX_SECONDS = 600

function show(v: unknown): string {
  try {
    return clip(JSON.stringify(v) ?? String(v), 120)
  } catch {
    return clip(String(v), 120)
  }
}

/**
 * The PAR POST failed in the browser (the recorder's CORS verdict): blocked by CORS or its
 * preflight refused. Undefined for other failures (unreachable, mixed content: see explainError).
 */
export function parCorsFinding(ex: HttpExchange | undefined, step: StepRef = 'authorization'): Finding | undefined {
  if (!ex?.error || (ex.cors !== 'blocked-by-cors' && ex.cors !== 'preflight-failed')) return undefined
  const preflight = ex.cors === 'preflight-failed'
  return finding('par-cors', 'error', step, {
    title: preflight
      ? 'The pushed authorization request endpoint refused the CORS preflight'
      : 'Blocked by CORS: the pushed authorization request endpoint is reachable, but the browser hid its answer',
    detail:
      `${ex.corsDetail ?? ''} A pushed authorization request is a cross-origin POST from the page to the authorization server (unlike the authorization request itself, which is a top-level navigation and needs no CORS): the server must allow the page's origin on the PAR endpoint as on the token endpoint. ${
        preflight
          ? 'This request needed a preflight (a DPoP or Authorization header): either the preflight was refused (then nothing was pushed) or the answer to the POST lacked Access-Control-Allow-Origin — the browser does not tell the page which.'
          : 'A public client’s PAR POST is a "simple" request: it probably reached the server and a request_uri was created, but the page cannot read it, so it can never be used.'
      } Server-side clients are not subject to CORS.`.trim(),
    fix: 'Send Access-Control-Allow-Origin for the playground’s origin on the PAR endpoint’s responses (success and error), answer its preflight allowing content-type, authorization and dpop, and expose DPoP-Nonce and WWW-Authenticate. Or switch PAR off for this client if the server does not require it.',
    spec: 'RFC 9126 §2; draft-ietf-oauth-browser-based-apps §6.3.3.4; Fetch Standard §3.2',
    data: { endpoint: 'par', url: ex.request.url, verdict: ex.cors },
  })
}

/**
 * The raw PAR response body (HTTP 201) checked beyond what oauth4webapi checks: request_uri an
 * absolute URI (a warning if not) with the registered URN prefix (information if not: the format
 * is the server's choice), expires_in a positive integer (REQUIRED: a warning) and not far above
 * the typical lifetime (information).
 */
export function parResponseFindings(
  body: Record<string, unknown> | undefined,
  step: StepRef = 'authorization',
): Finding[] {
  const out: Finding[] = []
  if (!body) return out
  const uri = body.request_uri
  if (typeof uri === 'string' && uri !== '') {
    const absolute = URL.canParse(uri)
    if (!absolute) {
      out.push(
        finding('par-request-uri-shape', 'warning', step, {
          title: 'The request_uri of the PAR response is not an absolute URI',
          detail: `request_uri is ${show(uri)}. RFC 9126 §2.2 calls it "the request URI" and it is sent as the request_uri parameter of RFC 9101, which is an absolute URI (a URN such as ${REQUEST_URI_URN}… or a URL). Clients may refuse or mangle a relative or bare value.`,
          fix: `Return a URN with the registered prefix, e.g. "${REQUEST_URI_URN}<random>".`,
          spec: 'RFC 9126 §2.2, §7.1; RFC 9101 §5',
          data: { request_uri: clip(uri, 200) },
        }),
      )
    } else if (!uri.startsWith(REQUEST_URI_URN)) {
      out.push(
        finding('par-request-uri-shape', 'info', step, {
          title: `The request_uri does not use the ${REQUEST_URI_URN} prefix`,
          detail: `request_uri is ${show(uri)}. Its format is the server’s choice (RFC 9126 §2.2 only requires it to be single-use and unguessable); most servers use the URN prefix registered by §7.1. Shown for information.`,
          fix: 'Nothing required.',
          spec: 'RFC 9126 §2.2, §7.1',
          data: { request_uri: clip(uri, 200) },
        }),
      )
    }
  }
  const raw = body.expires_in
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw <= 0) {
    out.push(
      finding('par-expires-in', 'warning', step, {
        title:
          raw === undefined
            ? 'The PAR response has no expires_in'
            : 'expires_in of the PAR response is not a positive integer',
        detail: `expires_in is ${raw === undefined ? 'absent' : show(raw)}. RFC 9126 §2.2: expires_in is REQUIRED, "a JSON number that represents the lifetime of the request URI in seconds as a positive integer". Without it a client cannot tell how long it has to send the user to the authorization endpoint.${typeof raw === 'string' ? ' oauth4webapi parses a numeric string, strict clients do not.' : ''}`,
        fix: 'Return "expires_in": <seconds> as a JSON number, e.g. 60.',
        spec: 'RFC 9126 §2.2',
        data: { expires_in: raw === undefined ? null : show(raw) },
      }),
    )
  } else if (raw > PAR_TYPICAL_MAX_SECONDS) {
    const n = raw
    out.push(
      finding('par-expires-in', 'info', step, {
        title: `The request_uri lives ${n} s, longer than the typical 5–600 s`,
        detail: `expires_in is ${n}. RFC 9126 §2.2 leaves the lifetime to the server but says it "will typically be relatively short (e.g., between 5 and 600 seconds)"; a request_uri is a single-use reference that only has to survive the redirect to the authorization endpoint. FAPI 2.0 requires at most 600 s.`,
        fix: 'Consider a lifetime of a minute or so.',
        spec: 'RFC 9126 §2.2',
        data: { expires_in: n },
      }),
    )
  }
  return out
}

/**
 * A callback error that says PAR is required, for a flow that sent a plain authorization request:
 * error=invalid_request with the metadata's require_pushed_authorization_requests: true, or an
 * error_description that names pushed authorization requests (servers can require PAR per client,
 * which the metadata does not show). Undefined otherwise.
 */
export function parRequiredFinding(
  callback: URLSearchParams,
  metadata:
    Pick<ServerMetadata, 'require_pushed_authorization_requests' | 'pushed_authorization_request_endpoint'> | undefined,
  usedPar: boolean,
  step: StepRef = 'callback',
): Finding | undefined {
  if (usedPar) return undefined
  const error = callback.get('error')
  if (error !== 'invalid_request' && error !== 'unauthorized_client') return undefined
  const description = callback.get('error_description') ?? ''
  const required = metadata?.require_pushed_authorization_requests === true
  const mentions = /pushed authori[sz]ation request|\bPAR\b|request_uri/i.test(description)
  if (!required && !mentions) return undefined
  return finding('par-required', 'error', step, {
    title: 'The server requires pushed authorization requests (PAR)',
    detail: `The authorization server answered error=${error}${description ? ` ("${clip(description.replace(/\s+/g, ' '), 200)}")` : ''} to a plain authorization request. ${
      required
        ? 'Its metadata says require_pushed_authorization_requests: true: every client must first POST the parameters to the PAR endpoint and then send only client_id and request_uri to the authorization endpoint.'
        : 'It names pushed authorization requests: this client is registered to require PAR (RFC 9126 §6, require_pushed_authorization_requests in the client metadata), which the server metadata does not show.'
    }${metadata?.pushed_authorization_request_endpoint ? ` The PAR endpoint is ${clip(metadata.pushed_authorization_request_endpoint, 200)}.` : ' The metadata names no pushed_authorization_request_endpoint.'}`,
    fix: 'Switch PAR on in Configure (or leave it on auto) and start again; the PAR endpoint must allow this page’s origin (CORS).',
    spec: 'RFC 9126 §5, §6',
    data: { error: clip(error, 60), requiredInMetadata: required },
  })
}

/** What the "PAR without PKCE" probe observed. */
export interface ParWithoutPkceResult {
  /** HTTP status of the PAR POST sent without code_challenge; 0 when it could not be read. */
  status: number
  /** The error code of a 4xx answer. */
  error?: string
  /** The server requires PKCE for this client (public client, or code_challenge_methods_supported and a PKCE-enforcing run). */
  pkceRequired: boolean
}

/**
 * Judges the probe: a pushed request without code_challenge that the server accepted (201 with a
 * request_uri) although it requires PKCE is a warning — the server may still refuse at the
 * authorization endpoint, but PAR is where RFC 9126 §2.1 says the request is validated as a whole.
 * A rejection is a pass (undefined); an unreadable or odd answer says nothing.
 */
export function judgeParWithoutPkce(result: ParWithoutPkceResult, step: StepRef = 'probes'): Finding | undefined {
  if (!result.pkceRequired || result.status !== 201) return undefined
  return finding('par-ignores-pkce', 'warning', step, {
    title: 'The PAR endpoint accepted a request without code_challenge',
    detail:
      'The probe pushed an authorization request with no code_challenge and got HTTP 201 with a request_uri, although this server requires PKCE for this client. RFC 9126 §2.1: the PAR endpoint validates the request as the authorization endpoint would, so the missing code_challenge should be refused right there (invalid_request). If the authorization endpoint refuses it later the flow is still safe, but a server that enforces PKCE only on one path may miss it on the other.',
    fix: 'Apply the PKCE requirement at the PAR endpoint too: refuse a pushed request without code_challenge (RFC 9700 §2.1.1).',
    spec: 'RFC 9126 §2.1; RFC 9700 §2.1.1; RFC 7636 §4.4.1',
    data: { probe: 'par-without-pkce', status: result.status },
  })
}
