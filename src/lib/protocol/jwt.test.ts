import { beforeAll, describe, expect, it } from 'vitest'
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { verifyToken, type ExpectedClaims, type VerifyResult } from './jwt'
import { decodeToken, humanDuration } from '../platform/jwt-decode'
import { claimsSummary, claimsToLookAt, describeClaims } from '../teaching/claims'

const NOW = 1_800_000_000
const ISSUER = 'https://as.example.com'
const CLIENT = 'playground'
const NONCE = 'n-0S6_WzA2Mj'

interface KeyPair {
  privateKey: CryptoKey
  publicJwk: JWK
}

let rsa: KeyPair
let ec: KeyPair
let other: KeyPair

async function keyPair(alg: 'RS256' | 'ES256', kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }
  return { privateKey, publicJwk }
}

function idClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    sub: 'user-1',
    aud: CLIENT,
    exp: NOW + 3600,
    iat: NOW - 5,
    nonce: NONCE,
    ...overrides,
  }
}

async function sign(
  claims: JWTPayload,
  key: KeyPair,
  header: { alg?: string; kid?: string | null; typ?: string } = {},
): Promise<string> {
  const alg = header.alg ?? (key.publicJwk.alg as string)
  const protectedHeader: { alg: string; kid?: string; typ?: string } = { alg }
  const kid = header.kid === undefined ? key.publicJwk.kid : header.kid
  if (kid !== null && kid !== undefined) protectedHeader.kid = kid
  if (header.typ) protectedHeader.typ = header.typ
  return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(key.privateKey)
}

const expected: ExpectedClaims = { issuer: ISSUER, clientId: CLIENT, nonce: NONCE }

function ids(r: VerifyResult): string[] {
  return r.findings.map((f) => f.id)
}
function check(r: VerifyResult, name: string): string | undefined {
  return r.checks.find((c) => c.name === name)?.status
}
function finding(r: VerifyResult, id: string, claim?: string) {
  return r.findings.find((f) => f.id === id && (claim === undefined || f.data?.claim === claim))
}

beforeAll(async () => {
  rsa = await keyPair('RS256', 'rsa-1')
  ec = await keyPair('ES256', 'ec-1')
  other = await keyPair('RS256', 'rsa-other')
})

