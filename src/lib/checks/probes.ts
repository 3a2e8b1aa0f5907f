/**
 * Server probes: opt-in negative tests of the authorization server. Each probe spends fresh
 * authorization codes (the driver runs one authorization round trip per code; the server session
 * makes it instant) and checks that the server REJECTS what it must reject. Every result is a
 * finding with step "probes" and data.probe.
 *
 * A probe can only prove a defect when the server accepts what it must refuse (a 200 on a wrong
 * code_verifier proves PKCE is not verified). A rejection is a pass, but the probe cannot always
 * tell which check caused it; an answer that is neither (network, CORS, invalid_client, 5xx) is
 * inconclusive.
 * @see https://www.rfc-editor.org/rfc/rfc7636.html#section-4.6
 * @see https://www.rfc-editor.org/rfc/rfc9700.html#section-2.1.1
 * @see https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.2
 */
import { missingEndpoint } from '../diagnosis/rules'
import { finding } from '../diagnosis/finding'
import * as oauth from 'oauth4webapi'
import type { Finding, FindingId, FlowSnapshot, ServerMetadata, Severity, SideStepId } from '../model/types'
import type { Recorder } from '../platform/recorder'
import { asAuthorizationServer, clientAuthFor, insecureAllowed } from '../platform/o4w'
import { clip, parseJsonObject } from '../platform/text'
import { exchangeSince, failureFinding, introspect } from '../protocol/after-token'
import { pushAuthorizationRequest } from '../protocol/par'
import { judgeParWithoutPkce } from '../diagnosis/par'

export type ProbeId =
  | 'wrong-verifier'
  | 'missing-verifier'
  | 'verifier-without-challenge'
  | 'code-replay'
  | 'redirect-uri-mismatch'
  | 'plain-refused'
  | 'par-without-pkce'

export interface ProbeDefinition {
  id: ProbeId
  title: string
  /** What the probe does, in one or two sentences. */
  what: string
  /** What a correct server does. */
  expect: string
  spec: string
  /** Authorization codes (= authorization round trips) the probe uses; 0: no round trip at all. */
  needsCodes: number
  /** The metadata member the probe needs besides the authorization and token endpoints. */
  needs?: 'pushed_authorization_request_endpoint'
  /**
   * How the probe's authorization request differs from the normal one: `code_challenge_method:
   * 'plain'` → send code_challenge = code_verifier with method plain; `omitChallenge` → send
   * neither code_challenge nor code_challenge_method.
   */
  authorizationOverrides?: { code_challenge_method?: 'plain'; omitChallenge?: boolean }
}

