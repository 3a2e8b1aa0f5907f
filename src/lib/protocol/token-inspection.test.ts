import { beforeAll, describe, expect, it } from 'vitest'
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { fetchJwks, inspectTokens, type JwksOutcome, type TokenView } from './token-inspection'
import { defaultConfig } from './config'
import { Recorder } from '../platform/recorder'
import type { CorsVerdict, FlowSnapshot } from '../model/types'

const NOW = 1_800_000_000
const ISSUER = 'https://as.example.com'
const JWKS_URI = `${ISSUER}/jwks`
const CLIENT = 'playground'
const NONCE = 'n-0S6_WzA2Mj'
const RESOURCE = 'https://api.example.com/'

let privateKey: CryptoKey
let publicJwk: JWK
let otherKey: CryptoKey

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true })
  privateKey = pair.privateKey
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  otherKey = (await generateKeyPair('RS256')).privateKey
})

function sign(claims: JWTPayload, typ?: string, key: CryptoKey = privateKey): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...(typ ? { typ } : {}) }).sign(key)
}

function idToken(overrides: JWTPayload = {}, key?: CryptoKey) {
  return sign(
    { iss: ISSUER, sub: 'user-1', aud: CLIENT, exp: NOW + 3600, iat: NOW - 5, nonce: NONCE, ...overrides },
    undefined,
    key,
  )
}

function accessToken(overrides: JWTPayload = {}) {
  return sign(
    {
      iss: ISSUER,
      sub: 'user-1',
      aud: RESOURCE,
      client_id: CLIENT,
      exp: NOW + 600,
      iat: NOW - 5,
      jti: 'jti-1',
      scope: 'openid api',
      ...overrides,
    },
    'at+jwt',
  )
}

function snapshot(nonce: string | null = NONCE): FlowSnapshot {
  return {
    version: 1,
    runId: 'r',
    origin: 'https://playground.example',
    config: { ...defaultConfig('https://playground.example/'), issuer: ISSUER, client_id: CLIENT, resource: RESOURCE },
    metadata: { issuer: ISSUER, jwks_uri: JWKS_URI },
    authorization: { url: `${ISSUER}/authorize`, state: 's', ...(nonce ? { nonce } : {}), params: [] },
    exchanges: [],
    findings: [],
    status: {},
  }
}

function recorder(answer: Response | Error, verdict?: CorsVerdict) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = []
  const rec = new Recorder({
    step: 'tokens',
    pageOrigin: 'https://playground.example',
    fetch: async (url, init) => {
      calls.push({ url, init })
      if (answer instanceof Error) throw answer
      return answer
    },
    ...(verdict ? { classify: async () => ({ verdict, detail: `it was ${verdict}` }) } : {}),
  })
  return { rec, calls }
}

const jwksOk = (): JwksOutcome => ({ jwks: { keys: [publicJwk] }, findings: [] })
const check = (v: TokenView | undefined, name: string) => v?.verify?.checks.find((c) => c.name === name)?.status

