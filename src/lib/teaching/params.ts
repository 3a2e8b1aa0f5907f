/**
 * The authorization request's parameters explained, one line each with the section that defines
 * them (the Authorize step's table).
 */
export const PARAM_MEANINGS: Record<string, { meaning: string; spec: string }> = {
  response_type: {
    meaning: '"code": ask for an authorization code, to be exchanged at the token endpoint.',
    spec: 'RFC 6749 §4.1.1',
  },
  client_id: { meaning: 'Who is asking: the client identifier registered at the server.', spec: 'RFC 6749 §2.2' },
  redirect_uri: {
    meaning: 'Where the server sends the browser back. It must match a registered value exactly.',
    spec: 'RFC 6749 §3.1.2; RFC 9700 §2.1',
  },
  scope: { meaning: 'What access is requested (space-separated).', spec: 'RFC 6749 §3.3' },
  state: {
    meaning: 'A one-time random value echoed back: ties the response to this browser tab (CSRF protection).',
    spec: 'RFC 6749 §4.1.1, §10.12',
  },
  nonce: {
    meaning:
      'A random value the server copies into the ID token: binds the ID token to this request (replay protection).',
    spec: 'OpenID Connect Core 1.0 §3.1.2.1',
  },
  code_challenge: {
    meaning:
      'The PKCE challenge derived from the secret code_verifier; the verifier is revealed only at the token endpoint.',
    spec: 'RFC 7636 §4.2, §4.3',
  },
  code_challenge_method: {
    meaning: 'How the challenge was derived: S256 (SHA-256) or plain.',
    spec: 'RFC 7636 §4.3',
  },
  resource: {
    meaning: 'The resource (API) the token is for: its URI becomes the access token audience.',
    spec: 'RFC 8707 §2.1',
  },
  prompt: {
    meaning: 'Whether to force login or consent (login, consent, none, select_account).',
    spec: 'OpenID Connect Core 1.0 §3.1.2.1',
  },
  login_hint: { meaning: 'A hint about who is logging in.', spec: 'OpenID Connect Core 1.0 §3.1.2.1' },
  max_age: {
    meaning: 'Maximum age of the login in seconds; the ID token must then carry auth_time.',
    spec: 'OpenID Connect Core 1.0 §3.1.2.1',
  },
  audience: {
    meaning: 'A vendor-specific (Auth0 and others) way to name the API; the standard one is resource.',
    spec: 'not standard',
  },
  access_type: { meaning: 'Google-specific: "offline" asks for a refresh token.', spec: 'not standard' },
  response_mode: {
    meaning: 'How the response is returned (query, fragment, form_post).',
    spec: 'OAuth 2.0 Multiple Response Type Encoding Practices',
  },
}

/** The meaning of a parameter, or a neutral note for unknown ones. */
export function paramMeaning(name: string): { meaning: string; spec: string } {
  return (
    (Object.hasOwn(PARAM_MEANINGS, name) ? PARAM_MEANINGS[name] : undefined) ?? {
      meaning: 'An extra parameter you added; the server ignores parameters it does not know (RFC 6749 §3.1).',
      spec: 'RFC 6749 §3.1',
    }
  )
}
