// What the after-token calls share (probes.ts uses some too): the exchange a call recorded, failures
// as findings, a missing endpoint, the oauth4webapi client, and WWW-Authenticate challenges.
import * as oauth from 'oauth4webapi'
import type { Finding, FindingId, FlowSnapshot, HttpExchange, Severity, StepRef } from '../../model/types'
import type { Recorder } from '../../platform/recorder'
import type { Challenge } from '../../platform/o4w'
import { clip } from '../../platform/text'
import { explainError, type ExplainContext } from '../../diagnosis/explain'
import { finding } from '../../diagnosis/finding'

/** The exchange recorded by the call that started when the recorder held `before` exchanges. */
export function exchangeSince(recorder: Recorder, before: number): HttpExchange | undefined {
  return recorder.exchanges.length > before ? recorder.exchanges.at(-1) : undefined
}

/**
 * A fetch that failed (TypeError) becomes a finding that uses the recorder's CORS verdict when there
 * is one (as the token step does); anything else goes through explainError.
 */
export function failureFinding(err: unknown, ex: HttpExchange | undefined, ctx: ExplainContext): Finding {
  const f = explainError(err, ctx)
  if (err instanceof TypeError && ex?.corsDetail && ex.cors !== 'not-checked' && ex.cors !== 'readable') {
    const unreachable = ex.cors === 'unreachable' || ex.cors === 'mixed-content' || ex.cors === 'local-network'
    f.id = unreachable ? 'endpoint-unreachable' : 'cors-blocked'
    f.title = unreachable
      ? `${ctx.url ?? 'The endpoint'} could not be reached from this browser (${ex.cors})`
      : `Blocked by CORS: ${ctx.url ?? 'the endpoint'} is reachable, but the browser hid its answer`
    f.detail = `${ex.corsDetail} Server-side clients are not subject to CORS, so this does not predict their behaviour.`
    f.fix = unreachable
      ? 'Check the URL, that the server runs, and its TLS certificate.'
      : `Send Access-Control-Allow-Origin for the playground's origin on success AND error responses of this endpoint, answer its preflight (allow the Authorization header), and expose WWW-Authenticate with Access-Control-Expose-Headers.`
    f.spec = 'Fetch Standard §3.2 (CORS protocol); draft-ietf-oauth-browser-based-apps §6.3.3.4'
    f.data = { ...(f.data ?? {}), endpoint: ctx.operation ?? String(ctx.step), url: ctx.url ?? null, verdict: ex.cors }
  }
  return f
}

export function missingEndpoint(
  id: FindingId,
  severity: Severity,
  step: StepRef,
  member: string,
  what: string,
  spec: string,
): Finding {
  return finding(id, severity, step, {
    title: `No ${member} in the metadata`,
    detail: `The server metadata does not advertise ${member}, so ${what} cannot be tried. That is allowed: the endpoint is optional.`,
    fix: `If the server supports it, publish ${member} in the metadata (RFC 8414 §2).`,
    spec,
    data: { member },
  })
}

export function oauthClient(snapshot: FlowSnapshot): oauth.Client {
  return { client_id: snapshot.config.client_id }
}

/** Is the body an OAuth error response (RFC 6749 §5.2)? Returns its error code. */
export function errorCode(body: Record<string, unknown> | undefined): string | undefined {
  return typeof body?.error === 'string' && body.error ? body.error : undefined
}

export function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string')
  return []
}

export function sameAudience(a: unknown, b: unknown): boolean {
  const x = [...new Set(audiences(a))].sort()
  const y = [...new Set(audiences(b))].sort()
  return x.length === y.length && x.every((v, i) => v === y[i])
}

export function show(v: unknown): string {
  if (v === undefined) return '(absent)'
  try {
    return clip(JSON.stringify(v) ?? String(v), 200)
  } catch {
    return clip(String(v), 200)
  }
}

/**
 * A 401 whose WWW-Authenticate header the page cannot read: cross-origin, the header may exist but
 * is not in Access-Control-Expose-Headers; same-origin ("basic" response), it really is missing.
 */
export function hiddenChallengeFinding(
  step: StepRef,
  endpoint: string,
  ex: HttpExchange | undefined,
): Finding | undefined {
  const res = ex?.response
  if (!res || res.status !== 401) return undefined
  if (res.headers.some(([k]) => k === 'www-authenticate')) return undefined
  if (res.type === 'basic') {
    return finding('www-authenticate-missing', 'warning', step, {
      title: `HTTP 401 from the ${endpoint} without a WWW-Authenticate header`,
      detail: `The ${endpoint} answered 401 on a same-origin request and sent no WWW-Authenticate challenge, so the client cannot tell why the token was refused (invalid_token, insufficient_scope, …) or where to get another one (resource_metadata).`,
      fix: 'Send "WWW-Authenticate: Bearer error=\\"invalid_token\\"" (plus resource_metadata for MCP servers) with every 401.',
      spec: 'RFC 6750 §3; RFC 9110 §15.5.2',
      data: { endpoint, status: 401 },
    })
  }
  return finding('www-authenticate-not-exposed', 'info', step, {
    title: `HTTP 401 from the ${endpoint}, and no WWW-Authenticate header is visible to the page`,
    detail: `The ${endpoint} answered 401. A 401 must carry a WWW-Authenticate challenge (RFC 6750 §3); it may exist but is not exposed via Access-Control-Expose-Headers: cross-origin, the browser lets the page read only CORS-safelisted headers plus the exposed ones. The challenge (error, scope, resource_metadata) is therefore invisible to browser clients; server-side clients do see it. The playground cannot tell "not exposed" from "not sent".`,
    fix: 'Add "Access-Control-Expose-Headers: WWW-Authenticate" (and DPoP-Nonce if you use DPoP) to the CORS responses of this endpoint, and send the challenge with every 401.',
    spec: 'RFC 6750 §3; Fetch Standard §3.2.6 (CORS-safelisted response-header name); RFC 9728 §5.1',
    data: { endpoint, status: 401 },
  })
}

export function challengeData(challenges: Challenge[], status: number): NonNullable<Finding['data']> {
  const bearer = challenges.find((c) => c.scheme === 'bearer' || c.scheme === 'dpop') ?? challenges[0]
  const p = bearer?.parameters ?? {}
  const out: NonNullable<Finding['data']> = { status, scheme: challenges.map((c) => c.scheme).join(', ') }
  for (const k of ['error', 'error_description', 'scope', 'realm', 'resource_metadata', 'error_uri'] as const) {
    const v = p[k]
    if (v !== undefined) out[k] = clip(v)
  }
  return out
}
