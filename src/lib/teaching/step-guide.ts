/**
 * What happens in each step and why, with the spec sections: the text at the top of a step panel.
 * Kept out of model/steps.ts so that the first view loads it with the panels, not before.
 */
import type { StepId } from '../model/types'

export interface StepGuide {
  /** What happens and why, for the panel. */
  explanation: string
  spec: Array<{ label: string; href: string }>
}

export const STEP_GUIDE: Readonly<Record<StepId, StepGuide>> = {
  configure: {
    explanation:
      'Tell the playground which authorization server to use (its issuer, for discovery, or the endpoints by hand) and how this client is registered there. A browser app is a public client: it cannot keep a secret, so it authenticates with nothing (token_endpoint_auth_method "none") and proves possession of the code with PKCE instead.',
    spec: [
      { label: 'RFC 6749 §2 (client registration)', href: 'https://www.rfc-editor.org/rfc/rfc6749.html#section-2' },
      {
        label: 'RFC 9700 §2.1.1 (PKCE for public clients)',
        href: 'https://www.rfc-editor.org/rfc/rfc9700.html#section-2.1.1',
      },
    ],
  },
  'mcp-probe': {
    explanation:
      'An MCP client starts by calling the server (an initialize request) without a token. A protected server answers 401 with a WWW-Authenticate: Bearer challenge that names its Protected Resource Metadata (resource_metadata) and the scope it needs. Cross-origin, the page can read that header only if the server lists it in Access-Control-Expose-Headers.',
    spec: [
      {
        label: 'MCP Authorization (2025-11-25)',
        href: 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization',
      },
      { label: 'RFC 9728 §5.1', href: 'https://www.rfc-editor.org/rfc/rfc9728.html#section-5.1' },
    ],
  },
  'mcp-discovery': {
    explanation:
      'The Protected Resource Metadata document (RFC 9728) names the resource and its authorization servers. Its resource must be exactly the MCP server URL; the client then discovers the first authorization server’s metadata and uses the MCP URL as the RFC 8707 resource in every request.',
    spec: [
      { label: 'RFC 9728 §3', href: 'https://www.rfc-editor.org/rfc/rfc9728.html#section-3' },
      {
        label: 'MCP: Authorization Server Discovery',
        href: 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization',
      },
    ],
  },
  discovery: {
    explanation:
      'The client reads the server’s metadata document from a well-known URL: it names the endpoints, the supported PKCE methods and client authentication methods, and the keys (jwks_uri) that sign tokens. The issuer inside the document must be exactly the issuer asked for.',
    spec: [
      { label: 'RFC 8414 §3', href: 'https://www.rfc-editor.org/rfc/rfc8414.html#section-3' },
      {
        label: 'OpenID Connect Discovery 1.0 §4',
        href: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig',
      },
    ],
  },
  registration: {
    explanation:
      'An MCP client needs a client ID at this authorization server. In the spec’s order: a pre-registered client ID; a Client ID Metadata Document (the client ID is an https URL of a JSON document) when the server advertises support; else Dynamic Client Registration (RFC 7591) as a public client (token_endpoint_auth_method "none").',
    spec: [
      {
        label: 'MCP: Client Registration',
        href: 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization',
      },
      { label: 'RFC 7591 §3', href: 'https://www.rfc-editor.org/rfc/rfc7591.html#section-3' },
    ],
  },
  pkce: {
    explanation:
      'The client makes a fresh secret, the code_verifier, and sends only its SHA-256 hash (the code_challenge) with the authorization request. At the token endpoint it reveals the verifier; the server hashes it and compares. Someone who steals the code cannot use it without the verifier.',
    spec: [{ label: 'RFC 7636 §4.1–4.2', href: 'https://www.rfc-editor.org/rfc/rfc7636.html#section-4.1' }],
  },
  authorization: {
    explanation:
      'The browser is sent to the authorization endpoint with the request in the query string. The user logs in and consents there; the playground never sees the password. A random state ties the answer to this tab. With a pushed authorization request (PAR) the parameters are POSTed to the server first, and the browser carries only client_id and a request_uri.',
    spec: [
      { label: 'RFC 6749 §4.1.1', href: 'https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.1' },
      { label: 'RFC 7636 §4.3', href: 'https://www.rfc-editor.org/rfc/rfc7636.html#section-4.3' },
    ],
  },
  callback: {
    explanation:
      'The server redirects the browser back to the redirect URI with a one-time code (or an error). The client must check that state is the one it sent, and — when the server supports RFC 9207 — that iss is its issuer, before it uses the code. The code is removed from the address bar at once.',
    spec: [
      { label: 'RFC 6749 §4.1.2', href: 'https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.2' },
      { label: 'RFC 9207 §2.4', href: 'https://www.rfc-editor.org/rfc/rfc9207.html#section-2.4' },
    ],
  },
  token: {
    explanation:
      'The page POSTs the code, the redirect URI and the code_verifier to the token endpoint. This is a cross-origin request from the browser, so the server must allow this page’s origin with CORS; a server-side client would not need that. With DPoP the request also carries a proof signed with a key made in this page, and the tokens are bound to that key.',
    spec: [
      { label: 'RFC 6749 §4.1.3, §5', href: 'https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.3' },
      { label: 'RFC 7636 §4.5', href: 'https://www.rfc-editor.org/rfc/rfc7636.html#section-4.5' },
    ],
  },
  tokens: {
    explanation:
      'ID tokens are JWTs the client must validate: signature against the server’s JWKS, iss, aud, exp, iat and nonce. An access token is meant for the resource server; the client must not rely on its content (RFC 9068 §6), but the playground peeks at a JWT access token for diagnosis.',
    spec: [
      {
        label: 'OpenID Connect Core 1.0 §3.1.3.7',
        href: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation',
      },
      { label: 'RFC 9068', href: 'https://www.rfc-editor.org/rfc/rfc9068.html' },
    ],
  },
  'mcp-tools': {
    explanation:
      'With the access token as a Bearer header, the client initializes an MCP session over Streamable HTTP and lists the tools. The token’s audience must be this MCP server (RFC 8707, RFC 9068 §4); a connector readiness checklist sums up what ChatGPT- or Claude-style connectors depend on.',
    spec: [
      {
        label: 'MCP: Streamable HTTP',
        href: 'https://modelcontextprotocol.io/specification/2025-11-25/basic/transports',
      },
      {
        label: 'MCP: Token Handling',
        href: 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization',
      },
    ],
  },
}
