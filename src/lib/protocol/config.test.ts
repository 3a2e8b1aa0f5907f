import { describe, expect, it } from 'vitest'
import {
  SHARE_KEYS,
  defaultConfig,
  defaultRedirectUri,
  linkSettingsToReview,
  parseShareFragment,
  pendingLinkEndpoints,
  type ConfigProblem,
} from './config'
import { endpointOverrideFinding, validateConfig } from './config-check'
import { buildShareFragment } from './share-fragment'
import type { FlowConfig } from '../model/types'

function config(overrides: Partial<FlowConfig> = {}): FlowConfig {
  return {
    ...defaultConfig('https://playground.example/app/'),
    issuer: 'https://as.example.com',
    client_id: 'playground',
    ...overrides,
  }
}

function errorsFor(problems: ConfigProblem[], field: ConfigProblem['field']): ConfigProblem[] {
  return problems.filter((p) => p.field === field && p.severity === 'error')
}

describe('defaultConfig', () => {
  it('uses the page URL without query or fragment as the redirect URI', () => {
    const c = defaultConfig('https://playground.example/app/?code=abc&state=xyz#issuer=https%3A%2F%2Fx')
    expect(c.redirect_uri).toBe('https://playground.example/app/')
    expect(defaultRedirectUri('http://localhost:5173/?a=1#b')).toBe('http://localhost:5173/')
  })

  it('starts as a public client asking for openid, with the given defaults', () => {
    const c = defaultConfig('https://playground.example/', {
      issuer: 'https://as.example.com',
      client_id: 'cid',
      resource: 'https://api.example.com',
    })
    expect(c.client_auth).toBe('none')
    expect(c.scope).toBe('openid')
    expect(c.issuer).toBe('https://as.example.com')
    expect(c.client_id).toBe('cid')
    expect(c.resource).toBe('https://api.example.com')
    expect(c.extra_params).toEqual([])
    expect(defaultConfig('https://p.example/', { scope: 'read write' }).scope).toBe('read write')
  })
})

describe('parseShareFragment', () => {
  it('reads the known keys, with or without the leading #', () => {
    const hash =
      '#issuer=https%3A%2F%2Fas.example.com&client_id=abc&scope=openid+profile&resource=https%3A%2F%2Fapi.example.com' +
      '&redirect_uri=https%3A%2F%2Fp.example%2F&authorization_endpoint=https%3A%2F%2Fas.example.com%2Fauth' +
      '&token_endpoint=https%3A%2F%2Fas.example.com%2Ftoken&jwks_uri=https%3A%2F%2Fas.example.com%2Fjwks&client_auth=client_secret_post'
    const expected = {
      issuer: 'https://as.example.com',
      client_id: 'abc',
      scope: 'openid profile',
      resource: 'https://api.example.com',
      redirect_uri: 'https://p.example/',
      authorization_endpoint: 'https://as.example.com/auth',
      token_endpoint: 'https://as.example.com/token',
      jwks_uri: 'https://as.example.com/jwks',
      client_auth: 'client_secret_post',
    }
    expect(parseShareFragment(hash)).toEqual(expected)
    expect(parseShareFragment(hash.slice(1))).toEqual(expected)
  })

  it('ignores unknown keys (a share link never carries a secret, code or token)', () => {
    const out = parseShareFragment(
      '#client_id=abc&client_secret=s3cr3t&code=c&access_token=t&userinfo_endpoint=https%3A%2F%2Fx&allow_insecure_loopback=false',
    )
    expect(out).toEqual({ client_id: 'abc' })
  })

  it('returns only the keys present', () => {
    expect(parseShareFragment('')).toEqual({})
    expect(Object.keys(parseShareFragment('#scope=openid'))).toEqual(['scope'])
  })

  it('caps each value at 2048 characters', () => {
    const out = parseShareFragment(`#client_id=${'a'.repeat(5000)}`)
    expect(out.client_id).toBe('a'.repeat(2048))
  })

  it('rejects an unknown client_auth value', () => {
    expect(parseShareFragment('#client_auth=private_key_jwt&client_id=x')).toEqual({ client_id: 'x' })
    expect(parseShareFragment('#client_auth=client_secret_basic').client_auth).toBe('client_secret_basic')
    expect(parseShareFragment('#client_auth=none').client_auth).toBe('none')
  })
})

