/**
 * The findings catalogue: every finding id the app can emit, with its severity, one-line meaning and
 * the spec sections it rests on. It is the one list of ids — {@link FindingId} is derived from it, so
 * an id that is not here does not compile — and the README's "Finding catalogue" table is generated
 * from it. After changing this file run
 * `UPDATE_CATALOGUE=1 npx vitest run src/lib/model/catalogue.test.ts` (or `node tests/gen-catalogue.mjs`).
 */

/** The user profiles whose severities can differ (see {@link profileOf} in diagnosis/assess.ts). */
export type Profile = 'oauth' | 'oidc' | 'mcp'

/**
 * Why an entry is an error, a warning or a note:
 * - `spec`: the server breaks a MUST or SHOULD of the spec the entry cites;
 * - `strict`: valid (or tolerated) per spec, but strict clients reject it or trip on it;
 * - `client`: about this client, its configuration, this browser or what the user did;
 * - `info`: informational.
 */
export type Basis = 'spec' | 'strict' | 'client' | 'info'

/** One finding id of the catalogue. */
export interface CatalogueEntry {
  /** Stable kebab-case id, as in `Finding.id`. */
  id: string
  /**
   * The severity the source uses for it; `varies` when one id is emitted with different
   * severities depending on what was observed (e.g. token_type "bearer" warns, "JWT" is an error).
   */
  severity: 'error' | 'warning' | 'info' | 'varies'
  /** Why it has its severity (see {@link Basis}). */
  basis: Basis
  /** The reason in one line, when more precise than the basis and the spec ("strict clients such as …"). */
  reason?: string
  /** The severity per profile, where it differs from `severity` (e.g. a MUST of the MCP spec). */
  profiles?: Partial<Record<Profile, 'error' | 'warning' | 'info'>>
  /** What the finding means, in one line. */
  title: string
  /** Spec sections the rule comes from ("—" when no spec rule is involved). */
  spec: string
  /**
   * Ids that name the same cause less precisely, in the same step and about the same subject (the
   * member, claim or token): when this finding is present they are not shown (one finding per cause).
   */
  supersedes?: readonly string[]
}

