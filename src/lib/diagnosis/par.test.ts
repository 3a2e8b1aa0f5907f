import { describe, expect, it } from 'vitest'
import { judgeParWithoutPkce, parCorsFinding, parRequiredFinding, parResponseFindings } from './par'
import type { HttpExchange } from '../model/types'

const ids = (fs: Array<{ id: string; severity: string }>) => fs.map((f) => [f.id, f.severity])

describe('parResponseFindings', () => {
  it('accepts a URN request_uri with a short positive expires_in', () => {
    expect(
      parResponseFindings({
        request_uri: 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c',
        expires_in: 60,
      }),
    ).toEqual([])
  })
  it('grades the request_uri: relative → warning, another absolute URI → info', () => {
    expect(ids(parResponseFindings({ request_uri: 'abc123', expires_in: 60 }))).toEqual([
      ['par-request-uri-shape', 'warning'],
    ])
    expect(ids(parResponseFindings({ request_uri: 'https://as.example/requests/1', expires_in: 60 }))).toEqual([
      ['par-request-uri-shape', 'info'],
    ])
  })
  it('grades expires_in: missing, zero, negative, fractional or a string → warning; > 600 → info', () => {
    const uri = 'urn:ietf:params:oauth:request_uri:x'
    for (const expires_in of [undefined, 0, -5, 1.5, '60']) {
      expect(ids(parResponseFindings({ request_uri: uri, expires_in })), String(expires_in)).toEqual([
        ['par-expires-in', 'warning'],
      ])
    }
    expect(ids(parResponseFindings({ request_uri: uri, expires_in: 600 }))).toEqual([])
    expect(ids(parResponseFindings({ request_uri: uri, expires_in: 601 }))).toEqual([['par-expires-in', 'info']])
  })
})

describe('parCorsFinding', () => {
  const ex = (cors: HttpExchange['cors'], error = true): HttpExchange => ({
    id: 'x',
    step: 'authorization',
    label: 'PAR',
    startedAt: 0,
    durationMs: 0,
    request: { method: 'POST', url: 'https://as.example/par', headers: [], browserAdded: [] },
    cors,
    ...(error ? { error: { name: 'TypeError', message: 'Failed to fetch' } } : {}),
  })
  it('explains a blocked PAR POST and a refused preflight', () => {
    expect(parCorsFinding(ex('blocked-by-cors'))?.detail).toMatch(/probably reached the server/)
    expect(parCorsFinding(ex('preflight-failed'))?.detail).toMatch(/nothing was pushed/)
  })
  it('says nothing for an unreachable server or a request that did not fail', () => {
    expect(parCorsFinding(ex('unreachable'))).toBeUndefined()
    expect(parCorsFinding(ex('blocked-by-cors', false))).toBeUndefined()
  })
})

describe('parRequiredFinding', () => {
  const cb = (q: string) => new URLSearchParams(q)
  it('names PAR when the metadata requires it, or the error says so', () => {
    const md = { require_pushed_authorization_requests: true, pushed_authorization_request_endpoint: 'https://as/par' }
    expect(parRequiredFinding(cb('error=invalid_request&state=s'), md, false)).toMatchObject({
      id: 'par-required',
      severity: 'error',
    })
    const f = parRequiredFinding(
      cb('error=invalid_request&error_description=Pushed+Authorization+Request+must+be+used'),
      {},
      false,
    )
    expect(f?.data?.requiredInMetadata).toBe(false)
  })
  it('says nothing for a flow that used PAR, other errors, or an unrelated invalid_request', () => {
    const md = { require_pushed_authorization_requests: true }
    expect(parRequiredFinding(cb('error=invalid_request'), md, true)).toBeUndefined()
    expect(parRequiredFinding(cb('error=access_denied'), md, false)).toBeUndefined()
    expect(parRequiredFinding(cb('error=invalid_request&error_description=bad+scope'), {}, false)).toBeUndefined()
  })
})

describe('judgeParWithoutPkce', () => {
  it('warns when a push without code_challenge is accepted by a server that requires PKCE', () => {
    expect(judgeParWithoutPkce({ status: 201, pkceRequired: true })).toMatchObject({
      id: 'par-ignores-pkce',
      severity: 'warning',
    })
  })
  it('passes a rejection, and says nothing when PKCE is not required or the answer is unreadable', () => {
    expect(judgeParWithoutPkce({ status: 400, error: 'invalid_request', pkceRequired: true })).toBeUndefined()
    expect(judgeParWithoutPkce({ status: 201, pkceRequired: false })).toBeUndefined()
    expect(judgeParWithoutPkce({ status: 0, pkceRequired: true })).toBeUndefined()
  })
})
