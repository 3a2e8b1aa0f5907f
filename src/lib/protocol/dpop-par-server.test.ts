/**
 * DPoP and PAR against the REAL demo authorization server (oidc-provider, tests/servers/
 * authorization-server.mjs) over HTTP, logging in without a browser: the nonce round trip of the
 * dpop client, a DPoP-bound JWT access token's cnf.jkt, PAR for the par client (and its refusal of a
 * plain authorization request), and the "PAR without PKCE" probe judged on a real answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as oauth from 'oauth4webapi'
import { authorizeOverHttp } from '../../../tests/unit/http-login'
import { pendingFlow } from '../../../tests/unit/pending-flow'
import { startAuthorizationServer, CLIENTS } from '../../../tests/servers/authorization-server.mjs'
import { Recorder } from '../platform/recorder'
import { classifyFailure } from '../platform/network'
import { browserFetch, withoutUserAgent } from '../../../tests/unit/browser-fetch'
import { asAuthorizationServer } from '../platform/o4w'
import { decodeToken } from '../platform/jwt-decode'
import type { ServerMetadata, StepRef } from '../model/types'
import { pickMetadata } from './discovery'
import { exchangeCode } from './token-exchange'
import { decodeProof, dpopHandle, makeDpopKey, wantsDpop, type DpopUse } from './dpop'
import { parAuthorizationUrl, pushAuthorizationRequest } from './par'
import { handleCallback } from './authorization-response'
import { refreshTokens, userInfo } from './after-token'
import { judgeParWithoutPkce } from '../diagnosis/par'

const ORIGIN = 'http://localhost:4173'
const REDIRECT_URI = `${ORIGIN}/`

/**
 * A recorder whose fetch behaves like the page's (tests/unit/browser-fetch.ts: Origin, preflights,
 * Access-Control-Allow-Origin, only exposed headers readable), and that classifies a failure as the
 * driver does (the server is reachable here).
 */
function recorder(step: StepRef): Recorder {
  return new Recorder({
    step,
    pageOrigin: ORIGIN,
    fetch: browserFetch(ORIGIN),
    classify: (url, init) => classifyFailure(url, withoutUserAgent(init), REDIRECT_URI, async () => 'reachable'),
  })
}

let server: { url: string; close(): Promise<void> }
let md: ServerMetadata

beforeAll(async () => {
  server = await startAuthorizationServer({ port: 0, playgroundOrigins: [ORIGIN] })
  const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
  md = pickMetadata(doc, server.url)
})
afterAll(async () => {
  await server?.close()
})

async function metadataOf(issuer: string): Promise<ServerMetadata> {
  const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
  return pickMetadata(doc, issuer)
}

function start(clientId: string, resource = '', metadata: ServerMetadata = md) {
  return pendingFlow({
    origin: ORIGIN,
    issuer: server.url,
    metadata,
    clientId,
    scope: 'openid offline_access',
    resource,
    extra: [['prompt', 'consent']],
  })
}

async function dpopUse(): Promise<DpopUse & { key: Awaited<ReturnType<typeof makeDpopKey>> }> {
  const key = await makeDpopKey()
  return { key, handle: dpopHandle('x', key), thumbprint: key.thumbprint }
}

function validated(cb: URL, state: string, clientId: string, metadata: ServerMetadata = md): URLSearchParams {
  return oauth.validateAuthResponse(asAuthorizationServer(metadata), { client_id: clientId }, cb.searchParams, state)
}

/** Authorization (auto-login on fault issuers) and the validated callback of a fresh flow. */
async function authorized(clientId: string, metadata: ServerMetadata, resource = '') {
  const f = start(clientId, resource, metadata)
  const cb = await authorizeOverHttp(metadata.authorization_endpoint ?? '', Object.fromEntries(f.params), REDIRECT_URI)
  return { ...f, validated: validated(cb, f.state, clientId, metadata) }
}

const pairs = (fs: Array<{ id: string; severity: string }>) => fs.map((f) => [f.id, f.severity])

describe('the demo server advertises DPoP and PAR', () => {
  it('has dpop_signing_alg_values_supported with ES256 and a PAR endpoint', () => {
    expect(md.dpop_signing_alg_values_supported).toContain('ES256')
    expect(md.pushed_authorization_request_endpoint).toBe(`${server.url}/request`)
    expect(wantsDpop({}, md)).toBe(true)
  })
})

