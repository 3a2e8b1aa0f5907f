import { describe, expect, it } from 'vitest'
import { PROBE_CODE, runCorsCheck, type CorsProbeResult, type ProbedEndpoint } from './cors-check'
import { Recorder } from '../platform/recorder'
import { classifyFailure, type Probe } from '../platform/network'
import { defaultConfig } from '../protocol/config'
import type { FlowConfig, ServerMetadata } from '../model/types'
import { dpopHandle, makeDpopKey } from '../protocol/dpop'

const PAGE = 'http://localhost:4173/'
const ORIGIN = 'http://localhost:4173'
const ISSUER = 'https://as.example'
const SERVER_SIDE = 'server-side clients (ChatGPT, Claude connectors) are not subject to CORS'

const METADATA: ServerMetadata = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  userinfo_endpoint: `${ISSUER}/me`,
  revocation_endpoint: `${ISSUER}/token/revocation`,
  introspection_endpoint: `${ISSUER}/token/introspection`,
  registration_endpoint: `${ISSUER}/reg`,
}
const DISCOVERY_URL = `${ISSUER}/.well-known/openid-configuration`

/** What the fake server does with a request: answer (readable), hide the answer (CORS), or be down. */
type Outcome = Response | 'blocked' | 'down'
type Handler = (url: URL, init: RequestInit) => Outcome

interface Call {
  url: string
  method: string
  headers: Record<string, string>
  body: string | undefined
  redirect: RequestRedirect | undefined
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

/** A compliant server: every endpoint answers (readably) what a real one would to the probes. */
const compliant: Handler = (url, init) => {
  const body = typeof init.body === 'string' ? init.body : ''
  switch (url.pathname) {
    case '/.well-known/openid-configuration':
      return json(200, { issuer: ISSUER })
    case '/jwks':
      return json(200, { keys: [] })
    case '/token':
      return json(400, { error: 'invalid_grant' })
    case '/me':
      return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' })
    case '/token/revocation':
      return new URLSearchParams(body).has('token')
        ? new Response('', { status: 200 })
        : json(400, { error: 'invalid_request' })
    case '/token/introspection':
      return json(401, { error: 'invalid_client' })
    case '/reg':
      return json(400, { error: 'invalid_redirect_uri' })
  }
  return json(404, { error: 'not_found' })
}

function setup(opts: {
  handler?: Handler
  override?: (url: URL, init: RequestInit) => Outcome | undefined
  pageUrl?: string
  config?: Partial<FlowConfig>
  metadata?: ServerMetadata
  discoveryUrl?: string | null
  classify?: boolean
  dpop?: boolean
}) {
  const pageUrl = opts.pageUrl ?? PAGE
  const handler = opts.handler ?? compliant
  const calls: Call[] = []
  const probed: string[] = []
  const outcome = (url: string, init: RequestInit): Outcome => {
    const u = new URL(url)
    return opts.override?.(u, init) ?? handler(u, init)
  }
  const fetch = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {}
    new Headers(init.headers).forEach((v, k) => (headers[k] = v))
    calls.push({
      url,
      method: init.method ?? 'GET',
      headers,
      body:
        typeof init.body === 'string'
          ? init.body
          : init.body instanceof URLSearchParams
            ? init.body.toString()
            : undefined,
      redirect: init.redirect,
    })
    const o = outcome(url, init)
    if (o === 'blocked' || o === 'down') throw new TypeError('Failed to fetch')
    return o
  }
  // The no-cors probe: reachable unless the fake server is down for that URL.
  const probe: Probe = async (url) => {
    probed.push(url)
    return outcome(url, { method: 'GET' }) === 'down' ? 'unreachable' : 'reachable'
  }
  const recorder = new Recorder({
    fetch,
    step: 'cors',
    pageOrigin: new URL(pageUrl).origin,
    ...(opts.classify === false
      ? {}
      : { classify: (url: string, init: RequestInit) => classifyFailure(url, init, pageUrl, probe) }),
  })
  const config: FlowConfig = { ...defaultConfig(pageUrl), issuer: ISSUER, client_id: 'app', ...opts.config }
  const run = async () =>
    runCorsCheck({
      ...(opts.dpop ? { dpop: dpopHandle('app', await makeDpopKey('ES256')) } : {}),
      metadata: opts.metadata ?? METADATA,
      ...(opts.discoveryUrl === null ? {} : { discoveryUrl: opts.discoveryUrl ?? DISCOVERY_URL }),
      config,
      pageUrl,
      recorder,
      probe,
    })
  return { run, calls, probed, recorder, config }
}

