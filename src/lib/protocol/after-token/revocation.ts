// Token revocation (RFC 7009).
import * as oauth from 'oauth4webapi'
import type { Finding, FlowSnapshot } from '../../model/types'
import type { Recorder } from '../../platform/recorder'
import { explainError } from '../../diagnosis/explain'
import { finding } from '../../diagnosis/finding'
import { clientAuthRejected, clientAuthRequest } from './client-auth'
import { errorCode } from './shared'

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
  const label = `Token revocation (RFC 7009)${hint ? `: ${hint}` : ''}`
  const call = await clientAuthRequest(step, snapshot, token, secret, recorder, hint, label)
  if ('failure' in call) return { status: 0, revoked: false, findings: [call.failure] }
  const { response, body, url } = call
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
      findings.push(explainError(err, { step, operation: 'revocation', url }))
    }
    return { status: response.status, revoked: false, findings }
  }
}
