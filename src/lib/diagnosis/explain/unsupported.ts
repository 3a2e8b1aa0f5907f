// Responses that rely on a feature the client library does not implement (OAUTH_UNSUPPORTED_OPERATION).
import type { Finding } from '../../model/types'
import { clip } from '../../platform/text'
import { finding } from '../finding'
import { get, getString, show, libraryText, data, type Ctx, specForOperation } from './context'
import { jwtAlgUnsupported } from './jwt'

export function explainUnsupported(err: unknown, c: Ctx, message: string, code: string): Finding {
  const lib = libraryText(message, code)
  const cause = get(err, 'cause')
  if (message.includes('token_type')) {
    const tokenType = getString(get(cause, 'body'), 'token_type')
    return finding('token-type-unsupported', 'error', c.step, {
      title: `The token_type ${tokenType ? `"${clip(tokenType, 30)}" ` : ''}is not one a client understands`,
      detail: `The token response has token_type ${show(tokenType ?? '?')}. A client must not use a token whose type it does not understand; the ones in use are Bearer and DPoP (compared case-insensitively, so "bearer" is fine).${lib}`,
      fix: 'Return token_type "Bearer" (or "DPoP" for DPoP-bound tokens).',
      spec: 'RFC 6749 §5.1, §7.1; RFC 6750 §4; OpenID Connect Core 1.0 §3.1.3.3',
      data: data({ token_type: tokenType }),
    })
  }
  if (message.includes('implicit and hybrid')) {
    return finding('implicit-response-unexpected', 'error', c.step, {
      title: 'The callback carries tokens directly (implicit/hybrid flow)',
      detail: `The callback has an id_token or token parameter. The playground asked for response_type=code only; tokens in the redirect are the implicit/hybrid flows, which RFC 9700 says not to use (tokens leak through history and referrers).${lib}`,
      fix: 'Honour response_type=code: return only code, state (and iss) in the redirect.',
      spec: 'RFC 6749 §4.1.2; RFC 9700 §2.1.2',
    })
  }
  if (message.includes('JWE')) {
    return finding('jwe-not-supported', 'error', c.step, {
      title: 'The token is encrypted (JWE)',
      detail: `The token has five segments: it is an encrypted JWT (JWE). The playground, like most public clients, has no decryption key, so it cannot read it.${lib}`,
      fix: 'Do not encrypt ID Tokens for this client (no id_token_encrypted_response_alg), or use a client that registers an encryption key.',
      spec: 'OpenID Connect Core 1.0 §10.2; RFC 7516',
    })
  }
  if (message.includes('crit')) {
    return finding('jwt-crit-unsupported', 'error', c.step, {
      title: 'The JWT uses a "crit" header extension',
      detail: `The JWT header lists critical extensions ("crit") the client does not implement, so it must reject the token.${lib}`,
      fix: 'Do not use "crit" header parameters in tokens for general-purpose clients.',
      spec: 'RFC 7515 §4.1.11',
    })
  }
  if (message.includes('modulusLength')) {
    return finding('jwks-weak-key', 'error', c.step, {
      title: 'The signing key is too short',
      detail: `The RSA key used to sign is shorter than 2048 bits, which is no longer acceptable.${lib}`,
      fix: 'Sign with RSA keys of at least 2048 bits (or use ES256).',
      spec: 'RFC 7518 §3.3',
    })
  }
  if (/JWS|alg|algorithm|namedCurve|key type|CryptoKey/i.test(message)) {
    const alg = getString(cause, 'alg') ?? getString(get(cause, 'header'), 'alg')
    return jwtAlgUnsupported(c, alg, lib)
  }
  return finding('unsupported-operation', 'error', c.step, {
    title: 'The server response needs a feature the client library does not support',
    detail: `oauth4webapi refused the response because it relies on a feature it does not implement.${lib}`,
    fix: 'Use the standard, widely supported variant of the feature (see the library message).',
    spec: specForOperation(c),
  })
}
