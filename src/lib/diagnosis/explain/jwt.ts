// JWT findings: malformed tokens, claims, signatures, alg/typ headers and JWKS key selection.
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import { get, getString, show, libraryText, data, type Ctx } from './context'

export function jwtMalformed(c: Ctx, message: string, code: string): Finding {
  return finding('jwt-malformed', 'error', c.step, {
    title: 'A token is not a well-formed JWT',
    detail: `The value received as a JWT is not three base64url segments whose header and payload are JSON objects (compact JWS). Servers sometimes send an opaque string, a JSON object or a padded/standard-base64 token where a JWT is required.${libraryText(message, code)}`,
    fix: 'Issue the ID Token (and any JWT response) as a compact JWS: BASE64URL(header).BASE64URL(payload).BASE64URL(signature), without padding, header and payload being JSON objects.',
    spec: 'RFC 7519 §7.2; RFC 7515 §7.1; OpenID Connect Core 1.0 §2',
    data: data({ code, endpoint: c.op }),
  })
}

const CLAIM_NAMES: Record<string, string> = {
  iss: 'issuer',
  sub: 'subject',
  aud: 'audience',
  exp: 'expiration time',
  nbf: 'not before',
  iat: 'issued at',
  jti: 'JWT ID',
  nonce: 'nonce',
  azp: 'authorized party',
  auth_time: 'authentication time',
  c_hash: 'code hash',
  s_hash: 'state hash',
  at_hash: 'access token hash',
  typ: 'type header',
}

export function claimLabel(claim: string): string {
  const name = Object.hasOwn(CLAIM_NAMES, claim) ? CLAIM_NAMES[claim] : undefined
  return name ? `"${claim}" (${name})` : `"${clip(claim, 40)}"`
}