describe('decodeToken', () => {
  it('decodes a JWT', async () => {
    const t = await sign(idClaims(), rsa)
    const d = decodeToken(t)
    expect(d.format).toBe('jwt')
    if (d.format !== 'jwt') return
    expect(d.header).toMatchObject({ alg: 'RS256', kid: 'rsa-1' })
    expect(d.payload.sub).toBe('user-1')
    expect(d.segments.header + '.' + d.segments.payload + '.' + d.segments.signature).toBe(t)
  })

  it('classifies opaque, JWE and malformed tokens', () => {
    expect(decodeToken('2YotnFZFEjr1zCsicMWpAA')).toEqual({
      format: 'opaque',
      raw: '2YotnFZFEjr1zCsicMWpAA',
      reason: 'not a JWT: 1 segment',
    })
    expect(decodeToken('a.b')).toMatchObject({ format: 'opaque', reason: 'not a JWT: 2 segments' })
    expect(decodeToken('')).toMatchObject({ format: 'opaque' })
    const jweHeader = Buffer.from(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' })).toString('base64url')
    const jwe = decodeToken(`${jweHeader}.a.b.c.d`)
    expect(jwe).toMatchObject({ format: 'jwe', header: { alg: 'RSA-OAEP', enc: 'A256GCM' } })
    expect(decodeToken('x.y.z.w.v')).toMatchObject({ format: 'jwe', header: null })
    expect(decodeToken('not.a.jwt')).toMatchObject({ format: 'malformed' })
    const okHeader = Buffer.from('{"alg":"RS256"}').toString('base64url')
    const arrayPayload = Buffer.from('[1,2]').toString('base64url')
    const m = decodeToken(`${okHeader}.${arrayPayload}.sig`)
    expect(m.format).toBe('malformed')
    if (m.format === 'malformed') expect(m.reason).toContain('payload')
  })
})

describe('humanDuration and describeClaims', () => {
  it('words durations', () => {
    expect(humanDuration(12)).toBe('12 s')
    expect(humanDuration(3540)).toBe('59 min')
    expect(humanDuration(-3 * 3600)).toBe('3 h')
    expect(humanDuration(3 * 3600 + 300)).toBe('3 h 5 min')
    expect(humanDuration(2 * 86400 + 4 * 3600)).toBe('2 d 4 h')
  })

  it('orders claims, explains them and words times', () => {
    const rows = describeClaims(
      {
        custom: 1,
        exp: NOW + 3540,
        aud: CLIENT,
        iat: NOW - 120,
        sub: 'u',
        iss: ISSUER,
        nonce: NONCE,
      },
      { now: NOW, kind: 'id_token', expected },
    )
    expect(rows.map((r) => r.name)).toEqual(['iss', 'sub', 'aud', 'exp', 'iat', 'custom', 'nonce'])
    const exp = rows.find((r) => r.name === 'exp')
    expect(exp?.human).toMatch(/^expires in 59 min \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\)$/)
    expect(exp?.status).toBe('pass')
    expect(rows.find((r) => r.name === 'iat')?.human).toMatch(/^issued 2 min ago/)
    expect(rows.find((r) => r.name === 'iss')?.status).toBe('pass')
    expect(rows.find((r) => r.name === 'aud')?.status).toBe('pass')
    expect(rows.find((r) => r.name === 'nonce')?.status).toBe('pass')
    expect(rows.find((r) => r.name === 'custom')).toMatchObject({
      meaning: 'not a registered claim',
      status: 'info',
      value: '1',
    })
    expect(rows.find((r) => r.name === 'aud')?.value).toBe(JSON.stringify(CLIENT))
  })

  it('flags expired and mismatching claims', () => {
    const rows = describeClaims(
      { iss: 'https://evil.example', exp: NOW - 3 * 3600 },
      { now: NOW, kind: 'id_token', expected },
    )
    expect(rows.find((r) => r.name === 'exp')).toMatchObject({ status: 'fail' })
    expect(rows.find((r) => r.name === 'exp')?.human).toMatch(/^expired 3 h ago/)
    expect(rows.find((r) => r.name === 'iss')?.status).toBe('fail')
    const at = describeClaims({ exp: NOW - 10_000 }, { now: NOW, kind: 'access_token' })
    expect(at[0]?.status).toBe('warn')
  })
})

describe('claimsSummary', () => {
  it('names typ, alg, aud, the expiry and the claim count, and nothing to look at when all pass', () => {
    const rows = describeClaims(
      { iss: ISSUER, aud: CLIENT, exp: NOW + 3540, sub: 'u' },
      { now: NOW, kind: 'id_token', expected },
    )
    expect(claimsSummary({ alg: 'RS256', typ: 'JWT' }, rows)).toBe(
      `typ JWT · alg RS256 · aud ${JSON.stringify(CLIENT)} · expires in 59 min · 4 claims`,
    )
    expect(claimsToLookAt(rows)).toBe(0)
  })

  it('counts the rows that failed or warn, and leaves out what the token lacks', () => {
    const rows = describeClaims(
      { iss: 'https://evil.example', exp: NOW - 3 * 3600 },
      { now: NOW, kind: 'id_token', expected },
    )
    expect(claimsSummary({ alg: 'ES256' }, rows)).toBe('alg ES256 · expired 3 h ago · 2 claims · 2 to look at')
    expect(claimsToLookAt(rows)).toBe(2)
    expect(claimsSummary({ typ: 42 }, [])).toBe('0 claims')
  })
})

