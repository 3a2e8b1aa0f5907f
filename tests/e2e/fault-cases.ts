/**
 * The fault cases run by tests/e2e/faults.spec.ts: one row of /work/shared/reference/faults.csv each,
 * reproduced by one fault of the demo authorization server (tests/servers/faults.mjs: the real
 * oidc-provider behind a layer that breaks exactly one thing), and what the playground must say.
 *
 * Finding ids and severities are those the app's modules define: src/lib/lint.ts (raw token response,
 * metadata and JWKS linters, with its severity policy: error = a MUST is broken and conforming clients
 * fail; warning = lenient clients survive or strict clients are known to reject; info = valid),
 * src/lib/explain.ts, jwt.ts, callback.ts, token.ts, tokens.ts, corscheck.ts, state/flow.svelte.ts.
 *
 * Verdicts are the scenarios of src/lib/diagnosis/report/verdict.ts (issue 12 invariants):
 * - 'A': the token exchange failed (rejected, blocked, unreachable, redirected, or 2xx without a
 *   readable access token);
 * - 'B': the exchange worked, but an error or a warning remains somewhere; the headline says whether
 *   it breaks the spec, only what strict clients expect, or concerns this client or browser;
 * - 'C': the exchange worked and there is no error and no warning anywhere;
 * - 'incomplete': the flow never reached the token exchange.
 */

export type Severity = 'error' | 'warning' | 'info'

export interface ExpectedFinding {
  /** data-finding-id */
  id: string
  /** data-severity */
  severity: Severity
  /** The step panel it must show in (section#step-<step>); any place on the page when omitted. */
  step?: 'configure' | 'discovery' | 'pkce' | 'authorization' | 'callback' | 'token' | 'tokens' | 'cors'
  /** Text the finding must contain. */
  text?: RegExp
}

export interface FaultCase {
  /** faults.csv id, e.g. 'T10' */
  csv: string
  /** faults.csv category */
  category:
    | 'discovery'
    | 'authorize'
    | 'callback'
    | 'token'
    | 'JWT'
    | 'CORS'
    | 'browser'
    | 'playground-security'
    | 'DPoP'
    | 'PAR'
  /** fault id in tests/servers/faults.mjs (issuer http://localhost:PORT/faults/<fault>) */
  fault: string
  /** built-in client of the demo server (default 'public'); basic/post fill the secret field */
  client?: 'public' | 'basic' | 'post' | 'noCors' | 'par' | 'dpop'
  /** share-link keys dpop / par (default: absent, i.e. 'auto') */
  dpop?: 'auto' | 'on' | 'off'
  par?: 'auto' | 'on' | 'off'
  /** default 'openid profile email' */
  scope?: string
  /** send resource = <AS>/api (RFC 8707) */
  resource?: boolean
  /**
   * How far the test drives the real flow: 'discovery' (Discover only), 'callback' (through login
   * and consent, back to the playground; 'authorization': until the authorization step has run, for a
   * pushed request that fails before any navigation), 'token' (Exchange code), 'tokens' (Exchange code, then
   * the tokens are decoded and verified), 'cors' (Discover, then "Run CORS check").
   */
  stopAt: 'discovery' | 'authorization' | 'callback' | 'token' | 'tokens' | 'cors'
  /** Findings that must be visible with this severity. */
  expect: ExpectedFinding[]
  /** Finding ids that must NOT appear anywhere (PASS cases). */
  absent?: string[]
  /**
   * The metadata has the login on one origin and the token endpoint on another: opened from a link,
   * the page asks before the login (the link-split notice), and the test agrees. Without it, no case
   * may show that notice.
   */
  split?: true
  /** data-scenario of the verdict (report.ts). */
  verdict?: 'A' | 'B' | 'C' | 'incomplete'
  /**
   * Extra user actions: 'edit-verifier' sends a wrong code_verifier; 'replay-callback' opens the
   * callback URL again after the exchange; 'callback-on-other-origin' registers the redirect URI on
   * 127.0.0.1 while the flow starts on localhost.
   */
  action?: 'edit-verifier' | 'replay-callback' | 'callback-on-other-origin'
  /** Extra authorization parameters, entered under Configure's "More options" (share links do not carry them). */
  extraParams?: Array<[name: string, value: string]>
  /** Check that no server-supplied script ran (window.__pwned stays undefined). */
  xss?: boolean
  notes?: string
}