describe('fetchJwks', () => {
  it('returns the key set of a 200 JSON answer and records the request', async () => {
    const { rec, calls } = recorder(
      new Response(JSON.stringify({ keys: [publicJwk] }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
    )
    const out = await fetchJwks(JWKS_URI, rec)
    expect(out.jwks).toEqual({ keys: [publicJwk] })
    expect(out.error).toBeUndefined()
    expect(out.findings).toEqual([])
    expect(calls.map((c) => [c.url, c.init?.method])).toEqual([[JWKS_URI, 'GET']])
    expect(rec.exchanges[0]?.label).toMatch(/JWKS/)
  })

  it('reports a 404 as jwks-fetch-failed', async () => {
    const { rec } = recorder(new Response('nope', { status: 404, statusText: 'Not Found' }))
    const out = await fetchJwks(JWKS_URI, rec)
    expect(out.jwks).toBeUndefined()
    expect(out.findings.map((f) => f.id)).toEqual(['jwks-fetch-failed'])
    expect(out.findings[0]?.data).toEqual({ url: JWKS_URI, status: 404 })
    expect(out.error).toBe(out.findings[0]?.title)
    expect(out.error).toContain('404')
  })

  it('reports a body that is not a JWK Set as jwks-invalid', async () => {
    for (const body of ['<html>oops</html>', '{"keys":{}}', '[]', '{"jwks":[]}']) {
      const { rec } = recorder(new Response(body, { status: 200 }))
      const out = await fetchJwks(JWKS_URI, rec)
      expect(out.jwks, body).toBeUndefined()
      expect(
        out.findings.map((f) => f.id),
        body,
      ).toEqual(['jwks-invalid'])
    }
  })

  it('explains a CORS-blocked JWKS with the recorder verdict', async () => {
    const { rec } = recorder(new TypeError('Failed to fetch'), 'blocked-by-cors')
    const out = await fetchJwks(JWKS_URI, rec)
    expect(out.findings.map((f) => f.id)).toEqual(['cors-blocked'])
    expect(out.findings[0]?.detail).toBe('it was blocked-by-cors')
    expect(out.findings[0]?.data).toEqual({ endpoint: 'jwks', url: JWKS_URI, verdict: 'blocked-by-cors' })
    const unreachable = await fetchJwks(JWKS_URI, recorder(new TypeError('Failed to fetch'), 'unreachable').rec)
    expect(unreachable.findings.map((f) => f.id)).toEqual(['endpoint-unreachable'])
  })

  it('sends nothing without a jwks_uri', async () => {
    const { rec, calls } = recorder(new Response('{}'))
    const out = await fetchJwks(undefined, rec)
    expect(calls).toEqual([])
    expect(out.error).toMatch(/jwks_uri/)
    expect(out.findings).toEqual([])
  })
})

describe('inspectTokens', () => {
  it('verifies a signed ID token and a JWT access token against the JWKS', async () => {
    const body = { id_token: await idToken(), access_token: await accessToken(), token_type: 'Bearer' }
    const { views, findings } = await inspectTokens(snapshot(), body, jwksOk(), NOW)
    expect(views.map((v) => v.kind)).toEqual(['id_token', 'access_token'])
    const [id, at] = views
    expect(id?.decoded.format).toBe('jwt')
    expect(id?.verify?.signature).toBe('valid')
    expect(id?.verify?.keyFound).toBe(true)
    expect(id?.verify?.kid).toBe('k1')
    expect(check(id, 'nonce')).toBe('pass')
    expect(check(id, 'aud')).toBe('pass')
    expect(check(id, 'iss')).toBe('pass')
    expect(at?.decoded.format).toBe('jwt')
    expect(at?.verify?.signature).toBe('valid')
    expect(check(at, 'aud')).toBe('pass')
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([])
  })

  it('flags an ID token whose nonce is not the one sent', async () => {
    const body = { id_token: await idToken({ nonce: 'other' }) }
    const { views, findings } = await inspectTokens(snapshot(), body, jwksOk(), NOW)
    expect(views[0]?.verify?.signature).toBe('valid')
    expect(check(views[0], 'nonce')).toBe('fail')
    expect(findings.map((f) => f.id)).toContain('jwt-nonce-mismatch')
  })

  it('expects no nonce when none was sent', async () => {
    const { views } = await inspectTokens(snapshot(null), { id_token: await idToken() }, jwksOk(), NOW)
    expect(check(views[0], 'nonce')).toBe('warn')
  })

  it('checks the ID token audience against the client_id', async () => {
    const { views, findings } = await inspectTokens(
      snapshot(),
      { id_token: await idToken({ aud: 'someone-else' }) },
      jwksOk(),
      NOW,
    )
    expect(check(views[0], 'aud')).toBe('fail')
    expect(findings.map((f) => f.id)).toContain('jwt-audience-mismatch')
  })

  it('detects a signature made with another key', async () => {
    const { views, findings } = await inspectTokens(
      snapshot(),
      { id_token: await idToken({}, otherKey) },
      jwksOk(),
      NOW,
    )
    expect(views[0]?.verify?.signature).toBe('invalid')
    expect(findings.some((f) => f.severity === 'error')).toBe(true)
  })

  it('passes the JWKS error on instead of checking the signature', async () => {
    const jwks: JwksOutcome = { error: 'JWKS could not be fetched', findings: [] }
    const { views } = await inspectTokens(snapshot(), { id_token: await idToken() }, jwks, NOW)
    expect(views[0]?.verify?.signature).not.toBe('valid')
    expect(views[0]?.verify?.keyFound).toBe(false)
    expect(check(views[0], 'nonce')).toBe('pass')
  })

  it('shows an opaque access token as opaque (informational)', async () => {
    const { views, findings } = await inspectTokens(
      snapshot(),
      { access_token: 'mF_9.B5f-4.1JqM.x', token_type: 'Bearer' },
      jwksOk(),
      NOW,
    )
    expect(views).toHaveLength(1)
    expect(views[0]?.decoded.format).toBe('opaque')
    expect(views[0]?.verify?.signature).toBe('not-checked')
    expect(findings.map((f) => [f.id, f.severity])).toEqual([['access-token-opaque', 'info']])
  })

  it('decodes a refresh token but never verifies it', async () => {
    const rt = await sign({ sub: 'user-1', exp: NOW - 10_000 })
    const body = { access_token: 'opaque', refresh_token: rt, token_type: 'Bearer' }
    const { views, findings } = await inspectTokens(snapshot(), body, jwksOk(), NOW)
    const refresh = views.find((v) => v.kind === 'refresh_token')
    expect(refresh?.decoded.format).toBe('jwt')
    expect(refresh?.verify).toBeUndefined()
    expect(findings.some((f) => f.id === 'jwt-expired')).toBe(false)
  })

  it('ignores missing, empty and non-string token members', async () => {
    const { views } = await inspectTokens(
      snapshot(),
      { id_token: '', access_token: 42, refresh_token: null },
      jwksOk(),
      NOW,
    )
    expect(views).toEqual([])
  })
})
