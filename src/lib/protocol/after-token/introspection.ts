// Token introspection (RFC 7662).
import * as oauth from 'oauth4webapi'
import type { Finding, FlowSnapshot } from '../../model/types'
import type { Recorder } from '../../platform/recorder'
import { clip } from '../../platform/text'
import { explainError } from '../../diagnosis/explain'
import { finding } from '../../diagnosis/finding'
import { clientAuthRejected, clientAuthRequest } from './client-auth'
import { errorCode, audiences } from './shared'

export interface IntrospectionOutcome {
  status: number
  /** The introspection response as sent (RFC 7662 §2.2). */
  body?: Record<string, unknown>
  /** `active`, or undefined when the request failed. */
  active?: boolean
  findings: Finding[]
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
  const call = await clientAuthRequest(step, snapshot, token, secret, recorder, hint, 'Token introspection (RFC 7662)')
  if ('failure' in call) return { status: 0, findings: [call.failure] }
  const { as, client, response, body, url } = call
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
      findings.push(explainError(err, { step, operation: 'introspection', url }))
    }
    return { status: response.status, ...(body ? { body } : {}), findings }
  }
}
