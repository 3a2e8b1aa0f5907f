/**
 * After the token: refresh (RFC 6749 §6, OIDC Core §12), UserInfo (OIDC Core §5.3), introspection
 * (RFC 7662), revocation (RFC 7009) and a call to any protected resource (RFC 6750). Every protocol
 * step goes through oauth4webapi with the recorder as its customFetch, so the raw exchange is kept
 * before the library processes it. No function here throws: every failure becomes a finding.
 * @see https://www.rfc-editor.org/rfc/rfc6749.html#section-6
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokens
 * @see https://www.rfc-editor.org/rfc/rfc7662.html
 * @see https://www.rfc-editor.org/rfc/rfc7009.html
 * @see https://www.rfc-editor.org/rfc/rfc6750.html#section-3
 */
import * as oauth from 'oauth4webapi'
import type { Finding, FindingId, FlowSnapshot, HttpExchange, Severity, SideStepId, StepRef } from '../model/types'
import type { Recorder } from '../platform/recorder'
import { asAuthorizationServer, clientAuthFor, insecureAllowed, readChallenges, type Challenge } from '../platform/o4w'
import { clip, parseJsonObject } from '../platform/text'

export type { Challenge }
import { explainError, type ExplainContext } from '../diagnosis/explain'
import { finding } from '../diagnosis/finding'
import { isLoopbackHost } from '../platform/network'
import { decodeToken } from '../platform/jwt-decode'
import { fetchJwks, inspectTokens, type JwksOutcome, type TokenView } from './token-inspection'
import { lintTokenResponse } from '../diagnosis/lint'

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by probes.ts)

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

function missingEndpoint(
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

function oauthClient(snapshot: FlowSnapshot): oauth.Client {
  return { client_id: snapshot.config.client_id }
}

/** Is the body an OAuth error response (RFC 6749 §5.2)? Returns its error code. */
function errorCode(body: Record<string, unknown> | undefined): string | undefined {
  return typeof body?.error === 'string' && body.error ? body.error : undefined
}

function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string')
  return []
}

function sameAudience(a: unknown, b: unknown): boolean {
  const x = [...new Set(audiences(a))].sort()
  const y = [...new Set(audiences(b))].sort()
  return x.length === y.length && x.every((v, i) => v === y[i])
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)'
  try {
    return clip(JSON.stringify(v) ?? String(v), 200)
  } catch {
    return clip(String(v), 200)
  }
}

// ---------------------------------------------------------------------------------------------
// WWW-Authenticate

/**
 * A 401 whose WWW-Authenticate header the page cannot read: cross-origin, the header may exist but
 * is not in Access-Control-Expose-Headers; same-origin ("basic" response), it really is missing.
 */
