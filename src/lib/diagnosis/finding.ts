/**
 * The one way to make a {@link Finding}: an id from the catalogue, the severity observed, the step
 * it belongs to and the words for this situation. Undefined data members are dropped and the
 * detail is trimmed, so every emitter produces the same plain-JSON shape.
 */
import type { FindingId } from '../model/catalogue'
import type { Finding, Severity, StepRef } from '../model/types'

export type { FindingId }

/** One value of `Finding.data`. */
export type FindingValue = NonNullable<Finding['data']>[string]

/** What an emitter says about one observation. */
export interface FindingParts {
  title: string
  /** What was observed and why it matters (plain text; server text quoted, never HTML). */
  detail: string
  /** What to change, on the server side unless said otherwise. */
  fix: string
  /** Spec sections, e.g. "RFC 6749 §5.1". */
  spec: string
  /** Observed facts (members whose value is undefined are left out). */
  data?: Record<string, FindingValue | undefined>
}

export function finding(id: FindingId, severity: Severity, step: StepRef, parts: FindingParts): Finding {
  const f: Finding = {
    id,
    severity,
    step,
    title: parts.title,
    detail: parts.detail.trim(),
    fix: parts.fix,
    spec: parts.spec,
  }
  if (parts.data) {
    const data: NonNullable<Finding['data']> = {}
    for (const [k, v] of Object.entries(parts.data)) if (v !== undefined) data[k] = v
    if (Object.keys(data).length) f.data = data
  }
  return f
}