describe('buildShareFragment', () => {
  it('round-trips through parseShareFragment', () => {
    const c = config({
      scope: 'openid email',
      resource: 'https://api.example.com/v1',
      authorization_endpoint: 'https://as.example.com/authorize?tenant=a&b=c',
      token_endpoint: 'https://as.example.com/token',
      jwks_uri: 'https://as.example.com/jwks',
      client_auth: 'client_secret_basic',
      redirect_uri: 'https://playground.example/app/',
      dpop: 'on',
      par: 'off',
    })
    const parsed = parseShareFragment(buildShareFragment(c))
    for (const key of SHARE_KEYS) {
      const field = key === 'mcp' ? 'mcp_url' : key
      expect(parsed[field] ?? '', key).toBe(c[field] ?? '')
    }
  })

  it('writes only SHARE_KEYS, never extra params, userinfo or flags', () => {
    const c = config({
      userinfo_endpoint: 'https://as.example.com/userinfo',
      extra_params: [['prompt', 'consent']],
      allow_insecure_loopback: true,
      client_auth: 'client_secret_post',
    })
    const keys = [...new URLSearchParams(buildShareFragment(c)).keys()]
    expect(keys.length).toBeGreaterThan(0)
    for (const k of keys) expect(SHARE_KEYS as readonly string[]).toContain(k)
    expect(buildShareFragment(c)).not.toMatch(/secret=|prompt|userinfo|allow_insecure/)
  })

  it('leaves out empty values and the default client_auth "none"', () => {
    const c = config({ scope: '', resource: '', client_auth: 'none' })
    const keys = [...new URLSearchParams(buildShareFragment(c)).keys()]
    expect(keys).toEqual(['issuer', 'client_id', 'redirect_uri'])
  })
})

describe('dpop and par settings (share-link keys dpop, par)', () => {
  it('default to auto, which the link leaves out', () => {
    const c = defaultConfig('https://p.example/')
    expect([c.dpop, c.par]).toEqual(['auto', 'auto'])
    const keys = [...new URLSearchParams(buildShareFragment({ ...c, issuer: 'https://as.example' })).keys()]
    expect(keys).not.toContain('dpop')
    expect(keys).not.toContain('par')
  })
  it('write on and off, and read them back', () => {
    const c = {
      ...defaultConfig('https://p.example/'),
      issuer: 'https://as.example',
      dpop: 'off' as const,
      par: 'on' as const,
    }
    const fragment = buildShareFragment(c)
    expect(new URLSearchParams(fragment).get('dpop')).toBe('off')
    expect(new URLSearchParams(fragment).get('par')).toBe('on')
    expect(parseShareFragment(`#${fragment}`)).toMatchObject({ dpop: 'off', par: 'on' })
  })
  it('ignore any other value', () => {
    expect(parseShareFragment('#dpop=yes&par=ON&client_id=x')).toEqual({ client_id: 'x' })
    expect(parseShareFragment('#dpop=auto')).toEqual({ dpop: 'auto' })
  })
})

