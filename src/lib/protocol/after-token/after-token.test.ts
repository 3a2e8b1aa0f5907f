/**
 * After the token (refresh, UserInfo, introspection, revocation, protected resource) against the
 * REAL demo authorization server (oidc-provider, tests/servers/authorization-server.mjs), with the
 * login driven over plain HTTP as tests/servers/smoke.mjs does, plus fake responses for what that
 * server cannot produce (a non-rotating refresh, a changed sub, challenges of a resource server).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authorizeOverHttp } from '../../../../tests/unit/http-login'
import { pendingFlow } from '../../../../tests/unit/pending-flow'
import * as oauth from 'oauth4webapi'
import { SignJWT, exportJWK, generateKeyPair } from 'jose'
import { startAuthorizationServer } from '../../../../tests/servers/authorization-server.mjs'
import { callResource, introspect, refreshTokens, revoke, userInfo } from '.'
import { exchangeCode } from '../token-exchange'
import { asAuthorizationServer } from '../../platform/o4w'
import { Recorder, type FetchLike } from '../../platform/recorder'
import type { ClientAuthMethod, Finding, FlowSnapshot, ServerMetadata, StepRef } from '../../model/types'

const ORIGIN = 'http://localhost:4173'
const REDIRECT_URI = `${ORIGIN}/`
const PUBLIC = 'pkce-playground'
const BASIC = 'pkce-playground-basic'
const BASIC_SECRET = 'demo-secret-basic'

// ---- login over HTTP (the approach of tests/servers/smoke.mjs) ------------------------------------

/** Runs the authorization request, the login and the consent; returns the callback URL. */
const authorize = (authorizationEndpoint: string, params: Record<string, string>): Promise<URL> =>
  authorizeOverHttp(authorizationEndpoint, params, REDIRECT_URI)

/** A recorder whose fetch adds the Origin header a browser would (the demo AS keys CORS on it). */
function recorder(step: StepRef, fetchImpl?: FetchLike): Recorder {
  return new Recorder({
    step,
    pageOrigin: ORIGIN,
    fetch:
      fetchImpl ??
      ((url, init = {}) =>
        fetch(url, { ...init, headers: { ...((init.headers as Record<string, string>) ?? {}), origin: ORIGIN } })),
  })
}

