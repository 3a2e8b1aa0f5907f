/**
 * DPoP (RFC 9449) findings: what the server did with a proof the playground sent. Token type and
 * binding (token_type, cnf.jkt), the nonce round trip, the CORS preflight a DPoP header needs, and
 * DPoP challenges from a resource server. Pure: inputs are recorded exchanges and decoded values.
 * @see https://www.rfc-editor.org/rfc/rfc9449.html
 */
import type { Finding, HttpExchange, StepRef } from '../model/types'
import type { Challenge } from '../platform/o4w'
import { decodeToken, isRecord } from '../platform/jwt-decode'
import { clip } from '../platform/text'
import { finding } from './finding'

/** Where DPoP blocks the flow only because the page chose it: how to test without it meanwhile. */
export const OFF_HINT =
  ' The playground used DPoP because the metadata advertises it (or you chose it); to test the plain Bearer path meanwhile, set DPoP to Off under More options in Configure.'

function show(v: unknown): string {
  try {
    return clip(JSON.stringify(v) ?? String(v), 120)
  } catch {
    return clip(String(v), 120)
  }
}

/** Did the request of this exchange carry a DPoP proof? */
export function sentProof(ex: HttpExchange | undefined): boolean {
  return !!ex?.request.headers.some(([k]) => k.toLowerCase() === 'dpop')
}

/** A readable DPoP-Nonce header of the response, if any (cross-origin it must be exposed). */
export function readableNonce(ex: HttpExchange | undefined): string | undefined {
  return ex?.response?.headers.find(([k]) => k.toLowerCase() === 'dpop-nonce')?.[1]
}

export interface TokenTypeInput {
  /** A DPoP proof was sent with the token request. */
  proofSent: boolean
  /** token_type as the server sent it. */
  tokenType: unknown
  /** The metadata advertises dpop_signing_alg_values_supported. */
  advertised: boolean
  step: StepRef
}

/**
 * A proof was sent but the token is a Bearer token (RFC 9449 §5). The server MAY elect to issue an
 * unbound token, so this is never an error: a warning when its metadata advertises DPoP (the server
 * says it supports DPoP and bound nothing), information when it does not (it ignored the header,
 * which is what a server without DPoP does). Undefined when nothing is to be said.
 */
export function dpopTokenTypeFinding(input: TokenTypeInput): Finding | undefined {
  if (!input.proofSent || typeof input.tokenType !== 'string') return undefined
  if (input.tokenType.toLowerCase() !== 'bearer') return undefined
  return finding('dpop-not-honoured', input.advertised ? 'warning' : 'info', input.step, {
    title: input.advertised
      ? 'A DPoP proof was sent, but the server issued a Bearer token although it advertises DPoP'
      : 'A DPoP proof was sent, but the server issued a Bearer token (it does not advertise DPoP)',
    detail: `The token request carried a DPoP proof and the response says token_type ${show(input.tokenType)}: the access token is not bound to the playground's key, so whoever steals it can use it. RFC 9449 §5 lets an authorization server issue an unbound (Bearer) access token even to a DPoP request — it may still bind the refresh token of a public client. ${
      input.advertised
        ? 'This server publishes dpop_signing_alg_values_supported, so a client expects DPoP-bound tokens; check the client’s or the resource’s settings at the server (many servers enable DPoP per client or per API).'
        : 'This server does not publish dpop_signing_alg_values_supported, so it probably ignores DPoP altogether.'
    }`,
    fix: input.advertised
      ? 'Enable DPoP-bound access tokens for this client (or resource) at the authorization server, and return token_type "DPoP" for them.'
      : 'If DPoP is wanted, enable it at the authorization server and advertise dpop_signing_alg_values_supported (RFC 9449 §5.1).',
    spec: 'RFC 9449 §5, §5.1',
    data: { token_type: clip(input.tokenType, 40), advertised: input.advertised },
  })
}

export interface BindingInput {
  /** The access token as sent by the server (a JWT is decoded here), or undefined. */
  accessToken?: string
  /** An introspection response body (RFC 7662), when there is one. */
  introspection?: Record<string, unknown>
  /** token_type of the token response. */
  tokenType: unknown
  /** The thumbprint of the playground's DPoP key. */
  thumbprint: string
  step: StepRef
}

/**
 * cnf.jkt of a JWT access token (or of an introspection response) against the playground's key
 * thumbprint (RFC 9449 §6): another thumbprint is an error (a resource server checking the binding
 * refuses every proof the playground makes); a DPoP token type whose JWT access token has no
 * cnf.jkt is a warning (§6.1 SHOULD). Opaque tokens without introspection: nothing to say.
 */
