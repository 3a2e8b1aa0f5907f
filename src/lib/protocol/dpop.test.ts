import { describe, expect, it } from 'vitest'
import * as oauth from 'oauth4webapi'
import { calculateJwkThumbprint, exportJWK } from 'jose'
import { athOf, chooseDpopAlg, decodeProof, dpopHandle, htuOf, makeDpopKey, redactProof, wantsDpop } from './dpop'

const TOKEN = 'https://as.example.com/token'

/** Signs a real proof with oauth4webapi through a capturing fetch, and returns the DPoP header. */
async function proofFor(handle: oauth.DPoPHandle, url = TOKEN): Promise<{ proof: string; headers: Headers }> {
  let headers = new Headers()
  await oauth
    .pushedAuthorizationRequest(
      { issuer: 'https://as.example.com', pushed_authorization_request_endpoint: url },
      { client_id: 'c1' },
      oauth.None(),
      { response_type: 'code' },
      {
        DPoP: handle,
        [oauth.customFetch]: async (_u: string, init: RequestInit) => {
          headers = new Headers(init.headers)
          return new Response('{}', { status: 500 })
        },
      },
    )
    .catch(() => undefined)
  return { proof: headers.get('dpop') ?? '', headers }
}

function b64u(obj: unknown): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url')
}

describe('chooseDpopAlg', () => {
  it('prefers ES256, falls back to what the server advertises and WebCrypto can make', () => {
    expect(chooseDpopAlg(undefined)).toBe('ES256')
    expect(chooseDpopAlg({ dpop_signing_alg_values_supported: ['RS256', 'ES256'] })).toBe('ES256')
    expect(chooseDpopAlg({ dpop_signing_alg_values_supported: ['PS256', 'RS256'] })).toBe('PS256')
    expect(chooseDpopAlg({ dpop_signing_alg_values_supported: ['EdDSA'] })).toBe('EdDSA')
    expect(chooseDpopAlg({ dpop_signing_alg_values_supported: ['ES512', 'HS256'] })).toBeUndefined()
  })
})