function hiddenChallengeFinding(step: StepRef, endpoint: string, ex: HttpExchange | undefined): Finding | undefined {
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

function challengeData(challenges: Challenge[], status: number): NonNullable<Finding['data']> {
  const bearer = challenges.find((c) => c.scheme === 'bearer' || c.scheme === 'dpop') ?? challenges[0]
  const p = bearer?.parameters ?? {}
  const out: NonNullable<Finding['data']> = { status, scheme: challenges.map((c) => c.scheme).join(', ') }
  for (const k of ['error', 'error_description', 'scope', 'realm', 'resource_metadata', 'error_uri'] as const) {
    const v = p[k]
    if (v !== undefined) out[k] = clip(v)
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Refresh

export interface RefreshOutcome {
  /** HTTP status, 0 when the browser could not read the response. */
  status: number
  /** The parsed JSON body exactly as sent (never merged into state). */
  body?: Record<string, unknown>
  /** oauth4webapi accepted the response. */
  processed: boolean
  /** A new refresh token different from the one sent; 'unknown' when the refresh failed. */
  rotated: boolean | 'unknown'
  /** The new tokens, decoded and checked (when the response carried any). */
  views?: TokenView[]
  findings: Finding[]
}

export interface RefreshOptions {
  /** The JWKS to verify new JWTs with; fetched through the recorder when absent. */
  jwks?: JwksOutcome
  /** Seconds since the epoch (tests). */
  now?: number
}

/**
 * The refresh_token grant (RFC 6749 §6): the request, rotation (RFC 9700 §4.14.2), the new tokens
 * decoded and verified, and OIDC Core §12.2 for a refreshed ID Token (same iss, sub, aud as the
 * original one in `snapshot.token.body.id_token`; no nonce). Step id "refresh". Never throws.
 */
export async function refreshTokens(
  snapshot: FlowSnapshot,
  refreshToken: string,
  secret: string,
  recorder: Recorder,
  options: RefreshOptions = {},
): Promise<RefreshOutcome> {
  const step: SideStepId = 'refresh'
  const findings: Finding[] = []
  const md = snapshot.metadata
  if (!md?.token_endpoint) {
    return {
      status: 0,
      processed: false,
      rotated: 'unknown',
      findings: [
        missingEndpoint(
          'refresh-endpoint-missing',
          'info',
          step,
          'token_endpoint',
          'no token can be refreshed',
          'RFC 8414 §2',
        ),
      ],
    }
  }
  const as = asAuthorizationServer(md)
  const client = oauthClient(snapshot)
  const confidential = snapshot.config.client_auth !== 'none'
  recorder.label = 'Refresh (refresh_token grant)'
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuthFor(snapshot.config.client_auth, secret),
      refreshToken,
      {
        [oauth.customFetch]: recorder.fetch,
        [oauth.allowInsecureRequests]: insecureAllowed(md.token_endpoint, snapshot.config.allow_insecure_loopback),
        ...(snapshot.config.resource ? { additionalParameters: { resource: snapshot.config.resource } } : {}),
      },
    )
  } catch (err) {
    findings.push(
      failureFinding(err, exchangeSince(recorder, before), { step, operation: 'refresh', url: md.token_endpoint }),
    )
    return { status: 0, processed: false, rotated: 'unknown', findings }
  }
  const ex = exchangeSince(recorder, before)
  const body = parseJsonObject(ex?.response?.body)
  if (ex?.response) {
    findings.push(
      ...lintTokenResponse(ex.response, { step, openid: false, clientAuth: snapshot.config.client_auth }).filter(
        (f) => f.id !== 'token-request-rejected',
      ),
    )
  }
  let processed = false
  try {
    await oauth.processRefreshTokenResponse(as, client, response)
    processed = true
  } catch (err) {
    const f = explainError(err, { step, operation: 'refresh', url: md.token_endpoint })
    if (response.status >= 400) {
      f.id = 'refresh-rejected'
      const code = errorCode(body)
      f.data = { ...(f.data ?? {}), status: response.status, error: code ?? null }
      if (code === 'invalid_grant') {
        f.detail +=
          ' For a refresh this usually means the refresh token expired, was revoked, was already used once (rotation: the previous refresh token is invalid as soon as a new one is issued), or the grant was revoked after a replayed authorization code.'
      }
    }
    findings.push(f)
  }
  if (response.status !== 200 || !body) {
    return { status: response.status, ...(body ? { body } : {}), processed, rotated: 'unknown', findings }
  }

  // Rotation (RFC 6749 §6: the server MAY issue a new refresh token; RFC 9700 §4.14.2).
  const newRefresh = typeof body.refresh_token === 'string' ? body.refresh_token : undefined
  const rotated = newRefresh !== undefined && newRefresh !== refreshToken
  if (rotated) {
    findings.push(
      finding('refresh-token-rotated', 'info', step, {
        title: 'The refresh token was rotated',
        detail:
          'The response carries a new refresh token. The client must store it and drop the old one: a server that rotates normally invalidates the previous refresh token, and may revoke the whole grant if the old one is ever used again (reuse detection).',
        fix: 'Nothing to fix.',
        spec: 'RFC 6749 §6; RFC 9700 §4.14.2; draft-ietf-oauth-browser-based-apps §6.3.2.3',
        data: { rotated: true },
      }),
    )
  } else {
    findings.push(
      finding('refresh-token-not-rotated', confidential ? 'info' : 'warning', step, {
        title:
          newRefresh === undefined
            ? 'No new refresh token: the old one stays in use'
            : 'The same refresh token came back (not rotated)',
        detail: confidential
          ? 'The server did not rotate the refresh token. For a confidential client that is allowed: the refresh token is bound to the client credentials.'
          : 'The server did not rotate the refresh token of this public client. A refresh token held by a browser app can be stolen (XSS, storage); RFC 9700 §4.14.2 and the browser-based-apps BCP require public-client refresh tokens to be either sender-constrained (DPoP) or rotated on every use, so that reuse of a stolen one is detected. Without either, a stolen refresh token works until it expires.',
        fix: confidential
          ? 'Nothing required. Consider rotation anyway if the refresh token lives long.'
          : 'Rotate refresh tokens of public clients on every use (and revoke the grant when an old one is reused), or bind them to a DPoP key.',
        spec: 'RFC 9700 §4.14.2; draft-ietf-oauth-browser-based-apps §6.3.2.3; RFC 6749 §6',
        data: { rotated: false, newRefreshToken: newRefresh !== undefined, clientAuth: snapshot.config.client_auth },
      }),
    )
  }

  // §12.2: a refreshed ID Token keeps iss, sub, aud (and azp, auth_time) of the original one.
  const newIdRaw = typeof body.id_token === 'string' ? body.id_token : undefined
  const oldIdRaw = typeof snapshot.token?.body?.id_token === 'string' ? snapshot.token.body.id_token : undefined
  let nonceOfNew: unknown
  if (newIdRaw) {
    const nu = decodeToken(newIdRaw)
    const old = oldIdRaw ? decodeToken(oldIdRaw) : undefined
    if (nu.format === 'jwt') {
      nonceOfNew = nu.payload.nonce
      if (old?.format === 'jwt') {
        const changed: string[] = []
        for (const claim of ['iss', 'sub'] as const) {
          if (nu.payload[claim] !== old.payload[claim]) changed.push(claim)
        }
        if (!sameAudience(nu.payload.aud, old.payload.aud)) changed.push('aud')
        if ((nu.payload.azp !== undefined || old.payload.azp !== undefined) && nu.payload.azp !== old.payload.azp)
          changed.push('azp')
        if (
          nu.payload.auth_time !== undefined &&
          old.payload.auth_time !== undefined &&
          nu.payload.auth_time !== old.payload.auth_time
        ) {
          changed.push('auth_time')
        }
        if (changed.length) {
          findings.push(
            finding('refresh-id-token-claims-changed', 'error', step, {
              title: `The refreshed ID Token changed ${changed.join(', ')}`,
              detail: `OpenID Connect Core §12.2: an ID Token returned by a refresh MUST have the same iss, sub and aud (and azp) as the ID Token of the original authentication, and auth_time MUST still be the time of the original authentication. Changed: ${changed
                .map((c) => `${c} ${show(old.payload[c])} → ${show(nu.payload[c])}`)
                .join('; ')}. A client must reject it: it may describe another user or session.`,
              fix: 'Copy iss, sub, aud, azp and auth_time of the original ID Token into refreshed ID Tokens; only iat, exp (and at_hash) change.',
              spec: 'OpenID Connect Core 1.0 §12.2',
              data: { changed },
            }),
          )
        } else {
          findings.push(
            finding('refresh-id-token-consistent', 'info', step, {
              title: 'The refreshed ID Token keeps iss, sub and aud',
              detail:
                'The new ID Token has the same iss, sub and aud (and azp/auth_time where present) as the original one, as OpenID Connect Core §12.2 requires.',
              fix: 'Nothing to fix.',
              spec: 'OpenID Connect Core 1.0 §12.2',
            }),
          )
        }
      }
      if (nonceOfNew !== undefined) {
        const oldNonce = old?.format === 'jwt' ? old.payload.nonce : undefined
        const same = oldNonce !== undefined && nonceOfNew === oldNonce
        findings.push(
          finding('refresh-id-token-nonce', same ? 'info' : 'warning', step, {
            title: same
              ? 'The refreshed ID Token repeats the original nonce'
              : 'The refreshed ID Token carries a nonce that was not sent',
            detail: same
              ? 'A refreshed ID Token SHOULD NOT contain a nonce (OpenID Connect Core §12.2); this one repeats the nonce of the original login. Clients that check the nonce against the current request (there is none for a refresh) may reject it.'
              : `The refreshed ID Token has nonce ${show(nonceOfNew)}, which is not the nonce of the original login. A refresh request has no nonce, so a refreshed ID Token SHOULD NOT carry one.`,
            fix: 'Leave nonce out of ID Tokens issued by the refresh_token grant.',
            spec: 'OpenID Connect Core 1.0 §12.2',
            data: { nonce: show(nonceOfNew), sameAsOriginal: same },
          }),
        )
      }
    }
  }

  // The new tokens decoded and verified like the first ones (no nonce is expected on a refresh).
  let views: TokenView[] | undefined
  try {
    const jwks = options.jwks ?? (await fetchJwks(md.jwks_uri, recorder))
    if (!options.jwks) findings.push(...jwks.findings.map((f) => ({ ...f, step })))
    const noNonce: FlowSnapshot = snapshot.authorization
      ? { ...snapshot, authorization: { ...snapshot.authorization, nonce: undefined } }
      : snapshot
    const inspected = await inspectTokens(noNonce, body, jwks, options.now)
    views = inspected.views
    findings.push(...inspected.findings.filter((f) => f.id !== 'jwt-nonce-unexpected').map((f) => ({ ...f, step })))
  } catch (err) {
    findings.push(explainError(err, { step, operation: 'id-token' }))
  }

  return { status: response.status, body, processed, rotated, ...(views ? { views } : {}), findings }
}

// ---------------------------------------------------------------------------------------------
// UserInfo

export interface UserInfoOutcome {
  status: number
  /** The claims as returned (JSON), when the response was readable JSON. */
  claims?: Record<string, unknown>
  /** sub compared with the ID Token's: true/false, or 'not-checked' (no ID Token sub, or failure). */
  subMatches: boolean | 'not-checked'
  /** Parsed WWW-Authenticate challenges, when readable. */
  challenges?: Challenge[]
  findings: Finding[]
}

/**
 * GET userinfo with the access token (OIDC Core §5.3). `expectedSub` is the ID Token's sub; without
 * it the subject check is skipped. Step id "userinfo". Never throws.
 */
export async function userInfo(
  snapshot: FlowSnapshot,
  accessToken: string,
  expectedSub: string | undefined,
  recorder: Recorder,
): Promise<UserInfoOutcome> {
  const step = 'userinfo'
  const findings: Finding[] = []
  const md = snapshot.metadata
  const endpoint = md?.userinfo_endpoint || snapshot.config.userinfo_endpoint
  if (!md || !endpoint) {
    return {
      status: 0,
      subMatches: 'not-checked',
      findings: [
        missingEndpoint(
          'userinfo-endpoint-missing',
          'info',
          step,
          'userinfo_endpoint',
          'UserInfo',
          'OpenID Connect Discovery 1.0 §3',
        ),
      ],
    }
  }
  const as = { ...asAuthorizationServer(md), userinfo_endpoint: endpoint }
  const client = oauthClient(snapshot)
  recorder.label = 'UserInfo (OpenID Connect Core §5.3)'
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.userInfoRequest(as, client, accessToken, {
      [oauth.customFetch]: recorder.fetch,
      [oauth.allowInsecureRequests]: insecureAllowed(endpoint, snapshot.config.allow_insecure_loopback),
    })
  } catch (err) {
    findings.push(failureFinding(err, exchangeSince(recorder, before), { step, operation: 'userinfo', url: endpoint }))
    return { status: 0, subMatches: 'not-checked', findings }
  }
  const ex = exchangeSince(recorder, before)
  const json = parseJsonObject(ex?.response?.body)
  try {
    const claims = await oauth.processUserInfoResponse(as, client, expectedSub ?? oauth.skipSubjectCheck, response)
    const out: UserInfoOutcome = {
      status: response.status,
      claims: json ?? { ...claims },
      subMatches: expectedSub === undefined ? 'not-checked' : true,
      findings,
    }
    if (expectedSub === undefined) {
      findings.push(
        finding('userinfo-sub-not-compared', 'info', step, {
          title: 'UserInfo sub not compared (no ID Token)',
          detail: `UserInfo returned sub ${show(claims.sub)}, but there is no ID Token sub to compare it with. A client must only use UserInfo claims after checking that sub equals the ID Token's sub.`,
          fix: 'Request the openid scope so that an ID Token is issued.',
          spec: 'OpenID Connect Core 1.0 §5.3.2',
        }),
      )
    }
    return out
  } catch (err) {
    const challenges = readChallenges(err)
    const f = explainError(err, { step, operation: 'userinfo', url: endpoint })
    if (challenges.length || response.status === 401 || response.status === 403) {
      const hidden = hiddenChallengeFinding(step, 'UserInfo endpoint', ex)
      if (hidden) findings.push(hidden)
      findings.push(userInfoRejected(accessToken, response.status, challenges, snapshot, endpoint))
    } else {
      findings.push(f)
    }
    const mismatch = f.id === 'userinfo-sub-mismatch'
    return {
      status: response.status,
      ...(json && response.status === 200 ? { claims: json } : {}),
      subMatches: mismatch ? false : 'not-checked',
      ...(challenges.length ? { challenges } : {}),
      findings,
    }
  }
}

