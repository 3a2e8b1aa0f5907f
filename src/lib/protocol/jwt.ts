/**
 * Decoding and verification of the tokens a token endpoint returned: ID Token (OIDC Core), JWT
 * access token (RFC 9068, informational only) and refresh token (never verified). Pure: no DOM
 * storage, no Svelte; every base64url, JSON and signature operation is done by jose.
 *
 * @see [RFC 7519 - JSON Web Token](https://www.rfc-editor.org/rfc/rfc7519.html)
 * @see [OpenID Connect Core 1.0 §3.1.3.7 - ID Token Validation](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 * @see [RFC 9068 - JWT Profile for OAuth 2.0 Access Tokens](https://www.rfc-editor.org/rfc/rfc9068.html)
 */
import {
  UnsecuredJWT,
  base64url,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  errors,
  type JWK,
  type JWTClaimVerificationOptions,
} from 'jose'
import {
  absoluteTime,
  decodeToken,
  audienceList,
  expectedAudience,
  humanDuration,
  humanTime,
  isRecord,
  jsonText as json,
  valueText as text,
  type ExpectedClaims,
  type TokenKind,
} from '../platform/jwt-decode'

import type { Finding, FindingId, Severity, StepRef } from '../model/types'
import { finding } from '../diagnosis/finding'

export type { ExpectedClaims }

/** The outcome of one check, for a checklist display. */
export interface JwtCheck {
  name: string
  status: 'pass' | 'fail' | 'warn' | 'skipped'
  note: string
}

/** Everything {@link verifyToken} found. */
export interface VerifyResult {
  alg?: string
  kid?: string
  keyFound: boolean
  signature: 'valid' | 'invalid' | 'no-key' | 'unsupported' | 'not-checked'
  checks: JwtCheck[]
  findings: Finding[]
}

type FindingData = NonNullable<Finding['data']>

const DEFAULT_TOLERANCE = 30
const MAX_CLAIM_LOOPS = 10
const MAX_KEYS_TRIED = 50
const ID_TOKEN_REQUIRED = ['iss', 'sub', 'aud', 'exp', 'iat']
const AT_JWT_REQUIRED = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv']
const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at'])
const CORE = 'OpenID Connect Core 1.0'

// ---------------------------------------------------------------------------------------------
// Verification

const STATUS_RANK: Record<JwtCheck['status'], number> = { skipped: 0, pass: 1, warn: 2, fail: 3 }

class Collector {
  readonly findings: Finding[] = []
  readonly checks = new Map<string, JwtCheck>()
  constructor(
    readonly kind: TokenKind,
    readonly step: StepRef,
  ) {}

  /** Severity of a rule that is an error for an ID Token and informational for an access token. */
  sev(forIdToken: Severity): Severity {
    // A client MUST treat an access token as opaque (RFC 9068 §6): what the playground sees in a JWT
    // access token is information for the reader; the resource server's answer is what counts.
    return this.kind === 'access_token' ? 'info' : forIdToken
  }

  add(
    id: FindingId,
    severity: Severity,
    title: string,
    detail: string,
    fix: string,
    spec: string,
    data?: FindingData,
  ): void {
    this.findings.push(finding(id, severity, this.step, { title, detail, fix, spec, data }))
  }

  has(id: FindingId, claim?: string): boolean {
    return this.findings.some((f) => f.id === id && (claim === undefined || f.data?.claim === claim))
  }

  /** Sets a check, keeping the worse status when it is already set. */
  check(name: string, status: JwtCheck['status'], note: string): void {
    const prev = this.checks.get(name)
    if (!prev || STATUS_RANK[status] > STATUS_RANK[prev.status]) {
      this.checks.set(name, { name, status, note })
    }
  }

  /** The status for a failed rule: fail for an ID Token, warn for an access token. */
  failed(): JwtCheck['status'] {
    return this.kind === 'access_token' ? 'warn' : 'fail'
  }
}

