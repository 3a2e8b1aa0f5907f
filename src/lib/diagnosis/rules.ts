/**
 * The playground's own rules about a step, as pure functions of what the step saw: the checks that
 * are not a library error (explain) nor a raw-response lint (lint) — the configuration, the PKCE
 * draft, a missing or unsafe endpoint, the MCP S256 refusal, a replayed callback, an edited verifier.
 * The flow's step runners call them; each returns the findings to report (none when all is well).
 */
import type { ClientAuthMethod, ConfigProblem, Finding, PkceMethod, ServerMetadata, StepRef } from '../model/types'
import { finding } from './finding'

/** Configure: every invalid field, and a client secret in a browser. */
export function configureRules(problems: readonly ConfigProblem[], clientAuth: ClientAuthMethod): Finding[] {
  const out = problems.map((p) =>
    finding('config-invalid', p.severity, 'configure', {
      title: p.message,
      detail: `Field: ${p.field}. ${p.message}`,
      fix: 'Correct the field in the Configure step.',
      spec: 'RFC 6749 §3.1, §3.1.2',
      data: { field: p.field },
    }),
  )
  if (clientAuth !== 'none') {
    out.push(
      finding('client-secret-in-browser', 'warning', 'configure', {
        title: 'A client secret in a browser is never safe for production',
        detail:
          'Everything a web page holds can be read by anyone who loads it. A browser-based app must be a public client (token_endpoint_auth_method "none") protected by PKCE. Use a secret here only to reproduce a confidential client’s behaviour; it stays in this tab’s memory and sessionStorage and never goes into share links or reports.',
        fix: 'Register browser-based clients as public clients; the authorization server must not require a shared secret from them.',
        spec: 'draft-ietf-oauth-browser-based-apps §6.3.3.1',
      }),
    )
  }
  return out
}

/** Discovery without an issuer: the hand-entered endpoints are used as they are. */
export function discoverySkipped(): Finding {
  return finding('discovery-skipped', 'info', 'discovery', {
    title: 'Discovery skipped: endpoints entered by hand',
    detail: 'No issuer was given, so the hand-entered endpoints are used as they are.',
    fix: 'Give the issuer to let the playground check the metadata too.',
    spec: 'RFC 8414 §3',
  })
}

/**
 * MCP 2025-11-25 "Authorization Code Protection": an MCP client MUST refuse to proceed when the
 * authorization server does not advertise S256 (ChatGPT and Claude do). Undefined when it does.
 */
export function mcpS256Refusal(md: ServerMetadata): Finding | undefined {
  const methods = md.code_challenge_methods_supported
  if (methods?.includes('S256')) return undefined
  return finding('mcp-pkce-not-advertised', 'error', 'discovery', {
    title: methods
      ? 'The authorization server does not advertise S256'
      : 'The authorization server does not advertise PKCE',
    detail: methods
      ? `code_challenge_methods_supported is [${methods.join(', ')}]. MCP clients MUST use S256, so they cannot go on.`
      : 'The metadata has no code_challenge_methods_supported. MCP clients MUST verify PKCE support before proceeding and MUST refuse to proceed when it is absent (OpenID Connect Discovery documents too). The playground stops here, as ChatGPT and Claude do.',
    fix: 'Add "code_challenge_methods_supported": ["S256"] to the authorization server metadata (and enforce PKCE).',
    spec: 'MCP 2025-11-25 Authorization Code Protection; RFC 8414 §2; RFC 7636 §4.2',
    data: { code_challenge_methods_supported: methods ?? null },
  })
}

