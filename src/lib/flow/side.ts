/**
 * What the steps outside the main line keep in the snapshot (`snapshot.side`), typed: the CORS check,
 * the after-token actions, the server probes and everything the MCP steps learned. Plain JSON, like
 * the rest of the snapshot. It lives in flow/ because it gathers result shapes from every layer
 * below; the lower layers never read it (they take the base {@link FlowSnapshot}).
 */
import type { FlowConfig, FlowSnapshot } from '../model/types'
import { nextExchangeId } from '../platform/ids'
import { REMOVED_AFTER_USE } from '../platform/persist'
import type { AuthorizationRequest, PkceState } from '../model/types'
import type { Challenge } from '../platform/o4w'
import type { CorsProbeResult } from '../checks/cors-check'
import type { ProbeId } from '../checks/probes'
import type { McpChallenge, McpSessionResult, PrmResult, RegistrationResult, ScopeChoice } from '../mcp'
import type { ReadinessItem } from '../mcp/readiness'

/** A server probe waiting for its authorization round trip. */
export interface PendingProbe {
  id: ProbeId
  pkce: PkceState
  authorization: AuthorizationRequest
}

/** One line per probe run, for the probes panel. */
export interface ProbeResult {
  id: ProbeId
  outcome: 'passed' | 'failed' | 'inconclusive'
  status: number
  at: number
}

/** What the MCP steps learned. */
export interface McpSide {
  url?: string
  probe?: { status: number; challenge?: McpChallenge; wwwAuthenticateVisible: boolean; exchangeId?: string }
  prm?: Omit<PrmResult, 'findings'>
  scopes?: ScopeChoice
  registration?: Omit<RegistrationResult, 'findings'>
  session?: Omit<McpSessionResult, 'findings'>
  readiness?: ReadinessItem[]
}

/** The tokens in use now: the token response's, replaced by those of the last successful refresh. */
export type CurrentTokens = Partial<Record<'access_token' | 'refresh_token' | 'id_token', string>>

/** Results of the side steps and the MCP steps. */
export interface SideState {
  cors?: CorsProbeResult[]
  refresh?: { status: number; rotated: boolean | 'unknown'; body?: Record<string, unknown> }
  currentTokens?: CurrentTokens
  userinfo?: { status: number; subMatches: boolean | 'not-checked'; claims?: Record<string, unknown> }
  introspection?: { status: number; body?: Record<string, unknown>; active?: boolean }
  revocation?: { status: number; revoked: boolean; which: 'access_token' | 'refresh_token' }
  resource?: { status: number; challenges?: Challenge[] }
  probe?: PendingProbe
  probeResults?: ProbeResult[]
  mcp?: McpSide
}

/** The flow's snapshot with its side state: what the driver keeps and persists. */
export type Snapshot = FlowSnapshot<SideState>

/**
 * The tokens to use now: the token response's, with those of the last successful refresh on top
 * (a rotated refresh token replaces the spent one). OIDC Core §12.2 comparisons still use the
 * original ID token in snapshot.token.body.
 */
export function currentTokens(s: Snapshot): CurrentTokens {
  const out: CurrentTokens = {}
  for (const k of ['access_token', 'refresh_token', 'id_token'] as const) {
    const v = s.side?.currentTokens?.[k] ?? s.token?.body?.[k]
    if (typeof v === 'string' && v) out[k] = v
  }
  return out
}

/** The verifier kept in a restored snapshot, unless it was removed after use. */
export function usableVerifier(snapshot: Snapshot): string {
  const v = snapshot.pkce?.code_verifier ?? ''
  return v === REMOVED_AFTER_USE ? '' : v
}

/** The snapshot with the code_verifier the token request will send (possibly edited). */
export function forToken(s: Snapshot, tokenVerifier: string): Snapshot {
  const pkce = s.pkce
  if (!pkce || !tokenVerifier || tokenVerifier === pkce.code_verifier) return s
  return { ...s, pkce: { ...pkce, code_verifier: tokenVerifier } }
}

/** Did the user edit the verifier the token request sends? */
export function verifierEdited(s: Snapshot, tokenVerifier: string): boolean {
  return Boolean(s.pkce) && tokenVerifier !== '' && tokenVerifier !== s.pkce?.code_verifier
}

/** A fresh snapshot for a new run from `config`. */
export function emptySnapshot(config: FlowConfig, origin: string): Snapshot {
  return {
    version: 1,
    runId: nextExchangeId('run'),
    origin,
    config,
    exchanges: [],
    findings: [],
    status: {},
  }
}