async function metadataOf(issuer: string): Promise<ServerMetadata> {
  return (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as ServerMetadata
}

interface Flow {
  snapshot: FlowSnapshot
  secret: string
}

/** A full flow (authorization + code exchange through token.ts) for the given client. */
async function flow(
  issuer: string,
  o: { clientId?: string; clientAuth?: ClientAuthMethod; secret?: string; resource?: string; scope?: string } = {},
): Promise<Flow> {
  const metadata = await metadataOf(issuer)
  const { snapshot, params, state } = pendingFlow({
    origin: ORIGIN,
    issuer,
    metadata,
    clientId: o.clientId ?? PUBLIC,
    clientAuth: o.clientAuth ?? 'none',
    scope: o.scope ?? 'openid profile email offline_access',
    resource: o.resource ?? '',
    nonce: true,
  })
  const config = snapshot.config
  const cb = await authorize(metadata.authorization_endpoint ?? '', Object.fromEntries(params))
  if (snapshot.authorization) snapshot.authorization.url = cb.href
  const validated = oauth.validateAuthResponse(
    asAuthorizationServer(metadata),
    { client_id: config.client_id },
    cb.searchParams,
    state,
  )
  const secret = o.secret ?? ''
  const t = await exchangeCode(snapshot, validated, secret, recorder('token'))
  if (t.status !== 200 || !t.body) throw new Error(`code exchange failed: ${JSON.stringify(t)}`)
  snapshot.token = { status: t.status, body: t.body }
  return { snapshot, secret }
}

function ids(findings: Finding[]): string[] {
  return findings.map((f) => f.id)
}

function byId(findings: Finding[], id: string): Finding {
  const f = findings.find((x) => x.id === id)
  if (!f) throw new Error(`no ${id} in ${JSON.stringify(ids(findings))}`)
  return f
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

function fake(answer: (url: string, init: RequestInit) => Response | Promise<Response>): Recorder {
  return recorder('resource', async (url, init = {}) => answer(url, init))
}

let server: { url: string; close(): Promise<void> }
let AS = ''

beforeAll(async () => {
  server = await startAuthorizationServer({ port: 0, playgroundOrigins: [ORIGIN] })
  AS = server.url
})
afterAll(async () => {
  await server?.close()
})

// ---- refresh ---------------------------------------------------------------------------------------

describe('refreshTokens (real oidc-provider)', () => {
  it('public client: the refresh token rotates, the new ID Token keeps iss/sub/aud (§12.2)', async () => {
    const { snapshot, secret } = await flow(AS)
    const old = String(snapshot.token?.body?.refresh_token)
    const rec = recorder('refresh')
    const r = await refreshTokens(snapshot, old, secret, rec)
    expect(r.status).toBe(200)
    expect(r.processed).toBe(true)
    expect(r.rotated).toBe(true)
    expect(ids(r.findings)).toContain('refresh-token-rotated')
    expect(ids(r.findings)).toContain('refresh-id-token-consistent')
    expect(ids(r.findings)).not.toContain('refresh-id-token-claims-changed')
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(r.views?.map((v) => v.kind).sort()).toEqual(['access_token', 'id_token', 'refresh_token'])
    expect(r.views?.find((v) => v.kind === 'id_token')?.verify?.signature).toBe('valid')
    expect(r.findings.every((f) => f.step === 'refresh')).toBe(true)
    // oidc-provider repeats the original nonce in a refreshed ID Token (SHOULD NOT, §12.2): info only
    expect(byId(r.findings, 'refresh-id-token-nonce').severity).toBe('info')
    // the raw exchanges are kept: the refresh request itself and the JWKS
    expect(rec.exchanges[0]?.label).toMatch(/Refresh/)
    expect(new URLSearchParams(rec.exchanges[0]?.request.body).get('grant_type')).toBe('refresh_token')
    expect(rec.exchanges.some((x) => x.label.startsWith('JWKS'))).toBe(true)
    // oidc-provider invalidates the old refresh token after rotation
    const again = await refreshTokens(snapshot, old, secret, recorder('refresh'))
    expect(again.status).toBe(400)
    expect(again.rotated).toBe('unknown')
    const rejected = byId(again.findings, 'refresh-rejected')
    expect(rejected.data?.error).toBe('invalid_grant')
    expect(rejected.detail).toMatch(/rotation/)
  })

  it('confidential client (client_secret_basic): oidc-provider does not rotate → info, not warning', async () => {
    const { snapshot, secret } = await flow(AS, {
      clientId: BASIC,
      clientAuth: 'client_secret_basic',
      secret: BASIC_SECRET,
    })
    const old = String(snapshot.token?.body?.refresh_token)
    const rec = recorder('refresh')
    const r = await refreshTokens(snapshot, old, secret, rec)
    expect(r.status).toBe(200)
    expect(r.rotated).toBe(false)
    expect(byId(r.findings, 'refresh-token-not-rotated').severity).toBe('info')
    expect(rec.exchanges[0]?.request.headers.find(([k]) => k === 'authorization')?.[1]).toMatch(/^Basic /)
  })

  it('a public client whose refresh token does not rotate gets a warning (fake server)', async () => {
    const { snapshot, secret } = await flow(AS)
    const old = String(snapshot.token?.body?.refresh_token)
    const jwks = { jwks: { keys: [] }, findings: [] }
    const r = await refreshTokens(
      snapshot,
      old,
      secret,
      fake(() => json({ access_token: 'opaque-at', token_type: 'Bearer', expires_in: 60, refresh_token: old })),
      { jwks },
    )
    expect(r.rotated).toBe(false)
    const f = byId(r.findings, 'refresh-token-not-rotated')
    expect(f.severity).toBe('warning')
    expect(f.spec).toMatch(/RFC 9700 §4\.14\.2/)
    // no refresh_token at all: the old one stays in use, also "not rotated"
    const r2 = await refreshTokens(
      snapshot,
      old,
      secret,
      fake(() => json({ access_token: 'a', token_type: 'Bearer' })),
      { jwks },
    )
    expect(r2.rotated).toBe(false)
    expect(byId(r2.findings, 'refresh-token-not-rotated').title).toMatch(/No new refresh token/)
  })

  it('a refreshed ID Token with another sub and a nonce breaks §12.2 (fake server, real keys)', async () => {
    const { snapshot, secret } = await flow(AS)
    const original = oauthDecode(String(snapshot.token?.body?.id_token))
    const { privateKey, publicKey } = await generateKeyPair('RS256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' }
    const now = Math.floor(Date.now() / 1000)
    const idToken = await new SignJWT({ ...original, sub: 'mallory', nonce: 'n-new', iat: now, exp: now + 300 })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .sign(privateKey)
    const r = await refreshTokens(
      snapshot,
      'rt',
      secret,
      fake(() => json({ access_token: 'opaque', token_type: 'Bearer', id_token: idToken, refresh_token: 'rt2' })),
      { jwks: { jwks: { keys: [jwk] }, findings: [] } },
    )
    expect(r.status).toBe(200)
    const changed = byId(r.findings, 'refresh-id-token-claims-changed')
    expect(changed.severity).toBe('error')
    expect(changed.data?.changed).toEqual(['sub'])
    expect(changed.spec).toBe('OpenID Connect Core 1.0 §12.2')
    expect(byId(r.findings, 'refresh-id-token-nonce').severity).toBe('warning')
    expect(ids(r.findings)).not.toContain('jwt-nonce-unexpected')
  })

  it('turns a network failure into a finding and never throws', async () => {
    const { snapshot } = await flow(AS)
    const r = await refreshTokens(
      snapshot,
      'rt',
      '',
      fake(() => Promise.reject(new TypeError('Failed to fetch'))),
    )
    expect(r.status).toBe(0)
    expect(r.rotated).toBe('unknown')
    expect(r.findings[0]?.severity).toBe('error')
  })
})

function oauthDecode(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>
}

// ---- userinfo --------------------------------------------------------------------------------------

describe('userInfo', () => {
  it('the demo AS refuses a JWT access token whose aud is a resource: explained, not blamed', async () => {
    const { snapshot } = await flow(AS, { resource: 'https://api.example.com/' })
    const at = String(snapshot.token?.body?.access_token)
    const sub = String(oauthDecode(String(snapshot.token?.body?.id_token)).sub)
    const rec = recorder('userinfo')
    const r = await userInfo(snapshot, at, sub, rec)
    expect(r.status).toBe(401)
    expect(r.subMatches).toBe('not-checked')
    expect(r.challenges?.[0]?.scheme).toBe('bearer')
    expect(r.challenges?.[0]?.parameters.error).toBe('invalid_token')
    const f = byId(r.findings, 'userinfo-token-rejected')
    expect(f.severity).toBe('info')
    expect(f.detail).toMatch(/https:\/\/api\.example\.com\//)
    expect(f.detail).toMatch(/without a resource/)
    expect(f.data?.error).toBe('invalid_token')
    expect(rec.exchanges[0]?.request.headers.find(([k]) => k === 'authorization')?.[1]).toBe(`Bearer ${at}`)
  })

  it('without resource the demo AS issues an opaque access token that UserInfo accepts; sub is compared', async () => {
    const { snapshot } = await flow(AS)
    const r = await userInfo(snapshot, String(snapshot.token?.body?.access_token), 'alice', recorder('userinfo'))
    expect(r.status).toBe(200)
    expect(r.subMatches).toBe(true)
    expect(ids(r.findings)).not.toContain('userinfo-sub-mismatch')
  })

  it('compares sub with the ID Token (fake UserInfo)', async () => {
    const { snapshot } = await flow(AS)
    const ok = await userInfo(
      snapshot,
      'at',
      'alice',
      fake(() => json({ sub: 'alice', name: 'A' })),
    )
    expect(ok.status).toBe(200)
    expect(ok.subMatches).toBe(true)
    expect(ok.claims).toEqual({ sub: 'alice', name: 'A' })
    expect(ok.findings).toEqual([])
    const bad = await userInfo(
      snapshot,
      'at',
      'alice',
      fake(() => json({ sub: 'bob' })),
    )
    expect(bad.subMatches).toBe(false)
    const f = byId(bad.findings, 'userinfo-sub-mismatch')
    expect(f.severity).toBe('error')
    expect(f.spec).toMatch(/§5\.3\.2/)
    const none = await userInfo(
      snapshot,
      'at',
      undefined,
      fake(() => json({ sub: 'bob' })),
    )
    expect(none.subMatches).toBe('not-checked')
    expect(ids(none.findings)).toEqual(['userinfo-sub-not-compared'])
  })

  it('a 401 without a readable WWW-Authenticate says it may exist but is not exposed', async () => {
    const { snapshot } = await flow(AS)
    const r = await userInfo(
      snapshot,
      'opaque-at',
      'alice',
      fake(() => json({ error: 'invalid_token' }, 401)),
    )
    expect(r.status).toBe(401)
    const f = byId(r.findings, 'www-authenticate-not-exposed')
    expect(f.detail).toMatch(/may exist but is not exposed via Access-Control-Expose-Headers/)
    expect(byId(r.findings, 'userinfo-token-rejected').severity).toBe('warning')
  })

  it('HTML instead of JSON becomes an explained finding', async () => {
    const { snapshot } = await flow(AS)
    const r = await userInfo(
      snapshot,
      'at',
      'alice',
      fake(() => new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } })),
    )
    expect(r.status).toBe(200)
    expect(r.findings[0]?.severity).toBe('error')
    expect(r.subMatches).toBe('not-checked')
  })

  it('no userinfo_endpoint → info', async () => {
    const { snapshot } = await flow(AS)
    const s = { ...snapshot, metadata: { ...snapshot.metadata!, userinfo_endpoint: undefined } }
    const r = await userInfo(s, 'at', 'alice', recorder('userinfo'))
    expect(ids(r.findings)).toEqual(['userinfo-endpoint-missing'])
  })
})

