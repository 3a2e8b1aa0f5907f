// jose errors, by their stable ERR_* code.
import type { errors as joseErrors } from 'jose'
import type { Finding } from '../../model/types'
import { finding } from '../finding'
import { get, getString, show, libraryText, data, type Ctx, endpointLabel, capitalise } from './context'
import { unknownFinding } from './fallback'
import {
  jwtMalformed,
  jwtClaimMissing,
  jwtClaimInvalid,
  jwtSignatureInvalid,
  jwtAlgNotAllowed,
  jwtTypMismatch,
  jwtIssuerMismatch,
  jwtAudienceMismatch,
  jwksNoMatch,
  jwksMultiple,
  jwtAlgUnsupported,
} from './jwt'
import { timestampFinding } from './timestamp'

export type JoseCode = joseErrors.JOSEErrorCode
type JoseHandler = (err: unknown, c: Ctx, message: string, code: string) => Finding

export const JOSE_HANDLERS: Record<JoseCode, JoseHandler> = {
  ERR_JOSE_GENERIC: (err, c, message, code) => {
    const lib = libraryText(message, code)
    if (/JSON Web Key Set/.test(message)) {
      return finding('jwks-fetch-failed', 'error', c.step, {
        title: 'The JWKS endpoint did not return a key set',
        detail: `${capitalise(endpointLabel({ ...c, op: 'jwks' }))} did not answer 200 with a JSON document. jose fetches it without following redirects, so a redirect ends here too.${lib}`,
        fix: 'Serve the JWKS at jwks_uri with 200 and application/json (or application/jwk-set+json), without redirects.',
        spec: 'RFC 7517 §5; RFC 8414 §2 (jwks_uri)',
        data: data({ endpoint: 'jwks', url: c.url }),
      })
    }
    return unknownFinding(err, c, `jose reported a generic JOSE error.${lib}`)
  },
  ERR_JOSE_ALG_NOT_ALLOWED: (err, c, message, code) =>
    jwtAlgNotAllowed(c, undefined, undefined, undefined, libraryText(message, code)),
  ERR_JOSE_NOT_SUPPORTED: (err, c, message, code) => {
    const lib = libraryText(message, code)
    if (/Extension Header Parameter|crit/i.test(message)) {
      return finding('jwt-crit-unsupported', 'error', c.step, {
        title: 'The JWT uses a "crit" header extension',
        detail: `The JWT header lists critical extensions ("crit") the verifier does not implement, so it must reject the token.${lib}`,
        fix: 'Do not use "crit" header parameters in tokens for general-purpose clients.',
        spec: 'RFC 7515 §4.1.11',
      })
    }
    return jwtAlgUnsupported(c, undefined, lib)
  },
  ERR_JWE_DECRYPTION_FAILED: (err, c, message, code) =>
    finding('jwe-decryption-failed', 'error', c.step, {
      title: 'The encrypted token could not be decrypted',
      detail: `The JWE did not decrypt with the available key: wrong key, wrong algorithm, or a tampered token.${libraryText(message, code)}`,
      fix: "Encrypt to the client's registered encryption key with the registered algorithms.",
      spec: 'RFC 7516 §5.2',
    }),
  ERR_JWE_INVALID: (err, c, message, code) =>
    finding('jwe-invalid', 'error', c.step, {
      title: 'The encrypted token (JWE) is malformed',
      detail: `The value looks like an encrypted JWT but is not a valid JWE.${libraryText(message, code)}`,
      fix: 'Produce a compact JWE with five base64url segments and a valid protected header.',
      spec: 'RFC 7516 §7.1',
    }),
  ERR_JWS_INVALID: (err, c, message, code) => jwtMalformed(c, message, code),
  ERR_JWT_INVALID: (err, c, message, code) => jwtMalformed(c, message, code),
  ERR_JWK_INVALID: (err, c, message, code) =>
    finding('jwk-invalid', 'error', c.step, {
      title: 'A JSON Web Key is malformed',
      detail: `A key in the JWKS is missing a required member or has an invalid one.${libraryText(message, code)}`,
      fix: 'Publish complete public JWKs (kty plus n/e for RSA, crv/x/y for EC, crv/x for OKP).',
      spec: 'RFC 7517 §4; RFC 7518 §6',
    }),
  ERR_JWKS_INVALID: (err, c, message, code) => {
    const privateKeys = /public keys/.test(message)
    return finding('jwks-invalid', 'error', c.step, {
      title: privateKeys ? 'The JWKS publishes private or symmetric keys' : 'The JWKS document is malformed',
      detail: privateKeys
        ? `The JWKS contains key material that must never be published (private key members such as "d", or symmetric "oct" keys). Anyone can now sign tokens as this server: treat those keys as compromised.${libraryText(message, code)}`
        : `The document at jwks_uri must be a JSON object with a "keys" array of JWK objects.${libraryText(message, code)}`,
      fix: privateKeys
        ? 'Remove private and symmetric keys from jwks_uri, rotate the exposed keys, and publish only public keys.'
        : 'Serve {"keys": [ {public JWK}, … ]} at jwks_uri.',
      spec: privateKeys ? 'OpenID Connect Discovery 1.0 §3 (jwks_uri); RFC 8414 §2' : 'RFC 7517 §5',
      data: data({ url: c.url }),
    })
  },
  ERR_JWKS_NO_MATCHING_KEY: (err, c, message, code) => jwksNoMatch(c, undefined, undefined, libraryText(message, code)),
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: (err, c, message, code) =>
    jwksMultiple(c, undefined, undefined, libraryText(message, code)),
  ERR_JWKS_TIMEOUT: (err, c, message, code) =>
    finding('jwks-timeout', 'error', c.step, {
      title: 'The JWKS endpoint did not answer in time',
      detail: `${capitalise(endpointLabel({ ...c, op: 'jwks' }))} took longer than the verifier waits (5 s by default).${libraryText(message, code)}`,
      fix: 'Make jwks_uri fast and cacheable (a static document behind a CDN is typical).',
      spec: 'RFC 7517 §5; OpenID Connect Core 1.0 §10.1.1',
      data: data({ url: c.url }),
    }),
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: (err, c, message, code) => jwtSignatureInvalid(c, libraryText(message, code)),
  ERR_JWT_CLAIM_VALIDATION_FAILED: (err, c, message, code) => joseClaimFailure(err, c, message, code),
  ERR_JWT_EXPIRED: (err, c, message, code) => joseClaimFailure(err, c, message, code),
}