export const PROBES: ProbeDefinition[] = [
  {
    id: 'wrong-verifier',
    title: 'Wrong code_verifier',
    what: 'Redeems a fresh code with a different, well-formed code_verifier.',
    expect: 'HTTP 400 invalid_grant: the verifier does not match the code_challenge.',
    spec: 'RFC 7636 §4.6',
    needsCodes: 1,
  },
  {
    id: 'missing-verifier',
    title: 'Missing code_verifier (PKCE downgrade at the token endpoint)',
    what: 'Authorizes WITH an S256 code_challenge, then redeems the code WITHOUT any code_verifier — what an attacker holding a stolen code would do.',
    expect: 'HTTP 400 invalid_grant (or invalid_request): a code bound to a challenge needs its verifier.',
    spec: 'RFC 7636 §4.4, §4.6; RFC 9700 §2.1.1',
    needsCodes: 1,
  },
  {
    id: 'verifier-without-challenge',
    title: 'code_verifier without code_challenge (RFC 9700 downgrade)',
    what: 'Authorizes WITHOUT code_challenge, then redeems the code WITH a code_verifier.',
    expect:
      'The authorization is refused (PKCE required), or the token request is rejected because no challenge was sent.',
    spec: 'RFC 9700 §2.1.1, §4.8.2',
    needsCodes: 1,
    authorizationOverrides: { omitChallenge: true },
  },
  {
    id: 'code-replay',
    title: 'Replayed authorization code',
    what: 'Redeems a fresh code correctly, then sends exactly the same token request again; where possible, checks whether the tokens of the first redemption were revoked.',
    expect: 'First 200, then HTTP 400 invalid_grant; the tokens issued for the code SHOULD be revoked.',
    spec: 'RFC 6749 §4.1.2, §10.5; RFC 9700 §4.5',
    needsCodes: 1,
  },
  {
    id: 'redirect-uri-mismatch',
    title: 'Different redirect_uri at the token endpoint',
    what: 'Redeems a fresh code with a redirect_uri that differs from the authorization request (an extra query parameter).',
    expect: 'HTTP 400 invalid_grant: redirect_uri must be identical to the one of the authorization request.',
    spec: 'RFC 6749 §4.1.3',
    needsCodes: 1,
  },
  {
    id: 'plain-refused',
    title: 'code_challenge_method=plain',
    what: 'Sends the authorization request with code_challenge_method=plain (code_challenge = code_verifier).',
    expect: 'When the metadata advertises only S256: an error redirect (invalid_request), no code.',
    spec: 'RFC 7636 §4.2, §4.4.1; RFC 9700 §2.1.1',
    needsCodes: 1,
    authorizationOverrides: { code_challenge_method: 'plain' },
  },
  {
    id: 'par-without-pkce',
    title: 'Pushed request without code_challenge (PAR)',
    what: 'Pushes an authorization request with no code_challenge to the PAR endpoint; nothing is authorized and no code is spent (no round trip).',
    expect:
      'HTTP 400 invalid_request: the PAR endpoint validates the request as the authorization endpoint would, PKCE included.',
    spec: 'RFC 9126 §2.1; RFC 9700 §2.1.1',
    needsCodes: 0,
    needs: 'pushed_authorization_request_endpoint',
  },
]

export interface ProbeOutcome {
  /** The server accepted what it should have refused (HTTP 200 with tokens). */
  accepted: boolean
  /** HTTP status of the decisive token request; 0 when the answer could not be read. */
  status: number
  findings: Finding[]
}

export interface CallbackJudgement {
  /** A code came back: the driver should now call runProbeExchange with the validated params. */
  proceed: boolean
  findings: Finding[]
}

const STEP: SideStepId = 'probes'

function pf(
  id: FindingId,
  severity: Severity,
  probe: ProbeId,
  parts: { title: string; detail: string; fix: string; spec: string; data?: Finding['data'] },
): Finding {
  return finding(id, severity, STEP, { ...parts, data: { probe, ...(parts.data ?? {}) } })
}

function definition(probe: ProbeId): ProbeDefinition | undefined {
  return PROBES.find((p) => p.id === probe)
}

function inconclusive(probe: ProbeId, why: string, data: Finding['data'] = {}): Finding {
  const def = definition(probe)
  return pf('probe-inconclusive', 'info', probe, {
    title: `Probe "${def?.title ?? probe}" was inconclusive`,
    detail: `${why} The probe cannot tell whether the server performs this check.`,
    fix: 'Make the normal flow work first (the main token exchange must succeed), then run the probe again.',
    spec: def?.spec ?? '—',
    data,
  })
}

// ---------------------------------------------------------------------------------------------
// Judging the authorization response of a probe

function advertisedMethods(metadata: ServerMetadata | undefined): string[] | undefined {
  const m = metadata?.code_challenge_methods_supported
  return Array.isArray(m) ? m.filter((x): x is string => typeof x === 'string') : undefined
}

/**
 * The plain-refused probe is decided by the authorization response: with only S256 advertised, the
 * server must answer error=invalid_request instead of a code. `callbackParams` are the raw
 * parameters of the redirect (validate state separately).
 */
