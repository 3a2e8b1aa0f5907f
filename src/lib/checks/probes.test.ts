/**
 * Server probes against the REAL demo authorization server (oidc-provider): the compliant issuer
 * rejects everything (→ "-ok" style info findings), the fault issuer pkce-not-enforced accepts a
 * wrong or missing verifier. Authorization codes are obtained by driving the login over HTTP as
 * tests/servers/smoke.mjs does. Fake token endpoints stand in for faults the demo server lacks
 * (code replay accepted, redirect_uri not checked, plain accepted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash, randomBytes } from 'node:crypto'
import { authorizeOverHttp } from '../../../tests/unit/http-login'
import * as oauth from 'oauth4webapi'
import { startAuthorizationServer } from '../../../tests/servers/authorization-server.mjs'
import {
  PROBES,
  judgePlainCallback,
  judgeProbeCallback,
  mismatchedRedirectUri,
  runParWithoutPkce,
  runProbeExchange,
  type ProbeId,
} from './probes'
import { asAuthorizationServer } from '../platform/o4w'
import { defaultConfig } from '../protocol/config'
import { Recorder, type FetchLike } from '../platform/recorder'
import type { ClientAuthMethod, Finding, FlowSnapshot, ServerMetadata } from '../model/types'

const ORIGIN = 'http://localhost:4173'
const REDIRECT_URI = `${ORIGIN}/`

// ---- login over HTTP (the approach of tests/servers/smoke.mjs) ------------------------------------

/** Runs the authorization request, the login and the consent; returns the callback URL. */
const authorize = (authorizationEndpoint: string, params: Record<string, string>): Promise<URL> =>
  authorizeOverHttp(authorizationEndpoint, params, REDIRECT_URI)

function recorder(fetchImpl?: FetchLike): Recorder {
  return new Recorder({
    step: 'probes',
    pageOrigin: ORIGIN,
    fetch:
      fetchImpl ??
      ((url, init = {}) =>
        fetch(url, { ...init, headers: { ...((init.headers as Record<string, string>) ?? {}), origin: ORIGIN } })),
  })
}

interface ProbeRun {
  snapshot: FlowSnapshot
  callback: URLSearchParams
  /** Present when the callback carried a code and validated. */
  validated?: URLSearchParams
}

/**
 * What the driver does for one probe: an authorization round trip shaped by the probe's
 * authorizationOverrides, a snapshot describing THAT request, and the validated callback.
 */
async function authorizeForProbe(
  issuer: string,
  probe: ProbeId,
  o: { clientId?: string; clientAuth?: ClientAuthMethod } = {},
): Promise<ProbeRun> {
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as ServerMetadata
  const overrides = PROBES.find((p) => p.id === probe)?.authorizationOverrides ?? {}
  const verifier = randomBytes(32).toString('base64url')
  const plain = overrides.code_challenge_method === 'plain'
  const challenge = plain ? verifier : createHash('sha256').update(verifier).digest('base64url')
  const state = randomBytes(8).toString('hex')
  const nonce = randomBytes(8).toString('hex')
  const config = {
    ...defaultConfig(REDIRECT_URI),
    issuer,
    client_id: o.clientId ?? 'pkce-playground',
    client_auth: o.clientAuth ?? 'none',
    scope: 'openid profile offline_access',
  }
  const params: Record<string, string> = {
    client_id: config.client_id,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: config.scope,
    state,
    nonce,
    ...(overrides.omitChallenge ? {} : { code_challenge: challenge, code_challenge_method: plain ? 'plain' : 'S256' }),
  }
  const cb = await authorize(metadata.authorization_endpoint ?? '', params)
  const snapshot: FlowSnapshot = {
    version: 1,
    runId: `probe-${probe}`,
    origin: ORIGIN,
    config,
    metadata,
    pkce: { method: plain ? 'plain' : 'S256', code_verifier: verifier, code_challenge: challenge },
    authorization: { url: cb.href, state, nonce, params: Object.entries(params) },
    exchanges: [],
    findings: [],
    status: {},
  }
  let validated: URLSearchParams | undefined
  try {
    validated = oauth.validateAuthResponse(
      asAuthorizationServer(metadata),
      { client_id: config.client_id },
      cb.searchParams,
      state,
    )
  } catch {
    validated = undefined
  }
  return { snapshot, callback: cb.searchParams, ...(validated ? { validated } : {}) }
}

