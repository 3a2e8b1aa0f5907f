// Step 7: the access token against the MCP resource (audience) and the granted scopes against the
// challenge.
import { finding } from '../diagnosis/finding'
import { clip } from '../platform/text'
import type { Finding } from '../model/types'

export interface CrossCheckInput {
  /** Decoded access-token claims, when the token is a JWT (informational: the resource server decides). */
  accessTokenClaims?: Record<string, unknown>
  /** The resource that was requested (the canonical MCP URL). */
  resource: string
  challengeScope?: string
  /** scope from the token response (undefined: omitted, meaning "as requested", RFC 6749 §5.1). */
  grantedScope?: string
}

/** Step 7: token audience against the resource, granted scopes against the challenge. */
export function crossChecks(input: CrossCheckInput): Finding[] {
  const findings: Finding[] = []
  const step = 'mcp-tools'
  const claims = input.accessTokenClaims
  if (claims && 'aud' in claims) {
    const aud = claims['aud']
    const auds = Array.isArray(aud)
      ? aud.filter((a): a is string => typeof a === 'string')
      : typeof aud === 'string'
        ? [aud]
        : []
    if (!auds.includes(input.resource)) {
      findings.push(
        finding('access-token-audience-mismatch', 'error', step, {
          title: 'The access token is not for this MCP server',
          detail: `The token's aud is ${auds.length ? auds.map((a) => `"${clip(a, 120)}"`).join(', ') : '(empty)'}, the resource requested is "${input.resource}". MCP servers MUST reject tokens not issued for them, so this token should be refused. (Informational: the client reads the token only to diagnose; the resource server decides.)`,
          fix: 'Have the authorization server honour the resource parameter (RFC 8707) and put it in aud, character for character.',
          spec: 'RFC 8707 §2; RFC 9068 §3, §4; MCP 2025-11-25 Token Handling',
          data: { aud: auds, resource: input.resource },
        }),
      )
    }
  }
  if (input.challengeScope && input.grantedScope !== undefined) {
    const granted = new Set(input.grantedScope.split(/\s+/).filter(Boolean))
    const missing = input.challengeScope.split(/\s+/).filter((s) => s && !granted.has(s))
    if (missing.length) {
      findings.push(
        finding('granted-scope-narrower', 'warning', step, {
          title: `The token lacks scope${missing.length > 1 ? 's' : ''} the MCP server asked for: ${missing.join(' ')}`,
          detail: `The challenge asked for "${clip(input.challengeScope)}", the token response granted "${clip(input.grantedScope)}". The server may answer 403 insufficient_scope for some tools.`,
          fix: 'Grant the scopes named in the challenge, or name only the scopes the server really needs.',
          spec: 'RFC 6749 §3.3, §5.1; MCP 2025-11-25 Scope Selection Strategy',
          data: { missing },
        }),
      )
    }
  }
  return findings
}