function row(results: CorsProbeResult[], endpoint: ProbedEndpoint): CorsProbeResult {
  const r = results.find((x) => x.endpoint === endpoint)
  if (!r) throw new Error(`no result for ${endpoint}`)
  return r
}

describe('runCorsCheck', () => {
  it('a compliant server: every endpoint readable, no findings', async () => {
    const { run, calls, recorder } = setup({})
    const { results, findings } = await run()
    expect(results.map((r) => r.endpoint)).toEqual([
      'discovery',
      'jwks',
      'token',
      'userinfo',
      'revocation',
      'introspection',
      'registration',
    ])
    for (const r of results) expect(r.verdict, r.endpoint).toBe('readable')
    expect(findings).toEqual([])
    expect(row(results, 'discovery').status).toBe(200)
    expect(row(results, 'token').status).toBe(400)
    expect(row(results, 'token').errorResponsesCarryCors).toBe(true)
    expect(row(results, 'token').preflight).toBe('not-needed')
    expect(row(results, 'userinfo').preflight).toBe('ok')
    expect(row(results, 'userinfo').errorResponsesCarryCors).toBe(true)
    expect(row(results, 'userinfo').exposedHeaders).toContain('www-authenticate')
    expect(row(results, 'registration').preflight).toBe('ok')
    expect(row(results, 'introspection').errorResponsesCarryCors).toBe(true)
    // Revocation: 200 for the fake token, then an invalid request (no token) readable too.
    expect(row(results, 'revocation').status).toBe(200)
    expect(row(results, 'revocation').errorResponsesCarryCors).toBe(true)
    expect(row(results, 'revocation').exchangeIds).toHaveLength(2)
    expect(row(results, 'discovery').errorResponsesCarryCors).toBe('unknown')
    for (const r of results) {
      expect(r.mustSend[0]).toMatch(new RegExp(`^Access-Control-Allow-Origin: ${ORIGIN}`))
      expect(r.summary.length).toBeGreaterThan(20)
      expect(r.exchangeIds.length).toBeGreaterThan(0)
    }
    // Every probe is a recorded exchange with its own label, and uses redirect: manual.
    expect(recorder.exchanges).toHaveLength(calls.length)
    expect(new Set(recorder.exchanges.map((e) => e.id)).size).toBe(calls.length)
    expect(recorder.exchanges.every((e) => e.label.startsWith('CORS check:'))).toBe(true)
    expect(calls.every((c) => c.redirect === 'manual')).toBe(true)
    const token = recorder.exchanges.find((e) => e.id === row(results, 'token').exchangeIds[0])
    expect(token?.label).toBe('CORS check: token endpoint (fake code, expects an error)')
  })

  it('what each probe sends', async () => {
    const { run, calls, config } = setup({})
    await run()
    const byPath = (p: string) => calls.filter((c) => new URL(c.url).pathname === p)
    const [token] = byPath('/token')
    expect(byPath('/token')).toHaveLength(1) // public client: no Basic probe
    expect(token?.method).toBe('POST')
    expect(token?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    const form = new URLSearchParams(token?.body)
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'authorization_code',
      code: PROBE_CODE,
      redirect_uri: config.redirect_uri,
      client_id: 'app',
      code_verifier: 'x'.repeat(43),
    })
    const [me] = byPath('/me')
    expect(me?.method).toBe('GET')
    expect(me?.headers.authorization).toBe('Bearer pkce-playground-cors-probe')
    const [reg] = byPath('/reg')
    expect(reg?.method).toBe('POST')
    expect(reg?.body).toBe('{}')
    expect(reg?.headers['content-type']).toBe('application/json')
    const [introspection] = byPath('/token/introspection')
    expect(Object.fromEntries(new URLSearchParams(introspection?.body))).toEqual({
      token: 'pkce-playground-cors-probe',
      client_id: 'app',
    })
    const revocations = byPath('/token/revocation')
    expect(revocations.map((c) => c.body)).toEqual(['token=pkce-playground-cors-probe&client_id=app', 'client_id=app'])
    for (const p of ['/.well-known/openid-configuration', '/jwks']) {
      expect(byPath(p)).toHaveLength(1)
      expect(byPath(p)[0]?.method).toBe('GET')
    }
  })

  it('the fake code goes only to the token endpoint (simple and Basic probes), nothing else carries one', async () => {
    const { run, calls } = setup({ config: { client_auth: 'client_secret_basic', client_id: 'app' } })
    await run()
    for (const c of calls) {
      const text = `${c.url} ${c.body ?? ''} ${JSON.stringify(c.headers)}`
      if (text.includes(PROBE_CODE) && /code=/.test(c.body ?? '')) {
        expect(new URL(c.url).pathname).toBe('/token')
        expect(c.method).toBe('POST')
      }
      expect(c.url).not.toContain('code=')
      expect(c.method === 'GET' ? c.body : '').toBeFalsy()
    }
    const tokenCalls = calls.filter((c) => c.body?.includes('code='))
    expect(tokenCalls.map((c) => new URL(c.url).pathname)).toEqual(['/token', '/token'])
    // Nothing but the registration probe has a JSON body, and that body is empty metadata.
    expect(calls.filter((c) => c.headers['content-type'] === 'application/json').map((c) => c.body)).toEqual(['{}'])
  })

  it('token endpoint without CORS: blocked-by-cors, server reachable, an error finding', async () => {
    const { run, probed } = setup({ override: (u) => (u.pathname === '/token' ? 'blocked' : undefined) })
    const { results, findings } = await run()
    const token = row(results, 'token')
    expect(token.verdict).toBe('blocked-by-cors')
    expect(token.status).toBeUndefined()
    expect(token.errorResponsesCarryCors).toBe(false)
    expect(token.mustSend).toEqual([`Access-Control-Allow-Origin: ${ORIGIN}`])
    expect(token.summary).toMatch(/reachable/)
    expect(token.summary).toMatch(/fake code/)
    expect(probed).toEqual([`${ISSUER}/token`])
    expect(findings).toHaveLength(1)
    const f = findings[0]
    expect(f?.id).toBe('cors-blocked')
    expect(f?.severity).toBe('error')
    expect(f?.step).toBe('cors')
    expect(f?.data?.endpoint).toBe('token')
    expect(f?.data?.verdict).toBe('blocked-by-cors')
    expect(f?.detail).toContain(SERVER_SIDE)
    expect(f?.spec).toContain('draft-ietf-oauth-browser-based-apps §6.3.3.4')
    expect(f?.spec).toContain('RFC 9700 §2.6')
    expect(f?.fix).toContain(`Access-Control-Allow-Origin: ${ORIGIN}`)
    // Other endpoints stay readable.
    expect(row(results, 'jwks').verdict).toBe('readable')
  })

  it('JWKS without CORS is an error citing OIDC Discovery §4; introspection a warning', async () => {
    const { run } = setup({
      override: (u) => (u.pathname === '/jwks' || u.pathname === '/token/introspection' ? 'blocked' : undefined),
    })
    const { findings } = await run()
    const jwks = findings.find((f) => f.data?.endpoint === 'jwks')
    expect(jwks?.id).toBe('cors-blocked')
    expect(jwks?.severity).toBe('error')
    expect(jwks?.spec).toContain('OpenID Connect Discovery 1.0 §4')
    const intro = findings.find((f) => f.data?.endpoint === 'introspection')
    expect(intro?.id).toBe('cors-blocked')
    expect(intro?.severity).toBe('warning')
    expect(intro?.detail).toContain(SERVER_SIDE)
  })

  it('an unreachable token endpoint: endpoint-unreachable, not CORS', async () => {
    const metadata = { ...METADATA, token_endpoint: 'http://127.0.0.1:9/token' }
    const { run, calls } = setup({ metadata, override: (u) => (u.port === '9' ? 'down' : undefined) })
    const { results, findings } = await run()
    const token = row(results, 'token')
    expect(token.verdict).toBe('unreachable')
    expect(token.errorResponsesCarryCors).toBe('unknown')
    expect(calls.some((c) => c.url === 'http://127.0.0.1:9/token')).toBe(true) // loopback http allowed
    const f = findings.find((x) => x.data?.endpoint === 'token')
    expect(f?.id).toBe('endpoint-unreachable')
    expect(f?.severity).toBe('error')
    expect(f?.detail).toMatch(/could not reach/i)
    expect(findings.filter((x) => x.id === 'cors-blocked')).toHaveLength(0)
  })

  it('client_secret_basic: a failing preflight is told apart from the simple POST', async () => {
    const { run, calls } = setup({
      config: { client_auth: 'client_secret_basic' },
      override: (u, init) =>
        u.pathname === '/token' && new Headers(init.headers).has('authorization') ? 'blocked' : undefined,
    })
    const { results, findings } = await run()
    const token = row(results, 'token')
    expect(token.preflight).toBe('failed')
    expect(token.verdict).toBe('preflight-failed')
    expect(token.status).toBe(400)
    expect(token.errorResponsesCarryCors).toBe(true)
    expect(token.mustSend).toContain('Access-Control-Allow-Headers: authorization')
    expect(token.exchangeIds).toHaveLength(2)
    const basic = calls.filter((c) => c.url.endsWith('/token') && c.headers.authorization)
    expect(basic).toHaveLength(1)
    expect(basic[0]?.headers.authorization).toBe(`Basic ${btoa('pkce-playground-cors-probe:probe')}`)
    expect(new URLSearchParams(basic[0]?.body).get('code')).toBe(PROBE_CODE)
    expect(new URLSearchParams(basic[0]?.body).has('client_id')).toBe(false)
    const f = findings.find((x) => x.id === 'cors-preflight-failed')
    expect(f?.severity).toBe('error')
    expect(f?.data?.endpoint).toBe('token')
    expect(f?.detail).toMatch(/client_secret_basic/)
    expect(f?.detail).toContain(SERVER_SIDE)
    expect(f?.fix).toContain('authorization')
    expect(findings.filter((x) => x.id === 'cors-blocked')).toHaveLength(0)
  })

  it('client_secret_basic with a working preflight: preflight ok', async () => {
    const { run, calls } = setup({ config: { client_auth: 'client_secret_basic' } })
    const { results, findings } = await run()
    const token = row(results, 'token')
    expect(token.verdict).toBe('readable')
    expect(token.preflight).toBe('ok')
    expect(calls.filter((c) => c.url.endsWith('/token'))).toHaveLength(2)
    expect(findings).toEqual([])
  })

  it('client_secret_basic when the simple POST is blocked: the preflight is not tested', async () => {
    const { run, calls } = setup({
      config: { client_auth: 'client_secret_basic' },
      override: (u) => (u.pathname === '/token' ? 'blocked' : undefined),
    })
    const { results } = await run()
    expect(row(results, 'token').preflight).toBe('not-tested')
    expect(calls.filter((c) => c.url.endsWith('/token'))).toHaveLength(1)
  })

  it('userinfo with a hidden WWW-Authenticate challenge', async () => {
    const { run } = setup({
      override: (u) => (u.pathname === '/me' ? json(401, { error: 'invalid_token' }) : undefined),
    })
    const { results, findings } = await run()
    const me = row(results, 'userinfo')
    expect(me.verdict).toBe('readable')
    expect(me.preflight).toBe('ok')
    expect(me.mustSend).toContain('Access-Control-Expose-Headers: WWW-Authenticate')
    expect(me.summary).toMatch(/may exist but is hidden/)
    const f = findings.find((x) => x.id === 'www-authenticate-not-exposed')
    expect(f?.severity).toBe('info')
    expect(f?.data?.endpoint).toBe('userinfo')
    expect(f?.detail).toContain(SERVER_SIDE)
    expect(findings).toHaveLength(1)
  })

  it('userinfo whose preflight fails', async () => {
    const { run } = setup({ override: (u) => (u.pathname === '/me' ? 'blocked' : undefined) })
    const { results, findings } = await run()
    const me = row(results, 'userinfo')
    expect(me.verdict).toBe('preflight-failed')
    expect(me.preflight).toBe('failed')
    const f = findings.find((x) => x.data?.endpoint === 'userinfo')
    expect(f?.id).toBe('cors-preflight-failed')
    expect(f?.severity).toBe('warning')
  })

  it('registration: JSON body {} (preflighted), and the summary says no client should be created', async () => {
    const { run, calls } = setup({ override: (u) => (u.pathname === '/reg' ? 'blocked' : undefined) })
    const { results, findings } = await run()
    const reg = calls.find((c) => c.url.endsWith('/reg'))
    expect(reg?.body).toBe('{}')
    expect(reg?.headers['content-type']).toBe('application/json')
    const r = row(results, 'registration')
    expect(r.verdict).toBe('preflight-failed')
    expect(r.mustSend).toContain('Access-Control-Allow-Headers: content-type')
    expect(r.summary).toMatch(/without creating a client/)
    expect(findings.find((x) => x.data?.endpoint === 'registration')?.severity).toBe('warning')
  })

  it('registration that accepts {} is called out', async () => {
    const { run } = setup({ override: (u) => (u.pathname === '/reg' ? json(201, { client_id: 'new' }) : undefined) })
    const { results } = await run()
    expect(row(results, 'registration').summary).toMatch(/ACCEPTED an empty registration/)
  })

  it('https page → http endpoints on a public host: mixed content, nothing is sent', async () => {
    const http = 'http://as.example'
    const metadata: ServerMetadata = {
      issuer: http,
      token_endpoint: `${http}/token`,
      jwks_uri: `${http}/jwks`,
      userinfo_endpoint: `${http}/me`,
      registration_endpoint: `${http}/reg`,
    }
    const { run, calls, probed } = setup({
      pageUrl: 'https://playground.example/',
      metadata,
      discoveryUrl: `${http}/.well-known/openid-configuration`,
    })
    const { results, findings } = await run()
    expect(calls).toEqual([])
    expect(probed).toEqual([])
    expect(results).toHaveLength(5)
    for (const r of results) {
      expect(r.verdict).toBe('mixed-content')
      expect(r.exchangeIds).toEqual([])
      expect(r.summary).toMatch(/nothing was sent/)
    }
    const token = findings.find((f) => f.data?.endpoint === 'token')
    expect(token?.id).toBe('endpoint-unreachable')
    expect(token?.data?.verdict).toBe('mixed-content')
    expect(token?.severity).toBe('error')
    expect(findings.find((f) => f.data?.endpoint === 'userinfo')?.severity).toBe('warning')
  })

  it('http on loopback when not allowed, and http on a public host from an http page: not probed', async () => {
    const metadata: ServerMetadata = {
      issuer: 'http://localhost:9000',
      token_endpoint: 'http://localhost:9000/token',
      jwks_uri: 'http://as.example/jwks',
    }
    const { run, calls } = setup({ metadata, discoveryUrl: null, config: { allow_insecure_loopback: false } })
    const { results, findings } = await run()
    expect(calls).toEqual([])
    expect(results.map((r) => r.verdict)).toEqual(['not-checked', 'not-checked'])
    expect(findings.map((f) => f.id)).toEqual(['cors-check-skipped', 'cors-check-skipped'])
    expect(findings.every((f) => f.severity === 'info')).toBe(true)
  })

  it('a public page calling a private address that refuses: local-network', async () => {
    const metadata: ServerMetadata = { issuer: 'https://10.0.0.5', token_endpoint: 'https://10.0.0.5/token' }
    const { run } = setup({
      pageUrl: 'https://playground.example/',
      metadata,
      discoveryUrl: null,
      handler: () => 'down',
    })
    const { results, findings } = await run()
    expect(row(results, 'token').verdict).toBe('local-network')
    expect(findings[0]?.id).toBe('endpoint-unreachable')
    expect(findings[0]?.data?.verdict).toBe('local-network')
    expect(findings[0]?.detail).toMatch(/Local Network Access/)
  })

  it('an endpoint that redirects (opaqueredirect): redirected', async () => {
    const { run } = setup({
      override: (u) => {
        if (u.pathname !== '/token') return undefined
        const res = new Response(null, { status: 302, headers: { location: 'https://as.example/token/' } })
        Object.defineProperty(res, 'type', { value: 'opaqueredirect' })
        return res
      },
    })
    const { results, findings } = await run()
    const token = row(results, 'token')
    expect(token.verdict).toBe('redirected')
    expect(token.status).toBeUndefined()
    const f = findings.find((x) => x.data?.endpoint === 'token')
    expect(f?.id).toBe('endpoint-redirected')
    expect(f?.data?.verdict).toBe('redirected')
  })

  it('revocation: success readable but errors blocked → error responses without CORS', async () => {
    const { run } = setup({
      override: (u, init) =>
        u.pathname === '/token/revocation' && !String(init.body).includes('token=') ? 'blocked' : undefined,
    })
    const { results, findings } = await run()
    const r = row(results, 'revocation')
    expect(r.verdict).toBe('readable')
    expect(r.errorResponsesCarryCors).toBe(false)
    const f = findings.find((x) => x.id === 'cors-error-responses-without-cors')
    expect(f?.severity).toBe('warning')
    expect(f?.data?.endpoint).toBe('revocation')
    expect(f?.detail).toContain(SERVER_SIDE)
    expect(findings).toHaveLength(1)
  })

  it('introspection answering 200 (active: false) gets an error follow-up too', async () => {
    const { run, calls } = setup({
      override: (u, init) => {
        if (u.pathname !== '/token/introspection') return undefined
        return String(init.body).includes('token=')
          ? json(200, { active: false })
          : json(400, { error: 'invalid_request' })
      },
    })
    const { results, findings } = await run()
    const r = row(results, 'introspection')
    expect(r.status).toBe(200)
    expect(r.errorResponsesCarryCors).toBe(true)
    expect(r.exchangeIds).toHaveLength(2)
    expect(calls.filter((c) => c.url.endsWith('/token/introspection')).map((c) => c.body)).toEqual([
      'token=pkce-playground-cors-probe&client_id=app',
      'client_id=app',
    ])
    expect(findings).toEqual([])
  })

  it('endpoints the metadata does not name are skipped; discovery only with its URL', async () => {
    const { run, calls } = setup({
      metadata: { issuer: ISSUER, token_endpoint: `${ISSUER}/token` },
      discoveryUrl: null,
    })
    const { results } = await run()
    expect(results.map((r) => r.endpoint)).toEqual(['token'])
    expect(calls).toHaveLength(1)
  })

  it('without a classifier on the recorder, the probe still classifies (and fills the record)', async () => {
    const { run, recorder } = setup({
      classify: false,
      override: (u) => (u.pathname === '/token' ? 'blocked' : undefined),
    })
    const { results } = await run()
    const token = row(results, 'token')
    expect(token.verdict).toBe('blocked-by-cors')
    const ex = recorder.exchanges.find((e) => e.id === token.exchangeIds[0])
    expect(ex?.cors).toBe('blocked-by-cors')
    expect(ex?.error?.name).toBe('TypeError')
  })

  it('results are plain JSON', async () => {
    const { run } = setup({ override: (u) => (u.pathname === '/token' ? 'blocked' : undefined) })
    const out = await run()
    expect(JSON.parse(JSON.stringify(out))).toEqual(out)
  })

  describe('with DPoP on', () => {
    const withDpop = (init: RequestInit) => new Headers(init.headers).has('dpop')

    it('probes the token endpoint with a real proof of a throwaway key: preflight ok, no nonce asked, no finding', async () => {
      const { run, calls } = setup({ dpop: true })
      const { results, findings } = await run()
      const proofCall = calls.find((c) => c.url.endsWith('/token') && c.headers.dpop)
      expect(proofCall?.body).toContain('grant_type=refresh_token')
      expect(proofCall?.headers.dpop?.split('.')).toHaveLength(3)
      expect(row(results, 'token').dpop).toEqual({ preflight: 'ok', nonce: 'not-asked' })
      expect(row(results, 'token').mustSend).toContain('Access-Control-Allow-Headers: dpop')
      expect(findings).toEqual([])
    })

    it('a preflight that refuses "dpop": the request without it is readable, so the preflight is named for sure', async () => {
      const { run } = setup({
        dpop: true,
        override: (url, init) => (url.pathname === '/token' && withDpop(init) ? 'blocked' : undefined),
      })
      const { results, findings } = await run()
      expect(row(results, 'token').dpop?.preflight).toBe('failed')
      expect(findings.map((f) => [f.id, f.severity, f.step])).toEqual([['dpop-preflight-refused', 'error', 'cors']])
      expect(findings[0]?.data).toMatchObject({ confirmed: true })
    })

    it('use_dpop_nonce with DPoP-Nonce hidden is the classic browser-only failure; exposed, nothing to say', async () => {
      const nonce = (headers: Record<string, string>) =>
        setup({
          dpop: true,
          override: (url, init) =>
            url.pathname === '/token' && withDpop(init) ? json(400, { error: 'use_dpop_nonce' }, headers) : undefined,
        })
      const hidden = await (await nonce({})).run()
      expect(row(hidden.results, 'token').dpop).toEqual({ preflight: 'ok', nonce: 'hidden' })
      expect(hidden.findings.map((f) => [f.id, f.severity])).toEqual([['dpop-nonce-not-exposed', 'warning']])
      const exposed = await nonce({ 'dpop-nonce': 'n-1' }).run()
      expect(row(exposed.results, 'token').dpop).toEqual({ preflight: 'ok', nonce: 'exposed' })
      expect(exposed.findings).toEqual([])
    })
  })
})