export const CASES: FaultCase[] = [
  // ===== discovery ==================================================================================
  {
    csv: 'D01',
    category: 'discovery',
    fault: 'metadata-wrong-well-known',
    stopAt: 'discovery',
    // Issue 12, one finding per cause: the well-known URLs answer 404 without CORS headers, which the
    // browser hides; the page cannot tell "not there" from "not readable", and says both.
    expect: [{ id: 'cors-blocked', severity: 'error', step: 'discovery', text: /404 without CORS headers/ }],
    absent: ['discovery-failed'],
    verdict: 'incomplete',
    notes:
      'Every computed well-known URL answers 404; the metadata exists only at {issuer}/.well-known/oauth-authorization-server.',
  },
  {
    csv: 'D02',
    category: 'discovery',
    fault: 'discovery-html',
    stopAt: 'discovery',
    // Issue 12: the HTML answer is the cause (response-not-json); the other well-known URL, hidden by
    // CORS, is the second one. No generic discovery-failed on top.
    expect: [
      { id: 'response-not-json', severity: 'error', step: 'discovery' },
      { id: 'cors-blocked', severity: 'error', step: 'discovery' },
    ],
    absent: ['discovery-failed'],
    verdict: 'incomplete',
  },
  {
    csv: 'D03',
    category: 'discovery',
    fault: 'discovery-text-plain',
    stopAt: 'tokens',
    expect: [{ id: 'metadata-content-type', severity: 'warning', step: 'discovery' }],
    // Issue 12: C only with no error and no warning anywhere.
    verdict: 'B',
  },
  {
    csv: 'D04',
    category: 'discovery',
    fault: 'discovery-issuer-trailing-slash',
    stopAt: 'discovery',
    expect: [{ id: 'issuer-mismatch', severity: 'error', step: 'discovery' }],
    verdict: 'incomplete',
  },
  {
    csv: 'D07',
    category: 'discovery',
    fault: 'metadata-token-endpoint-missing',
    stopAt: 'discovery',
    expect: [{ id: 'metadata-missing-member', severity: 'error', step: 'discovery' }],
    verdict: 'incomplete',
  },
  {
    csv: 'D07',
    category: 'discovery',
    fault: 'metadata-token-endpoint-relative',
    stopAt: 'discovery',
    expect: [{ id: 'metadata-invalid-endpoint', severity: 'error', step: 'discovery' }],
    verdict: 'incomplete',
  },
  {
    csv: 'D07',
    category: 'discovery',
    fault: 'metadata-jwks-uri-null',
    stopAt: 'tokens',
    expect: [
      { id: 'metadata-invalid-endpoint', severity: 'error', step: 'discovery' },
      { id: 'jwks-unavailable', severity: 'info', step: 'tokens' },
    ],
    // Issue 12: an error anywhere means not C.
    verdict: 'B',
    notes: 'The flow works; the ID token signature cannot be checked (no JWKS).',
  },
  {
    csv: 'D08',
    category: 'discovery',
    fault: 'metadata-token-endpoint-http',
    stopAt: 'discovery',
    expect: [{ id: 'metadata-endpoint-not-https', severity: 'error', step: 'discovery' }],
    verdict: 'incomplete',
  },
  {
    csv: 'D09',
    category: 'discovery',
    fault: 'pkce-methods-absent',
    stopAt: 'tokens',
    // Issue 12: a warning outside MCP (RFC 8414 §2 'no PKCE'; only MCP clients MUST refuse), so B.
    expect: [{ id: 'pkce-s256-not-advertised', severity: 'warning', step: 'discovery' }],
    verdict: 'B',
    notes: 'The provider still enforces S256: the exchange is conformant; MCP clients would refuse at discovery.',
  },
  {
    csv: 'D10',
    category: 'discovery',
    fault: 'pkce-plain-only',
    stopAt: 'tokens',
    expect: [{ id: 'pkce-s256-not-advertised', severity: 'warning', step: 'discovery' }],
    verdict: 'B',
  },
  {
    csv: 'D11',
    category: 'discovery',
    fault: 'auth-methods-without-none',
    stopAt: 'tokens',
    // Issue 12: info (RFC 8414 §2 lets the list omit none; the exchange with none worked).
    expect: [{ id: 'auth-method-none-not-advertised', severity: 'info', step: 'discovery' }],
    verdict: 'C',
  },
  {
    csv: 'D11',
    category: 'discovery',
    fault: 'auth-methods-absent',
    stopAt: 'tokens',
    // Issue 12: info (RFC 8414 §2 lets the list omit none; the exchange with none worked).
    expect: [{ id: 'auth-method-none-not-advertised', severity: 'info', step: 'discovery' }],
    verdict: 'C',
  },
  {
    csv: 'D12',
    category: 'discovery',
    fault: 'id-token-algs-without-rs256',
    stopAt: 'tokens',
    expect: [
      { id: 'id-token-rs256-not-advertised', severity: 'warning', step: 'discovery' },
      { id: 'jwt-alg-not-allowed', severity: 'error', step: 'token' },
    ],
    verdict: 'B',
    notes: 'oauth4webapi rejects the RS256 ID token because the metadata advertises ES256 only.',
  },
  {
    csv: 'D14',
    category: 'discovery',
    fault: 'jwks-private-key',
    stopAt: 'tokens',
    expect: [{ id: 'jwks-private-key-exposed', severity: 'error', step: 'tokens' }],
    verdict: 'B',
  },
  {
    csv: 'D23',
    category: 'discovery',
    fault: 'iss-missing',
    stopAt: 'callback',
    expect: [{ id: 'iss-missing', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
  },

  // ===== authorize ==================================================================================
  {
    csv: 'A04',
    category: 'authorize',
    fault: 'pkce-not-enforced',
    stopAt: 'tokens',
    action: 'edit-verifier',
    expect: [
      { id: 'pkce-verifier-edited', severity: 'info', step: 'token' },
      { id: 'pkce-not-enforced', severity: 'error', step: 'token' },
    ],
    verdict: 'B',
    notes: 'A wrong code_verifier is sent on purpose and the server still issues tokens.',
  },
  {
    csv: 'A06',
    category: 'authorize',
    fault: 'pkce-method-rejected',
    stopAt: 'callback',
    expect: [{ id: 'authorization-error', severity: 'error', step: 'callback', text: /invalid_request/ }],
    verdict: 'incomplete',
  },
  {
    csv: 'A08',
    category: 'authorize',
    fault: 'resource-rejected',
    resource: true,
    stopAt: 'callback',
    expect: [{ id: 'authorization-error', severity: 'error', step: 'callback', text: /invalid_target/ }],
    verdict: 'incomplete',
  },

  // ===== callback ===================================================================================
  {
    csv: 'C01',
    category: 'callback',
    fault: 'state-dropped',
    stopAt: 'callback',
    expect: [{ id: 'state-missing', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
  },
  {
    csv: 'C02',
    category: 'callback',
    fault: 'state-altered',
    stopAt: 'callback',
    expect: [{ id: 'state-mismatch', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
  },
  {
    csv: 'C04',
    category: 'callback',
    fault: 'iss-wrong',
    stopAt: 'callback',
    expect: [{ id: 'issuer-mismatch', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
  },
  {
    csv: 'C05',
    category: 'callback',
    fault: 'iss-missing',
    stopAt: 'callback',
    expect: [{ id: 'iss-missing', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
  },
  {
    csv: 'C07',
    category: 'callback',
    fault: 'authorize-error-invalid-scope',
    stopAt: 'callback',
    expect: [{ id: 'authorization-error', severity: 'error', step: 'callback', text: /invalid_scope/ }],
    verdict: 'incomplete',
  },
  {
    csv: 'C07',
    category: 'callback',
    fault: 'authorize-error-server-error',
    stopAt: 'callback',
    expect: [{ id: 'authorization-error', severity: 'error', step: 'callback', text: /server_error/ }],
    verdict: 'incomplete',
  },
  {
    csv: 'C07',
    category: 'callback',
    fault: 'authorize-error-login-required',
    stopAt: 'callback',
    expect: [{ id: 'authorization-error', severity: 'warning', step: 'callback', text: /login_required/ }],
    verdict: 'incomplete',
  },
  {
    csv: 'C08',
    category: 'callback',
    fault: 'response-in-fragment',
    stopAt: 'callback',
    // One error that says where the response went, not the state or iss the server did send (there).
    expect: [{ id: 'response-in-fragment', severity: 'error', step: 'callback' }],
    absent: ['iss-missing', 'state-missing'],
    verdict: 'incomplete',
    notes: 'The whole response (code, state, iss) is in the fragment.',
  },
  {
    csv: 'C10',
    category: 'callback',
    fault: 'implicit-id-token-in-response',
    stopAt: 'callback',
    expect: [{ id: 'implicit-response-unexpected', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
  },
  {
    csv: 'C11',
    category: 'callback',
    fault: 'jarm-response',
    stopAt: 'callback',
    expect: [{ id: 'jarm-response-unexpected', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
    notes: 'The callback query holds only response=<JWT>.',
  },
  {
    csv: 'C12',
    category: 'callback',
    fault: 'callback-no-code',
    stopAt: 'callback',
    expect: [{ id: 'code-missing', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
    notes: 'The callback query holds state and iss only.',
  },
  {
    csv: 'C15',
    category: 'callback',
    fault: 'error-response-wrong-state',
    stopAt: 'callback',
    expect: [{ id: 'state-mismatch', severity: 'error', step: 'callback' }],
    absent: ['authorization-error'],
    verdict: 'incomplete',
    notes: 'An error response that does not belong to this run: its text must not be presented as the answer.',
  },

  // ===== token ======================================================================================
  {
    csv: 'T01',
    category: 'token',
    fault: 'token-html-500',
    stopAt: 'token',
    // One finding per cause: a 5xx without an OAuth error code is token-response-5xx alone.
    expect: [{ id: 'token-response-5xx', severity: 'error', step: 'token' }],
    absent: ['token-request-rejected'],
    verdict: 'A',
  },
  {
    csv: 'T02',
    category: 'token',
    fault: 'token-error-html-400',
    stopAt: 'token',
    expect: [
      { id: 'token-request-rejected', severity: 'error', step: 'token' },
      { id: 'error-response-not-json', severity: 'error', step: 'token' },
    ],
    verdict: 'A',
  },
  {
    csv: 'T03',
    category: 'token',
    fault: 'token-invalid-json',
    stopAt: 'token',
    expect: [{ id: 'token-response-not-json', severity: 'error', step: 'token' }],
    // Issue 12: A iff the exchange failed, and a 2xx without a readable access token is a failed exchange.
    verdict: 'A',
    notes: 'HTTP 200 whose body does not parse: no access_token can be read.',
  },
  {
    csv: 'T03',
    category: 'token',
    fault: 'token-json-as-html',
    stopAt: 'tokens',
    expect: [{ id: 'token-response-content-type', severity: 'warning', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'T05',
    category: 'token',
    fault: 'token-access-token-missing',
    stopAt: 'token',
    expect: [{ id: 'token-response-access-token-missing', severity: 'error', step: 'token' }],
    absent: ['invalid-response'],
    // Issue 12: a 2xx without access token is a failed exchange.
    verdict: 'A',
  },
  {
    csv: 'T06',
    category: 'token',
    fault: 'token-type-missing',
    stopAt: 'tokens',
    expect: [{ id: 'token-type-missing', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'T07',
    category: 'token',
    fault: 'token-type-lowercase',
    stopAt: 'tokens',
    expect: [
      { id: 'token-type-not-bearer', severity: 'warning', step: 'token', text: /valid per spec|case insensitive/i },
    ],
    verdict: 'B',
    notes:
      'Valid per RFC 6749 (case-insensitive); lint.ts warns because strict clients compare exactly. The finding must say it is valid.',
  },
  {
    csv: 'T08',
    category: 'token',
    fault: 'token-type-jwt',
    stopAt: 'tokens',
    // One finding per cause: oauth4webapi's refusal (RFC 6749 §7.1), not the linter's twin as well.
    expect: [{ id: 'token-type-unsupported', severity: 'error', step: 'token' }],
    absent: ['token-type-not-bearer'],
    verdict: 'B',
  },
  {
    csv: 'T09',
    category: 'token',
    fault: 'token-expires-in-missing',
    stopAt: 'tokens',
    expect: [{ id: 'expires-in-missing', severity: 'info', step: 'token' }],
    verdict: 'C',
    notes: 'PASS: expires_in is only RECOMMENDED.',
  },
  {
    csv: 'T10',
    category: 'token',
    fault: 'token-expires-in-string',
    stopAt: 'tokens',
    expect: [{ id: 'expires-in-not-number', severity: 'warning', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'T12',
    category: 'token',
    fault: 'token-extra-members',
    stopAt: 'tokens',
    expect: [{ id: 'token-response-extra-members', severity: 'info', step: 'token' }],
    verdict: 'C',
    notes: 'PASS: unknown members are ignored.',
  },
  {
    csv: 'T13',
    category: 'token',
    fault: 'token-scope-omitted',
    stopAt: 'tokens',
    expect: [],
    absent: ['token-response-scope-differs'],
    verdict: 'C',
    notes: 'PASS: scope omitted means "as requested".',
  },
  {
    csv: 'T14',
    category: 'token',
    fault: 'token-no-cache-control',
    stopAt: 'tokens',
    expect: [{ id: 'token-response-cache-control', severity: 'warning', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'T16',
    category: 'token',
    fault: 'token-code-invalid',
    stopAt: 'token',
    expect: [{ id: 'token-request-rejected', severity: 'error', step: 'token', text: /invalid_grant/ }],
    verdict: 'A',
  },
  {
    csv: 'T17',
    category: 'token',
    fault: 'token-redirect-uri-altered',
    stopAt: 'token',
    expect: [{ id: 'token-request-rejected', severity: 'error', step: 'token', text: /invalid_grant/ }],
    verdict: 'A',
  },
  {
    csv: 'T18',
    category: 'token',
    fault: 'token-code-reused',
    stopAt: 'token',
    expect: [{ id: 'token-request-rejected', severity: 'error', step: 'token', text: /invalid_grant/ }],
    verdict: 'A',
  },
  {
    csv: 'T19',
    category: 'token',
    fault: 'token-requires-client-auth',
    stopAt: 'token',
    expect: [
      {
        id: 'token-request-rejected',
        severity: 'error',
        step: 'token',
        text: /invalid_client[\s\S]*This request used no client authentication \(client_id in the body, "none"\)/,
      },
    ],
    verdict: 'A',
  },
  {
    csv: 'T22',
    category: 'token',
    fault: 'token-invalid-client-400',
    client: 'basic',
    stopAt: 'token',
    expect: [
      {
        id: 'token-request-rejected',
        severity: 'error',
        step: 'token',
        // The answer does not say how to authenticate: the finding names the method used (faults.csv T20).
        text: /invalid_client[\s\S]*This request used the client secret in an Authorization: Basic header/,
      },
      { id: 'error-response-status', severity: 'warning', step: 'token' },
    ],
    verdict: 'A',
  },
  {
    csv: 'T24',
    category: 'token',
    fault: 'token-id-token-missing',
    stopAt: 'tokens',
    expect: [{ id: 'token-response-id-token-missing', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'T25',
    category: 'token',
    fault: 'token-server-error-503',
    stopAt: 'token',
    // One finding: the 5xx, whose text names the body's error code (server_error).
    expect: [{ id: 'token-response-5xx', severity: 'error', step: 'token', text: /server_error/ }],
    absent: ['token-request-rejected'],
    verdict: 'A',
  },
  {
    csv: 'T29',
    category: 'token',
    fault: 'token-resource-rejected',
    resource: true,
    stopAt: 'token',
    expect: [{ id: 'token-request-rejected', severity: 'error', step: 'token', text: /invalid_target/ }],
    verdict: 'A',
  },

  // ===== JWT ========================================================================================
  {
    csv: 'J01',
    category: 'JWT',
    fault: 'id-token-sub-missing',
    stopAt: 'tokens',
    // oauth4webapi names it at the exchange; the Tokens step does not repeat it (one finding per cause).
    expect: [{ id: 'jwt-claim-missing', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'J01',
    category: 'JWT',
    fault: 'id-token-exp-missing',
    stopAt: 'tokens',
    // oauth4webapi names it at the exchange; the Tokens step does not repeat it (one finding per cause).
    expect: [{ id: 'jwt-claim-missing', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'J21',
    category: 'JWT',
    fault: 'id-token-auth-time-missing',
    extraParams: [['max_age', '300']],
    stopAt: 'tokens',
    // With max_age sent, oauth4webapi requires auth_time (OIDC Core §3.1.2.1) once it is told max_age.
    expect: [{ id: 'jwt-claim-missing', severity: 'error', step: 'token', text: /auth_time/ }],
    verdict: 'B',
  },
  {
    csv: 'J21',
    category: 'JWT',
    fault: 'id-token-auth-time-old',
    extraParams: [['max_age', '300']],
    stopAt: 'tokens',
    expect: [{ id: 'jwt-auth-time-too-old', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'J26',
    category: 'JWT',
    fault: 'id-token-at-hash-wrong',
    stopAt: 'tokens',
    // Optional in the code flow (oauth4webapi skips it), but openid-client (v4–v5) rejects a mismatch.
    expect: [{ id: 'jwt-at-hash-mismatch', severity: 'warning', step: 'tokens', text: /openid-client/ }],
    verdict: 'B',
  },
  {
    csv: 'J02',
    category: 'JWT',
    fault: 'id-token-iss-wrong',
    stopAt: 'tokens',
    // oauth4webapi names it at the exchange; the Tokens step does not repeat it (one finding per cause).
    expect: [{ id: 'jwt-issuer-mismatch', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'J03',
    category: 'JWT',
    fault: 'id-token-aud-wrong',
    stopAt: 'tokens',
    // oauth4webapi names it at the exchange; the Tokens step does not repeat it (one finding per cause).
    expect: [{ id: 'jwt-audience-mismatch', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'J05',
    category: 'JWT',
    fault: 'id-token-expired',
    stopAt: 'tokens',
    // oauth4webapi names it at the exchange; the Tokens step does not repeat it (one finding per cause).
    expect: [{ id: 'jwt-expired', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'J07',
    category: 'JWT',
    fault: 'id-token-iat-future',
    stopAt: 'tokens',
    expect: [{ id: 'jwt-iat-in-future', severity: 'warning', step: 'tokens' }],
    verdict: 'B',
  },
  {
    csv: 'J08',
    category: 'JWT',
    fault: 'id-token-nonce-wrong',
    stopAt: 'tokens',
    // oauth4webapi names it at the exchange; the Tokens step does not repeat it (one finding per cause).
    expect: [{ id: 'jwt-nonce-mismatch', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'J09',
    category: 'JWT',
    fault: 'id-token-es256',
    stopAt: 'tokens',
    expect: [{ id: 'jwt-alg-not-allowed', severity: 'error' }],
    verdict: 'B',
    notes: 'The ES256 key is published, so the signature itself verifies; the alg is not the advertised one.',
  },
  {
    csv: 'J10',
    category: 'JWT',
    fault: 'id-token-alg-none',
    stopAt: 'tokens',
    // One cause: the exchange refuses alg none; the Tokens step does not say it again.
    expect: [{ id: 'jwt-alg-not-allowed', severity: 'error', step: 'token', text: /none/ }],
    absent: ['jwt-alg-unsupported'],
    verdict: 'B',
  },
  {
    csv: 'J11',
    category: 'JWT',
    fault: 'id-token-bad-signature',
    stopAt: 'tokens',
    expect: [{ id: 'jwt-signature-invalid', severity: 'error', step: 'tokens' }],
    verdict: 'B',
  },
  {
    csv: 'J13',
    category: 'JWT',
    fault: 'id-token-unknown-kid',
    stopAt: 'tokens',
    expect: [{ id: 'jwks-no-matching-key', severity: 'error', step: 'tokens' }],
    verdict: 'B',
  },
  {
    csv: 'J15',
    category: 'JWT',
    fault: 'jwks-404',
    stopAt: 'tokens',
    expect: [{ id: 'jwks-fetch-failed', severity: 'error', step: 'tokens' }],
    verdict: 'B',
  },
  {
    csv: 'J15',
    category: 'JWT',
    fault: 'jwks-unreachable',
    stopAt: 'tokens',
    expect: [{ id: 'endpoint-unreachable', severity: 'error', step: 'tokens' }],
    // Issue 12: C only with no error anywhere; the headline says it concerns this client or browser.
    verdict: 'B',
    notes: 'A transport problem of this browser: the token response itself is conformant.',
  },
  {
    csv: 'J16',
    category: 'JWT',
    fault: 'jwks-malformed',
    stopAt: 'tokens',
    expect: [{ id: 'jwks-invalid', severity: 'error', step: 'tokens' }],
    verdict: 'B',
  },
  {
    csv: 'J17',
    category: 'JWT',
    fault: 'jwks-rsa-1024',
    stopAt: 'tokens',
    expect: [{ id: 'jwks-weak-key', severity: 'error', step: 'tokens' }],
    verdict: 'B',
  },
  {
    csv: 'J18',
    category: 'JWT',
    fault: 'id-token-not-jwt',
    stopAt: 'tokens',
    // One cause: the exchange finds the ID token malformed; the Tokens step does not say it again.
    expect: [{ id: 'jwt-malformed', severity: 'error', step: 'token' }],
    absent: ['id-token-not-jwt'],
    verdict: 'B',
  },
  {
    csv: 'J20',
    category: 'JWT',
    fault: 'id-token-jwe',
    stopAt: 'tokens',
    expect: [{ id: 'jwe-not-supported', severity: 'error', step: 'token' }],
    verdict: 'B',
    notes: 'oauth4webapi cannot process an encrypted ID Token without a decryption key (the client has none).',
  },
  {
    csv: 'J23',
    category: 'JWT',
    fault: 'access-token-no-typ',
    resource: true,
    stopAt: 'tokens',
    expect: [
      { id: 'jwt-access-token-typ', severity: 'info', step: 'tokens' },
      { id: 'jwt-claim-missing', severity: 'info', step: 'tokens', text: /jti/ },
    ],
    // Issue 12: a client MUST treat the access token as opaque (RFC 9068 §6); the profile is the
    // resource server's business, so these are notes and the flow is conformant.
    verdict: 'C',
    notes: 'Access token rules are informational for a client (RFC 9068 §6).',
  },
  {
    csv: 'J23',
    category: 'JWT',
    fault: 'access-token-opaque',
    resource: true,
    stopAt: 'tokens',
    expect: [{ id: 'access-token-opaque', severity: 'info', step: 'tokens' }],
    verdict: 'C',
    notes: 'PASS: an opaque access token is allowed; nothing to verify.',
  },
  {
    csv: 'J24',
    category: 'JWT',
    fault: 'access-token-aud-client',
    resource: true,
    stopAt: 'tokens',
    // Issue 12: informational for the client (RFC 9068 §6); the resource server's answer is what counts.
    expect: [{ id: 'jwt-audience-mismatch', severity: 'info', step: 'tokens' }],
    verdict: 'C',
  },

  // ===== CORS =======================================================================================
  {
    csv: 'X01',
    category: 'CORS',
    fault: 'token-no-cors',
    stopAt: 'token',
    expect: [{ id: 'cors-blocked', severity: 'error', step: 'token', text: /consumed/ }],
    verdict: 'A',
  },
  {
    csv: 'X03',
    category: 'CORS',
    fault: 'token-acao-wrong',
    stopAt: 'token',
    expect: [{ id: 'cors-blocked', severity: 'error', step: 'token' }],
    verdict: 'A',
  },
  {
    csv: 'X04',
    category: 'CORS',
    fault: 'token-preflight-404',
    client: 'basic',
    stopAt: 'cors',
    expect: [{ id: 'cors-preflight-failed', severity: 'error', step: 'cors' }],
    verdict: 'incomplete',
  },
  {
    csv: 'X05',
    category: 'CORS',
    fault: 'token-preflight-no-authorization',
    client: 'basic',
    stopAt: 'cors',
    expect: [{ id: 'cors-preflight-failed', severity: 'error', step: 'cors' }],
    verdict: 'incomplete',
  },
  {
    csv: 'X07',
    category: 'CORS',
    fault: 'userinfo-www-authenticate-hidden',
    stopAt: 'cors',
    expect: [{ id: 'www-authenticate-not-exposed', severity: 'info', step: 'cors' }],
    verdict: 'incomplete',
  },
  {
    csv: 'X08',
    category: 'CORS',
    fault: 'discovery-no-cors',
    stopAt: 'discovery',
    expect: [{ id: 'cors-blocked', severity: 'error', step: 'discovery' }],
    verdict: 'incomplete',
  },
  {
    csv: 'X08',
    category: 'CORS',
    fault: 'jwks-no-cors',
    stopAt: 'tokens',
    expect: [{ id: 'cors-blocked', severity: 'error', step: 'tokens' }],
    // Issue 12: C only with no error anywhere.
    verdict: 'B',
    notes: 'A transport problem of this browser: the token response itself is conformant.',
  },
  {
    csv: 'X09',
    category: 'CORS',
    fault: 'token-actual-refused',
    client: 'basic',
    stopAt: 'token',
    expect: [{ id: 'cors-blocked', severity: 'error', step: 'token' }],
    verdict: 'A',
    notes: 'The preflight passes; the POST answer (403) carries no Access-Control-Allow-Origin.',
  },

  // ===== browser ====================================================================================
  {
    csv: 'B03',
    category: 'browser',
    fault: 'compliant',
    stopAt: 'callback',
    action: 'callback-on-other-origin',
    expect: [{ id: 'no-pending-flow', severity: 'error', step: 'callback' }],
    verdict: 'incomplete',
    notes: 'Started on http://localhost:APP, the redirect URI is http://127.0.0.1:APP/: sessionStorage is per origin.',
  },
  {
    csv: 'B06',
    category: 'browser',
    fault: 'compliant',
    stopAt: 'tokens',
    action: 'replay-callback',
    expect: [{ id: 'callback-replayed', severity: 'info', step: 'callback' }],
    verdict: 'C',
  },
  {
    csv: 'B12',
    category: 'browser',
    fault: 'token-endpoint-unreachable',
    stopAt: 'token',
    split: true,
    expect: [{ id: 'endpoint-unreachable', severity: 'error', step: 'token' }],
    absent: ['cors-blocked'],
    verdict: 'A',
    notes: 'Nothing listens at the advertised token endpoint; must be told apart from CORS.',
  },
  {
    csv: 'B14',
    category: 'browser',
    fault: 'token-redirect',
    stopAt: 'token',
    expect: [{ id: 'endpoint-redirected', severity: 'error', step: 'token' }],
    verdict: 'A',
  },

  // ===== playground-security ========================================================================
  {
    csv: 'S01',
    category: 'playground-security',
    fault: 'error-description-html',
    stopAt: 'callback',
    xss: true,
    expect: [
      { id: 'authorization-error', severity: 'error', step: 'callback', text: /<script>window\.__pwned=1<\/script>/ },
    ],
    verdict: 'incomplete',
    notes: 'The HTML must show as text (the finding contains the literal markup) and never run.',
  },
  {
    csv: 'S01',
    category: 'playground-security',
    fault: 'id-token-claims-html',
    stopAt: 'tokens',
    xss: true,
    expect: [],
    verdict: 'C',
    notes: 'The ID token name claim is HTML with script: shown as text, never run.',
  },
  {
    csv: 'S03',
    category: 'playground-security',
    fault: 'authorization-endpoint-javascript',
    stopAt: 'discovery',
    xss: true,
    expect: [{ id: 'authorization-endpoint-unsafe', severity: 'error', step: 'authorization' }],
    verdict: 'incomplete',
  },
  {
    csv: 'S04',
    category: 'playground-security',
    fault: 'error-description-phishing',
    stopAt: 'callback',
    expect: [{ id: 'authorization-error', severity: 'warning', step: 'callback', text: /supplied by the server/i }],
    verdict: 'incomplete',
    notes: 'The phishing text must be labelled as server-supplied.',
  },
  // ===== DPoP and PAR (issue 14) =======================================================================
  {
    csv: 'DP01',
    category: 'DPoP',
    fault: 'dpop-nonce-not-exposed',
    dpop: 'on',
    stopAt: 'token',
    // exchangeCode does not retry; the runner's lintCors says the same about the last exchange (dedupe it)
    expect: [{ id: 'dpop-nonce-not-exposed', severity: 'warning', step: 'token' }],
    verdict: 'A',
  },
  {
    csv: 'DP02',
    category: 'DPoP',
    fault: 'dpop-preflight-refuses',
    dpop: 'on',
    stopAt: 'token',
    expect: [
      { id: 'dpop-preflight-refused', severity: 'error', step: 'token', text: /dpop, authorization, content-type/ },
    ],
    absent: ['cors-blocked'],
    verdict: 'A',
  },
  {
    csv: 'DP03',
    category: 'DPoP',
    fault: 'dpop-bearer-returned',
    dpop: 'on',
    stopAt: 'tokens',
    expect: [{ id: 'dpop-not-honoured', severity: 'warning', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'DP04',
    category: 'DPoP',
    fault: 'dpop-jkt-mismatch',
    dpop: 'on',
    resource: true,
    stopAt: 'tokens',
    expect: [{ id: 'dpop-jkt-mismatch', severity: 'error', step: 'token' }],
    verdict: 'B',
  },
  {
    csv: 'DP05',
    category: 'DPoP',
    fault: 'compliant',
    client: 'dpop',
    // the default: on because the server advertises DPoP
    dpop: 'auto',
    stopAt: 'tokens',
    // the dpop client must carry a server nonce: one use_dpop_nonce round trip, shown as information
    expect: [{ id: 'dpop-nonce-required', severity: 'info', step: 'token' }],
    absent: ['dpop-not-honoured', 'dpop-jkt-mismatch', 'dpop-jkt-missing', 'dpop-nonce-not-exposed'],
    verdict: 'C',
  },
  {
    csv: 'PR01',
    category: 'PAR',
    fault: 'par-no-cors',
    par: 'on',
    stopAt: 'authorization',
    expect: [{ id: 'par-cors', severity: 'error', step: 'authorization' }],
    verdict: 'incomplete',
  },
  {
    csv: 'PR02',
    category: 'PAR',
    fault: 'compliant',
    client: 'par',
    par: 'off',
    stopAt: 'callback',
    expect: [{ id: 'par-required', severity: 'error', step: 'callback' }],
    absent: ['authorization-error'],
    verdict: 'incomplete',
  },
  {
    csv: 'PR03',
    category: 'PAR',
    fault: 'compliant',
    client: 'par',
    par: 'on',
    stopAt: 'tokens',
    expect: [],
    absent: ['par-required', 'par-cors', 'par-request-uri-shape', 'par-expires-in'],
    verdict: 'C',
    notes: 'par-ignores-pkce needs the PAR probe in the probes panel (judgeParWithoutPkce); no case yet.',
  },
  {
    csv: 'PR04',
    category: 'PAR',
    fault: 'par-request-uri-odd',
    par: 'on',
    stopAt: 'authorization',
    expect: [
      { id: 'par-request-uri-shape', severity: 'info', step: 'authorization' },
      { id: 'par-expires-in', severity: 'warning', step: 'authorization' },
    ],
    verdict: 'incomplete',
  },
  {
    csv: 'DP06',
    category: 'DPoP',
    fault: 'dpop-preflight-refuses',
    dpop: 'on',
    stopAt: 'cors',
    // the CORS check's own probe with a proof of a throwaway key names the refused preflight for sure
    expect: [{ id: 'dpop-preflight-refused', severity: 'error', step: 'cors', text: /preflight/ }],
    verdict: 'incomplete',
  },
  {
    csv: 'DP07',
    category: 'DPoP',
    fault: 'dpop-nonce-not-exposed',
    dpop: 'on',
    stopAt: 'cors',
    expect: [{ id: 'dpop-nonce-not-exposed', severity: 'warning', step: 'cors' }],
    verdict: 'incomplete',
  },
]
