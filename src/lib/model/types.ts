import type { FindingId } from './catalogue'

export type { FindingId }

/**
 * Shared data shapes of the pure core. Everything here is plain JSON (no URL, Error, Date or class
 * instances) so that one snapshot can be persisted across the authorization redirect as is.
 */

/** The steps of the flow, in order. The order itself is defined once, in `steps.ts`. */
export type StepId =
  | 'configure'
  | 'mcp-probe'
  | 'mcp-discovery'
  | 'discovery'
  | 'registration'
  | 'pkce'
  | 'authorization'
  | 'callback'
  | 'token'
  | 'tokens'
  | 'mcp-tools'

/** The steps outside the main flow (side panels), each with its own status and findings. */
export type SideStepId = 'cors' | 'refresh' | 'userinfo' | 'introspection' | 'revocation' | 'resource' | 'probes'

/** Where a finding or an exchange belongs: a step of the flow or a side step. */
export type StepRef = StepId | SideStepId

export type Severity = 'error' | 'warning' | 'info'

/**
 * One observation about what a server sent (or what the browser did). `id` is a stable kebab-case
 * identifier listed in the findings catalogue; `spec` names the section that the rule comes from.
 */
export interface Finding {
  id: FindingId
  severity: Severity
  step: StepRef
  title: string
  /** What was observed and why it matters. Plain text; server-provided text is quoted, never HTML. */
  detail: string
  /** What to change, on the server side unless said otherwise. */
  fix: string
  /** Spec sections, e.g. "RFC 6749 §5.1". Strict-client expectations are in `detail`, separately. */
  spec: string
  data?: Record<string, string | number | boolean | null | string[]>
}

export type HeaderList = Array<[name: string, value: string]>

export interface RecordedRequest {
  method: string
  url: string
  /** Headers the page set. The browser adds others (Origin, User-Agent, …); see `browserAdded`. */
  headers: HeaderList
  /** Headers the browser adds by itself and the page cannot control (shown for teaching). */
  browserAdded: HeaderList
  body?: string
}

export interface RecordedResponse {
  status: number
  statusText: string
  /** fetch's Response.type: basic, cors, opaque, opaqueredirect, error. */
  type: string
  url: string
  /** Only the headers the browser lets the page read (CORS-safelisted or exposed). */
  headers: HeaderList
  body: string
  /** True when the body was cut at the recording limit. */
  bodyTruncated: boolean
  /** The whole body's size in bytes, when it was cut (`bodyTruncated`). */
  bodySize?: number
}

/** How a failed cross-origin fetch was classified (see `cors.ts`). */
export type CorsVerdict =
  | 'readable'
  | 'blocked-by-cors'
  | 'unreachable'
  | 'mixed-content'
  | 'redirected'
  | 'preflight-failed'
  | 'local-network'
  | 'not-checked'

export interface ExchangeError {
  name: string
  message: string
}

/** One HTTP request and what came back, recorded before any library processed it. */
export interface HttpExchange {
  id: string
  step: StepRef
  /** Short human label: "Discovery: OAuth 2.0 metadata (RFC 8414)". */
  label: string
  startedAt: number
  durationMs: number
  request: RecordedRequest
  response?: RecordedResponse
  /** Set when fetch rejected (network, CORS, mixed content, abort). */
  error?: ExchangeError
  cors: CorsVerdict
  /** Human explanation of `cors` when it is not `readable`. */
  corsDetail?: string
}

export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post'

export type PkceMethod = 'S256' | 'plain'

/** What the user configured (Configure step). Never contains the client secret (kept apart). */
export interface FlowConfig {
  issuer: string
  /** Hand-entered endpoints; empty strings mean "take it from discovery". */
  authorization_endpoint: string
  token_endpoint: string
  jwks_uri: string
  userinfo_endpoint: string
  client_id: string
  client_auth: ClientAuthMethod
  scope: string
  redirect_uri: string
  resource: string
  extra_params: Array<[key: string, value: string]>
  /** Allow http:// endpoints on loopback hosts (localhost, 127.0.0.0/8, [::1]). */
  allow_insecure_loopback: boolean
  /** Start from an MCP server: its URL (absent or empty = plain OAuth). */
  mcp_url?: string
  /** DPoP (RFC 9449): 'auto' (absent) = when the metadata advertises dpop_signing_alg_values_supported. */
  dpop?: 'auto' | 'on' | 'off'
  /** PAR (RFC 9126): 'auto' (absent) = when the metadata says require_pushed_authorization_requests. */
  par?: 'auto' | 'on' | 'off'
}

/** One problem with what the user typed in Configure (see protocol/config.ts `validateConfig`). */
export interface ConfigProblem {
  field: keyof FlowConfig | 'client_secret'
  message: string
  severity: 'error' | 'warning'
}

/** A subset of RFC 8414 / OIDC Discovery metadata, picked member by member (never merged). */
export interface ServerMetadata {
  issuer: string
  authorization_endpoint?: string
  token_endpoint?: string
  jwks_uri?: string
  userinfo_endpoint?: string
  revocation_endpoint?: string
  introspection_endpoint?: string
  registration_endpoint?: string
  code_challenge_methods_supported?: string[]
  token_endpoint_auth_methods_supported?: string[]
  response_types_supported?: string[]
  scopes_supported?: string[]
  id_token_signing_alg_values_supported?: string[]
  authorization_response_iss_parameter_supported?: boolean
  dpop_signing_alg_values_supported?: string[]
  pushed_authorization_request_endpoint?: string
  require_pushed_authorization_requests?: boolean
  [member: string]: unknown
}

