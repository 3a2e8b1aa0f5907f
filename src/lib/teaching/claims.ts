/**
 * Dictionary of JWT claim names and JOSE header parameter names, with a one-line meaning and the
 * section that defines each. Used to label the rows of a decoded token.
 *
 * @see [RFC 7519 §4.1 - Registered Claim Names](https://www.rfc-editor.org/rfc/rfc7519.html#section-4.1)
 * @see [OpenID Connect Core 1.0 §2 - ID Token](https://openid.net/specs/openid-connect-core-1_0.html#IDToken)
 * @see [RFC 9068 §2.2 - JWT access token data structure](https://www.rfc-editor.org/rfc/rfc9068.html#section-2.2)
 */
import {
  audienceList,
  expectedAudience,
  humanTime,
  jsonText,
  type ExpectedClaims,
  type TokenKind,
} from '../platform/jwt-decode'

/** What a claim or header parameter means and where it is defined. */
export interface ClaimMeaning {
  meaning: string
  spec: string
}

/**
 * Meanings of the JWT claims a playground is likely to meet: registered claims (RFC 7519), OIDC ID
 * Token and standard claims (OIDC Core §2, §5.1), JWT access-token claims (RFC 9068, RFC 7643
 * attribute names), delegation (RFC 8693) and confirmation (RFC 7800, RFC 9449) claims.
 *
 * @see [IANA JSON Web Token Claims registry](https://www.iana.org/assignments/jwt/jwt.xhtml)
 */
