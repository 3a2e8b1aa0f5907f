/**
 * The MCP way in, against REAL servers: the demo oidc-provider (tests/servers/authorization-server.mjs)
 * and the test MCP server built with the official SDK (tests/servers/mcp-server.mjs), both on free
 * ports. Node sends no Origin and enforces no CORS; `browserFetch` below emulates what a browser lets
 * the page see (CORS check, exposed headers only) for the CORS cases.
 */
import { createHash, randomBytes } from 'node:crypto'
import { authorizeOverHttp } from '../../../tests/unit/http-login'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import { startAuthorizationServer } from '../../../tests/servers/authorization-server.mjs'
import { startMcpServer } from '../../../tests/servers/mcp-server.mjs'
import { Recorder, type FetchLike } from '../platform/recorder'
import {
  canonicalMcpUrl,
  chooseScopes,
  crossChecks,
  diffRegistration,
  discoverProtectedResource,
  mcpSession,
  parseMcpBody,
  probeMcp,
  prmWellKnownUrls,
  registerClient,
} from '.'
import { defaultConfig } from '../protocol/config'
import { discover } from '../protocol/discovery'
import type { Finding, FlowConfig, ServerMetadata, StepRef } from '../model/types'

const ORIGIN = 'http://localhost:4173'
const REDIRECT_URI = `${ORIGIN}/`
const OPTS = { allowInsecureLoopback: true }

/** The FlowConfig the playground's discovery step (protocol/discovery.ts) reads for an MCP issuer. */
function asConfig(issuer: string): FlowConfig {
  return { ...defaultConfig('http://localhost/'), scope: '', redirect_uri: '', issuer, allow_insecure_loopback: true }
}

interface Started {
  url: string
  close(): Promise<void>
}
interface McpStarted extends Started {
  base: string
  variantUrl(v: string): string
}

let as: Started
let mcp: McpStarted

beforeAll(async () => {
  as = await startAuthorizationServer({ port: 0, playgroundOrigins: [ORIGIN] })
  mcp = await startMcpServer({ port: 0, issuer: as.url, playgroundOrigins: [ORIGIN] })
}, 30_000)
afterAll(async () => {
  await mcp?.close()
  await as?.close()
})

function recorder(step: StepRef, fetchImpl: FetchLike = (u, i) => fetch(u, i)) {
  return new Recorder({ fetch: fetchImpl, step, pageOrigin: ORIGIN })
}

const ids = (findings: Finding[]) => findings.map((f) => f.id)

/**
 * A fetch that behaves like a browser page at ORIGIN: sends Origin, throws TypeError when the
 * response (or preflight) lacks Access-Control-Allow-Origin, and shows only safelisted and exposed
 * headers, with response.type "cors".
 */
const browserFetch: FetchLike = async (url, init = {}) => {
  const headers = new Headers(init.headers)
  headers.set('origin', ORIGIN)
  const method = (init.method ?? 'GET').toUpperCase()
  const simple = ['GET', 'HEAD'].includes(method) && [...headers.keys()].every((k) => ['accept', 'origin'].includes(k))
  if (!simple) {
    const pre = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': method,
        'access-control-request-headers': [...headers.keys()].filter((k) => k !== 'origin').join(','),
      },
    })
    if (pre.headers.get('access-control-allow-origin') !== ORIGIN) throw new TypeError('Failed to fetch (preflight)')
  }
  const res = await fetch(url, { ...init, headers })
  const acao = res.headers.get('access-control-allow-origin')
  if (acao !== ORIGIN && acao !== '*') {
    await res.body?.cancel()
    throw new TypeError('Failed to fetch')
  }
  const exposed = new Set(
    (res.headers.get('access-control-expose-headers') ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  )
  const safelisted = [
    'cache-control',
    'content-language',
    'content-length',
    'content-type',
    'expires',
    'last-modified',
    'pragma',
  ]
  const visible = new Headers()
  res.headers.forEach((v, k) => {
    if (safelisted.includes(k) || exposed.has(k)) visible.set(k, v)
  })
  const out = new Response([101, 204, 205, 304].includes(res.status) ? null : res.body, {
    status: res.status,
    statusText: res.statusText,
    headers: visible,
  })
  Object.defineProperty(out, 'type', { value: 'cors' })
  Object.defineProperty(out, 'url', { value: res.url })
  return out
}

