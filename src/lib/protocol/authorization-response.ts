/**
 * Callback step: the authorization response as it arrived in the address bar, validated with
 * oauth4webapi (state; iss per RFC 9207) before the code is ever sent anywhere.
 * @see https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.2
 * @see https://www.rfc-editor.org/rfc/rfc9207.html#section-2.4
 */
import { finding } from '../diagnosis/finding'
import * as oauth from 'oauth4webapi'
import { asAuthorizationServer } from '../platform/o4w'
import type { CallbackResult, Finding, FlowSnapshot } from '../model/types'
import { parRequiredFinding } from '../diagnosis/par'
import { explainError } from '../diagnosis/explain'
import { hasResponseInFragment } from '../platform/callback-url'

export { isCallbackUrl, hasResponseInFragment } from '../platform/callback-url'

/** The URL with the response parameters removed (for history.replaceState). */
export function cleanCallbackUrl(href: string): string {
  const u = new URL(href)
  for (const k of [
    'code',
    'state',
    'iss',
    'error',
    'error_description',
    'error_uri',
    'session_state',
    'id_token',
    'access_token',
    'response',
  ]) {
    u.searchParams.delete(k)
  }
  if (hasResponseInFragment(u.hash)) u.hash = ''
  return u.href
}

export interface CallbackOutcome {
  callback: CallbackResult
  /** Parameters branded by validateAuthResponse: the only input the token request accepts. */
  validated?: URLSearchParams
  code?: string
  findings: Finding[]
}

/**
 * Validates the authorization response for the pending flow in `snapshot`.
 * Never throws: every problem becomes a finding.
 */
export function handleCallback(href: string, snapshot: FlowSnapshot): CallbackOutcome {
  const url = new URL(href)
  const params: Array<[string, string]> = []
  url.searchParams.forEach((v, k) => params.push([k, v]))
  const findings: Finding[] = []
  const callback: CallbackResult = { params, receivedAt: Date.now(), outcome: 'invalid' }

  if (!snapshot.authorization || !snapshot.metadata) {
    findings.push(
      finding('no-pending-flow', 'error', 'callback', {
        title: 'No flow was started in this tab for this response',
        detail: `The page received an authorization response but holds no pending request to compare it with. sessionStorage is kept per tab and per origin: the flow may have started on another origin (${snapshot.origin} vs ${url.origin}), in another tab or window, or the tab was closed in between.`,
        fix: 'Start the flow again from this tab, and use exactly the same host spelling for the app and the redirect URI (localhost and 127.0.0.1 are different origins).',
        spec: 'RFC 6749 §10.12; RFC 9700 §4.7',
      }),
    )
    return { callback, findings }
  }
  if (hasResponseInFragment(url.hash)) {
    // With nothing in the query, a code-flow client has no response at all (oauth4webapi reads the
    // query only): the one error is where the response went, not a state or iss it did send.
    const inQuery = ['code', 'error', 'state'].some((k) => url.searchParams.has(k))
    findings.push(
      finding('response-in-fragment', inQuery ? 'warning' : 'error', 'callback', {
        title: inQuery
          ? 'Response parameters arrived in the URL fragment as well'
          : 'The authorization response arrived in the URL fragment',
        detail: `The authorization code flow returns its response in the query component${inQuery ? '' : ', and this one has none there: a code-flow client finds no code, state or error to read'}. A fragment response means the server used response_mode=fragment or an implicit-style response, or the redirect URI carries a fragment.`,
        fix: 'Use response_type=code without response_mode (query is the default) and register a redirect URI without a fragment.',
        spec: 'RFC 6749 §4.1.2, §3.1.2',
      }),
    )
    if (!inQuery) return { callback, findings }
  }

  const as = asAuthorizationServer(snapshot.metadata)
  const client: oauth.Client = { client_id: snapshot.config.client_id }
  try {
    const validated = oauth.validateAuthResponse(as, client, url.searchParams, snapshot.authorization.state)
    const code = validated.get('code') ?? undefined
    if (!code) {
      // validateAuthResponse checks state and iss; the code itself is only required later.
      findings.push(
        finding('code-missing', 'error', 'callback', {
          title: 'The redirect carried neither a code nor an error',
          detail: `The authorization server sent the browser back with ${params.length ? params.map(([k]) => k).join(', ') : 'no parameters'} but no code and no error, so there is nothing to exchange.`,
          fix: 'Return code (and state, and iss when advertised) on success, or error on failure, in the query of the redirect URI; check response_type=code and the server logs.',
          spec: 'RFC 6749 §4.1.2, §4.1.2.1',
        }),
      )
      return { callback, findings }
    }
    callback.outcome = 'code'
    // Once per cause: when discovery already noted that RFC 9207 is not advertised, that note says it.
    const notedAtDiscovery = snapshot.findings.some((f) => f.id === 'iss-parameter-not-advertised')
    if (
      !url.searchParams.has('iss') &&
      !snapshot.metadata.authorization_response_iss_parameter_supported &&
      !notedAtDiscovery
    ) {
      findings.push(
        finding('iss-not-supported', 'info', 'callback', {
          title: 'No iss parameter in the response (RFC 9207 not advertised)',
          detail:
            'The server does not advertise authorization_response_iss_parameter_supported, so the response carries no issuer. That is allowed, but a client talking to several servers then has no mix-up defence from the response itself.',
          fix: 'Consider supporting RFC 9207: add iss to authorization responses and advertise authorization_response_iss_parameter_supported: true. The MCP 2026 revision requires clients to check it when advertised.',
          spec: 'RFC 9207 §2, §3; RFC 9700 §4.4.2',
        }),
      )
    }
    return { callback, validated, ...(code ? { code } : {}), findings }
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) callback.outcome = 'error'
    // A server that requires PAR refusing a plain request: one finding that names the cause.
    const usedPar = snapshot.authorization.params.some(([k]) => k === 'request_uri')
    const par =
      err instanceof oauth.AuthorizationResponseError
        ? parRequiredFinding(url.searchParams, snapshot.metadata, usedPar)
        : undefined
    findings.push(par ?? explainError(err, { step: 'callback', operation: 'callback' }))
    return { callback, findings }
  }
}

/**
 * Re-validates stored callback parameters (after a reload) to get the branded parameters that
 * oauth4webapi's token request requires. Returns undefined when they do not validate.
 */
export function revalidate(snapshot: FlowSnapshot): URLSearchParams | undefined {
  if (!snapshot.callback || !snapshot.metadata || !snapshot.authorization) return undefined
  const params = new URLSearchParams(snapshot.callback.params)
  if (snapshot.code && !params.has('code')) params.set('code', snapshot.code)
  try {
    return oauth.validateAuthResponse(
      asAuthorizationServer(snapshot.metadata),
      { client_id: snapshot.config.client_id },
      params,
      snapshot.authorization.state,
    )
  } catch {
    return undefined
  }
}