function errorCode(err: unknown): string | undefined {
  if (err instanceof errors.JOSEError) return err.code
  return undefined
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function jwkKeys(jwks: { keys: unknown[] } | undefined): Record<string, unknown>[] {
  if (!jwks || !Array.isArray(jwks.keys)) return []
  return jwks.keys.filter(isRecord)
}

/** Private or secret members of a JWK (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2). */
function privateMembers(jwk: Record<string, unknown>): string[] {
  return PRIVATE_JWK_MEMBERS.filter((m) => Object.hasOwn(jwk, m))
}

function describeKey(jwk: Record<string, unknown>, index: number): string {
  const parts: string[] = []
  if (typeof jwk.kid === 'string') parts.push(`kid ${json(jwk.kid)}`)
  if (typeof jwk.kty === 'string') parts.push(`kty ${jwk.kty}`)
  if (typeof jwk.alg === 'string') parts.push(`alg ${jwk.alg}`)
  if (typeof jwk.use === 'string') parts.push(`use ${jwk.use}`)
  return `key #${index + 1}${parts.length ? ` (${parts.join(', ')})` : ''}`
}

async function thumbprint(jwk: Record<string, unknown>): Promise<string | undefined> {
  try {
    return await calculateJwkThumbprint(jwk as JWK)
  } catch {
    return undefined
  }
}

/** Finds which single JWK verifies the token, trying each key on its own. */
async function findVerifyingKey(
  raw: string,
  keys: Record<string, unknown>[],
): Promise<{ index: number; jwk: Record<string, unknown> } | undefined> {
  for (const [index, jwk] of keys.slice(0, MAX_KEYS_TRIED).entries()) {
    try {
      await compactVerify(raw, createLocalJWKSet({ keys: [jwk as JWK] }))
      return { index, jwk }
    } catch {
      // not this key
    }
  }
  return undefined
}

interface SignatureOutcome {
  keyFound: boolean
  signature: VerifyResult['signature']
}

async function checkSignature(
  c: Collector,
  raw: string,
  header: Record<string, unknown>,
  opts: { jwks?: { keys: unknown[] }; jwksError?: string },
): Promise<SignatureOutcome> {
  const alg = typeof header.alg === 'string' ? header.alg : undefined
  const kid = typeof header.kid === 'string' ? header.kid : undefined
  const isAt = c.kind === 'access_token'
  const sigSpec = isAt ? 'RFC 9068 §4; RFC 7515 §5.2' : `${CORE} §3.1.3.7; RFC 7515 §5.2`
  const keys = jwkKeys(opts.jwks)

  if (opts.jwks !== undefined) {
    const exposed = keys.map((jwk, i) => ({ jwk, i, members: privateMembers(jwk) })).filter((k) => k.members.length > 0)
    if (exposed.length) {
      c.add(
        'jwks-private-key-exposed',
        'error',
        'The JWKS publishes private key material: rotate immediately',
        `${exposed.map((k) => `${describeKey(k.jwk, k.i)} has ${k.members.join(', ')}`).join('; ')}: ` +
          'private or secret key members. Anyone who fetched the JWKS can now sign ' +
          'tokens that every client and resource server will accept.',
        'Rotate these keys immediately: remove them from the JWKS, generate new key pairs and ' +
          'publish only the public parts (kty, n, e / crv, x, y, kid, alg, use).',
        'RFC 7517 §9.2; RFC 7517 §4',
        { keys: exposed.map((k) => describeKey(k.jwk, k.i)) },
      )
    }
  }

  if (alg === undefined || alg === 'none') {
    c.add(
      'jwt-alg-unsupported',
      c.sev('error'),
      alg === 'none' ? 'The token is not signed (alg "none")' : 'The token header has no "alg"',
      alg === 'none'
        ? 'An unsecured JWT (alg "none") can be forged by anyone; it is never acceptable here.'
        : 'A JWS header must name its algorithm in "alg".',
      'Sign the token with an asymmetric algorithm published in the JWKS (RS256, ES256, PS256, EdDSA).',
      isAt ? 'RFC 9068 §2.1; RFC 7518 §3.6' : `${CORE} §3.1.3.7; RFC 7518 §3.6`,
      { alg: alg ?? null, reason: alg === 'none' ? 'none' : 'missing' },
    )
    c.check('signature', c.failed(), alg === 'none' ? 'alg "none": unsigned' : 'no "alg" in the header')
    return { keyFound: false, signature: 'unsupported' }
  }

  if (/^HS\d+$/.test(alg)) {
    c.add(
      'jwt-alg-unsupported',
      c.sev('warning'),
      `Symmetric signature (${alg}) cannot be verified with a JWKS`,
      `The token is signed with ${alg}, a MAC keyed with a shared secret (for an ID Token, the ` +
        'client_secret). A JWKS only carries public keys, so the playground cannot check it. A ' +
        'public client has no client secret, and symmetric signatures MUST NOT be used for it.',
      isAt
        ? 'Sign access tokens with an asymmetric key published in the JWKS (RFC 9068 §2.1).'
        : 'Configure the client\u2019s id_token_signed_response_alg to an asymmetric algorithm ' +
            '(RS256 is the default) and publish the public key in the JWKS.',
      `${CORE} §10.1; ${CORE} §3.1.3.7`,
      { alg, reason: 'symmetric' },
    )
    c.check('signature', 'warn', `${alg} is a shared-secret MAC: not verifiable with a JWKS`)
    return { keyFound: false, signature: 'unsupported' }
  }

  if (opts.jwks === undefined) {
    const why = opts.jwksError ? `: ${opts.jwksError}` : ''
    c.add(
      'jwks-unavailable',
      'info',
      'Signature not checked: no JWKS',
      `The issuer\u2019s JWKS was not available${why}. The claims were still checked.`,
      'Publish jwks_uri in the server metadata and make it readable from the browser (CORS).',
      `${CORE} §3.1.3.7; RFC 8414 §2`,
      { reason: opts.jwksError ?? null },
    )
    c.check('signature', 'skipped', `not checked: no JWKS${why}`)
    return { keyFound: false, signature: 'not-checked' }
  }

  const available = keys.map(describeKey).join('; ') || 'none'
  let keySet: ReturnType<typeof createLocalJWKSet>
  try {
    keySet = createLocalJWKSet(opts.jwks as { keys: JWK[] })
  } catch (err) {
    jwksInvalid(c, err, keys)
    c.check('signature', c.failed(), 'the JWKS is malformed')
    return { keyFound: false, signature: 'no-key' }
  }

  try {
    await compactVerify(raw, keySet)
    const match = await findVerifyingKey(raw, keys)
    const tp = match ? await thumbprint(match.jwk) : undefined
    const which = match ? describeKey(match.jwk, match.index) : 'a key of the JWKS'
    c.check('signature', 'pass', `${alg} signature valid with ${which}${tp ? `, thumbprint ${tp}` : ''}`)
    return { keyFound: true, signature: 'valid' }
  } catch (err) {
    const code = errorCode(err)
    switch (code) {
      case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
        c.add(
          'jwt-signature-invalid',
          c.sev('error'),
          'The signature does not verify',
          `The JWKS has a key matching alg ${alg}${kid ? ` and kid ${json(kid)}` : ''}, but the ` +
            'signature does not verify with it: the token was altered, or signed with another key ' +
            'that reuses this kid.',
          'Sign with the private key whose public half is published under this kid; never reuse a ' +
            'kid for a new key.',
          sigSpec,
          { alg, kid: kid ?? null },
        )
        c.check('signature', c.failed(), 'signature invalid')
        return { keyFound: true, signature: 'invalid' }
      case 'ERR_JWKS_NO_MATCHING_KEY':
        c.add(
          'jwks-no-matching-key',
          c.sev('error'),
          'No key in the JWKS matches the token',
          `The token header asks for alg ${alg}${kid ? `, kid ${json(kid)}` : ' (no kid)'}; the ` +
            `JWKS holds: ${available}. A key matches only if its kid, kty/crv, alg and use ` +
            '("sig") all fit. Common causes: key rotation (the JWKS is stale or not yet published), ' +
            'or the token comes from a different issuer.',
          'Publish the signing key in the JWKS before using it, and keep old keys until every ' +
            'token they signed has expired.',
          `${CORE} §10.1.1; RFC 7517 §4.5`,
          { alg, kid: kid ?? null, available: keys.map(describeKey) },
        )
        c.check('signature', c.failed(), `no key for alg ${alg}${kid ? `, kid ${json(kid)}` : ''}`)
        return { keyFound: false, signature: 'no-key' }
      case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS': {
        const match = await findVerifyingKey(raw, keys)
        c.add(
          'jwks-multiple-keys',
          c.sev('error'),
          'Several JWKS keys match and the token has no kid',
          `The token header has ${kid ? `kid ${json(kid)} shared by` : 'no kid, and the JWKS has'} ` +
            `several keys usable with ${alg} (${available}). When the JWKS holds more than one ` +
            'key, the kid MUST be in the header; strict clients (oauth4webapi) reject the token. ' +
            (match
              ? `Trying each key, the signature verifies with ${describeKey(match.jwk, match.index)}.`
              : 'Trying each key, none verifies the signature.'),
          'Put the kid of the signing key in the JOSE header, and give every key a unique kid.',
          `${CORE} §10.1`,
          { alg, kid: kid ?? null, available: keys.map(describeKey) },
        )
        if (match) {
          c.check('signature', 'warn', `valid with ${describeKey(match.jwk, match.index)}, but the header has no kid`)
          return { keyFound: true, signature: 'valid' }
        }
        c.check('signature', c.failed(), 'no candidate key verifies the signature')
        return { keyFound: true, signature: 'invalid' }
      }
      case 'ERR_JWKS_INVALID':
      case 'ERR_JWK_INVALID':
        jwksInvalid(c, err, keys)
        c.check('signature', c.failed(), `the matching key is unusable: ${errorMessage(err)}`)
        return { keyFound: false, signature: 'no-key' }
      case 'ERR_JOSE_NOT_SUPPORTED':
      case 'ERR_JOSE_ALG_NOT_ALLOWED':
        c.add(
          'jwt-alg-unsupported',
          c.sev('error'),
          `Algorithm ${alg} is not supported`,
          `jose refused the token: ${errorMessage(err)}.`,
          'Sign with a widely supported asymmetric algorithm (RS256, PS256, ES256, EdDSA).',
          `${CORE} §3.1.3.7; RFC 7518 §3.1`,
          { alg, reason: 'unsupported' },
        )
        c.check('signature', c.failed(), `unsupported alg ${alg}`)
        return { keyFound: false, signature: 'unsupported' }
      default:
        c.add(
          'jwt-malformed',
          c.sev('error'),
          'The token could not be verified',
          `jose rejected the token structure: ${errorMessage(err)}${code ? ` (${code})` : ''}.`,
          'Issue a compact JWS as defined by RFC 7515 §7.1.',
          'RFC 7515 §5.2; RFC 7519 §7.2',
          { code: code ?? null },
        )
        c.check('signature', c.failed(), errorMessage(err))
        return { keyFound: false, signature: 'invalid' }
    }
  }
}

