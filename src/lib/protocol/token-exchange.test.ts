import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import * as oauth from 'oauth4webapi'
import { exchangeCode, previewTokenRequest, toCurl, tokenRequestNeedsPreflight } from './token-exchange'
import { defaultConfig } from './config'
import { dpopHandle, makeDpopKey } from './dpop'
import { Recorder } from '../platform/recorder'
import type { CorsVerdict, FlowConfig, FlowSnapshot, RecordedRequest } from '../model/types'

const ISSUER = 'https://as.example.com'
const TOKEN = `${ISSUER}/token`
const PAGE_ORIGIN = 'https://playground.example'
const STATE = 'st-1'
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'

function snapshot(config: Partial<FlowConfig> = {}, overrides: Partial<FlowSnapshot> = {}): FlowSnapshot {
  return {
    version: 1,
    runId: 'run-1',
    origin: PAGE_ORIGIN,
    config: {
      ...defaultConfig(`${PAGE_ORIGIN}/app/`),
      issuer: ISSUER,
      client_id: 'play ground',
      scope: 'api',
      ...config,
    },
    metadata: { issuer: ISSUER, authorization_endpoint: `${ISSUER}/authorize`, token_endpoint: TOKEN },
    pkce: { method: 'S256', code_verifier: VERIFIER, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' },
    authorization: { url: `${ISSUER}/authorize`, state: STATE, params: [] },
    exchanges: [],
    findings: [],
    status: {},
    ...overrides,
  }
}

/** Branded callback parameters, exactly as the callback step produces them. */
function validated(code = 'the-code'): URLSearchParams {
  return oauth.validateAuthResponse(
    { issuer: ISSUER },
    { client_id: 'play ground' },
    new URLSearchParams({ code, state: STATE }),
    STATE,
  )
}

type Answer = Response | Error
function recorder(answer: Answer | (() => Answer), verdict?: CorsVerdict) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = []
  const rec = new Recorder({
    step: 'token',
    pageOrigin: PAGE_ORIGIN,
    fetch: async (url, init) => {
      calls.push({ url, init })
      const a = typeof answer === 'function' ? answer() : answer
      if (a instanceof Error) throw a
      return a
    },
    ...(verdict ? { classify: async () => ({ verdict, detail: `classified as ${verdict}` }) } : {}),
  })
  return { rec, calls }
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

function header(req: RecordedRequest, name: string): string | undefined {
  return req.headers.find(([k]) => k === name)?.[1]
}

describe('previewTokenRequest', () => {
  it('returns the exact request of a public client without sending anything', async () => {
    const req = await previewTokenRequest(snapshot(), validated(), '', PAGE_ORIGIN)
    expect(req.method).toBe('POST')
    expect(req.url).toBe(TOKEN)
    expect(header(req, 'content-type')).toMatch(/^application\/x-www-form-urlencoded/)
    expect(header(req, 'authorization')).toBeUndefined()
    const body = new URLSearchParams(req.body)
    expect(Object.fromEntries(body)).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: `${PAGE_ORIGIN}/app/`,
      code_verifier: VERIFIER,
      client_id: 'play ground',
    })
    expect(req.browserAdded).toContainEqual(['origin', PAGE_ORIGIN])
  })

  it('uses an Authorization: Basic header for client_secret_basic, and no secret in the body', async () => {
    const req = await previewTokenRequest(
      snapshot({ client_auth: 'client_secret_basic' }),
      validated(),
      's3:cr3t',
      PAGE_ORIGIN,
    )
    const auth = header(req, 'authorization')
    expect(auth).toMatch(/^Basic /)
    // RFC 6749 §2.3.1: form-urlencode id and secret, then base64.
    const decoded = Buffer.from((auth ?? '').slice(6), 'base64').toString()
    const [id, secret] = decoded.split(':')
    expect(decodeURIComponent((id ?? '').replaceAll('+', ' '))).toBe('play ground')
    expect(decodeURIComponent(secret ?? '')).toBe('s3:cr3t')
    const body = new URLSearchParams(req.body)
    expect(body.has('client_secret')).toBe(false)
    expect(body.get('code_verifier')).toBe(VERIFIER)
  })

  it('puts client_secret in the body for client_secret_post', async () => {
    const req = await previewTokenRequest(
      snapshot({ client_auth: 'client_secret_post' }),
      validated(),
      's3cr3t',
      PAGE_ORIGIN,
    )
    expect(header(req, 'authorization')).toBeUndefined()
    const body = new URLSearchParams(req.body)
    expect(body.get('client_id')).toBe('play ground')
    expect(body.get('client_secret')).toBe('s3cr3t')
  })

  it('adds resource when configured (RFC 8707 §2.2)', async () => {
    const req = await previewTokenRequest(
      snapshot({ resource: 'https://api.example.com/' }),
      validated(),
      '',
      PAGE_ORIGIN,
    )
    expect(new URLSearchParams(req.body).get('resource')).toBe('https://api.example.com/')
  })

  it('refuses parameters that were not validated by the callback step', async () => {
    await expect(
      previewTokenRequest(snapshot(), new URLSearchParams({ code: 'x', state: STATE }), '', PAGE_ORIGIN),
    ).rejects.toThrow()
  })

  it('throws without a token endpoint or a verifier', async () => {
    const noEndpoint = snapshot({}, { metadata: { issuer: ISSUER } })
    await expect(previewTokenRequest(noEndpoint, validated(), '', PAGE_ORIGIN)).rejects.toThrow(/token endpoint/)
    const noPkce = snapshot()
    delete noPkce.pkce
    await expect(previewTokenRequest(noPkce, validated(), '', PAGE_ORIGIN)).rejects.toThrow(/PKCE/)
  })
})