function userInfoRejected(
  accessToken: string,
  status: number,
  challenges: Challenge[],
  snapshot: FlowSnapshot,
  endpoint: string,
): Finding {
  const d = challenges.length ? challengeData(challenges, status) : { status }
  const decoded = decodeToken(accessToken)
  const issuer = snapshot.metadata?.issuer ?? snapshot.config.issuer
  let hint = ''
  let severity: Severity = 'warning'
  if (decoded.format === 'jwt') {
    const aud = audiences(decoded.payload.aud)
    const forUserInfo = aud.some((a) => a === issuer || a === endpoint || a === snapshot.config.client_id)
    if (aud.length && !forUserInfo) {
      severity = 'info'
      hint = ` The access token is a JWT whose audience is ${show(decoded.payload.aud)} — a resource server (RFC 8707 resource indicator), not the UserInfo endpoint. Many servers (oidc-provider among them) only accept at UserInfo an access token issued for UserInfo itself, i.e. one requested without a resource parameter; an audience-restricted token being refused elsewhere is correct behaviour (RFC 9068 §4, RFC 8707 §2).`
      d.aud = aud.map((a) => clip(a, 200))
    }
  }
  const error = typeof d.error === 'string' ? d.error : undefined
  return finding('userinfo-token-rejected', severity, 'userinfo', {
    title: `UserInfo refused the access token (HTTP ${status}${error ? `, ${error}` : ''})`,
    detail: `The UserInfo endpoint answered ${status}${
      challenges.length
        ? ` with WWW-Authenticate ${show(
            challenges
              .map(
                (c) =>
                  `${c.scheme} ${Object.entries(c.parameters)
                    .map(([k, v]) => `${k}="${v}"`)
                    .join(', ')}`,
              )
              .join('; '),
          )}`
        : ' and no readable challenge'
    }.${hint}`,
    fix: hint
      ? 'To test UserInfo, run the flow without a resource (and make the server issue a UserInfo-capable access token when no resource is requested). Otherwise nothing to fix.'
      : 'Accept at UserInfo the access tokens issued with the openid scope (OpenID Connect Core §5.3.1), or document which token it expects.',
    spec: 'OpenID Connect Core 1.0 §5.3.1, §5.3.3; RFC 6750 §3.1',
    data: d,
  })
}