describe('DPoP with the real oidc-provider', () => {
  it('dpop client: a nonce round trip, then a DPoP-bound JWT access token with our cnf.jkt', async () => {
    const resource = `${server.url}/api`
    const { snapshot, params, state } = start(CLIENTS.dpop, resource)
    const cb = await authorizeOverHttp(md.authorization_endpoint ?? '', Object.fromEntries(params), REDIRECT_URI)
    const use = await dpopUse()
    const rec = recorder('token')
    const out = await exchangeCode(snapshot, validated(cb, state, CLIENTS.dpop), '', rec, use)
    expect(out.status, JSON.stringify(out)).toBe(200)
    expect(out.processed).toBe(true)
    expect(out.body?.token_type).toBe('DPoP')
    // the first request got use_dpop_nonce (with an exposed DPoP-Nonce), the retry succeeded
    expect(rec.exchanges.map((e) => e.response?.status)).toEqual([400, 200])
    expect(rec.exchanges[0]?.response?.headers.some(([k]) => k === 'dpop-nonce')).toBe(true)
    expect(out.findings.map((f) => [f.id, f.severity])).toEqual([['dpop-nonce-required', 'info']])
    const at = decodeToken(String(out.body?.access_token))
    expect(at.format).toBe('jwt')
    if (at.format === 'jwt') expect(at.payload.cnf).toEqual({ jkt: use.thumbprint })
    // the recorded proof (signature removed) passes every check against its request
    const ex = rec.exchanges[1]!
    const proof = ex.request.headers.find(([k]) => k === 'dpop')?.[1] ?? ''
    expect(proof.endsWith('.[signature removed]')).toBe(true)
    const decoded = await decodeProof(proof, { method: ex.request.method, url: ex.request.url })
    expect(decoded.checks.filter((c) => !c.ok)).toEqual([])
    expect(decoded.claims.find((c) => c.name === 'nonce')?.value).toBeTypeOf('string')

    // refresh with the same key: bound refresh token, DPoP again
    const refresh = await refreshTokens(snapshot, String(out.body?.refresh_token), '', recorder('refresh'), {
      dpop: use,
    })
    expect(refresh.status, JSON.stringify(refresh.findings)).toBe(200)
    expect(refresh.body?.token_type).toBe('DPoP')
    expect(refresh.findings.filter((f) => f.id.startsWith('dpop-') && f.severity !== 'info')).toEqual([])
  })

  it('UserInfo with a DPoP-bound token: accepted with the key, explained when the proof is another key’s', async () => {
    const { snapshot, params, state } = start(CLIENTS.dpop)
    const cb = await authorizeOverHttp(md.authorization_endpoint ?? '', Object.fromEntries(params), REDIRECT_URI)
    const use = await dpopUse()
    const out = await exchangeCode(snapshot, validated(cb, state, CLIENTS.dpop), '', recorder('token'), use)
    const at = String(out.body?.access_token)
    const ok = await userInfo(snapshot, at, undefined, recorder('userinfo'), use)
    expect(ok.status, JSON.stringify(ok.findings)).toBe(200)
    const rec = recorder('userinfo')
    const other = await userInfo(snapshot, at, undefined, rec, await dpopUse())
    expect(other.status).toBe(401)
    expect(rec.exchanges[0]?.request.headers.find(([k]) => k === 'authorization')?.[1]).toMatch(/^DPoP /)
    expect(pairs(other.findings)).toContainEqual(['dpop-resource-error', 'error'])
  })

  it('dpop client without a proof is refused; the public client with a proof gets DPoP without a nonce', async () => {
    const a = start(CLIENTS.dpop)
    const cbA = await authorizeOverHttp(md.authorization_endpoint ?? '', Object.fromEntries(a.params), REDIRECT_URI)
    const refused = await exchangeCode(a.snapshot, validated(cbA, a.state, CLIENTS.dpop), '', recorder('token'))
    expect(refused.status).toBe(400)

    const b = start(CLIENTS.public)
    const cbB = await authorizeOverHttp(md.authorization_endpoint ?? '', Object.fromEntries(b.params), REDIRECT_URI)
    const rec = recorder('token')
    const ok = await exchangeCode(b.snapshot, validated(cbB, b.state, CLIENTS.public), '', rec, await dpopUse())
    expect(ok.status).toBe(200)
    expect(ok.body?.token_type).toBe('DPoP')
    expect(rec.exchanges).toHaveLength(1)
    expect(ok.findings).toEqual([])
  })
})