/** The JWT validation checks of OAUTH_INVALID_RESPONSE; undefined when the message is about something else. */
export function jwtValidationFinding(
  cause: unknown,
  c: Ctx,
  message: string,
  code: string,
  lib: string,
): Finding | undefined {
  const missing = /^JWT "([^"]+)" \([^)]*\) claim missing/.exec(message)
  if (missing) return jwtClaimMissing(c, missing[1] ?? '', get(cause, 'claims'), lib)
  const badType = /^unexpected JWT "([^"]+)" \([^)]*\) claim type/.exec(message) ?? /^ID Token "([^"]+)"/.exec(message)
  if (badType) return jwtClaimInvalid(c, badType[1] ?? '', get(cause, 'claims'), lib)
  if (message.includes('signature verification failed')) return jwtSignatureInvalid(c, lib)
  if (message.includes('"alg" header parameter')) {
    const header = get(cause, 'header')
    const alg = getString(header, 'alg')
    return jwtAlgNotAllowed(c, alg, get(cause, 'expected'), getString(cause, 'reason'), lib)
  }
  if (message.includes('"typ" header parameter')) {
    return jwtTypMismatch(c, getString(get(cause, 'header'), 'typ'), lib)
  }
  if (/Invalid JWT|JWT Header must be|JWT Payload must be/.test(message)) return jwtMalformed(c, message, code)
  return undefined
}

export function jwtClaimMissing(c: Ctx, claim: string, claims: unknown, lib: string): Finding {
  const nonceNote =
    claim === 'nonce'
      ? ' The playground sent a nonce in the authorization request, so the ID Token must echo it.'
      : claim === 'auth_time'
        ? ' auth_time is REQUIRED when max_age was requested or the client requires it.'
        : ''
  return finding('jwt-claim-missing', 'error', c.step, {
    title: `The token lacks the required ${claimLabel(claim)} claim`,
    detail: `The JWT has no ${claimLabel(claim)} claim. An ID Token must contain iss, sub, aud, exp and iat.${nonceNote}${lib}`,
    fix: `Add the ${claimLabel(claim)} claim to the token.`,
    spec: 'OpenID Connect Core 1.0 §2, §3.1.3.7',
    data: data({ claim, claims: claims === undefined ? undefined : show(claims) }),
  })
}

export function jwtClaimInvalid(c: Ctx, claim: string, claims: unknown, lib: string, reason?: string): Finding {
  const value = get(claims, claim)
  const numeric = ['exp', 'iat', 'nbf', 'auth_time'].includes(claim)
  return finding('jwt-claim-invalid', 'error', c.step, {
    title: `The token's ${claimLabel(claim)} claim is invalid`,
    detail: `The JWT claim ${claimLabel(claim)} is ${value === undefined ? 'not acceptable' : `${show(value, 80)}`}, which ${numeric ? 'is not a JSON number of seconds since the epoch (NumericDate)' : 'does not have the type or value the spec requires'}${reason ? ` (${reason})` : ''}.${lib}`,
    fix: numeric
      ? `Send ${claim} as a JSON number (seconds since 1970-01-01T00:00:00Z), not a string or milliseconds.`
      : `Send ${claimLabel(claim)} with the type the spec defines (iss and sub are strings; aud is a string or an array of strings).`,
    spec: 'RFC 7519 §4.1; OpenID Connect Core 1.0 §2',
    data: data({ claim, actual: value, reason }),
  })
}

export function jwtSignatureInvalid(c: Ctx, lib: string): Finding {
  return finding('jwt-signature-invalid', 'error', c.step, {
    title: 'The JWT signature does not verify',
    detail: `The signature does not match the header and payload with the key the server publishes in its JWKS. The token was altered, signed with a different key (for example a key not yet or no longer published), or signed over different bytes than were sent.${lib}`,
    fix: 'Sign with a private key whose public half is in jwks_uri under the same kid, and send the token exactly as signed.',
    spec: 'RFC 7515 §5.2; OpenID Connect Core 1.0 §3.1.3.7, §10.1',
    data: data({ endpoint: c.op }),
  })
}

export function jwtAlgNotAllowed(
  c: Ctx,
  alg: string | undefined,
  expected: unknown,
  reason: string | undefined,
  lib: string,
): Finding {
  const source =
    reason === 'authorization server metadata'
      ? 'the id_token_signing_alg_values_supported of the server metadata'
      : reason === 'client configuration'
        ? "the client's registered signing alg"
        : reason === 'default value'
          ? 'the default, RS256 (the metadata advertises no id_token_signing_alg_values_supported)'
          : 'the algorithms the client accepts'
  return finding('jwt-alg-not-allowed', 'error', c.step, {
    title: `The token is signed with an alg that was not expected${alg ? `: ${clip(alg, 20)}` : ''}`,
    detail: `The JWT header says alg=${show(alg ?? '')}, which is not in ${source}${expected !== undefined ? ` (${show(expected, 120)})` : ''}. Clients must only accept algorithms agreed in advance; accepting whatever the token says is how "alg confusion" attacks work.${lib}`,
    fix: 'Sign with an advertised algorithm (RS256 is the mandatory default for ID Tokens), or list the algorithm you use in id_token_signing_alg_values_supported.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7; OpenID Connect Discovery 1.0 §3; RFC 8725 §3.1',
    data: data({ alg, expected }),
  })
}

export function jwtTypMismatch(c: Ctx, typ: string | undefined, lib: string): Finding {
  return finding('jwt-typ-mismatch', 'error', c.step, {
    title: 'The JWT typ header is not the expected type',
    detail: `The JWT header typ is ${show(typ ?? '(absent)')}, not the type this JWT must declare. Explicit typing keeps one kind of JWT from being accepted as another (e.g. an access token "at+jwt" as an ID Token).${lib}`,
    fix: 'Set the typ header the profile requires (e.g. "at+jwt" for RFC 9068 access tokens).',
    spec: 'RFC 8725 §3.11; RFC 9068 §2.1',
    data: data({ typ }),
  })
}

export function explainClaimComparison(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const claim = getString(cause, 'claim') ?? ''
  const claims = get(cause, 'claims')
  const expected = get(cause, 'expected')
  const actual = get(claims, claim)
  const lib = libraryText(message, code)
  const d = data({ claim, expected, actual })
  switch (claim) {
    case 'iss':
      return jwtIssuerMismatch(c, actual, expected, lib)
    case 'aud':
      if (message.includes('untrusted audiences')) {
        return finding('jwt-azp-missing', 'error', c.step, {
          title: 'The ID Token has several audiences but no azp',
          detail: `The ID Token aud is ${show(actual)}. With more than one audience a client SHOULD check that azp (authorized party) is present and equals its client_id (OpenID Connect Core §3.1.3.7; errata: and reject audiences it does not trust); this token has no azp, and strict clients such as oauth4webapi reject it.${lib}`,
          fix: 'Issue ID Tokens with aud = [client_id] only, or add azp = client_id.',
          spec: 'OpenID Connect Core 1.0 §2, §3.1.3.7',
          data: d,
        })
      }
      return jwtAudienceMismatch(c, actual, expected, lib)
    case 'azp':
      return finding('jwt-azp-mismatch', 'error', c.step, {
        title: 'The ID Token azp is not this client',
        detail: `The ID Token azp (authorized party) is ${show(actual)} but this client is ${show(expected ?? '')}. The token was issued for another client.${lib}`,
        fix: 'Set azp to the client_id the token was issued to.',
        spec: 'OpenID Connect Core 1.0 §2, §3.1.3.7',
        data: d,
      })
    case 'nonce':
      return finding('jwt-nonce-mismatch', 'error', c.step, {
        title:
          expected === undefined
            ? 'The ID Token has a nonce although none was sent'
            : 'The ID Token nonce differs from the one sent',
        detail:
          expected === undefined
            ? `The ID Token carries nonce=${show(actual)} but this request sent no nonce. It may belong to another request.${lib}`
            : `The ID Token carries nonce=${show(actual ?? '(absent)')} but this request sent ${show(expected)}. The nonce binds the ID Token to this browser session (replay protection), so a mismatch means the token may be replayed or from another request.${lib}`,
        fix: 'Copy the nonce of the authorization request, unchanged, into the ID Token issued for that code; omit it when none was sent.',
        spec: 'OpenID Connect Core 1.0 §3.1.2.1, §3.1.3.7',
        data: d,
      })
    case 'c_hash':
    case 's_hash':
      return finding('jwt-hash-mismatch', 'error', c.step, {
        title: `The ID Token ${claim} does not match`,
        detail: `The ID Token ${claimLabel(claim)} is not the left half of the hash of the ${claim === 'c_hash' ? 'authorization code' : 'state'} it was issued with.${lib}`,
        fix: `Compute ${claim} as BASE64URL(left half of HASH(ASCII value)), HASH being the one of the ID Token alg (SHA-256 for RS256/ES256).`,
        spec: 'OpenID Connect Core 1.0 §3.3.2.11; FAPI 1.0 Part 2 §5.1',
        data: d,
      })
    case 'htm':
    case 'htu':
    case 'ath':
    case 'cnf':
      return finding('dpop-proof-mismatch', 'error', c.step, {
        title: `A DPoP proof ${claim} claim does not match`,
        detail: `The DPoP proof ${claim} is ${show(actual)}, expected ${show(expected ?? '')}.${lib}`,
        fix: 'Build each DPoP proof for the exact method, URL and access token of the request it accompanies.',
        spec: 'RFC 9449 §4.3, §7.1',
        data: d,
      })
    default:
      return finding('jwt-claim-invalid', 'error', c.step, {
        title: `The token's ${claimLabel(claim)} claim has an unexpected value`,
        detail: `The JWT claim ${claimLabel(claim)} is ${show(actual)}, expected ${show(expected ?? '')}.${lib}`,
        fix: 'Issue the claim with the expected value.',
        spec: 'OpenID Connect Core 1.0 §3.1.3.7; RFC 7519 §4.1',
        data: d,
      })
  }
}

export function jwtIssuerMismatch(c: Ctx, actual: unknown, expected: unknown, lib: string): Finding {
  return finding('jwt-issuer-mismatch', 'error', c.step, {
    title: 'The token iss differs from the issuer identifier',
    detail: `The JWT says iss=${show(actual ?? '(absent)')}${expected !== undefined ? ` but the issuer is ${show(expected)}` : ', which is not the expected issuer'}. The comparison is an exact string match — a trailing slash or a different host spelling fails. Note that metadata discovery compares issuers after URL normalisation, so "https://as.example" vs "https://as.example/" can pass discovery and still fail here.${lib}`,
    fix: 'Use the metadata "issuer" string verbatim as the iss claim.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7; RFC 8414 §3.3',
    data: data({ claim: 'iss', expected, actual }),
  })
}

export function jwtAudienceMismatch(c: Ctx, actual: unknown, expected: unknown, lib: string): Finding {
  return finding('jwt-audience-mismatch', 'error', c.step, {
    title: 'The token is not addressed to this client',
    detail: `The JWT aud is ${show(actual ?? '(absent)')}${expected !== undefined ? `, which does not contain ${show(expected)}` : ', which does not contain the expected audience'}. An ID Token's aud must contain the client_id it was issued to; tokens for another audience must be rejected.${lib}`,
    fix: 'Set aud to the client_id (a string, or an array containing it).',
    spec: 'OpenID Connect Core 1.0 §2, §3.1.3.7; RFC 7519 §4.1.3',
    data: data({ claim: 'aud', expected, actual }),
  })
}

export function explainKeySelection(err: unknown, c: Ctx, message: string, code: string): Finding {
  const cause = get(err, 'cause')
  const header = get(cause, 'header')
  const candidates = get(cause, 'candidates')
  const count = Array.isArray(candidates) ? candidates.length : undefined
  const kid = getString(header, 'kid')
  const alg = getString(header, 'alg')
  const jwksUri = show(get(cause, 'jwks_uri'))
  const lib = libraryText(message, code)
  const multiple = count !== undefined ? count > 1 : message.includes('multiple')
  return multiple ? jwksMultiple(c, kid, alg, lib) : jwksNoMatch(c, kid, alg, lib, jwksUri)
}

export function jwksNoMatch(
  c: Ctx,
  kid: string | undefined,
  alg: string | undefined,
  lib: string,
  jwksUri?: string,
): Finding {
  return finding('jwks-no-matching-key', 'error', c.step, {
    title: `The JWKS has no key for this token${kid ? ` (kid ${clip(kid, 40)})` : ''}`,
    detail: `No key in the JWKS fits the token header (${alg ? `alg ${clip(alg, 20)}` : 'alg unknown'}${kid ? `, kid ${show(kid, 60)}` : ', no kid'}). A key fits when its kty matches the alg, its kid equals the header kid, and its alg/use/key_ops (if present) allow verifying with this alg. The JWKS was re-fetched once in case the keys had rotated. Usual causes: the signing key was rotated but not published yet, the kid differs, or the key is published with use "enc".${lib}`,
    fix: 'Publish the public key of every key you sign with in jwks_uri, with the same kid as the JWT header and use "sig" (or no use).',
    spec: 'RFC 7517 §4, §5; RFC 7515 §4.1.4; OpenID Connect Core 1.0 §10.1.1',
    data: data({ kid, alg, jwks_uri: jwksUri === 'undefined' ? undefined : jwksUri }),
  })
}

export function jwksMultiple(c: Ctx, kid: string | undefined, alg: string | undefined, lib: string): Finding {
  return finding('jwks-multiple-keys', 'error', c.step, {
    title: 'Several JWKS keys match and the token has no kid',
    detail: `More than one key in the JWKS fits the token header (alg ${show(alg ?? '?')}${kid ? `, kid ${show(kid, 60)}` : ', no kid'}), so the client cannot tell which one signed it. When a JWKS holds several keys, the JWT header must carry a kid.${lib}`,
    fix: "Give every key a unique kid in the JWKS and put the signing key's kid in the JWT header.",
    spec: 'OpenID Connect Core 1.0 §10.1; RFC 7515 §4.1.4',
    data: data({ kid, alg }),
  })
}

export function jwtAlgUnsupported(c: Ctx, alg: string | undefined, lib: string): Finding {
  return finding('jwt-alg-unsupported', 'error', c.step, {
    title: `The token alg${alg ? ` ${clip(alg, 20)}` : ''} is not supported`,
    detail: `The JWT is signed with ${alg ? `alg ${show(alg, 20)}` : 'an algorithm, key type or curve'} that the client cannot verify. "none" (unsigned) is never acceptable for an ID Token sent to the token endpoint of a browser client; symmetric HS* algorithms would need the client secret, which a public client does not have.${lib}`,
    fix: 'Sign with RS256 (the ID Token default), ES256 or PS256, and advertise it in id_token_signing_alg_values_supported.',
    spec: 'OpenID Connect Core 1.0 §3.1.3.7, §10.1; RFC 7518 §3.1',
    data: data({ alg }),
  })
}