export const CLAIM_MEANINGS: Record<string, ClaimMeaning> = {
  // RFC 7519 §4.1 registered claims
  iss: { meaning: 'Issuer: who created and signed the token', spec: 'RFC 7519 §4.1.1' },
  sub: {
    meaning: 'Subject: the user (or client) the token is about, unique within the issuer',
    spec: 'RFC 7519 §4.1.2',
  },
  aud: {
    meaning: 'Audience: who the token is meant for (a client id, or a resource server)',
    spec: 'RFC 7519 §4.1.3',
  },
  exp: {
    meaning: 'Expiration time: the token must not be accepted on or after this time',
    spec: 'RFC 7519 §4.1.4',
  },
  nbf: {
    meaning: 'Not before: the token must not be accepted before this time',
    spec: 'RFC 7519 §4.1.5',
  },
  iat: { meaning: 'Issued at: when the token was created', spec: 'RFC 7519 §4.1.6' },
  jti: {
    meaning: 'JWT ID: a unique identifier of this token (replay detection)',
    spec: 'RFC 7519 §4.1.7',
  },

  // OpenID Connect Core 1.0 §2 ID Token claims
  auth_time: {
    meaning: 'When the user actually authenticated (REQUIRED when max_age was requested)',
    spec: 'OpenID Connect Core 1.0 §2',
  },
  nonce: {
    meaning: 'The nonce the client sent in the authorization request, echoed to bind the ID Token',
    spec: 'OpenID Connect Core 1.0 §2',
  },
  acr: {
    meaning: 'Authentication Context Class Reference: the assurance level of the login',
    spec: 'OpenID Connect Core 1.0 §2',
  },
  amr: {
    meaning: 'Authentication Methods References: how the user logged in (pwd, otp, mfa, …)',
    spec: 'OpenID Connect Core 1.0 §2; RFC 8176',
  },
  azp: {
    meaning: 'Authorized party: the client the token was issued to (needed with several audiences)',
    spec: 'OpenID Connect Core 1.0 §2',
  },
  at_hash: {
    meaning: 'Access token hash: left half of the hash of the access token, base64url-encoded',
    spec: 'OpenID Connect Core 1.0 §3.1.3.6',
  },
  c_hash: {
    meaning: 'Code hash: left half of the hash of the authorization code (hybrid flow)',
    spec: 'OpenID Connect Core 1.0 §3.3.2.11',
  },
  s_hash: {
    meaning: 'State hash: left half of the hash of the state value (FAPI detached signature)',
    spec: 'Financial-grade API Part 2 §5.1',
  },
  sid: {
    meaning: 'Session ID: identifies the login session at the provider (used by logout)',
    spec: 'OpenID Connect Front-Channel Logout 1.0 §3',
  },
  sub_jwk: {
    meaning: 'Public key of a self-issued ID Token',
    spec: 'OpenID Connect Core 1.0 §7.4',
  },

  // OpenID Connect Core 1.0 §5.1 standard claims
  name: { meaning: 'Full name', spec: 'OpenID Connect Core 1.0 §5.1' },
  given_name: { meaning: 'Given (first) name', spec: 'OpenID Connect Core 1.0 §5.1' },
  family_name: { meaning: 'Family (last) name', spec: 'OpenID Connect Core 1.0 §5.1' },
  middle_name: { meaning: 'Middle name', spec: 'OpenID Connect Core 1.0 §5.1' },
  nickname: { meaning: 'Casual name', spec: 'OpenID Connect Core 1.0 §5.1' },
  preferred_username: {
    meaning: 'Shorthand name the user prefers; not unique, do not use as a key',
    spec: 'OpenID Connect Core 1.0 §5.1',
  },
  profile: { meaning: 'URL of the profile page', spec: 'OpenID Connect Core 1.0 §5.1' },
  picture: { meaning: 'URL of the profile picture', spec: 'OpenID Connect Core 1.0 §5.1' },
  website: { meaning: 'URL of the web page or blog', spec: 'OpenID Connect Core 1.0 §5.1' },
  email: {
    meaning: 'Preferred e-mail address; not unique, do not use as a key',
    spec: 'OpenID Connect Core 1.0 §5.1',
  },
  email_verified: {
    meaning: 'True if the provider verified that the user controls the e-mail address',
    spec: 'OpenID Connect Core 1.0 §5.1',
  },
  gender: { meaning: 'Gender', spec: 'OpenID Connect Core 1.0 §5.1' },
  birthdate: { meaning: 'Birthday (YYYY-MM-DD, or YYYY)', spec: 'OpenID Connect Core 1.0 §5.1' },
  zoneinfo: { meaning: 'Time zone (e.g. Europe/Paris)', spec: 'OpenID Connect Core 1.0 §5.1' },
  locale: { meaning: 'Locale (BCP 47, e.g. en-US)', spec: 'OpenID Connect Core 1.0 §5.1' },
  phone_number: { meaning: 'Preferred telephone number', spec: 'OpenID Connect Core 1.0 §5.1' },
  phone_number_verified: {
    meaning: 'True if the provider verified the phone number',
    spec: 'OpenID Connect Core 1.0 §5.1',
  },
  address: { meaning: 'Postal address (JSON object)', spec: 'OpenID Connect Core 1.0 §5.1.1' },
  updated_at: {
    meaning: 'When the user information was last updated (seconds since the epoch)',
    spec: 'OpenID Connect Core 1.0 §5.1',
  },
  _claim_names: {
    meaning: 'Aggregated/distributed claims: which claims come from other sources',
    spec: 'OpenID Connect Core 1.0 §5.6.2',
  },
  _claim_sources: {
    meaning: 'Aggregated/distributed claims: where those claims come from',
    spec: 'OpenID Connect Core 1.0 §5.6.2',
  },

  // RFC 9068 JWT access tokens (and RFC 8693 / RFC 7643 names it reuses)
  client_id: {
    meaning: 'The OAuth client the token was issued to',
    spec: 'RFC 9068 §2.2; RFC 8693 §4.3',
  },
  scope: {
    meaning: 'Granted scopes, space-separated',
    spec: 'RFC 9068 §2.2.3; RFC 8693 §4.2',
  },
  groups: {
    meaning: 'Groups the user belongs to (authorization attribute)',
    spec: 'RFC 9068 §2.2.3.1; RFC 7643 §4.1.2',
  },
  roles: {
    meaning: 'Roles granted to the user (authorization attribute)',
    spec: 'RFC 9068 §2.2.3.1; RFC 7643 §4.1.2',
  },
  entitlements: {
    meaning: 'Entitlements granted to the user (authorization attribute)',
    spec: 'RFC 9068 §2.2.3.1; RFC 7643 §4.1.2',
  },

  // RFC 8693 token exchange
  act: {
    meaning: 'Actor: the party acting on behalf of the subject (delegation chain)',
    spec: 'RFC 8693 §4.1',
  },
  may_act: {
    meaning: 'Who is allowed to act on behalf of the subject',
    spec: 'RFC 8693 §4.4',
  },

  // Confirmation (proof of possession)
  cnf: {
    meaning: 'Confirmation: the key the token is bound to (jkt = DPoP key thumbprint, x5t#S256 = mTLS cert)',
    spec: 'RFC 7800 §3.1; RFC 9449 §6.1; RFC 8705 §3.1',
  },

  // Other registered names seen in practice
  events: { meaning: 'Security events (Security Event Token)', spec: 'RFC 8417 §2.2' },
  txn: { meaning: 'Transaction identifier', spec: 'RFC 8417 §2.2' },
  toe: { meaning: 'Time of the security event', spec: 'RFC 8417 §2.2' },
  authorization_details: {
    meaning: 'Rich authorization request details granted',
    spec: 'RFC 9396 §9.1',
  },
  token_introspection: {
    meaning: 'Introspection response embedded in a JWT',
    spec: 'RFC 9701 §5',
  },
}

