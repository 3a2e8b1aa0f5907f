import { describe, expect, it } from 'vitest'
import { discover, effectiveMetadata, httpOptions, pickMetadata, wellKnownUrls } from './discovery'
import { defaultConfig } from './config'
import { Recorder, MAX_RECORDED_BODY } from '../platform/recorder'
import * as oauth from 'oauth4webapi'
import type { FlowConfig } from '../model/types'

const ISSUER = 'https://as.example.com'
type Route = Response | Error | (() => Response)

/** A fetch that answers from a table and records every URL asked for. Unknown URLs get 404. */
function fakeFetch(routes: Record<string, Route>) {
  const calls: string[] = []
  const fetch = async (url: string): Promise<Response> => {
    calls.push(url)
    const r = routes[url]
    if (r === undefined) return new Response('not found', { status: 404 })
    if (r instanceof Error) throw r
    return typeof r === 'function' ? r() : r
  }
  return { fetch, calls }
}

function json(body: unknown, status = 200): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

function config(overrides: Partial<FlowConfig> = {}): FlowConfig {
  return { ...defaultConfig('https://playground.example/'), issuer: ISSUER, client_id: 'playground', ...overrides }
}

function recorder(
  fetch: (url: string) => Promise<Response>,
  classify?: ConstructorParameters<typeof Recorder>[0]['classify'],
) {
  return new Recorder({
    fetch,
    step: 'discovery',
    pageOrigin: 'https://playground.example',
    ...(classify ? { classify } : {}),
  })
}

const METADATA = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  code_challenge_methods_supported: ['S256'],
}

describe('wellKnownUrls', () => {
  it('root issuer: RFC 8414, then OIDC', () => {
    const urls = wellKnownUrls('https://as.example.com')
    expect(urls.map((u) => [u.url, u.kind])).toEqual([
      ['https://as.example.com/.well-known/oauth-authorization-server', 'oauth-authorization-server'],
      ['https://as.example.com/.well-known/openid-configuration', 'openid-configuration'],
    ])
    expect(wellKnownUrls('https://as.example.com/').map((u) => u.url)).toEqual(urls.map((u) => u.url))
  })

  it('issuer with a path: RFC 8414 inserted, OIDC inserted, OIDC appended (MCP order)', () => {
    const expected = [
      ['https://as.example.com/.well-known/oauth-authorization-server/tenant1', 'oauth-authorization-server'],
      ['https://as.example.com/.well-known/openid-configuration/tenant1', 'openid-configuration-inserted'],
      ['https://as.example.com/tenant1/.well-known/openid-configuration', 'openid-configuration'],
    ]
    expect(wellKnownUrls('https://as.example.com/tenant1').map((u) => [u.url, u.kind])).toEqual(expected)
    expect(wellKnownUrls('https://as.example.com/tenant1/').map((u) => [u.url, u.kind])).toEqual(expected)
  })

  it('keeps the port', () => {
    expect(wellKnownUrls('http://localhost:3000')[0]?.url).toBe(
      'http://localhost:3000/.well-known/oauth-authorization-server',
    )
  })
})

describe('httpOptions', () => {
  it('allows insecure requests only for loopback http and only when enabled', () => {
    const rec = recorder(async () => new Response(''))
    expect(httpOptions('http://localhost:3000/x', config(), rec)[oauth.allowInsecureRequests]).toBe(true)
    expect(
      httpOptions('http://localhost:3000/x', config({ allow_insecure_loopback: false }), rec)[
        oauth.allowInsecureRequests
      ],
    ).toBe(false)
    expect(httpOptions('http://as.example.com/x', config(), rec)[oauth.allowInsecureRequests]).toBe(false)
    expect(httpOptions('https://as.example.com/x', config(), rec)[oauth.allowInsecureRequests]).toBe(false)
    expect(httpOptions('https://as.example.com/x', config(), rec)[oauth.customFetch]).toBe(rec.fetch)
  })
})