function joseClaimFailure(err: unknown, c: Ctx, message: string, code: string): Finding {
  const claim = getString(err, 'claim') ?? ''
  const reason = getString(err, 'reason') ?? ''
  const payload = get(err, 'payload')
  const lib = libraryText(message, code)
  const now = Math.floor(Date.now() / 1000)
  if (reason === 'missing') return jwtClaimMissing(c, claim, payload, lib)
  if (reason === 'invalid') return jwtClaimInvalid(c, claim, payload, lib, 'not a number')
  if (code === 'ERR_JWT_EXPIRED' || ['exp', 'nbf', 'iat', 'auth_time'].includes(claim))
    return timestampFinding(c, claim || 'exp', payload, now, undefined, lib)
  switch (claim) {
    case 'iss':
      return jwtIssuerMismatch(c, get(payload, 'iss'), undefined, lib)
    case 'aud':
      return jwtAudienceMismatch(c, get(payload, 'aud'), undefined, lib)
    case 'sub':
      return finding('jwt-subject-mismatch', 'error', c.step, {
        title: 'The token sub differs from the expected subject',
        detail: `The JWT says sub=${show(get(payload, 'sub') ?? '(absent)')}, which is not the expected subject: it describes a different user.${lib}`,
        fix: 'Issue tokens with the same stable subject identifier for the same user.',
        spec: 'OpenID Connect Core 1.0 §2, §5.3.2',
        data: data({ claim, actual: get(payload, 'sub') }),
      })
    case 'typ':
      return jwtTypMismatch(c, undefined, lib)
    default:
      return jwtClaimInvalid(c, claim, payload, lib, reason || undefined)
  }
}