/**
 * Meanings of JOSE header parameters (the first segment of a JWS or JWE).
 *
 * @see [RFC 7515 §4.1 - Registered Header Parameter Names](https://www.rfc-editor.org/rfc/rfc7515.html#section-4.1)
 */
export const HEADER_MEANINGS: Record<string, ClaimMeaning> = {
  alg: {
    meaning: 'Algorithm used to sign (JWS) or to wrap the content key (JWE)',
    spec: 'RFC 7515 §4.1.1; RFC 7518 §3.1',
  },
  kid: {
    meaning: 'Key ID: which key of the issuer\u2019s JWKS signed the token',
    spec: 'RFC 7515 §4.1.4; OpenID Connect Core 1.0 §10.1',
  },
  typ: {
    meaning: 'Media type of the whole token (JWT, at+jwt for RFC 9068 access tokens, …)',
    spec: 'RFC 7515 §4.1.9; RFC 9068 §2.1',
  },
  cty: {
    meaning: 'Content type of the payload (JWT when a JWT is nested in another)',
    spec: 'RFC 7515 §4.1.10',
  },
  jku: {
    meaning: 'URL of a JWKS holding the key (clients should not follow it blindly)',
    spec: 'RFC 7515 §4.1.2',
  },
  jwk: { meaning: 'The public key itself, embedded in the header', spec: 'RFC 7515 §4.1.3' },
  x5u: { meaning: 'URL of the X.509 certificate (chain) of the key', spec: 'RFC 7515 §4.1.5' },
  x5c: { meaning: 'X.509 certificate chain of the key, embedded', spec: 'RFC 7515 §4.1.6' },
  x5t: { meaning: 'SHA-1 thumbprint of the X.509 certificate', spec: 'RFC 7515 §4.1.7' },
  'x5t#S256': {
    meaning: 'SHA-256 thumbprint of the X.509 certificate',
    spec: 'RFC 7515 §4.1.8',
  },
  crit: {
    meaning: 'Extensions the recipient must understand, or reject the token',
    spec: 'RFC 7515 §4.1.11',
  },
  b64: {
    meaning: 'false = payload is not base64url-encoded (unencoded payload option)',
    spec: 'RFC 7797 §3',
  },
  enc: {
    meaning: 'JWE content encryption algorithm',
    spec: 'RFC 7516 §4.1.2; RFC 7518 §5.1',
  },
  zip: { meaning: 'JWE compression algorithm applied before encryption', spec: 'RFC 7516 §4.1.3' },
  epk: { meaning: 'JWE ephemeral public key (ECDH-ES)', spec: 'RFC 7518 §4.6.1.1' },
  apu: { meaning: 'JWE agreement PartyUInfo (ECDH-ES)', spec: 'RFC 7518 §4.6.1.2' },
  apv: { meaning: 'JWE agreement PartyVInfo (ECDH-ES)', spec: 'RFC 7518 §4.6.1.3' },
  iv: {
    meaning: 'JWE key-wrap initialization vector (AES GCM key wrap)',
    spec: 'RFC 7518 §4.7.1.1',
  },
  tag: { meaning: 'JWE key-wrap authentication tag (AES GCM key wrap)', spec: 'RFC 7518 §4.7.1.2' },
  p2s: { meaning: 'JWE PBES2 salt input', spec: 'RFC 7518 §4.8.1.1' },
  p2c: { meaning: 'JWE PBES2 iteration count', spec: 'RFC 7518 §4.8.1.2' },
}

/** One claim of a payload, explained for display. */
export interface ClaimRow {
  name: string
  /** JSON text of the value. */
  value: string
  meaning: string
  /** "expires in 59 min (2026-11-26 15:07:41 UTC)", "issued 2 min ago (…)", for time claims. */
  human?: string
  status: 'pass' | 'fail' | 'warn' | 'info'
  note?: string
}

const DEFAULT_TOLERANCE = 30
const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at'])

const CLAIM_ORDER = ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf']

/**
 * One row per claim present, in the order iss, sub, aud, exp, iat, nbf, then the rest as sent.
 * Time claims get relative and absolute wording; rows compare against `expected` where it applies.
 * For an access token, problems are `warn` only (RFC 9068 §6: the resource server decides).
 *
 * @param payload The decoded JWT Claims Set.
 * @param opts `now` in seconds since the epoch.
 * @see [RFC 7519 §4.1 - Registered Claim Names](https://www.rfc-editor.org/rfc/rfc7519.html#section-4.1)
 * @see [OpenID Connect Core 1.0 §2 - ID Token](https://openid.net/specs/openid-connect-core-1_0.html#IDToken)
 */