describe('verifyToken: id_token', () => {
  it('passes a valid RS256 ID Token', async () => {
    const t = await sign(idClaims(), rsa)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk, ec.publicJwk] },
      expected,
      now: NOW,
    })
    expect(r.findings).toEqual([])
    expect(r).toMatchObject({ alg: 'RS256', kid: 'rsa-1', keyFound: true, signature: 'valid' })
    for (const name of ['signature', 'iss', 'sub', 'aud', 'exp', 'iat', 'nonce']) {
      expect(check(r, name), name).toBe('pass')
    }
    expect(r.checks.find((c) => c.name === 'signature')?.note).toContain('kid "rsa-1"')
  })

  it('passes a valid ES256 ID Token', async () => {
    const t = await sign(idClaims(), ec)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk, ec.publicJwk] },
      expected,
      now: NOW,
    })
    expect(r.findings).toEqual([])
    expect(r.signature).toBe('valid')
  })

  it('detects a tampered signature', async () => {
    const t = await sign(idClaims(), rsa)
    const [h, p] = t.split('.')
    const forged = await sign(idClaims({ sub: 'admin' }), other, { kid: 'rsa-1' })
    const tampered = `${h}.${p}.${forged.split('.')[2]}`
    const r = await verifyToken(tampered, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk] },
      expected,
      now: NOW,
    })
    expect(r.signature).toBe('invalid')
    expect(r.keyFound).toBe(true)
    expect(finding(r, 'jwt-signature-invalid')?.severity).toBe('error')
    expect(check(r, 'signature')).toBe('fail')
  })

  it('reports no matching key for an unknown kid', async () => {
    const t = await sign(idClaims(), other)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk, ec.publicJwk] },
      expected,
      now: NOW,
    })
    expect(r.signature).toBe('no-key')
    expect(r.keyFound).toBe(false)
    expect(r.kid).toBe('rsa-other')
    const f = finding(r, 'jwks-no-matching-key')
    expect(f?.severity).toBe('error')
    expect(f?.detail).toContain('rsa-other')
    expect(f?.data?.available).toHaveLength(2)
  })

  it('reports a missing kid when two keys match, and which key verifies', async () => {
    const t = await sign(idClaims(), rsa, { kid: null })
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [other.publicJwk, rsa.publicJwk] },
      expected,
      now: NOW,
    })
    expect(r.kid).toBeUndefined()
    const f = finding(r, 'jwks-multiple-keys')
    expect(f?.severity).toBe('error')
    expect(f?.detail).toContain('verifies with key #2 (kid "rsa-1"')
    expect(r.signature).toBe('valid')
    expect(check(r, 'signature')).toBe('warn')
  })

  it('reports every failing claim: expired AND wrong audience', async () => {
    const t = await sign(idClaims({ exp: NOW - 7200, iat: NOW - 10_800, aud: 'someone-else' }), rsa)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk] },
      expected,
      now: NOW,
    })
    expect(r.signature).toBe('valid')
    const exp = finding(r, 'jwt-expired')
    expect(exp?.severity).toBe('error')
    expect(exp?.data).toMatchObject({ exp: NOW - 7200, secondsAgo: 7200 })
    const aud = finding(r, 'jwt-audience-mismatch')
    expect(aud?.severity).toBe('error')
    expect(aud?.data).toMatchObject({ expected: [CLIENT], actual: ['someone-else'] })
    expect(check(r, 'exp')).toBe('fail')
    expect(check(r, 'aud')).toBe('fail')
    expect(check(r, 'iss')).toBe('pass')
  })

  it('reports nbf in the future and iat in the future', async () => {
    const t = await sign(idClaims({ nbf: NOW + 600, iat: NOW + 600 }), rsa)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk] },
      expected,
      now: NOW,
    })
    expect(finding(r, 'jwt-not-yet-valid')?.severity).toBe('error')
    const iat = finding(r, 'jwt-iat-in-future')
    expect(iat?.severity).toBe('warning')
    expect(iat?.data?.skewSeconds).toBe(600)
    expect(check(r, 'nbf')).toBe('fail')
    expect(check(r, 'iat')).toBe('warn')
  })

  it('reports missing sub and iat as errors', async () => {
    const claims = idClaims()
    delete claims.sub
    delete claims.iat
    const t = await sign(claims, rsa)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk] },
      expected,
      now: NOW,
    })
    const missing = r.findings.filter((f) => f.id === 'jwt-claim-missing').map((f) => f.data?.claim)
    expect(missing.sort()).toEqual(['iat', 'sub'])
    expect(finding(r, 'jwt-claim-missing', 'sub')?.severity).toBe('error')
    expect(finding(r, 'jwt-claim-missing', 'sub')?.spec).toContain('OpenID Connect Core 1.0 §2')
    expect(check(r, 'sub')).toBe('fail')
    expect(check(r, 'iat')).toBe('fail')
  })

  it('reports a wrong issuer', async () => {
    const t = await sign(idClaims({ iss: `${ISSUER}/` }), rsa)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk] },
      expected,
      now: NOW,
    })
    const f = finding(r, 'jwt-issuer-mismatch')
    expect(f?.severity).toBe('error')
    expect(f?.data).toMatchObject({ expected: ISSUER, actual: `${ISSUER}/` })
    expect(ids(r)).toEqual(['jwt-issuer-mismatch'])
  })

  it('reports a nonce mismatch, a missing nonce and an unexpected nonce', async () => {
    const t = await sign(idClaims({ nonce: 'other' }), rsa)
    const jwks = { keys: [rsa.publicJwk] }
    const r = await verifyToken(t, { kind: 'id_token', jwks, expected, now: NOW })
    expect(ids(r)).toEqual(['jwt-nonce-mismatch'])
    expect(finding(r, 'jwt-nonce-mismatch')?.severity).toBe('error')

    const r2 = await verifyToken(t, {
      kind: 'id_token',
      jwks,
      expected: { issuer: ISSUER, clientId: CLIENT },
      now: NOW,
    })
    expect(ids(r2)).toEqual(['jwt-nonce-unexpected'])
    expect(check(r2, 'nonce')).toBe('warn')

    const claims = idClaims()
    delete claims.nonce
    const r3 = await verifyToken(await sign(claims, rsa), {
      kind: 'id_token',
      jwks,
      expected,
      now: NOW,
    })
    expect(finding(r3, 'jwt-claim-missing', 'nonce')?.severity).toBe('error')
  })

  it('requires azp with several audiences, and azp = client_id', async () => {
    const jwks = { keys: [rsa.publicJwk] }
    const t = await sign(idClaims({ aud: [CLIENT, 'api'] }), rsa)
    const r = await verifyToken(t, { kind: 'id_token', jwks, expected, now: NOW })
    // The same ids as oauth4webapi's at the exchange, so that one cause is one finding.
    expect(ids(r)).toEqual(['jwt-azp-missing'])
    expect(finding(r, 'jwt-azp-missing')?.detail).toMatch(/SHOULD/)
    expect(check(r, 'aud')).toBe('pass')

    const t2 = await sign(idClaims({ aud: [CLIENT, 'api'], azp: 'api' }), rsa)
    const r2 = await verifyToken(t2, { kind: 'id_token', jwks, expected, now: NOW })
    expect(ids(r2)).toEqual(['jwt-azp-mismatch'])

    const t3 = await sign(idClaims({ aud: [CLIENT, 'api'], azp: CLIENT }), rsa)
    const r3 = await verifyToken(t3, { kind: 'id_token', jwks, expected, now: NOW })
    expect(r3.findings).toEqual([])
    expect(check(r3, 'azp')).toBe('pass')
  })

  it('reports a wrongly typed exp and a token older than maxAgeSec', async () => {
    const jwks = { keys: [rsa.publicJwk] }
    const t = await sign(idClaims({ exp: String(NOW + 60) as unknown as number }), rsa)
    const r = await verifyToken(t, { kind: 'id_token', jwks, expected, now: NOW })
    expect(finding(r, 'jwt-claim-invalid', 'exp')?.severity).toBe('error')
    expect(ids(r)).not.toContain('jwt-claim-missing')

    const old = await sign(idClaims({ iat: NOW - 7200 }), rsa)
    const r2 = await verifyToken(old, {
      kind: 'id_token',
      jwks,
      expected: { ...expected, maxAgeSec: 3600 },
      now: NOW,
    })
    expect(ids(r2)).toEqual(['jwt-iat-too-old'])
    expect(check(r2, 'iat')).toBe('warn')
  })

  it('reports an implausible auth_time (0, shown as decades ago) and an auth_time after iat, once', async () => {
    const jwks = { keys: [rsa.publicJwk] }
    const zero = await sign(idClaims({ auth_time: 0 }), rsa)
    const r = await verifyToken(zero, { kind: 'id_token', jwks, expected, now: NOW })
    expect(ids(r)).toEqual(['jwt-time-implausible'])
    expect(finding(r, 'jwt-time-implausible')?.severity).toBe('warning')
    expect(finding(r, 'jwt-time-implausible')?.detail).toContain('auth_time is 0')
    expect(check(r, 'auth_time')).toBe('warn')

    const later = await sign(idClaims({ auth_time: NOW + 600 }), rsa)
    const r2 = await verifyToken(later, { kind: 'id_token', jwks, expected, now: NOW })
    expect(finding(r2, 'jwt-time-implausible')?.detail).toContain('is after iat')

    const fine = await sign(idClaims({ auth_time: NOW - 30 }), rsa)
    const r3 = await verifyToken(fine, { kind: 'id_token', jwks, expected, now: NOW })
    expect(ids(r3)).toEqual([])
  })

  it('still checks the claims when no JWKS is available', async () => {
    const t = await sign(idClaims({ exp: NOW - 60 }), rsa)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwksError: 'blocked by CORS',
      expected,
      now: NOW,
    })
    expect(r.signature).toBe('not-checked')
    const f = finding(r, 'jwks-unavailable')
    expect(f?.severity).toBe('info')
    expect(f?.detail).toContain('blocked by CORS')
    expect(ids(r)).toContain('jwt-expired')
    expect(check(r, 'signature')).toBe('skipped')
  })

  it('flags a JWKS that publishes private keys', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true })
    const privateJwk = { ...(await exportJWK(privateKey)), kid: 'rsa-1', alg: 'RS256' }
    const t = await sign(idClaims(), rsa)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [privateJwk] },
      expected,
      now: NOW,
    })
    expect(finding(r, 'jwks-private-key-exposed')?.severity).toBe('error')
    expect(finding(r, 'jwks-private-key-exposed')?.fix).toMatch(/rotate/i)
    const inv = finding(r, 'jwks-invalid')
    expect(inv?.detail).toContain('private')
    expect(r.signature).toBe('no-key')
  })

  it('reports a malformed JWKS', async () => {
    const t = await sign(idClaims(), rsa)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: ['nope'] },
      expected,
      now: NOW,
    })
    expect(ids(r)).toContain('jwks-invalid')
    expect(r.signature).toBe('no-key')
  })

  it('rejects alg none and explains HS256', async () => {
    const h = Buffer.from('{"alg":"none"}').toString('base64url')
    const p = Buffer.from(JSON.stringify(idClaims())).toString('base64url')
    const r = await verifyToken(`${h}.${p}.`, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk] },
      expected,
      now: NOW,
    })
    expect(r.signature).toBe('unsupported')
    expect(finding(r, 'jwt-alg-unsupported')?.severity).toBe('error')

    const secret = new TextEncoder().encode('a-client-secret-that-is-32-bytes!')
    const hs = await new SignJWT(idClaims()).setProtectedHeader({ alg: 'HS256' }).sign(secret)
    const r2 = await verifyToken(hs, {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk] },
      expected,
      now: NOW,
    })
    expect(r2.signature).toBe('unsupported')
    const f = finding(r2, 'jwt-alg-unsupported')
    expect(f?.data?.reason).toBe('symmetric')
    expect(f?.spec).toContain('§10.1')
  })

  it('reports an opaque or malformed id_token as an error', async () => {
    const r = await verifyToken('abc', { kind: 'id_token', expected, now: NOW })
    expect(finding(r, 'id-token-not-jwt')?.severity).toBe('error')
    const r2 = await verifyToken('not.a.jwt', { kind: 'id_token', expected, now: NOW })
    expect(finding(r2, 'jwt-malformed')?.severity).toBe('error')
  })
})