describe('validateConfig', () => {
  it('accepts a plain https public-client configuration', () => {
    expect(validateConfig(config())).toEqual([])
  })

  it('refuses http on a non-loopback issuer even when loopback http is allowed', () => {
    const problems = validateConfig(config({ issuer: 'http://as.example.com', allow_insecure_loopback: true }))
    expect(errorsFor(problems, 'issuer')).toHaveLength(1)
    expect(errorsFor(problems, 'issuer')[0]?.message).toMatch(/non-loopback/)
  })

  it('accepts http on loopback only when allow_insecure_loopback is set', () => {
    // http://[::1] is loopback too, but this page's CSP cannot let it fetch there (platform/csp.test.ts).
    for (const issuer of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://as.localhost:3000']) {
      expect(validateConfig(config({ issuer, allow_insecure_loopback: true }))).toEqual([])
      const problems = validateConfig(config({ issuer, allow_insecure_loopback: false }))
      expect(errorsFor(problems, 'issuer')).toHaveLength(1)
      expect(errorsFor(problems, 'issuer')[0]?.message).toMatch(/loopback/)
    }
  })

  it('checks hand-entered endpoints the same way', () => {
    const problems = validateConfig(
      config({
        authorization_endpoint: 'http://as.example.com/auth',
        token_endpoint: 'ftp://as.example.com/token',
        jwks_uri: 'not a url',
      }),
    )
    expect(errorsFor(problems, 'authorization_endpoint')).toHaveLength(1)
    expect(errorsFor(problems, 'token_endpoint')[0]?.message).toMatch(/https/)
    expect(errorsFor(problems, 'jwks_uri')[0]?.message).toMatch(/absolute URL/)
  })

  it('needs an issuer or both endpoints', () => {
    expect(errorsFor(validateConfig(config({ issuer: '' })), 'issuer')).toHaveLength(1)
    expect(
      validateConfig(
        config({
          issuer: '',
          authorization_endpoint: 'https://as.example.com/auth',
          token_endpoint: 'https://as.example.com/token',
        }),
      ),
    ).toEqual([])
  })

  it('refuses an issuer with a query or a fragment', () => {
    expect(errorsFor(validateConfig(config({ issuer: 'https://as.example.com/?x=1' })), 'issuer')).toHaveLength(1)
    expect(errorsFor(validateConfig(config({ issuer: 'https://as.example.com/#x' })), 'issuer')).toHaveLength(1)
  })

  it('refuses a fragment in the redirect URI, and a relative or missing one', () => {
    const frag = errorsFor(validateConfig(config({ redirect_uri: 'https://playground.example/#cb' })), 'redirect_uri')
    expect(frag).toHaveLength(1)
    expect(frag[0]?.message).toMatch(/fragment/)
    expect(errorsFor(validateConfig(config({ redirect_uri: '/callback' })), 'redirect_uri')).toHaveLength(1)
    expect(errorsFor(validateConfig(config({ redirect_uri: '' })), 'redirect_uri')).toHaveLength(1)
  })

  it('refuses a resource with a fragment, warns on a query, refuses a relative one', () => {
    const withFragment = validateConfig(config({ resource: 'https://api.example.com/#x' }))
    expect(withFragment).toEqual([expect.objectContaining({ field: 'resource', severity: 'error' })])
    const withQuery = validateConfig(config({ resource: 'https://api.example.com/?v=1' }))
    expect(withQuery).toEqual([expect.objectContaining({ field: 'resource', severity: 'warning' })])
    const relative = validateConfig(config({ resource: 'api' }))
    expect(relative).toEqual([expect.objectContaining({ field: 'resource', severity: 'error' })])
    expect(validateConfig(config({ resource: 'https://api.example.com/v1' }))).toEqual([])
  })

  it('requires a client_id (whitespace does not count)', () => {
    expect(errorsFor(validateConfig(config({ client_id: '' })), 'client_id')).toHaveLength(1)
    expect(errorsFor(validateConfig(config({ client_id: '   ' })), 'client_id')).toHaveLength(1)
  })

  it('requires the client secret for client_secret_basic and client_secret_post only', () => {
    const basic = validateConfig(config({ client_auth: 'client_secret_basic' }))
    expect(errorsFor(basic, 'client_secret')).toHaveLength(1)
    expect(errorsFor(basic, 'client_secret')[0]?.message).toContain('client_secret_basic')
    expect(errorsFor(validateConfig(config({ client_auth: 'client_secret_post' })), 'client_secret')).toHaveLength(1)
    expect(validateConfig(config({ client_auth: 'client_secret_basic' }), 's3cr3t')).toEqual([])
    expect(validateConfig(config({ client_auth: 'none' }))).toEqual([])
  })

  it('refuses extra parameters the playground sets itself', () => {
    for (const k of [
      'response_type',
      'client_id',
      'redirect_uri',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]) {
      const problems = validateConfig(config({ extra_params: [[k, 'x']] }))
      expect(errorsFor(problems, 'extra_params')).toHaveLength(1)
      expect(errorsFor(problems, 'extra_params')[0]?.message).toContain(`"${k}"`)
    }
    expect(
      validateConfig(
        config({
          extra_params: [
            ['prompt', 'consent'],
            ['login_hint', 'a@b.c'],
          ],
        }),
      ),
    ).toEqual([])
  })

  it('warns about response_mode as an extra parameter', () => {
    const problems = validateConfig(config({ extra_params: [['response_mode', 'form_post']] }))
    expect(problems).toEqual([expect.objectContaining({ field: 'extra_params', severity: 'warning' })])
  })
})