export function describeClaims(
  payload: Record<string, unknown>,
  opts: { now: number; kind: TokenKind; expected?: ExpectedClaims },
): ClaimRow[] {
  const { now, kind, expected } = opts
  const tolerance = expected?.clockToleranceSec ?? DEFAULT_TOLERANCE
  const bad: ClaimRow['status'] = kind === 'id_token' ? 'fail' : kind === 'access_token' ? 'warn' : 'info'
  const names = [
    ...CLAIM_ORDER.filter((n) => Object.hasOwn(payload, n)),
    ...Object.keys(payload).filter((n) => !CLAIM_ORDER.includes(n)),
  ]
  return names.map((name) => {
    const value = payload[name]
    // Claim names come from the server: look up own properties only ("constructor", "__proto__"…).
    const known = Object.hasOwn(CLAIM_MEANINGS, name) ? CLAIM_MEANINGS[name] : undefined
    const row: ClaimRow = {
      name,
      value: jsonText(value),
      meaning: known ? `${known.meaning} (${known.spec})` : 'not a registered claim',
      status: 'info',
    }
    if (TIME_CLAIMS.has(name)) {
      if (typeof value === 'number' && Number.isFinite(value)) {
        row.human = humanTime(name, value, now)
      } else {
        row.status = bad
        row.note = 'must be a JSON number of seconds since 1970 (NumericDate, RFC 7519 §2)'
        return row
      }
    }
    if (kind === 'refresh_token') return row
    const v = value as number
    switch (name) {
      case 'iss':
        if (expected?.issuer !== undefined) {
          const ok = value === expected.issuer
          row.status = ok ? 'pass' : bad
          row.note = ok ? 'matches the expected issuer' : `expected ${jsonText(expected.issuer)}`
        }
        break
      case 'aud': {
        const want = expectedAudience(kind, expected)
        if (want.length) {
          const have = audienceList(value)
          const ok = want.some((a) => have.includes(a))
          row.status = ok ? 'pass' : bad
          row.note = ok ? `contains ${jsonText(want.find((a) => have.includes(a)))}` : `expected ${jsonText(want)}`
        }
        break
      }
      case 'exp':
        row.status = v > now - tolerance ? 'pass' : bad
        if (row.status !== 'pass') row.note = 'expired'
        break
      case 'nbf':
        row.status = v <= now + tolerance ? 'pass' : bad
        if (row.status !== 'pass') row.note = 'not valid yet'
        break
      case 'iat':
        row.status = v <= now + tolerance ? 'pass' : 'warn'
        if (row.status !== 'pass') row.note = 'in the future: the server clock or this computer\u2019s clock is off'
        break
      case 'nonce':
        if (kind === 'id_token') {
          if (expected?.nonce === undefined) {
            row.status = 'warn'
            row.note = 'no nonce was sent in the authorization request'
          } else {
            row.status = value === expected.nonce ? 'pass' : 'fail'
            if (row.status === 'fail') row.note = 'does not match the nonce that was sent'
          }
        }
        break
      case 'azp':
        if (expected?.clientId !== undefined) {
          row.status = value === expected.clientId ? 'pass' : bad
          if (row.status !== 'pass') row.note = `expected the client id ${jsonText(expected.clientId)}`
        }
        break
      case 'client_id':
        if (kind === 'access_token' && expected?.clientId !== undefined) {
          row.status = value === expected.clientId ? 'pass' : 'warn'
          if (row.status !== 'pass') row.note = `expected the client id ${jsonText(expected.clientId)}`
        }
        break
    }
    return row
  })
}

/**
 * The one line that stands for a token's header and claims while their tables are folded away:
 * what a reader checks first (typ, alg, aud, when it expires), how many claims, and how many rows
 * need a look. Server values appear as the claim rows show them (JSON text), to be rendered as text.
 */
export function claimsSummary(header: Record<string, unknown>, rows: ClaimRow[]): string {
  const parts: string[] = []
  if (typeof header.typ === 'string') parts.push(`typ ${header.typ}`)
  if (typeof header.alg === 'string') parts.push(`alg ${header.alg}`)
  const aud = rows.find((r) => r.name === 'aud')
  if (aud) parts.push(`aud ${aud.value}`)
  const exp = rows.find((r) => r.name === 'exp')
  if (exp?.human) parts.push(exp.human.replace(/ \(.*\)$/, ''))
  parts.push(`${rows.length} claim${rows.length === 1 ? '' : 's'}`)
  const problems = claimsToLookAt(rows)
  if (problems) parts.push(`${problems} to look at`)
  return parts.join(' · ')
}

/** How many claim rows failed or warn (the claims table then shows unfolded). */
export function claimsToLookAt(rows: ClaimRow[]): number {
  return rows.filter((r) => r.status === 'fail' || r.status === 'warn').length
}