describe('makeDpopKey', () => {
  it('makes a non-extractable private key, a public JWK and its RFC 7638 thumbprint', async () => {
    const key = await makeDpopKey()
    expect(key.alg).toBe('ES256')
    expect(key.keyPair.privateKey.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('jwk', key.keyPair.privateKey)).rejects.toThrow()
    expect(key.publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' })
    expect(key.publicJwk).not.toHaveProperty('d')
    expect(key.publicJwk).not.toHaveProperty('key_ops')
    const expected = await calculateJwkThumbprint(await exportJWK(key.keyPair.publicKey), 'sha256')
    expect(key.thumbprint).toBe(expected)
    expect(key.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('makes an Ed25519 key for EdDSA', async () => {
    const key = await makeDpopKey('EdDSA')
    expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
  })

  it('gives a handle whose thumbprint is the key’s', async () => {
    const key = await makeDpopKey()
    expect(await dpopHandle('c1', key).calculateThumbprint()).toBe(key.thumbprint)
  })
})

describe('wantsDpop', () => {
  const advertised = { issuer: 'x', dpop_signing_alg_values_supported: ['ES256'] }
  it('follows the setting, and the metadata when auto (the default)', () => {
    expect(wantsDpop({}, advertised)).toBe(true)
    expect(wantsDpop({ dpop: 'auto' }, { issuer: 'x' })).toBe(false)
    expect(wantsDpop({ dpop: 'auto' }, { issuer: 'x', dpop_signing_alg_values_supported: [] })).toBe(false)
    expect(wantsDpop({ dpop: 'on' }, { issuer: 'x' })).toBe(true)
    // MCP clients send Bearer tokens: advertised DPoP is not used unless asked for.
    expect(wantsDpop({ dpop: 'auto', mcp_url: 'https://mcp.example/mcp' }, advertised)).toBe(false)
    expect(wantsDpop({ dpop: 'on', mcp_url: 'https://mcp.example/mcp' }, advertised)).toBe(true)
    expect(wantsDpop({ dpop: 'off' }, advertised)).toBe(false)
    expect(wantsDpop({}, undefined)).toBe(false)
  })
})

describe('decodeProof', () => {
  it('explains a real proof and passes every check for its own request', async () => {
    const key = await makeDpopKey()
    const { proof } = await proofFor(dpopHandle('c1', key), TOKEN)
    const d = await decodeProof(proof, { method: 'post', url: `${TOKEN}?x=1#f` })
    expect(d.error).toBeUndefined()
    expect(d.checks.filter((c) => !c.ok)).toEqual([])
    expect(d.checks.map((c) => c.id).sort()).toEqual(['alg', 'htm', 'htu', 'iat', 'jti', 'jwk', 'typ'])
    expect(d.header.find((p) => p.name === 'typ')?.value).toBe('dpop+jwt')
    expect(d.claims.find((p) => p.name === 'htu')).toMatchObject({ value: TOKEN, spec: 'RFC 9449 §4.2' })
    expect(d.claims.find((p) => p.name === 'nonce')?.value).toBeUndefined()
    expect(d.thumbprint).toBe(key.thumbprint)
    // the signature is nowhere in the decoded proof
    const signature = proof.split('.')[2] ?? ''
    expect(signature.length).toBeGreaterThan(20)
    expect(JSON.stringify(d)).not.toContain(signature)
    expect(d.redacted.startsWith(proof.split('.').slice(0, 2).join('.'))).toBe(true)
    // a recorded proof (signature removed) decodes the same
    const recorded = await decodeProof(redactProof(proof), { method: 'POST', url: TOKEN })
    expect(recorded.checks).toEqual(d.checks)
  })

  it('flags a wrong method, a URL with another path and a missing ath', async () => {
    const key = await makeDpopKey()
    const { proof } = await proofFor(dpopHandle('c1', key), TOKEN)
    const d = await decodeProof(proof, { method: 'GET', url: 'https://as.example.com/other', accessToken: 'at-1' })
    const failed = d.checks.filter((c) => !c.ok).map((c) => c.id)
    expect(failed.sort()).toEqual(['ath', 'htm', 'htu'])
  })

  it('checks ath against base64url(SHA-256(access token)) and typ', async () => {
    const ath = await athOf('at-1')
    expect(ath).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // The example of RFC 9449 §7.1: that access token and its ath.
    expect(await athOf('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe(
      'fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo',
    )
    const jwk = { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }
    const value = `${b64u({ typ: 'JWT', alg: 'ES256', jwk })}.${b64u({ htm: 'GET', htu: 'https://rs.example/api', iat: 1, jti: 'j', ath })}.c2ln`
    const d = await decodeProof(value, { method: 'GET', url: 'https://rs.example/api?q=1', accessToken: 'at-1' })
    expect(d.checks.find((c) => c.id === 'ath')?.ok).toBe(true)
    expect(d.checks.find((c) => c.id === 'typ')?.ok).toBe(false)
    const other = await decodeProof(value, { method: 'GET', url: 'https://rs.example/api', accessToken: 'at-2' })
    expect(other.checks.find((c) => c.id === 'ath')?.ok).toBe(false)
  })

  it('refuses a private key in jwk and an HMAC alg, and never echoes the private member', async () => {
    const value = `${b64u({ typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'SECRET-D' } })}.${b64u({ iat: 1, jti: 'j' })}.c2ln`
    const d = await decodeProof(value)
    expect(d.checks.find((c) => c.id === 'jwk')?.ok).toBe(false)
    expect(d.checks.find((c) => c.id === 'alg')?.ok).toBe(false)
    expect(JSON.stringify(d.header)).not.toContain('SECRET-D')
  })

  it('returns an error for a value that is not a JWS', async () => {
    const d = await decodeProof('not-a-proof')
    expect(d.error).toMatch(/Not a DPoP proof/)
    expect(d.checks).toEqual([])
  })
})

describe('redactProof and htuOf', () => {
  it('keeps header and payload, removes the signature', () => {
    const v = `${b64u({ typ: 'dpop+jwt' })}.${b64u({ htm: 'POST' })}.SIGNATURE-abcdef`
    const r = redactProof(v)
    expect(r).not.toContain('SIGNATURE-abcdef')
    expect(r.startsWith(`${b64u({ typ: 'dpop+jwt' })}.${b64u({ htm: 'POST' })}.`)).toBe(true)
  })
  it('htu drops query and fragment', () => {
    expect(htuOf('https://a.example/p/t?x=1#y')).toBe('https://a.example/p/t')
  })
})