/** Every finding id the app can emit, sorted by id. */
export const CATALOGUE = [
  {
    id: 'aborted',
    severity: 'info',
    basis: 'client',
    title: 'The request was cancelled before it finished (reset, navigation, new attempt).',
    spec: '—',
  },
  {
    id: 'access-token-audience-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'The access token is not for this MCP server.',
    spec: 'RFC 8707 §2; RFC 9068 §3, §4; MCP 2025-11-25 Token Handling',
  },
  {
    id: 'access-token-jwt-peek',
    severity: 'info',
    basis: 'info',
    reason: 'RFC 9068 §6',
    title: 'The access token is a JWT; its claims are shown for information only (the resource server decides).',
    spec: 'RFC 9068 §6',
  },
  {
    id: 'access-token-opaque',
    severity: 'info',
    basis: 'info',
    title: 'The access token is not a JWT (opaque): valid; only the resource server can read it.',
    spec: 'RFC 6749 §1.4; RFC 9068 §6',
  },
  {
    id: 'auth-method-none-not-advertised',
    severity: 'info',
    basis: 'info',
    reason: 'RFC 8414 §2 lets the list omit none; whether public clients work shows at the token exchange',
    title:
      'The metadata does not list "none" (or omits the list, which means client_secret_basic) while the client is public.',
    spec: 'RFC 8414 §2; browser-apps §6.3.3.1; RFC 7591 §2',
  },
  {
    id: 'auth-method-not-advertised',
    severity: 'warning',
    basis: 'spec',
    title: 'The configured client authentication method is not in token_endpoint_auth_methods_supported.',
    spec: 'RFC 8414 §2; RFC 6749 §2.3',
  },
  {
    id: 'authorization-endpoint-unsafe',
    severity: 'error',
    basis: 'spec',
    title:
      'The authorization endpoint is not an https URL (or loopback http when allowed); the playground will not navigate to it.',
    spec: 'RFC 8414 §2; RFC 6749 §3.1',
  },
  {
    id: 'authorization-error',
    severity: 'varies',
    basis: 'spec',
    title: 'The authorization server redirected back with error= instead of a code.',
    spec: 'RFC 6749 §4.1.2.1; OIDC Core §3.1.2.6',
  },
  {
    id: 'bad-endpoint-scheme',
    severity: 'error',
    basis: 'spec',
    title: 'An endpoint uses a scheme other than http/https (javascript:, data:, file:).',
    spec: 'RFC 8414 §2; OIDC Discovery §3',
  },
  {
    id: 'callback-replayed',
    severity: 'info',
    basis: 'client',
    title: 'This authorization response was already handled; the single-use code is not sent again.',
    spec: 'RFC 6749 §4.1.2, §10.5',
  },
  {
    id: 'cimd-not-configured',
    severity: 'info',
    basis: 'client',
    title: 'The server supports Client ID Metadata Documents, but this build publishes none.',
    spec: 'MCP 2025-11-25 Client ID Metadata Documents',
  },
  {
    id: 'client-secret-in-browser',
    severity: 'warning',
    basis: 'client',
    reason: 'a secret in a browser is never secret (draft-ietf-oauth-browser-based-apps §6.3.3.1)',
    title: 'A client secret was entered: a browser can never keep it secret.',
    spec: 'browser-apps §6.3.3.1',
  },
  {
    id: 'code-missing',
    severity: 'error',
    basis: 'spec',
    title: 'The callback carries neither a code nor an error.',
    spec: 'RFC 6749 §4.1.2',
  },
  {
    id: 'code-replay-accepted',
    severity: 'error',
    basis: 'spec',
    title: 'An authorization code can be redeemed twice.',
    spec: 'RFC 6749 §4.1.2, §10.5; RFC 9700 §4.5',
  },
  {
    id: 'code-replay-rejected',
    severity: 'info',
    basis: 'info',
    title: 'A replayed authorization code is rejected.',
    spec: 'RFC 6749 §4.1.2',
  },
  {
    id: 'code-replay-tokens-not-revoked',
    severity: 'info',
    basis: 'info',
    title: 'The tokens issued for the replayed code are still active.',
    spec: 'RFC 6749 §4.1.2; RFC 9700 §4.5',
  },
  {
    id: 'code-replay-tokens-revoked',
    severity: 'info',
    basis: 'info',
    title: 'The tokens issued for the replayed code were revoked.',
    spec: 'RFC 6749 §4.1.2; RFC 9700 §4.5',
  },
  {
    id: 'config-invalid',
    severity: 'varies',
    basis: 'client',
    title: 'A configuration value is invalid (not an absolute URL, not https, fragment in redirect_uri, …).',
    spec: 'RFC 6749 §3.1, §3.1.2',
  },
  {
    id: 'cors-blocked',
    severity: 'varies',
    basis: 'client',
    reason:
      'this origin: the server does not let this page read the answer (browser-apps §6.3.3.4); server-side clients are not affected',
    title:
      'The browser blocked the response (CORS) although the server is reachable; data.endpoint names the endpoint.',
    spec: 'Fetch §3.2 (CORS); browser-apps §6.3.3.4; RFC 9700 §2.6',
  },
  {
    id: 'cors-check-skipped',
    severity: 'info',
    basis: 'client',
    title: 'An endpoint was not probed by the CORS check.',
    spec: 'RFC 6749 §3.1, §3.2',
  },
  {
    id: 'cors-error-responses-without-cors',
    severity: 'warning',
    basis: 'client',
    title: 'The endpoint sends CORS headers on successful answers only, so OAuth errors are unreadable.',
    spec: 'browser-apps §6.3.3.4; RFC 9700 §2.6',
  },
  {
    id: 'cors-preflight-failed',
    severity: 'varies',
    basis: 'client',
    title: 'The CORS preflight (OPTIONS) failed, so the request was never sent.',
    spec: 'Fetch §3.2 (CORS); browser-apps §6.3.3.4',
  },
  {
    id: 'discovery-attempt-failed',
    severity: 'varies',
    basis: 'strict',
    reason:
      'clients that try that URL first stop there (MCP clients try the RFC 8414 URL first); an unreadable URL is only a note',
    title:
      'Discovery found the metadata, but another well-known URL was unreadable (note) or answered with something that is not valid metadata (warning).',
    spec: 'RFC 8414 §3; OpenID Connect Discovery 1.0 §4',
  },
  {
    id: 'discovery-failed',
    severity: 'error',
    basis: 'spec',
    title: 'No usable metadata document was found at any well-known URL.',
    spec: 'RFC 8414 §3; OIDC Discovery §4',
  },
  {
    id: 'discovery-skipped',
    severity: 'info',
    basis: 'info',
    title: 'Discovery was skipped: all endpoints were entered by hand.',
    spec: 'RFC 8414 §3',
  },
  {
    id: 'dpop-alg-unsupported',
    severity: 'warning',
    basis: 'client',
    reason:
      'DPoP was asked for (on, or advertised) but the server allows only algorithms WebCrypto cannot make here, so the tokens are not sender-constrained',
    title: 'The server advertises only DPoP algorithms this page cannot make; the token request was sent without DPoP.',
    spec: 'RFC 9449 §5.1',
  },
  {
    id: 'dpop-jkt-mismatch',
    severity: 'error',
    basis: 'spec',
    title:
      'cnf.jkt of the DPoP-bound token (JWT or introspection) is not the thumbprint of the key that signed the proof.',
    spec: 'RFC 9449 §6, §6.1, §7.1; RFC 7638 §3',
  },
  {
    id: 'dpop-jkt-missing',
    severity: 'warning',
    basis: 'spec',
    title: 'token_type is DPoP, but the JWT access token (or introspection response) has no cnf.jkt.',
    spec: 'RFC 9449 §6.1, §6.2',
  },
  {
    id: 'dpop-nonce-not-exposed',
    severity: 'warning',
    basis: 'client',
    title: 'use_dpop_nonce, but the DPoP-Nonce header is not exposed to the page (Access-Control-Expose-Headers).',
    spec: 'RFC 9449 §8, §9; Fetch §3.2.6',
  },
  {
    id: 'dpop-nonce-required',
    severity: 'varies',
    basis: 'spec',
    reason:
      'a warning when the flow stops there; information when the playground retried once with the nonce (a normal round trip)',
    title: 'The server asks for a DPoP proof carrying its nonce (use_dpop_nonce).',
    spec: 'RFC 9449 §8, §9',
  },
  {
    id: 'dpop-not-honoured',
    severity: 'varies',
    basis: 'spec',
    reason:
      'RFC 9449 §5 lets a server issue a Bearer token to a DPoP request: a warning when its metadata advertises DPoP, information when it does not',
    title: 'A DPoP proof was sent, but the token response says token_type Bearer (the access token is not bound).',
    spec: 'RFC 9449 §5, §5.1',
  },
  {
    id: 'dpop-preflight-refused',
    severity: 'error',
    basis: 'spec',
    title:
      'The CORS preflight of a request with a DPoP header was refused (dpop not in Access-Control-Allow-Headers); the request was not sent.',
    spec: 'RFC 9449 §4.1; Fetch §3.2.2; browser-apps §6.3.3.4',
  },
  {
    id: 'dpop-proof-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'A DPoP proof claim (htm/htu/ath/cnf) does not match the request.',
    spec: 'RFC 9449 §4.3, §7',
  },
  {
    id: 'dpop-resource-error',
    severity: 'error',
    basis: 'spec',
    title:
      'A resource server or UserInfo refused a DPoP request (WWW-Authenticate: DPoP error=invalid_dpop_proof, invalid_token, …).',
    spec: 'RFC 9449 §7.1, §7.2, §12.2; RFC 6750 §3.1',
  },
  {
    id: 'duplicate-parameter',
    severity: 'error',
    basis: 'spec',
    title: 'A callback parameter (code, state, iss, …) appears more than once.',
    spec: 'RFC 6749 §3.1; RFC 9207 §2.4',
  },
  {
    id: 'endpoint-overridden',
    severity: 'varies',
    basis: 'client',
    reason: 'endpoints other than the issuer’s own, typed or from a link',
    title:
      'An endpoint in use differs from what discovery returned (typed or set by a link): an error when it is on another origin than the issuer, a warning otherwise; the verdict is then never C.',
    spec: 'RFC 8414 §2, §3.3; RFC 9700 §4.4',
  },
  {
    id: 'endpoint-redirected',
    severity: 'varies',
    basis: 'spec',
    title: 'The endpoint answered with a redirect; OAuth endpoints must be served at the advertised URL.',
    spec: 'RFC 8414 §2; RFC 6749 §3.2',
  },
  {
    id: 'endpoint-unreachable',
    severity: 'varies',
    basis: 'client',
    title:
      'The endpoint could not be reached at all (DNS, refused connection, TLS, mixed content, local network); data.endpoint names it.',
    spec: 'RFC 6749 §3.1, §3.2',
  },
  {
    id: 'error-code-unknown',
    severity: 'warning',
    basis: 'spec',
    title: 'The token endpoint error code is not an RFC 6749 §5.2 code or a registered extension.',
    spec: 'RFC 6749 §5.2, §8.5, §11.4',
  },
  {
    id: 'error-description-charset',
    severity: 'warning',
    basis: 'spec',
    title: 'error_description / error_uri contain characters outside the RFC 6749 §5.2 set (non-ASCII, " or \\\\).',
    spec: 'RFC 6749 §5.2',
  },
  {
    id: 'error-response-invalid',
    severity: 'error',
    basis: 'spec',
    title: 'A JSON error response from the token endpoint has no non-empty "error" member.',
    spec: 'RFC 6749 §5.2',
  },
  {
    id: 'error-response-not-json',
    severity: 'varies',
    basis: 'spec',
    title: 'A token endpoint error is not an application/json body (HTML, text, empty, wrong content-type).',
    spec: 'RFC 6749 §5.2; OIDC Core §3.1.3.4',
  },
  {
    id: 'error-response-status',
    severity: 'warning',
    basis: 'spec',
    title:
      'A token endpoint error uses a 4xx other than 400 (401 is only for invalid_client), or 400 after Basic authentication.',
    spec: 'RFC 6749 §5.2',
  },
  {
    id: 'expires-in-invalid',
    severity: 'error',
    basis: 'spec',
    title: 'expires_in is negative, null, a non-numeric string or another type.',
    spec: 'RFC 6749 §5.1',
  },
  {
    id: 'expires-in-missing',
    severity: 'info',
    basis: 'info',
    title: 'expires_in is absent: valid (RECOMMENDED, not REQUIRED); the lifetime is the server default.',
    spec: 'RFC 6749 §5.1',
  },
  {
    id: 'expires-in-not-number',
    severity: 'warning',
    basis: 'strict',
    reason: 'schema-validating clients reject a string expires_in (oauth4webapi accepts it)',
    title: 'expires_in is a numeric string ("3600"): oauth4webapi accepts it, schema-validating clients reject it.',
    spec: 'RFC 6749 §5.1, Appendix A.14',
  },
  {
    id: 'grant-type-code-not-supported',
    severity: 'error',
    basis: 'spec',
    title: 'grant_types_supported does not list authorization_code.',
    spec: 'RFC 8414 §2; OIDC Discovery §3',
  },
  {
    id: 'granted-scope-narrower',
    severity: 'warning',
    basis: 'spec',
    title: 'The token lacks scopes the MCP server asked for in its challenge.',
    spec: 'RFC 6749 §3.3, §5.1; MCP 2025-11-25 Scope Selection Strategy',
  },
  {
    id: 'id-token-not-jwt',
    severity: 'error',
    basis: 'spec',
    title: 'The id_token is not a JWT.',
    spec: 'OIDC Core §2, §3.1.3.3',
  },
  {
    id: 'id-token-rs256-not-advertised',
    severity: 'warning',
    basis: 'spec',
    title: 'id_token_signing_alg_values_supported does not include RS256.',
    spec: 'OIDC Discovery §3',
  },
  {
    id: 'implicit-response-unexpected',
    severity: 'error',
    basis: 'spec',
    title: 'The callback carries id_token/token (implicit or hybrid flow) instead of only a code.',
    spec: 'RFC 9700 §2.1.2',
  },
  {
    id: 'insecure-endpoint',
    severity: 'error',
    basis: 'spec',
    title: 'An endpoint uses http:// where TLS is required.',
    spec: 'RFC 6749 §3.1, §3.2, §10.9; RFC 8414 §2',
  },
  {
    id: 'introspection-active',
    severity: 'info',
    basis: 'info',
    title: 'Introspection: the token is active.',
    spec: 'RFC 7662 §2.2',
  },
  {
    id: 'introspection-endpoint-missing',
    severity: 'info',
    basis: 'info',
    title: 'The metadata names no introspection_endpoint.',
    spec: 'RFC 8414 §2; RFC 7662',
  },
  {
    id: 'introspection-inactive',
    severity: 'info',
    basis: 'info',
    title: 'Introspection: the token is not active.',
    spec: 'RFC 7662 §2.2, §4',
  },
  {
    id: 'introspection-requires-client-auth',
    severity: 'varies',
    basis: 'spec',
    title:
      'Introspection refused the client: RFC 7662 requires the caller to be authorized (public clients often cannot).',
    spec: 'RFC 7662 §2.1, §2.3',
  },
  {
    id: 'introspection-unsupported-token-type',
    severity: 'info',
    basis: 'info',
    title: 'The server does not introspect this type of token.',
    spec: 'RFC 7662 §2.2, §2.3; RFC 7009 §2.2.1',
  },
  {
    id: 'invalid-response',
    severity: 'error',
    basis: 'spec',
    title: 'A response parsed but a member is missing or has the wrong type.',
    spec: 'RFC 6749 §5.1; RFC 8414 §3.2',
  },
  {
    id: 'invalid-url',
    severity: 'error',
    basis: 'client',
    title: 'A URL (configured or sent by the server) could not be parsed.',
    spec: 'RFC 3986 §4.3; RFC 8414 §2',
  },
  {
    id: 'iss-missing',
    severity: 'error',
    basis: 'spec',
    title: 'The server advertises RFC 9207 iss support but the callback has no iss parameter.',
    spec: 'RFC 9207 §2.4',
  },
  {
    id: 'iss-not-supported',
    severity: 'info',
    basis: 'info',
    title: 'The callback has no iss and the server does not advertise RFC 9207: allowed, but no mix-up defence.',
    spec: 'RFC 9207 §2, §3; RFC 9700 §4.4.2',
  },
  {
    id: 'iss-parameter-not-advertised',
    severity: 'info',
    basis: 'info',
    title: 'The metadata does not advertise authorization_response_iss_parameter_supported (RFC 9207).',
    spec: 'RFC 9207 §2, §3; RFC 9700 §4.4.2',
  },
  {
    id: 'issuer-invalid',
    severity: 'error',
    basis: 'spec',
    title: 'The metadata issuer is not an https URL without query and fragment.',
    spec: 'RFC 8414 §2; OIDC Discovery §3',
  },
  {
    id: 'issuer-mismatch',
    severity: 'error',
    basis: 'spec',
    title:
      'The metadata issuer is not identical to the expected issuer (trailing slash, case, scheme), or the RFC 9207 iss differs.',
    spec: 'RFC 8414 §3.3; OIDC Discovery §4.3; RFC 9207 §2.4',
  },
  {
    id: 'jarm-response-unexpected',
    severity: 'error',
    basis: 'spec',
    title: 'The callback is a JARM (response=) JWT although plain query parameters were requested.',
    spec: 'JARM §2',
  },
  {
    id: 'jwe-decryption-failed',
    severity: 'error',
    basis: 'spec',
    title: 'An encrypted token (JWE) could not be decrypted.',
    spec: 'RFC 7516 §5.2',
  },
  {
    id: 'jwe-invalid',
    severity: 'error',
    basis: 'spec',
    title: 'An encrypted token (JWE) is malformed.',
    spec: 'RFC 7516 §9',
  },
  {
    id: 'jwe-not-supported',
    severity: 'error',
    basis: 'client',
    title: 'The token is encrypted (JWE) and the playground does not decrypt.',
    spec: 'OIDC Core §3.1.3.7; RFC 7516',
  },
  {
    id: 'jwk-invalid',
    severity: 'error',
    basis: 'spec',
    title: 'A JSON Web Key is malformed.',
    spec: 'RFC 7517 §4',
  },
  {
    id: 'jwks-duplicate-kid',
    severity: 'warning',
    basis: 'spec',
    title: 'Several keys of the same type share one kid.',
    spec: 'RFC 7517 §4.5; OIDC Core §10.1',
  },
  {
    id: 'jwks-empty',
    severity: 'warning',
    basis: 'spec',
    title: 'The JWKS has an empty keys array: no signature can be verified.',
    spec: 'RFC 7517 §5',
  },
  {
    id: 'jwks-fetch-failed',
    severity: 'error',
    basis: 'spec',
    title: 'jwks_uri answered with a non-200 status or a non-JSON body.',
    spec: 'RFC 7517 §5; OIDC Discovery §3',
  },
  {
    id: 'jwks-invalid',
    severity: 'error',
    basis: 'spec',
    title: 'The JWKS is not a JWK Set ({"keys": [...]}) or holds malformed keys.',
    spec: 'RFC 7517 §5',
  },
  {
    id: 'jwks-key-not-for-signing',
    severity: 'info',
    basis: 'info',
    title: 'A JWKS key is marked for encryption (use/key_ops) and will not verify signatures.',
    spec: 'RFC 7517 §4.2, §4.3',
  },
  {
    id: 'jwks-kid-missing',
    severity: 'warning',
    basis: 'spec',
    title: 'The JWKS has several signing keys and some have no kid.',
    spec: 'OIDC Core §10.1; RFC 7517 §4.5',
  },
  {
    id: 'jwks-kty-missing',
    severity: 'error',
    basis: 'spec',
    title: 'A JWKS key has no kty.',
    spec: 'RFC 7517 §4.1',
  },
  {
    id: 'jwks-multiple-keys',
    severity: 'varies',
    basis: 'spec',
    title: 'Several JWKS keys match and the JWT has no kid to pick one.',
    spec: 'OIDC Core §10.1',
  },
  {
    id: 'jwks-no-matching-key',
    severity: 'varies',
    basis: 'spec',
    title: 'No key in the JWKS matches the JWT header (kid/alg/kty/use).',
    spec: 'OIDC Core §10.1.1',
  },
  {
    id: 'jwks-private-key-exposed',
    severity: 'error',
    basis: 'spec',
    title: 'The JWKS publishes private or symmetric key material (d, p, q, k, …): rotate immediately.',
    spec: 'OIDC Discovery §3; RFC 7517 §5',
  },
  {
    id: 'jwks-timeout',
    severity: 'error',
    basis: 'spec',
    title: 'jwks_uri did not answer in time.',
    spec: 'OIDC Discovery §3',
  },
  {
    id: 'jwks-unavailable',
    severity: 'info',
    basis: 'info',
    title: 'No JWKS was available, so signatures were not checked.',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwks-weak-key',
    severity: 'error',
    basis: 'spec',
    title: 'An RSA key in the JWKS is shorter than 2048 bits.',
    spec: 'RFC 7518 §3.3',
  },
  {
    id: 'jwt-access-token-typ',
    severity: 'info',
    basis: 'info',
    reason: 'clients MUST treat access tokens as opaque (RFC 9068 §6); the resource server decides',
    title: 'A JWT access token lacks typ "at+jwt" (RFC 9068 profile; informational).',
    spec: 'RFC 9068 §2.1, §4',
  },
  {
    id: 'jwt-alg-config-missing',
    severity: 'error',
    basis: 'spec',
    title: 'No alg is configured or advertised to verify this JWT against.',
    spec: 'OIDC Discovery §3; RFC 8725 §3.1',
  },
  {
    id: 'jwt-alg-not-allowed',
    severity: 'error',
    basis: 'spec',
    title: 'The JWT alg is not the expected/advertised one.',
    spec: 'OIDC Core §3.1.3.7; OIDC Discovery §3',
    // for alg none the exchange's refusal and the Tokens step's 'not signed' are the same cause
    supersedes: ['jwt-alg-unsupported'],
  },
  {
    id: 'jwt-alg-unsupported',
    severity: 'varies',
    basis: 'spec',
    title: 'The JWT alg (or key type/curve) is not supported (e.g. none).',
    spec: 'RFC 7518 §3.1; RFC 8725 §3.1',
  },
  {
    id: 'jwt-at-hash-mismatch',
    severity: 'warning',
    basis: 'strict',
    reason:
      'OIDC Core §3.1.3.8 makes at_hash optional in the code flow and its check a MAY (oauth4webapi skips it), but openid-client (v4–v5) checks it when present and rejects the ID Token on a mismatch',
    title: 'The ID Token at_hash does not match the access token it came with.',
    spec: 'OIDC Core §3.1.3.8, §3.2.2.9',
  },
  {
    id: 'jwt-audience-mismatch',
    severity: 'varies',
    basis: 'spec',
    title: 'The JWT aud does not contain the expected client_id / resource.',
    spec: 'OIDC Core §3.1.3.7; RFC 9068 §4',
  },
  {
    id: 'jwt-auth-time-too-old',
    severity: 'error',
    basis: 'spec',
    title: 'auth_time is older than the requested max_age allows.',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-azp-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'The ID Token azp differs from the client_id.',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-azp-missing',
    severity: 'error',
    basis: 'strict',
    reason:
      'OIDC Core §3.1.3.7 says a client SHOULD check azp when there are several audiences; oauth4webapi rejects the token',
    title: 'The ID Token has several audiences but no azp claim.',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-claim-invalid',
    severity: 'varies',
    basis: 'spec',
    title: 'A JWT claim has the wrong type or an unacceptable value; data.claim names it.',
    spec: 'RFC 7519 §4.1; OIDC Core §2',
  },
  {
    id: 'jwt-claim-missing',
    severity: 'varies',
    basis: 'spec',
    title: 'A required JWT claim is absent; data.claim names it.',
    spec: 'OIDC Core §2; RFC 9068 §2.2',
  },
  {
    id: 'jwt-client-id-mismatch',
    severity: 'info',
    basis: 'info',
    reason: 'clients MUST treat access tokens as opaque (RFC 9068 §6); the resource server decides',
    title: 'The JWT access token client_id differs from this client (informational).',
    spec: 'RFC 9068 §2.2',
  },
  {
    id: 'jwt-crit-unsupported',
    severity: 'error',
    basis: 'spec',
    title: 'The JWT uses a crit header extension the client cannot process.',
    spec: 'RFC 7515 §4.1.11',
  },
  {
    id: 'jwt-expired',
    severity: 'varies',
    basis: 'spec',
    title: 'The JWT exp time has passed (or the clocks disagree).',
    spec: 'RFC 7519 §4.1.4; OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-hash-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'The ID Token c_hash / s_hash does not match the code / state.',
    spec: 'OIDC Core §3.3.2.11',
  },
  {
    id: 'jwt-iat-in-future',
    severity: 'warning',
    basis: 'strict',
    reason: 'strict clients reject an iat beyond their clock skew (the server clock or this computer’s is off)',
    title: 'The JWT iat is in the future: the server clock is ahead (or yours behind).',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-iat-invalid',
    severity: 'error',
    basis: 'spec',
    title: 'The JWT iat is in the future or too far in the past.',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-iat-too-old',
    severity: 'warning',
    basis: 'spec',
    title: 'The JWT was issued long ago (iat older than the accepted age).',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-issuer-mismatch',
    severity: 'varies',
    basis: 'spec',
    title: 'The JWT iss differs from the issuer identifier (exact string comparison).',
    spec: 'OIDC Core §3.1.3.7; RFC 9068 §4',
  },
  {
    id: 'jwt-malformed',
    severity: 'varies',
    basis: 'spec',
    title: 'The value is not a well-formed compact JWS/JWT.',
    spec: 'RFC 7515 §7.1; RFC 7519 §7.2',
    // oauth4webapi's parse of the ID token at the exchange; the Tokens step's id-token-not-jwt is the same cause
    supersedes: ['id-token-not-jwt'],
  },
  {
    id: 'jwt-nonce-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'The ID Token nonce differs from the one sent (or is missing).',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-nonce-unexpected',
    severity: 'warning',
    basis: 'spec',
    title: 'The ID Token carries a nonce although none was sent.',
    spec: 'OIDC Core §3.1.3.7',
  },
  {
    id: 'jwt-not-yet-valid',
    severity: 'varies',
    basis: 'spec',
    title: 'The JWT nbf time is in the future (or the clocks disagree).',
    spec: 'RFC 7519 §4.1.5',
  },
  {
    id: 'jwt-signature-invalid',
    severity: 'varies',
    basis: 'spec',
    title: 'A JWT signature does not verify with the key the server published.',
    spec: 'OIDC Core §3.1.3.7; RFC 7515 §5.2',
  },
  {
    id: 'jwt-subject-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'The JWT sub differs from the expected subject.',
    spec: 'OIDC Core §5.3.2',
  },
  {
    id: 'jwt-time-implausible',
    severity: 'varies',
    basis: 'strict',
    reason:
      'valid NumericDate syntax, but a 0 or pre-2000 auth_time breaks max_age checks (oauth4webapi, openid-client) and misleads every reader; access tokens: informational',
    title: 'A time claim (auth_time, iat, nbf, updated_at) is 0, before 2000, or auth_time is after iat.',
    spec: 'OIDC Core §2; RFC 7519 §2',
  },
  {
    id: 'jwt-typ-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'The JWT typ header is not the expected type.',
    spec: 'RFC 8725 §3.11; RFC 9068 §2.1',
  },
  {
    id: 'jwt-verify-error',
    severity: 'warning',
    basis: 'client',
    title: 'The JWT could not be verified for an unexpected reason.',
    spec: 'RFC 7519 §7.2',
  },
  {
    id: 'mcp-challenge-no-resource-metadata',
    severity: 'warning',
    basis: 'spec',
    title: 'The challenge does not name the protected resource metadata.',
    spec: 'RFC 9728 §5.1; MCP 2025-06-18 Authorization Server Location; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements',
  },
  {
    id: 'mcp-challenge-not-bearer',
    severity: 'error',
    basis: 'spec',
    title: 'The challenge is not a Bearer challenge.',
    spec: 'RFC 6750 §3; MCP 2025-11-25 Access Token Usage',
  },
  {
    id: 'mcp-initialize-failed',
    severity: 'error',
    basis: 'spec',
    title: 'The MCP initialize request with the access token failed.',
    spec: 'MCP 2025-11-25 Lifecycle; Transports (Streamable HTTP)',
  },
  {
    id: 'mcp-no-auth-required',
    severity: 'info',
    basis: 'info',
    title: 'The MCP server does not ask for authorization.',
    spec: 'MCP 2025-11-25 Authorization (Introduction)',
  },
  {
    id: 'mcp-pkce-not-advertised',
    severity: 'error',
    basis: 'spec',
    title: 'The authorization server does not advertise S256: MCP clients MUST refuse to proceed.',
    spec: 'MCP 2025-11-25 Authorization Code Protection; RFC 8414 §2; RFC 7636 §4.2',
    // The MCP refusal names the same missing S256 as the metadata linter, with what MCP clients do
    supersedes: ['pkce-s256-not-advertised'],
  },
  {
    id: 'mcp-probe-unexpected-status',
    severity: 'error',
    basis: 'spec',
    title: 'An initialize request without a token did not get 401.',
    spec: 'MCP 2025-11-25 Authorization (Authorization Server Discovery); RFC 9728 §5.1; RFC 6750 §3',
  },
  {
    id: 'mcp-session-id-not-exposed',
    severity: 'warning',
    basis: 'client',
    title: 'No Mcp-Session-Id is readable.',
    spec: 'MCP 2025-11-25 Transports (Session Management); Fetch standard (CORS-exposed headers)',
  },
  {
    id: 'mcp-token-rejected',
    severity: 'error',
    basis: 'spec',
    title: 'The MCP server refused the access token (audience, scope or signature).',
    spec: 'RFC 6750 §3.1; RFC 8707 §2; RFC 9068 §4; MCP 2025-11-25 Token Handling; MCP 2025-11-25 Scope Challenge Handling',
  },
  {
    id: 'mcp-tool-names-duplicate',
    severity: 'warning',
    basis: 'strict',
    reason: 'connectors key tools by name: one of the duplicates cannot be called',
    title: 'tools/list names a tool more than once; connectors key tools by name.',
    spec: 'MCP 2025-11-25 Server Features › Tools (Tool.name)',
  },
  {
    id: 'mcp-tools-list-failed',
    severity: 'error',
    basis: 'spec',
    title: 'The MCP tools/list request failed.',
    spec: 'MCP 2025-11-25 Tools',
  },
  {
    id: 'mcp-unreachable',
    severity: 'error',
    basis: 'client',
    title: 'The MCP server could not be read from this browser.',
    spec: 'MCP 2025-11-25 Transports (Streamable HTTP); RFC 9728 §5.1; Fetch standard (CORS)',
  },
  {
    id: 'mcp-url-invalid',
    severity: 'error',
    basis: 'client',
    title: 'The MCP server URL cannot be used.',
    spec: 'MCP 2025-11-25 Authorization (Communication Security); RFC 8707 §2',
  },
  {
    id: 'mcp-www-authenticate-not-exposed',
    severity: 'error',
    basis: 'client',
    title: 'The 401 has no WWW-Authenticate header the browser lets the page read.',
    spec: 'RFC 9728 §5.1; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements; Fetch standard (CORS-exposed headers)',
  },
  {
    id: 'metadata-content-type',
    severity: 'warning',
    basis: 'spec',
    title: 'The metadata parses as JSON but is not served as application/json.',
    spec: 'RFC 8414 §3.2; OIDC Discovery §4.2',
  },
  {
    id: 'metadata-contradictory',
    severity: 'varies',
    basis: 'spec',
    reason:
      'a warning only when a client following the metadata cannot comply (PAR required, no PAR endpoint); otherwise a note: the code flow is unaffected',
    title:
      'Metadata members contradict each other (response vs grant types, JWT client auth without algorithms, PAR required without endpoint).',
    spec: 'RFC 8414 §2; RFC 7591 §2.1; RFC 9126 §5',
  },
  {
    id: 'metadata-endpoint-not-https',
    severity: 'varies',
    basis: 'spec',
    title: 'A metadata endpoint or jwks_uri is not https (http on loopback: info only).',
    spec: 'RFC 8414 §2; RFC 6749 §3.1, §3.2',
  },
  {
    id: 'metadata-invalid-endpoint',
    severity: 'error',
    basis: 'spec',
    title: 'A metadata endpoint member is null, empty, relative or not a string.',
    spec: 'RFC 8414 §2; OIDC Discovery §3',
  },
  {
    id: 'metadata-member-type',
    severity: 'varies',
    basis: 'spec',
    title: 'A metadata member has the wrong JSON type (e.g. a *_supported member that is not an array).',
    spec: 'RFC 8414 §2; OIDC Discovery §3',
  },
  {
    id: 'metadata-missing-endpoint',
    severity: 'error',
    basis: 'spec',
    title: 'The server metadata lacks an endpoint the flow needs.',
    spec: 'RFC 8414 §2; OIDC Discovery §3',
  },
  {
    id: 'metadata-missing-member',
    severity: 'varies',
    basis: 'spec',
    title:
      'A REQUIRED metadata member is absent (issuer, endpoints, response_types_supported, jwks_uri for OIDC, …); data.member names it.',
    spec: 'RFC 8414 §2; OIDC Discovery §3',
  },
  {
    id: 'metadata-not-object',
    severity: 'error',
    basis: 'spec',
    title: 'The metadata document is not a JSON object.',
    spec: 'RFC 8414 §3.2; OIDC Discovery §4.2',
  },
  {
    id: 'metadata-too-large',
    severity: 'warning',
    basis: 'strict',
    reason: 'strict clients cap document sizes; the metadata is a small flat object',
    title: 'The metadata document is unusually large or deeply nested; it is not kept for display.',
    spec: 'RFC 8414 §2, §3.2',
  },
  {
    id: 'metadata-unsafe-url',
    severity: 'warning',
    basis: 'strict',
    reason: 'a human-readable metadata URL that is not https is not shown as a link',
    title: 'service_documentation / op_policy_uri / op_tos_uri is not https; it is shown as text, not linked.',
    spec: 'RFC 8414 §2; OIDC Discovery §3',
  },
  {
    id: 'metadata-zero-element-array',
    severity: 'warning',
    basis: 'spec',
    title: 'A metadata member is an empty array; zero-element claims MUST be omitted.',
    spec: 'RFC 8414 §3.2',
  },
  {
    id: 'no-pending-flow',
    severity: 'error',
    basis: 'client',
    title: 'An authorization response arrived but no flow was started in this tab and origin.',
    spec: 'RFC 6749 §10.12; RFC 9700 §4.7',
  },
  {
    id: 'oauth-error-response',
    severity: 'varies',
    basis: 'spec',
    title: 'An endpoint other than the token endpoint answered with an OAuth error body.',
    spec: 'RFC 6749 §5.2',
  },
  {
    id: 'par-cors',
    severity: 'error',
    basis: 'spec',
    title:
      'The pushed authorization request endpoint cannot be called from the page (CORS on the POST or its preflight).',
    spec: 'RFC 9126 §2; browser-apps §6.3.3.4; Fetch §3.2',
  },
  {
    id: 'par-expires-in',
    severity: 'varies',
    basis: 'spec',
    reason:
      'REQUIRED positive integer (a warning when missing or not positive); information when far above the typical 5–600 s',
    title: 'The PAR response’s expires_in is missing, not a positive number, or unusually long.',
    spec: 'RFC 9126 §2.2',
  },
  {
    id: 'par-ignores-pkce',
    severity: 'warning',
    basis: 'spec',
    title:
      'A probe pushed an authorization request without code_challenge and the PAR endpoint accepted it, although PKCE is required.',
    spec: 'RFC 9126 §2.1; RFC 9700 §2.1.1; RFC 7636 §4.4.1',
  },
  {
    id: 'par-pkce-enforced',
    severity: 'info',
    basis: 'info',
    title: 'The PAR endpoint refuses a pushed request without code_challenge (probe).',
    spec: 'RFC 9126 §2.1; RFC 9700 §2.1.1',
  },
  {
    id: 'par-request-uri-shape',
    severity: 'varies',
    basis: 'spec',
    reason:
      'the format is the server’s choice: a warning when request_uri is not an absolute URI, information when it lacks the registered urn:ietf:params:oauth:request_uri: prefix',
    title:
      'The request_uri of the PAR response is not an absolute URI, or not a urn:ietf:params:oauth:request_uri: URN.',
    spec: 'RFC 9126 §2.2, §7.1; RFC 9101 §5',
  },
  {
    id: 'par-required',
    severity: 'error',
    basis: 'client',
    reason: 'the server requires pushed authorization requests and this flow sent a plain one',
    title:
      'The server requires PAR (require_pushed_authorization_requests) and refused the plain authorization request.',
    spec: 'RFC 9126 §5, §6',
  },
  {
    id: 'pkce-downgrade-accepted',
    severity: 'error',
    basis: 'spec',
    title: 'PKCE can be bypassed: a code bound to a challenge was redeemed without code_verifier.',
    spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1, §4.8.2',
  },
  {
    id: 'pkce-downgrade-rejected',
    severity: 'info',
    basis: 'info',
    title: 'A missing code_verifier is rejected.',
    spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1',
  },
  {
    id: 'pkce-enforced',
    severity: 'info',
    basis: 'info',
    title: 'A wrong code_verifier is rejected.',
    spec: 'RFC 7636 §4.6',
  },
  {
    id: 'pkce-method-not-advertised',
    severity: 'warning',
    basis: 'client',
    title: 'The selected PKCE method is not listed in code_challenge_methods_supported.',
    spec: 'RFC 8414 §2; RFC 7636 §4.2',
  },
  {
    id: 'pkce-not-enforced',
    severity: 'error',
    basis: 'spec',
    title: 'PKCE is not enforced: a wrong code_verifier was accepted.',
    spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1',
  },
  {
    id: 'pkce-not-required',
    severity: 'varies',
    basis: 'spec',
    title: 'An authorization request without code_challenge gets a code (public clients must use PKCE).',
    spec: 'RFC 9700 §2.1.1; draft-ietf-oauth-browser-based-apps §6.3.2.1',
  },
  {
    id: 'pkce-plain-accepted',
    severity: 'varies',
    basis: 'spec',
    title: 'code_challenge_method=plain is accepted (and advertised).',
    spec: 'RFC 7636 §4.2; RFC 9700 §2.1.1',
  },
  {
    id: 'pkce-plain-refused',
    severity: 'info',
    basis: 'info',
    title: 'code_challenge_method=plain is refused.',
    spec: 'RFC 7636 §4.4.1; RFC 9700 §2.1.1',
  },
  {
    id: 'pkce-plain-selected',
    severity: 'warning',
    basis: 'client',
    title: 'PKCE plain was chosen: the verifier itself is sent as the challenge.',
    spec: 'RFC 7636 §4.2, §7.2; RFC 9700 §2.1.1',
  },
  {
    id: 'pkce-required',
    severity: 'info',
    basis: 'info',
    title: 'An authorization request without code_challenge is refused.',
    spec: 'RFC 9700 §2.1.1, §4.8.2; RFC 7636 §4.4.1',
  },
  {
    id: 'pkce-s256-not-advertised',
    severity: 'error',
    basis: 'spec',
    reason:
      'RFC 9700 §2.1.1 (servers MUST let clients detect PKCE support; RFC 8414 §2: omitted means no PKCE); MCP clients MUST refuse without S256',
    profiles: { oauth: 'warning', oidc: 'warning', mcp: 'error' },
    title: 'code_challenge_methods_supported is absent (= no PKCE) or lacks S256; MCP clients must refuse to proceed.',
    spec: 'RFC 8414 §2; RFC 7636 §4.2; RFC 9700 §2.1.1',
  },
  {
    id: 'pkce-verifier-edited',
    severity: 'info',
    basis: 'client',
    title: 'The code_verifier sent does not match the code_challenge (deliberate PKCE test).',
    spec: 'RFC 7636 §4.6',
  },
  {
    id: 'pkce-verifier-invalid',
    severity: 'error',
    basis: 'client',
    title: 'The code_verifier is not 43-128 characters of [A-Za-z0-9-._~].',
    spec: 'RFC 7636 §4.1',
  },
  {
    id: 'playground-bug',
    severity: 'error',
    basis: 'client',
    title: 'The playground called a library wrongly: a bug in the playground, not the server.',
    spec: '—',
  },
  {
    id: 'prm-challenge-url-failed',
    severity: 'warning',
    basis: 'spec',
    title: 'The resource_metadata URL from the challenge did not work.',
    spec: 'RFC 9728 §5.1; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements',
  },
  {
    id: 'prm-missing',
    severity: 'error',
    basis: 'spec',
    title: 'No usable protected resource metadata was found.',
    spec: 'RFC 9728 §3, §5.1; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements',
  },
  {
    id: 'prm-no-authorization-servers',
    severity: 'error',
    basis: 'spec',
    title: 'The protected resource metadata names no authorization server.',
    spec: 'RFC 9728 §2; MCP 2025-11-25 Authorization Server Location',
  },
  {
    id: 'prm-resource-mismatch',
    severity: 'varies',
    basis: 'spec',
    title: 'The protected resource metadata "resource" is not exactly the MCP server URL.',
    spec: 'RFC 9728 §3.3, §7.3; RFC 8707 §2; MCP 2025-11-25 Canonical Server URI',
  },
  {
    id: 'prm-several-authorization-servers',
    severity: 'info',
    basis: 'info',
    title: 'The protected resource metadata lists several authorization servers; the first is used.',
    spec: 'RFC 9728 §2; MCP 2025-11-25 Authorization Server Location',
  },
  {
    id: 'probe-inconclusive',
    severity: 'info',
    basis: 'info',
    title: 'A server probe could not decide (network, CORS, client authentication or an error redirect).',
    spec: '—',
  },
  {
    id: 'redirect-uri-checked',
    severity: 'info',
    basis: 'info',
    title: 'A different redirect_uri at the token endpoint is rejected.',
    spec: 'RFC 6749 §4.1.3',
  },
  {
    id: 'redirect-uri-not-checked',
    severity: 'error',
    basis: 'spec',
    title: 'redirect_uri is not checked at the token endpoint.',
    spec: 'RFC 6749 §4.1.3, §10.6',
  },
  {
    id: 'refresh-endpoint-missing',
    severity: 'info',
    basis: 'info',
    title: 'No token endpoint to send the refresh_token grant to.',
    spec: 'RFC 8414 §2',
  },
  {
    id: 'refresh-id-token-claims-changed',
    severity: 'error',
    basis: 'spec',
    title: 'A refreshed ID token changed iss, sub or aud.',
    spec: 'OpenID Connect Core 1.0 §12.2',
  },
  {
    id: 'refresh-id-token-consistent',
    severity: 'info',
    basis: 'info',
    title: 'The refreshed ID Token keeps iss, sub and aud.',
    spec: 'OpenID Connect Core 1.0 §12.2',
  },
  {
    id: 'refresh-id-token-nonce',
    severity: 'varies',
    basis: 'spec',
    title: 'A refreshed ID token carries a nonce (SHOULD NOT).',
    spec: 'OpenID Connect Core 1.0 §12.2',
  },
  {
    id: 'refresh-rejected',
    severity: 'error',
    basis: 'spec',
    title: 'The refresh_token grant was rejected (the OAuth error is in data).',
    spec: 'RFC 6749 §5.2, §6',
  },
  {
    id: 'refresh-token-not-rotated',
    severity: 'varies',
    basis: 'spec',
    reason:
      'a warning only for a public client whose refresh token is neither rotated nor sender-constrained (RFC 9700 §4.14.2 asks for one of the two); a note for confidential clients and for DPoP-bound refresh tokens (RFC 9449 §5)',
    title: 'The refresh response keeps the same refresh token (public clients should rotate).',
    spec: 'RFC 9700 §4.14.2; draft-ietf-oauth-browser-based-apps §6.3.2.3; RFC 6749 §6',
  },
  {
    id: 'refresh-token-not-verified',
    severity: 'info',
    basis: 'info',
    title: 'The refresh token is opaque to the client and is never inspected.',
    spec: 'RFC 6749 §1.5',
  },
  {
    id: 'refresh-token-rotated',
    severity: 'info',
    basis: 'info',
    title: 'The refresh token was rotated.',
    spec: 'RFC 6749 §6; RFC 9700 §4.14.2; draft-ietf-oauth-browser-based-apps §6.3.2.3',
  },
  {
    id: 'registration-changed-metadata',
    severity: 'varies',
    basis: 'spec',
    reason:
      'an error when the client was registered with an auth method a browser cannot use or without the redirect URI; a warning otherwise, including a response that omits token_endpoint_auth_method without issuing a secret (the client can only be public)',
    title: 'Dynamic Client Registration changed what was asked (auth method, redirect URIs, …).',
    spec: 'RFC 7591 §2, §3.2.1',
  },
  {
    id: 'registration-cimd',
    severity: 'info',
    basis: 'info',
    title: "Using the playground's Client ID Metadata Document.",
    spec: 'MCP 2025-11-25 Client ID Metadata Documents; draft-ietf-oauth-client-id-metadata-document',
  },
  {
    id: 'registration-client-id-missing',
    severity: 'error',
    basis: 'spec',
    title: 'The registration response has no client_id.',
    spec: 'RFC 7591 §3.2.1',
  },
  {
    id: 'registration-endpoint-missing',
    severity: 'info',
    basis: 'info',
    title: 'No registration_endpoint (nor Client ID Metadata Documents): connectors cannot register themselves.',
    spec: 'RFC 7591 §3; RFC 8414 §2',
  },
  {
    id: 'registration-pre-registered',
    severity: 'info',
    basis: 'client',
    title: 'Using the pre-registered client id.',
    spec: 'MCP 2025-11-25 Client Registration Approaches',
  },
  {
    id: 'registration-rejected',
    severity: 'varies',
    basis: 'spec',
    title: 'The dynamic client registration endpoint answered with an OAuth error.',
    spec: 'RFC 7591 §3.2.2',
  },
  {
    id: 'registration-status-not-201',
    severity: 'warning',
    basis: 'strict',
    reason: 'spec says 201 Created (RFC 7591 §3.2.1); oauth4webapi and strict clients refuse another status',
    title: 'Dynamic Client Registration succeeded with a status other than 201 Created.',
    spec: 'RFC 7591 §3.2.1',
  },
  {
    id: 'registration-unavailable',
    severity: 'error',
    basis: 'spec',
    title: 'No way to get a client id automatically.',
    spec: 'MCP 2025-11-25 Client Registration Approaches; RFC 7591',
  },
  {
    id: 'request-timeout',
    severity: 'warning',
    basis: 'client',
    title: 'The request took longer than the playground waits.',
    spec: '—',
  },
  {
    id: 'resource-challenge',
    severity: 'info',
    basis: 'info',
    title: 'The protected resource answered with a WWW-Authenticate challenge.',
    spec: 'RFC 6750 §3, §3.1; RFC 9728 §5.1',
  },
  {
    id: 'resource-forbidden',
    severity: 'info',
    basis: 'info',
    title: 'The resource answered 403 without a readable challenge.',
    spec: 'RFC 6750 §3.1',
  },
  {
    id: 'resource-insufficient-scope',
    severity: 'warning',
    basis: 'spec',
    title: 'The resource needs more scope (403 insufficient_scope).',
    spec: 'RFC 6750 §3.1 (insufficient_scope); RFC 9728 §5.1',
  },
  {
    id: 'resource-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'Protected resource metadata "resource" differs from the resource it was fetched for.',
    spec: 'RFC 9728 §3.3',
  },
  {
    id: 'resource-redirected',
    severity: 'info',
    basis: 'info',
    title: 'The resource answered with a redirect.',
    spec: 'RFC 6750 §3; RFC 9700 §4.3',
  },
  {
    id: 'resource-server-check-failed',
    severity: 'error',
    basis: 'client',
    title: 'A resource-server-side request check failed (not part of the client flow).',
    spec: 'RFC 6750 §2.1; RFC 9449 §7',
  },
  {
    id: 'response-in-fragment',
    severity: 'varies',
    basis: 'spec',
    reason:
      'an error when the whole response is in the fragment (a code-flow client reads the query only, so state and iss were not missing: they were elsewhere); a warning when the query has it too',
    title: 'Authorization response parameters arrived in the URL fragment instead of the query.',
    spec: 'RFC 6749 §4.1.2, §3.1.2',
  },
  {
    id: 'response-mode-query-not-supported',
    severity: 'warning',
    basis: 'strict',
    reason: 'clients of a static page need query (the default); most clients do not read this list',
    title: 'response_modes_supported does not list query.',
    spec: 'RFC 8414 §2; OAuth Multiple Response Type Encoding §2.1',
  },
  {
    id: 'response-not-json',
    severity: 'error',
    basis: 'spec',
    title: 'The response is not JSON (often an HTML error, login or WAF page).',
    spec: 'RFC 6749 §5.1, §5.2; RFC 8414 §3.2',
  },
  {
    id: 'response-parse-error',
    severity: 'error',
    basis: 'spec',
    title: 'The response claims to be JSON but does not parse.',
    spec: 'RFC 8259',
  },
  {
    id: 'response-status',
    severity: 'error',
    basis: 'spec',
    title: 'The endpoint answered with an unexpected HTTP status code.',
    spec: 'RFC 6749 §5.1; RFC 8414 §3.2',
  },
  {
    id: 'response-status-5xx',
    severity: 'error',
    basis: 'spec',
    title: 'The endpoint answered with a 5xx: the server crashed instead of answering per spec.',
    spec: 'RFC 6749 §5.2',
  },
  {
    id: 'response-too-large',
    severity: 'error',
    basis: 'client',
    title:
      'A response is larger than the playground reads (256 KiB): its size, the cap and its first bytes; it is not parsed.',
    spec: 'RFC 6749 §5.1; RFC 8259 §9',
  },
  {
    id: 'response-type-code-not-supported',
    severity: 'error',
    basis: 'spec',
    title: 'response_types_supported does not list code.',
    spec: 'RFC 8414 §2; RFC 6749 §4.1.1',
  },
  {
    id: 'revocation-endpoint-missing',
    severity: 'info',
    basis: 'info',
    title: 'The metadata names no revocation_endpoint.',
    spec: 'RFC 8414 §2; RFC 7009',
  },
  {
    id: 'revocation-invalid-token-error',
    severity: 'warning',
    basis: 'spec',
    title: 'Revocation answered an error for an invalid token (RFC 7009 says 200).',
    spec: 'RFC 7009 §2.2',
  },
  {
    id: 'revocation-ok',
    severity: 'info',
    basis: 'info',
    title: 'Revocation answered 200.',
    spec: 'RFC 7009 §2.2',
  },
  {
    id: 'revocation-requires-client-auth',
    severity: 'warning',
    basis: 'spec',
    title: 'Revocation refused the client: it requires client authentication.',
    spec: 'RFC 7009 §2.1; draft-ietf-oauth-browser-based-apps §6.3.3.1',
  },
  {
    id: 'revocation-unsupported-token-type',
    severity: 'info',
    basis: 'info',
    title: 'The server does not revoke this type of token.',
    spec: 'RFC 7009 §2.2.1',
  },
  {
    id: 'state-mismatch',
    severity: 'error',
    basis: 'client',
    title: 'The callback state differs from the one this run sent (CSRF protection).',
    spec: 'RFC 6749 §4.1.2, §10.12',
  },
  {
    id: 'state-missing',
    severity: 'error',
    basis: 'client',
    title: 'The callback carries no state although one was sent.',
    spec: 'RFC 6749 §4.1.2',
  },
  {
    id: 'state-unexpected',
    severity: 'error',
    basis: 'client',
    title: 'The callback carries a state although none was sent.',
    spec: 'RFC 6749 §4.1.2',
  },
  {
    id: 'token-encrypted',
    severity: 'varies',
    basis: 'spec',
    title: 'A token is encrypted (JWE); its content cannot be shown.',
    spec: 'RFC 7516; OIDC Core §3.1.3.7',
  },
  {
    id: 'token-request-rejected',
    severity: 'error',
    basis: 'spec',
    title: 'The token endpoint answered 4xx/5xx; data.status and data.error (the OAuth error code or null).',
    spec: 'RFC 6749 §5.2',
  },
  {
    id: 'token-response-5xx',
    severity: 'error',
    basis: 'spec',
    title: 'The token endpoint answered 5xx: OAuth errors use 400 JSON; strict clients show a generic failure.',
    spec: 'RFC 6749 §5.2; OIDC Core §3.1.3.4',
    // a 5xx was also token-request-rejected with the same title; this one's text names the body's error code
    // if there is one (oauth4webapi does not parse 5xx bodies): shown once, here
    supersedes: ['token-request-rejected'],
  },
  {
    id: 'token-response-access-token-missing',
    severity: 'error',
    basis: 'spec',
    title: 'The token response has no non-empty string access_token.',
    spec: 'RFC 6749 §5.1',
    // the library's finding (oauth4webapi) names the same member without the raw value: shown once, here
    supersedes: ['invalid-response'],
  },
  {
    id: 'token-response-cache-control',
    severity: 'warning',
    basis: 'spec',
    title: 'The token response lacks Cache-Control: no-store.',
    spec: 'RFC 6749 §5.1; OIDC Core §3.1.3.3',
  },
  {
    id: 'token-response-content-type',
    severity: 'warning',
    basis: 'spec',
    title: 'The token response is JSON but not served as application/json.',
    spec: 'RFC 6749 §5.1',
  },
  {
    id: 'token-response-error-with-200',
    severity: 'error',
    basis: 'spec',
    title: 'The token endpoint answered 2xx with an "error" member (GitHub style).',
    spec: 'RFC 6749 §5.2',
  },
  {
    id: 'token-response-extra-members',
    severity: 'info',
    basis: 'info',
    title: 'The token response has members beyond the defined ones: valid, clients ignore them.',
    spec: 'RFC 6749 §5.1',
  },
  {
    id: 'token-response-id-token-missing',
    severity: 'error',
    basis: 'spec',
    title: 'openid was requested but the token response has no id_token.',
    spec: 'OIDC Core §3.1.3.3',
    // the library's finding (oauth4webapi) names the same member without the raw value: shown once, here
    supersedes: ['invalid-response'],
  },
  {
    id: 'token-response-member-type',
    severity: 'error',
    basis: 'spec',
    title: 'refresh_token, scope, id_token or token_type is null or has the wrong type; data.member names it.',
    spec: 'RFC 6749 §5.1; OIDC Core §3.1.3.3',
    // the library's finding (oauth4webapi) names the same member without the raw value: shown once, here
    supersedes: ['invalid-response'],
  },
  {
    id: 'token-response-not-json',
    severity: 'error',
    basis: 'spec',
    title: 'A successful token response is HTML, text, form-encoded, empty or broken JSON.',
    spec: 'RFC 6749 §5.1',
    // the library's parse error of the same body: shown once, here
    supersedes: ['response-parse-error'],
  },
  {
    id: 'token-response-not-object',
    severity: 'error',
    basis: 'spec',
    title: 'The token response is JSON but not an object.',
    spec: 'RFC 6749 §5.1',
  },
  {
    id: 'token-response-scope-differs',
    severity: 'info',
    basis: 'info',
    title: 'The granted scope differs from the requested scope.',
    spec: 'RFC 6749 §3.3, §5.1',
  },
  {
    id: 'token-response-status',
    severity: 'error',
    basis: 'spec',
    title: 'The token endpoint answered a status other than 200 for success (2xx, 3xx).',
    spec: 'RFC 6749 §5.1',
  },
  {
    id: 'token-type-missing',
    severity: 'error',
    basis: 'spec',
    title: 'The token response has no token_type.',
    spec: 'RFC 6749 §5.1, §7.1',
    // the library's finding (oauth4webapi) names the same member without the raw value: shown once, here
    supersedes: ['invalid-response'],
  },
  {
    id: 'token-type-not-bearer',
    severity: 'varies',
    basis: 'strict',
    reason:
      'a case difference is valid (RFC 6749 §5.1), yet clients that copy it into "Authorization: bearer …" meet resource servers that compare the scheme exactly and answer 401 (Linear and Amplitude MCP servers); an unknown type breaks §7.1',
    title:
      'token_type is not exactly "Bearer": a warning when only the case differs (valid per spec; it fails where a client copies it into the Authorization header and the resource server compares exactly), an error when it is not a known type.',
    spec: 'RFC 6749 §5.1, §7.1; OIDC Core §3.1.3.3',
  },
  {
    id: 'token-type-unsupported',
    severity: 'error',
    basis: 'spec',
    title: 'token_type is neither Bearer nor DPoP (oauth4webapi refuses it).',
    spec: 'RFC 6749 §7.1',
    // An unknown type (JWT, mac) is against RFC 6749 §7.1, not only strict: the linter's
    // token-type-not-bearer for the same value is shown once, as this one
    supersedes: ['token-type-not-bearer'],
  },
  {
    id: 'unknown-error',
    severity: 'error',
    basis: 'client',
    title: 'Something failed that the playground does not recognise.',
    spec: '—',
  },
  {
    id: 'unsupported-operation',
    severity: 'error',
    basis: 'client',
    title: 'The server response needs a feature oauth4webapi does not support.',
    spec: '—',
  },
  {
    id: 'userinfo-endpoint-missing',
    severity: 'info',
    basis: 'info',
    title: 'The metadata names no userinfo_endpoint.',
    spec: 'OpenID Connect Discovery 1.0 §3',
  },
  {
    id: 'userinfo-jwt-expected',
    severity: 'error',
    basis: 'spec',
    title: 'A signed (JWT) UserInfo response was expected but plain JSON came back.',
    spec: 'OIDC Core §5.3.2',
  },
  {
    id: 'userinfo-sub-mismatch',
    severity: 'error',
    basis: 'spec',
    title: 'UserInfo sub differs from the ID Token sub.',
    spec: 'OIDC Core §5.3.2',
  },
  {
    id: 'userinfo-sub-not-compared',
    severity: 'info',
    basis: 'info',
    title: 'UserInfo sub not compared (no ID Token).',
    spec: 'OpenID Connect Core 1.0 §5.3.2',
  },
  {
    id: 'userinfo-token-rejected',
    severity: 'varies',
    basis: 'spec',
    title: 'UserInfo refused the access token (often: a JWT access token for another audience).',
    spec: 'OpenID Connect Core 1.0 §5.3.1, §5.3.3; RFC 6750 §3.1',
  },
  {
    id: 'verifier-without-challenge-accepted',
    severity: 'error',
    basis: 'spec',
    title: 'PKCE downgrade possible: a code_verifier is accepted for a code issued without challenge.',
    spec: 'RFC 9700 §2.1.1, §4.8.2',
  },
  {
    id: 'verifier-without-challenge-rejected',
    severity: 'info',
    basis: 'info',
    title: 'A code_verifier without a prior code_challenge is rejected.',
    spec: 'RFC 9700 §2.1.1, §4.8.2',
  },
  {
    id: 'www-authenticate-challenge',
    severity: 'error',
    basis: 'spec',
    title: 'The server answered with a WWW-Authenticate challenge instead of the expected response.',
    spec: 'RFC 6750 §3; RFC 9110 §11.6.1',
  },
  {
    id: 'www-authenticate-missing',
    severity: 'varies',
    basis: 'spec',
    title: 'A same-origin 401 has no WWW-Authenticate header.',
    spec: 'RFC 6749 §5.2; RFC 9110 §15.5.2',
  },
  {
    id: 'www-authenticate-not-exposed',
    severity: 'info',
    basis: 'client',
    title: 'A cross-origin 401 whose WWW-Authenticate header, if any, is not in Access-Control-Expose-Headers.',
    spec: 'Fetch §3.2.6; RFC 6749 §5.2',
  },
  {
    id: 'www-authenticate-unparseable',
    severity: 'error',
    basis: 'spec',
    title: 'The WWW-Authenticate header cannot be parsed.',
    spec: 'RFC 9110 §11.6.1; RFC 6750 §3',
  },
] as const satisfies readonly CatalogueEntry[]

