/**
 * Reading a token without verifying it: split a JWT into header, payload and signature (jose does
 * the base64url and JSON), and word its times and audiences. Used by the token checks, the report's
 * redaction and the teaching views alike; verification lives in protocol/jwt.ts.
 *
 * @see [RFC 7519 - JSON Web Token](https://www.rfc-editor.org/rfc/rfc7519.html)
 */
import { decodeJwt, decodeProtectedHeader } from 'jose'

/** Which token of a token response is being looked at. */
export type TokenKind = 'access_token' | 'id_token' | 'refresh_token'

/**
 * A token split into its parts. `opaque` is not an error: OAuth access and refresh tokens may be
 * any string. `malformed` is a three-segment token whose header or payload is not base64url JSON.
 *
 * @see [RFC 7519 §7.2 - Validating a JWT](https://www.rfc-editor.org/rfc/rfc7519.html#section-7.2)
 */
export type DecodedToken =
  | {
      format: 'jwt'
      raw: string
      segments: { header: string; payload: string; signature: string }
      header: Record<string, unknown>
      payload: Record<string, unknown>
    }
  | { format: 'jwe'; raw: string; header: Record<string, unknown> | null }
  | { format: 'opaque'; raw: string; reason: string }
  | { format: 'malformed'; raw: string; reason: string }

/**
 * What the client expects. `audience` defaults to `clientId` for an ID Token; for an access token
 * it is the `resource` that was requested (RFC 8707), if any. `maxAgeSec` is the largest accepted
 * token age measured from `iat` (jose `maxTokenAge`), not the OIDC `max_age` request parameter.
 */
export interface ExpectedClaims {
  issuer?: string
  audience?: string | string[]
  clientId?: string
  nonce?: string
  /** Default 30 s (the oauth4webapi default). */
  clockToleranceSec?: number
  maxAgeSec?: number
  /** ID token: the access token of the same response, whose hash an at_hash claim must match. */
  accessToken?: string
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/**
 * Splits a token and decodes its header and payload with jose. Never throws.
 *
 * @param raw The token exactly as the server sent it.
 * @see [RFC 7519 §7.2 - Validating a JWT](https://www.rfc-editor.org/rfc/rfc7519.html#section-7.2)
 * @see [RFC 7516 §9 - Distinguishing between JWS and JWE Objects](https://www.rfc-editor.org/rfc/rfc7516.html#section-9)
 */
export function decodeToken(raw: string): DecodedToken {
  if (typeof raw !== 'string' || raw.length === 0) {
    return { format: 'opaque', raw: String(raw ?? ''), reason: 'not a JWT: empty token' }
  }
  const parts = raw.split('.')
  if (parts.length === 5) {
    let header: Record<string, unknown> | null
    try {
      header = { ...decodeProtectedHeader(raw) }
    } catch {
      header = null
    }
    return { format: 'jwe', raw, header }
  }
  if (parts.length !== 3) {
    return { format: 'opaque', raw, reason: `not a JWT: ${plural(parts.length, 'segment')}` }
  }
  const [h = '', p = '', s = ''] = parts
  let header: Record<string, unknown>
  try {
    header = { ...decodeProtectedHeader(raw) }
  } catch {
    return {
      format: 'malformed',
      raw,
      reason: 'three segments, but the first (header) is not base64url-encoded JSON object',
    }
  }
  let payload: Record<string, unknown>
  try {
    payload = { ...decodeJwt(raw) }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    return {
      format: 'malformed',
      raw,
      reason: `three segments, but the second (payload) is not a base64url-encoded JSON object: ${message}`,
    }
  }
  return { format: 'jwt', raw, segments: { header: h, payload: p, signature: s }, header, payload }
}

/**
 * A duration in words, rounded down to the largest sensible units: "12 s", "59 min", "3 h",
 * "3 h 5 min", "2 d 4 h", "3 y". The sign is ignored.
 */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'an unknown time'
  const s = Math.floor(Math.abs(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min`
  if (s < 86400) {
    const h = Math.floor(s / 3600)
    const m = Math.floor((s % 3600) / 60)
    return m ? `${h} h ${m} min` : `${h} h`
  }
  if (s < 365 * 86400) {
    const d = Math.floor(s / 86400)
    const h = Math.floor((s % 86400) / 3600)
    return h ? `${d} d ${h} h` : `${d} d`
  }
  return `${Math.floor(s / (365.25 * 86400))} y`
}

/** "2026-11-26 15:07:41 UTC" for a NumericDate, or undefined when out of range. */
export function absoluteTime(seconds: number): string | undefined {
  const date = new Date(seconds * 1000)
  if (!Number.isFinite(date.getTime())) return undefined
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** Relative and absolute wording of a time claim. */
export function humanTime(name: string, value: number, now: number): string {
  const diff = value - now
  const span = humanDuration(diff)
  let relative: string
  switch (name) {
    case 'exp':
      relative = diff > 0 ? `expires in ${span}` : `expired ${span} ago`
      break
    case 'iat':
      relative = diff <= 0 ? `issued ${span} ago` : `issued ${span} in the future`
      break
    case 'nbf':
      relative = diff > 0 ? `not valid for another ${span}` : `valid since ${span} ago`
      break
    case 'auth_time':
      relative = diff <= 0 ? `authenticated ${span} ago` : `authenticated ${span} in the future`
      break
    default:
      relative = diff <= 0 ? `${span} ago` : `in ${span}`
  }
  const abs = absoluteTime(value)
  return abs ? `${relative} (${abs})` : relative
}

export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/** A string value as is, anything else as JSON text. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : jsonText(value)
}

export function audienceList(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud]
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string')
  return []
}

export function expectedAudience(kind: TokenKind, expected: ExpectedClaims | undefined): string[] {
  if (!expected) return []
  if (expected.audience !== undefined) {
    return typeof expected.audience === 'string' ? [expected.audience] : expected.audience
  }
  if (kind === 'id_token' && expected.clientId) return [expected.clientId]
  return []
}
