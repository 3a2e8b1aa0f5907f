/**
 * PKCE step: the code_verifier from WebCrypto (through oauth4webapi) and its S256 challenge, with
 * the intermediate values shown for teaching.
 * @see https://www.rfc-editor.org/rfc/rfc7636.html#section-4.1
 */
import * as oauth from 'oauth4webapi'
import { base64url } from 'jose'
import type { PkceMethod, PkceState } from '../model/types'

import { UNRESERVED, VERIFIER_MIN } from './verifier'

export { validateVerifier, VERIFIER_MAX, VERIFIER_MIN } from './verifier'

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
