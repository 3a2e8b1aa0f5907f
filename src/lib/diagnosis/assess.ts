/**
 * Severity by profile, from the catalogue: emitters state what they observed; this module decides
 * how much it matters for the user's situation — a plain OAuth public client, an OpenID Connect
 * client (scope openid) or an MCP client — and lets what the flow learned override what the
 * metadata promised (PKCE shown to be enforced, a public client that did get tokens).
 */
import { catalogueEntry, type Profile } from '../model/catalogue'
import type { FlowConfig, FlowSnapshot, Finding, Severity } from '../model/types'

export type { Profile }

/** The user's situation: an MCP server URL makes it MCP; scope openid makes it OpenID Connect. */
export function profileOf(config: Pick<FlowConfig, 'scope' | 'mcp_url'>): Profile {
  if (config.mcp_url) return 'mcp'
  return config.scope.split(/\s+/).includes('openid') ? 'oidc' : 'oauth'
}

/** What the run itself showed about the server, beyond its metadata. */
export interface Learned {
  /** The server refused a wrong or missing code_verifier, or a request without challenge. */
  pkceEnforced: boolean
  /** A token request with client authentication "none" got an access token. */
  publicClientWorked: boolean
}

const PKCE_PROOF = new Set(['pkce-enforced', 'pkce-downgrade-rejected', 'pkce-required'])

export function learnedFrom(s: Pick<FlowSnapshot, 'findings' | 'token' | 'config'>): Learned {
  const editedAndRejected =
    s.findings.some((f) => f.id === 'pkce-verifier-edited') &&
    s.findings.some((f) => f.id === 'token-request-rejected' && f.data?.error === 'invalid_grant')
  return {
    pkceEnforced: editedAndRejected || s.findings.some((f) => PKCE_PROOF.has(f.id)),
    publicClientWorked:
      s.config.client_auth === 'none' &&
      s.token !== undefined &&
      s.token.status >= 200 &&
      s.token.status < 300 &&
      typeof s.token.body?.access_token === 'string' &&
      !s.findings.some((f) => f.step === 'token' && f.data?.source === 'pasted'),
  }
}

/** The severity of an id for a profile: the catalogue's, unless the entry varies with what was observed. */
export function severityFor(id: Finding['id'], observed: Severity, profile: Profile): Severity {
  const entry = catalogueEntry(id)
  if (!entry) return observed
  const byProfile = entry.profiles?.[profile]
  if (byProfile) return byProfile
  return entry.severity === 'varies' ? observed : entry.severity
}

/**
 * What the flow learned, said in the finding it changes: the metadata's prediction that the run
 * disproved is taken out (`drop`) and the note put in its place (added once).
 */
const LEARNED: readonly {
  id: Finding['id']
  when: keyof Learned
  drop: RegExp
  note: (profile: Profile) => string
}[] = [
  {
    id: 'pkce-s256-not-advertised',
    when: 'pkceEnforced',
    drop: / For plain OAuth clients it means "no PKCE": the server may still enforce it, which the playground can only learn by trying\./,
    note: (profile) =>
      profile === 'mcp'
        ? 'This server does enforce PKCE (the run showed it), but MCP clients read the metadata and MUST refuse to go on without S256 listed: advertise it.'
        : 'This server does enforce PKCE (the run showed it): only its metadata does not say so. Advertise it: clients that check the metadata first, MCP clients among them, refuse without it.',
  },
  {
    id: 'auth-method-none-not-advertised',
    when: 'publicClientWorked',
    drop: / Expect invalid_client at the token endpoint if the server really requires a secret\./,
    note: () =>
      'The token exchange with client authentication "none" succeeded: this server accepts public clients; only its metadata does not list "none".',
  },
]

function withLearned(f: Finding, learned: Learned, profile: Profile): string {
  const rule = LEARNED.find((r) => r.id === f.id && learned[r.when])
  if (!rule) return f.detail
  const note = rule.note(profile)
  if (f.detail.includes(note)) return f.detail
  return `${f.detail.replace(rule.drop, '')} ${note}`
}

/**
 * The findings as they matter for `profile`: each severity from the catalogue, and a note where
 * what the run learned changes the meaning. Pure and idempotent (run it again and nothing changes).
 */
export function assessFindings(findings: readonly Finding[], profile: Profile, learned: Learned): Finding[] {
  return findings.map((f) => {
    const severity = severityFor(f.id, f.severity, profile)
    const detail = withLearned(f, learned, profile)
    return severity === f.severity && detail === f.detail ? f : { ...f, severity, detail }
  })
}