const secretFor = (clientAuth?: ClientAuthMethod) => (clientAuth === 'client_secret_basic' ? 'demo-secret-basic' : '')

/** Judge the callback, then (when it says so) run the token request(s) — the whole driver loop. */
async function runProbe(issuer: string, probe: ProbeId, o: { clientId?: string; clientAuth?: ClientAuthMethod } = {}) {
  const run = await authorizeForProbe(issuer, probe, o)
  const judged = judgeProbeCallback(probe, run.callback, run.snapshot)
  const rec = recorder()
  if (!judged.proceed || !run.validated) return { judged, rec, outcome: undefined, run }
  const outcome = await runProbeExchange(probe, run.snapshot, run.validated, secretFor(o.clientAuth), rec)
  return { judged, rec, outcome, run }
}

function ids(findings: Finding[]): string[] {
  return findings.map((f) => f.id)
}

function only(findings: Finding[], id: string): Finding {
  expect(ids(findings)).toEqual([id])
  return findings[0] as Finding
}

function checkShape(f: Finding, probe: ProbeId): void {
  expect(f.step).toBe('probes')
  expect(f.data?.probe).toBe(probe)
  for (const k of ['title', 'detail', 'fix', 'spec'] as const) expect(f[k].length, k).toBeGreaterThan(3)
}

let server: { url: string; close(): Promise<void> }
let AS = ''
const FAULT = () => `${AS}/faults/pkce-not-enforced`

beforeAll(async () => {
  server = await startAuthorizationServer({ port: 0, playgroundOrigins: [ORIGIN] })
  AS = server.url
})
afterAll(async () => {
  await server?.close()
})

describe('PROBES', () => {
  it('lists every probe once, each with a spec and one code (none for the PAR probe)', () => {
    const list: ProbeId[] = [
      'wrong-verifier',
      'missing-verifier',
      'verifier-without-challenge',
      'code-replay',
      'redirect-uri-mismatch',
      'plain-refused',
      'par-without-pkce',
    ]
    expect(PROBES.map((p) => p.id).sort()).toEqual([...list].sort())
    for (const p of PROBES) {
      // The PAR probe needs no round trip: it only pushes a request.
      expect(p.needsCodes).toBe(p.id === 'par-without-pkce' ? 0 : 1)
      expect(p.spec).toMatch(/RFC/)
    }
    expect(PROBES.find((p) => p.id === 'plain-refused')?.authorizationOverrides).toEqual({
      code_challenge_method: 'plain',
    })
    expect(PROBES.find((p) => p.id === 'verifier-without-challenge')?.authorizationOverrides).toEqual({
      omitChallenge: true,
    })
  })

  it('mismatchedRedirectUri is never identical', () => {
    expect(mismatchedRedirectUri('http://localhost:4173/')).toBe('http://localhost:4173/?probe=redirect-uri-mismatch')
    expect(mismatchedRedirectUri('https://a.example/cb?x=1')).toBe(
      'https://a.example/cb?x=1&probe=redirect-uri-mismatch',
    )
  })
})

