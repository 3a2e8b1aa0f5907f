// The shapes of the report: what "Download report" writes as JSON and the Markdown is made from.
import type { DecodedToken, TokenKind } from '../../platform/jwt-decode'
import type { Finding, FlowConfig, HttpExchange, PkceMethod, StepId, StepStatus } from '../../model/types'
import type { Verdict } from './verdict'

export const REPORT_FILENAME = 'pkce-playground-report.json'
export const REPORT_TOOL = 'pkce-playground'

export type ReportStepStatus = 'ok' | 'warning' | 'error' | 'skipped'

/** One recorded HTTP exchange, redacted: the same shape as the recording. */
export type ReportExchange = HttpExchange

export interface ReportStep {
  id: StepId | string
  title: string
  status: ReportStepStatus
  exchanges: ReportExchange[]
  /** Ids of the findings reported for this step, in order. */
  findingIds: string[]
}

/** A token of the token response: its decoded header and claims, never the token itself. */
export interface ReportToken {
  kind: TokenKind
  format: DecodedToken['format']
  /** Length of the token as issued, in characters. */
  length: number
  header?: Record<string, unknown>
  claims?: Record<string, unknown>
  note?: string
}

export interface Report {
  tool: typeof REPORT_TOOL
  version: string
  generatedAt: string
  /** The page origin the flow ran from (it matters for CORS and the redirect URI). */
  origin: string
  /** The configuration; values of secret-looking extra parameters are redacted. */
  config: FlowConfig
  /** The effective server metadata (discovered, completed by hand-entered endpoints). */
  metadata?: Record<string, unknown>
  pkce?: { method: PkceMethod; code_challenge: string }
  /** DPoP: the public side of the key the tokens are bound to (never the private key). */
  dpop?: { alg: string; thumbprint: string }
  /** The authorization request, with state and nonce redacted. */
  authorization?: { url: string; params: Array<[key: string, value: string]>; par?: { endpoint: string } }
  /** The callback parameters, with code and state redacted. */
  callback?: { outcome: string; params: Array<[key: string, value: string]> }
  steps: ReportStep[]
  findings: Finding[]
  verdict: Verdict
  tokens?: ReportToken[]
}

export interface BuildReportOptions {
  /** The playground version (package.json). */
  version: string
  now?: Date
  /**
   * Status of steps that are not in `STEPS` (refresh, userinfo, mcp-…), in display order. Steps
   * named only by exchanges or findings are added after these, in order of appearance.
   */
  extraSteps?: Array<{ id: string; title?: string; status?: StepStatus }>
  /** The client secret (kept apart from the snapshot): scrubbed wherever it appears. */
  clientSecret?: string
  /** Any other values to scrub wherever they appear. */
  secrets?: readonly string[]
}