describe('toCurl', () => {
  const request: RecordedRequest = {
    method: 'POST',
    url: "https://as.example.com/token?x=it's",
    headers: [
      ['content-type', 'application/x-www-form-urlencoded'],
      ['authorization', "Basic a'b"],
    ],
    browserAdded: [['origin', PAGE_ORIGIN]],
    body: "code=a'b&x=$(touch /tmp/pwned)`id`",
  }

  it('produces a curl command whose arguments a POSIX shell reads back exactly', () => {
    const cmd = toCurl(request, { includeOrigin: true })
    expect(cmd.startsWith('curl -i -X POST ')).toBe(true)
    // Replace curl by a function that prints each argument on its own line.
    const script = `curl() { for a in "$@"; do printf '%s\\n' "$a"; done; }\n${cmd}`
    const args = execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\n').slice(0, -1)
    expect(args).toEqual([
      '-i',
      '-X',
      'POST',
      "https://as.example.com/token?x=it's",
      '-H',
      'content-type: application/x-www-form-urlencoded',
      '-H',
      "authorization: Basic a'b",
      '-H',
      `origin: ${PAGE_ORIGIN}`,
      '--data-raw',
      "code=a'b&x=$(touch /tmp/pwned)`id`",
    ])
  })

  it("escapes a single quote as '\\''", () => {
    expect(toCurl({ ...request, headers: [], body: "a'b" })).toContain(`--data-raw 'a'\\''b'`)
  })

  it('leaves out Origin unless asked, and --data-raw without a body', () => {
    const cmd = toCurl({ ...request, body: undefined })
    expect(cmd).not.toContain('origin:')
    expect(cmd).not.toContain('--data-raw')
  })
})

describe('tokenRequestNeedsPreflight', () => {
  it('is true only for client_secret_basic (Authorization header)', () => {
    expect(tokenRequestNeedsPreflight(snapshot({ client_auth: 'client_secret_basic' }))).toBe(true)
    expect(tokenRequestNeedsPreflight(snapshot({ client_auth: 'client_secret_post' }))).toBe(false)
    expect(tokenRequestNeedsPreflight(snapshot())).toBe(false)
  })
})