describe('probes against the compliant demo server (public client)', () => {
  it('wrong-verifier → pkce-enforced', async () => {
    const { judged, outcome, rec } = await runProbe(AS, 'wrong-verifier')
    expect(judged).toEqual({ proceed: true, findings: [] })
    expect(outcome?.accepted).toBe(false)
    expect(outcome?.status).toBe(400)
    const f = only(outcome?.findings ?? [], 'pkce-enforced')
    expect(f.severity).toBe('info')
    expect(f.data?.error).toBe('invalid_grant')
    checkShape(f, 'wrong-verifier')
    const sent = new URLSearchParams(rec.exchanges[0]?.request.body)
    expect(sent.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(rec.exchanges[0]?.label).toBe('Probe: wrong code_verifier')
  })

  it('missing-verifier → pkce-downgrade-rejected (no code_verifier sent)', async () => {
    const { outcome, rec } = await runProbe(AS, 'missing-verifier')
    expect(new URLSearchParams(rec.exchanges[0]?.request.body).has('code_verifier')).toBe(false)
    const f = only(outcome?.findings ?? [], 'pkce-downgrade-rejected')
    checkShape(f, 'missing-verifier')
    expect(outcome?.accepted).toBe(false)
  })

  it('verifier-without-challenge → the public client cannot even get a code (pkce-required)', async () => {
    const { judged, outcome, run } = await runProbe(AS, 'verifier-without-challenge')
    expect(run.callback.get('error')).toBe('invalid_request')
    expect(judged.proceed).toBe(false)
    checkShape(only(judged.findings, 'pkce-required'), 'verifier-without-challenge')
    expect(outcome).toBeUndefined()
  })

  it('code-replay → code-replay-rejected, and the grant was revoked (introspection)', async () => {
    const { outcome, rec } = await runProbe(AS, 'code-replay')
    expect(outcome?.accepted).toBe(false)
    expect(outcome?.status).toBe(400)
    expect(ids(outcome?.findings ?? [])).toEqual(['code-replay-rejected', 'code-replay-tokens-revoked'])
    for (const f of outcome?.findings ?? []) checkShape(f, 'code-replay')
    expect(rec.exchanges.map((x) => x.response?.status)).toEqual([200, 400, 200])
    expect(rec.exchanges[0]?.request.body).toBe(rec.exchanges[1]?.request.body)
  })

  it('redirect-uri-mismatch → redirect-uri-checked', async () => {
    const { outcome, rec } = await runProbe(AS, 'redirect-uri-mismatch')
    expect(new URLSearchParams(rec.exchanges[0]?.request.body).get('redirect_uri')).toBe(
      `${REDIRECT_URI}?probe=redirect-uri-mismatch`,
    )
    const f = only(outcome?.findings ?? [], 'redirect-uri-checked')
    expect(f.data?.error).toBe('invalid_grant')
    checkShape(f, 'redirect-uri-mismatch')
  })

  it('plain-refused → error=invalid_request at the callback → pkce-plain-refused', async () => {
    const { judged, outcome, run } = await runProbe(AS, 'plain-refused')
    expect(run.callback.get('error')).toBe('invalid_request')
    expect(judged.proceed).toBe(false)
    const f = only(judged.findings, 'pkce-plain-refused')
    expect(f.severity).toBe('info')
    checkShape(f, 'plain-refused')
    expect(outcome).toBeUndefined()
  })
})

describe('probes against the compliant demo server (confidential client)', () => {
  it('verifier-without-challenge: code issued without PKCE (info), then the verifier is refused', async () => {
    const { judged, outcome } = await runProbe(AS, 'verifier-without-challenge', {
      clientId: 'pkce-playground-basic',
      clientAuth: 'client_secret_basic',
    })
    expect(judged.proceed).toBe(true)
    expect(only(judged.findings, 'pkce-not-required').severity).toBe('info')
    expect(outcome?.accepted).toBe(false)
    checkShape(only(outcome?.findings ?? [], 'verifier-without-challenge-rejected'), 'verifier-without-challenge')
  })
})

describe('probes against the fault issuer pkce-not-enforced', () => {
  it('wrong-verifier → pkce-not-enforced (error)', async () => {
    const { outcome } = await runProbe(FAULT(), 'wrong-verifier')
    expect(outcome?.accepted).toBe(true)
    expect(outcome?.status).toBe(200)
    const f = only(outcome?.findings ?? [], 'pkce-not-enforced')
    expect(f.severity).toBe('error')
    expect(f.spec).toMatch(/RFC 7636 §4\.6/)
    expect(f.detail).toMatch(/proves the server does not verify PKCE/)
    checkShape(f, 'wrong-verifier')
  })

  it('missing-verifier → pkce-downgrade-accepted (error)', async () => {
    const { outcome } = await runProbe(FAULT(), 'missing-verifier')
    expect(outcome?.accepted).toBe(true)
    expect(only(outcome?.findings ?? [], 'pkce-downgrade-accepted').severity).toBe('error')
  })

  it('the other probes still pass there (the fault breaks one thing)', async () => {
    expect(ids((await runProbe(FAULT(), 'code-replay')).outcome?.findings ?? [])).toContain('code-replay-rejected')
    expect(ids((await runProbe(FAULT(), 'redirect-uri-mismatch')).outcome?.findings ?? [])).toEqual([
      'redirect-uri-checked',
    ])
  })
})

// ---- fake token endpoints for faults the demo server does not have -----------------------------------

const ISSUER = 'https://as.example.com'
const META: ServerMetadata = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: `${ISSUER}/token`,
  introspection_endpoint: `${ISSUER}/introspect`,
  code_challenge_methods_supported: ['S256'],
}