function jwksInvalid(c: Collector, err: unknown, keys: Record<string, unknown>[]): void {
  const hasPrivate = keys.some((jwk) => privateMembers(jwk).length > 0)
  c.add(
    'jwks-invalid',
    'error',
    'The JWKS is invalid',
    `jose rejected the JWK Set: ${errorMessage(err)}.` +
      (hasPrivate ? ' It contains private or secret key members, which a JWKS must never carry.' : ''),
    hasPrivate
      ? 'Publish only public keys; rotate the exposed keys immediately.'
      : 'Serve {"keys": [ … ]} where every member is a valid public JWK.',
    'RFC 7517 §5; RFC 7517 §4',
    { code: errorCode(err) ?? null, privateKeys: hasPrivate },
  )
}

/** Builds the claim-validation options jose should apply for this token kind. */
function claimOptions(kind: TokenKind, expected: ExpectedClaims, now: number): JWTClaimVerificationOptions {
  const o: JWTClaimVerificationOptions = {
    currentDate: new Date(now * 1000),
    clockTolerance: expected.clockToleranceSec ?? DEFAULT_TOLERANCE,
    requiredClaims: kind === 'id_token' ? [...ID_TOKEN_REQUIRED] : [...AT_JWT_REQUIRED],
  }
  if (expected.issuer !== undefined) o.issuer = expected.issuer
  const aud = expectedAudience(kind, expected)
  if (aud.length) o.audience = aud
  if (expected.maxAgeSec !== undefined) o.maxTokenAge = expected.maxAgeSec
  if (kind === 'access_token') o.typ = 'at+jwt'
  return o
}

interface ClaimFailure {
  claim: string
  reason: string
  message: string
}

/**
 * Runs jose's own JWT claim validation (the one jwtVerify runs after the signature) again and
 * again, switching off each failing check, so that every failing claim is reported. It runs on an
 * unsecured copy of the claims so that claim problems show even when the signature cannot be
 * checked; the signature is checked separately.
 */