describe('PAR with the real oidc-provider', () => {
  it('par client: a plain authorization request is refused with par-required', async () => {
    const { snapshot, params } = start(CLIENTS.par)
    const cb = await authorizeOverHttp(md.authorization_endpoint ?? '', Object.fromEntries(params), REDIRECT_URI)
    const out = handleCallback(cb.href, snapshot)
    expect(out.callback.outcome).toBe('error')
    expect(out.findings.map((f) => [f.id, f.severity])).toEqual([['par-required', 'error']])
  })

  it('par client: push (with DPoP), then authorize with client_id and request_uri only, then exchange', async () => {
    const { snapshot, params, state } = start(CLIENTS.par)
    const use = await dpopUse()
    const rec = recorder('authorization')
    const pushed = await pushAuthorizationRequest(snapshot, params, '', rec, use)
    expect(pushed.status, JSON.stringify(pushed.findings)).toBe(201)
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    expect(pushed.expires_in).toBeGreaterThan(0)
    expect(pushed.findings).toEqual([])
    expect(new Headers(rec.exchanges[0]?.request.headers).get('dpop')).toBeTruthy()
    const url = new URL(parAuthorizationUrl(md, CLIENTS.par, pushed.request_uri ?? ''))
    expect([...url.searchParams.keys()]).toEqual(['client_id', 'request_uri'])
    const cb = await authorizeOverHttp(url.origin + url.pathname, Object.fromEntries(url.searchParams), REDIRECT_URI)
    expect(cb.searchParams.get('code')).toBeTruthy()
    const out = await exchangeCode(snapshot, validated(cb, state, CLIENTS.par), '', recorder('token'), use)
    expect(out.status).toBe(200)
    expect(out.body?.token_type).toBe('DPoP')
  })

  it('PAR without code_challenge is refused by the server (the probe passes)', async () => {
    const { snapshot, params } = start(CLIENTS.public)
    const withoutPkce = params.filter(([k]) => !k.startsWith('code_challenge'))
    const pushed = await pushAuthorizationRequest(snapshot, withoutPkce, '', recorder('probes'))
    expect(pushed.status).toBe(400)
    expect(judgeParWithoutPkce({ status: pushed.status, pkceRequired: true })).toBeUndefined()
  })
})

describe('the DPoP and PAR faults of the demo server (browser-like fetch, no browser)', () => {
  const fault = (id: string) => metadataOf(`${server.url}/faults/${id}`)

  it('dpop-nonce-not-exposed: use_dpop_nonce, the nonce is hidden, no retry', async () => {
    const m = await fault('dpop-nonce-not-exposed')
    const f = await authorized(CLIENTS.public, m)
    const rec = recorder('token')
    const out = await exchangeCode(f.snapshot, f.validated, '', rec, await dpopUse())
    expect(rec.exchanges).toHaveLength(1)
    expect(pairs(out.findings)).toEqual([
      ['dpop-nonce-not-exposed', 'warning'],
      // explainError's dpop-nonce-required warning, relabelled by exchangeCode as every 4xx is
      ['token-request-rejected', 'warning'],
    ])
  })

  it('dpop-preflight-refuses: the DPoP token request fails its preflight; the code is still unused', async () => {
    const m = await fault('dpop-preflight-refuses')
    const f = await authorized(CLIENTS.public, m)
    const out = await exchangeCode(f.snapshot, f.validated, '', recorder('token'), await dpopUse())
    expect(pairs(out.findings)).toEqual([['dpop-preflight-refused', 'error']])
    const again = await exchangeCode(f.snapshot, f.validated, '', recorder('token'))
    expect(again.status).toBe(200)
  })

  it('dpop-bearer-returned: dpop-not-honoured, a warning since DPoP is advertised', async () => {
    const m = await fault('dpop-bearer-returned')
    const f = await authorized(CLIENTS.public, m)
    const out = await exchangeCode(f.snapshot, f.validated, '', recorder('token'), await dpopUse())
    expect(out.status).toBe(200)
    expect(pairs(out.findings)).toEqual([['dpop-not-honoured', 'warning']])
  })

  it('dpop-jkt-mismatch: the JWT access token is bound to another key', async () => {
    const m = await fault('dpop-jkt-mismatch')
    const f = await authorized(CLIENTS.public, m, `${server.url}/api`)
    const out = await exchangeCode(f.snapshot, f.validated, '', recorder('token'), await dpopUse())
    expect(out.status).toBe(200)
    expect(pairs(out.findings)).toEqual([['dpop-jkt-mismatch', 'error']])
  })

  it('par-no-cors: the PAR POST is blocked (with and without DPoP)', async () => {
    const m = await fault('par-no-cors')
    const plain = start(CLIENTS.public, '', m)
    const a = await pushAuthorizationRequest(plain.snapshot, plain.params, '', recorder('authorization'))
    expect(pairs(a.findings)).toEqual([['par-cors', 'error']])
    expect(a.findings[0]?.data?.verdict).toBe('blocked-by-cors')
    const b = await pushAuthorizationRequest(
      plain.snapshot,
      plain.params,
      '',
      recorder('authorization'),
      await dpopUse(),
    )
    expect(pairs(b.findings)).toEqual([['par-cors', 'error']])
    expect(b.findings[0]?.data?.verdict).toBe('preflight-failed')
  })

  it('par-ignores-pkce: a push without code_challenge is accepted; the probe warns', async () => {
    const m = await fault('par-ignores-pkce')
    const { snapshot, params } = start(CLIENTS.public, '', m)
    const pushed = await pushAuthorizationRequest(
      snapshot,
      params.filter(([k]) => !k.startsWith('code_challenge')),
      '',
      recorder('probes'),
    )
    expect(pushed.status).toBe(201)
    expect(judgeParWithoutPkce({ status: pushed.status, pkceRequired: true })?.id).toBe('par-ignores-pkce')
  })
})