// ---- a real authorization-code + PKCE flow over HTTP (as tests/servers/smoke.mjs does) -------------

/** Runs the authorization request, the login and the consent; returns the callback URL. */
const authorize = (authorizationEndpoint: string, params: Record<string, string>): Promise<URL> =>
  authorizeOverHttp(authorizationEndpoint, params, REDIRECT_URI)

async function getToken(metadata: ServerMetadata, clientId: string, resource: string, scope?: string) {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const params: Record<string, string> = {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource,
  }
  if (scope) params['scope'] = scope
  const cb = await authorize(metadata.authorization_endpoint ?? '', params)
  const code = cb.searchParams.get('code')
  if (!code) throw new Error(`no code: ${cb.href}`)
  const res = await fetch(metadata.token_endpoint ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: clientId,
      code_verifier: verifier,
      resource,
    }),
  })
  const json = (await res.json()) as Record<string, unknown>
  expect(res.status, JSON.stringify(json)).toBe(200)
  return json as { access_token: string; scope?: string }
}

// ---------------------------------------------------------------------------------------------

describe('helpers', () => {
  it('canonicalMcpUrl lower-cases the host, drops the fragment, keeps the path', () => {
    expect(canonicalMcpUrl('HTTPS://Example.COM/mcp#x')).toBe('https://example.com/mcp')
    expect(canonicalMcpUrl('https://example.com/')).toBe('https://example.com')
    expect(canonicalMcpUrl('https://example.com/mcp/')).toBe('https://example.com/mcp/')
  })

  it('prmWellKnownUrls: path form, then root', () => {
    expect(prmWellKnownUrls('https://example.com/public/mcp').map((u) => u.url)).toEqual([
      'https://example.com/.well-known/oauth-protected-resource/public/mcp',
      'https://example.com/.well-known/oauth-protected-resource',
    ])
    expect(prmWellKnownUrls('https://example.com').map((u) => u.url)).toEqual([
      'https://example.com/.well-known/oauth-protected-resource',
    ])
  })

  it('chooseScopes: challenge, else PRM scopes_supported, else omit', () => {
    const prm = { resource: 'x', scopes_supported: ['a', 'b'] }
    expect(chooseScopes({ scheme: 'bearer', scope: 'files:read', raw: '' }, prm)).toMatchObject({
      scope: 'files:read',
      source: 'challenge',
    })
    expect(chooseScopes({ scheme: 'bearer', raw: '' }, prm)).toMatchObject({ scope: 'a b', source: 'prm' })
    expect(chooseScopes(undefined, { resource: 'x' })).toEqual(expect.objectContaining({ source: 'none' }))
    expect(chooseScopes(undefined, { resource: 'x' }).scope).toBeUndefined()
  })

  it('parseMcpBody reads JSON and SSE bodies', () => {
    expect(parseMcpBody('application/json', '{"jsonrpc":"2.0","id":1,"result":{}}')).toEqual([
      { jsonrpc: '2.0', id: 1, result: {} },
    ])
    const sse =
      'event: message\nid: 1\ndata: {"jsonrpc":"2.0",\ndata: "id":2,"result":{"tools":[]}}\n\n: keep-alive\n\n'
    expect(parseMcpBody('text/event-stream', sse)).toEqual([{ jsonrpc: '2.0', id: 2, result: { tools: [] } }])
  })

  it('diffRegistration reports changed and defaulted members', () => {
    expect(
      diffRegistration(
        { token_endpoint_auth_method: 'none', redirect_uris: ['a'], client_name: 'x' },
        { redirect_uris: ['a'], client_name: 'y' },
      ).map((c) => c.field),
    ).toEqual(['token_endpoint_auth_method', 'client_name'])
  })

  it('crossChecks: audience and scopes', () => {
    const r = 'https://mcp.example.com/mcp'
    expect(crossChecks({ resource: r, accessTokenClaims: { aud: [r, 'x'] } })).toEqual([])
    expect(ids(crossChecks({ resource: r, accessTokenClaims: { aud: 'pkce-playground' } }))).toEqual([
      'access-token-audience-mismatch',
    ])
    expect(ids(crossChecks({ resource: r, challengeScope: 'read write', grantedScope: 'read' }))).toEqual([
      'granted-scope-narrower',
    ])
    expect(crossChecks({ resource: r, challengeScope: 'read', grantedScope: undefined })).toEqual([])
    expect(crossChecks({ resource: r, challengeScope: 'read', grantedScope: 'read write' })).toEqual([])
  })
})