describe('discover', () => {
  it('uses the whole document even when the recorded copy was truncated', async () => {
    const big = {
      ...METADATA,
      service_documentation: `${ISSUER}/docs`,
      claims_supported: ['x'.repeat(MAX_RECORDED_BODY)],
    }
    const f = fakeFetch({ [`${ISSUER}/.well-known/oauth-authorization-server`]: json(big) })
    const rec = recorder(f.fetch)
    const out = await discover(config(), rec)
    expect(rec.exchanges[0]?.response?.bodyTruncated).toBe(true)
    expect(out.metadata?.token_endpoint).toBe(`${ISSUER}/token`)
  })

  it('falls back from a 404 to OIDC discovery and accepts it', async () => {
    const f = fakeFetch({ [`${ISSUER}/.well-known/openid-configuration`]: json(METADATA) })
    const rec = recorder(f.fetch)
    const out = await discover(config(), rec)
    expect(f.calls).toEqual([
      `${ISSUER}/.well-known/oauth-authorization-server`,
      `${ISSUER}/.well-known/openid-configuration`,
    ])
    expect(out.result.attempts.map((a) => [a.url, a.status, a.outcome])).toEqual([
      [`${ISSUER}/.well-known/oauth-authorization-server`, 404, 'not-found'],
      [`${ISSUER}/.well-known/openid-configuration`, 200, 'ok'],
    ])
    expect(out.result.attempts.map((a) => a.exchangeId)).toEqual(rec.exchanges.map((e) => e.id))
    expect(out.result.source).toBe(`${ISSUER}/.well-known/openid-configuration`)
    expect(out.result.document).toEqual(METADATA)
    expect(out.metadata).toEqual({ ...METADATA })
    expect(out.findings).toEqual([])
    expect(rec.exchanges.map((e) => e.label)).toEqual([
      'Discovery: OAuth 2.0 Authorization Server Metadata (RFC 8414 §3)',
      'Discovery: OpenID Connect Discovery 1.0 §4',
    ])
    expect(rec.exchanges[0]?.request.headers).toContainEqual(['accept', 'application/json'])
  })

  it('stops at the first accepted document', async () => {
    const f = fakeFetch({
      [`${ISSUER}/.well-known/oauth-authorization-server`]: json(METADATA),
      [`${ISSUER}/.well-known/openid-configuration`]: json(METADATA),
    })
    const out = await discover(config(), recorder(f.fetch))
    expect(f.calls).toHaveLength(1)
    expect(out.result.attempts).toHaveLength(1)
    expect(out.result.attempts[0]?.kind).toBe('oauth-authorization-server')
  })

  it('tries all three URLs of a path issuer in order, including the inserted OIDC form', async () => {
    const issuer = `${ISSUER}/tenant1`
    const f = fakeFetch({
      [`${ISSUER}/tenant1/.well-known/openid-configuration`]: json({ ...METADATA, issuer }),
    })
    const out = await discover(config({ issuer }), recorder(f.fetch))
    expect(f.calls).toEqual(wellKnownUrls(issuer).map((u) => u.url))
    expect(out.result.attempts.map((a) => a.outcome)).toEqual(['not-found', 'not-found', 'ok'])
    expect(out.metadata?.issuer).toBe(issuer)
  })

  it('reports issuer-mismatch as the cause when nothing else works (no second, generic finding)', async () => {
    const wrong = json({ ...METADATA, issuer: 'https://other.example.com' })
    const f = fakeFetch({ [`${ISSUER}/.well-known/oauth-authorization-server`]: wrong })
    const out = await discover(config(), recorder(f.fetch))
    expect(out.metadata).toBeUndefined()
    expect(out.result.document).toBeUndefined()
    expect(out.findings.map((x) => x.id)).toEqual(['issuer-mismatch'])
    expect(out.result.attempts.map((a) => [a.status, a.outcome])).toEqual([
      [200, 'error'],
      [404, 'not-found'],
    ])
    expect(f.calls).toHaveLength(2)
  })

  it('reports an HTML 200 page and tries the next URL', async () => {
    const f = fakeFetch({
      [`${ISSUER}/.well-known/oauth-authorization-server`]: new Response('<!doctype html><h1>Welcome</h1>', {
        status: 200,
        headers: { 'content-type': 'text/html' },
      }),
      [`${ISSUER}/.well-known/openid-configuration`]: json(METADATA),
    })
    const out = await discover(config(), recorder(f.fetch))
    expect(f.calls).toHaveLength(2)
    expect(out.result.attempts.map((a) => [a.status, a.outcome])).toEqual([
      [200, 'error'],
      [200, 'ok'],
    ])
    // Part of discovery's story: found elsewhere, but clients that try the RFC 8414 URL first stop there.
    expect(out.findings.map((x) => [x.id, x.severity])).toEqual([['discovery-attempt-failed', 'warning']])
    expect(out.findings[0]?.data).toMatchObject({ cause: 'response-not-json' })
    expect(out.findings[0]?.detail).toContain('MCP clients try the RFC 8414 URL first')
    expect(out.metadata?.token_endpoint).toBe(`${ISSUER}/token`)
  })

  it('URLs the browser could not read before the metadata was found are one note, not errors', async () => {
    const f = fakeFetch({
      [`${ISSUER}/.well-known/oauth-authorization-server`]: new TypeError('Failed to fetch'),
      [`${ISSUER}/.well-known/openid-configuration`]: json(METADATA),
    })
    const rec = recorder(f.fetch, async () => ({ verdict: 'blocked-by-cors', detail: 'no ACAO header' }))
    const out = await discover(config(), rec)
    expect(out.metadata?.issuer).toBe(ISSUER)
    expect(out.findings.map((x) => [x.id, x.severity])).toEqual([['discovery-attempt-failed', 'info']])
    expect(out.findings[0]?.data?.urls).toEqual([`${ISSUER}/.well-known/oauth-authorization-server`])
  })

  it('reports discovery-failed when nothing is published (every URL 404), listing each', async () => {
    const out = await discover(config(), recorder(fakeFetch({}).fetch))
    expect(out.findings.map((x) => x.id)).toEqual(['discovery-failed'])
    expect(out.findings[0]?.detail).toContain(`${ISSUER}/.well-known/oauth-authorization-server → 404`)
    expect(out.findings[0]?.fix).toContain('Publish')
  })

  it('when every URL fails, one finding per cause: a 500 is the cause, not a generic discovery-failed', async () => {
    const f = fakeFetch({ [`${ISSUER}/.well-known/openid-configuration`]: new Response('oops', { status: 500 }) })
    const out = await discover(config(), recorder(f.fetch))
    expect(out.metadata).toBeUndefined()
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]?.severity).toBe('error')
    expect(out.findings[0]?.id).not.toBe('discovery-failed')
    expect(out.findings[0]?.data?.urls).toEqual([`${ISSUER}/.well-known/openid-configuration`])
    expect(out.result.attempts.map((a) => a.outcome)).toEqual(['not-found', 'error'])
  })

  it('records a network failure with the CORS verdict of the recorder', async () => {
    const f = fakeFetch({
      [`${ISSUER}/.well-known/oauth-authorization-server`]: new TypeError('Failed to fetch'),
      [`${ISSUER}/.well-known/openid-configuration`]: new TypeError('Failed to fetch'),
    })
    const rec = recorder(f.fetch, async () => ({ verdict: 'blocked-by-cors', detail: 'no ACAO header' }))
    const out = await discover(config(), rec)
    expect(out.result.attempts.map((a) => [a.status, a.outcome, a.note])).toEqual([
      [0, 'network', 'no ACAO header'],
      [0, 'network', 'no ACAO header'],
    ])
    // One cause, one finding; it does not say "publish metadata": the metadata may exist.
    expect(out.findings.map((x) => x.id)).toEqual(['cors-blocked'])
    expect(out.findings[0]?.data).toMatchObject({
      verdict: 'blocked-by-cors',
      urls: [`${ISSUER}/.well-known/oauth-authorization-server`, `${ISSUER}/.well-known/openid-configuration`],
    })
    expect(out.findings[0]?.detail).toContain(
      'from here the metadata and an error page (a 404 without CORS headers) look the same',
    )
    expect(out.findings[0]?.fix).not.toMatch(/publish/i)
  })

  it('reports an unreachable server as endpoint-unreachable', async () => {
    const f = fakeFetch({
      [`${ISSUER}/.well-known/oauth-authorization-server`]: new TypeError('Failed to fetch'),
      [`${ISSUER}/.well-known/openid-configuration`]: new TypeError('Failed to fetch'),
    })
    const rec = recorder(f.fetch, async () => ({ verdict: 'unreachable', detail: 'down' }))
    const out = await discover(config(), rec)
    expect(out.findings.map((x) => x.id)).toEqual(['endpoint-unreachable'])
  })

  it('refuses a plain-http non-loopback issuer without sending anything', async () => {
    const f = fakeFetch({})
    const out = await discover(config({ issuer: 'http://as.example.com' }), recorder(f.fetch))
    expect(f.calls).toEqual([])
    expect(out.metadata).toBeUndefined()
    expect(out.result.attempts.every((a) => a.outcome === 'network' && a.exchangeId === '')).toBe(true)
    expect(out.findings.map((x) => x.id)).toEqual(['insecure-endpoint'])
  })

  it('uses http on loopback when allowed', async () => {
    const issuer = 'http://localhost:3000'
    const f = fakeFetch({ [`${issuer}/.well-known/oauth-authorization-server`]: json({ ...METADATA, issuer }) })
    const out = await discover(config({ issuer }), recorder(f.fetch))
    expect(out.metadata?.issuer).toBe(issuer)
  })
})