describe('exchangeCode', () => {
  it('processes a 200 JSON token response', async () => {
    const body = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, scope: 'api' }
    const { rec, calls } = recorder(json(body))
    const out = await exchangeCode(snapshot(), validated(), '', rec)
    expect(out).toEqual({ status: 200, body, processed: true, findings: [] })
    expect(calls).toHaveLength(1)
    expect(calls[0]?.url).toBe(TOKEN)
    expect(rec.exchanges).toHaveLength(1)
    expect(rec.exchanges[0]?.label).toBe('Token request (authorization_code grant)')
    expect(new URLSearchParams(rec.exchanges[0]?.request.body).get('code_verifier')).toBe(VERIFIER)
  })

  it('sends the same request that previewTokenRequest showed', async () => {
    const { rec } = recorder(json({ access_token: 'at', token_type: 'bearer' }))
    const s = snapshot({ client_auth: 'client_secret_post', resource: 'https://api.example.com/' })
    const preview = await previewTokenRequest(s, validated(), 'pw', PAGE_ORIGIN)
    await exchangeCode(s, validated(), 'pw', rec)
    const sent = rec.exchanges[0]?.request
    expect(sent?.url).toBe(preview.url)
    expect(sent?.method).toBe(preview.method)
    expect(sent?.body).toBe(preview.body)
  })

  it('reports a 400 invalid_grant as token-request-rejected with status and error', async () => {
    const body = { error: 'invalid_grant', error_description: 'PKCE verification failed' }
    const { rec } = recorder(json(body, 400))
    const out = await exchangeCode(snapshot(), validated(), '', rec)
    expect(out.status).toBe(400)
    expect(out.processed).toBe(false)
    expect(out.body).toEqual(body)
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]?.id).toBe('token-request-rejected')
    expect(out.findings[0]?.data?.error).toBe('invalid_grant')
    expect(out.findings[0]?.data?.status).toBe(400)
  })

  it('does not accept a 200 without an access_token', async () => {
    const { rec } = recorder(json({ token_type: 'Bearer' }))
    const out = await exchangeCode(snapshot(), validated(), '', rec)
    expect(out.status).toBe(200)
    expect(out.processed).toBe(false)
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]?.id).not.toBe('token-request-rejected')
  })

  it('requires an ID token when a nonce was sent (OpenID Connect)', async () => {
    const { rec } = recorder(json({ access_token: 'at', token_type: 'Bearer' }))
    const s = snapshot(
      { scope: 'openid' },
      {
        authorization: { url: `${ISSUER}/authorize`, state: STATE, nonce: 'n-1', params: [] },
      },
    )
    const out = await exchangeCode(s, validated(), '', rec)
    expect(out.processed).toBe(false)
    expect(out.findings).toHaveLength(1)
  })

  it('reports a CORS block of a public client as cors-blocked; the code may be consumed', async () => {
    const { rec } = recorder(new TypeError('Failed to fetch'), 'blocked-by-cors')
    const out = await exchangeCode(snapshot(), validated(), '', rec)
    expect(out.status).toBe(0)
    expect(out.processed).toBe(false)
    const f = out.findings[0]
    expect(out.findings).toHaveLength(1)
    expect(f?.id).toBe('cors-blocked')
    expect(f?.step).toBe('token')
    expect(f?.data?.codeMayBeConsumed).toBe(true)
    expect(f?.data?.verdict).toBe('blocked-by-cors')
    expect(f?.detail).toContain('classified as blocked-by-cors')
    expect(f?.detail).toMatch(/consumed the authorization code/)
  })

  it('says the code is unused when client_secret_basic needed a preflight', async () => {
    const { rec } = recorder(new TypeError('Failed to fetch'), 'preflight-failed')
    const out = await exchangeCode(snapshot({ client_auth: 'client_secret_basic' }), validated(), 'pw', rec)
    expect(out.findings[0]?.id).toBe('cors-blocked')
    expect(out.findings[0]?.data?.codeMayBeConsumed).toBe(false)
    expect(out.findings[0]?.detail).toMatch(/code is unused/)
  })

  it('reports an unreachable token endpoint as endpoint-unreachable', async () => {
    const { rec } = recorder(new TypeError('Failed to fetch'), 'unreachable')
    const out = await exchangeCode(snapshot(), validated(), '', rec)
    expect(out.status).toBe(0)
    expect(out.findings.map((f) => f.id)).toEqual(['endpoint-unreachable'])
    expect(out.findings[0]?.data).toMatchObject({ endpoint: TOKEN, verdict: 'unreachable' })
  })

  it('falls back to explainError when the failure was not classified', async () => {
    const { rec } = recorder(new TypeError('Failed to fetch'))
    const out = await exchangeCode(snapshot(), validated(), '', rec)
    expect(out.status).toBe(0)
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]?.step).toBe('token')
    expect(out.findings[0]?.data?.codeMayBeConsumed).toBeUndefined()
  })

  it('does not send anything without a token endpoint', async () => {
    const { rec, calls } = recorder(json({}))
    const out = await exchangeCode(snapshot({}, { metadata: { issuer: ISSUER } }), validated(), '', rec)
    expect(calls).toEqual([])
    expect(out.findings.map((f) => f.id)).toEqual(['metadata-missing-endpoint'])
  })

  it('refuses a plain-http non-loopback token endpoint without sending', async () => {
    const { rec, calls } = recorder(json({}))
    const s = snapshot({}, { metadata: { issuer: ISSUER, token_endpoint: 'http://as.example.com/token' } })
    const out = await exchangeCode(s, validated(), '', rec)
    expect(calls).toEqual([])
    expect(out.processed).toBe(false)
    expect(out.findings).toHaveLength(1)
  })
})

