import { describe, expect, it } from 'vitest'
import { assessFindings, learnedFrom, profileOf, severityFor } from './assess'
import { finding } from './finding'
import type { Finding, FlowSnapshot } from '../model/types'

const s256Missing = (): Finding =>
  finding('pkce-s256-not-advertised', 'error', 'discovery', {
    title: 'S256 not advertised',
    detail:
      'code_challenge_methods_supported is absent. For plain OAuth clients it means "no PKCE": the server may still enforce it, which the playground can only learn by trying.',
    fix: 'Advertise S256.',
    spec: 'RFC 8414 §2',
  })

const noneMissing = (): Finding =>
  finding('auth-method-none-not-advertised', 'warning', 'discovery', {
    title: 'none not listed',
    detail: 'The list lacks none. Expect invalid_client at the token endpoint if the server really requires a secret.',
    fix: 'List none.',
    spec: 'RFC 8414 §2',
  })

const nothingLearned = { pkceEnforced: false, publicClientWorked: false }

describe('profileOf', () => {
  it('is mcp with an MCP server URL, oidc with scope openid, oauth otherwise', () => {
    expect(profileOf({ scope: 'openid profile', mcp_url: 'https://mcp.example/mcp' })).toBe('mcp')
    expect(profileOf({ scope: 'profile openid', mcp_url: '' })).toBe('oidc')
    expect(profileOf({ scope: 'openid-like read', mcp_url: '' })).toBe('oauth')
    expect(profileOf({ scope: '', mcp_url: '' })).toBe('oauth')
  })
})

describe('severityFor', () => {
  it('takes the profile severity from the catalogue when the entry has one', () => {
    expect(severityFor('pkce-s256-not-advertised', 'error', 'oauth')).toBe('warning')
    expect(severityFor('pkce-s256-not-advertised', 'error', 'oidc')).toBe('warning')
    expect(severityFor('pkce-s256-not-advertised', 'warning', 'mcp')).toBe('error')
  })
  it('takes the catalogue severity over what the emitter said for a fixed entry', () => {
    expect(severityFor('auth-method-none-not-advertised', 'warning', 'oauth')).toBe('info')
  })
  it('keeps the observed severity for an entry that varies', () => {
    expect(severityFor('discovery-attempt-failed', 'warning', 'oauth')).toBe('warning')
    expect(severityFor('discovery-attempt-failed', 'info', 'oauth')).toBe('info')
  })
})

describe('assessFindings', () => {
  it('lowers the missing-S256 finding to a warning outside MCP and keeps it an error in MCP', () => {
    const [oauth] = assessFindings([s256Missing()], 'oauth', nothingLearned)
    const [mcp] = assessFindings([s256Missing()], 'mcp', nothingLearned)
    expect(oauth!.severity).toBe('warning')
    expect(mcp!.severity).toBe('error')
  })

  it('says so in the finding when the run showed that PKCE is enforced anyway', () => {
    const learned = { pkceEnforced: true, publicClientWorked: false }
    const [f] = assessFindings([s256Missing()], 'oidc', learned)
    expect(f!.detail).toContain('does enforce PKCE')
    expect(f!.detail).not.toContain('can only learn by trying')
    expect(f!.severity).toBe('warning')
  })

  it('says a public client worked when the metadata does not list none', () => {
    const learned = { pkceEnforced: false, publicClientWorked: true }
    const [f] = assessFindings([noneMissing()], 'oauth', learned)
    expect(f!.severity).toBe('info')
    expect(f!.detail).toContain('accepts public clients')
    // The prediction the run disproved is gone (issue 12: no invalid_client forecast after success).
    expect(f!.detail).not.toContain('Expect invalid_client')
  })

  it('is idempotent: assessing twice adds the note once and returns the same objects', () => {
    const learned = { pkceEnforced: true, publicClientWorked: true }
    const once = assessFindings([s256Missing(), noneMissing()], 'oauth', learned)
    const twice = assessFindings(once, 'oauth', learned)
    expect(twice).toEqual(once)
    expect(twice[0]).toBe(once[0])
    expect(twice[0]!.detail.split('does enforce PKCE').length).toBe(2)
  })
})

describe('learnedFrom', () => {
  const base = (over: Partial<FlowSnapshot>): Pick<FlowSnapshot, 'findings' | 'token' | 'config'> =>
    ({
      findings: [],
      token: undefined,
      config: { client_auth: 'none' },
      ...over,
    }) as unknown as Pick<FlowSnapshot, 'findings' | 'token' | 'config'>

  it('learns PKCE enforcement from a passed probe', () => {
    const probe = finding('pkce-enforced', 'info', 'probes', { title: 't', detail: 'd', fix: '', spec: '' })
    expect(learnedFrom(base({ findings: [probe] })).pkceEnforced).toBe(true)
    expect(learnedFrom(base({})).pkceEnforced).toBe(false)
  })

  it('learns that a public client works only from a 2xx token response with an access token', () => {
    const ok = { status: 200, body: { access_token: 'x', token_type: 'Bearer' } }
    const fail = { status: 400, body: { error: 'invalid_client' } }
    expect(learnedFrom(base({ token: ok } as never)).publicClientWorked).toBe(true)
    expect(learnedFrom(base({ token: fail } as never)).publicClientWorked).toBe(false)
    const confidential = base({ token: ok } as never)
    ;(confidential.config as { client_auth: string }).client_auth = 'client_secret_basic'
    expect(learnedFrom(confidential).publicClientWorked).toBe(false)
  })
})