describe('the compliant MCP server, end to end', () => {
  it('probe → 401 with a parsed Bearer challenge', async () => {
    const rec = recorder('mcp-probe')
    const probe = await probeMcp(mcp.url, rec, OPTS)
    expect(probe.status).toBe(401)
    expect(probe.wwwAuthenticateVisible).toBe(true)
    expect(probe.challenge).toMatchObject({
      scheme: 'bearer',
      resource_metadata: `${mcp.base}/.well-known/oauth-protected-resource/mcp`,
      scope: 'openid',
    })
    expect(probe.findings).toEqual([])
    const ex = rec.exchanges[0]
    expect(ex?.request.method).toBe('POST')
    expect(JSON.parse(ex?.request.body ?? '{}')).toMatchObject({
      method: 'initialize',
      params: { protocolVersion: '2025-11-25' },
    })
    expect(ex?.request.headers).toContainEqual(['mcp-protocol-version', '2025-11-25'])
  })

  it('the probe through a browser: CORS passes and WWW-Authenticate is exposed', async () => {
    const probe = await probeMcp(mcp.url, recorder('mcp-probe', browserFetch), OPTS)
    expect(probe.status).toBe(401)
    expect(probe.challenge?.resource_metadata).toBeTruthy()
    expect(probe.findings).toEqual([])
  })

  it('refuses an http URL that is not loopback, or loopback without the option', async () => {
    expect(ids((await probeMcp('http://example.com/mcp', recorder('mcp-probe'), OPTS)).findings)).toEqual([
      'mcp-url-invalid',
    ])
    expect(ids((await probeMcp(mcp.url, recorder('mcp-probe'), {})).findings)).toEqual(['mcp-url-invalid'])
  })

  it('PRM from the challenge URL, AS metadata, DCR, token, initialize + tools/list, cross-checks', async () => {
    const probe = await probeMcp(mcp.url, recorder('mcp-probe'), OPTS)
    const rec = recorder('mcp-discovery')
    const prm = await discoverProtectedResource(mcp.url, probe.challenge, rec, OPTS)
    expect(prm.findings).toEqual([])
    expect(prm.source).toBe(probe.challenge?.resource_metadata)
    expect(prm.attempts.map((a) => [a.kind, a.outcome])).toEqual([['challenge', 'ok']])
    expect(prm.prm?.resource).toBe(mcp.url)
    expect(prm.resource).toBe(mcp.url)
    expect(prm.prm?.authorization_servers).toEqual([as.url])

    const asd = await discover(asConfig(prm.prm?.authorization_servers?.[0] ?? ''), rec)
    expect(asd.findings).toEqual([])
    const metadata = asd.metadata as ServerMetadata
    expect(metadata.code_challenge_methods_supported).toContain('S256')
    expect(metadata.registration_endpoint).toBe(`${as.url}/reg`)

    const scopes = chooseScopes(probe.challenge, prm.prm)
    expect(scopes).toMatchObject({ scope: 'openid', source: 'challenge' })

    const regRec = recorder('registration')
    const reg = await registerClient(metadata, {
      redirectUri: REDIRECT_URI,
      recorder: regRec,
      allowInsecureLoopback: true,
    })
    expect(reg.findings).toEqual([])
    expect(reg.method).toBe('dcr')
    expect(reg.status).toBe(201)
    expect(reg.client_id).toBeTruthy()
    expect(reg.token_endpoint_auth_method).toBe('none')
    expect(reg.changes).toEqual([])
    const sent = JSON.parse(regRec.exchanges[0]?.request.body ?? '{}')
    expect(sent).toMatchObject({
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      redirect_uris: [REDIRECT_URI],
    })

    const token = await getToken(metadata, reg.client_id ?? '', prm.resource, scopes.scope)
    const claims = decodeJwt(token.access_token)
    expect(claims.aud).toBe(mcp.url)
    expect(
      crossChecks({
        accessTokenClaims: claims,
        resource: prm.resource,
        challengeScope: scopes.scope,
        grantedScope: token.scope,
      }),
    ).toEqual([])

    const toolsRec = recorder('mcp-tools')
    const session = await mcpSession(mcp.url, token.access_token, toolsRec, OPTS)
    expect(session.findings).toEqual([])
    expect(session.ok).toBe(true)
    expect(session.serverInfo?.name).toBe('pkce-playground-test-mcp')
    expect(session.protocolVersion).toBe('2025-11-25')
    expect(session.sessionId).toBeTruthy()
    expect(session.tools.map((t) => t.name).sort()).toEqual(['echo', 'time'])
    expect(session.tools.find((t) => t.name === 'echo')?.description).toMatch(/echo/i)
    // every request recorded, token in the Authorization header only
    expect(toolsRec.exchanges.map((e) => e.label)).toEqual([
      'MCP: initialize with the access token',
      'MCP: notifications/initialized',
      'MCP: tools/list',
    ])
    expect(toolsRec.exchanges[0]?.response?.headers).toContainEqual(['content-type', 'text/event-stream'])
    for (const e of toolsRec.exchanges) {
      expect(e.request.headers).toContainEqual(['authorization', `Bearer ${token.access_token}`])
      expect(e.request.url).toBe(mcp.url)
    }
    expect(toolsRec.exchanges[2]?.request.headers).toContainEqual(['mcp-session-id', session.sessionId ?? ''])

    // the same token through a browser-like fetch; and a JSON-answering variant
    const viaBrowser = await mcpSession(mcp.url, token.access_token, recorder('mcp-tools', browserFetch), OPTS)
    expect(viaBrowser.ok).toBe(true)
    expect(viaBrowser.findings).toEqual([])

    const jsonUrl = mcp.variantUrl('json-response')
    const t2 = await getToken(metadata, reg.client_id ?? '', jsonUrl, 'openid')
    const jsonRec = recorder('mcp-tools')
    const s2 = await mcpSession(jsonUrl, t2.access_token, jsonRec, OPTS)
    expect(s2.ok).toBe(true)
    expect(s2.tools).toHaveLength(2)
    expect(jsonRec.exchanges[0]?.response?.headers.find(([k]) => k === 'content-type')?.[1]).toMatch(
      /^application\/json/,
    )
  }, 30_000)

  it('a token for another resource is refused: mcp-token-rejected + access-token-audience-mismatch', async () => {
    const rec = recorder('mcp-discovery')
    const { metadata } = await discover(asConfig(as.url), rec)
    const m = metadata as ServerMetadata
    const reg = await registerClient(m, {
      redirectUri: REDIRECT_URI,
      recorder: recorder('registration'),
      allowInsecureLoopback: true,
    })
    const other = `${mcp.base}/other`
    const token = await getToken(m, reg.client_id ?? '', other, 'openid')
    const session = await mcpSession(mcp.url, token.access_token, recorder('mcp-tools'), OPTS)
    expect(session.ok).toBe(false)
    expect(ids(session.findings)).toEqual(['mcp-token-rejected'])
    expect(session.findings[0]?.data).toMatchObject({ status: 401, error: 'invalid_token' })
    expect(session.findings[0]?.detail).toMatch(/aud/)
    const cc = crossChecks({ accessTokenClaims: decodeJwt(token.access_token), resource: mcp.url })
    expect(ids(cc)).toEqual(['access-token-audience-mismatch'])
  }, 30_000)
})

