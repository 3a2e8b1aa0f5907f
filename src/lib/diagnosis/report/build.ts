// buildReport: one redacted Report from a flow snapshot.
import { decodeToken, type TokenKind } from '../../platform/jwt-decode'
import { STEPS, stepsFor } from '../../model/steps'
import type { Finding, FlowConfig, FlowSnapshot, StepId, StepStatus } from '../../model/types'
import {
  redactExchangeWith,
  redactFindingWith,
  redactParams,
  redactJson,
  redactClaims,
  scrubStrings,
  knownSecrets,
} from './redact'
import { prepareLiterals, redactWith } from './redact-text'
import {
  REPORT_TOOL,
  type ReportStepStatus,
  type ReportStep,
  type ReportToken,
  type Report,
  type BuildReportOptions,
} from './types'
import { computeVerdict } from './verdict'

function reportStatus(s: StepStatus | undefined): ReportStepStatus {
  switch (s) {
    case 'ok':
    case 'warning':
    case 'error':
    case 'skipped':
      return s
    default:
      return 'skipped'
  }
}

function derivedStatus(findings: readonly Finding[], exchanges: readonly unknown[]): ReportStepStatus {
  if (findings.some((f) => f.severity === 'error')) return 'error'
  if (findings.some((f) => f.severity === 'warning')) return 'warning'
  return exchanges.length || findings.length ? 'ok' : 'skipped'
}

function reportTokens(
  body: Record<string, unknown> | undefined,
  literals: readonly string[],
): ReportToken[] | undefined {
  if (!body) return undefined
  const kinds: TokenKind[] = ['id_token', 'access_token', 'refresh_token']
  const out: ReportToken[] = []
  for (const kind of kinds) {
    const raw = body[kind]
    if (typeof raw !== 'string' || !raw) continue
    const d = decodeToken(raw)
    const t: ReportToken = { kind, format: d.format, length: raw.length }
    if (kind === 'refresh_token') {
      t.note = 'A refresh token is a credential: its content is never included in a report.'
    } else if (d.format === 'jwt') {
      t.header = scrubStrings(d.header, literals, 0) as Record<string, unknown>
      t.claims = redactClaims(d.payload, literals)
    } else if (d.format === 'jwe') {
      if (d.header) t.header = scrubStrings(d.header, literals, 0) as Record<string, unknown>
      t.note = 'Encrypted (JWE): only the protected header is shown.'
    } else {
      t.note = redactWith(d.reason, literals)
    }
    out.push(t)
  }
  return out.length ? out : undefined
}

function redactConfig(c: FlowConfig, literals: readonly string[]): FlowConfig {
  return {
    issuer: redactWith(c.issuer, literals),
    authorization_endpoint: redactWith(c.authorization_endpoint, literals),
    token_endpoint: redactWith(c.token_endpoint, literals),
    jwks_uri: redactWith(c.jwks_uri, literals),
    userinfo_endpoint: redactWith(c.userinfo_endpoint, literals),
    client_id: c.client_id,
    client_auth: c.client_auth,
    scope: redactWith(c.scope, literals),
    redirect_uri: redactWith(c.redirect_uri, literals),
    resource: redactWith(c.resource, literals),
    extra_params: redactParams(c.extra_params, literals),
    allow_insecure_loopback: c.allow_insecure_loopback,
  }
}

/**
 * The report of a flow, redacted. Steps come in `STEPS` order, then `extraSteps`, then any other
 * step named by an exchange or a finding. Statuses pending and running are reported as skipped.
 */
export function buildReport(snapshot: FlowSnapshot, opts: BuildReportOptions): Report {
  const literals = prepareLiterals([...knownSecrets(snapshot, opts.clientSecret ?? ''), ...(opts.secrets ?? [])])
  const findings = (snapshot.findings ?? []).map((f) => redactFindingWith(f, literals))
  const exchanges = (snapshot.exchanges ?? []).map((e) => redactExchangeWith(e, literals))

  const flowSteps = stepsFor(Boolean(snapshot.config?.mcp_url))
  const ids: string[] = flowSteps.map((s) => s.id)
  const titles = new Map<string, string>(flowSteps.map((s) => [s.id, s.title]))
  const extraStatus = new Map<string, StepStatus | undefined>()
  for (const s of opts.extraSteps ?? []) {
    if (!ids.includes(s.id)) ids.push(s.id)
    if (s.title) titles.set(s.id, s.title)
    extraStatus.set(s.id, s.status)
  }
  for (const x of [...exchanges, ...findings]) {
    const id = String(x.step)
    if (!ids.includes(id)) ids.push(id)
  }
  const known = new Set<string>(STEPS.map((s) => s.id))
  const steps: ReportStep[] = ids.map((id) => {
    const stepExchanges = exchanges.filter((e) => e.step === id)
    const stepFindings = findings.filter((f) => f.step === id)
    const raw = known.has(id) ? snapshot.status?.[id as StepId] : extraStatus.get(id)
    const status = raw !== undefined ? reportStatus(raw) : derivedStatus(stepFindings, stepExchanges)
    return {
      id,
      title: titles.get(id) ?? id,
      status,
      exchanges: stepExchanges,
      findingIds: stepFindings.map((f) => f.id),
    }
  })

  const verdict = computeVerdict(snapshot)
  const report: Report = {
    tool: REPORT_TOOL,
    version: opts.version,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    origin: snapshot.origin,
    config: redactConfig(snapshot.config, literals),
    steps,
    findings,
    verdict: {
      scenario: verdict.scenario,
      title: redactWith(verdict.title, literals),
      summary: redactWith(verdict.summary, literals),
      findingIds: verdict.findingIds,
    },
  }
  if (snapshot.metadata) report.metadata = redactJson(snapshot.metadata, literals) as Record<string, unknown>
  if (snapshot.pkce) {
    // With plain the challenge is the verifier (RFC 7636 §4.2): redacted like it.
    report.pkce = { method: snapshot.pkce.method, code_challenge: redactWith(snapshot.pkce.code_challenge, literals) }
  }
  if (snapshot.dpop) report.dpop = { alg: snapshot.dpop.alg, thumbprint: snapshot.dpop.thumbprint }
  if (snapshot.authorization) {
    report.authorization = {
      url: redactWith(snapshot.authorization.url, literals),
      params: redactParams(snapshot.authorization.params, literals),
      ...(snapshot.authorization.par ? { par: { endpoint: snapshot.authorization.par.endpoint } } : {}),
    }
  }
  if (snapshot.callback) {
    report.callback = {
      outcome: snapshot.callback.outcome,
      params: redactParams(snapshot.callback.params, literals),
    }
  }
  const tokenBody = snapshot.token?.body
  const tokens = reportTokens(tokenBody, literals)
  if (tokens) report.tokens = tokens
  return report
}