export function judgePlainCallback(
  callbackParams: URLSearchParams,
  metadata: ServerMetadata | undefined,
): CallbackJudgement {
  const probe: ProbeId = 'plain-refused'
  const methods = advertisedMethods(metadata)
  const advertised = methods?.includes('plain') ?? false
  const error = callbackParams.get('error')
  const description = callbackParams.get('error_description')
  const code = callbackParams.get('code')
  const methodsText = methods
    ? `[${methods.map((m) => `"${clip(m, 20)}"`).join(', ')}]`
    : 'nothing (the member is absent)'
  if (error !== null) {
    if (error === 'invalid_request') {
      return {
        proceed: false,
        findings: [
          pf('pkce-plain-refused', 'info', probe, {
            title: 'code_challenge_method=plain is refused',
            detail: `The authorization request with code_challenge_method=plain came back with error=invalid_request${description ? ` ("${clip(description)}")` : ''}, as RFC 7636 §4.4.1 prescribes for an unsupported method. code_challenge_methods_supported advertises ${methodsText}.${advertised ? ' Note: the metadata advertises plain although the server refuses it.' : ''}`,
            fix: advertised
              ? 'Remove "plain" from code_challenge_methods_supported, since it is refused.'
              : 'Nothing to fix.',
            spec: 'RFC 7636 §4.4.1; RFC 9700 §2.1.1',
            data: { error, advertised },
          }),
        ],
      }
    }
    return {
      proceed: false,
      findings: [
        inconclusive(
          probe,
          `The authorization request came back with error=${clip(error, 60)}${description ? ` ("${clip(description)}")` : ''}, not with invalid_request (the error RFC 7636 §4.4.1 names for an unsupported method). The server refused something, maybe plain, maybe something else.`,
          { error: clip(error, 80) },
        ),
      ],
    }
  }
  if (code !== null) {
    return {
      proceed: true,
      findings: [
        advertised
          ? pf('pkce-plain-accepted', 'info', probe, {
              title: 'code_challenge_method=plain is accepted (and advertised)',
              detail: `The server issued a code for a plain challenge, consistently with code_challenge_methods_supported ${methodsText}. plain protects only when the challenge cannot be observed; RFC 9700 §2.1.1 recommends S256, and a client capable of S256 MUST use it (RFC 7636 §4.2).`,
              fix: 'Consider supporting only S256 (drop plain from code_challenge_methods_supported).',
              spec: 'RFC 7636 §4.2; RFC 9700 §2.1.1',
              data: { advertised },
            })
          : pf('pkce-plain-accepted', 'warning', probe, {
              title: 'code_challenge_method=plain is accepted although only S256 is advertised',
              detail: `The metadata advertises code_challenge_methods_supported ${methodsText}, yet the server issued a code for code_challenge_method=plain. A server that takes plain (challenge = verifier) lets anyone who sees the authorization request — logs, Referer, browser history — redeem the code; and a client that trusts the metadata cannot know. An unsupported method must be refused with invalid_request.`,
              fix: 'Refuse code_challenge_method=plain with error=invalid_request, or advertise it honestly.',
              spec: 'RFC 7636 §4.2, §4.4.1; RFC 9700 §2.1.1; RFC 8414 §2',
              data: { advertised },
            }),
      ],
    }
  }
  return {
    proceed: false,
    findings: [inconclusive(probe, 'The authorization response carries neither code nor error.')],
  }
}

/**
 * Judges the authorization response of any probe before its token request: the plain-refused
 * probe and the verifier-without-challenge probe are (partly) decided here; for the others an
 * error means the probe could not run. `callbackParams` are the raw redirect parameters.
 */