function fakeSnapshot(): { snapshot: FlowSnapshot; validated: URLSearchParams } {
  const snapshot: FlowSnapshot = {
    version: 1,
    runId: 'fake',
    origin: ORIGIN,
    config: { ...defaultConfig(REDIRECT_URI), issuer: ISSUER, client_id: 'c', scope: 'api' },
    metadata: META,
    pkce: { method: 'S256', code_verifier: 'v'.repeat(43), code_challenge: 'c' },
    authorization: { url: `${ISSUER}/authorize`, state: 's', params: [] },
    exchanges: [],
    findings: [],
    status: {},
  }
  const validated = oauth.validateAuthResponse(
    asAuthorizationServer(META),
    { client_id: 'c' },
    new URLSearchParams({ code: 'abc', state: 's' }),
    's',
  )
  return { snapshot, validated }
}

const tokens = () =>
  new Response(JSON.stringify({ access_token: 'at', token_type: 'Bearer', refresh_token: 'rt' }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  })
const oauthError = (error: string, status = 400) =>
  new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } })

describe('the PAR probe (a pushed request without code_challenge, no round trip)', () => {
  async function push(issuer: string) {
    const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as ServerMetadata
    const snapshot: FlowSnapshot = {
      version: 1,
      runId: 'r',
      origin: ORIGIN,
      config: { ...defaultConfig(REDIRECT_URI), issuer, client_id: 'pkce-playground', scope: 'openid' },
      metadata,
      exchanges: [],
      findings: [],
      status: {},
    }
    const params: Array<[string, string]> = [
      ['response_type', 'code'],
      ['client_id', 'pkce-playground'],
      ['redirect_uri', REDIRECT_URI],
      ['scope', 'openid'],
      ['state', 'probe-state'],
      ['code_challenge', 'x'.repeat(43)],
      ['code_challenge_method', 'S256'],
    ]
    const rec = recorder()
    return { outcome: await runParWithoutPkce(snapshot, params, '', rec), rec }
  }

  it('the compliant server refuses it: par-pkce-enforced, and the challenge was really left out', async () => {
    const { outcome, rec } = await push(AS)
    expect(outcome.accepted).toBe(false)
    expect(outcome.status).toBe(400)
    expect(outcome.findings.map((f) => [f.id, f.severity])).toEqual([['par-pkce-enforced', 'info']])
    expect(outcome.findings[0]?.data?.probe).toBe('par-without-pkce')
    const sent = new URLSearchParams(rec.exchanges[0]?.request.body)
    expect(sent.has('code_challenge')).toBe(false)
    expect(sent.get('state')).toBe('probe-state')
  })

  it('a server that accepts it (fault par-ignores-pkce): par-ignores-pkce, a warning', async () => {
    const { outcome } = await push(`${AS}/faults/par-ignores-pkce`)
    expect(outcome.accepted).toBe(true)
    expect(outcome.status).toBe(201)
    expect(outcome.findings.map((f) => [f.id, f.severity])).toEqual([['par-ignores-pkce', 'warning']])
  })
})

