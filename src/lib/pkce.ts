/**
 * PKCE step: the code_verifier from WebCrypto (through oauth4webapi) and its S256 challenge, with
 * the intermediate values shown for teaching.
 * @see https://www.rfc-editor.org/rfc/rfc7636.html#section-4.1
 */
import * as oauth from 'oauth4webapi'
import { base64url } from 'jose'
import type { PkceMethod, PkceState } from './types'

export const VERIFIER_MIN = 43
export const VERIFIER_MAX = 128
const UNRESERVED = /^[A-Za-z0-9\-._~]*$/

/** A problem with a code_verifier, or undefined when it is valid (RFC 7636 §4.1). */
export function validateVerifier(verifier: string): string | undefined {
  if (verifier.length < VERIFIER_MIN) {
    return `Too short: ${verifier.length} characters; RFC 7636 §4.1 requires at least ${VERIFIER_MIN}.`
  }
  if (verifier.length > VERIFIER_MAX) {
    return `Too long: ${verifier.length} characters; RFC 7636 §4.1 allows at most ${VERIFIER_MAX}.`
  }
  if (!UNRESERVED.test(verifier)) {
    const bad = [...new Set([...verifier].filter((c) => !UNRESERVED.test(c)))].slice(0, 5)
    return `Contains characters outside the unreserved set [A-Z a-z 0-9 - . _ ~]: ${bad
      .map((c) => JSON.stringify(c))
      .join(', ')} (RFC 7636 §4.1).`
  }
  return undefined
}

/** A new random code_verifier: 32 random bytes from WebCrypto, base64url-encoded (43 chars). */
export function newVerifier(): string {
  return oauth.generateRandomCodeVerifier()
}

/** The code_challenge for a verifier: BASE64URL(SHA256(ASCII(verifier))) for S256. */
export async function computeChallenge(verifier: string, method: PkceMethod): Promise<string> {
  if (method === 'plain') return verifier
  return oauth.calculatePKCECodeChallenge(verifier)
}

export async function makePkce(verifier: string, method: PkceMethod): Promise<PkceState> {
  return { method, code_verifier: verifier, code_challenge: await computeChallenge(verifier, method) }
}

export interface PkceMath {
  /** The random bytes behind the verifier, hex, when the verifier is base64url of them. */
  randomBytesHex?: string
  verifier: string
  /** The ASCII bytes that are hashed, shown as a count. */
  asciiLength: number
  /** SHA-256 of the verifier, hex (32 bytes), for S256. */
  digestHex?: string
  challenge: string
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The intermediate values of the S256 computation, for the teaching panel. */
export function explainPkce(pkce: PkceState): PkceMath {
  const math: PkceMath = {
    verifier: pkce.code_verifier,
    asciiLength: pkce.code_verifier.length,
    challenge: pkce.code_challenge,
  }
  if (pkce.code_verifier.length === VERIFIER_MIN && UNRESERVED.test(pkce.code_verifier)) {
    try {
      math.randomBytesHex = hex(base64url.decode(pkce.code_verifier))
    } catch {
      // a hand-typed verifier that is not base64url of bytes: nothing to show
    }
  }
  if (pkce.method === 'S256') {
    try {
      math.digestHex = hex(base64url.decode(pkce.code_challenge))
    } catch {
      // not reachable for a challenge made by calculatePKCECodeChallenge
    }
  }
  return math
}
