/**
 * The side steps as runners over the snapshot: the after-token actions (refresh, UserInfo,
 * introspection, revocation, a protected resource), the CORS check, the server probes' own
 * authorization round trip and token requests, and a token response pasted back from curl. Each
 * returns a {@link SideOutcome} (or a step outcome for the paste-back) for the driver to apply.
 */
import type { Finding, HttpExchange, RecordedRequest } from '../model/types'
import type { Recorder } from '../platform/recorder'
import { nextExchangeId } from '../platform/recorder'
import type { Probe } from '../platform/network'
import { isSafeNavigationTarget, wantsOpenId } from '../protocol/navigation'
import { makePkce, newVerifier } from '../protocol/pkce'
import { buildAuthorizationRequest, newStateAndNonce } from '../protocol/authorize'
import { handleCallback } from '../protocol/authorization-response'
import { callResource, introspect, refreshTokens, revoke, userInfo } from '../protocol/after-token'
import { parsePastedResponse, tokensFromBody } from '../protocol/pasteback'
import { decodeToken } from '../platform/jwt-decode'
import { lintTokenResponse } from '../diagnosis/lint'
import { runCorsCheck } from '../checks/cors-check'
import { PROBES, judgeProbeCallback, runParWithoutPkce, runProbeExchange, type ProbeId } from '../checks/probes'
import { currentTokens, type CurrentTokens, type PendingProbe, type ProbeResult, type Snapshot } from './side'
import type { SideOutcome, StepOutcome } from './outcome'
import { chooseDpopAlg, dpopHandle, makeDpopKey, wantsDpop, type DpopUse } from '../protocol/dpop'

/** The refresh_token grant; the new tokens become the current ones. */
export async function refreshSide(
  s: Snapshot,
  secret: string,
  recorder: Recorder,
  dpop?: DpopUse,
): Promise<SideOutcome> {
  const refreshToken = currentTokens(s).refresh_token ?? ''
  const r = await refreshTokens(s, refreshToken, secret, recorder, dpop ? { dpop } : {})
  const fresh: CurrentTokens = { ...(s.side?.currentTokens ?? {}) }
  if (r.status === 200 && r.body) {
    for (const k of ['access_token', 'refresh_token', 'id_token'] as const) {
      const v = r.body[k]
      if (typeof v === 'string' && v) fresh[k] = v
    }
  }
  return {
    exchanges: recorder.exchanges,
    findings: r.findings,
    side: {
      refresh: { status: r.status, rotated: r.rotated, ...(r.body ? { body: r.body } : {}) },
      currentTokens: fresh,
    },
  }
}

/** UserInfo with the current access token; its sub is compared with the original ID token's. */
export async function userInfoSide(s: Snapshot, recorder: Recorder, dpop?: DpopUse): Promise<SideOutcome> {
  const tokens = currentTokens(s)
  const idToken = s.token?.body?.id_token
  const decoded = typeof idToken === 'string' ? decodeToken(idToken) : undefined
  const sub = decoded?.format === 'jwt' && typeof decoded.payload.sub === 'string' ? decoded.payload.sub : undefined
  const r = await userInfo(s, tokens.access_token ?? '', sub, recorder, dpop)
  return {
    exchanges: recorder.exchanges,
    findings: r.findings,
    side: { userinfo: { status: r.status, subMatches: r.subMatches, ...(r.claims ? { claims: r.claims } : {}) } },
  }
}

export async function introspectionSide(
  s: Snapshot,
  which: 'access_token' | 'refresh_token',
  secret: string,
  recorder: Recorder,
): Promise<SideOutcome> {
  const r = await introspect(s, currentTokens(s)[which] ?? '', secret, recorder, which)
  return {
    exchanges: recorder.exchanges,
    findings: r.findings,
    side: {
      introspection: {
        status: r.status,
        ...(r.body ? { body: r.body } : {}),
        ...(r.active !== undefined ? { active: r.active } : {}),
      },
    },
  }
}

export async function revocationSide(
  s: Snapshot,
  which: 'access_token' | 'refresh_token',
  secret: string,
  recorder: Recorder,
): Promise<SideOutcome> {
  const r = await revoke(s, currentTokens(s)[which] ?? '', which, secret, recorder)
  return {
    exchanges: recorder.exchanges,
    findings: r.findings,
    side: { revocation: { status: r.status, revoked: r.revoked, which } },
  }
}

