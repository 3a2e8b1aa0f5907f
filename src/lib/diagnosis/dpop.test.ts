import { describe, expect, it } from 'vitest'
import * as oauth from 'oauth4webapi'
import type { HttpExchange } from '../model/types'
import {
  dpopAlgUnsupportedFinding,
  dpopBindingFindings,
  dpopChallengeFinding,
  dpopNonceNotExposedFinding,
  dpopNonceRoundTripFinding,
  dpopPreflightFinding,
  dpopTokenTypeFinding,
  readableNonce,
  sentProof,
} from './dpop'
import { explainError } from './explain'

function b64u(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url')
}
function jwt(payload: Record<string, unknown>): string {
  return `${b64u({ alg: 'ES256', typ: 'at+jwt' })}.${b64u(payload)}.c2ln`
}
const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'

function exchange(over: Partial<HttpExchange> = {}, dpop = true): HttpExchange {
  return {
    id: 'x1',
    step: 'token',
    label: 'Token request',
    startedAt: 0,
    durationMs: 1,
    request: {
      method: 'POST',
      url: 'https://as.example/token?q=1',
      headers: [
        ['content-type', 'application/x-www-form-urlencoded'],
        ...(dpop ? [['dpop', 'eyJ.eyJ.sig'] as [string, string]] : []),
      ],
      browserAdded: [],
    },
    cors: 'readable',
    ...over,
  }
}

describe('dpopTokenTypeFinding (dpop-not-honoured)', () => {
  it('warns when the server advertises DPoP and returns Bearer to a proof', () => {
    const f = dpopTokenTypeFinding({ proofSent: true, tokenType: 'Bearer', advertised: true, step: 'token' })
    expect(f).toMatchObject({ id: 'dpop-not-honoured', severity: 'warning', spec: 'RFC 9449 §5, §5.1' })
    expect(f?.data).toEqual({ token_type: 'Bearer', advertised: true })
  })
  it('is information when DPoP is not advertised (the server MAY ignore it)', () => {
    expect(
      dpopTokenTypeFinding({ proofSent: true, tokenType: 'bearer', advertised: false, step: 'token' })?.severity,
    ).toBe('info')
  })
  it('says nothing for DPoP, without a proof, or without token_type', () => {
    expect(
      dpopTokenTypeFinding({ proofSent: true, tokenType: 'DPoP', advertised: true, step: 'token' }),
    ).toBeUndefined()
    expect(
      dpopTokenTypeFinding({ proofSent: false, tokenType: 'Bearer', advertised: true, step: 'token' }),
    ).toBeUndefined()
    expect(
      dpopTokenTypeFinding({ proofSent: true, tokenType: undefined, advertised: true, step: 'token' }),
    ).toBeUndefined()
  })
})

describe('dpopBindingFindings', () => {
  it('accepts a JWT access token bound to our key', () => {
    expect(
      dpopBindingFindings({
        accessToken: jwt({ cnf: { jkt: JKT } }),
        tokenType: 'DPoP',
        thumbprint: JKT,
        step: 'token',
      }),
    ).toEqual([])
  })
  it('reports another cnf.jkt as an error', () => {
    const out = dpopBindingFindings({
      accessToken: jwt({ cnf: { jkt: 'other' } }),
      tokenType: 'DPoP',
      thumbprint: JKT,
      step: 'token',
    })
    expect(out.map((f) => [f.id, f.severity])).toEqual([['dpop-jkt-mismatch', 'error']])
    expect(out[0]?.data).toMatchObject({ jkt: 'other', expected: JKT, where: 'access token' })
  })
  it('warns when a DPoP token type JWT has no cnf.jkt, not when the token is Bearer', () => {
    const at = jwt({ sub: 'u' })
    expect(
      dpopBindingFindings({ accessToken: at, tokenType: 'DPoP', thumbprint: JKT, step: 'token' }).map((f) => [
        f.id,
        f.severity,
      ]),
    ).toEqual([['dpop-jkt-missing', 'warning']])
    expect(dpopBindingFindings({ accessToken: at, tokenType: 'Bearer', thumbprint: JKT, step: 'token' })).toEqual([])
  })
  it('reads cnf.jkt of an active introspection response; an opaque token alone says nothing', () => {
    expect(
      dpopBindingFindings({ accessToken: 'opaque-token', tokenType: 'DPoP', thumbprint: JKT, step: 'introspection' }),
    ).toEqual([])
    const out = dpopBindingFindings({
      accessToken: 'opaque-token',
      introspection: { active: true, cnf: { jkt: 'x' } },
      tokenType: 'DPoP',
      thumbprint: JKT,
      step: 'introspection',
    })
    expect(out.map((f) => f.id)).toEqual(['dpop-jkt-mismatch'])
    expect(out[0]?.data?.where).toBe('introspection response')
    expect(
      dpopBindingFindings({
        introspection: { active: false },
        tokenType: 'DPoP',
        thumbprint: JKT,
        step: 'introspection',
      }),
    ).toEqual([])
  })
})