describe('pickMetadata', () => {
  it('keeps known members of the right type only', () => {
    const md = pickMetadata(
      {
        issuer: 'https://ignored.example',
        authorization_endpoint: `${ISSUER}/authorize`,
        token_endpoint: 42,
        jwks_uri: { url: 'x' },
        code_challenge_methods_supported: ['S256', 7, 'plain', null],
        scopes_supported: 'openid',
        authorization_response_iss_parameter_supported: 'true',
        require_pushed_authorization_requests: false,
        unknown_member: 'x',
      },
      ISSUER,
    )
    expect(md).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      code_challenge_methods_supported: ['S256', 'plain'],
      require_pushed_authorization_requests: false,
    })
  })

  it('never copies __proto__ or pollutes Object.prototype', () => {
    const doc = JSON.parse(
      `{"__proto__":{"polluted":1,"token_endpoint":"https://evil.example/token"},"issuer":"${ISSUER}"}`,
    )
    const md = pickMetadata(doc, ISSUER)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.hasOwn(md, '__proto__')).toBe(false)
    expect((md as Record<string, unknown>).polluted).toBeUndefined()
    expect(md.token_endpoint).toBeUndefined()
    expect(Object.getPrototypeOf(md)).toBe(Object.prototype)
    expect(md).toEqual({ issuer: ISSUER })
  })

  it("returns a fresh array, not the document's", () => {
    const arr = ['S256']
    const md = pickMetadata({ code_challenge_methods_supported: arr }, ISSUER)
    expect(md.code_challenge_methods_supported).toEqual(['S256'])
    expect(md.code_challenge_methods_supported).not.toBe(arr)
  })
})

describe('effectiveMetadata', () => {
  it('lets hand-entered endpoints win over discovered ones', () => {
    const discovered = { ...METADATA, userinfo_endpoint: `${ISSUER}/me` }
    const md = effectiveMetadata(
      config({ token_endpoint: 'https://proxy.example/token', jwks_uri: 'https://keys.example/jwks' }),
      discovered,
    )
    expect(md.token_endpoint).toBe('https://proxy.example/token')
    expect(md.jwks_uri).toBe('https://keys.example/jwks')
    expect(md.authorization_endpoint).toBe(`${ISSUER}/authorize`)
    expect(md.userinfo_endpoint).toBe(`${ISSUER}/me`)
    expect(discovered.token_endpoint).toBe(`${ISSUER}/token`)
  })

  it('builds metadata from the configuration alone when nothing was discovered', () => {
    const md = effectiveMetadata(
      config({
        authorization_endpoint: `${ISSUER}/a`,
        token_endpoint: `${ISSUER}/t`,
        userinfo_endpoint: `${ISSUER}/u`,
      }),
    )
    expect(md).toEqual({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/a`,
      token_endpoint: `${ISSUER}/t`,
      userinfo_endpoint: `${ISSUER}/u`,
    })
  })
})