// ---------------------------------------------------------------------------------------------
// Introspection

export interface IntrospectionOutcome {
  status: number
  /** The introspection response as sent (RFC 7662 §2.2). */
  body?: Record<string, unknown>
  /** `active`, or undefined when the request failed. */
  active?: boolean
  findings: Finding[]
}

function clientAuthRejected(
  kind: 'introspection' | 'revocation',
  snapshot: FlowSnapshot,
  status: number,
  error: string | undefined,
): Finding {
  const publicClient = snapshot.config.client_auth === 'none'
  const what = kind === 'introspection' ? 'introspect tokens' : 'revoke its tokens'
  if (kind === 'introspection') {
    return finding('introspection-requires-client-auth', publicClient ? 'info' : 'warning', kind, {
      title: publicClient
        ? 'The introspection endpoint requires client authentication (a public client cannot use it)'
        : 'The introspection endpoint refused this client’s authentication',
      detail: publicClient
        ? `HTTP ${status}${error ? ` ${error}` : ''}: RFC 7662 §2.1 requires the caller to be authorized to introspect (client credentials or a separate token). Introspection is meant for resource servers; a public browser client usually cannot ${what}, and that is not a server defect.`
        : `HTTP ${status}${error ? ` ${error}` : ''} although the client authenticated with ${snapshot.config.client_auth}. The client may not be allowed to introspect, or the secret/method is wrong.`,
      fix: publicClient
        ? 'Nothing to fix for a browser client. To try introspection, use a confidential client (with its secret) or the resource server’s credentials.'
        : 'Check the client secret and the authentication method registered for introspection (introspection_endpoint_auth_method).',
      spec: 'RFC 7662 §2.1, §2.3',
      data: { status, error: error ?? null, clientAuth: snapshot.config.client_auth },
    })
  }
  return finding('revocation-requires-client-auth', 'warning', kind, {
    title: publicClient
      ? 'The revocation endpoint refused the public client'
      : 'The revocation endpoint refused this client’s authentication',
    detail: publicClient
      ? `HTTP ${status}${error ? ` ${error}` : ''}: a public client identifies itself with client_id only (RFC 7009 §2.1 with RFC 6749 §2.3, §3.2.1). If the server demands a secret, a browser app cannot ${what} at logout, and the browser-based-apps BCP says servers MUST NOT require shared-secret authentication from browser apps.`
      : `HTTP ${status}${error ? ` ${error}` : ''} although the client authenticated with ${snapshot.config.client_auth}. Check the secret and the method registered for revocation.`,
    fix: publicClient
      ? 'Let public clients revoke their own tokens with client_id only.'
      : 'Check the client secret and the authentication method registered for revocation (revocation_endpoint_auth_method).',
    spec: 'RFC 7009 §2.1; draft-ietf-oauth-browser-based-apps §6.3.3.1',
    data: { status, error: error ?? null, clientAuth: snapshot.config.client_auth },
  })
}

