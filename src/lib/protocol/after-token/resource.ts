// A call to any protected resource with the access token (RFC 6750).
import * as oauth from 'oauth4webapi'
import type { Finding } from '../../model/types'
import type { Recorder } from '../../platform/recorder'
import { readChallenges, type Challenge } from '../../platform/o4w'
import { clip } from '../../platform/text'
import { dpopChallengeFinding } from '../../diagnosis/dpop'
import type { DpopUse } from '../dpop'
import { explainError } from '../../diagnosis/explain'
import { finding } from '../../diagnosis/finding'
import { isLoopbackHost } from '../../platform/network'
import { exchangeSince, failureFinding, hiddenChallengeFinding, challengeData } from './shared'

export interface ResourceRequest {
  url: string
  /** GET, POST, … (upper-cased). */
  method: string
  headers?: Array<[name: string, value: string]>
  /** Sent as is (not for GET/HEAD). */
  body?: string
  /** Allow http:// to loopback hosts (the Configure option). */
  allowInsecureLoopback?: boolean
}

export interface ResourceOutcome {
  /** HTTP status, 0 when the browser could not read the response. */
  status: number
  /** Parsed WWW-Authenticate challenges, when the header was readable. */
  challenges?: Challenge[]
  findings: Finding[]
}

/**
 * Calls any URL with the access token as a Bearer header (RFC 6750 §2.1) through oauth4webapi's
 * protectedResourceRequest, and explains a WWW-Authenticate challenge (RFC 6750 §3, RFC 9728 §5.1).
 * Step id "resource". Never throws.
 */
export async function callResource(
  accessToken: string,
  req: ResourceRequest,
  recorder: Recorder,
  /** Send the (DPoP-bound) access token with a proof of this key: Authorization: DPoP + a DPoP header. */
  dpop?: DpopUse,
): Promise<ResourceOutcome> {
  const step = 'resource'
  const findings: Finding[] = []
  const method = (req.method || 'GET').toUpperCase()
  let url: URL
  try {
    url = new URL(req.url)
  } catch (err) {
    return { status: 0, findings: [explainError(err, { step, operation: 'resource', url: req.url })] }
  }
  const headers = new Headers()
  for (const [k, v] of req.headers ?? []) {
    try {
      headers.append(k, v)
    } catch (err) {
      return { status: 0, findings: [explainError(err, { step, operation: 'resource', url: url.href })] }
    }
  }
  const body = method === 'GET' || method === 'HEAD' ? undefined : req.body
  const insecure = url.protocol === 'http:' && isLoopbackHost(url.hostname) && req.allowInsecureLoopback === true
  recorder.label = `Protected resource: ${method} ${clip(url.href, 120)}`
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.protectedResourceRequest(accessToken, method, url, headers, body, {
      // The body is always a string here, so the options are a RequestInit.
      [oauth.customFetch]: (u, o) => recorder.fetch(u, o as RequestInit),
      [oauth.allowInsecureRequests]: insecure,
      ...(dpop ? { DPoP: dpop.handle } : {}),
    })
  } catch (err) {
    const ex = exchangeSince(recorder, before)
    if (err instanceof oauth.WWWAuthenticateChallengeError) {
      const challenges = readChallenges(err)
      const status = err.status
      const d = challengeData(challenges, status)
      const dpopError = dpopChallengeFinding(challenges, status, step, 'the resource server')
      if (dpopError) {
        findings.push(dpopError)
      } else if (status === 403 && d.error === 'insufficient_scope') {
        findings.push(
          finding('resource-insufficient-scope', 'warning', step, {
            title: 'The resource needs more scope (403 insufficient_scope)',
            detail: `The resource server accepted the token but says it lacks scope${typeof d.scope === 'string' ? `; it asks for "${d.scope}"` : ''}.${typeof d.error_description === 'string' ? ` Server text: "${d.error_description}".` : ''} The client must get a new token with the required scope (a new authorization, step-up), not retry with this one.`,
            fix: 'Request the scope named in the challenge in the authorization request (or have the authorization server grant it).',
            spec: 'RFC 6750 §3.1 (insufficient_scope); RFC 9728 §5.1',
            data: d,
          }),
        )
      } else {
        findings.push(
          finding('resource-challenge', 'info', step, {
            title: `The resource answered ${status} with a WWW-Authenticate challenge${typeof d.error === 'string' ? `: ${d.error}` : ''}`,
            detail: `Challenge: ${challenges
              .map(
                (c) =>
                  `${c.scheme}${
                    Object.keys(c.parameters).length
                      ? ` ${Object.entries(c.parameters)
                          .map(([k, v]) => `${k}="${clip(v, 200)}"`)
                          .join(', ')}`
                      : ''
                  }`,
              )
              .join(
                '; ',
              )}.${d.error === 'invalid_token' ? ' invalid_token: the token is expired, revoked, malformed, or not meant for this resource (audience).' : ''}${typeof d.resource_metadata === 'string' ? ` resource_metadata points to the protected resource metadata (RFC 9728), where MCP clients find the authorization server.` : ''} The page could read the header, so the server exposes it via Access-Control-Expose-Headers.`,
            fix:
              d.error === 'invalid_token'
                ? 'Get a token for this resource (request it with resource = this URL, RFC 8707) or a fresh one.'
                : 'Send what the challenge asks for.',
            spec: 'RFC 6750 §3, §3.1; RFC 9728 §5.1',
            data: d,
          }),
        )
      }
      return { status, challenges, findings }
    }
    findings.push(failureFinding(err, ex, { step, operation: 'resource', url: url.href }))
    return { status: 0, findings }
  }
  const ex = exchangeSince(recorder, before)
  const status = response.status
  const hidden = hiddenChallengeFinding(step, 'resource', ex)
  if (hidden) findings.push(hidden)
  if ((status >= 300 && status < 400) || response.type === 'opaqueredirect') {
    findings.push(
      finding('resource-redirected', 'info', step, {
        title: 'The resource answered with a redirect',
        detail:
          'Requests carrying a token are sent with redirect: "manual" (the token must not follow a redirect to another host), so the redirect was not followed. An API that redirects a Bearer request (for example to a login page) is not treating it as an API call.',
        fix: 'Call the final URL directly; an API should answer 401 with a WWW-Authenticate challenge instead of redirecting.',
        spec: 'RFC 6750 §3; RFC 9700 §4.3',
        data: { status },
      }),
    )
  } else if (status === 403) {
    findings.push(
      finding('resource-forbidden', 'info', step, {
        title: 'The resource answered 403 without a readable challenge',
        detail:
          'The token was presented but access is refused. Without a WWW-Authenticate challenge (or if it is not exposed to the page) the client cannot tell whether scope is missing (insufficient_scope) or the user lacks permission.',
        fix: 'Answer 403 with WWW-Authenticate: Bearer error="insufficient_scope", scope="…" when scope is missing, and expose the header via CORS.',
        spec: 'RFC 6750 §3.1',
        data: { status },
      }),
    )
  }
  return { status, findings }
}