describe('exchangeCode with DPoP', () => {
  async function dpopUse() {
    const key = await makeDpopKey()
    return { key, use: { handle: dpopHandle('play ground', key), thumbprint: key.thumbprint } }
  }
  const proofClaims = (header: string | undefined) =>
    JSON.parse(Buffer.from((header ?? '').split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>
  const jwtAt = (payload: Record<string, unknown>) =>
    `${Buffer.from('{"alg":"ES256","typ":"at+jwt"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`
  const nonceAnswer = (withHeader: boolean) =>
    new Response(JSON.stringify({ error: 'use_dpop_nonce', error_description: 'nonce required' }), {
      status: 400,
      headers: { 'content-type': 'application/json', ...(withHeader ? { 'dpop-nonce': 'n-1' } : {}) },
    })

  it('retries once with the nonce; both requests are recorded, the proof signature is not', async () => {
    const { key, use } = await dpopUse()
    const answers = [
      nonceAnswer(true),
      json({ access_token: jwtAt({ cnf: { jkt: key.thumbprint } }), token_type: 'DPoP', expires_in: 60 }),
    ]
    const { rec, calls } = recorder(() => answers.shift() ?? new Error('no more answers'))
    const out = await exchangeCode(snapshot(), validated(), '', rec, use)
    expect(out.processed).toBe(true)
    expect(out.status).toBe(200)
    expect(calls).toHaveLength(2)
    expect(rec.exchanges.map((e) => e.response?.status)).toEqual([400, 200])
    expect(rec.exchanges[1]?.label).toMatch(/retried once with the DPoP nonce/)
    const sent = (i: number) => new Headers(calls[i]?.init?.headers).get('dpop') ?? undefined
    expect(proofClaims(sent(0)).nonce).toBeUndefined()
    expect(proofClaims(sent(1)).nonce).toBe('n-1')
    expect(proofClaims(sent(1))).toMatchObject({ htm: 'POST', htu: TOKEN })
    const recorded = header(rec.exchanges[1]!.request, 'dpop') ?? ''
    expect(recorded.endsWith('.[signature removed]')).toBe(true)
    expect(recorded).not.toContain(sent(1)!.split('.')[2])
    expect(out.findings.map((f) => [f.id, f.severity])).toEqual([['dpop-nonce-required', 'info']])
  })

  it('does not loop when the DPoP-Nonce header is not readable', async () => {
    const { use } = await dpopUse()
    const { rec, calls } = recorder(() => nonceAnswer(false))
    const out = await exchangeCode(snapshot(), validated(), '', rec, use)
    expect(calls).toHaveLength(1)
    expect(out.processed).toBe(false)
    expect(out.findings.map((f) => f.id)).toEqual(['dpop-nonce-not-exposed', 'token-request-rejected'])
  })

  it('retries at most once', async () => {
    const { use } = await dpopUse()
    const { rec, calls } = recorder(() => nonceAnswer(true))
    const out = await exchangeCode(snapshot(), validated(), '', rec, use)
    expect(calls).toHaveLength(2)
    expect(out.findings.map((f) => f.id)).toEqual(['dpop-nonce-required', 'token-request-rejected'])
  })

  it('reports a Bearer token to a proof (warning when DPoP is advertised) and a foreign cnf.jkt', async () => {
    const { use } = await dpopUse()
    const md = { issuer: ISSUER, token_endpoint: TOKEN, dpop_signing_alg_values_supported: ['ES256'] }
    const bearer = recorder(() => json({ access_token: 'opaque', token_type: 'Bearer' }))
    const out = await exchangeCode(snapshot({}, { metadata: md }), validated(), '', bearer.rec, use)
    expect(out.findings.map((f) => [f.id, f.severity])).toEqual([['dpop-not-honoured', 'warning']])
    const other = recorder(() => json({ access_token: jwtAt({ cnf: { jkt: 'someone-else' } }), token_type: 'DPoP' }))
    const out2 = await exchangeCode(snapshot({}, { metadata: md }), validated(), '', other.rec, use)
    expect(out2.findings.map((f) => [f.id, f.severity])).toEqual([['dpop-jkt-mismatch', 'error']])
  })

  it('tells a refused preflight from missing CORS headers with a request that needs none', async () => {
    const { use } = await dpopUse()
    // The DPoP request fails; the same endpoint answers a CORS-simple request readably: the preflight refused "dpop".
    let n = 0
    const refused = recorder(
      () => (n++ === 0 ? new TypeError('Failed to fetch') : json({ error: 'invalid_grant' }, 400)),
      'preflight-failed',
    )
    const out = await exchangeCode(snapshot(), validated(), '', refused.rec, use)
    expect(out.findings.map((f) => [f.id, f.severity])).toEqual([['dpop-preflight-refused', 'error']])
    expect(out.findings[0]?.data).toMatchObject({ confirmed: true })
    expect(refused.calls).toHaveLength(2)
    const probe = refused.calls[1]
    expect(new Headers(probe?.init?.headers).has('dpop')).toBe(false)
    expect(String(probe?.init?.body)).toContain('code=pkce-playground-cors-probe')
    expect(refused.rec.exchanges.at(-1)?.label).toMatch(/CORS probe/)
    expect(tokenRequestNeedsPreflight(snapshot(), true)).toBe(true)
    // Blocked without the DPoP header too: no CORS headers at all, and the code may have been consumed.
    const blocked = recorder(new TypeError('Failed to fetch'), 'preflight-failed')
    const out2 = await exchangeCode(snapshot(), validated(), '', blocked.rec, use)
    expect(out2.findings.map((f) => [f.id, f.severity])).toEqual([['cors-blocked', 'error']])
    expect(out2.findings[0]?.data).toMatchObject({ codeMayBeConsumed: true })
    expect(out2.findings[0]?.detail).toMatch(/may have processed it and consumed/)
  })

  it('previews the request with its proof (signature removed)', async () => {
    const { use } = await dpopUse()
    const req = await previewTokenRequest(snapshot(), validated(), '', PAGE_ORIGIN, use)
    const proof = header(req, 'dpop') ?? ''
    expect(proof.split('.')).toHaveLength(3)
    expect(proof.endsWith('.[signature removed]')).toBe(true)
    expect(proofClaims(proof)).toMatchObject({ htm: 'POST', htu: TOKEN })
    expect(header(await previewTokenRequest(snapshot(), validated(), '', PAGE_ORIGIN), 'dpop')).toBeUndefined()
  })
})
