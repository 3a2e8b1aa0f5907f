import { describe, expect, it } from 'vitest'
import { buildAuthorizationRequest, isSafeNavigationTarget, newStateAndNonce, wantsOpenId } from './authorize'
import { defaultConfig } from './config'
import type { FlowConfig, PkceState, ServerMetadata } from '../model/types'

const PKCE: PkceState = {
  method: 'S256',
  code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
}
const MD: ServerMetadata = {
  issuer: 'https://as.example.com',
  authorization_endpoint: 'https://as.example.com/authorize',
}

function config(overrides: Partial<FlowConfig> = {}): FlowConfig {
  return {
    ...defaultConfig('https://playground.example/app/'),
    issuer: 'https://as.example.com',
    client_id: 'my client',
    scope: 'openid profile',
    ...overrides,
  }
}

function query(url: string): URLSearchParams {
  return new URL(url).searchParams
}

describe('buildAuthorizationRequest', () => {
  it('carries every parameter of an OIDC authorization-code + PKCE request', () => {
    const req = buildAuthorizationRequest(config(), MD, PKCE, 'st-1', 'n-1')
    const u = new URL(req.url)
    expect(`${u.origin}${u.pathname}`).toBe('https://as.example.com/authorize')
    const q = u.searchParams
    expect(q.get('response_type')).toBe('code')
    expect(q.get('client_id')).toBe('my client')
    expect(q.get('redirect_uri')).toBe('https://playground.example/app/')
    expect(q.get('scope')).toBe('openid profile')
    expect(q.get('state')).toBe('st-1')
    expect(q.get('nonce')).toBe('n-1')
    expect(q.get('code_challenge')).toBe(PKCE.code_challenge)
    expect(q.get('code_challenge_method')).toBe('S256')
    expect(q.has('resource')).toBe(false)
    expect(q.has('code_verifier')).toBe(false)
    expect(req.url).not.toContain(PKCE.code_verifier)
    expect(req.state).toBe('st-1')
    expect(req.nonce).toBe('n-1')
    expect(req.params).toEqual([...q.entries()])
  })

  it('omits nonce when none is given, and scope when empty', () => {
    const req = buildAuthorizationRequest(config({ scope: '  ' }), MD, PKCE, 'st')
    expect(query(req.url).has('nonce')).toBe(false)
    expect(query(req.url).has('scope')).toBe(false)
    expect('nonce' in req).toBe(false)
  })

  it('sends code_challenge_method=plain for plain PKCE', () => {
    const plain: PkceState = { method: 'plain', code_verifier: PKCE.code_verifier, code_challenge: PKCE.code_verifier }
    const q = query(buildAuthorizationRequest(config(), MD, plain, 'st').url)
    expect(q.get('code_challenge_method')).toBe('plain')
    expect(q.get('code_challenge')).toBe(PKCE.code_verifier)
  })

  it('adds resource when configured', () => {
    const q = query(buildAuthorizationRequest(config({ resource: 'https://api.example.com/v1' }), MD, PKCE, 'st').url)
    expect(q.get('resource')).toBe('https://api.example.com/v1')
  })

  it('appends extra parameters after the standard ones (trimmed keys, empty keys skipped)', () => {
    const req = buildAuthorizationRequest(
      config({
        extra_params: [
          ['prompt', 'consent'],
          [' login_hint ', 'a@b.example'],
          ['', 'ignored'],
          ['audience', 'x y'],
        ],
      }),
      MD,
      PKCE,
      'st',
    )
    const keys = req.params.map(([k]) => k)
    expect(keys.slice(-3)).toEqual(['prompt', 'login_hint', 'audience'])
    expect(query(req.url).get('login_hint')).toBe('a@b.example')
    expect(query(req.url).get('audience')).toBe('x y')
    expect(req.params.some(([, v]) => v === 'ignored')).toBe(false)
  })

  it('keeps the query already present in the endpoint (RFC 6749 §3.1)', () => {
    const md = { ...MD, authorization_endpoint: 'https://as.example.com/authorize?tenant=acme&p=B2C_1_signin' }
    const req = buildAuthorizationRequest(config(), md, PKCE, 'st')
    const q = query(req.url)
    expect(q.get('tenant')).toBe('acme')
    expect(q.get('p')).toBe('B2C_1_signin')
    expect(q.get('response_type')).toBe('code')
    expect(req.params[0]).toEqual(['tenant', 'acme'])
  })

  it('throws without an authorization endpoint', () => {
    expect(() => buildAuthorizationRequest(config(), { issuer: MD.issuer }, PKCE, 'st')).toThrow(
      /authorization endpoint/,
    )
  })
})

describe('state, nonce and scope helpers', () => {
  it('wantsOpenId looks for the openid scope token', () => {
    expect(wantsOpenId('openid')).toBe(true)
    expect(wantsOpenId('profile  openid email')).toBe(true)
    expect(wantsOpenId('openidx profile')).toBe(false)
    expect(wantsOpenId('')).toBe(false)
  })

  it('newStateAndNonce makes a nonce only for OpenID Connect', () => {
    const oidc = newStateAndNonce('openid email')
    expect(oidc.state.length).toBeGreaterThanOrEqual(43)
    expect(oidc.nonce?.length).toBeGreaterThanOrEqual(43)
    expect(oidc.nonce).not.toBe(oidc.state)
    const oauth = newStateAndNonce('read')
    expect(oauth.nonce).toBeUndefined()
    expect(newStateAndNonce('read').state).not.toBe(oauth.state)
  })
})

describe('isSafeNavigationTarget', () => {
  it('allows https', () => {
    expect(isSafeNavigationTarget('https://as.example.com/authorize?x=1', false)).toBe(true)
  })

  it('refuses javascript:, data: and other schemes', () => {
    expect(isSafeNavigationTarget('javascript:alert(1)', true)).toBe(false)
    expect(isSafeNavigationTarget('JavaScript:alert(1)', true)).toBe(false)
    expect(isSafeNavigationTarget('data:text/html,<script>alert(1)</script>', true)).toBe(false)
    expect(isSafeNavigationTarget('file:///etc/passwd', true)).toBe(false)
    expect(isSafeNavigationTarget('not a url', true)).toBe(false)
  })

  it('refuses http on a non-loopback host even when loopback http is allowed', () => {
    expect(isSafeNavigationTarget('http://as.example.com/authorize', true)).toBe(false)
  })

  it('allows http on loopback only when allowed', () => {
    for (const u of ['http://localhost:3000/auth', 'http://127.0.0.1/auth', 'http://[::1]:8080/auth']) {
      expect(isSafeNavigationTarget(u, true), u).toBe(true)
      expect(isSafeNavigationTarget(u, false), u).toBe(false)
    }
  })
})
