import { describe, expect, it } from 'vitest'
import { asAuthorizationServer } from '../platform/o4w'
import { cleanCallbackUrl, handleCallback, isCallbackUrl, revalidate } from './authorization-response'
import { defaultConfig } from './config'
import type { FlowSnapshot, ServerMetadata } from '../model/types'

const ISSUER = 'https://as.example.com'
const APP = 'https://playground.example/app/'
const STATE = 'state-abc_123'

function snapshot(md: Partial<ServerMetadata> = {}, overrides: Partial<FlowSnapshot> = {}): FlowSnapshot {
  return {
    version: 1,
    runId: 'run-1',
    origin: 'https://playground.example',
    config: { ...defaultConfig(APP), issuer: ISSUER, client_id: 'playground' },
    metadata: {
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      ...md,
    },
    pkce: { method: 'S256', code_verifier: 'v'.repeat(43), code_challenge: 'c'.repeat(43) },
    authorization: { url: `${ISSUER}/authorize?state=${STATE}`, state: STATE, nonce: 'n-1', params: [] },
    exchanges: [],
    findings: [],
    status: {},
    ...overrides,
  }
}

function cb(query: string, hash = ''): string {
  return `${APP}?${query}${hash}`
}

const ids = (o: { findings: Array<{ id: string }> }) => o.findings.map((f) => f.id)

describe('isCallbackUrl', () => {
  it('is true for a code or an error response only', () => {
    expect(isCallbackUrl(cb('code=abc&state=x'))).toBe(true)
    expect(isCallbackUrl(cb('error=access_denied'))).toBe(true)
    expect(isCallbackUrl(APP)).toBe(false)
    // A redirect with only state (and iss) is an authorization response without a code (C12).
    expect(isCallbackUrl(cb('state=x&foo=1'))).toBe(true)
    expect(isCallbackUrl(cb('foo=1'))).toBe(false)
  })
})

describe('handleCallback', () => {
  it('accepts a code with the right state and returns branded parameters', () => {
    const out = handleCallback(cb(`code=SplxlOBeZQQYbYS6WxSbIA&state=${STATE}`), snapshot())
    expect(out.callback.outcome).toBe('code')
    expect(out.code).toBe('SplxlOBeZQQYbYS6WxSbIA')
    expect(out.validated).toBeInstanceOf(URLSearchParams)
    expect(out.validated?.get('code')).toBe('SplxlOBeZQQYbYS6WxSbIA')
    expect(out.callback.params).toEqual([
      ['code', 'SplxlOBeZQQYbYS6WxSbIA'],
      ['state', STATE],
    ])
    expect(ids(out).filter((id) => id !== 'iss-not-supported')).toEqual([])
    expect(out.findings.every((f) => f.severity === 'info')).toBe(true)
  })

  it('notes (info) that no iss came back when the server does not advertise RFC 9207', () => {
    const out = handleCallback(cb(`code=c&state=${STATE}`), snapshot())
    expect(ids(out)).toEqual(['iss-not-supported'])
    expect(out.findings[0]?.severity).toBe('info')
  })

  it('does not repeat the note when discovery already said RFC 9207 is not advertised', () => {
    const s = snapshot()
    s.findings = [
      {
        id: 'iss-parameter-not-advertised',
        severity: 'info',
        step: 'discovery',
        title: '',
        detail: '',
        fix: '',
        spec: '',
      },
    ]
    expect(ids(handleCallback(cb(`code=c&state=${STATE}`), s))).toEqual([])
  })

  it('accepts a matching iss without any finding', () => {
    const out = handleCallback(
      cb(`code=c&state=${STATE}&iss=${encodeURIComponent(ISSUER)}`),
      snapshot({ authorization_response_iss_parameter_supported: true }),
    )
    expect(out.callback.outcome).toBe('code')
    expect(out.findings).toEqual([])
  })

  it('refuses a wrong state: state-mismatch, no code, no branded parameters', () => {
    const out = handleCallback(cb('code=c&state=forged'), snapshot())
    expect(out.callback.outcome).toBe('invalid')
    expect(ids(out)).toEqual(['state-mismatch'])
    expect(out.findings[0]?.severity).toBe('error')
    expect(out.validated).toBeUndefined()
    expect(out.code).toBeUndefined()
  })

  it('refuses a missing state: state-missing', () => {
    const out = handleCallback(cb('code=c'), snapshot())
    expect(out.callback.outcome).toBe('invalid')
    expect(ids(out)).toEqual(['state-missing'])
    expect(out.validated).toBeUndefined()
  })

  it('turns error=access_denied into an error outcome with authorization-error', () => {
    const out = handleCallback(
      cb(`error=access_denied&error_description=${encodeURIComponent('The user said no')}&state=${STATE}`),
      snapshot(),
    )
    expect(out.callback.outcome).toBe('error')
    expect(ids(out)).toEqual(['authorization-error'])
    expect(JSON.stringify(out.findings[0])).toContain('access_denied')
    expect(out.validated).toBeUndefined()
    expect(out.code).toBeUndefined()
  })

  it('refuses an iss that is not the issuer (mix-up defence), even when not advertised', () => {
    const out = handleCallback(
      cb(`code=c&state=${STATE}&iss=${encodeURIComponent('https://evil.example')}`),
      snapshot({ authorization_response_iss_parameter_supported: true }),
    )
    expect(out.callback.outcome).toBe('invalid')
    expect(ids(out)).toEqual(['issuer-mismatch'])
    expect(out.validated).toBeUndefined()

    const unadvertised = handleCallback(cb(`code=c&state=${STATE}&iss=https%3A%2F%2Fevil.example`), snapshot())
    expect(ids(unadvertised)).toEqual(['issuer-mismatch'])
  })

  it('refuses a missing iss when the server advertises authorization_response_iss_parameter_supported', () => {
    const out = handleCallback(
      cb(`code=c&state=${STATE}`),
      snapshot({ authorization_response_iss_parameter_supported: true }),
    )
    expect(out.callback.outcome).toBe('invalid')
    expect(ids(out)).toEqual(['iss-missing'])
    expect(out.validated).toBeUndefined()
  })

  it('reports no-pending-flow when the tab holds no authorization request', () => {
    const s = snapshot()
    delete s.authorization
    const out = handleCallback(cb(`code=c&state=${STATE}`), s)
    expect(out.callback.outcome).toBe('invalid')
    expect(ids(out)).toEqual(['no-pending-flow'])
    expect(out.validated).toBeUndefined()
    expect(out.findings[0]?.detail).toContain('https://playground.example')

    const noMetadata = snapshot()
    delete noMetadata.metadata
    expect(ids(handleCallback(cb(`code=c&state=${STATE}`), noMetadata))).toEqual(['no-pending-flow'])
  })

  it('the whole response in the fragment: one error that says so, not a missing state or iss it did send', () => {
    const out = handleCallback(`${APP}#code=c&state=${STATE}&iss=${encodeURIComponent(ISSUER)}`, snapshot())
    expect(ids(out)).toEqual(['response-in-fragment'])
    expect(out.findings[0]?.severity).toBe('error')
    expect(out.validated).toBeUndefined()
  })

  it('warns when the query carries the response and the fragment has parameters too', () => {
    const out = handleCallback(cb(`code=c&state=${STATE}`, `#code=other&state=${STATE}`), snapshot())
    expect(out.findings.find((f) => f.id === 'response-in-fragment')?.severity).toBe('warning')
  })

  it('does not flag an unrelated fragment', () => {
    const out = handleCallback(cb(`code=c&state=${STATE}`, '#section-2'), snapshot())
    expect(ids(out)).not.toContain('response-in-fragment')
    expect(out.callback.outcome).toBe('code')
  })

  it('refuses an implicit-style response carrying tokens', () => {
    const out = handleCallback(cb(`code=c&state=${STATE}&id_token=eyJ.x.y`), snapshot())
    expect(out.callback.outcome).toBe('invalid')
    expect(out.validated).toBeUndefined()
    expect(out.findings).toHaveLength(1)
    expect(out.findings[0]?.severity).toBe('error')
  })
})

