/**
 * The glossary: every term the step texts use, with a short definition and the spec that defines
 * it. Glossary.svelte lists them (each <dt id="term-<id>">); Term.svelte links a word to its entry.
 */

export interface GlossaryEntry {
  term: string
  /** kebab-case; the entry's anchor is `#term-<id>`. */
  id: string
  /** Other spellings (parameter names, abbreviations) that resolve to this entry. */
  aliases: string[]
  /** One to three sentences, plain text. */
  definition: string
  spec: { label: string; href: string }
}

const RFC = (n: number, section?: string) =>
  `https://www.rfc-editor.org/rfc/rfc${n}.html${section ? `#section-${section}` : ''}`
const OIDC_CORE = 'https://openid.net/specs/openid-connect-core-1_0.html'
const MCP_AUTH = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization'

export const GLOSSARY: GlossaryEntry[] = [
  {
    term: 'Authorization code',
    id: 'authorization-code',
    aliases: ['code', 'authorization_code'],
    definition:
      'A short-lived, single-use credential that the authorization server sends to the redirect URI after the user approves. The client exchanges it at the token endpoint for tokens; sending it twice must fail.',
    spec: { label: 'RFC 6749 §1.3.1', href: RFC(6749, '1.3.1') },
  },
  {
    term: 'Code verifier',
    id: 'code-verifier',
    aliases: ['code_verifier', 'verifier'],
    definition:
      'A fresh high-entropy random string (43 to 128 characters from A–Z, a–z, 0–9 and -._~) that the client makes for each authorization request and keeps to itself. It is revealed only in the token request, where the server checks it against the code challenge.',
    spec: { label: 'RFC 7636 §4.1', href: RFC(7636, '4.1') },
  },
  {
    term: 'Code challenge',
    id: 'code-challenge',
    aliases: ['code_challenge', 'challenge', 'code_challenge_method'],
    definition:
      'The value derived from the code verifier and sent in the authorization request, with code_challenge_method saying how: BASE64URL(SHA-256(verifier)) for S256, or the verifier itself for plain. The server keeps it with the code and compares it with the verifier at the token endpoint.',
    spec: { label: 'RFC 7636 §4.2', href: RFC(7636, '4.2') },
  },
  {
    term: 'S256',
    id: 's256',
    aliases: ['plain'],
    definition:
      'The PKCE method that hashes the code verifier with SHA-256 and base64url-encodes the hash without padding. Clients must use S256 when they can; the plain method sends the verifier itself, so it protects nothing if the authorization request is seen.',
    spec: { label: 'RFC 7636 §4.2', href: RFC(7636, '4.2') },
  },
  {
    term: 'PKCE',
    id: 'pkce',
    aliases: ['proof key for code exchange'],
    definition:
      'Proof Key for Code Exchange: the client binds the authorization request to the token request with a one-time secret (the code verifier), so a stolen authorization code is useless on its own. Public clients must use it and all clients should (RFC 9700 §2.1.1).',
    spec: { label: 'RFC 7636', href: RFC(7636) },
  },
  {
    term: 'state',
    id: 'state',
    aliases: ['state parameter'],
    definition:
      'An unguessable value the client sends in the authorization request and the server returns unchanged. The client checks it to make sure the response belongs to a request it made in this browser, which stops cross-site request forgery (CSRF).',
    spec: { label: 'RFC 6749 §10.12', href: RFC(6749, '10.12') },
  },
  {
    term: 'nonce',
    id: 'nonce',
    aliases: ['nonce claim'],
    definition:
      'A random value the client sends in an OpenID Connect authentication request; the server copies it into the nonce claim of the ID token. The client checks it to tie the ID token to its own request and to detect replayed tokens.',
    spec: { label: 'OpenID Connect Core 1.0 §3.1.2.1', href: `${OIDC_CORE}#AuthRequest` },
  },
  {
    term: 'Issuer',
    id: 'issuer',
    aliases: ['iss', 'issuer identifier'],
    definition:
      'The identifier of an authorization server: an https URL without query or fragment. Discovery starts from it, and the metadata and the tokens the server issues must carry exactly this string (the iss claim).',
    spec: { label: 'RFC 8414 §2', href: RFC(8414, '2') },
  },
  {
    term: 'Audience',
    id: 'audience',
    aliases: ['aud'],
    definition:
      'The recipient a token is meant for, in its aud claim. An ID token’s audience must contain the client’s client_id; an access token’s audience names the resource server(s) that should accept it.',
    spec: { label: 'RFC 7519 §4.1.3', href: RFC(7519, '4.1.3') },
  },
  {
    term: 'Client ID',
    id: 'client-id',
    aliases: ['client_id', 'client identifier'],
    definition:
      'The identifier the authorization server gave the client when it was registered. It is public, not a secret: it names the client in the authorization and token requests.',
    spec: { label: 'RFC 6749 §2.2', href: RFC(6749, '2.2') },
  },
  {
    term: 'Public client',
    id: 'public-client',
    aliases: ['public clients'],
    definition:
      'A client that cannot keep a credential secret, such as an app running in a browser or on a phone. It authenticates with nothing (token_endpoint_auth_method "none") and relies on PKCE and an exactly registered redirect URI instead.',
    spec: { label: 'RFC 6749 §2.1', href: RFC(6749, '2.1') },
  },
  {
    term: 'Confidential client',
    id: 'confidential-client',
    aliases: ['client secret', 'client_secret'],
    definition:
      'A client that can keep a credential secret, typically because it runs on a server. It authenticates to the token endpoint, with a client secret (client_secret_basic or client_secret_post), a signed JWT or mutual TLS.',
    spec: { label: 'RFC 6749 §2.1', href: RFC(6749, '2.1') },
  },
  {
    term: 'Redirect URI',
    id: 'redirect-uri',
    aliases: ['redirect_uri', 'callback URL'],
    definition:
      'The URL the authorization server sends the browser back to with the code or an error. It must be registered in advance and compared exactly, and sent again in the token request when the authorization request had it.',
    spec: { label: 'RFC 6749 §3.1.2', href: RFC(6749, '3.1.2') },
  },
  {
    term: 'Scope',
    id: 'scope',
    aliases: ['scopes'],
    definition:
      'A space-separated list of strings naming the access the client asks for, such as "openid profile email". The server may grant less than asked, and then says which scope it granted in the token response.',
    spec: { label: 'RFC 6749 §3.3', href: RFC(6749, '3.3') },
  },
  {
    term: 'Access token',
    id: 'access-token',
    aliases: ['access_token'],
    definition:
      'The credential the client presents to a resource server to use the user’s protected resources. Its format is a matter between the authorization server and the resource server: the client treats it as opaque.',
    spec: { label: 'RFC 6749 §1.4', href: RFC(6749, '1.4') },
  },
  {
    term: 'ID token',
    id: 'id-token',
    aliases: ['id_token'],
    definition:
      'A signed JWT from an OpenID provider that tells the client who the user is and how they logged in (iss, sub, aud, exp, iat, nonce…). The client must validate it before trusting it, and must not use it to call APIs.',
    spec: { label: 'OpenID Connect Core 1.0 §2', href: `${OIDC_CORE}#IDToken` },
  },
  {
    term: 'Refresh token',
    id: 'refresh-token',
    aliases: ['refresh_token'],
    definition:
      'A credential the client sends to the token endpoint to get new access tokens without involving the user. Refresh tokens issued to public clients must be sender-constrained or rotated on every use (RFC 9700 §4.14).',
    spec: { label: 'RFC 6749 §1.5', href: RFC(6749, '1.5') },
  },
  {
    term: 'JWT',
    id: 'jwt',
    aliases: ['JSON Web Token', 'JWTs'],
    definition:
      'JSON Web Token: a compact, URL-safe set of claims, usually signed as a JWS. It is written as three base64url parts separated by dots: header.payload.signature.',
    spec: { label: 'RFC 7519', href: RFC(7519) },
  },
  {
    term: 'JWS',
    id: 'jws',
    aliases: ['JSON Web Signature', 'signature'],
    definition:
      'JSON Web Signature: the format that signs a payload, such as a JWT’s claims, with the key and algorithm named in its protected header. The signature covers the header and the payload exactly as they were encoded.',
    spec: { label: 'RFC 7515', href: RFC(7515) },
  },
  {
    term: 'JWK / JWKS',
    id: 'jwk',
    aliases: ['JWKS', 'JWK Set', 'jwks_uri', 'JSON Web Key'],
    definition:
      'A JSON Web Key is a cryptographic key written as JSON; a JWK Set (JWKS) is an object with a "keys" array. The authorization server publishes its public keys at jwks_uri so that clients can check token signatures.',
    spec: { label: 'RFC 7517', href: RFC(7517) },
  },
  {
    term: 'kid',
    id: 'kid',
    aliases: ['key ID'],
    definition:
      'Key ID: the header parameter that says which key of the issuer’s JWKS signed a token. When a kid is not in the cached set (keys were rotated), the client fetches the JWKS again.',
    spec: { label: 'RFC 7515 §4.1.4', href: RFC(7515, '4.1.4') },
  },
  {
    term: 'alg',
    id: 'alg',
    aliases: ['algorithm'],
    definition:
      'The header parameter that names the signature algorithm, such as RS256 or ES256. A client accepts only the algorithms it expects for that server, and never "none".',
    spec: { label: 'RFC 7515 §4.1.1', href: RFC(7515, '4.1.1') },
  },
  {
    term: 'Claim',
    id: 'claim',
    aliases: ['claims'],
    definition: 'A name/value pair in a JWT’s payload, such as iss, sub, aud, exp, iat or nonce.',
    spec: { label: 'RFC 7519 §4', href: RFC(7519, '4') },
  },
  {
    term: 'Discovery / metadata',
    id: 'discovery',
    aliases: ['metadata', 'server metadata', 'openid-configuration', 'oauth-authorization-server'],
    definition:
      'A JSON document in which an authorization server describes itself: its issuer, endpoints, supported PKCE and client authentication methods, and jwks_uri. Reading it from the well-known URL derived from the issuer is called discovery.',
    spec: { label: 'RFC 8414 §2–3', href: RFC(8414, '2') },
  },
  {
    term: 'Well-known URI',
    id: 'well-known',
    aliases: ['.well-known', '/.well-known/'],
    definition:
      'The /.well-known/ path prefix under which standard documents are published at a predictable place, such as /.well-known/oauth-authorization-server (RFC 8414) and /.well-known/openid-configuration (OpenID Connect Discovery).',
    spec: { label: 'RFC 8615', href: RFC(8615) },
  },
  {
    term: 'CORS',
    id: 'cors',
    aliases: ['Cross-Origin Resource Sharing', 'Access-Control-Allow-Origin', 'Access-Control-Expose-Headers'],
    definition:
      'Cross-Origin Resource Sharing: the browser rules that decide whether a page may read a response from another origin. The server must answer with Access-Control-Allow-Origin naming the page’s origin (or *); otherwise the browser hides the response from the page.',
    spec: { label: 'Fetch Standard: CORS protocol', href: 'https://fetch.spec.whatwg.org/#http-cors-protocol' },
  },
  {
    term: 'Preflight',
    id: 'preflight',
    aliases: ['preflight request', 'OPTIONS'],
    definition:
      'An OPTIONS request the browser sends before a cross-origin request that is not simple (for example one with an Authorization header), asking the server which methods and headers it allows. If the preflight fails, the real request is never sent.',
    spec: {
      label: 'Fetch Standard: CORS-preflight fetch',
      href: 'https://fetch.spec.whatwg.org/#cors-preflight-fetch',
    },
  },
  {
    term: 'Origin',
    id: 'origin',
    aliases: ['cross-origin', 'same-origin'],
    definition:
      'The scheme, host and port of a URL, such as https://app.example:443. Browsers isolate pages by origin: a request to a different origin is cross-origin, and its response is readable only if CORS allows it.',
    spec: { label: 'RFC 6454', href: RFC(6454) },
  },
  {
    term: 'Bearer token',
    id: 'bearer-token',
    aliases: ['Bearer', 'WWW-Authenticate'],
    definition:
      'A token that whoever holds it can use, sent as "Authorization: Bearer <token>". A resource server that rejects or wants one answers 401 with a WWW-Authenticate: Bearer challenge.',
    spec: { label: 'RFC 6750', href: RFC(6750) },
  },
  {
    term: 'Resource indicator',
    id: 'resource-indicator',
    aliases: ['resource', 'resource parameter'],
    definition:
      'The resource parameter: the URI of the resource server a token is wanted for, so the authorization server can limit the token’s audience to it. MCP clients must send it in both the authorization and the token request.',
    spec: { label: 'RFC 8707', href: RFC(8707) },
  },
  {
    term: 'Token endpoint',
    id: 'token-endpoint',
    aliases: ['token_endpoint', '/token'],
    definition:
      'The authorization server URL where the client POSTs a code (or refresh token) and gets tokens back. A browser app calls it cross-origin, so it works only if the server allows the page’s origin with CORS.',
    spec: { label: 'RFC 6749 §3.2', href: RFC(6749, '3.2') },
  },
  {
    term: 'Authorization endpoint',
    id: 'authorization-endpoint',
    aliases: ['authorization_endpoint', '/authorize'],
    definition:
      'The authorization server URL the browser is sent to with the authorization request. There the user logs in and consents, and the server redirects back to the redirect URI with a code or an error.',
    spec: { label: 'RFC 6749 §3.1', href: RFC(6749, '3.1') },
  },
  {
    term: 'UserInfo',
    id: 'userinfo',
    aliases: ['userinfo_endpoint', 'UserInfo endpoint'],
    definition:
      'An OpenID Connect endpoint that returns claims about the logged-in user when called with an access token.',
    spec: { label: 'OpenID Connect Core 1.0 §5.3', href: `${OIDC_CORE}#UserInfo` },
  },
  {
    term: 'Introspection',
    id: 'introspection',
    aliases: ['introspection_endpoint', 'token introspection'],
    definition:
      'An endpoint where an authorized party, usually a resource server, asks the authorization server whether a token is active and gets its metadata (scope, client_id, expiry…).',
    spec: { label: 'RFC 7662', href: RFC(7662) },
  },
  {
    term: 'Revocation',
    id: 'revocation',
    aliases: ['revocation_endpoint', 'token revocation'],
    definition:
      'An endpoint where a client tells the authorization server that an access or refresh token is no longer needed, so the server invalidates it (for example on logout).',
    spec: { label: 'RFC 7009', href: RFC(7009) },
  },
  {
    term: 'DPoP',
    id: 'dpop',
    aliases: ['DPoP proof', 'sender-constrained'],
    definition:
      'Demonstrating Proof of Possession: the client signs a proof JWT with its own private key for each request, and the server binds the tokens to that key. A stolen DPoP-bound token is useless without the key.',
    spec: { label: 'RFC 9449', href: RFC(9449) },
  },
  {
    term: 'DPoP nonce',
    id: 'dpop-nonce',
    aliases: ['DPoP-Nonce', 'use_dpop_nonce'],
    definition:
      'A value a server may require in every DPoP proof, so that proofs cannot be made in advance. It answers use_dpop_nonce with a DPoP-Nonce header; the client retries with the nonce in a new proof. A page can read that header only when the server lists it in Access-Control-Expose-Headers.',
    spec: { label: 'RFC 9449 §8', href: RFC(9449, '8') },
  },
  {
    term: 'JWK thumbprint (jkt)',
    id: 'jkt',
    aliases: ['cnf.jkt', 'jkt', 'thumbprint', 'cnf'],
    definition:
      'A hash of a public key’s required members (RFC 7638). A DPoP-bound JWT access token names the key it is bound to in its cnf.jkt claim; it must equal the thumbprint of the key the client proves possession of.',
    spec: { label: 'RFC 9449 §6.1', href: RFC(9449, '6.1') },
  },
  {
    term: 'Pushed authorization request (PAR)',
    id: 'par',
    aliases: ['PAR', 'pushed_authorization_request_endpoint', 'require_pushed_authorization_requests'],
    definition:
      'The client POSTs its authorization request to the server’s PAR endpoint first and gets a short-lived request_uri back; the browser is then sent to the authorization endpoint with only client_id and request_uri, so the request cannot be read or altered in the URL.',
    spec: { label: 'RFC 9126', href: RFC(9126) },
  },
  {
    term: 'request_uri',
    id: 'request-uri',
    aliases: ['request URI'],
    definition:
      'A one-time reference to a pushed authorization request (typically urn:ietf:params:oauth:request_uri:…), valid for expires_in seconds. The authorization endpoint looks the request up by it.',
    spec: { label: 'RFC 9126 §2.2', href: RFC(9126, '2.2') },
  },
  {
    term: 'iss parameter (RFC 9207)',
    id: 'iss-parameter',
    aliases: ['RFC 9207', 'authorization_response_iss_parameter_supported'],
    definition:
      'The iss parameter an authorization server adds to its authorization response to name itself. The client compares it with the issuer it sent the user to, which defeats mix-up attacks when a client uses several servers.',
    spec: { label: 'RFC 9207 §2', href: RFC(9207, '2') },
  },
  {
    term: 'Protected resource metadata (PRM)',
    id: 'protected-resource-metadata',
    aliases: ['PRM', 'resource_metadata', 'oauth-protected-resource'],
    definition:
      'A JSON document a resource server publishes at /.well-known/oauth-protected-resource, naming the resource and the authorization servers that issue tokens for it. MCP servers must publish it; their 401 challenge can point to it with resource_metadata.',
    spec: { label: 'RFC 9728', href: RFC(9728) },
  },
  {
    term: 'Dynamic client registration (DCR)',
    id: 'dynamic-client-registration',
    aliases: ['DCR', 'registration_endpoint', 'client registration'],
    definition:
      'A client POSTs its metadata (redirect URIs, name, authentication method) to the server’s registration_endpoint and gets a client_id back, without anyone registering it by hand.',
    spec: { label: 'RFC 7591', href: RFC(7591) },
  },
  {
    term: 'Client ID metadata document (CIMD)',
    id: 'client-id-metadata-document',
    aliases: ['CIMD', 'client_id_metadata_document_supported'],
    definition:
      'The client uses an https URL as its client_id, and the authorization server fetches the client’s metadata (name, redirect URIs) from that URL instead of needing a prior registration. The MCP authorization spec prefers it to dynamic client registration.',
    spec: {
      label: 'draft-ietf-oauth-client-id-metadata-document',
      href: 'https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-metadata-document/',
    },
  },
  {
    term: 'MCP',
    id: 'mcp',
    aliases: ['Model Context Protocol', 'MCP server'],
    definition:
      'Model Context Protocol: an open protocol through which AI applications use tools and data offered by MCP servers. Over HTTP, its authorization spec makes the MCP server an OAuth protected resource and requires PKCE, protected resource metadata and resource indicators.',
    spec: { label: 'MCP 2025-11-25: Authorization', href: MCP_AUTH },
  },
]

const BY_KEY = new Map<string, GlossaryEntry>()
for (const e of GLOSSARY) {
  BY_KEY.set(e.id, e)
  BY_KEY.set(e.term.toLowerCase(), e)
  for (const a of e.aliases) BY_KEY.set(a.toLowerCase(), e)
}

/** The entry for an id, a term or an alias (case-insensitive), e.g. "code_verifier" or "aud". */
export function findTerm(key: string): GlossaryEntry | undefined {
  return BY_KEY.get(key) ?? BY_KEY.get(key.toLowerCase())
}

// The step-text links live apart (glossary-terms.ts) so that the first view loads without the definitions.
export { STEP_TERMS, segmentTerms, glueTrailingPunctuation, type TextSegment } from './glossary-terms'