export function judgeProbeCallback(
  probe: ProbeId,
  callbackParams: URLSearchParams,
  snapshot: FlowSnapshot,
): CallbackJudgement {
  if (probe === 'plain-refused') return judgePlainCallback(callbackParams, snapshot.metadata)
  const error = callbackParams.get('error')
  const description = callbackParams.get('error_description')
  const code = callbackParams.get('code')
  if (probe === 'verifier-without-challenge') {
    const publicClient = snapshot.config.client_auth === 'none'
    if (error === 'invalid_request') {
      return {
        proceed: false,
        findings: [
          pf('pkce-required', 'info', probe, {
            title: 'An authorization request without code_challenge is refused',
            detail: `The server answered error=invalid_request${description ? ` ("${clip(description)}")` : ''} to an authorization request without PKCE: it requires PKCE for this client, so a code without a challenge — the start of a PKCE downgrade — cannot be obtained.`,
            fix: 'Nothing to fix.',
            spec: 'RFC 9700 §2.1.1, §4.8.2; RFC 7636 §4.4.1',
            data: { error },
          }),
        ],
      }
    }
    if (error !== null) {
      return {
        proceed: false,
        findings: [
          inconclusive(
            probe,
            `The authorization request without code_challenge came back with error=${clip(error, 60)}${description ? ` ("${clip(description)}")` : ''}.`,
            { error: clip(error, 80) },
          ),
        ],
      }
    }
    if (code !== null) {
      return {
        proceed: true,
        findings: [
          pf('pkce-not-required', publicClient ? 'warning' : 'info', probe, {
            title: publicClient
              ? 'The server issues codes to this public client without PKCE'
              : 'The server issues codes to this confidential client without PKCE',
            detail: publicClient
              ? 'An authorization request without code_challenge got a code. Public clients MUST use PKCE (RFC 9700 §2.1.1); a server that does not require it cannot protect a public client whose request was tampered with, and relies entirely on the client. The token request of this probe then checks the downgrade itself.'
              : 'An authorization request without code_challenge got a code. For confidential clients PKCE is recommended rather than required (RFC 9700 §2.1.1). The token request of this probe then checks the downgrade itself.',
            fix: publicClient
              ? 'Require code_challenge (S256) from public clients.'
              : 'Consider requiring PKCE from every client.',
            spec: 'RFC 9700 §2.1.1; draft-ietf-oauth-browser-based-apps §6.3.2.1',
            data: { clientAuth: snapshot.config.client_auth },
          }),
        ],
      }
    }
    return {
      proceed: false,
      findings: [inconclusive(probe, 'The authorization response carries neither code nor error.')],
    }
  }
  if (error !== null) {
    return {
      proceed: false,
      findings: [
        inconclusive(
          probe,
          `The probe's authorization request came back with error=${clip(error, 60)}${description ? ` ("${clip(description)}")` : ''} instead of a code.`,
          { error: clip(error, 80) },
        ),
      ],
    }
  }
  if (code === null)
    return {
      proceed: false,
      findings: [inconclusive(probe, 'The authorization response carries neither code nor error.')],
    }
  return { proceed: true, findings: [] }
}

// ---------------------------------------------------------------------------------------------
// Token requests

interface Attempt {
  status: number
  body?: Record<string, unknown>
  error?: string
  /** Set when the request failed before an HTTP answer could be read. */
  failure?: Finding
}

/** A well-formed verifier (RFC 7636 §4.1) that is not `avoid`. */
function otherVerifier(avoid: string | undefined): string {
  let v = oauth.generateRandomCodeVerifier()
  while (v === avoid) v = oauth.generateRandomCodeVerifier()
  return v
}

