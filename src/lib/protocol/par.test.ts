import { describe, expect, it } from 'vitest'
import { parAuthorizationUrl, pushAuthorizationRequest, wantsPar } from './par'
import { defaultConfig } from './config'
import { dpopHandle, makeDpopKey } from './dpop'
import { Recorder } from '../platform/recorder'
import type { CorsVerdict, FlowSnapshot, ServerMetadata } from '../model/types'

const ISSUER = 'https://as.example.com'
const PAR = `${ISSUER}/par`
const PAGE_ORIGIN = 'https://playground.example'
const MD: ServerMetadata = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize?tenant=t1`,
  token_endpoint: `${ISSUER}/token`,
  pushed_authorization_request_endpoint: PAR,
}

function snapshot(md: ServerMetadata | undefined = MD): FlowSnapshot {
  return {
    version: 1,
    runId: 'r',
    origin: PAGE_ORIGIN,
    config: { ...defaultConfig(`${PAGE_ORIGIN}/`), issuer: ISSUER, client_id: 'c1' },
    ...(md ? { metadata: md } : {}),
    exchanges: [],
    findings: [],
    status: {},
  }
}

type Answer = Response | Error
function recorder(answer: () => Answer, verdict?: CorsVerdict) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = []
  const rec = new Recorder({
    step: 'authorization',
    pageOrigin: PAGE_ORIGIN,
    fetch: async (url, init) => {
      calls.push({ url, init })
      const a = answer()
      if (a instanceof Error) throw a
      return a
    },
    ...(verdict ? { classify: async () => ({ verdict, detail: `classified as ${verdict}` }) } : {}),
  })
  return { rec, calls }
}

const json = (body: unknown, status = 201, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

const PARAMS: Array<[string, string]> = [
  ['response_type', 'code'],
  ['client_id', 'c1'],
  ['redirect_uri', `${PAGE_ORIGIN}/`],
  ['code_challenge', 'abc'],
  ['code_challenge_method', 'S256'],
  ['state', 's1'],
]

describe('wantsPar', () => {
  it('follows the setting, and require_pushed_authorization_requests when auto (the default)', () => {
    expect(wantsPar({}, { ...MD, require_pushed_authorization_requests: true })).toBe(true)
    expect(wantsPar({ par: 'auto' }, MD)).toBe(false)
    expect(wantsPar({ par: 'auto' }, { ...MD, require_pushed_authorization_requests: false })).toBe(false)
    expect(wantsPar({ par: 'on' }, MD)).toBe(true)
    expect(wantsPar({ par: 'off' }, { ...MD, require_pushed_authorization_requests: true })).toBe(false)
  })
})

describe('parAuthorizationUrl', () => {
  it('carries only client_id and request_uri (and the endpoint’s own query)', () => {
    const url = new URL(parAuthorizationUrl(MD, 'c 1', 'urn:ietf:params:oauth:request_uri:xyz'))
    expect(url.origin + url.pathname).toBe(`${ISSUER}/authorize`)
    expect([...url.searchParams]).toEqual([
      ['tenant', 't1'],
      ['client_id', 'c 1'],
      ['request_uri', 'urn:ietf:params:oauth:request_uri:xyz'],
    ])
  })
})

describe('pushAuthorizationRequest', () => {
  it('POSTs the parameters, records the exchange and returns request_uri and expires_in', async () => {
    const { rec, calls } = recorder(() =>
      json({ request_uri: 'urn:ietf:params:oauth:request_uri:abc', expires_in: 60 }),
    )
    const out = await pushAuthorizationRequest(snapshot(), PARAMS, '', rec)
    expect(out).toMatchObject({ status: 201, request_uri: 'urn:ietf:params:oauth:request_uri:abc', expires_in: 60 })
    expect(out.findings).toEqual([])
    expect(out.exchangeId).toBe(rec.exchanges[0]?.id)
    expect(calls[0]?.url).toBe(PAR)
    expect(calls[0]?.init?.method).toBe('POST')
    const body = new URLSearchParams(String(calls[0]?.init?.body))
    expect(body.get('code_challenge')).toBe('abc')
    expect(body.getAll('client_id')).toEqual(['c1'])
    expect(rec.exchanges[0]?.label).toMatch(/PAR/)
  })

  it('lints the shape of the answer: not a URN (info), expires_in missing (warning) or long (info)', async () => {
    const a = await pushAuthorizationRequest(
      snapshot(),
      PARAMS,
      '',
      recorder(() => json({ request_uri: 'https://as.example.com/r/1', expires_in: 3600 })).rec,
    )
    expect(a.findings.map((f) => [f.id, f.severity])).toEqual([
      ['par-request-uri-shape', 'info'],
      ['par-expires-in', 'info'],
    ])
    const b = await pushAuthorizationRequest(snapshot(), PARAMS, '', recorder(() => json({ request_uri: 'abc' })).rec)
    expect(b.findings.slice(0, 2).map((f) => [f.id, f.severity])).toEqual([
      ['par-request-uri-shape', 'warning'],
      ['par-expires-in', 'warning'],
    ])
    // oauth4webapi refuses a missing expires_in, so there is no request_uri to use
    expect(b.request_uri).toBeUndefined()
  })

  it('explains an error answer', async () => {
    const out = await pushAuthorizationRequest(
      snapshot(),
      PARAMS,
      '',
      recorder(() => json({ error: 'invalid_request', error_description: 'code_challenge missing' }, 400)).rec,
    )
    expect(out.status).toBe(400)
    expect(out.request_uri).toBeUndefined()
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]?.step).toBe('authorization')
    expect(out.findings[0]?.detail).toMatch(/code_challenge missing/)
  })

  it('names a CORS failure of the PAR POST par-cors', async () => {
    const out = await pushAuthorizationRequest(
      snapshot(),
      PARAMS,
      '',
      recorder(() => new TypeError('Failed to fetch'), 'blocked-by-cors').rec,
    )
    expect(out.findings.map((f) => [f.id, f.severity])).toEqual([['par-cors', 'error']])
    expect(out.findings[0]?.detail).toMatch(/cross-origin POST/)
  })

  it('with DPoP: sends a proof for the PAR endpoint and retries once on use_dpop_nonce', async () => {
    const key = await makeDpopKey()
    const answers: Answer[] = [
      json({ error: 'use_dpop_nonce' }, 400, { 'dpop-nonce': 'n-9' }),
      json({ request_uri: 'urn:ietf:params:oauth:request_uri:d', expires_in: 30 }),
    ]
    const { rec, calls } = recorder(() => answers.shift() ?? new Error('done'))
    const out = await pushAuthorizationRequest(snapshot(), PARAMS, '', rec, {
      handle: dpopHandle('c1', key),
      thumbprint: key.thumbprint,
    })
    expect(out.request_uri).toBe('urn:ietf:params:oauth:request_uri:d')
    expect(calls).toHaveLength(2)
    const claims = (i: number) =>
      JSON.parse(Buffer.from(new Headers(calls[i]?.init?.headers).get('dpop')!.split('.')[1]!, 'base64url').toString())
    expect(claims(0)).toMatchObject({ htm: 'POST', htu: PAR })
    expect(claims(1).nonce).toBe('n-9')
    expect(out.findings.map((f) => [f.id, f.severity])).toEqual([['dpop-nonce-required', 'info']])
    expect(out.exchangeId).toBe(rec.exchanges[1]?.id)
  })

  it('without a PAR endpoint, says so and sends nothing', async () => {
    const { rec, calls } = recorder(() => new Error('must not be called'))
    const out = await pushAuthorizationRequest(
      snapshot({ ...MD, pushed_authorization_request_endpoint: undefined }),
      PARAMS,
      '',
      rec,
    )
    expect(calls).toHaveLength(0)
    expect(out.status).toBe(0)
    expect(out.findings[0]?.detail).toMatch(/pushed_authorization_request_endpoint/)
  })
})