function collectClaimFailures(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  options: JWTClaimVerificationOptions,
): ClaimFailure[] {
  const failures: ClaimFailure[] = []
  const claims: Record<string, unknown> = { ...payload }
  const o: JWTClaimVerificationOptions = {
    ...options,
    requiredClaims: [...(options.requiredClaims ?? [])],
  }
  const unsecuredHeader: Record<string, unknown> = { alg: 'none' }
  if (typeof header.typ === 'string') unsecuredHeader.typ = header.typ
  const encodedHeader = base64url.encode(JSON.stringify(unsecuredHeader))
  for (let i = 0; i < MAX_CLAIM_LOOPS; i++) {
    const token = `${encodedHeader}.${base64url.encode(JSON.stringify(claims))}.`
    try {
      UnsecuredJWT.decode(token, o)
      break
    } catch (err) {
      if (!(err instanceof errors.JWTClaimValidationFailed || err instanceof errors.JWTExpired)) {
        failures.push({ claim: '', reason: 'error', message: errorMessage(err) })
        break
      }
      const { claim, reason } = err
      if (failures.some((f) => f.claim === claim && f.reason === reason)) break
      failures.push({ claim, reason, message: err.message })
      // switch the failing check off and try again
      o.requiredClaims = (o.requiredClaims ?? []).filter((n) => n !== claim)
      if (claim === 'typ') delete o.typ
      else if (claim === 'iss') delete o.issuer
      else if (claim === 'aud') delete o.audience
      else if (claim === 'sub') delete o.subject
      else if (claim === 'iat') {
        delete o.maxTokenAge
        delete claims.iat
      } else delete claims[claim]
      if (reason === 'missing') {
        if (claim === 'iss') delete o.issuer
        if (claim === 'aud') delete o.audience
      }
    }
  }
  return failures
}

function checkClaims(
  c: Collector,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  expected: ExpectedClaims,
  now: number,
): void {
  const kind = c.kind
  const isAt = kind === 'access_token'
  const tolerance = expected.clockToleranceSec ?? DEFAULT_TOLERANCE
  const options = claimOptions(kind, expected, now)
  const failures = collectClaimFailures(header, payload, options)
  const profile = isAt ? 'RFC 9068' : `${CORE}`
  const peek = isAt ? ' (informational: the resource server decides, RFC 9068 §6)' : ''

  for (const f of failures) {
    if (f.reason === 'missing') {
      c.add(
        'jwt-claim-missing',
        c.sev('error'),
        `Required claim "${f.claim}" is missing`,
        isAt
          ? `RFC 9068 §2.2 lists "${f.claim}" as REQUIRED in a JWT access token${peek}.`
          : `OpenID Connect Core 1.0 §2 lists "${f.claim}" as REQUIRED in every ID Token; ` +
              'clients must reject an ID Token without it.',
        `Include the "${f.claim}" claim.`,
        isAt ? 'RFC 9068 §2.2' : `${CORE} §2`,
        { claim: f.claim, profile },
      )
      c.check(f.claim, c.failed(), 'missing')
      continue
    }
    switch (f.claim) {
      case 'typ': {
        const typ = typeof header.typ === 'string' ? header.typ : null
        c.add(
          'jwt-access-token-typ',
          'info',
          'Access token "typ" is not at+jwt',
          `The header typ is ${typ === null ? 'absent' : json(typ)}; RFC 9068 §2.1 requires ` +
            `"at+jwt" (or "application/at+jwt") so that it cannot be confused with an ID Token${peek}.`,
          'Set the JOSE header typ to "at+jwt" on JWT access tokens.',
          'RFC 9068 §2.1',
          { actual: typ, expected: 'at+jwt' },
        )
        c.check('typ', 'warn', `typ is ${typ === null ? 'absent' : json(typ)}, expected "at+jwt"`)
        break
      }
      case 'iss':
        c.add(
          'jwt-issuer-mismatch',
          c.sev('error'),
          'The "iss" claim does not match the issuer',
          `The token says iss ${json(payload.iss)}, the expected issuer is ${json(expected.issuer)}. ` +
            'The comparison is an exact string match: scheme, host, port, path and trailing slash ' +
            `all count${peek}.`,
          'Make the iss claim byte-for-byte equal to the issuer in the server metadata.',
          isAt ? 'RFC 9068 §4; RFC 7519 §4.1.1' : `${CORE} §3.1.3.7; RFC 7519 §4.1.1`,
          { expected: expected.issuer ?? null, actual: text(payload.iss) },
        )
        c.check('iss', c.failed(), `${json(payload.iss)} ≠ expected ${json(expected.issuer)}`)
        break
      case 'aud': {
        const want = expectedAudience(kind, expected)
        c.add(
          'jwt-audience-mismatch',
          c.sev('error'),
          'The "aud" claim does not include the expected audience',
          `The token is for ${json(payload.aud)}, expected ${want.length === 1 ? json(want[0]) : json(want)}` +
            (isAt
              ? ` (the requested resource)${peek}.`
              : ' (this client\u2019s client_id). The ID Token was issued to someone else.'),
          isAt
            ? 'Issue the access token with aud set to the resource that was requested (RFC 8707).'
            : 'Put the client_id of the client that made the request in aud.',
          isAt ? 'RFC 9068 §3; RFC 8707 §2' : `${CORE} §3.1.3.7; RFC 7519 §4.1.3`,
          { expected: want, actual: audienceList(payload.aud) },
        )
        c.check('aud', c.failed(), `${json(payload.aud)} does not contain ${json(want)}`)
        break
      }
      case 'exp': {
        const exp = typeof payload.exp === 'number' ? payload.exp : NaN
        if (f.reason === 'invalid') {
          claimInvalid(c, 'exp', payload.exp)
          break
        }
        c.add(
          'jwt-expired',
          c.sev('error'),
          'The token has expired',
          `The token ${humanTime('exp', exp, now)}; clock tolerance ${tolerance} s${peek}. If the ` +
            'token was just issued, the server clock or this computer\u2019s clock is wrong, or ' +
            'the lifetime is set to zero.',
          'Check the token lifetime setting and synchronise the server clock (NTP).',
          isAt ? 'RFC 9068 §4; RFC 7519 §4.1.4' : `${CORE} §3.1.3.7; RFC 7519 §4.1.4`,
          { exp, secondsAgo: Math.floor(now - exp) },
        )
        c.check('exp', c.failed(), humanTime('exp', exp, now))
        break
      }
      case 'nbf': {
        if (f.reason === 'invalid') {
          claimInvalid(c, 'nbf', payload.nbf)
          break
        }
        const nbf = typeof payload.nbf === 'number' ? payload.nbf : NaN
        c.add(
          'jwt-not-yet-valid',
          c.sev('error'),
          'The token is not valid yet (nbf)',
          `nbf is ${humanDuration(nbf - now)} in the future (${absoluteTime(nbf) ?? nbf}); clock ` +
            `tolerance ${tolerance} s. Usually one of the clocks is wrong${peek}.`,
          'Synchronise the server clock (NTP), or do not set nbf later than iat.',
          'RFC 7519 §4.1.5',
          { nbf, secondsAhead: Math.ceil(nbf - now) },
        )
        c.check('nbf', c.failed(), humanTime('nbf', nbf, now))
        break
      }
      case 'iat': {
        if (f.reason === 'invalid') {
          claimInvalid(c, 'iat', payload.iat)
          break
        }
        const iat = typeof payload.iat === 'number' ? payload.iat : NaN
        if (iat > now) {
          iatInFuture(c, iat, now, tolerance)
          break
        }
        c.add(
          'jwt-iat-too-old',
          'warning',
          'The token was issued too long ago',
          `iat ${humanTime('iat', iat, now)}, more than the accepted ${humanDuration(expected.maxAgeSec ?? 0)}.`,
          'Check the server clock, and that the token is fresh (not cached or replayed).',
          `${CORE} §3.1.3.7; RFC 7519 §4.1.6`,
          { iat, ageSeconds: Math.floor(now - iat) },
        )
        c.check('iat', 'warn', humanTime('iat', iat, now))
        break
      }
      default:
        if (f.reason === 'invalid') {
          claimInvalid(c, f.claim, payload[f.claim])
        } else {
          c.add(
            'jwt-claim-invalid',
            c.sev('error'),
            f.claim ? `Claim "${f.claim}" failed validation` : 'The claims could not be validated',
            `jose: ${f.message}${peek}.`,
            'Fix the claim value.',
            'RFC 7519 §4.1',
            { claim: f.claim || null },
          )
          if (f.claim) c.check(f.claim, c.failed(), f.message)
        }
    }
  }

  // iat in the future: jose only checks it when maxTokenAge is set
  const iat = payload.iat
  if (typeof iat === 'number' && iat > now + tolerance && !c.has('jwt-iat-in-future')) {
    iatInFuture(c, iat, now, tolerance)
  }

  // sub: a string, at most 255 ASCII characters (Core §2)
  const sub = payload.sub
  if (sub !== undefined && !c.has('jwt-claim-missing', 'sub')) {
    if (typeof sub !== 'string' || sub.length === 0) claimInvalid(c, 'sub', sub)
    else if (kind === 'id_token' && sub.length > 255) {
      c.add(
        'jwt-claim-invalid',
        'warning',
        'The "sub" claim is longer than 255 characters',
        `sub has ${sub.length} characters; OIDC Core §2 limits it to 255 ASCII characters.`,
        'Use a shorter, stable subject identifier.',
        `${CORE} §2`,
        { claim: 'sub', length: sub.length },
      )
      c.check('sub', 'warn', `${sub.length} characters (max 255)`)
    }
  }

  if (kind === 'id_token') {
    checkNonce(c, payload, expected)
    checkAzp(c, payload, expected)
  }
  if (isAt && expected.clientId !== undefined && typeof payload.client_id === 'string') {
    if (payload.client_id !== expected.clientId) {
      c.add(
        'jwt-client-id-mismatch',
        'info',
        'The access token names another client',
        `client_id is ${json(payload.client_id)}, this client is ${json(expected.clientId)}${peek}.`,
        'Set client_id to the client the token was issued to.',
        'RFC 9068 §2.2',
        { expected: expected.clientId, actual: payload.client_id },
      )
      c.check('client_id', 'warn', `${json(payload.client_id)} ≠ ${json(expected.clientId)}`)
    }
  }

  checkImplausibleTimes(c, payload, tolerance)
  defaultChecks(c, payload, expected, now)
}