/** The same redirect URI with one extra query parameter: never identical (RFC 6749 §4.1.3). */
export function mismatchedRedirectUri(redirectUri: string): string {
  try {
    const u = new URL(redirectUri)
    u.searchParams.append('probe', 'redirect-uri-mismatch')
    return u.href
  } catch {
    return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}probe=redirect-uri-mismatch`
  }
}

async function tokenRequest(
  snapshot: FlowSnapshot,
  validated: URLSearchParams,
  secret: string,
  recorder: Recorder,
  label: string,
  verifier: string | typeof oauth.nopkce,
  redirectUri: string,
): Promise<Attempt> {
  const md = snapshot.metadata
  if (!md?.token_endpoint) {
    return {
      status: 0,
      failure: missingEndpoint('token_endpoint', STEP),
    }
  }
  const as = asAuthorizationServer(md)
  const client: oauth.Client = { client_id: snapshot.config.client_id }
  recorder.label = label
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuthFor(snapshot.config.client_auth, secret),
      validated,
      redirectUri,
      verifier,
      {
        [oauth.customFetch]: recorder.fetch,
        [oauth.allowInsecureRequests]: insecureAllowed(md.token_endpoint, snapshot.config.allow_insecure_loopback),
        ...(snapshot.config.resource ? { additionalParameters: { resource: snapshot.config.resource } } : {}),
      },
    )
  } catch (err) {
    const f = failureFinding(err, exchangeSince(recorder, before), {
      step: STEP,
      operation: 'token',
      url: md.token_endpoint,
    })
    return { status: 0, failure: f }
  }
  const ex = exchangeSince(recorder, before)
  const body = parseJsonObject(ex?.response?.body)
  // Processed by oauth4webapi only to classify the answer; the verdict rests on status and error.
  let error = typeof body?.error === 'string' ? body.error : undefined
  try {
    await oauth.processAuthorizationCodeResponse(as, client, response, {
      ...(snapshot.authorization?.nonce ? { expectedNonce: snapshot.authorization.nonce } : {}),
    })
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError) error = err.error
  }
  return { status: response.status, ...(body ? { body } : {}), ...(error ? { error } : {}) }
}

/** The token endpoint issued tokens: it accepted the request. */
function accepted(a: Attempt): boolean {
  return a.status === 200
}

/** Rejected the way the spec says (400 with invalid_grant, or invalid_request). */
function rejectedProperly(a: Attempt): boolean {
  return a.status >= 400 && a.status < 500 && (a.error === 'invalid_grant' || a.error === 'invalid_request')
}

function attemptData(a: Attempt): NonNullable<Finding['data']> {
  return { status: a.status, error: a.error ? clip(a.error, 80) : null }
}

function notDecisive(probe: ProbeId, a: Attempt, what: string): Finding {
  if (a.failure) {
    return inconclusive(probe, `${what} got no readable answer: ${a.failure.title}. ${a.failure.detail}`, {
      failure: a.failure.id,
    })
  }
  return inconclusive(
    probe,
    `${what} was answered HTTP ${a.status}${a.error ? ` with error ${clip(a.error, 60)}` : ''}: neither a success nor the expected invalid_grant — for example client authentication failed (invalid_client) or the server had an internal error.`,
    attemptData(a),
  )
}

/** What a finding of a probe says, without its severity (decided by the answer) and data. */
type ProbeVerdict = { id: FindingId; title: string; detail: string; fix: string; spec: string }

/**
 * One decisive token request of a probe, judged: tokens issued (the server lacks the check: an error),
 * refused the way the spec says (the check is there: a note), or anything else (inconclusive).
 */
function judged(
  probe: ProbeId,
  a: Attempt,
  what: string,
  verdicts: { accepted: ProbeVerdict; rejected: ProbeVerdict },
  data: NonNullable<Finding['data']> = attemptData(a),
): ProbeOutcome {
  const finding = accepted(a)
    ? pf(verdicts.accepted.id, 'error', probe, { ...verdicts.accepted, data })
    : rejectedProperly(a)
      ? pf(verdicts.rejected.id, 'info', probe, { ...verdicts.rejected, data })
      : notDecisive(probe, a, what)
  return { accepted: accepted(a), status: a.status, findings: [finding] }
}

/**
 * Runs the token request(s) of a probe with the code of the probe's own authorization round trip.
 * `snapshot` must describe that authorization request: its pkce (the verifier and method actually
 * used; for verifier-without-challenge any verifier, or none) and authorization.nonce; config and
 * metadata as in the main flow. `validated` comes from oauth.validateAuthResponse of the probe's
 * callback. Never throws; the snapshot is not modified.
 */
export async function runProbeExchange(
  probe: ProbeId,
  snapshot: FlowSnapshot,
  validated: URLSearchParams,
  secret: string,
  recorder: Recorder,
): Promise<ProbeOutcome> {
  const findings: Finding[] = []
  const redirectUri = snapshot.config.redirect_uri
  const verifier = snapshot.pkce?.code_verifier
  const req = (label: string, v: string | typeof oauth.nopkce, uri = redirectUri) =>
    tokenRequest(snapshot, validated, secret, recorder, `Probe: ${label}`, v, uri)

  try {
    switch (probe) {
      case 'wrong-verifier': {
        if (!verifier)
          return { accepted: false, status: 0, findings: [inconclusive(probe, 'This flow has no PKCE verifier.')] }
        const a = await req('wrong code_verifier', otherVerifier(verifier))
        return judged(probe, a, 'The token request with a wrong code_verifier', {
          accepted: {
            id: 'pkce-not-enforced',
            title: 'PKCE is not enforced: a wrong code_verifier was accepted',
            detail:
              'The code was issued for an S256 code_challenge, and the token endpoint issued tokens (HTTP 200) for a DIFFERENT code_verifier. This proves the server does not verify PKCE: anyone who intercepts or steals the code (logs, Referer, a malicious app on the redirect URI) can redeem it, which is exactly what PKCE exists to prevent.',
            fix: 'Verify code_verifier against the stored code_challenge (BASE64URL(SHA-256(verifier)) for S256) and answer 400 invalid_grant when they differ.',
            spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1',
          },
          rejected: {
            id: 'pkce-enforced',
            title: 'A wrong code_verifier is rejected',
            detail: `The token endpoint answered HTTP ${a.status} ${a.error} to a valid code with a wrong code_verifier${a.error === 'invalid_grant' ? ', as RFC 7636 §4.6 prescribes' : ' (RFC 7636 §4.6 names invalid_grant)'}.`,
            fix: 'Nothing to fix.',
            spec: 'RFC 7636 §4.6',
          },
        })
      }

      case 'missing-verifier': {
        const a = await req('no code_verifier', oauth.nopkce)
        return judged(probe, a, 'The token request without code_verifier', {
          accepted: {
            id: 'pkce-downgrade-accepted',
            title: 'PKCE can be bypassed: a code bound to a challenge was redeemed without code_verifier',
            detail:
              'The code was issued for an S256 code_challenge, and the token endpoint issued tokens (HTTP 200) for a request that carried NO code_verifier. An attacker who steals the code simply leaves the verifier out: PKCE protects nothing on this server.',
            fix: 'When the code has a code_challenge, require code_verifier at the token endpoint and answer 400 invalid_grant when it is missing or wrong.',
            spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1, §4.8.2',
          },
          rejected: {
            id: 'pkce-downgrade-rejected',
            title: 'A missing code_verifier is rejected',
            detail: `The token endpoint answered HTTP ${a.status} ${a.error} to a code that was bound to a challenge but redeemed without code_verifier.`,
            fix: 'Nothing to fix.',
            spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1',
          },
        })
      }

      case 'verifier-without-challenge': {
        const a = await req('code_verifier without a challenge', verifier ?? otherVerifier(undefined))
        return judged(probe, a, 'The token request with a code_verifier but no prior challenge', {
          accepted: {
            id: 'verifier-without-challenge-accepted',
            title: 'PKCE downgrade possible: a code_verifier is accepted for a code issued without challenge',
            detail:
              "The code was issued for an authorization request WITHOUT code_challenge, and the token endpoint accepted a request carrying a code_verifier. An attacker who strips the challenge from a victim's authorization request gets a code the victim's client then redeems normally — the client believes it used PKCE, the server never checked it (the PKCE downgrade attack).",
            fix: 'Reject token requests that carry code_verifier when the authorization request had no code_challenge (400 invalid_grant), and require PKCE from public clients.',
            spec: 'RFC 9700 §2.1.1, §4.8.2',
          },
          rejected: {
            id: 'verifier-without-challenge-rejected',
            title: 'A code_verifier without a prior code_challenge is rejected',
            detail: `The token endpoint answered HTTP ${a.status} ${a.error}: it refuses a code_verifier for a code that was issued without code_challenge, which defeats the PKCE downgrade attack.`,
            fix: 'Nothing to fix.',
            spec: 'RFC 9700 §2.1.1, §4.8.2',
          },
        })
      }

      case 'redirect-uri-mismatch': {
        if (!verifier)
          return { accepted: false, status: 0, findings: [inconclusive(probe, 'This flow has no PKCE verifier.')] }
        const other = mismatchedRedirectUri(redirectUri)
        const a = await req('different redirect_uri', verifier, other)
        const data = { ...attemptData(a), sent: clip(other), expected: clip(redirectUri) }
        return judged(
          probe,
          a,
          'The token request with a different redirect_uri',
          {
            accepted: {
              id: 'redirect-uri-not-checked',
              title: 'redirect_uri is not checked at the token endpoint',
              detail: `The code was requested with redirect_uri ${clip(redirectUri)} and redeemed (HTTP 200) with ${clip(other)}. RFC 6749 §4.1.3 requires the token request's redirect_uri to be identical to the authorization request's; without this check a code leaked through a manipulated redirect URI can be redeemed.`,
              fix: 'Store the redirect_uri of the authorization request with the code and compare it exactly (string comparison) at the token endpoint; answer 400 invalid_grant on a difference.',
              spec: 'RFC 6749 §4.1.3, §10.6',
            },
            rejected: {
              id: 'redirect-uri-checked',
              title: 'A different redirect_uri at the token endpoint is rejected',
              detail: `The token endpoint answered HTTP ${a.status} ${a.error} when the redirect_uri differed from the authorization request's.`,
              fix: 'Nothing to fix.',
              spec: 'RFC 6749 §4.1.3',
            },
          },
          data,
        )
      }

      case 'code-replay': {
        if (!verifier)
          return { accepted: false, status: 0, findings: [inconclusive(probe, 'This flow has no PKCE verifier.')] }
        const first = await req('code replay, first (correct) redemption', verifier)
        if (!accepted(first)) {
          findings.push(notDecisive(probe, first, 'The first, correct redemption of the code'))
          return { accepted: false, status: first.status, findings }
        }
        const second = await req('code replay, same request again', verifier)
        if (accepted(second)) {
          findings.push(
            pf('code-replay-accepted', 'error', probe, {
              title: 'An authorization code can be redeemed twice',
              detail:
                'The same token request was answered HTTP 200 twice. Codes are single-use: RFC 6749 §4.1.2 says the server MUST deny a second use and SHOULD revoke the tokens already issued for that code. A code that leaked (logs, Referer, history) stays usable after the legitimate client redeemed it.',
              fix: 'Mark a code as used when it is redeemed; answer 400 invalid_grant to any later use and revoke the tokens issued from it.',
              spec: 'RFC 6749 §4.1.2, §10.5; RFC 9700 §4.5',
              data: attemptData(second),
            }),
          )
          return { accepted: true, status: second.status, findings }
        }
        if (!rejectedProperly(second)) {
          findings.push(notDecisive(probe, second, 'The replayed token request'))
          return { accepted: false, status: second.status, findings }
        }
        findings.push(
          pf('code-replay-rejected', 'info', probe, {
            title: 'A replayed authorization code is rejected',
            detail: `The first redemption succeeded; the identical second one was answered HTTP ${second.status} ${second.error}.`,
            fix: 'Nothing to fix.',
            spec: 'RFC 6749 §4.1.2',
            data: attemptData(second),
          }),
        )
        const revoked = await replayRevocation(snapshot, first.body, secret, recorder)
        if (revoked) findings.push(revoked)
        return { accepted: false, status: second.status, findings }
      }

      case 'plain-refused': {
        // Only reached when the server issued a code for a plain challenge (judgePlainCallback):
        // redeem it with the plain verifier, to see whether tokens are really issued.
        if (!verifier)
          return { accepted: false, status: 0, findings: [inconclusive(probe, 'This flow has no PKCE verifier.')] }
        const a = await req('redeem the code of a plain challenge', verifier)
        if (!accepted(a) && !rejectedProperly(a))
          findings.push(notDecisive(probe, a, 'Redeeming the code of the plain challenge'))
        return { accepted: accepted(a), status: a.status, findings }
      }
    }
  } catch (err) {
    // Defensive: the helpers above do not throw.
    findings.push(
      inconclusive(probe, `The probe failed unexpectedly: ${err instanceof Error ? err.message : String(err)}.`),
    )
  }
  return { accepted: false, status: 0, findings }
}