describe('MCP server variants (faults)', () => {
  async function probeAndPrm(variant: string, fetchImpl?: FetchLike) {
    const url = mcp.variantUrl(variant)
    const probe = await probeMcp(url, recorder('mcp-probe', fetchImpl), OPTS)
    const prm = await discoverProtectedResource(url, probe.challenge, recorder('mcp-discovery', fetchImpl), OPTS)
    return { url, probe, prm }
  }

  it('no-prm → prm-missing, listing the URLs tried', async () => {
    const { probe, prm } = await probeAndPrm('no-prm')
    expect(probe.findings).toEqual([])
    expect(prm.prm).toBeUndefined()
    // the challenge names the path-inserted URL, so it is not requested twice; the root form
    // describes the compliant /mcp, a different resource
    expect(prm.attempts.map((a) => a.kind)).toEqual(['challenge', 'root'])
    expect(prm.attempts.map((a) => a.outcome)).toEqual(['not-found', 'mismatch'])
    expect(ids(prm.findings)).toContain('prm-missing')
    expect(ids(prm.findings)).toContain('prm-challenge-url-failed')
    const missing = prm.findings.find((f) => f.id === 'prm-missing')
    expect(missing?.severity).toBe('error')
    expect(missing?.data?.['urls']).toHaveLength(2)
  })

  it('no-challenge-metadata → warning, then the path-inserted well-known URL', async () => {
    const { probe, prm, url } = await probeAndPrm('no-challenge-metadata')
    expect(ids(probe.findings)).toEqual(['mcp-challenge-no-resource-metadata'])
    expect(probe.challenge?.scope).toBe('openid')
    expect(prm.findings).toEqual([])
    expect(prm.attempts.map((a) => [a.kind, a.outcome])).toEqual([['path', 'ok']])
    expect(prm.prm?.resource).toBe(url)
  })

  it('prm-resource-mismatch → error, metadata not used', async () => {
    const { prm } = await probeAndPrm('prm-resource-mismatch')
    expect(prm.prm).toBeUndefined()
    const f = prm.findings.find((x) => x.id === 'prm-resource-mismatch')
    expect(f?.severity).toBe('error')
    expect(f?.data?.['actual']).toBe(`${mcp.base}/`)
    expect(ids(prm.findings)).toContain('prm-missing')
  })

  it('prm-resource-not-exact → accepted by oauth4webapi, but a warning for the string difference', async () => {
    const { prm } = await probeAndPrm('prm-resource-not-exact')
    expect(prm.prm).toBeDefined()
    expect(prm.findings.map((f) => [f.id, f.severity])).toEqual([['prm-resource-mismatch', 'warning']])
  })

  it('prm-no-authorization-servers → error', async () => {
    const { prm } = await probeAndPrm('prm-no-authorization-servers')
    expect(prm.findings.map((f) => [f.id, f.severity])).toEqual([['prm-no-authorization-servers', 'error']])
  })

  it('no-expose (browser) → mcp-www-authenticate-not-exposed; the PRM is still found at the well-known URL', async () => {
    const { probe, prm } = await probeAndPrm('no-expose', browserFetch)
    expect(probe.status).toBe(401)
    expect(probe.wwwAuthenticateVisible).toBe(false)
    expect(probe.challenge).toBeUndefined()
    expect(ids(probe.findings)).toEqual(['mcp-www-authenticate-not-exposed'])
    expect(prm.prm).toBeDefined()
    // in Node (no CORS filtering) the same server's header is readable
    const node = await probeMcp(mcp.variantUrl('no-expose'), recorder('mcp-probe'), OPTS)
    expect(node.challenge?.resource_metadata).toBeTruthy()
  })

  it('no-cors (browser) → mcp-unreachable', async () => {
    const probe = await probeMcp(mcp.variantUrl('no-cors'), recorder('mcp-probe', browserFetch), OPTS)
    expect(probe.status).toBe(0)
    expect(ids(probe.findings)).toEqual(['mcp-unreachable'])
  })

  it('an unknown path → mcp-probe-unexpected-status', async () => {
    const probe = await probeMcp(`${mcp.base}/nope`, recorder('mcp-probe'), OPTS)
    expect(probe.status).toBe(404)
    expect(ids(probe.findings)).toEqual(['mcp-probe-unexpected-status'])
  })
})

