import { describe, expect, it } from 'vitest'
import {
  authorizationEndpointUnsafe,
  callbackReplayed,
  configureRules,
  discoverySkipped,
  mcpS256Refusal,
  missingEndpoint,
  pkceRules,
  verifierEditedRules,
} from './rules'

const ids = (fs: Array<{ id: string; severity: string }>) => fs.map((f) => `${f.id}/${f.severity}`)

describe('step rules', () => {
  it('configure: one finding per invalid field, and a secret in a browser', () => {
    const problems = [
      { field: 'issuer' as const, message: 'Issuer is not an absolute URL.', severity: 'error' as const },
      { field: 'resource' as const, message: 'resource SHOULD NOT contain a query.', severity: 'warning' as const },
    ]
    expect(ids(configureRules(problems, 'none'))).toEqual(['config-invalid/error', 'config-invalid/warning'])
    expect(ids(configureRules([], 'client_secret_basic'))).toEqual(['client-secret-in-browser/warning'])
    expect(configureRules([], 'none')).toEqual([])
  })

  it('MCP refuses without S256 (absent list or no S256), and not when S256 is there', () => {
    expect(mcpS256Refusal({ issuer: 'https://as', code_challenge_methods_supported: ['S256'] })).toBeUndefined()
    const absent = mcpS256Refusal({ issuer: 'https://as' })
    expect(absent?.id).toBe('mcp-pkce-not-advertised')
    expect(absent?.title).toContain('does not advertise PKCE')
    expect(mcpS256Refusal({ issuer: 'https://as', code_challenge_methods_supported: ['plain'] })?.title).toContain(
      'S256',
    )
  })

  it('PKCE: an invalid verifier stops; plain warns; a method the server does not list warns', () => {
    expect(ids(pkceRules('too short', 'S256', ['S256']))).toEqual(['pkce-verifier-invalid/error'])
    expect(ids(pkceRules(undefined, 'plain', ['S256']))).toEqual([
      'pkce-plain-selected/warning',
      'pkce-method-not-advertised/warning',
    ])
    expect(pkceRules(undefined, 'S256', undefined)).toEqual([])
    // S256 missing from the list is the Discover step's pkce-s256-not-advertised: not said twice.
    expect(pkceRules(undefined, 'S256', ['plain'])).toEqual([])
  })

  it('an edited verifier is a note, and an error when tokens were still issued', () => {
    expect(verifierEditedRules(false, true)).toEqual([])
    expect(ids(verifierEditedRules(true, false))).toEqual(['pkce-verifier-edited/info'])
    expect(ids(verifierEditedRules(true, true))).toEqual(['pkce-verifier-edited/info', 'pkce-not-enforced/error'])
  })

  it('missing and unsafe endpoints, skipped discovery, a replayed callback', () => {
    const missing = missingEndpoint('token_endpoint', 'token')
    expect(missing.id).toBe('metadata-missing-endpoint')
    expect(missing.data).toEqual({ attribute: 'token_endpoint' })
    expect(missing.detail).toContain('no token request can be sent')
    expect(authorizationEndpointUnsafe('javascript:alert(1)').detail).toContain('"javascript:alert(1)"')
    expect(discoverySkipped().severity).toBe('info')
    expect(callbackReplayed().step).toBe('callback')
  })
})
