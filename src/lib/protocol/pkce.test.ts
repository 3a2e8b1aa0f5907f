import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import {
  VERIFIER_MAX,
  VERIFIER_MIN,
  computeChallenge,
  explainPkce,
  makePkce,
  newVerifier,
  validateVerifier,
} from './pkce'

// RFC 7636 Appendix B.
// The verifier is "…-mB92K…" as in the RFC ("…-mJ92K…" hashes to a different challenge).
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
const RFC_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91,
  88, 5, 88, 83, 132, 141, 121,
]
const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('')

describe('validateVerifier', () => {
  it('enforces 43..128 characters (RFC 7636 §4.1)', () => {
    expect(VERIFIER_MIN).toBe(43)
    expect(VERIFIER_MAX).toBe(128)
    expect(validateVerifier('a'.repeat(42))).toMatch(/Too short: 42/)
    expect(validateVerifier('a'.repeat(43))).toBeUndefined()
    expect(validateVerifier('a'.repeat(128))).toBeUndefined()
    expect(validateVerifier('a'.repeat(129))).toMatch(/Too long: 129/)
    expect(validateVerifier('')).toMatch(/Too short: 0/)
  })

  it('accepts every unreserved character', () => {
    expect(validateVerifier('ABCXYZabcxyz0189-._~'.padEnd(43, '~'))).toBeUndefined()
  })

  it('refuses characters outside the unreserved set and names them', () => {
    const r = validateVerifier(`${'a'.repeat(40)}+/=`)
    expect(r).toMatch(/unreserved/)
    expect(r).toContain('"+"')
    expect(r).toContain('"/"')
    expect(r).toContain('"="')
    expect(validateVerifier(`${'a'.repeat(42)} `)).toContain('" "')
    expect(validateVerifier(`${'a'.repeat(42)}é`)).toContain('"é"')
  })
})

describe('newVerifier', () => {
  it('makes a valid 43-character verifier, different each time', () => {
    const a = newVerifier()
    const b = newVerifier()
    expect(a).toHaveLength(43)
    expect(validateVerifier(a)).toBeUndefined()
    expect(a).not.toBe(b)
  })
})

describe('computeChallenge', () => {
  it('matches the RFC 7636 Appendix B vector for S256', async () => {
    expect(await computeChallenge(RFC_VERIFIER, 'S256')).toBe(RFC_CHALLENGE)
  })

  it('is BASE64URL(SHA256(verifier)) for any verifier', async () => {
    const v = newVerifier()
    const expected = createHash('sha256').update(v, 'ascii').digest('base64url')
    expect(await computeChallenge(v, 'S256')).toBe(expected)
  })

  it('plain is the identity', async () => {
    expect(await computeChallenge(RFC_VERIFIER, 'plain')).toBe(RFC_VERIFIER)
  })

  it('makePkce bundles method, verifier and challenge', async () => {
    expect(await makePkce(RFC_VERIFIER, 'S256')).toEqual({
      method: 'S256',
      code_verifier: RFC_VERIFIER,
      code_challenge: RFC_CHALLENGE,
    })
    expect((await makePkce(RFC_VERIFIER, 'plain')).code_challenge).toBe(RFC_VERIFIER)
  })
})

describe('explainPkce', () => {
  it('shows the 32 random bytes behind a 43-character verifier and the SHA-256 digest', async () => {
    const math = explainPkce(await makePkce(RFC_VERIFIER, 'S256'))
    expect(math.verifier).toBe(RFC_VERIFIER)
    expect(math.asciiLength).toBe(43)
    expect(math.randomBytesHex).toBe(hex(RFC_OCTETS))
    expect(math.randomBytesHex).toHaveLength(64)
    expect(math.digestHex).toBe(createHash('sha256').update(RFC_VERIFIER, 'ascii').digest('hex'))
    expect(math.digestHex).toHaveLength(64)
    expect(math.challenge).toBe(RFC_CHALLENGE)
  })

  it('shows no random bytes for a longer verifier and no digest for plain', async () => {
    const long = 'a'.repeat(64)
    const s256 = explainPkce(await makePkce(long, 'S256'))
    expect(s256.randomBytesHex).toBeUndefined()
    expect(s256.digestHex).toHaveLength(64)
    const plain = explainPkce(await makePkce(RFC_VERIFIER, 'plain'))
    expect(plain.digestHex).toBeUndefined()
    expect(plain.randomBytesHex).toBe(hex(RFC_OCTETS))
  })
})