describe('probes against fake servers', () => {
  it('code-replay-accepted when the same code is redeemed twice', async () => {
    const { snapshot, validated } = fakeSnapshot()
    const r = await runProbeExchange(
      'code-replay',
      snapshot,
      validated,
      '',
      recorder(async () => tokens()),
    )
    expect(r.accepted).toBe(true)
    const f = only(r.findings, 'code-replay-accepted')
    expect(f.severity).toBe('error')
    expect(f.spec).toMatch(/RFC 6749 §4\.1\.2/)
  })

  it('code-replay: rejected, tokens still active → code-replay-tokens-not-revoked (info)', async () => {
    const { snapshot, validated } = fakeSnapshot()
    let n = 0
    const r = await runProbeExchange(
      'code-replay',
      snapshot,
      validated,
      '',
      recorder(async (url) => {
        if (url.endsWith('/introspect'))
          return new Response(JSON.stringify({ active: true }), { headers: { 'content-type': 'application/json' } })
        return ++n === 1 ? tokens() : oauthError('invalid_grant')
      }),
    )
    expect(ids(r.findings)).toEqual(['code-replay-rejected', 'code-replay-tokens-not-revoked'])
  })

  it('code-replay: the first redemption fails → inconclusive', async () => {
    const { snapshot, validated } = fakeSnapshot()
    const r = await runProbeExchange(
      'code-replay',
      snapshot,
      validated,
      '',
      recorder(async () => oauthError('invalid_client', 401)),
    )
    const f = only(r.findings, 'probe-inconclusive')
    expect(f.severity).toBe('info')
    expect(f.data?.error).toBe('invalid_client')
  })

  it('redirect-uri-not-checked when a different redirect_uri gets tokens', async () => {
    const { snapshot, validated } = fakeSnapshot()
    const r = await runProbeExchange(
      'redirect-uri-mismatch',
      snapshot,
      validated,
      '',
      recorder(async () => tokens()),
    )
    const f = only(r.findings, 'redirect-uri-not-checked')
    expect(f.severity).toBe('error')
    expect(f.spec).toMatch(/RFC 6749 §4\.1\.3/)
  })

  it('verifier-without-challenge-accepted (error)', async () => {
    const { snapshot, validated } = fakeSnapshot()
    const r = await runProbeExchange(
      'verifier-without-challenge',
      snapshot,
      validated,
      '',
      recorder(async () => tokens()),
    )
    expect(only(r.findings, 'verifier-without-challenge-accepted').severity).toBe('error')
  })

  it('a network failure (CORS) is inconclusive, never a verdict', async () => {
    const { snapshot, validated } = fakeSnapshot()
    const rec = new Recorder({
      step: 'probes',
      pageOrigin: ORIGIN,
      fetch: async () => {
        throw new TypeError('Failed to fetch')
      },
      classify: async () => ({ verdict: 'blocked-by-cors', detail: 'no ACAO' }),
    })
    const r = await runProbeExchange('wrong-verifier', snapshot, validated, '', rec)
    expect(r.status).toBe(0)
    expect(r.accepted).toBe(false)
    expect(only(r.findings, 'probe-inconclusive').detail).toMatch(/no ACAO/)
  })
})

describe('judgePlainCallback', () => {
  it('a code for plain when only S256 is advertised → pkce-plain-accepted (warning)', () => {
    const j = judgePlainCallback(new URLSearchParams({ code: 'x', state: 's' }), META)
    expect(j.proceed).toBe(true)
    const f = only(j.findings, 'pkce-plain-accepted')
    expect(f.severity).toBe('warning')
    expect(f.spec).toMatch(/RFC 7636 §4\.2/)
    checkShape(f, 'plain-refused')
  })

  it('plain advertised and accepted → info', () => {
    const j = judgePlainCallback(new URLSearchParams({ code: 'x' }), {
      ...META,
      code_challenge_methods_supported: ['S256', 'plain'],
    })
    expect(only(j.findings, 'pkce-plain-accepted').severity).toBe('info')
  })

  it('another error than invalid_request is inconclusive', () => {
    const j = judgePlainCallback(new URLSearchParams({ error: 'access_denied' }), META)
    expect(j.proceed).toBe(false)
    expect(only(j.findings, 'probe-inconclusive').data?.error).toBe('access_denied')
  })
})