/** A request to a protected resource with the access token ("Call a protected resource"). */
export interface ResourceRequest {
  url: string
  method: string
  body?: string
  headers?: Array<[string, string]>
}

export async function resourceSide(
  s: Snapshot,
  req: ResourceRequest,
  recorder: Recorder,
  dpop?: DpopUse,
): Promise<SideOutcome> {
  const r = await callResource(
    currentTokens(s).access_token ?? '',
    { ...req, allowInsecureLoopback: s.config.allow_insecure_loopback },
    recorder,
    dpop,
  )
  return {
    exchanges: recorder.exchanges,
    findings: r.findings,
    side: { resource: { status: r.status, ...(r.challenges ? { challenges: r.challenges } : {}) } },
  }
}

/** The CORS check: every endpoint the metadata names, probed from this page without spending a code. */
export async function corsCheckSide(
  s: Snapshot,
  pageUrl: string,
  recorder: Recorder,
  probe: Probe,
): Promise<SideOutcome> {
  const metadata = s.metadata
  if (!metadata) return { exchanges: [], findings: [] }
  // DPoP on: the token endpoint is also probed with a proof of a throwaway key (never the run's).
  const alg = wantsDpop(s.config, metadata) ? chooseDpopAlg(metadata) : undefined
  const dpop = alg ? dpopHandle(s.config.client_id, await makeDpopKey(alg)) : undefined
  const { results, findings } = await runCorsCheck({
    ...(dpop ? { dpop } : {}),
    metadata,
    ...(s.discovery?.source ? { discoveryUrl: s.discovery.source } : {}),
    config: s.config,
    pageUrl,
    recorder,
    probe,
  })
  return { exchanges: recorder.exchanges, findings, side: { cors: results } }
}

/**
 * A server probe's own authorization request, shaped for the probe (no challenge, plain…): the
 * pending probe to keep across the redirect, or why it cannot start.
 */
export async function probeAuthorization(
  s: Snapshot,
  id: ProbeId,
): Promise<{ pending: PendingProbe } | { notice: string }> {
  const md = s.metadata
  if (!md?.authorization_endpoint) {
    return { notice: 'Run Discover first: a probe needs the authorization and token endpoints.' }
  }
  const def = PROBES.find((p) => p.id === id)
  if (!def) return { notice: `Unknown probe ${id}.` }
  const overrides = def.authorizationOverrides
  const pkce = await makePkce(newVerifier(), overrides?.code_challenge_method === 'plain' ? 'plain' : 'S256')
  const { state, nonce } = newStateAndNonce(s.config.scope)
  const authorization = buildAuthorizationRequest(s.config, md, pkce, state, nonce)
  if (overrides?.omitChallenge) {
    const u = new URL(authorization.url)
    u.searchParams.delete('code_challenge')
    u.searchParams.delete('code_challenge_method')
    authorization.url = u.href
    authorization.params = authorization.params.filter(([k]) => k !== 'code_challenge' && k !== 'code_challenge_method')
  }
  if (!isSafeNavigationTarget(authorization.url, s.config.allow_insecure_loopback)) {
    return { notice: 'Refusing to navigate: the authorization URL is not https (or loopback http).' }
  }
  return { pending: { id, pkce, authorization } }
}

/**
 * A probe without a round trip (PAR without code_challenge): run at once, its result line kept like
 * the others'.
 */
export async function directProbeSide(
  s: Snapshot,
  id: ProbeId,
  secret: string,
  recorder: Recorder,
  now: number,
): Promise<SideOutcome> {
  const md = s.metadata
  const pkce = await makePkce(newVerifier(), 'S256')
  const { state, nonce } = newStateAndNonce(s.config.scope)
  const params = md ? buildAuthorizationRequest(s.config, md, pkce, state, nonce).params : []
  const r = await runParWithoutPkce(s, params, secret, recorder)
  return probeOutcome(s, id, r.findings, r.status, r.accepted, recorder, now)
}