describe('dpopPreflightFinding', () => {
  it('explains a refused preflight of a DPoP request, naming the headers to allow', () => {
    const ex = exchange({
      cors: 'preflight-failed',
      corsDetail: 'Preflight refused.',
      error: { name: 'TypeError', message: 'Failed to fetch' },
    })
    const f = dpopPreflightFinding(ex, 'token', 'token endpoint')
    expect(f).toMatchObject({ id: 'dpop-preflight-refused', severity: 'error' })
    expect(f?.fix).toMatch(/Access-Control-Allow-Headers: dpop, authorization, content-type/)
    expect(f?.detail).toMatch(/OPTIONS \/token/)
    expect(f?.detail).toMatch(/authorization code is then unused/)
    // DPoP was the page's choice (advertised, or asked for): the way to test without it is named.
    expect(f?.fix).toMatch(/set DPoP to Off under More options/)
  })
  it('says nothing without a DPoP header, for another verdict, or without an error', () => {
    const failed = { cors: 'preflight-failed' as const, error: { name: 'TypeError', message: 'x' } }
    expect(dpopPreflightFinding(exchange(failed, false), 'token', 'token endpoint')).toBeUndefined()
    expect(
      dpopPreflightFinding(exchange({ ...failed, cors: 'unreachable' }), 'token', 'token endpoint'),
    ).toBeUndefined()
    expect(dpopPreflightFinding(exchange({ cors: 'preflight-failed' }), 'token', 'token endpoint')).toBeUndefined()
  })
})

describe('nonce helpers', () => {
  it('reads the request proof and a readable DPoP-Nonce', () => {
    expect(sentProof(exchange())).toBe(true)
    expect(sentProof(exchange({}, false))).toBe(false)
    const ex = exchange({
      response: {
        status: 400,
        statusText: '',
        type: 'cors',
        url: '',
        headers: [['dpop-nonce', 'n-1']],
        body: '',
        bodyTruncated: false,
      },
    })
    expect(readableNonce(ex)).toBe('n-1')
    expect(readableNonce(exchange())).toBeUndefined()
  })
  it('builds the round trip as information and the hidden nonce as a warning', () => {
    expect(dpopNonceRoundTripFinding('token', 'token endpoint', 200)).toMatchObject({
      id: 'dpop-nonce-required',
      severity: 'info',
    })
    expect(dpopNonceNotExposedFinding('token', 'token endpoint')).toMatchObject({
      id: 'dpop-nonce-not-exposed',
      severity: 'warning',
    })
  })
})

describe('dpopChallengeFinding and explainError', () => {
  const challenge = (params: Record<string, string>, scheme = 'dpop') => [{ scheme, parameters: params }]
  it('explains invalid_dpop_proof and invalid_token DPoP challenges', () => {
    const f = dpopChallengeFinding(
      challenge({ error: 'invalid_dpop_proof', algs: 'ES256' }),
      401,
      'resource',
      'the resource server',
    )
    expect(f).toMatchObject({ id: 'dpop-resource-error', severity: 'error' })
    expect(f?.title).toBe('The resource server refused the DPoP request: invalid_dpop_proof')
    expect(f?.detail).toMatch(/ES256/)
    expect(
      dpopChallengeFinding(challenge({ error: 'invalid_token' }), 401, 'resource', 'the resource server')?.fix,
    ).toMatch(/cnf\.jkt/)
  })
  it('leaves use_dpop_nonce, Bearer challenges and challenges without error alone', () => {
    expect(dpopChallengeFinding(challenge({ error: 'use_dpop_nonce' }), 401, 'resource', 'x')).toBeUndefined()
    expect(dpopChallengeFinding(challenge({ error: 'invalid_token' }, 'bearer'), 401, 'resource', 'x')).toBeUndefined()
    expect(dpopChallengeFinding(challenge({ algs: 'ES256' }), 401, 'resource', 'x')).toBeUndefined()
  })
  it('is what explainError gives for a UserInfo DPoP challenge', async () => {
    const res = new Response(null, {
      status: 401,
      headers: { 'www-authenticate': 'DPoP error="invalid_dpop_proof", algs="ES256"' },
    })
    const err = await oauth
      .processUserInfoResponse({ issuer: 'https://as.example' }, { client_id: 'c' }, oauth.skipSubjectCheck, res)
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    const f = explainError(err, { step: 'userinfo', operation: 'userinfo', url: 'https://as.example/me' })
    expect(f.id).toBe('dpop-resource-error')
    expect(f.title).toMatch(/^The UserInfo endpoint refused/)
  })
})

describe('dpopAlgUnsupportedFinding', () => {
  it('says the request went without DPoP, names the advertised algorithms (as text) and the one to add', () => {
    const f = dpopAlgUnsupportedFinding(['ES512', 42, '<b>x</b>'])
    expect([f.id, f.severity, f.step]).toEqual(['dpop-alg-unsupported', 'warning', 'token'])
    expect(f.detail).toContain('"ES512"')
    expect(f.data?.advertised).toBe('ES512 <b>x</b>')
    expect(f.fix).toContain('ES256')
  })
})
