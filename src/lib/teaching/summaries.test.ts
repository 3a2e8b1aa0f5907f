import { describe, expect, it } from 'vitest'
import { stepSummary } from './summaries'
import type { FlowSnapshot } from '../model/types'

const base = (over: Partial<FlowSnapshot>): FlowSnapshot =>
  ({
    version: 1,
    runId: 'r',
    origin: 'http://localhost:4173',
    config: { issuer: 'http://localhost:9400', client_id: 'pkce-playground', scope: 'openid', mcp_url: '' },
    exchanges: [],
    findings: [],
    status: {},
    ...over,
  }) as unknown as FlowSnapshot

describe('stepSummary', () => {
  it('says nothing for a step that has not run', () => {
    expect(stepSummary('discovery', base({}))).toBeUndefined()
    expect(stepSummary('discovery', base({ status: { discovery: 'running' } }))).toBeUndefined()
  })

  it('names the issuer, the PKCE methods, "none" and iss support after discovery, with the finding counts', () => {
    const s = base({
      status: { discovery: 'ok' },
      metadata: {
        issuer: 'http://localhost:9400',
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
        authorization_response_iss_parameter_supported: true,
      },
      findings: [
        {
          id: 'iss-parameter-not-advertised',
          severity: 'info',
          step: 'discovery',
          title: '',
          detail: '',
          fix: '',
          spec: '',
        },
      ],
    })
    expect(stepSummary('discovery', s)).toBe('Discovered http://localhost:9400 — S256, none, iss supported · 1 note')
  })

  it('tells a ready authorization request from one that was sent', () => {
    const authorization = { url: 'https://as/authorize', state: 's', params: [['a', 'b']] as [string, string][] }
    expect(stepSummary('authorization', base({ status: { authorization: 'ok' }, authorization }))).toMatch(
      /ready .*start it/,
    )
    const callback = { params: [['code', 'x']] as [string, string][], receivedAt: 0, outcome: 'code' as const }
    expect(stepSummary('authorization', base({ status: { authorization: 'ok' }, authorization, callback }))).toMatch(
      /^Sent the browser/,
    )
    const par = {
      ...authorization,
      par: { endpoint: 'https://as/par', request_uri: 'urn:ietf:params:oauth:request_uri:1' },
    }
    expect(stepSummary('authorization', base({ status: { authorization: 'ok' }, authorization: par }))).toBe(
      'Pushed 1 parameters (PAR); request_uri ready: start it to log in',
    )
  })

  it('sums up the token response and the tokens without showing a token', () => {
    const token = { status: 200, body: { access_token: 'a.b.c', id_token: 'x.y.z', expires_in: 3600 } }
    const t = stepSummary('token', base({ status: { token: 'ok' }, token }))
    expect(t).toBe('HTTP 200 — access_token, id_token, expires in 1 h')
    expect(stepSummary('tokens', base({ status: { tokens: 'ok' }, token }))).toBe(
      'ID token checked, access token JWT, expires in 1 h',
    )
    expect(t).not.toContain('a.b.c')
    const dpop = { alg: 'ES256', thumbprint: 't', jwk: {} }
    const bound = { status: 200, body: { access_token: 'a', token_type: 'DPoP' } }
    expect(stepSummary('token', base({ status: { token: 'ok' }, token: bound, dpop }))).toBe(
      'HTTP 200 — access_token, DPoP-bound',
    )
  })
})
