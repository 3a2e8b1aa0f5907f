// The standard OAuth error codes (the `error` of an error response or callback): what each means,
// what usually fixes it and where it is defined.

/** Explanation of one standard OAuth error code. */
export interface OAuthErrorCodeInfo {
  /** What the code means, in one or two sentences. */
  meaning: string
  /** What usually fixes it. */
  fix: string
  /** Where the code is defined. */
  spec: string
}

/**
 * Standard OAuth / OpenID Connect error codes (the `error` member of an error response or callback)
 * and how to read them.
 */
export const OAUTH_ERROR_CODES: Record<string, OAuthErrorCodeInfo> = {
  invalid_request: {
    meaning:
      'The request is missing a required parameter, has an invalid value, repeats a parameter or is otherwise malformed. At the authorization endpoint this is also the answer when the server requires PKCE and no code_challenge was sent, or when it does not support the code_challenge_method.',
    fix: 'Read the error_description for the parameter at fault and compare the request in the HTTP log with what the server expects (redirect_uri, response_type=code, code_challenge_method=S256, scope, resource).',
    spec: 'RFC 6749 §4.1.2.1, §5.2; RFC 7636 §4.4.1',
  },
  unauthorized_client: {
    meaning:
      'The client is not allowed to use this response type or grant type (e.g. the authorization_code grant is not enabled for this client_id).',
    fix: 'Enable the authorization code grant (response_type=code) for this client in the authorization server, or use a client that has it.',
    spec: 'RFC 6749 §4.1.2.1, §5.2',
  },
  access_denied: {
    meaning:
      'The user or the authorization server refused the request: the user clicked "deny", or a policy (user not assigned to the app, missing consent, conditional access) blocked it.',
    fix: 'Approve the request when asked; otherwise check the user is allowed to use this client and the requested scopes in the authorization server.',
    spec: 'RFC 6749 §4.1.2.1',
  },
  unsupported_response_type: {
    meaning: 'The authorization server does not support response_type=code (for this client).',
    fix: 'Enable the "code" response type for the client; check response_types_supported in the metadata.',
    spec: 'RFC 6749 §4.1.2.1; RFC 8414 §2',
  },
  invalid_scope: {
    meaning: 'A requested scope is unknown, malformed, or more than the client may ask for.',
    fix: 'Request only scopes listed in scopes_supported and allowed for this client; scopes are space-separated and case-sensitive.',
    spec: 'RFC 6749 §3.3, §4.1.2.1, §5.2',
  },
  server_error: {
    meaning:
      'The authorization server hit an unexpected condition. This code exists because an HTTP 500 cannot be delivered through a redirect.',
    fix: 'Look at the authorization server logs for the exception behind it.',
    spec: 'RFC 6749 §4.1.2.1',
  },
  temporarily_unavailable: {
    meaning: 'The authorization server is overloaded or under maintenance.',
    fix: 'Retry later; if it persists, check the server health.',
    spec: 'RFC 6749 §4.1.2.1',
  },
  invalid_client: {
    meaning:
      'Client authentication failed: unknown client_id, no client authentication, or a different authentication method than the one registered. The server MAY answer 401, and MUST answer 401 with a WWW-Authenticate header when the client authenticated with the Authorization header.',
    fix: 'Make the client authentication method match the registration: a public browser client uses "none" and sends only client_id in the body. After dynamic registration, check the server honoured token_endpoint_auth_method "none" (RFC 7591 defaults to client_secret_basic when it is omitted).',
    spec: 'RFC 6749 §2.3, §5.2; RFC 7591 §2',
  },
  invalid_grant: {
    meaning:
      'The authorization code (or refresh token) is not acceptable. Usual causes: the code expired (10 minutes at most is recommended), was already used once, was issued to another client, the redirect_uri differs from the one in the authorization request, or the code_verifier does not match the code_challenge (PKCE).',
    fix: 'Start a fresh authorization (codes are single-use), send the exact same redirect_uri in both requests, and send the code_verifier that produced the code_challenge. If the server logs say "PKCE", compare the S256 calculation (BASE64URL(SHA256(verifier)) without padding).',
    spec: 'RFC 6749 §4.1.2, §4.1.3, §5.2; RFC 7636 §4.6',
  },
  unsupported_grant_type: {
    meaning: 'The authorization server does not support grant_type=authorization_code (or the grant used).',
    fix: 'Enable the authorization_code grant on the server and for the client; check grant_types_supported.',
    spec: 'RFC 6749 §5.2',
  },
  interaction_required: {
    meaning: 'prompt=none was requested but the server needs the user to interact (log in, consent, pick an account).',
    fix: 'Retry without prompt=none so the user can interact.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  login_required: {
    meaning:
      'prompt=none was requested but the user is not logged in (for example third-party cookies were blocked in a hidden iframe).',
    fix: 'Retry without prompt=none; silent re-authentication in iframes needs first-party cookies.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  account_selection_required: {
    meaning: 'prompt=none was requested but the user must choose between several sessions.',
    fix: 'Retry without prompt=none, or with prompt=select_account.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  consent_required: {
    meaning: 'prompt=none was requested but the user has not consented to this client/scopes yet.',
    fix: 'Retry without prompt=none (or with prompt=consent) so the user can consent.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  invalid_request_uri: {
    meaning: 'The request_uri is invalid or its content could not be retrieved.',
    fix: 'Check the request_uri (PAR / request object by reference) is reachable and unexpired.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  invalid_request_object: {
    meaning: 'The request parameter holds an invalid request object (JWT).',
    fix: 'Check the request object signature, alg and claims.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  request_not_supported: {
    meaning: 'The server does not support the request parameter (request objects).',
    fix: 'Send the parameters in the query instead of a request object.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  request_uri_not_supported: {
    meaning: 'The server does not support the request_uri parameter.',
    fix: 'Send the parameters in the query instead of by reference.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  registration_not_supported: {
    meaning: 'The server does not support the registration parameter.',
    fix: 'Register the client beforehand instead of passing registration metadata.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.6',
  },
  invalid_target: {
    meaning:
      'The resource parameter (resource indicator) is not acceptable: unknown, malformed, or not allowed for this client or scope.',
    fix: 'Send the exact resource identifier the server knows (absolute URI, no fragment), matching the "resource" in the protected resource metadata; MCP clients send the canonical MCP server URI.',
    spec: 'RFC 8707 §2',
  },
  invalid_token: {
    meaning: 'The access token is expired, revoked, malformed or invalid for this resource server.',
    fix: 'Obtain a new token; check the token audience/resource matches this resource server.',
    spec: 'RFC 6750 §3.1',
  },
  insufficient_scope: {
    meaning: 'The access token lacks a scope this request needs.',
    fix: 'Request the scopes named in the challenge (scope=…) when authorizing.',
    spec: 'RFC 6750 §3.1',
  },
  invalid_redirect_uri: {
    meaning: 'One or more redirect_uris in the registration request are not acceptable.',
    fix: 'Register exact absolute https redirect URIs (or http loopback for native apps) that the server policy allows.',
    spec: 'RFC 7591 §3.2.2',
  },
  invalid_client_metadata: {
    meaning: 'A client metadata field in the registration request is invalid.',
    fix: 'Read the error_description for the field; check grant_types, response_types and token_endpoint_auth_method are consistent.',
    spec: 'RFC 7591 §3.2.2',
  },
  invalid_software_statement: {
    meaning: 'The software statement is invalid.',
    fix: 'Check the software statement JWT signature and claims.',
    spec: 'RFC 7591 §3.2.2',
  },
  unapproved_software_statement: {
    meaning: 'The software statement is valid but not approved by this server.',
    fix: 'Have the server operator approve the software statement issuer.',
    spec: 'RFC 7591 §3.2.2',
  },
  use_dpop_nonce: {
    meaning:
      'The server requires DPoP proofs to carry a nonce it chooses; the new nonce is in the DPoP-Nonce response header.',
    fix: 'Retry once with the nonce from the DPoP-Nonce header. Cross-origin, the server must list DPoP-Nonce in Access-Control-Expose-Headers or the browser hides it.',
    spec: 'RFC 9449 §8, §9',
  },
  invalid_dpop_proof: {
    meaning: 'The DPoP proof JWT is missing or invalid (signature, htm, htu, iat, jti or nonce).',
    fix: 'Check the DPoP header: htm/htu must match the request exactly, iat must be recent, and the key must be the one bound to the token.',
    spec: 'RFC 9449 §5, §7.1',
  },
  unsupported_token_type: {
    meaning: 'The server does not support revoking/introspecting this type of token.',
    fix: 'Send a token_type_hint the server supports, or skip revocation for this token type.',
    spec: 'RFC 7009 §2.2.1',
  },
}

export function lookupOAuthError(code: string | undefined): OAuthErrorCodeInfo | undefined {
  if (code === undefined || !Object.hasOwn(OAUTH_ERROR_CODES, code)) return undefined
  return OAUTH_ERROR_CODES[code]
}