export function dpopBindingFindings(input: BindingInput): Finding[] {
  const out: Finding[] = []
  const sources: Array<{ where: 'access token' | 'introspection response'; claims: Record<string, unknown> }> = []
  if (input.accessToken) {
    const d = decodeToken(input.accessToken)
    if (d.format === 'jwt') sources.push({ where: 'access token', claims: d.payload })
  }
  if (input.introspection && input.introspection.active === true) {
    sources.push({ where: 'introspection response', claims: input.introspection })
  }
  const dpopType = typeof input.tokenType === 'string' && input.tokenType.toLowerCase() === 'dpop'
  for (const { where, claims } of sources) {
    const cnf = claims.cnf
    const jkt = isRecord(cnf) ? cnf.jkt : undefined
    if (jkt === undefined) {
      if (!dpopType) continue
      out.push(
        finding('dpop-jkt-missing', 'warning', input.step, {
          title: `The DPoP-bound token's ${where} has no cnf.jkt`,
          detail: `The token response says token_type "DPoP", but the ${where} carries no cnf.jkt confirmation (cnf is ${show(cnf)}). RFC 9449 §6.1: a JWT access token SHOULD carry the JWK SHA-256 thumbprint of the DPoP key as cnf.jkt (§6.2: introspection returns it the same way), so that a resource server can check the binding. Without it a resource server cannot tell which key the token is bound to.`,
          fix: 'Put cnf: { "jkt": <thumbprint of the proof’s jwk> } into DPoP-bound JWT access tokens and introspection responses.',
          spec: 'RFC 9449 §6.1, §6.2',
          data: { where },
        }),
      )
      continue
    }
    if (jkt !== input.thumbprint) {
      out.push(
        finding('dpop-jkt-mismatch', 'error', input.step, {
          title: `The ${where}'s cnf.jkt is not the thumbprint of the playground's DPoP key`,
          detail: `cnf.jkt is ${show(jkt)}, but the proof was signed with the key whose RFC 7638 thumbprint is "${input.thumbprint}". The token is bound to another key: a resource server that checks the binding (RFC 9449 §7.1) refuses every proof this client makes, and a token bound to a key the client does not hold is useless.`,
          fix: 'Bind the token to the key of the DPoP proof that came with the token request: cnf.jkt = base64url(SHA-256(JWK thumbprint input of the proof’s jwk)).',
          spec: 'RFC 9449 §6, §6.1, §7.1; RFC 7638 §3',
          data: { where, jkt: clip(String(jkt), 100), expected: input.thumbprint },
        }),
      )
    }
  }
  return out
}

/**
 * A request carrying a DPoP header failed in its CORS preflight (the recorder's verdict
 * 'preflight-failed'): the header is not CORS-safelisted, so the browser asked first and the server
 * did not allow it. The request itself was never sent (a code is not consumed).
 */
export function dpopPreflightFinding(
  ex: HttpExchange | undefined,
  step: StepRef,
  endpoint: string,
  /** A CORS-simple request to the same endpoint was readable: the preflight was what failed. */
  probe?: 'readable',
): Finding | undefined {
  if (!ex || !sentProof(ex) || !ex.error || ex.cors !== 'preflight-failed') return undefined
  const others = ex.request.headers
    .map(([k]) => k.toLowerCase())
    .filter((k) => k === 'authorization' || k === 'content-type')
  return finding('dpop-preflight-refused', 'error', step, {
    title: `The ${endpoint} request with a DPoP header failed its CORS check (preflight refused?)`,
    detail: (probe === 'readable'
      ? `${ex.corsDetail ?? ''} A DPoP header is not CORS-safelisted, so the browser first sent OPTIONS ${safePath(ex.request.url)} asking to send "dpop"${others.length ? ` (with ${others.join(', ')})` : ''}. The same endpoint answered a request without the DPoP header readably (shown below), so its answers do carry CORS headers: it is the preflight that refused "dpop", and the request itself was never sent${step === 'token' ? ' (the authorization code is unused)' : ''}.`
      : `${ex.corsDetail ?? ''} A DPoP header is not CORS-safelisted, so the browser first sent OPTIONS ${safePath(ex.request.url)} asking to send "dpop"${others.length ? ` (with ${others.join(', ')})` : ''}. Most likely the answer did not allow it and the request itself was never sent${step === 'token' ? ' (the authorization code is then unused)' : ''}. The browser does not tell the page whether it was the preflight or the answer to the request (no Access-Control-Allow-Origin) that failed; its console does.`
    ).trim(),
    fix: `Answer the preflight of the ${endpoint} with 2xx, Access-Control-Allow-Origin for this origin and "Access-Control-Allow-Headers: dpop, authorization, content-type"; expose "DPoP-Nonce, WWW-Authenticate" with Access-Control-Expose-Headers on the real responses.${OFF_HINT}`,
    spec: 'RFC 9449 §4.1; Fetch Standard §3.2.2 (CORS-preflight request), §3.2.6; draft-ietf-oauth-browser-based-apps §6.3.3.4',
    data: { endpoint, url: ex.request.url, verdict: ex.cors, confirmed: probe === 'readable' },
  })
}

/** The server asked for a nonce and the page could not read it (not in Access-Control-Expose-Headers). */
export function dpopNonceNotExposedFinding(step: StepRef, endpoint: string): Finding {
  return finding('dpop-nonce-not-exposed', 'warning', step, {
    title: 'use_dpop_nonce, but the DPoP-Nonce header is not visible to the page',
    detail: `The ${endpoint} asks for a DPoP nonce (use_dpop_nonce), but the page cannot read a DPoP-Nonce header in the answer: cross-origin, the browser hides every response header the server does not list in Access-Control-Expose-Headers. A browser client can never retry with the nonce, so the playground did not retry.`,
    fix: `Add "Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate" to the endpoint’s CORS responses.${OFF_HINT}`,
    spec: 'RFC 9449 §8, §9; Fetch Standard §3.2.6',
    data: { endpoint },
  })
}