// ---- introspection and revocation -------------------------------------------------------------------

describe('introspect and revoke (real oidc-provider)', () => {
  it('public client: oidc-provider lets it introspect and revoke its own refresh token (auth "none")', async () => {
    const { snapshot, secret } = await flow(AS)
    const rt = String(snapshot.token?.body?.refresh_token)
    const rec = recorder('introspection')
    const i = await introspect(snapshot, rt, secret, rec, 'refresh_token')
    expect(i.status).toBe(200)
    expect(i.active).toBe(true)
    expect(i.body?.client_id).toBe(PUBLIC)
    expect(ids(i.findings)).toEqual(['introspection-active'])
    const sent = new URLSearchParams(rec.exchanges[0]?.request.body)
    expect(sent.get('client_id')).toBe(PUBLIC)
    expect(sent.get('token_type_hint')).toBe('refresh_token')
    expect(rec.exchanges[0]?.request.headers.find(([k]) => k === 'authorization')).toBeUndefined()

    const v = await revoke(snapshot, rt, 'refresh_token', secret, recorder('revocation'))
    expect(v.status).toBe(200)
    expect(v.revoked).toBe(true)
    expect(ids(v.findings)).toEqual(['revocation-ok'])
    const after = await introspect(snapshot, rt, secret, recorder('introspection'))
    expect(after.active).toBe(false)
    expect(ids(after.findings)).toEqual(['introspection-inactive'])
  })

  it('JWT access tokens: oidc-provider answers unsupported_token_type to introspection and revocation', async () => {
    const { snapshot, secret } = await flow(AS, { resource: 'https://api.example.com/' })
    const at = String(snapshot.token?.body?.access_token)
    const i = await introspect(snapshot, at, secret, recorder('introspection'), 'access_token')
    expect(i.status).toBe(400)
    expect(i.active).toBeUndefined()
    expect(byId(i.findings, 'introspection-unsupported-token-type').severity).toBe('info')
    const v = await revoke(snapshot, at, 'access_token', secret, recorder('revocation'))
    expect(v.status).toBe(400)
    expect(byId(v.findings, 'revocation-unsupported-token-type').severity).toBe('info')
  })

  it('basic client: Authorization header, active → revoked → inactive; unknown token → 200', async () => {
    const { snapshot, secret } = await flow(AS, {
      clientId: BASIC,
      clientAuth: 'client_secret_basic',
      secret: BASIC_SECRET,
    })
    const rt = String(snapshot.token?.body?.refresh_token)
    const rec = recorder('introspection')
    const i = await introspect(snapshot, rt, secret, rec)
    expect(i.active).toBe(true)
    expect(rec.exchanges[0]?.request.headers.find(([k]) => k === 'authorization')?.[1]).toMatch(/^Basic /)
    expect((await revoke(snapshot, rt, 'refresh_token', secret, recorder('revocation'))).status).toBe(200)
    expect((await introspect(snapshot, rt, secret, recorder('introspection'))).active).toBe(false)
    // RFC 7009 §2.2: an unknown token is answered 200 too, which is correct
    const unknown = await revoke(snapshot, 'no-such-token', undefined, secret, recorder('revocation'))
    expect(unknown.status).toBe(200)
    expect(ids(unknown.findings)).toEqual(['revocation-ok'])
    // a wrong secret → 401 invalid_client
    const wrong = await introspect(snapshot, rt, 'wrong-secret', recorder('introspection'))
    expect(wrong.status).toBe(401)
    expect(byId(wrong.findings, 'introspection-requires-client-auth').severity).toBe('warning')
    const wrongRevoke = await revoke(snapshot, rt, undefined, 'wrong-secret', recorder('revocation'))
    expect(byId(wrongRevoke.findings, 'revocation-requires-client-auth').data?.error).toBe('invalid_client')
  })

  it('a server that requires client auth from a public client (fake 401 invalid_client)', async () => {
    const { snapshot } = await flow(AS)
    const r = await introspect(
      snapshot,
      't',
      '',
      fake(() => json({ error: 'invalid_client' }, 401, { 'www-authenticate': 'Basic realm="as"' })),
    )
    const f = byId(r.findings, 'introspection-requires-client-auth')
    expect(f.severity).toBe('info')
    expect(f.spec).toMatch(/RFC 7662 §2\.1/)
    const v = await revoke(
      snapshot,
      't',
      undefined,
      '',
      fake(() => json({ error: 'invalid_client' }, 401)),
    )
    expect(byId(v.findings, 'revocation-requires-client-auth').severity).toBe('warning')
    const bad = await revoke(
      snapshot,
      't',
      undefined,
      '',
      fake(() => json({ error: 'invalid_token' }, 400)),
    )
    expect(byId(bad.findings, 'revocation-invalid-token-error').spec).toBe('RFC 7009 §2.2')
  })
})