describe('verifyToken: access_token (RFC 9068, informational)', () => {
  const atExpected: ExpectedClaims = {
    issuer: ISSUER,
    audience: 'https://api.example.com',
    clientId: CLIENT,
  }
  const atClaims = (o: JWTPayload = {}): JWTPayload => ({
    iss: ISSUER,
    sub: 'user-1',
    aud: 'https://api.example.com',
    client_id: CLIENT,
    exp: NOW + 600,
    iat: NOW,
    jti: 'jti-1',
    scope: 'openid api',
    ...o,
  })

  it('passes an RFC 9068 access token, with an info peek finding', async () => {
    const t = await sign(atClaims(), ec, { typ: 'at+jwt' })
    const r = await verifyToken(t, {
      kind: 'access_token',
      jwks: { keys: [ec.publicJwk] },
      expected: atExpected,
      now: NOW,
    })
    expect(ids(r)).toEqual(['access-token-jwt-peek'])
    expect(finding(r, 'access-token-jwt-peek')?.severity).toBe('info')
    expect(r.signature).toBe('valid')
    for (const name of ['signature', 'typ', 'iss', 'sub', 'aud', 'exp', 'iat', 'client_id', 'jti']) {
      expect(check(r, name), name).toBe('pass')
    }
  })

  it('accepts typ application/at+jwt', async () => {
    const t = await sign(atClaims(), ec, { typ: 'application/at+jwt' })
    const r = await verifyToken(t, {
      kind: 'access_token',
      jwks: { keys: [ec.publicJwk] },
      expected: atExpected,
      now: NOW,
    })
    expect(ids(r)).toEqual(['access-token-jwt-peek'])
  })

  it('notes (never warns or errors) a missing typ and jti, wrong aud and expiry: the resource server decides (RFC 9068 §6)', async () => {
    const claims = atClaims({ aud: 'https://other.example.com', exp: NOW - 100 })
    delete claims.jti
    const t = await sign(claims, ec, { typ: 'JWT' })
    const r = await verifyToken(t, {
      kind: 'access_token',
      jwks: { keys: [ec.publicJwk] },
      expected: atExpected,
      now: NOW,
    })
    expect(r.findings.every((f) => f.severity === 'info')).toBe(true)
    expect(finding(r, 'jwt-access-token-typ')?.severity).toBe('info')
    const jti = finding(r, 'jwt-claim-missing', 'jti')
    expect(jti?.severity).toBe('info')
    expect(jti?.data?.profile).toBe('RFC 9068')
    expect(finding(r, 'jwt-audience-mismatch')?.severity).toBe('info')
    expect(finding(r, 'jwt-expired')?.severity).toBe('info')
    expect(check(r, 'typ')).toBe('warn')
    expect(check(r, 'jti')).toBe('warn')
  })

  it('treats an opaque access token as info', async () => {
    const r = await verifyToken('2YotnFZFEjr1zCsicMWpAA', {
      kind: 'access_token',
      expected: atExpected,
      now: NOW,
    })
    expect(r.findings).toHaveLength(1)
    expect(r.findings[0]).toMatchObject({
      id: 'access-token-opaque',
      severity: 'info',
      step: 'tokens',
    })
    expect(r.signature).toBe('not-checked')
  })

  it('reports a JWE access token as encrypted (info)', async () => {
    const h = Buffer.from(JSON.stringify({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })).toString('base64url')
    const r = await verifyToken(`${h}.a.b.c.d`, {
      kind: 'access_token',
      expected: atExpected,
      now: NOW,
      step: 'token',
    })
    expect(r.findings[0]).toMatchObject({ id: 'token-encrypted', severity: 'info', step: 'token' })
    expect(r.findings[0]?.data?.enc).toBe('A256GCM')
  })

  it('a malformed three-segment access token is only a note (access tokens may be any string)', async () => {
    const r = await verifyToken('abc.def.ghi', {
      kind: 'access_token',
      expected: atExpected,
      now: NOW,
    })
    expect(finding(r, 'jwt-malformed')?.severity).toBe('info')
  })
})