describe('cleanCallbackUrl', () => {
  it('removes the response parameters and keeps the others', () => {
    const href = `${APP}?keep=1&code=c&state=s&iss=${encodeURIComponent(ISSUER)}&session_state=x&other=two#frag`
    const clean = new URL(cleanCallbackUrl(href))
    expect([...clean.searchParams.keys()]).toEqual(['keep', 'other'])
    expect(clean.searchParams.get('other')).toBe('two')
    expect(clean.pathname).toBe('/app/')
    expect(clean.hash).toBe('#frag')
  })

  it('removes error parameters', () => {
    const clean = cleanCallbackUrl(`${APP}?error=access_denied&error_description=no&error_uri=https%3A%2F%2Fx&state=s`)
    expect(clean).toBe(APP)
  })
})

describe('revalidate', () => {
  it('re-creates branded parameters from the stored callback (after a reload)', () => {
    const s = snapshot()
    const first = handleCallback(cb(`code=the-code&state=${STATE}`), s)
    const stored: FlowSnapshot = { ...s, callback: first.callback, ...(first.code ? { code: first.code } : {}) }
    // Round-trip through JSON, as sessionStorage does.
    const restored = JSON.parse(JSON.stringify(stored)) as FlowSnapshot
    const params = revalidate(restored)
    expect(params).toBeInstanceOf(URLSearchParams)
    expect(params?.get('code')).toBe('the-code')
    expect(params?.get('state')).toBe(STATE)
  })

  it('puts the kept code back when the stored parameters lack it', () => {
    const s = snapshot(
      {},
      {
        callback: { params: [['state', STATE]], receivedAt: 1, outcome: 'code' },
        code: 'kept-code',
      },
    )
    expect(revalidate(s)?.get('code')).toBe('kept-code')
  })

  it('returns undefined when the stored parameters do not validate or are missing', () => {
    const wrong = snapshot(
      {},
      {
        callback: {
          params: [
            ['code', 'c'],
            ['state', 'other'],
          ],
          receivedAt: 1,
          outcome: 'code',
        },
      },
    )
    expect(revalidate(wrong)).toBeUndefined()
    expect(revalidate(snapshot())).toBeUndefined()
  })
})

describe('asAuthorizationServer', () => {
  it('copies only known members and drops empty endpoints', () => {
    const md = {
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: '',
      authorization_response_iss_parameter_supported: false,
      evil: 'x',
    } as ServerMetadata
    expect(asAuthorizationServer(md)).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/token`,
      authorization_response_iss_parameter_supported: false,
    })
  })
})
