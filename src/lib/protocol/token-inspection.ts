/**
 * Tokens step: fetch the server's JWKS (recorded like every other request), then decode every token
 * of the token response and verify the JWTs with jose.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @see https://www.rfc-editor.org/rfc/rfc9068.html
 */
import { finding } from '../diagnosis/finding'
import type { Finding, FlowSnapshot } from '../model/types'
import type { Recorder } from '../platform/recorder'
import { verifyToken, type VerifyResult } from './jwt'
import { decodeToken, type DecodedToken, type TokenKind } from '../platform/jwt-decode'
import { explainError } from '../diagnosis/explain'

export interface TokenView {
  kind: TokenKind
  decoded: DecodedToken
  verify?: VerifyResult
}

export interface JwksOutcome {
  jwks?: { keys: unknown[] }
  error?: string
  findings: Finding[]
}

/** Fetches jwks_uri through the recorder. Never throws. */
export async function fetchJwks(jwksUri: string | undefined, recorder: Recorder): Promise<JwksOutcome> {
  if (!jwksUri) {
    return { error: 'The metadata names no jwks_uri and none was entered by hand.', findings: [] }
  }
  recorder.label = 'JWKS (the keys that sign tokens)'
  let response: Response
  try {
    response = await recorder.fetch(jwksUri, {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'manual',
    })
  } catch (err) {
    const ex = recorder.exchanges.at(-1)
    const f = explainError(err, { step: 'tokens', operation: 'jwks', url: jwksUri })
    if (ex?.corsDetail) {
      f.id = ex.cors === 'unreachable' ? 'endpoint-unreachable' : 'cors-blocked'
      f.title = `The JWKS at ${jwksUri} could not be read (${ex.cors})`
      f.detail = ex.corsDetail
      f.fix =
        'Serve jwks_uri with Access-Control-Allow-Origin (any origin is fine: it is public data). OAuth 2.0 for Browser-Based Applications §6.3.3.4 asks for CORS on the JWKS when a browser app uses it (RFC 9700 §2.6 allows it); a server-side client, and oauth4webapi for an ID token from the token endpoint (OIDC Core §3.1.3.7), does not fetch it.'
      f.data = { endpoint: 'jwks', url: jwksUri, verdict: ex.cors }
    }
    return { error: f.title, findings: [f] }
  }
  const ex = recorder.exchanges.at(-1)
  const text = ex?.response?.body ?? ''
  if (response.status !== 200) {
    const f: Finding = finding('jwks-fetch-failed', 'error', 'tokens', {
      title: `The JWKS endpoint answered HTTP ${response.status || response.type}`,
      detail: `GET ${jwksUri} must return 200 with a JSON Web Key Set; it returned ${response.status} ${response.statusText}. Without the keys no signature can be checked.`,
      fix: 'Serve the key set at jwks_uri with status 200 and Content-Type application/json (or application/jwk-set+json).',
      spec: 'RFC 7517 §5; OpenID Connect Discovery 1.0 §3',
      data: { url: jwksUri, status: response.status },
    })
    return { error: f.title, findings: [f] }
  }
  try {
    const v: unknown = JSON.parse(text)
    if (v && typeof v === 'object' && Array.isArray((v as { keys?: unknown }).keys)) {
      return { jwks: { keys: (v as { keys: unknown[] }).keys }, findings: [] }
    }
  } catch {
    // fall through
  }
  const f: Finding = finding('jwks-invalid', 'error', 'tokens', {
    title: 'The JWKS is not a JSON Web Key Set',
    detail: `The body of ${jwksUri} is not a JSON object with a "keys" array.`,
    fix: 'Return {"keys": [ …public JWKs… ]} at jwks_uri.',
    spec: 'RFC 7517 §5',
    data: { url: jwksUri },
  })
  return { error: f.title, findings: [f] }
}

/** Decodes and verifies the tokens of a token response body. */
export async function inspectTokens(
  snapshot: FlowSnapshot,
  body: Record<string, unknown>,
  jwks: JwksOutcome,
  now = Math.floor(Date.now() / 1000),
): Promise<{ views: TokenView[]; findings: Finding[] }> {
  const views: TokenView[] = []
  const findings: Finding[] = []
  const issuer = snapshot.metadata?.issuer ?? snapshot.config.issuer
  const kinds: TokenKind[] = ['id_token', 'access_token', 'refresh_token']
  for (const kind of kinds) {
    const raw = body[kind]
    if (typeof raw !== 'string' || !raw) continue
    const decoded = decodeToken(raw)
    const view: TokenView = { kind, decoded }
    if (
      kind !== 'refresh_token' &&
      (decoded.format === 'jwt' || decoded.format === 'opaque' || decoded.format === 'malformed')
    ) {
      const expected =
        kind === 'id_token'
          ? {
              issuer,
              audience: snapshot.config.client_id,
              clientId: snapshot.config.client_id,
              ...(snapshot.authorization?.nonce ? { nonce: snapshot.authorization.nonce } : {}),
              ...(typeof body.access_token === 'string' ? { accessToken: body.access_token } : {}),
            }
          : {
              issuer,
              clientId: snapshot.config.client_id,
              ...(snapshot.config.resource ? { audience: snapshot.config.resource } : {}),
            }
      view.verify = await verifyToken(raw, {
        kind,
        ...(jwks.jwks ? { jwks: jwks.jwks } : {}),
        ...(jwks.error ? { jwksError: jwks.error } : {}),
        expected,
        now,
        step: 'tokens',
      })
      // Each finding says which token it is about (two tokens can miss the same claim).
      findings.push(...view.verify.findings.map((f) => ({ ...f, data: { ...f.data, token: kind } })))
    }
    views.push(view)
  }
  return { views, findings }
}