/** 2000-01-01T00:00:00Z: no token of this protocol family was issued, nor a user authenticated, before it. */
const EARLIEST_PLAUSIBLE = 946_684_800

/**
 * Times that are valid numbers but cannot be true: a default value (0, a date before 2000) written
 * where the server meant "now", or an authentication after the token was issued. jose does not look
 * at auth_time without maxAge, so these pass every library check while the page would show
 * "56 years ago".
 */
function checkImplausibleTimes(c: Collector, payload: Record<string, unknown>, tolerance: number): void {
  const problems: string[] = []
  const claims: string[] = []
  // exp before 2000 is already "expired"; an old iat may already be "too old".
  for (const claim of ['auth_time', 'iat', 'nbf', 'updated_at']) {
    const v = payload[claim]
    if (typeof v !== 'number' || !Number.isFinite(v) || v >= EARLIEST_PLAUSIBLE) continue
    if (c.has('jwt-claim-invalid', claim) || (claim === 'iat' && c.has('jwt-iat-too-old'))) continue
    problems.push(`${claim} is ${v} (${absoluteTime(v) ?? 'not a date'}), before the year 2000`)
    claims.push(claim)
  }
  const authTime = payload.auth_time
  const iat = payload.iat
  if (
    typeof authTime === 'number' &&
    typeof iat === 'number' &&
    authTime >= EARLIEST_PLAUSIBLE &&
    authTime > iat + tolerance
  ) {
    problems.push(`auth_time (${absoluteTime(authTime) ?? authTime}) is after iat (${absoluteTime(iat) ?? iat})`)
    claims.push('auth_time')
  }
  if (problems.length === 0) return
  c.add(
    'jwt-time-implausible',
    c.sev('warning'),
    'A time claim holds a value that cannot be true',
    `${problems.join('; ')}. A zero or a date before 2000 is usually a default written where the server meant the current time.`,
    'Write the real time in seconds since 1970-01-01 UTC (auth_time: when the user authenticated, at or before iat).',
    `${CORE} §2; RFC 7519 §2 (NumericDate)`,
    { claims },
  )
  for (const claim of new Set(claims)) c.check(claim, 'warn', 'implausible value')
}