/** The PKCE draft: an invalid verifier (which stops the step), plain, a method the server does not list. */
export function pkceRules(verifierProblem: string | undefined, method: PkceMethod, advertised?: string[]): Finding[] {
  if (verifierProblem) {
    return [
      finding('pkce-verifier-invalid', 'error', 'pkce', {
        title: 'The code_verifier is not valid',
        detail: verifierProblem,
        fix: 'Use 43 to 128 characters of A–Z, a–z, 0–9, "-", ".", "_", "~", or press "New verifier".',
        spec: 'RFC 7636 §4.1',
      }),
    ]
  }
  const out: Finding[] = []
  if (method === 'plain') {
    out.push(
      finding('pkce-plain-selected', 'warning', 'pkce', {
        title: 'plain PKCE sends the verifier itself as the challenge',
        detail:
          'With "plain", anyone who sees the authorization request (browser history, logs, a malicious app on the device) learns the verifier. Clients that can do S256 MUST use it; S256 is mandatory to implement on servers.',
        fix: 'Use S256.',
        spec: 'RFC 7636 §4.2, §7.2; RFC 9700 §2.1.1',
      }),
    )
  }
  // Whether the server advertises PKCE at all, and S256 in particular, is a metadata finding (Discover
  // step: pkce-s256-not-advertised); here only a method the user chose that the server does not list.
  if (advertised && !advertised.includes(method) && method !== 'S256') {
    out.push(
      finding('pkce-method-not-advertised', 'warning', 'pkce', {
        title: `The server does not advertise the ${method} method`,
        detail: `code_challenge_methods_supported is ${JSON.stringify(advertised)}; expect the server to reject this challenge with invalid_request.`,
        fix: 'Use a method the server advertises (S256 is mandatory to implement).',
        spec: 'RFC 7636 §4.2, §4.4.1; RFC 8414 §2',
      }),
    )
  }
  return out
}

const MISSING_WHAT: Record<'authorization_endpoint' | 'token_endpoint', string> = {
  authorization_endpoint: 'no authorization request can be built',
  token_endpoint: 'no token request can be sent',
}

/** An endpoint the step needs is neither in the metadata nor entered by hand. */
export function missingEndpoint(member: 'authorization_endpoint' | 'token_endpoint', step: StepRef): Finding {
  return finding('metadata-missing-endpoint', 'error', step, {
    title: `No ${member.replace('_', ' ')} in the metadata`,
    detail: `The metadata has no (own, string) ${member} member and none was entered by hand, so ${MISSING_WHAT[member]}.`,
    fix: `Publish ${member} in the metadata (RFC 8414 §2), or enter it by hand in Configure.`,
    spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3',
    data: { attribute: member },
  })
}

/** The authorization endpoint is not a URL the page may navigate to (https, or loopback http if allowed). */
export function authorizationEndpointUnsafe(endpoint: string | undefined): Finding {
  return finding('authorization-endpoint-unsafe', 'error', 'authorization', {
    title: 'The authorization endpoint is not an https URL',
    detail: `The playground will not navigate to ${JSON.stringify(endpoint)}: only https URLs (and http on loopback, when allowed) are followed. A javascript: or data: URL in metadata would run code in this page.`,
    fix: 'Publish an https authorization_endpoint (RFC 8414 §2).',
    spec: 'RFC 8414 §2; RFC 6749 §3.1',
  })
}

/** The page was loaded again with an authorization response it has already handled. */
export function callbackReplayed(): Finding {
  return finding('callback-replayed', 'info', 'callback', {
    title: 'This authorization response was already handled; the code is not sent again',
    detail:
      'The page was loaded again with a response it has already processed (reload or Back). Authorization codes are single-use: sending one twice gets invalid_grant, and the server may revoke the tokens issued from it.',
    fix: 'Nothing to fix. Start a new authorization to get a new code.',
    spec: 'RFC 6749 §4.1.2, §10.5; RFC 9700 §4.3.1',
  })
}

/**
 * The user edited the code_verifier before the token request (a deliberate PKCE test): a note, and
 * an error when the server still issued tokens (it does not verify PKCE).
 */
export function verifierEditedRules(edited: boolean, tokensIssued: boolean): Finding[] {
  if (!edited) return []
  const out = [
    finding('pkce-verifier-edited', 'info', 'token', {
      title: 'You sent a code_verifier that does not match the code_challenge',
      detail:
        'The verifier was edited after the authorization request. A server that enforces PKCE must answer invalid_grant (RFC 7636 §4.6); if it issued tokens, it does not check PKCE.',
      fix: 'Nothing to fix if the server rejected it.',
      spec: 'RFC 7636 §4.6',
    }),
  ]
  if (tokensIssued) {
    out.push(
      finding('pkce-not-enforced', 'error', 'token', {
        title: 'PKCE is not enforced: the server issued tokens for a wrong code_verifier',
        detail:
          'The code_verifier sent does not match the code_challenge of the authorization request, and the server still answered with tokens. It does not verify PKCE, so a stolen authorization code can be redeemed by anyone.',
        fix: 'Verify code_verifier against the stored code_challenge (S256) at the token endpoint and answer invalid_grant on a mismatch.',
        spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1',
      }),
    )
  }
  return out
}