/**
 * Every finding id, as a type: the one list of ids is the catalogue itself (as jose derives its
 * error codes from its error classes). An id that is not catalogued does not compile.
 */
export type FindingId = (typeof CATALOGUE)[number]['id']

const BY_ID: ReadonlyMap<string, CatalogueEntry> = new Map(CATALOGUE.map((e) => [e.id, e]))

/** The catalogue entry of a finding id, if catalogued. */
export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return BY_ID.get(id)
}

/** Is this string a catalogued finding id? (for ids read from data, e.g. a pasted report) */
export function isFindingId(id: string): id is FindingId {
  return BY_ID.has(id)
}

function cell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
}

const BASIS_LABEL: Record<Basis, string> = {
  spec: 'spec',
  strict: 'strict clients',
  client: 'this client',
  info: 'information',
}

/**
 * The catalogue as the Markdown that README.md shows between `<!-- catalogue:start -->` and
 * `<!-- catalogue:end -->`: a short note and a table id | severity per profile | basis | meaning | spec.
 */
export function renderCatalogueMarkdown(): string {
  const lines = [
    '_Generated from `src/lib/model/catalogue.ts`; do not edit by hand (run `UPDATE_CATALOGUE=1 npx vitest run src/lib/model/catalogue.test.ts`)._',
    '',
    '_Severity per profile: **OAuth** (a plain OAuth public client), **OIDC** (scope `openid`), **MCP** (starting from an MCP server). `varies`: the same id is an error, a warning or information depending on what was observed. **Basis**: `spec` — the server breaks a MUST or SHOULD of the cited spec; `strict clients` — valid per spec, but strict clients reject it; `this client` — about this client, its configuration or this browser; `information`. The severity is decided here, from the id and the profile; what the run learns (PKCE shown to be enforced, a public client that got tokens) can change the text of a finding, never hide it. One cause is one finding: where two checks name the same cause (the library and the raw-response linter, or the token exchange and the Tokens step), the meaning says which one is shown instead of which._',
    '',
    '| id | OAuth | OIDC | MCP | basis | meaning | spec |',
    '|---|---|---|---|---|---|---|',
  ]
  for (const e of CATALOGUE as readonly CatalogueEntry[]) {
    const sev = (p: Profile) => e.profiles?.[p] ?? e.severity
    const basis = e.reason ? `${BASIS_LABEL[e.basis]}: ${e.reason}` : BASIS_LABEL[e.basis]
    const instead = e.supersedes?.length ? ` Shown instead of ${e.supersedes.map((s) => `\`${s}\``).join(', ')}.` : ''
    lines.push(
      `| \`${e.id}\` | ${sev('oauth')} | ${sev('oidc')} | ${sev('mcp')} | ${cell(basis)} | ${cell(e.title + instead)} | ${cell(e.spec)} |`,
    )
  }
  return `${lines.join('\n')}\n`
}