export interface DiscoveryAttempt {
  url: string
  kind: 'oauth-authorization-server' | 'openid-configuration' | 'openid-configuration-inserted'
  /** HTTP status, 0 when fetch failed or the response was opaque. */
  status: number
  outcome: 'ok' | 'not-found' | 'error' | 'network'
  note: string
  exchangeId: string
}

export interface DiscoveryResult {
  attempts: DiscoveryAttempt[]
  /** The metadata document that was accepted, as the server sent it (raw JSON text parsed). */
  document?: Record<string, unknown>
  /** The URL the accepted document came from. */
  source?: string
}

export interface PkceState {
  method: PkceMethod
  code_verifier: string
  code_challenge: string
}

export interface AuthorizationRequest {
  url: string
  state: string
  nonce?: string
  /** The request's parameters (with PAR: the form body that was pushed). */
  params: Array<[key: string, value: string]>
  /** With PAR (RFC 9126): what the PAR endpoint answered; `url` then carries only client_id and request_uri. */
  par?: { endpoint: string; request_uri: string; expires_in?: number }
}

/**
 * The public side of this run's DPoP key (RFC 9449). The private key is non-extractable and lives in
 * the page's memory only; it is made after the redirect (a page cannot carry it across a navigation
 * without storing it), so a reload loses it, and the tokens bound to it become unusable.
 */
export interface DpopKeyInfo {
  alg: string
  /** RFC 7638 SHA-256 thumbprint: what cnf.jkt of a bound token must equal. */
  thumbprint: string
  /** The public JWK sent in every proof. */
  jwk: Record<string, unknown>
}

export interface CallbackResult {
  /** Raw query parameters exactly as received (the code itself is kept only in memory/session). */
  params: Array<[key: string, value: string]>
  receivedAt: number
  outcome: 'code' | 'error' | 'invalid'
}

export interface TokenResponseSummary {
  status: number
  /** The parsed JSON body (as sent by the server; never merged into state). */
  body?: Record<string, unknown>
}

export type StepStatus = 'pending' | 'ok' | 'warning' | 'error' | 'skipped' | 'running'

/**
 * The whole flow as plain JSON. It is persisted in sessionStorage across the redirect and removed
 * when the flow is finished or reset. It never holds the client secret of a share link or report.
 */
export interface FlowSnapshot<Side = unknown> {
  version: 1
  /** Random id of this run; used to tell runs apart and to refuse a replayed callback. */
  runId: string
  /** The page origin that started the flow (the callback must land on the same origin). */
  origin: string
  config: FlowConfig
  discovery?: DiscoveryResult
  /** Effective metadata: discovered, then completed by hand-entered endpoints. */
  metadata?: ServerMetadata
  pkce?: PkceState
  authorization?: AuthorizationRequest
  callback?: CallbackResult
  /** The authorization code, until it has been sent once. */
  code?: string
  /** True once a token request has been sent for this code (never send it twice). */
  codeUsed?: boolean
  token?: TokenResponseSummary
  /** DPoP: the public side of the key the token request was sent with (absent without DPoP). */
  dpop?: DpopKeyInfo
  exchanges: HttpExchange[]
  findings: Finding[]
  status: Partial<Record<StepId, StepStatus>>
  /** Run-to-the-end mode: after the redirect, go on by itself. */
  auto?: boolean
  /** Status of the steps outside the main flow (cors, refresh, userinfo, mcp-…, probes). */
  extraStatus?: Record<string, StepStatus>
  /**
   * What the share link this flow started from set that decides where secrets go, and whether the
   * user confirmed its endpoints (see config.ts `linkSettingsToReview`).
   */
  link?: LinkRecord
  /**
   * Results of the side steps and the MCP steps, as plain JSON. Typed by the driver
   * (flow/side.ts `SideState`); the lower layers never read it.
   */
  side?: Side
}

/** The share-link keys that name an endpoint (see config.ts `LINK_ENDPOINT_KEYS`). */
export type LinkEndpointKey = 'authorization_endpoint' | 'token_endpoint' | 'jwks_uri'

/** One value a share link set that the user must see before it is used. */
/** What a share link set and what the user decided about it: travels with the flow (state/link-trust). */
export interface LinkRecord {
  settings: LinkSetting[]
  /** The user confirmed the endpoints the link set. */
  confirmed: boolean
  /** The server the link named: its issuer, or its MCP server URL. */
  named?: string
  /** The user agreed to log in on one origin and send the code to another (see LinkTrust.split). */
  splitConfirmed?: boolean
}

export interface LinkSetting {
  field: LinkEndpointKey | 'redirect_uri' | 'resource'
  value: string
  /** The origin of `value`, or the value itself when it is not a URL. */
  origin: string
  /**
   * `confirm`: nothing is sent to it before the user confirms (endpoints); `warn`: shown with a
   * warning (a redirect URI that is not this page); `ask-before-token`: a parameter as usual, but the
   * access token is sent there only after a confirmation (resource).
   */
  handling: 'confirm' | 'warn' | 'ask-before-token'
}