// ---- protected resource ----------------------------------------------------------------------------

describe('callResource', () => {
  it('sends the Bearer header, method and body; 200 → no findings', async () => {
    let seen: RequestInit | undefined
    const rec = fake((_u, init) => {
      seen = init
      return json({ ok: true })
    })
    const r = await callResource(
      'tok',
      {
        url: 'https://api.example.com/orders',
        method: 'post',
        body: '{"a":1}',
        headers: [['content-type', 'application/json']],
      },
      rec,
    )
    expect(r.status).toBe(200)
    expect(r.findings).toEqual([])
    expect((seen?.headers as Record<string, string>).authorization).toBe('Bearer tok')
    expect(seen?.method).toBe('POST')
    expect(seen?.body).toBe('{"a":1}')
    expect(rec.exchanges[0]?.label).toBe('Protected resource: POST https://api.example.com/orders')
  })

  it('parses a readable challenge (resource_metadata) → resource-challenge', async () => {
    const r = await callResource(
      'tok',
      { url: 'https://mcp.example.com/mcp', method: 'GET' },
      fake(() =>
        json({}, 401, {
          'www-authenticate':
            'Bearer error="invalid_token", resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
        }),
      ),
    )
    expect(r.status).toBe(401)
    expect(r.challenges?.[0]?.parameters.resource_metadata).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    )
    const f = byId(r.findings, 'resource-challenge')
    expect(f.severity).toBe('info')
    expect(f.data?.error).toBe('invalid_token')
    expect(f.data?.resource_metadata).toBe('https://mcp.example.com/.well-known/oauth-protected-resource')
  })

  it('403 insufficient_scope → resource-insufficient-scope with the scope asked for', async () => {
    const r = await callResource(
      'tok',
      { url: 'https://api.example.com/admin', method: 'DELETE' },
      fake(() => json({}, 403, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="admin:write"' })),
    )
    const f = byId(r.findings, 'resource-insufficient-scope')
    expect(f.data?.scope).toBe('admin:write')
    expect(f.spec).toMatch(/RFC 6750 §3\.1/)
  })

  it('401 without a readable header → www-authenticate-not-exposed', async () => {
    const r = await callResource(
      'tok',
      { url: 'https://api.example.com/', method: 'GET' },
      fake(() => new Response('no', { status: 401 })),
    )
    expect(r.status).toBe(401)
    expect(byId(r.findings, 'www-authenticate-not-exposed').detail).toMatch(
      /may exist but is not exposed via Access-Control-Expose-Headers/,
    )
  })

  it('the real demo AS userinfo as a resource: a readable invalid_token challenge', async () => {
    // A JWT access token for another audience (resource sent): UserInfo refuses it with a challenge.
    const { snapshot } = await flow(AS, { resource: 'https://api.example.com/' })
    const r = await callResource(
      String(snapshot.token?.body?.access_token),
      { url: String(snapshot.metadata?.userinfo_endpoint), method: 'GET', allowInsecureLoopback: true },
      recorder('resource'),
    )
    expect(r.status).toBe(401)
    expect(byId(r.findings, 'resource-challenge').data?.error).toBe('invalid_token')
  })

  it('refuses http:// unless loopback is allowed, and bad URLs, without throwing', async () => {
    const r = await callResource(
      'tok',
      { url: 'http://localhost:1/x', method: 'GET' },
      fake(() => json({})),
    )
    expect(r.status).toBe(0)
    expect(r.findings[0]?.id).toBe('insecure-endpoint')
    const bad = await callResource(
      'tok',
      { url: 'not a url', method: 'GET' },
      fake(() => json({})),
    )
    expect(bad.findings[0]?.id).toBe('invalid-url')
  })
})