describe('verifyToken: refresh_token', () => {
  it('never verifies, only notes a JWT refresh token', async () => {
    const t = await sign({ sub: 'u', exp: NOW - 10 }, rsa)
    const r = await verifyToken(t, {
      kind: 'refresh_token',
      jwks: { keys: [rsa.publicJwk] },
      expected,
      now: NOW,
    })
    expect(ids(r)).toEqual(['refresh-token-not-verified'])
    expect(r.signature).toBe('not-checked')
    expect(r.checks).toEqual([])
    const r2 = await verifyToken('opaque-refresh', { kind: 'refresh_token', expected, now: NOW })
    expect(r2.findings).toEqual([])
  })
})

describe('at_hash (OIDC Core §3.1.3.8: optional in the code flow, checked when present)', () => {
  const ACCESS =
    'YmJiZTAwYmYtMzgyOC00NzhkLTkyOTItNjJjNDM3MGYzOWIy9sFhvH8K_x8UIHj1osisS57f5DduL-ar_qw5jl3lthwpMjm283aVMQXDmoqqqydDSqJfbhptzw8rUVwkuQbolw'
  // oidc-token-hash's published vector for this access token with RS256
  const RS256_AT_HASH = 'x7vk7f6BvQj0jQHYFIk4ag'
  const verify = async (claims: JWTPayload, accessToken?: string) =>
    verifyToken(await sign(idClaims(claims), rsa), {
      kind: 'id_token',
      jwks: { keys: [rsa.publicJwk] },
      expected: { ...expected, ...(accessToken ? { accessToken } : {}) },
      now: NOW,
    })

  it('passes when at_hash is the left half of the SHA-256 of the access token', async () => {
    const r = await verify({ at_hash: RS256_AT_HASH }, ACCESS)
    expect(check(r, 'at_hash')).toBe('pass')
    expect(ids(r)).not.toContain('jwt-at-hash-mismatch')
  })
  it('warns on a mismatch, with the value it expected', async () => {
    const r = await verify({ at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }, ACCESS)
    expect(check(r, 'at_hash')).toBe('warn')
    const f = finding(r, 'jwt-at-hash-mismatch')
    expect(f?.severity).toBe('warning')
    expect(f?.detail).toContain(RS256_AT_HASH)
    expect(f?.detail).toContain('openid-client')
  })
  it('does not warn for an EdDSA token whose key is not known to be Ed25519 (Ed448 hashes with SHAKE256)', async () => {
    const ed = await generateKeyPair('EdDSA', { extractable: true })
    const jwk = { ...(await exportJWK(ed.publicKey)), kid: 'ed-1', alg: 'EdDSA', use: 'sig' }
    const t = await new SignJWT(idClaims({ at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }))
      .setProtectedHeader({ alg: 'EdDSA', kid: 'ed-1' })
      .sign(ed.privateKey)
    const r = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [{ ...jwk, kid: 'another' }] },
      expected: { ...expected, accessToken: ACCESS },
      now: NOW,
    })
    expect(check(r, 'at_hash')).toBe('skipped')
    expect(ids(r)).not.toContain('jwt-at-hash-mismatch')
    // With its Ed25519 key in the JWKS, the SHA-512 comparison stands: a mismatch is a warning.
    const known = await verifyToken(t, {
      kind: 'id_token',
      jwks: { keys: [jwk] },
      expected: { ...expected, accessToken: ACCESS },
      now: NOW,
    })
    expect(check(known, 'at_hash')).toBe('warn')
  })
  it('checks nothing without at_hash or without an access token', async () => {
    expect(check(await verify({}, ACCESS), 'at_hash')).toBeUndefined()
    expect(check(await verify({ at_hash: 'AAAAAAAAAAAAAAAAAAAAAA' }), 'at_hash')).toBeUndefined()
  })
})
