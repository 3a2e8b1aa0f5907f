// A JWK Set document (RFC 7517 §4, §5): its shape and its keys (malformed, private members, weak RSA
// keys, duplicate kids, keys not for signing).
import { base64url } from 'jose'
import type { Finding, StepRef } from '../../model/types'
import { finding } from '../finding'
import { plain, quote, showJson, jsonType, isRecord, own } from './shared'

/** Context of {@link lintJwks}. */
export interface JwksLintContext {
  /** The jwks_uri the set was fetched from (shown in text). */
  url: string
  /** Step of the findings; default "tokens". */
  step?: StepRef
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']

/**
 * Lints a JSON Web Key Set as published at jwks_uri. Never throws.
 *
 * @param doc The parsed JSON document.
 * @param ctx The jwks_uri.
 * @see [RFC 7517 §4, §5](https://www.rfc-editor.org/rfc/rfc7517.html#section-4)
 * @see [OpenID Connect Core 1.0 §10.1](https://openid.net/specs/openid-connect-core-1_0.html#Signing)
 */
export function lintJwks(doc: unknown, ctx: JwksLintContext): Finding[] {
  const out: Finding[] = []
  const step = typeof ctx?.step === 'string' && ctx.step ? ctx.step : 'tokens'
  try {
    lintJwksInner(doc, typeof ctx?.url === 'string' ? ctx.url : '', step, out)
  } catch {
    // never throw
  }
  return out
}

function lintJwksInner(doc: unknown, url: string, step: StepRef, out: Finding[]): void {
  const where = url ? ` at ${quote(url)}` : ''
  const keys = isRecord(doc) ? own(doc, 'keys') : undefined
  if (!Array.isArray(keys)) {
    out.push(
      finding('jwks-invalid', 'error', step, {
        title: 'The JWKS is not a JSON Web Key Set',
        detail: `The document${where} ${isRecord(doc) ? (keys === undefined ? 'has no "keys" member' : `has "keys": ${showJson(keys, 80)}, not an array`) : `is ${jsonType(doc)}, not an object`}. A JWK Set is {"keys": [ … ]}; a single bare JWK or a PEM certificate list is not.`,
        fix: 'Publish {"keys": [ {…public JWK…} ]} at jwks_uri.',
        spec: 'RFC 7517 §5',
        data: { url: plain(url) },
      }),
    )
    return
  }
  if (keys.length === 0) {
    out.push(
      finding('jwks-empty', 'warning', step, {
        title: 'The JWKS contains no keys',
        detail: `The key set${where} is {"keys": []}. No signature can be verified with it: every signed token (ID Token, JWT access token) will fail verification.`,
        fix: 'Publish the public signing keys at jwks_uri.',
        spec: 'RFC 7517 §5; OpenID Connect Discovery 1.0 §3',
        data: { url: plain(url) },
      }),
    )
    return
  }

  reportKeys(surveyKeys(keys), where, url, step, out)
}

/** What the first 100 keys of a JWK Set show: the problems found, by key, and the signing keys counted. */
interface KeySurvey {
  malformed: string[]
  noKty: string[]
  exposed: string[]
  exposedMembers: Set<string>
  weak: Array<{ label: string; bits: number }>
  notForSigning: string[]
  /** How often each kid (with its kty and use) occurs. */
  kidCount: Map<string, number>
  signingKeys: number
  signingWithoutKid: number
}

function surveyKeys(keys: unknown[]): KeySurvey {
  const list = keys.slice(0, 100)
  const label = (jwk: unknown, i: number): string => {
    const kid = isRecord(jwk) ? own(jwk, 'kid') : undefined
    return typeof kid === 'string' ? `key ${i} (kid ${quote(kid, 60)})` : `key ${i}`
  }
  const malformed: string[] = []
  const noKty: string[] = []
  const exposed: string[] = []
  const exposedMembers = new Set<string>()
  const weak: Array<{ label: string; bits: number }> = []
  const notForSigning: string[] = []
  const kidCount = new Map<string, number>()
  let signingKeys = 0
  let signingWithoutKid = 0

  list.forEach((jwk, i) => {
    if (!isRecord(jwk)) {
      malformed.push(`key ${i} is ${jsonType(jwk)}`)
      return
    }
    const kty = own(jwk, 'kty')
    if (typeof kty !== 'string' || kty === '') noKty.push(label(jwk, i))
    const priv = PRIVATE_MEMBERS.filter((m) => own(jwk, m) !== undefined)
    if (priv.length) {
      exposed.push(label(jwk, i))
      priv.forEach((m) => exposedMembers.add(m))
    }
    const use = own(jwk, 'use')
    const keyOps = own(jwk, 'key_ops')
    const forSigning =
      (use === undefined || use === 'sig') &&
      (!Array.isArray(keyOps) || keyOps.includes('verify') || keyOps.includes('sign'))
    if (forSigning) {
      signingKeys++
      if (typeof own(jwk, 'kid') !== 'string') signingWithoutKid++
    } else {
      notForSigning.push(
        `${label(jwk, i)}: ${use !== undefined ? `use ${showJson(use, 30)}` : `key_ops ${showJson(keyOps, 60)}`}`,
      )
    }
    const kid = own(jwk, 'kid')
    if (typeof kid === 'string') {
      const key = `${kid}\u0000${typeof kty === 'string' ? kty : ''}\u0000${typeof use === 'string' ? use : ''}`
      kidCount.set(key, (kidCount.get(key) ?? 0) + 1)
    }
    if (kty === 'RSA') {
      const n = own(jwk, 'n')
      const bits = typeof n === 'string' ? modulusBits(n) : undefined
      if (bits === undefined) malformed.push(`${label(jwk, i)} is an RSA key without a valid base64url "n"`)
      else if (bits < 2048) weak.push({ label: label(jwk, i), bits })
    }
  })
  return { malformed, noKty, exposed, exposedMembers, weak, notForSigning, kidCount, signingKeys, signingWithoutKid }
}

/** The findings of a key survey. */
function reportKeys(survey: KeySurvey, where: string, url: string, step: StepRef, out: Finding[]): void {
  const { malformed, noKty, exposed, exposedMembers, weak, notForSigning, kidCount, signingKeys, signingWithoutKid } =
    survey
  if (malformed.length) {
    out.push(
      finding('jwks-invalid', 'error', step, {
        title: 'The JWKS contains malformed keys',
        detail: `In the key set${where}: ${malformed.slice(0, 10).join('; ')}. Libraries reject (or skip) such entries.`,
        fix: 'Publish every key as a complete public JWK object.',
        spec: 'RFC 7517 §4, §5; RFC 7518 §6.3.1',
        data: { url: plain(url), problems: malformed.slice(0, 10).map((m) => plain(m)) },
      }),
    )
  }
  if (noKty.length) {
    out.push(
      finding('jwks-kty-missing', 'error', step, {
        title: 'A JWKS key has no "kty"',
        detail: `${noKty.slice(0, 10).join(', ')} ${noKty.length === 1 ? 'has' : 'have'} no kty (key type). kty is REQUIRED in every JWK; clients skip keys without it.`,
        fix: 'Add "kty" ("RSA", "EC", "OKP") to every key.',
        spec: 'RFC 7517 §4.1',
        data: { keys: noKty.slice(0, 10).map((k) => plain(k)) },
      }),
    )
  }
  if (exposed.length) {
    const members = [...exposedMembers]
    out.push(
      finding('jwks-private-key-exposed', 'error', step, {
        title: 'CRITICAL: the JWKS publishes private or secret key material',
        detail: `${exposed.slice(0, 10).join(', ')}${where} ${exposed.length === 1 ? 'contains' : 'contain'} ${members.map((m) => `"${m}"`).join(', ')} — ${members.includes('k') ? 'a symmetric secret ("k") or ' : ''}private key parameters. Anyone can download them and sign tokens that your clients and APIs will accept as genuine. jose refuses such a set ("JSON Web Key Set members must be public keys").`,
        fix: 'Rotate these keys immediately (they are compromised), then publish only the public parts (for RSA: kty, n, e, kid, alg, use) and never symmetric keys.',
        spec: 'OpenID Connect Discovery 1.0 §3 (jwks_uri); RFC 7517 §5; RFC 7518 §6.3.2, §6.4',
        data: { keys: exposed.slice(0, 10).map((k) => plain(k)), members },
      }),
    )
  }
  const duplicates = [...kidCount.entries()].filter(([, n]) => n > 1).map(([k]) => k.split('\u0000')[0] ?? '')
  if (duplicates.length) {
    out.push(
      finding('jwks-duplicate-kid', 'warning', step, {
        title: `Several keys share the kid ${duplicates
          .slice(0, 3)
          .map((k) => quote(k, 60))
          .join(', ')}`,
        detail: `Keys of the same type in one JWK Set SHOULD have distinct kid values. A token names its key by kid; with duplicates the client has to try several keys (jose fails with "multiple matching keys" unless it retries), and rotation bugs hide here.`,
        fix: 'Give every key its own kid (for example its RFC 7638 thumbprint).',
        spec: 'RFC 7517 §4.5; OpenID Connect Core 1.0 §10.1',
        data: { kids: duplicates.slice(0, 10).map((k) => plain(k, 80)) },
      }),
    )
  }
  if (signingKeys > 1 && signingWithoutKid > 0) {
    out.push(
      finding('jwks-kid-missing', 'warning', step, {
        title: `${signingWithoutKid} of ${signingKeys} signing keys have no kid`,
        detail:
          'When the JWK Set holds several signing keys, each key and every token header MUST carry a kid so the client can pick the right key. Without it clients try keys in turn or fail ("multiple matching keys").',
        fix: 'Add a unique kid to every key and put it in the header of every token.',
        spec: 'OpenID Connect Core 1.0 §10.1; RFC 7517 §4.5',
        data: { signingKeys, withoutKid: signingWithoutKid },
      }),
    )
  }
  if (weak.length) {
    out.push(
      finding('jwks-weak-key', 'error', step, {
        title: `RSA key shorter than 2048 bits (${weak[0]?.bits ?? 0} bits)`,
        detail: `${weak
          .slice(0, 10)
          .map((w) => `${w.label}: ${w.bits} bits`)
          .join(
            '; ',
          )}. RSA signing keys MUST be at least 2048 bits; oauth4webapi refuses shorter ones ("unsupported RSASSA-PKCS1-v1_5 modulusLength") and WebCrypto implementations may too. Short keys can be factored.`,
        fix: 'Generate a new RSA key of 2048 bits or more (or an EC P-256 key), publish it and sign new tokens with it.',
        spec: 'RFC 7518 §3.3, §3.5; RFC 8725 §3.5',
        data: { keys: weak.slice(0, 10).map((w) => plain(w.label)), bits: weak[0]?.bits ?? 0 },
      }),
    )
  }
  if (notForSigning.length) {
    out.push(
      finding('jwks-key-not-for-signing', 'info', step, {
        title: `${notForSigning.length} key${notForSigning.length === 1 ? ' is' : 's are'} not for signature verification`,
        detail: `${notForSigning.slice(0, 10).join('; ')}. Clients only use keys with use "sig" (or no use) to verify token signatures. That is fine for encryption keys; if ${notForSigning.length === 1 ? 'this key signs' : 'these keys sign'} tokens, verification fails.`,
        fix: 'Mark signing keys with "use": "sig" (or omit use).',
        spec: 'RFC 7517 §4.2, §4.3',
        data: { keys: notForSigning.slice(0, 10).map((k) => plain(k)) },
      }),
    )
  }
}

/** Bit length of a base64url RSA modulus, or undefined when it does not decode. */
function modulusBits(n: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(n)) return undefined
  let bytes: Uint8Array
  try {
    bytes = base64url.decode(n)
  } catch {
    return undefined
  }
  let i = 0
  while (i < bytes.length && bytes[i] === 0) i++
  if (i === bytes.length) return 0
  const first = bytes[i] ?? 0
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(first))
}