/**
 * Token introspection (RFC 7662) with the configured client authentication. Step id
 * "introspection". Never throws.
 */
export async function introspect(
  snapshot: FlowSnapshot,
  token: string,
  secret: string,
  recorder: Recorder,
  hint?: 'access_token' | 'refresh_token',
): Promise<IntrospectionOutcome> {
  const step = 'introspection'
  const findings: Finding[] = []
  const md = snapshot.metadata
  if (!md?.introspection_endpoint) {
    return {
      status: 0,
      findings: [
        missingEndpoint(
          'introspection-endpoint-missing',
          'info',
          step,
          'introspection_endpoint',
          'token introspection',
          'RFC 8414 §2; RFC 7662 §4',
        ),
      ],
    }
  }
  const as = asAuthorizationServer(md)
  const client = oauthClient(snapshot)
  recorder.label = 'Token introspection (RFC 7662)'
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.introspectionRequest(as, client, clientAuthFor(snapshot.config.client_auth, secret), token, {
      [oauth.customFetch]: recorder.fetch,
      [oauth.allowInsecureRequests]: insecureAllowed(
        md.introspection_endpoint,
        snapshot.config.allow_insecure_loopback,
      ),
      ...(hint ? { additionalParameters: { token_type_hint: hint } } : {}),
    })
  } catch (err) {
    findings.push(
      failureFinding(err, exchangeSince(recorder, before), {
        step,
        operation: 'introspection',
        url: md.introspection_endpoint,
      }),
    )
    return { status: 0, findings }
  }
  const ex = exchangeSince(recorder, before)
  const body = parseJsonObject(ex?.response?.body)
  try {
    const result = await oauth.processIntrospectionResponse(as, client, response)
    const active = result.active
    const d: NonNullable<Finding['data']> = { active }
    for (const k of ['client_id', 'scope', 'token_type', 'sub', 'iss'] as const) {
      const v = result[k]
      if (typeof v === 'string') d[k] = clip(v, 200)
    }
    if (typeof result.exp === 'number') d.exp = result.exp
    if (result.aud !== undefined) d.aud = audiences(result.aud).map((a) => clip(a, 200))
    findings.push(
      active
        ? finding('introspection-active', 'info', step, {
            title: 'Introspection: the token is active',
            detail: `The server says the token is active${typeof result.scope === 'string' ? ` with scope "${clip(result.scope, 120)}"` : ''}${typeof result.client_id === 'string' ? ` for client ${clip(result.client_id, 80)}` : ''}.`,
            fix: 'Nothing to fix.',
            spec: 'RFC 7662 §2.2',
            data: d,
          })
        : finding('introspection-inactive', 'info', step, {
            title: 'Introspection: the token is not active',
            detail:
              'The server answered {"active": false}. The token expired, was revoked, was never issued by this server — or this client is not allowed to learn anything about it: RFC 7662 §2.2 lets a server answer active=false rather than reveal why (some servers do so for tokens of other clients, or for token formats they do not introspect).',
            fix: 'Nothing to fix if the token was revoked or expired.',
            spec: 'RFC 7662 §2.2, §4',
            data: d,
          }),
    )
    return { status: response.status, ...(body ? { body } : {}), active, findings }
  } catch (err) {
    const code = errorCode(body)
    const challenged = err instanceof oauth.WWWAuthenticateChallengeError
    if (code === 'invalid_client' || response.status === 401 || (challenged && response.status >= 400)) {
      findings.push(clientAuthRejected('introspection', snapshot, response.status, code))
    } else if (code === 'unsupported_token_type') {
      const description = typeof body?.error_description === 'string' ? body.error_description : undefined
      findings.push(
        finding('introspection-unsupported-token-type', 'info', step, {
          title: 'The server does not introspect this type of token',
          detail: `HTTP ${response.status} unsupported_token_type${description ? ` ("${clip(description, 200)}")` : ''}: the server will not introspect ${hint ?? 'this token'} — typically a self-contained JWT access token, which a resource server validates locally (RFC 9068 §4). RFC 7662 §2.2 would rather have the server answer {"active": false}, but RFC 7009's unsupported_token_type is a common answer.`,
          fix: 'Nothing required. Introspect the refresh token instead, or validate the JWT access token locally.',
          spec: 'RFC 7662 §2.2, §2.3; RFC 7009 §2.2.1',
          data: { status: response.status, error: code, hint: hint ?? null },
        }),
      )
    } else {
      findings.push(explainError(err, { step, operation: 'introspection', url: md.introspection_endpoint }))
    }
    return { status: response.status, ...(body ? { body } : {}), findings }
  }
}