function claimInvalid(c: Collector, claim: string, value: unknown): void {
  const time = TIME_CLAIMS.has(claim)
  c.add(
    'jwt-claim-invalid',
    c.sev('error'),
    `Claim "${claim}" has the wrong type`,
    `${claim} is ${json(value)}; it must be ` +
      (time ? 'a JSON number of seconds since 1970 (NumericDate).' : 'a non-empty string.'),
    time ? 'Send NumericDate values as JSON numbers, not strings or milliseconds.' : `Send ${claim} as a string.`,
    time ? 'RFC 7519 §2; RFC 7519 §4.1' : 'RFC 7519 §4.1',
    { claim, actual: json(value) },
  )
  c.check(claim, c.failed(), `wrong type: ${json(value)}`)
}

function iatInFuture(c: Collector, iat: number, now: number, tolerance: number): void {
  const skew = Math.ceil(iat - now)
  c.add(
    'jwt-iat-in-future',
    'warning',
    'The token was issued in the future',
    `iat is ${humanDuration(skew)} ahead of this computer\u2019s clock (tolerance ${tolerance} s): ` +
      'the server clock or the local clock is off. Clients with a smaller tolerance will reject it.',
    'Synchronise the server clock (NTP); check this computer\u2019s clock too.',
    `${CORE} §3.1.3.7; RFC 7519 §4.1.6`,
    { iat, skewSeconds: skew },
  )
  c.check('iat', 'warn', `${humanDuration(skew)} in the future`)
}

function checkNonce(c: Collector, payload: Record<string, unknown>, expected: ExpectedClaims): void {
  const nonce = payload.nonce
  if (expected.nonce !== undefined) {
    if (nonce === undefined) {
      c.add(
        'jwt-claim-missing',
        'error',
        'The ID Token has no nonce',
        'A nonce was sent in the authorization request, so the ID Token MUST contain it.',
        'Copy the nonce request parameter unchanged into the ID Token.',
        `${CORE} §3.1.3.7; ${CORE} §2`,
        { claim: 'nonce', profile: CORE },
      )
      c.check('nonce', 'fail', 'missing, but a nonce was sent')
    } else if (nonce !== expected.nonce) {
      c.add(
        'jwt-nonce-mismatch',
        'error',
        'The nonce does not match the one sent',
        `The ID Token has nonce ${json(nonce)}, the authorization request sent ${json(expected.nonce)}. ` +
          'The token may belong to another login (replay or mix-up).',
        'Return the nonce of this authorization request unchanged.',
        `${CORE} §3.1.3.7; ${CORE} §15.5.2`,
        { expected: expected.nonce, actual: text(nonce) },
      )
      c.check('nonce', 'fail', 'does not match the nonce that was sent')
    } else {
      c.check('nonce', 'pass', 'matches the nonce that was sent')
    }
  } else if (nonce !== undefined) {
    c.add(
      'jwt-nonce-unexpected',
      'warning',
      'The ID Token has a nonce, but none was sent',
      `The ID Token carries nonce ${json(nonce)} although this authorization request sent none. ` +
        'It may belong to another login; a refreshed ID Token SHOULD NOT contain a nonce either.',
      'Only echo a nonce that the client sent in this request.',
      `${CORE} §2; ${CORE} §12.2`,
      { actual: text(nonce) },
    )
    c.check('nonce', 'warn', 'present although no nonce was sent')
  } else {
    c.check('nonce', 'skipped', 'no nonce sent, none returned')
  }
}

function checkAzp(c: Collector, payload: Record<string, unknown>, expected: ExpectedClaims): void {
  const azp = payload.azp
  const auds = Array.isArray(payload.aud) ? payload.aud : undefined
  const multi = auds !== undefined && auds.length > 1
  if (multi && azp === undefined) {
    c.add(
      'jwt-azp-missing',
      'error',
      'Several audiences but no azp',
      `aud lists ${auds.length} audiences (${json(auds)}) and there is no azp claim naming the ` +
        'client the token was issued to. OpenID Connect Core §3.1.3.7 says a client SHOULD check ' +
        'that azp is present then (errata: and reject audiences it does not trust); strict clients ' +
        '(oauth4webapi) reject the token.',
      'Issue the ID Token with a single audience (the client_id), or add azp = client_id.',
      `${CORE} §3.1.3.7; ${CORE} §2`,
      { reason: 'missing', actual: null, expected: expected.clientId ?? null },
    )
    c.check('azp', 'fail', 'several audiences, azp missing')
    return
  }
  if (azp !== undefined && expected.clientId !== undefined && azp !== expected.clientId) {
    c.add(
      'jwt-azp-mismatch',
      'error',
      'azp is not this client',
      `azp is ${json(azp)}, but this client is ${json(expected.clientId)}: the ID Token was issued ` +
        'to another client.',
      'Set azp to the client_id of the client that requested the token.',
      `${CORE} §3.1.3.7; ${CORE} §2`,
      { reason: 'mismatch', actual: text(azp), expected: expected.clientId },
    )
    c.check('azp', 'fail', `${json(azp)} ≠ ${json(expected.clientId)}`)
    return
  }
  if (azp !== undefined) {
    c.check('azp', expected.clientId !== undefined ? 'pass' : 'skipped', `azp ${json(azp)}`)
  } else {
    c.check('azp', 'skipped', 'single audience, no azp needed')
  }
}

