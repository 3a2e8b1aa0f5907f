import { describe, expect, it } from 'vitest'
import {
  classifyFailure,
  isLoopbackHost,
  isPrivateHost,
  makeNoCorsProbe,
  needsPreflight,
  staticCheck,
  type Probe,
} from './network'

/** A probe that answers `result` and records the URLs it was asked about. */
function fakeProbe(result: 'reachable' | 'unreachable'): Probe & { calls: string[] } {
  const calls: string[] = []
  const probe = (async (url: string) => {
    calls.push(url)
    return result
  }) as Probe & { calls: string[] }
  probe.calls = calls
  return probe
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', accept: 'application/json' }

describe('isLoopbackHost', () => {
  it('recognises localhost, *.localhost, 127.0.0.0/8 and [::1]', () => {
    for (const h of [
      'localhost',
      'LOCALHOST',
      'a.localhost',
      'app.dev.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '[::1]',
      '::1',
    ]) {
      expect(isLoopbackHost(h), h).toBe(true)
    }
  })

  it('does not treat look-alikes or other addresses as loopback', () => {
    for (const h of [
      'localhost.example.com',
      'notlocalhost',
      '128.0.0.1',
      '127.0.0',
      '10.0.0.1',
      '[::2]',
      'example.com',
      '0.0.0.0',
    ]) {
      expect(isLoopbackHost(h), h).toBe(false)
    }
  })

  it('works on URL.hostname of an IPv6 loopback URL', () => {
    expect(isLoopbackHost(new URL('http://[::1]:8080/').hostname)).toBe(true)
  })
})

describe('isPrivateHost', () => {
  it('recognises RFC 1918, link-local, unique-local and .local', () => {
    for (const h of [
      '10.1.2.3',
      '192.168.1.10',
      '172.16.0.1',
      '172.31.255.255',
      '169.254.1.1',
      '[fd12:3456::1]',
      'fe80::1',
      'printer.local',
    ]) {
      expect(isPrivateHost(h), h).toBe(true)
    }
  })

  it('does not flag public addresses', () => {
    for (const h of ['8.8.8.8', '172.15.0.1', '172.32.0.1', '192.169.0.1', 'example.com', 'localhost', '127.0.0.1']) {
      expect(isPrivateHost(h), h).toBe(false)
    }
  })
})

describe('needsPreflight', () => {
  it('a form POST is a simple request', () => {
    expect(needsPreflight('POST', FORM)).toBe(false)
    expect(needsPreflight('post', { 'Content-Type': 'application/x-www-form-urlencoded' })).toBe(false)
    expect(needsPreflight('GET', { accept: 'application/json' })).toBe(false)
    expect(needsPreflight('GET', undefined)).toBe(false)
    expect(needsPreflight('POST', { 'content-type': 'text/plain' })).toBe(false)
  })

  it('an Authorization header needs a preflight', () => {
    expect(needsPreflight('POST', { ...FORM, authorization: 'Basic YTpi' })).toBe(true)
    expect(needsPreflight('GET', new Headers({ Authorization: 'Bearer x' }))).toBe(true)
  })

  it('a JSON body needs a preflight', () => {
    expect(needsPreflight('POST', { 'content-type': 'application/json' })).toBe(true)
  })

  it('a non-simple method needs a preflight', () => {
    expect(needsPreflight('PUT', undefined)).toBe(true)
    expect(needsPreflight('DELETE', FORM)).toBe(true)
  })

  it('a custom header such as DPoP needs a preflight', () => {
    expect(needsPreflight('POST', { ...FORM, dpop: 'eyJ...' })).toBe(true)
  })
})

describe('staticCheck', () => {
  it('https page → http non-loopback endpoint is mixed content', () => {
    const r = staticCheck('http://as.example.com/token', 'https://playground.example/')
    expect(r?.verdict).toBe('mixed-content')
    expect(r?.detail).toContain('http://as.example.com')
  })

  it('https page → http://localhost is not mixed content', () => {
    expect(staticCheck('http://localhost:3000/token', 'https://localhost:5173/')).toBeUndefined()
    const fromPublic = staticCheck('http://localhost:3000/token', 'https://playground.example/')
    expect(fromPublic?.verdict).not.toBe('mixed-content')
    expect(fromPublic?.verdict).toBe('local-network')
    expect(fromPublic?.detail).toMatch(/loopback/)
  })

  it('public page → private address is a local-network request', () => {
    const r = staticCheck('https://192.168.1.20/token', 'https://playground.example/')
    expect(r?.verdict).toBe('local-network')
    expect(r?.detail).toMatch(/private network/)
  })

  it('a local page may call local and public endpoints; a public page public ones', () => {
    expect(staticCheck('https://192.168.1.20/token', 'http://localhost:5173/')).toBeUndefined()
    expect(staticCheck('https://as.example.com/token', 'http://localhost:5173/')).toBeUndefined()
    expect(staticCheck('https://as.example.com/token', 'https://playground.example/')).toBeUndefined()
    expect(staticCheck('http://as.example.com/token', 'http://localhost:5173/')).toBeUndefined()
  })

  it('an unparsable URL is unreachable', () => {
    expect(staticCheck('not a url', 'https://playground.example/')?.verdict).toBe('unreachable')
  })
})

describe('classifyFailure', () => {
  const page = 'https://playground.example/app/'

  it('unreachable when the no-cors probe fails', async () => {
    const probe = fakeProbe('unreachable')
    const r = await classifyFailure('https://as.example.com/token', { method: 'POST', headers: FORM }, page, probe)
    expect(r.verdict).toBe('unreachable')
    expect(r.detail).toContain('https://as.example.com')
    expect(probe.calls).toEqual(['https://as.example.com/token'])
  })

  it('blocked-by-cors for a reachable server and a simple POST; says it probably reached the server', async () => {
    const probe = fakeProbe('reachable')
    const r = await classifyFailure('https://as.example.com/token', { method: 'POST', headers: FORM }, page, probe)
    expect(r.verdict).toBe('blocked-by-cors')
    expect(r.detail).toContain('Access-Control-Allow-Origin: https://playground.example')
    expect(r.detail).toMatch(/most probably reached the server/)
    expect(probe.calls).toHaveLength(1)
  })

  it('blocked-by-cors for a GET does not claim the request was processed', async () => {
    const r = await classifyFailure('https://as.example.com/jwks', { method: 'GET' }, page, fakeProbe('reachable'))
    expect(r.verdict).toBe('blocked-by-cors')
    expect(r.detail).not.toMatch(/reached the server and was processed/)
  })

  it('preflight-failed when an Authorization header was sent to a reachable server', async () => {
    const r = await classifyFailure(
      'https://as.example.com/oauth/token',
      { method: 'POST', headers: { ...FORM, authorization: 'Basic YTpi' } },
      page,
      fakeProbe('reachable'),
    )
    expect(r.verdict).toBe('preflight-failed')
    expect(r.detail).toContain('Authorization header')
    expect(r.detail).toContain('OPTIONS /oauth/token')
    expect(r.detail).toContain('Access-Control-Allow-Origin: https://playground.example')
    expect(r.detail).toContain('authorization')
  })

  it('preflight-failed names a JSON content type as the reason', async () => {
    const r = await classifyFailure(
      'https://as.example.com/register',
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      page,
      fakeProbe('reachable'),
    )
    expect(r.verdict).toBe('preflight-failed')
    expect(r.detail).toContain('Content-Type: application/json')
  })

  it('mixed content short-circuits without probing', async () => {
    const probe = fakeProbe('reachable')
    const r = await classifyFailure('http://as.example.com/token', { method: 'POST', headers: FORM }, page, probe)
    expect(r.verdict).toBe('mixed-content')
    expect(probe.calls).toEqual([])
  })

  it('local-network is reported when the probe cannot reach a private host', async () => {
    const probe = fakeProbe('unreachable')
    const r = await classifyFailure('https://192.168.1.20/token', { method: 'POST', headers: FORM }, page, probe)
    expect(r.verdict).toBe('local-network')
    expect(probe.calls).toHaveLength(1)
  })

  it('a reachable private host is classified by its CORS answer, not as local-network', async () => {
    const r = await classifyFailure(
      'https://192.168.1.20/token',
      { method: 'POST', headers: FORM },
      page,
      fakeProbe('reachable'),
    )
    expect(r.verdict).toBe('blocked-by-cors')
  })
})

describe('makeNoCorsProbe', () => {
  it('sends a no-cors GET and reports reachable when it resolves', async () => {
    const calls: Array<[string, RequestInit | undefined]> = []
    const probe = makeNoCorsProbe(async (url, init) => {
      calls.push([url, init])
      return new Response(null, { status: 204 })
    })
    expect(await probe('https://as.example.com/token')).toBe('reachable')
    expect(calls[0]?.[0]).toBe('https://as.example.com/token')
    expect(calls[0]?.[1]).toMatchObject({ mode: 'no-cors', method: 'GET' })
  })

  it('reports unreachable when fetch rejects', async () => {
    const probe = makeNoCorsProbe(async () => {
      throw new TypeError('Failed to fetch')
    })
    expect(await probe('https://down.example/')).toBe('unreachable')
  })
})