/**
 * After a replay was rejected: were the tokens of the first redemption revoked (RFC 6749 §4.1.2
 * SHOULD)? Asks the introspection endpoint about the refresh token (then the access token), when
 * the server has one and answers this client. Returns undefined when it cannot be known.
 */
async function replayRevocation(
  snapshot: FlowSnapshot,
  body: Record<string, unknown> | undefined,
  secret: string,
  recorder: Recorder,
): Promise<Finding | undefined> {
  const probe: ProbeId = 'code-replay'
  if (!snapshot.metadata?.introspection_endpoint || !body) return undefined
  const candidates: Array<['refresh_token' | 'access_token', unknown]> = [
    ['refresh_token', body.refresh_token],
    ['access_token', body.access_token],
  ]
  for (const [hint, token] of candidates) {
    if (typeof token !== 'string' || !token) continue
    const r = await introspect(snapshot, token, secret, recorder, hint)
    if (r.active === false) {
      return pf('code-replay-tokens-revoked', 'info', probe, {
        title: 'The tokens issued for the replayed code were revoked',
        detail: `After the replay, introspection reports the ${hint} of the first redemption as inactive: the server revoked the grant, as RFC 6749 §4.1.2 recommends (an attacker who won the race loses the tokens too).`,
        fix: 'Nothing to fix.',
        spec: 'RFC 6749 §4.1.2; RFC 9700 §4.5',
        data: { checked: hint },
      })
    }
    if (r.active === true) {
      return pf('code-replay-tokens-not-revoked', 'info', probe, {
        title: 'The tokens issued for the replayed code are still active',
        detail: `The replay was rejected, but introspection still reports the ${hint} of the first redemption as active. RFC 6749 §4.1.2 says the server SHOULD revoke (when possible) all tokens previously issued for a code that is used twice, since one of the two users was probably an attacker.`,
        fix: 'On a second use of a code, revoke the tokens (the grant) issued from it.',
        spec: 'RFC 6749 §4.1.2; RFC 9700 §4.5',
        data: { checked: hint },
      })
    }
  }
  return undefined
}