/** Fills in the checks that nothing failed. */
function defaultChecks(c: Collector, payload: Record<string, unknown>, expected: ExpectedClaims, now: number): void {
  const has = (n: string): boolean => Object.hasOwn(payload, n)
  const names =
    c.kind === 'access_token'
      ? ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'client_id', 'jti']
      : ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf']
  for (const n of names) {
    if (c.checks.has(n)) continue
    if (!has(n)) {
      if (n !== 'nbf') c.check(n, 'skipped', 'absent')
      continue
    }
    const v = payload[n]
    switch (n) {
      case 'iss':
        c.check(
          n,
          expected.issuer !== undefined ? 'pass' : 'skipped',
          expected.issuer !== undefined ? 'matches the expected issuer' : `${json(v)}; no expected issuer given`,
        )
        break
      case 'aud': {
        const want = expectedAudience(c.kind, expected)
        c.check(
          n,
          want.length ? 'pass' : 'skipped',
          want.length
            ? `contains ${json(want.find((a) => audienceList(v).includes(a)))}`
            : 'no expected audience given',
        )
        break
      }
      case 'exp':
      case 'iat':
      case 'nbf':
        c.check(n, 'pass', typeof v === 'number' ? humanTime(n, v, now) : 'present')
        break
      default:
        c.check(n, 'pass', 'present')
    }
  }
  if (c.kind === 'access_token' && !c.checks.has('typ')) c.check('typ', 'pass', 'at+jwt')
}

const CHECK_ORDER = [
  'signature',
  'typ',
  'iss',
  'sub',
  'aud',
  'azp',
  'exp',
  'iat',
  'nbf',
  'nonce',
  'at_hash',
  'client_id',
  'jti',
]

function sortedChecks(c: Collector): JwtCheck[] {
  const rank = (n: string): number => {
    const i = CHECK_ORDER.indexOf(n)
    return i === -1 ? CHECK_ORDER.length : i
  }
  return [...c.checks.values()].sort((a, b) => rank(a.name) - rank(b.name))
}

/**
 * Verifies a token the way a careful client would, and explains every problem found (not only the
 * first). The signature is checked with jose against the JWKS the server published; the claims are
 * checked with jose's claim validation plus the OIDC Core rules jose does not enforce (nonce, azp).
 * An access token is only peeked at (RFC 9068 §6): its problems are warnings. A refresh token is
 * never verified. Never throws.
 *
 * @param raw The token exactly as the token endpoint returned it.
 * @param opts `jwks`: the parsed JWKS document, or undefined when it could not be fetched
 *   (`jwksError` says why); `now` in seconds (defaults to the current time); `step` for findings.
 * @see [OpenID Connect Core 1.0 §3.1.3.7 - ID Token Validation](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 * @see [RFC 9068 §4 - Validating JWT Access Tokens](https://www.rfc-editor.org/rfc/rfc9068.html#section-4)
 * @see [RFC 7519 §7.2 - Validating a JWT](https://www.rfc-editor.org/rfc/rfc7519.html#section-7.2)
 */
export async function verifyToken(
  raw: string,
  opts: {
    kind: TokenKind
    jwks?: { keys: unknown[] }
    jwksError?: string
    expected: ExpectedClaims
    now?: number
    step?: StepRef
  },
): Promise<VerifyResult> {
  const c = new Collector(opts.kind, opts.step ?? 'tokens')
  const result: VerifyResult = {
    keyFound: false,
    signature: 'not-checked',
    checks: [],
    findings: c.findings,
  }
  try {
    const now = opts.now ?? Math.floor(Date.now() / 1000)
    const expected = opts.expected ?? {}
    const decoded = decodeToken(raw)
    const kind = opts.kind

    if (decoded.format === 'jwt') {
      if (typeof decoded.header.alg === 'string') result.alg = decoded.header.alg
      if (typeof decoded.header.kid === 'string') result.kid = decoded.header.kid
    }

    if (kind === 'refresh_token') {
      if (decoded.format === 'jwt' || decoded.format === 'jwe') {
        c.add(
          'refresh-token-not-verified',
          'info',
          'The refresh token is a JWT (decoded only)',
          'Refresh tokens are meant for the authorization server alone; their format is private to ' +
            'it. The playground decodes it for curiosity but does not verify it.',
          'Nothing to fix.',
          'RFC 6749 §1.5',
          { format: decoded.format },
        )
      }
      return result
    }

    if (decoded.format === 'opaque' || decoded.format === 'malformed') {
      if (kind === 'access_token' && decoded.format === 'opaque') {
        c.add(
          'access-token-opaque',
          'info',
          'The access token is opaque',
          `The access token is not a JWT (${decoded.reason}). Opaque tokens are allowed; only the ` +
            'resource server or token introspection (RFC 7662) can read them.',
          'Nothing to fix.',
          'RFC 6749 §1.4; RFC 9068 §6',
          { reason: decoded.reason },
        )
        return result
      }
      if (kind === 'id_token' && decoded.format === 'opaque') {
        c.add(
          'id-token-not-jwt',
          'error',
          'The id_token is not a JWT',
          `An ID Token must be a signed JWT, but this one is ${decoded.reason}.`,
          'Return the ID Token as a compact JWS.',
          `${CORE} §2`,
          { reason: decoded.reason },
        )
        c.check('signature', 'fail', decoded.reason)
        result.checks = sortedChecks(c)
        return result
      }
      c.add(
        'jwt-malformed',
        c.sev('error'),
        'The token looks like a JWT but cannot be decoded',
        `It has three dot-separated segments, but ${decoded.reason.replace(/^three segments, but /, '')}.` +
          (kind === 'access_token'
            ? ' If the server means it as an opaque token that happens to contain dots, this is fine.'
            : ''),
        'Encode header and payload as base64url (no padding) of a JSON object.',
        'RFC 7519 §7.2; RFC 7515 §7.1',
        { reason: decoded.reason },
      )
      c.check('signature', c.failed(), decoded.reason)
      result.checks = sortedChecks(c)
      return result
    }

    if (decoded.format === 'jwe') {
      const enc = decoded.header && typeof decoded.header.enc === 'string' ? decoded.header.enc : null
      c.add(
        'token-encrypted',
        kind === 'id_token' ? 'warning' : 'info',
        'The token is encrypted (JWE)',
        'The token has five segments: it is a JWE. Only the holder of the decryption key can read ' +
          (kind === 'id_token'
            ? 'it. A browser (public) client has no private key to decrypt an ID Token with.'
            : 'it; for an access token that is the resource server.'),
        kind === 'id_token'
          ? 'Do not register id_token_encrypted_response_alg for a public client.'
          : 'Nothing to fix.',
        kind === 'id_token' ? `${CORE} §10.2; RFC 7516` : 'RFC 7516; RFC 9068 §2.1',
        {
          enc,
          alg: decoded.header && typeof decoded.header.alg === 'string' ? decoded.header.alg : null,
        },
      )
      return result
    }

    if (kind === 'access_token') {
      c.add(
        'access-token-jwt-peek',
        'info',
        'JWT access token: informational check only',
        'The client MUST NOT inspect the access token (RFC 9068 §6); this is a peek for diagnosis ' +
          'against the RFC 9068 profile. The resource server decides whether it accepts the token.',
        'Nothing to fix.',
        'RFC 9068 §6',
      )
    }

    const sig = await checkSignature(c, raw, decoded.header, opts)
    result.keyFound = sig.keyFound
    result.signature = sig.signature
    checkClaims(c, decoded.header, decoded.payload, expected, now)
    if (kind === 'id_token')
      await checkAtHash(
        c,
        decoded.header,
        decoded.payload,
        expected.accessToken,
        keyCurve(opts.jwks, decoded.header.kid),
      )
    result.checks = sortedChecks(c)
    return result
  } catch (err) {
    c.add(
      'jwt-verify-error',
      'warning',
      'Token verification stopped unexpectedly',
      `Internal error while checking the token: ${errorMessage(err)}.`,
      'Report this to the playground.',
      'RFC 7519 §7.2',
    )
    result.checks = sortedChecks(c)
    return result
  }
}