describe('share links that set where secrets go', () => {
  const page = 'https://playground.example/app/'
  it('lists endpoints for confirmation, a foreign redirect URI as a warning and a resource as ask-before-token', () => {
    const fromLink = parseShareFragment(
      '#issuer=https%3A%2F%2Fas.example.com&client_id=c&token_endpoint=https%3A%2F%2Fattacker.example%2Ftoken' +
        '&jwks_uri=https%3A%2F%2Fas.example.com%2Fkeys&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&resource=https%3A%2F%2Fapi.evil.example%2F',
    )
    const review = linkSettingsToReview(fromLink, page)
    expect(review.map((s) => [s.field, s.handling, s.origin])).toEqual([
      ['token_endpoint', 'confirm', 'https://attacker.example'],
      ['jwks_uri', 'confirm', 'https://as.example.com'],
      ['redirect_uri', 'warn', 'https://evil.example'],
      ['resource', 'ask-before-token', 'https://api.evil.example'],
    ])
  })

  it('asks nothing for a link that names only the server, or a redirect URI equal to this page', () => {
    const fromLink = parseShareFragment(
      `#issuer=https%3A%2F%2Fas.example.com&client_id=c&scope=openid&client_auth=client_secret_post&mcp=https%3A%2F%2Fmcp.example%2Fmcp&redirect_uri=${encodeURIComponent(page)}`,
    )
    expect(linkSettingsToReview(fromLink, page)).toEqual([])
  })

  it('keeps an endpoint pending while the form holds the link value unchanged and unconfirmed', () => {
    const fromLink = parseShareFragment(
      '#issuer=https%3A%2F%2Fas.example.com&token_endpoint=https%3A%2F%2Fattacker.example%2Ftoken',
    )
    const review = linkSettingsToReview(fromLink, page)
    const c = config({ ...fromLink })
    expect(pendingLinkEndpoints(review, c, false).map((s) => s.field)).toEqual(['token_endpoint'])
    expect(pendingLinkEndpoints(review, c, true)).toEqual([])
    expect(pendingLinkEndpoints(review, { ...c, token_endpoint: '' }, false)).toEqual([])
    expect(pendingLinkEndpoints(review, { ...c, token_endpoint: 'https://as.example.com/token' }, false)).toEqual([])
  })
})

describe('endpointOverrideFinding', () => {
  const discovered = {
    issuer: 'https://as.example.com',
    authorization_endpoint: 'https://as.example.com/authorize',
    token_endpoint: 'https://as.example.com/token',
    jwks_uri: 'https://as.example.com/jwks',
  }
  it('is an error when an endpoint in use is on another origin than the issuer', () => {
    const f = endpointOverrideFinding(config({ token_endpoint: 'https://attacker.example/token' }), discovered)
    expect(f?.id).toBe('endpoint-overridden')
    expect(f?.severity).toBe('error')
    expect(f?.data?.endpoints).toEqual(['token_endpoint'])
    expect(f?.detail).toContain('https://attacker.example')
  })
  it('is a warning when every differing endpoint stays on the issuer origin, one finding for all of them', () => {
    const f = endpointOverrideFinding(
      config({ token_endpoint: 'https://as.example.com/other-token', jwks_uri: 'https://as.example.com/other-jwks' }),
      discovered,
    )
    expect(f?.severity).toBe('warning')
    expect(f?.data?.endpoints).toEqual(['token_endpoint', 'jwks_uri'])
  })
  it('says nothing when the endpoints equal discovery, only fill a gap, or nothing was discovered', () => {
    expect(
      endpointOverrideFinding(config({ token_endpoint: 'https://as.example.com/token' }), discovered),
    ).toBeUndefined()
    expect(
      endpointOverrideFinding(config({ userinfo_endpoint: 'https://as.example.com/me' }), discovered),
    ).toBeUndefined()
    expect(endpointOverrideFinding(config({ token_endpoint: 'https://x.example/token' }), undefined)).toBeUndefined()
  })
})

describe('buildShareFragment never carries a secret', () => {
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
  it('drops a value that holds a secret as is, percent-encoded or base64url-encoded', () => {
    const c = config({
      resource: `https://api.example/?v=${verifier}`,
      scope: `openid ${encodeURIComponent(encodeURIComponent(verifier))}`,
      redirect_uri: `https://p.example/cb?x=${Buffer.from(`v=${verifier}`).toString('base64url')}`,
    })
    const fragment = buildShareFragment(c, [verifier])
    const params = new URLSearchParams(fragment)
    expect(params.get('issuer')).toBe('https://as.example.com')
    expect(params.has('resource')).toBe(false)
    expect(params.has('scope')).toBe(false)
    expect(params.has('redirect_uri')).toBe(false)
    expect(fragment.includes(verifier)).toBe(false)
  })
})