/**
 * The PAR probe: an authorization request without code_challenge (and method), pushed to the PAR
 * endpoint. A server that requires PKCE (it advertises S256, or this is a public client) must
 * refuse it there (RFC 9126 §2.1); a 201 with a request_uri is the defect. No code is spent.
 */
export async function runParWithoutPkce(
  snapshot: FlowSnapshot,
  params: ReadonlyArray<readonly [string, string]>,
  secret: string,
  recorder: Recorder,
): Promise<ProbeOutcome> {
  const probe: ProbeId = 'par-without-pkce'
  const without = params.filter(([k]) => k !== 'code_challenge' && k !== 'code_challenge_method')
  recorder.label = 'Probe: pushed authorization request without code_challenge'
  const pushed = await pushAuthorizationRequest(snapshot, without, secret, recorder)
  const body = parseJsonObject(recorder.exchanges.at(-1)?.response?.body)
  const error = typeof body?.error === 'string' ? body.error : undefined
  const pkceRequired =
    snapshot.config.client_auth === 'none' || (advertisedMethods(snapshot.metadata)?.includes('S256') ?? false)
  const defect = judgeParWithoutPkce({ status: pushed.status, ...(error ? { error } : {}), pkceRequired }, STEP)
  if (defect)
    return { accepted: true, status: pushed.status, findings: [{ ...defect, data: { ...defect.data, probe } }] }
  if (pushed.status >= 400 && pushed.status < 500 && error) {
    return {
      accepted: false,
      status: pushed.status,
      findings: [
        pf('par-pkce-enforced', 'info', probe, {
          title: 'The PAR endpoint refuses a pushed request without code_challenge',
          detail: `HTTP ${pushed.status} with error "${clip(error, 60)}": the PAR endpoint validates PKCE before it issues a request_uri, as RFC 9126 §2.1 asks.`,
          fix: 'Nothing to fix.',
          spec: 'RFC 9126 §2.1; RFC 9700 §2.1.1',
          data: { status: pushed.status },
        }),
      ],
    }
  }
  if (pushed.status === 201 && !pkceRequired) {
    return {
      accepted: false,
      status: pushed.status,
      findings: [
        inconclusive(
          probe,
          'The server accepted the pushed request, but it does not say it requires PKCE (no S256 advertised, and this is a confidential client).',
        ),
      ],
    }
  }
  return {
    accepted: false,
    status: pushed.status,
    findings: [
      inconclusive(
        probe,
        pushed.status === 0
          ? 'The PAR endpoint could not be read from this page (see the exchange: CORS or network).'
          : `The PAR endpoint answered HTTP ${pushed.status}${error ? ` (${clip(error, 60)})` : ''}, which is neither an acceptance nor a PKCE refusal.`,
        { status: pushed.status },
      ),
    ],
  }
}