/**
 * The nonce round trip as information: the server answered use_dpop_nonce with a DPoP-Nonce, and
 * the playground retried once with it (both exchanges are recorded).
 */
export function dpopNonceRoundTripFinding(step: StepRef, endpoint: string, retryStatus: number): Finding {
  return finding('dpop-nonce-required', 'info', step, {
    title: `The ${endpoint} asked for a DPoP nonce; the playground retried once with it`,
    detail: `The first request was answered with error "use_dpop_nonce" and a DPoP-Nonce header (RFC 9449 §8). The playground made a new proof carrying that nonce and sent the request again; the retry answered HTTP ${retryStatus}. Both requests are shown. This is normal for servers that require nonces; a browser client can only do it when the server exposes DPoP-Nonce to the page.`,
    fix: 'Nothing to fix. To save the round trip a server may send a fresh DPoP-Nonce with every response.',
    spec: 'RFC 9449 §8, §9',
    data: { endpoint, retryStatus },
  })
}

const DPOP_ERRORS: Record<string, string> = {
  invalid_dpop_proof:
    'The DPoP proof is missing or invalid: its signature, typ, htm, htu, iat, jti or nonce, or its ath (the hash of the access token sent with it).',
  invalid_token:
    'The access token is invalid for DPoP: expired, revoked, not DPoP-bound, or bound to another key than the proof’s (cnf.jkt ≠ thumbprint of the proof’s jwk).',
  insufficient_scope: 'The access token lacks the scope the resource needs.',
}

/**
 * A DPoP challenge of a resource server or UserInfo (WWW-Authenticate: DPoP error=…), explained.
 * use_dpop_nonce is left to dpop-nonce-required. Undefined when no DPoP challenge carries an error.
 */
export function dpopChallengeFinding(
  challenges: readonly Challenge[],
  status: number | undefined,
  step: StepRef,
  /** What answered, as a phrase: "the UserInfo endpoint", "the resource server". */
  where: string,
): Finding | undefined {
  const endpoint = where.replace(/^the /i, '')
  const dpop = challenges.find((c) => c.scheme.toLowerCase() === 'dpop' && c.parameters.error)
  const error = dpop?.parameters.error
  if (!dpop || !error || error === 'use_dpop_nonce') return undefined
  const description = dpop.parameters.error_description
  const meaning = DPOP_ERRORS[error] ?? 'An error code RFC 9449 and RFC 6750 do not define.'
  return finding('dpop-resource-error', 'error', step, {
    title: `The ${endpoint} refused the DPoP request: ${clip(error, 60)}`,
    detail: `The ${endpoint} answered HTTP ${status ?? '?'} with WWW-Authenticate: DPoP error="${clip(error, 60)}". ${meaning}${description ? ` Text supplied by the server (error_description): "${clip(description.replace(/\s+/g, ' '), 300)}".` : ''}${dpop.parameters.algs ? ` It accepts proofs signed with: ${clip(dpop.parameters.algs, 100)}.` : ''}`,
    fix:
      error === 'invalid_dpop_proof'
        ? 'Compare the proof (shown decoded) with the request: htm = method, htu = URL without query, ath = hash of this access token, and a fresh iat and jti.'
        : error === 'invalid_token'
          ? 'Check that the token is DPoP-bound (token_type DPoP) to the key that signs the proofs (cnf.jkt), and not expired.'
          : 'See the error code and the server’s documentation.',
    spec: 'RFC 9449 §7.1, §7.2, §12.2; RFC 6750 §3.1',
    data: {
      endpoint,
      status: status ?? null,
      error: clip(error, 60),
      ...(description ? { error_description: clip(description, 300) } : {}),
    },
  })
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}

/** DPoP is on for this run, but the server allows no algorithm WebCrypto can make here. */
export function dpopAlgUnsupportedFinding(advertised: unknown, step: StepRef = 'token'): Finding {
  const algs = Array.isArray(advertised) ? advertised.filter((a): a is string => typeof a === 'string') : []
  return finding('dpop-alg-unsupported', 'warning', step, {
    title: 'No DPoP algorithm this page can use: the token request went without DPoP',
    detail: `The metadata's dpop_signing_alg_values_supported lists ${algs.map((a) => `"${a.slice(0, 20)}"`).join(', ') || 'nothing usable'}; this page can make ES256, ES384, PS256, RS256 and EdDSA keys with WebCrypto. The tokens are therefore Bearer tokens, not bound to a key.`,
    fix: 'Advertise (and accept) ES256 in dpop_signing_alg_values_supported: it is the algorithm every browser can make.',
    spec: 'RFC 9449 §5.1',
    data: { advertised: algs.slice(0, 10).join(' ') },
  })
}
