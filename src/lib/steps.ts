/**
 * The order of the steps, defined once. The driver, the progress rail and the report all read it.
 */
import type { StepId } from './types'

export interface StepInfo {
  id: StepId
  title: string
  /** One line for the rail. */
  summary: string
  /** What happens and why, for the panel. */
  explanation: string
  spec: Array<{ label: string; href: string }>
}

export const STEPS: readonly StepInfo[] = [
  {
    id: 'configure',
    title: 'Configure',
    summary: 'Server, client and what to ask for',
    explanation:
      'Tell the playground which authorization server to use (its issuer, for discovery, or the endpoints by hand) and how this client is registered there. A browser app is a public client: it cannot keep a secret, so it authenticates with nothing (token_endpoint_auth_method "none") and proves possession of the code with PKCE instead.',
    spec: [
      { label: 'RFC 6749 §2 (client registration)', href: 'https://www.rfc-editor.org/rfc/rfc6749.html#section-2' },
      { label: 'RFC 9700 §2.1.1 (PKCE for public clients)', href: 'https://www.rfc-editor.org/rfc/rfc9700.html#section-2.1.1' },
    ],
  },
  {
    id: 'discovery',
    title: 'Discover',
    summary: 'Fetch the server metadata',
    explanation:
      'The client reads the server’s metadata document from a well-known URL: it names the endpoints, the supported PKCE methods and client authentication methods, and the keys (jwks_uri) that sign tokens. The issuer inside the document must be exactly the issuer asked for.',
    spec: [
      { label: 'RFC 8414 §3', href: 'https://www.rfc-editor.org/rfc/rfc8414.html#section-3' },
      { label: 'OpenID Connect Discovery 1.0 §4', href: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig' },
    ],
  },
  {
    id: 'pkce',
    title: 'PKCE',
    summary: 'Make the code_verifier and its challenge',
    explanation:
      'The client makes a fresh secret, the code_verifier, and sends only its SHA-256 hash (the code_challenge) with the authorization request. At the token endpoint it reveals the verifier; the server hashes it and compares. Someone who steals the code cannot use it without the verifier.',
    spec: [
      { label: 'RFC 7636 §4.1–4.2', href: 'https://www.rfc-editor.org/rfc/rfc7636.html#section-4.1' },
    ],
  },
  {
    id: 'authorization',
    title: 'Authorize',
    summary: 'Send the browser to the server',
    explanation:
      'The browser is sent to the authorization endpoint with the request in the query string. The user logs in and consents there; the playground never sees the password. A random state ties the answer to this tab.',
    spec: [
      { label: 'RFC 6749 §4.1.1', href: 'https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.1' },
      { label: 'RFC 7636 §4.3', href: 'https://www.rfc-editor.org/rfc/rfc7636.html#section-4.3' },
    ],
  },
  {
    id: 'callback',
    title: 'Callback',
    summary: 'Check the response that came back',
    explanation:
      'The server redirects the browser back to the redirect URI with a one-time code (or an error). The client must check that state is the one it sent, and — when the server supports RFC 9207 — that iss is its issuer, before it uses the code. The code is removed from the address bar at once.',
    spec: [
      { label: 'RFC 6749 §4.1.2', href: 'https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.2' },
      { label: 'RFC 9207 §2.4', href: 'https://www.rfc-editor.org/rfc/rfc9207.html#section-2.4' },
    ],
  },
  {
    id: 'token',
    title: 'Token request',
    summary: 'Exchange the code for tokens',
    explanation:
      'The page POSTs the code, the redirect URI and the code_verifier to the token endpoint. This is a cross-origin request from the browser, so the server must allow this page’s origin with CORS; a server-side client would not need that.',
    spec: [
      { label: 'RFC 6749 §4.1.3, §5', href: 'https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.3' },
      { label: 'RFC 7636 §4.5', href: 'https://www.rfc-editor.org/rfc/rfc7636.html#section-4.5' },
    ],
  },
  {
    id: 'tokens',
    title: 'Tokens',
    summary: 'Decode and verify what was issued',
    explanation:
      'ID tokens are JWTs the client must validate: signature against the server’s JWKS, iss, aud, exp, iat and nonce. An access token is meant for the resource server; the client must not rely on its content (RFC 9068 §6), but the playground peeks at a JWT access token for diagnosis.',
    spec: [
      { label: 'OpenID Connect Core 1.0 §3.1.3.7', href: 'https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation' },
      { label: 'RFC 9068', href: 'https://www.rfc-editor.org/rfc/rfc9068.html' },
    ],
  },
]

export const STEP_IDS: readonly StepId[] = STEPS.map((s) => s.id)

export function stepIndex(id: StepId): number {
  return STEP_IDS.indexOf(id)
}

export function stepInfo(id: StepId): StepInfo {
  const info = STEPS.find((s) => s.id === id)
  if (!info) throw new Error(`unknown step ${id}`)
  return info
}
