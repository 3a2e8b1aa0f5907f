/**
 * Lints what a server REALLY sent, before any library processed it: token responses
 * (token-response.ts, error-response.ts), authorization server metadata (metadata.ts), JWK Sets
 * (jwks.ts) and CORS headers (cors.ts); shared.ts holds the readers and wording they share.
 *
 * oauth4webapi is lenient on purpose: it lower-cases `token_type`, `parseFloat`s a string
 * `expires_in`, and accepts a JSON body served with another content-type. Strict clients (schema
 * validators, some MCP / connector stacks) are not. These pure functions read the recorded raw
 * response (status, readable headers, body text) or the raw parsed document and return findings.
 *
 * Severity policy:
 * - `error`: a MUST of the spec is broken AND a conforming client fails (or is unsafe).
 * - `warning`: the spec is broken in a way lenient clients survive, or the response is valid but
 *   strict clients are known to reject it (e.g. `token_type: "bearer"`).
 * - `info`: valid, but worth knowing (e.g. `expires_in` absent, which is only RECOMMENDED).
 *
 * All functions are pure, never throw, and quote every piece of server text as plain text, cut to
 * 300 characters.
 *
 * @see [RFC 6749 §5.1, §5.2](https://www.rfc-editor.org/rfc/rfc6749.html#section-5.1)
 * @see [RFC 8414 §2](https://www.rfc-editor.org/rfc/rfc8414.html#section-2)
 * @see [OpenID Connect Discovery 1.0 §3](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata)
 * @see [RFC 7517 §4, §5](https://www.rfc-editor.org/rfc/rfc7517.html#section-4)
 */
export { responseTooLarge, type TokenLintContext } from './shared'
export { lintTokenResponse } from './token-response'
export { lintMetadata, type MetadataLintContext } from './metadata'
export { lintJwks, type JwksLintContext } from './jwks'
export { lintCors, type CorsLintContext } from './cors'
