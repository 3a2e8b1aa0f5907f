/**
 * What a step returns, and the one pure function that applies it to the snapshot. Every step of the
 * flow (manual, "Run to the end" or after the redirect) ends in {@link applyStep}; every side step
 * (CORS check, after-token actions, probes) in {@link applySide}.
 */
import type { FlowConfig, Finding, HttpExchange, SideStepId, StepId, StepStatus } from '../model/types'
import { STEP_IDS, stepIndex } from '../model/steps'
import { catalogueEntry } from '../model/catalogue'
import type { TokenView } from '../protocol/token-inspection'
import type { SideState, Snapshot } from './side'

/** The result of running one step. */
export interface StepOutcome {
  /** What this step produced, merged into the snapshot (never server JSON spread in: picked members). */
  patch?: Partial<Snapshot>
  /** The step starts a new run: this snapshot replaces the old one (Configure). */
  replace?: Snapshot
  exchanges?: HttpExchange[]
  findings: Finding[]
  /** Default: from the findings' severities. */
  status?: StepStatus
  /** May the flow go on to the next step? */
  proceed: boolean
  /** Values the step found (the MCP steps: issuer, resource, scope, client id): into the run and the form. */
  learn?: Partial<FlowConfig>
  /** A message about why the step could not run (shown near the controls). */
  notice?: string
  /** The verifier the PKCE step used (a fresh one when the draft was empty). */
  verifierDraft?: string
  /** The decoded and verified tokens (Tokens step): kept in memory, never persisted. */
  tokenViews?: TokenView[]
}

/** The result of running a side step. */
export interface SideOutcome {
  exchanges: HttpExchange[]
  findings: Finding[]
  side?: Partial<SideState>
  status?: StepStatus
}

/** error > warning > ok, from the findings' severities. */
export function severityToStatus(findings: readonly Finding[]): StepStatus {
  if (findings.some((f) => f.severity === 'error')) return 'error'
  if (findings.some((f) => f.severity === 'warning')) return 'warning'
  return 'ok'
}

/**
 * One finding per cause. Per (step, id, subject) the first is kept: the same problem seen twice is
 * shown once. And a finding the catalogue says another one `supersedes` (the library's generic error
 * where the raw-response linter names the member) is dropped when that one is there, in the same step
 * and about the same subject.
 */
export function dedupe(findings: readonly Finding[]): Finding[] {
  const kept: Finding[] = []
  const subjectOf = (f: Finding): string =>
    `${String(f.data?.token ?? '')}:${String(f.data?.claim ?? f.data?.member ?? f.data?.field ?? '')}`
  const superseded = (f: Finding): boolean =>
    findings.some(
      (g) =>
        g.step === f.step && subjectOf(g) === subjectOf(f) && (catalogueEntry(g.id)?.supersedes ?? []).includes(f.id),
    )
  for (const f of findings) {
    if (superseded(f)) continue
    const twin = kept.find(
      (k) =>
        k.step === f.step &&
        k.id === f.id &&
        subjectOf(k) === subjectOf(f) &&
        // Findings about different endpoints (CORS check) are different findings.
        (k.data?.endpoint === undefined || f.data?.endpoint === undefined || k.data.endpoint === f.data.endpoint),
    )
    if (!twin) kept.push(f)
  }
  return kept
}

/**
 * The Tokens step's findings without the ID-token defects the exchange already named: oauth4webapi
 * checks the ID token at the token step, so an expired token, a wrong iss, aud or nonce, a missing
 * claim is one cause, shown once, where the flow first met it (the token viewer still shows the failed
 * check). A twin is the same id, or one the exchange's finding `supersedes` in the catalogue, about the
 * same claim when both name one (a second missing claim oauth4webapi never reached stays).
 */
export function withoutExchangeTwins(previous: readonly Finding[], tokens: readonly Finding[]): Finding[] {
  const atExchange = previous.filter((f) => f.step === 'token')
  const sameClaim = (a: Finding, b: Finding): boolean =>
    a.data?.claim === undefined || b.data?.claim === undefined || a.data.claim === b.data.claim
  return tokens.filter(
    (t) =>
      t.data?.token !== 'id_token' ||
      !atExchange.some(
        (x) => (x.id === t.id || (catalogueEntry(x.id)?.supersedes ?? []).includes(t.id)) && sameClaim(x, t),
      ),
  )
}

/**
 * The snapshot after `step` ran: the results of `step` and of every later step are replaced (they
 * depend on it); earlier steps keep theirs. Pure.
 */
export function applyStep(s: Snapshot, step: StepId, o: StepOutcome): Snapshot {
  const base = o.replace ?? s
  const later = new Set<string>(STEP_IDS.slice(stepIndex(step)))
  const status: Snapshot['status'] = {}
  for (const id of STEP_IDS) {
    const prev = base.status[id]
    if (!later.has(id) && prev) status[id] = prev
  }
  status[step] = o.status ?? severityToStatus(o.findings)
  const config = o.learn ? { ...base.config, ...o.learn } : base.config
  return {
    ...base,
    ...o.patch,
    config,
    exchanges: [...base.exchanges.filter((e) => !later.has(e.step)), ...(o.exchanges ?? [])],
    findings: dedupe([...base.findings.filter((f) => !later.has(f.step)), ...o.findings]),
    status,
  }
}

/** The snapshot after side step `step` ran: its results are replaced, the side state merged. Pure. */
export function applySide(s: Snapshot, step: SideStepId, o: SideOutcome): Snapshot {
  return {
    ...s,
    exchanges: [...s.exchanges.filter((e) => e.step !== step), ...o.exchanges],
    findings: dedupe([...s.findings.filter((f) => f.step !== step), ...o.findings]),
    extraStatus: { ...(s.extraStatus ?? {}), [step]: o.status ?? severityToStatus(o.findings) },
    side: { ...(s.side ?? {}), ...(o.side ?? {}) },
  }
}
