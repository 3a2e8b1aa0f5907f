/**
 * The findings as they matter for this run (issue 12): severity by profile from the catalogue, what
 * the run learned, the recognised provider's settings in the fixes. Part of the engine (loaded on
 * first use), so the catalogue and the provider table stay out of the first view; the driver applies
 * it after every step outcome (state/flow.svelte.ts).
 */
import type { StepStatus } from '../model/types'
import { STEP_IDS } from '../model/steps'
import type { SideStepId } from '../model/types'
import type { Snapshot } from './side'
import { severityToStatus } from './outcome'
import { recogniseProvider, withProviderFixes } from '../diagnosis/providers'
import { assessFindings, learnedFrom, profileOf } from '../diagnosis/assess'

/**
 * Every finding's severity as it matters for this run's profile, with what the run learned (a
 * probe that shows PKCE enforced changes an earlier discovery finding); the status of every step
 * whose findings changed follows. Pure and idempotent.
 */
export function reassess(s: Snapshot): Snapshot {
  const issuer = s.metadata?.issuer ?? s.config.issuer
  const provider = recogniseProvider(issuer, s.metadata as Record<string, unknown> | undefined)
  const findings = withProviderFixes(assessFindings(s.findings, profileOf(s.config), learnedFrom(s)), provider)
  const changed = new Set(findings.filter((f, i) => f.severity !== s.findings[i]?.severity).map((f) => f.step))
  if (findings.every((f, i) => f === s.findings[i])) return s
  if (!changed.size) return { ...s, findings }
  const recompute = (prev: StepStatus | undefined, step: string): StepStatus | undefined =>
    prev === 'ok' || prev === 'warning' || prev === 'error'
      ? severityToStatus(findings.filter((f) => f.step === step))
      : prev
  const status: Snapshot['status'] = { ...s.status }
  for (const id of STEP_IDS) if (changed.has(id)) status[id] = recompute(status[id], id)
  const extraStatus = { ...(s.extraStatus ?? {}) }
  for (const [id, prev] of Object.entries(extraStatus))
    if (changed.has(id as SideStepId)) extraStatus[id] = recompute(prev, id) ?? prev
  return { ...s, findings, status, ...(s.extraStatus ? { extraStatus } : {}) }
}