// ---------------------------------------------------------------------------------------------
// Revocation

export interface RevocationOutcome {
  status: number
  /** The server answered 200 (which RFC 7009 §2.2 also requires for unknown or invalid tokens). */
  revoked: boolean
  findings: Finding[]
}

/**
 * Token revocation (RFC 7009) with the configured client authentication. Step id "revocation".
 * A 200 does not prove the token existed: servers answer 200 for invalid tokens too. Never throws.
 */
export async function revoke(
  snapshot: FlowSnapshot,
  token: string,
  hint: 'access_token' | 'refresh_token' | undefined,
  secret: string,
  recorder: Recorder,
): Promise<RevocationOutcome> {
  const step = 'revocation'
  const findings: Finding[] = []
  const md = snapshot.metadata
  if (!md?.revocation_endpoint) {
    return {
      status: 0,
      revoked: false,
      findings: [
        missingEndpoint(
          'revocation-endpoint-missing',
          'info',
          step,
          'revocation_endpoint',
          'token revocation',
          'RFC 8414 §2; RFC 7009 §2',
        ),
      ],
    }
  }
  const as = asAuthorizationServer(md)
  const client = oauthClient(snapshot)
  recorder.label = `Token revocation (RFC 7009)${hint ? `: ${hint}` : ''}`
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.revocationRequest(as, client, clientAuthFor(snapshot.config.client_auth, secret), token, {
      [oauth.customFetch]: recorder.fetch,
      [oauth.allowInsecureRequests]: insecureAllowed(md.revocation_endpoint, snapshot.config.allow_insecure_loopback),
      ...(hint ? { additionalParameters: { token_type_hint: hint } } : {}),
    })
  } catch (err) {
    findings.push(
      failureFinding(err, exchangeSince(recorder, before), {
        step,
        operation: 'revocation',
        url: md.revocation_endpoint,
      }),
    )
    return { status: 0, revoked: false, findings }
  }
  const ex = exchangeSince(recorder, before)
  const body = parseJsonObject(ex?.response?.body)
  try {
    await oauth.processRevocationResponse(response)
    findings.push(
      finding('revocation-ok', 'info', step, {
        title: 'Revocation answered 200',
        detail: `The server accepted the revocation request${hint ? ` (token_type_hint ${hint})` : ''}. RFC 7009 §2.2 requires 200 also when the token was invalid or unknown, so this confirms the request, not that the token existed; introspect the token (or try to use it) to see the effect.`,
        fix: 'Nothing to fix.',
        spec: 'RFC 7009 §2.2',
        data: { status: response.status, hint: hint ?? null },
      }),
    )
    return { status: response.status, revoked: true, findings }
  } catch (err) {
    const code = errorCode(body)
    if (code === 'invalid_client' || response.status === 401) {
      findings.push(clientAuthRejected('revocation', snapshot, response.status, code))
    } else if (code === 'unsupported_token_type') {
      findings.push(
        finding('revocation-unsupported-token-type', 'info', step, {
          title: 'The server does not revoke this type of token',
          detail: `HTTP ${response.status} unsupported_token_type: the server cannot revoke ${hint ?? 'this token'} (typically self-contained JWT access tokens, which stay valid until they expire). That is allowed by RFC 7009 §2.2.1.`,
          fix: 'Nothing required; keep such access tokens short-lived, and revoke the refresh token instead.',
          spec: 'RFC 7009 §2.2.1',
          data: { status: response.status, error: code, hint: hint ?? null },
        }),
      )
    } else if (code === 'invalid_token' || code === 'invalid_grant') {
      findings.push(
        finding('revocation-invalid-token-error', 'warning', step, {
          title: `Revocation answered ${code} instead of 200`,
          detail: `HTTP ${response.status} ${code}. RFC 7009 §2.2: "invalid tokens do not cause an error response", because the client could not do anything about it; the server must answer 200 for a token that is unknown, expired or already revoked.`,
          fix: 'Answer 200 for tokens that are invalid, unknown, expired or already revoked.',
          spec: 'RFC 7009 §2.2',
          data: { status: response.status, error: code },
        }),
      )
    } else {
      findings.push(explainError(err, { step, operation: 'revocation', url: md.revocation_endpoint }))
    }
    return { status: response.status, revoked: false, findings }
  }
}

// ---------------------------------------------------------------------------------------------
// Protected resource

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
    })
  } catch (err) {
    const ex = exchangeSince(recorder, before)
    if (err instanceof oauth.WWWAuthenticateChallengeError) {
      const challenges = readChallenges(err)
      const status = err.status
      const d = challengeData(challenges, status)
      if (status === 403 && d.error === 'insufficient_scope') {
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