/** The crv of the JWKS key with this kid (an EdDSA token's curve is its key's), if any. */
function keyCurve(jwks: { keys: unknown[] } | undefined, kid: unknown): string | undefined {
  const key = jwks?.keys.find((k) => isRecord(k) && k.kid === kid)
  return isRecord(key) && typeof key.crv === 'string' ? key.crv : undefined
}

/** The hash OIDC Core §3.1.3.8 uses for at_hash with a JWS alg (oidc-token-hash's table), or undefined. */
function atHashDigest(alg: unknown, crv: unknown): 'SHA-256' | 'SHA-384' | 'SHA-512' | undefined {
  const m = typeof alg === 'string' ? /^(?:HS|RS|PS|ES)(256|384|512)$/.exec(alg) : null
  if (m) return `SHA-${m[1]}` as 'SHA-256' | 'SHA-384' | 'SHA-512'
  // EdDSA with Ed25519 (the only curve used in practice): SHA-512 (OpenID Connect errata, connect#1125).
  if (alg === 'Ed25519' || (alg === 'EdDSA' && (crv === undefined || crv === 'Ed25519'))) return 'SHA-512'
  return undefined
}

/**
 * at_hash (OIDC Core §3.1.3.8): the left half of the hash of the access token, base64url. In the code
 * flow it is OPTIONAL and its check a MAY (oauth4webapi skips it), but a client that checks it when
 * present (openid-client up to v5) rejects the ID token on a mismatch: checked only when present.
 */
async function checkAtHash(
  c: Collector,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  accessToken: string | undefined,
  crv: string | undefined,
): Promise<void> {
  const atHash = payload.at_hash
  if (atHash === undefined || !accessToken) return
  const digest = atHashDigest(header.alg, crv)
  if (typeof atHash !== 'string' || !digest) {
    c.check(
      'at_hash',
      'skipped',
      typeof atHash !== 'string' ? 'not a string' : `no at_hash hash for alg ${String(header.alg)}`,
    )
    return
  }
  const hash = new Uint8Array(await crypto.subtle.digest(digest, new TextEncoder().encode(accessToken)))
  const expected = base64url.encode(hash.slice(0, hash.length / 2))
  if (atHash === expected) {
    c.check('at_hash', 'pass', `matches the access token (left half of its ${digest})`)
    return
  }
  if (header.alg === 'EdDSA' && crv !== 'Ed25519') {
    // The curve is the key's: an Ed448 key (or one not found) would hash with SHAKE256, not computed here.
    c.check('at_hash', 'skipped', `not the SHA-512 of the access token (an Ed448 key would use SHAKE256)`)
    return
  }
  c.check('at_hash', 'warn', `does not match the access token (expected ${expected})`)
  c.add(
    'jwt-at-hash-mismatch',
    'warning',
    'The ID Token at_hash does not match the access token',
    `The ID Token carries at_hash "${atHash.slice(0, 60)}", but the left half of the ${digest} hash of the access token ` +
      `it came with is "${expected}". In the authorization-code flow at_hash is optional and checking it is a MAY ` +
      '(oauth4webapi does not), but a client that checks it when present, such as openid-client (v4–v5), rejects this ID Token.',
    'Compute at_hash over the ASCII of the access_token issued in the same response, with the hash of the ID Token alg, and keep its left half, base64url-encoded; or leave at_hash out.',
    `${CORE} §3.1.3.8, §3.2.2.9`,
    { expected, actual: atHash.slice(0, 100), alg: typeof header.alg === 'string' ? header.alg : null },
  )
}
