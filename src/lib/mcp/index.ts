/**
 * The MCP way in: given an MCP server URL, follow the MCP authorization specification (2025-06-18,
 * 2025-11-25, 2026-07-28) step by step, recording every request through a {@link Recorder}. One
 * module per step:
 *
 * 1. probe.ts, {@link probeMcp}: an unauthenticated `initialize` → 401 + `WWW-Authenticate` challenge.
 * 2. prm.ts, {@link discoverProtectedResource}: RFC 9728 metadata from the challenge URL, else the
 *    well-known URLs in the spec's order; `resource` must be the MCP URL.
 * 3. The authorization server's metadata: the playground's usual discovery step (protocol/discovery.ts);
 *    the driver stops without S256 in `code_challenge_methods_supported`, as MCP clients must.
 * 4. registration.ts, {@link registerClient}: pre-registered id → Client ID Metadata Document → RFC 7591
 *    DCR.
 * 5. prm.ts, {@link chooseScopes}: MCP 2025-11-25 "Scope Selection Strategy". (Authorization and token
 *    requests are the playground's usual steps, with `resource` = {@link canonicalMcpUrl}.)
 * 6. session.ts, {@link mcpSession}: `initialize` + `tools/list` with the access token over Streamable
 *    HTTP.
 * 7. cross-checks.ts, {@link crossChecks}: token audience against the resource, granted scopes against
 *    the challenge.
 *
 * shared.ts holds what the steps share (protocol version, options, JSON-RPC framing). readiness.ts,
 * the connector readiness checklist, is imported on its own.
 *
 * Pure: no DOM, no storage. Every protocol step goes through oauth4webapi; findings have stable ids
 * from the catalogue (model/catalogue.ts).
 */
export { MCP_PROTOCOL_VERSION, MCP_CLIENT_INFO, type McpOptions } from './shared'
export { canonicalMcpUrl, probeMcp, type McpChallenge, type McpProbeResult } from './probe'
export {
  prmWellKnownUrls,
  discoverProtectedResource,
  chooseScopes,
  type ProtectedResourceMetadata,
  type PrmAttempt,
  type PrmResult,
  type ScopeChoice,
} from './prm'
export {
  registrationMetadata,
  diffRegistration,
  registerClient,
  type RegistrationOptions,
  type RegistrationChange,
  type RegistrationResult,
} from './registration'
export { parseMcpBody, mcpSession, type McpTool, type McpSessionResult } from './session'
export { crossChecks, type CrossCheckInput } from './cross-checks'
export { parseChallenges } from '../platform/o4w'