/** A probe's findings and exchanges join those of earlier probes (one result line per probe, the latest run kept). */
function probeOutcome(
  s: Snapshot,
  id: ProbeId,
  findings: Finding[],
  status: number,
  accepted: boolean,
  recorder: Recorder,
  now: number,
): SideOutcome {
  const tagged = findings.map((f) => ({ ...f, step: 'probes' as const, data: { ...(f.data ?? {}), probe: id } }))
  const failed = tagged.some((f) => f.severity === 'error' || f.severity === 'warning') || accepted
  const inconclusive = tagged.some((f) => f.id === 'probe-inconclusive')
  const result: ProbeResult = {
    id,
    outcome: inconclusive ? 'inconclusive' : failed ? 'failed' : 'passed',
    status,
    at: now,
  }
  const earlier = s.side?.probeResults ?? []
  return {
    exchanges: [...s.exchanges.filter((e) => e.step === 'probes'), ...recorder.exchanges],
    findings: [...s.findings.filter((f) => f.step === 'probes' && f.data?.probe !== id), ...tagged],
    // A round trip is over: the pending probe goes, its result line stays.
    side: { probe: undefined, probeResults: [...earlier.filter((r) => r.id !== id), result] },
  }
}

/**
 * A probe's callback: judged, then the probe's token requests. The probe's findings and exchanges
 * join those of earlier probes (one result line per probe, the latest run kept).
 */
export async function finishProbeSide(
  s: Snapshot,
  href: string,
  probe: PendingProbe,
  secret: string,
  recorder: Recorder,
  now: number,
): Promise<SideOutcome> {
  const probeSnapshot: Snapshot = { ...s, pkce: probe.pkce, authorization: probe.authorization }
  const judged = judgeProbeCallback(probe.id, new URL(href).searchParams, probeSnapshot)
  const findings = [...judged.findings]
  let status = 0
  let accepted = false
  if (judged.proceed) {
    const cb = handleCallback(href, probeSnapshot)
    if (cb.validated) {
      const r = await runProbeExchange(probe.id, probeSnapshot, cb.validated, secret, recorder)
      findings.push(...r.findings)
      status = r.status
      accepted = r.accepted
    } else {
      findings.push(...cb.findings)
    }
  }
  return probeOutcome(s, probe.id, findings, status, accepted, recorder, now)
}

/**
 * Paste-back: the raw HTTP response (or just the JSON) of the curl command, checked like a response
 * the page could read. The token step keeps what it had and gains the pasted exchange.
 */
export function pastedTokenOutcome(
  s: Snapshot,
  text: string,
  request: RecordedRequest | undefined,
): { ok: false; error: string } | { ok: true; notes: string[]; outcome: StepOutcome; hasAccessToken: boolean } {
  const parsed = parsePastedResponse(text, { url: s.metadata?.token_endpoint ?? '' })
  if (!parsed.ok) return { ok: false, error: parsed.error }
  const exchange: HttpExchange = {
    id: nextExchangeId('paste'),
    step: 'token',
    label: 'Token response pasted by you (from the curl command)',
    startedAt: Date.now(),
    durationMs: 0,
    request: request ?? { method: 'POST', url: s.metadata?.token_endpoint ?? '', headers: [], browserAdded: [] },
    response: parsed.response,
    cors: 'not-checked',
    corsDetail: 'Pasted by hand: this response did not come through the browser, so CORS does not apply to it.',
  }
  const findings = lintTokenResponse(parsed.response, {
    step: 'token',
    requestedScope: s.config.scope,
    openid: wantsOpenId(s.config.scope),
  }).map((f) => ({ ...f, data: { ...(f.data ?? {}), source: 'pasted' } }))
  const body = tokensFromBody(parsed.response.body)
  return {
    ok: true,
    notes: parsed.notes,
    hasAccessToken: typeof body?.access_token === 'string',
    outcome: {
      patch: { token: { status: parsed.response.status, ...(body ? { body } : {}) } },
      exchanges: [...s.exchanges.filter((e) => e.step === 'token'), exchange],
      findings: [...s.findings.filter((f) => f.step === 'token'), ...findings],
      proceed: typeof body?.access_token === 'string',
    },
  }
}
