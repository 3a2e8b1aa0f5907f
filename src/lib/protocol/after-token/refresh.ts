// The refresh token grant (RFC 6749 §6; OpenID Connect Core 1.0 §12).
import * as oauth from 'oauth4webapi'
import type { Finding, FlowSnapshot, SideStepId } from '../../model/types'
import type { Recorder } from '../../platform/recorder'
import { asAuthorizationServer, clientAuthFor, insecureAllowed } from '../../platform/o4w'
import { parseJsonObject } from '../../platform/text'
import { explainError } from '../../diagnosis/explain'
import { finding } from '../../diagnosis/finding'
import { decodeToken } from '../../platform/jwt-decode'
import { fetchJwks, inspectTokens, type JwksOutcome, type TokenView } from '../token-inspection'
import { lintTokenResponse } from '../../diagnosis/lint'
import { sendWithDpopNonceRetry, type DpopUse } from '../dpop'
import { dpopBindingFindings, dpopPreflightFinding, dpopTokenTypeFinding } from '../../diagnosis/dpop'
import { exchangeSince, failureFinding, missingEndpoint, oauthClient, errorCode, sameAudience, show } from './shared'

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
  /** Refresh with a DPoP proof (the key the tokens are bound to); one nonce retry at most. */
  dpop?: DpopUse
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
  recorder.label = 'Refresh (refresh_token grant)'
  const before = recorder.exchanges.length
  const send = (): Promise<Response> =>
    oauth.refreshTokenGrantRequest(as, client, clientAuthFor(snapshot.config.client_auth, secret), refreshToken, {
      [oauth.customFetch]: recorder.fetch,
      [oauth.allowInsecureRequests]: insecureAllowed(md.token_endpoint, snapshot.config.allow_insecure_loopback),
      ...(snapshot.config.resource ? { additionalParameters: { resource: snapshot.config.resource } } : {}),
      ...(options.dpop ? { DPoP: options.dpop.handle } : {}),
    })
  let response: Response
  try {
    const sent = await sendWithDpopNonceRetry(
      options.dpop,
      send,
      (r) => oauth.processRefreshTokenResponse(as, client, r),
      recorder,
      step,
      'token endpoint',
    )
    response = sent.response
    findings.push(...sent.findings)
  } catch (err) {
    const ex = exchangeSince(recorder, before)
    findings.push(
      (options.dpop ? dpopPreflightFinding(ex, step, 'token endpoint') : undefined) ??
        failureFinding(err, ex, { step, operation: 'refresh', url: md.token_endpoint }),
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

  if (options.dpop) {
    const advertised =
      Array.isArray(md.dpop_signing_alg_values_supported) && md.dpop_signing_alg_values_supported.length > 0
    const f = dpopTokenTypeFinding({ proofSent: true, tokenType: body.token_type, advertised, step })
    if (f) findings.push(f)
    findings.push(
      ...dpopBindingFindings({
        ...(typeof body.access_token === 'string' ? { accessToken: body.access_token } : {}),
        tokenType: body.token_type,
        thumbprint: options.dpop.thumbprint,
        step,
      }),
    )
  }
  // A public client's refresh token used with a DPoP proof and answered with DPoP tokens is bound to the key.
  const senderConstrained = Boolean(options.dpop) && String(body.token_type).toLowerCase() === 'dpop'
  const rotated = lintRotation(body, refreshToken, snapshot, step, findings, senderConstrained)
  lintRefreshedIdToken(body, snapshot, step, findings)
  const views = await inspectRefreshedTokens(snapshot, body, recorder, options, step, findings)
  return { status: response.status, body, processed, rotated, ...(views ? { views } : {}), findings }
}

/**
 * Rotation (RFC 6749 §6: the server MAY issue a new refresh token; RFC 9700 §4.14.2): whether the
 * response carries a new refresh token, and the finding that says so.
 */
function lintRotation(
  body: Record<string, unknown>,
  refreshToken: string,
  snapshot: FlowSnapshot,
  step: SideStepId,
  findings: Finding[],
  senderConstrained = false,
): boolean {
  const confidential = snapshot.config.client_auth !== 'none'
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
      finding('refresh-token-not-rotated', confidential || senderConstrained ? 'info' : 'warning', step, {
        title:
          newRefresh === undefined
            ? 'No new refresh token: the old one stays in use'
            : 'The same refresh token came back (not rotated)',
        detail: confidential
          ? 'The server did not rotate the refresh token. For a confidential client that is allowed: the refresh token is bound to the client credentials.'
          : senderConstrained
            ? 'The server did not rotate the refresh token, and it does not need to: the refresh request carried a DPoP proof and the answer is DPoP-bound, so the refresh token is sender-constrained to this page’s key (RFC 9449 §5). RFC 9700 §4.14.2 asks public clients’ refresh tokens to be sender-constrained or rotated; a stolen one is useless without the key.'
            : 'The server did not rotate the refresh token of this public client. A refresh token held by a browser app can be stolen (XSS, storage); RFC 9700 §4.14.2 and the browser-based-apps BCP require public-client refresh tokens to be either sender-constrained (DPoP) or rotated on every use, so that reuse of a stolen one is detected. Without either, a stolen refresh token works until it expires.',
        fix:
          confidential || senderConstrained
            ? 'Nothing required. Consider rotation anyway if the refresh token lives long.'
            : 'Rotate refresh tokens of public clients on every use (and revoke the grant when an old one is reused), or bind them to a DPoP key.',
        spec: 'RFC 9700 §4.14.2; draft-ietf-oauth-browser-based-apps §6.3.2.3; RFC 6749 §6',
        data: {
          rotated: false,
          newRefreshToken: newRefresh !== undefined,
          clientAuth: snapshot.config.client_auth,
          senderConstrained,
        },
      }),
    )
  }
  return rotated
}

/** OpenID Connect Core §12.2: a refreshed ID Token keeps iss, sub, aud (and azp, auth_time) of the original one. */
function lintRefreshedIdToken(
  body: Record<string, unknown>,
  snapshot: FlowSnapshot,
  step: SideStepId,
  findings: Finding[],
): void {
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
}

/** The new tokens decoded and verified like the first ones (no nonce is expected on a refresh). */
async function inspectRefreshedTokens(
  snapshot: FlowSnapshot,
  body: Record<string, unknown>,
  recorder: Recorder,
  options: RefreshOptions,
  step: SideStepId,
  findings: Finding[],
): Promise<TokenView[] | undefined> {
  try {
    const jwks = options.jwks ?? (await fetchJwks(snapshot.metadata?.jwks_uri, recorder))
    if (!options.jwks) findings.push(...jwks.findings.map((f) => ({ ...f, step })))
    const noNonce: FlowSnapshot = snapshot.authorization
      ? { ...snapshot, authorization: { ...snapshot.authorization, nonce: undefined } }
      : snapshot
    const inspected = await inspectTokens(noNonce, body, jwks, options.now)
    const views = inspected.views
    findings.push(...inspected.findings.filter((f) => f.id !== 'jwt-nonce-unexpected').map((f) => ({ ...f, step })))
    return views
  } catch (err) {
    findings.push(explainError(err, { step, operation: 'id-token' }))
    return undefined
  }
}