// ---- canned responses for what the real servers do right -----------------------------------------

function canned(routes: Record<string, () => Response>): FetchLike {
  return async (url) => {
    const r = routes[url]
    if (!r)
      return new Response('{"error":"not_found"}', { status: 404, headers: { 'content-type': 'application/json' } })
    return r()
  }
}
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

describe('canned server faults', () => {
  const issuer = 'https://as.example.com'
  const meta = (extra: Record<string, unknown> = {}) => ({
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    ...extra,
  })

  it('probe: 200 → mcp-no-auth-required; 403 → unexpected status; 401 without header → www-authenticate-missing', async () => {
    const u = 'https://mcp.example.com/mcp'
    const ok = await probeMcp(
      u,
      recorder('mcp-probe', canned({ [u]: () => json(200, { jsonrpc: '2.0', id: 1, result: {} }) })),
    )
    expect(ok.findings.map((f) => [f.id, f.severity])).toEqual([['mcp-no-auth-required', 'info']])
    const forbidden = await probeMcp(u, recorder('mcp-probe', canned({ [u]: () => json(403, {}) })))
    expect(ids(forbidden.findings)).toEqual(['mcp-probe-unexpected-status'])
    const bare = await probeMcp(u, recorder('mcp-probe', canned({ [u]: () => json(401, {}) })))
    expect(ids(bare.findings)).toEqual(['www-authenticate-missing'])
    const basic = await probeMcp(
      u,
      recorder('mcp-probe', canned({ [u]: () => json(401, {}, { 'www-authenticate': 'Basic realm="x"' }) })),
    )
    expect(ids(basic.findings)).toEqual(['mcp-challenge-not-bearer'])
    const quoted = await probeMcp(
      u,
      recorder(
        'mcp-probe',
        canned({
          [u]: () =>
            json(
              401,
              {},
              {
                'www-authenticate': 'Bearer realm="a, b", resource_metadata="https://mcp.example.com/prm", scope="x y"',
              },
            ),
        }),
      ),
    )
    expect(quoted.challenge).toMatchObject({ resource_metadata: 'https://mcp.example.com/prm', scope: 'x y' })
  })

  it('registration priority: pre-registered → CIMD → DCR → unavailable', async () => {
    const rec = recorder('registration', canned({}))
    const m = meta({ client_id_metadata_document_supported: true }) as ServerMetadata
    const pre = await registerClient(m, {
      preRegisteredClientId: 'abc',
      cimdUrl: 'https://pg.example/client-metadata.json',
      redirectUri: REDIRECT_URI,
      recorder: rec,
    })
    expect([pre.method, pre.client_id]).toEqual(['pre-registered', 'abc'])
    const cimd = await registerClient(m, {
      cimdUrl: 'https://pg.example/client-metadata.json',
      redirectUri: REDIRECT_URI,
      recorder: rec,
    })
    expect([cimd.method, cimd.client_id]).toEqual(['cimd', 'https://pg.example/client-metadata.json'])
    expect(rec.exchanges).toHaveLength(0)
    const none = await registerClient(meta({ registration_endpoint: undefined }) as ServerMetadata, {
      redirectUri: REDIRECT_URI,
      recorder: rec,
    })
    expect(none.method).toBe('none')
    expect(none.findings.map((f) => [f.id, f.severity])).toEqual([['registration-unavailable', 'error']])
  })

  it('CIMD supported but no https document → cimd-not-configured, then DCR', async () => {
    const f = canned({
      [`${issuer}/register`]: () =>
        json(201, {
          client_id: 'dyn',
          ...{
            redirect_uris: [REDIRECT_URI],
            token_endpoint_auth_method: 'none',
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            application_type: 'web',
            client_name: 'PKCE Playground',
          },
        }),
    })
    const r = await registerClient(meta({ client_id_metadata_document_supported: true }) as ServerMetadata, {
      cimdUrl: 'http://localhost:4173/client-metadata.json',
      redirectUri: REDIRECT_URI,
      recorder: recorder('registration', f),
    })
    expect(r.method).toBe('dcr')
    expect(r.client_id).toBe('dyn')
    expect(ids(r.findings)).toEqual(['cimd-not-configured'])
  })

  it('DCR lint: 200 → registration-status-not-201 (goes on); auth method changed → error; invalid_redirect_uri → registration-rejected', async () => {
    const reg = `${issuer}/register`
    const m = meta() as ServerMetadata
    const ok200 = await registerClient(m, {
      redirectUri: REDIRECT_URI,
      recorder: recorder(
        'registration',
        canned({ [reg]: () => json(200, { client_id: 'c200', token_endpoint_auth_method: 'none' }) }),
      ),
    })
    expect(ok200.client_id).toBe('c200')
    expect(ok200.findings.map((f) => [f.id, f.severity])).toEqual([['registration-status-not-201', 'warning']])

    const changed = await registerClient(m, {
      redirectUri: REDIRECT_URI,
      recorder: recorder(
        'registration',
        canned({
          [reg]: () =>
            json(201, {
              client_id: 'cb',
              client_secret: 's',
              client_secret_expires_at: 0,
              token_endpoint_auth_method: 'client_secret_basic',
              redirect_uris: [REDIRECT_URI],
            }),
        }),
      ),
    })
    expect(changed.client_secret_issued).toBe(true)
    expect(changed.token_endpoint_auth_method).toBe('client_secret_basic')
    const f = changed.findings.find((x) => x.id === 'registration-changed-metadata')
    expect(f?.severity).toBe('error')
    expect(f?.title).toMatch(/client_secret_basic/)

    const renamed = await registerClient(m, {
      redirectUri: REDIRECT_URI,
      recorder: recorder(
        'registration',
        canned({
          [reg]: () =>
            json(201, {
              client_id: 'cn',
              token_endpoint_auth_method: 'none',
              redirect_uris: [REDIRECT_URI],
              client_name: 'Something else',
            }),
        }),
      ),
    })
    expect(renamed.findings.map((x) => [x.id, x.severity])).toEqual([['registration-changed-metadata', 'warning']])

    // The member omitted and no secret issued: the client can only be public. A warning about the
    // omission (RFC 7591 §3.2.1), not an error that the token request will fail.
    const omitted = await registerClient(m, {
      redirectUri: REDIRECT_URI,
      recorder: recorder(
        'registration',
        canned({ [reg]: () => json(201, { client_id: 'co', redirect_uris: [REDIRECT_URI] }) }),
      ),
    })
    const o = omitted.findings.find((x) => x.id === 'registration-changed-metadata')
    expect(o?.severity).toBe('warning')
    expect(o?.title).toMatch(/omits token_endpoint_auth_method/)
    expect(o?.detail).not.toMatch(/will fail/)

    const rejected = await registerClient(m, {
      redirectUri: REDIRECT_URI,
      recorder: recorder(
        'registration',
        canned({ [reg]: () => json(400, { error: 'invalid_redirect_uri', error_description: 'not allowed' }) }),
      ),
    })
    expect(rejected.client_id).toBeUndefined()
    expect(ids(rejected.findings)).toEqual(['registration-rejected'])
    expect(rejected.findings[0]?.detail).toMatch(/chatgpt\.com/)

    const noId = await registerClient(m, {
      redirectUri: REDIRECT_URI,
      recorder: recorder('registration', canned({ [reg]: () => json(201, { token_endpoint_auth_method: 'none' }) })),
    })
    expect(ids(noId.findings)).toEqual(['registration-client-id-missing'])
  })

  it('mcpSession: no readable Mcp-Session-Id in a browser → warning; tools/list failure reported', async () => {
    const u = 'https://mcp.example.com/mcp'
    let call = 0
    const f: FetchLike = async () => {
      call++
      const r =
        call === 1
          ? json(200, {
              jsonrpc: '2.0',
              id: 1,
              result: { protocolVersion: '2025-06-18', serverInfo: { name: 's', version: '1' }, capabilities: {} },
            })
          : call === 2
            ? new Response(null, { status: 202 })
            : json(400, {
                jsonrpc: '2.0',
                id: null,
                error: { code: -32000, message: 'Bad Request: No valid session ID provided' },
              })
      Object.defineProperty(r, 'type', { value: 'cors' })
      return r
    }
    const s = await mcpSession(u, 'tok', recorder('mcp-tools', f))
    expect(s.protocolVersion).toBe('2025-06-18')
    expect(ids(s.findings)).toEqual(['mcp-session-id-not-exposed', 'mcp-tools-list-failed'])
    expect(s.findings[1]?.detail).toMatch(/Mcp-Session-Id/)
  })
})
