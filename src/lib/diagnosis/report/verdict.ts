// The verdict (where to look next: scenario A, B, C or incomplete), and whether a finding is about this
// client or intrinsic to the authorization server (findingScope).
import { STEPS } from '../../model/steps'
import { parseJsonObject } from '../../platform/text'
import type { Finding, FlowSnapshot } from '../../model/types'
import { catalogueEntry, type Basis } from '../../model/catalogue'

/**
 * Where to look next.
 * - `A`: the token exchange failed (rejected, blocked, unreachable, or no access token).
 * - `B`: the exchange worked, but something in the run is an error or a warning: against the spec,
 *   only against what strict clients expect, or about this client — the title says which.
 * - `C`: nothing in the run is an error or a warning: conformant from this browser; look at the
 *   client (its logs, WAF / IP rules).
 * - `incomplete`: the flow never reached the token exchange.
 */
export interface Verdict {
  scenario: 'A' | 'B' | 'C' | 'incomplete'
  title: string
  summary: string
  /** The findings that led to the verdict. */
  findingIds: string[]
}

/** Findings about reaching the endpoint rather than about what it answered. */
const TRANSPORT_IDS = new Set(['cors-blocked', 'endpoint-unreachable', 'request-timeout', 'aborted'])
/**
 * Client-specific beyond the catalogue's basis 'client': CORS for this page's origin on a PAR or a
 * DPoP request is a rule of the spec, yet what it decides is whether this browser origin gets through
 * (a server-side client never sends a preflight).
 */
const CLIENT_SPECIFIC_IDS = new Set([
  ...TRANSPORT_IDS,
  'dpop-preflight-refused',
  'par-cors',
  'state-mismatch',
  'state-missing',
  'state-unexpected',
  'no-pending-flow',
  'playground-bug',
  'response-in-fragment',
])
const CLIENT_SPECIFIC_ERRORS = new Set([
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'invalid_request',
  'invalid_scope',
  'invalid_target',
  'access_denied',
  'unsupported_response_type',
])

/**
 * Whether a check is about this client (redirect URI, client authentication, CORS, the browser's
 * network path) or intrinsic to the authorization server (metadata, token response shape, ID Token,
 * iss, resource). A playground result for a client-specific check does not predict another client.
 */
export function findingScope(f: Finding): 'client-specific' | 'as-intrinsic' {
  if (f.step === 'configure' || CLIENT_SPECIFIC_IDS.has(f.id) || basisOf(f) === 'client') return 'client-specific'
  if (f.id === 'token-request-rejected' || f.id === 'authorization-error' || f.id === 'oauth-error-response') {
    const e = f.data?.error
    if (typeof e === 'string' && CLIENT_SPECIFIC_ERRORS.has(e)) return 'client-specific'
  }
  return 'as-intrinsic'
}

function isProblem(f: Finding): boolean {
  return f.severity === 'error' || f.severity === 'warning'
}

function cite(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.id} (“${f.title}”)`).join('; ')
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)]
}

function lastTokenResponse(
  snapshot: FlowSnapshot,
): { status: number; body?: Record<string, unknown>; pasted: boolean } | undefined {
  const exchanges = (snapshot.exchanges ?? []).filter((e) => e.step === 'token')
  const withResponse = [...exchanges].reverse().find((e) => e.response && e.response.type !== 'opaque')
  const pasted = withResponse?.response?.type === 'pasted'
  if (snapshot.token) {
    const body = snapshot.token.body ?? parseJsonObject(withResponse?.response?.body)
    return { status: snapshot.token.status, ...(body ? { body } : {}), pasted }
  }
  if (withResponse?.response) {
    const body = parseJsonObject(withResponse.response.body)
    return { status: withResponse.response.status, ...(body ? { body } : {}), pasted }
  }
  return undefined
}

const C_ADVICE =
  'Everything checked is conformant from this browser. If a server-side client such as ChatGPT still fails, look at that client’s logs and at WAF / IP / bot rules: a browser cannot see those. The AS-intrinsic checks (metadata, token response shape, ID Token, iss, resource) carry over to any client; the client-specific ones (redirect URI, client authentication, CORS) were made with this playground’s registration and origin, so check that client’s registered redirect URI and authentication method separately.'

/** error before warning, then catalogue order of basis (spec, strict, client). */
const BASIS_ORDER: Record<Basis, number> = { spec: 0, strict: 1, client: 2, info: 3 }

function basisOf(f: Finding): Basis {
  return catalogueEntry(f.id)?.basis ?? 'spec'
}

function byWeight(a: Finding, b: Finding): number {
  return (
    (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1) ||
    BASIS_ORDER[basisOf(a)] - BASIS_ORDER[basisOf(b)]
  )
}

/** The step a finding belongs to, as the page names it. */
function stepTitle(step: string): string {
  return STEPS.find((s) => s.id === step)?.title ?? step
}

/**
 * Where to look next, from the token exchange and the findings (their severities already as they
 * matter for this run's profile, see diagnosis/assess.ts). The invariants, unit-tested over every
 * catalogue entry and profile:
 * - `A` exactly when the exchange failed (no readable 2xx with an access token);
 * - `C` only when nothing anywhere is an error or a warning;
 * - `B` otherwise, naming the findings that decide it, and saying whether they break the spec, only
 *   what strict clients expect, or concern this client;
 * - `incomplete` when the flow never reached the exchange, naming the step and the cause.
 */
export function computeVerdict(snapshot: FlowSnapshot): Verdict {
  const findings = snapshot.findings ?? []
  const status = snapshot.status ?? {}
  const tokenStepFindings = findings.filter((f) => f.step === 'token')
  const reached =
    snapshot.codeUsed === true ||
    snapshot.token !== undefined ||
    (snapshot.exchanges ?? []).some((e) => e.step === 'token') ||
    tokenStepFindings.length > 0 ||
    status.token === 'ok' ||
    status.token === 'warning' ||
    status.token === 'error'
  const overridden = findings.filter((f) => f.id === 'endpoint-overridden' && isProblem(f))
  const notOwn = overridden.length
    ? ` This run did not use the issuer’s own endpoints: ${cite(overridden)}; the result describes those endpoints, not the issuer’s server.`
    : ''

  if (!reached) return incomplete(snapshot, notOwn)

  const response = lastTokenResponse(snapshot)
  const httpStatus = response?.status ?? 0
  const accessToken = response?.body?.access_token
  const success = httpStatus >= 200 && httpStatus < 300 && typeof accessToken === 'string' && accessToken !== ''
  const via = response?.pasted ? ' (response pasted back from curl)' : ''

  if (!success) {
    const errors = tokenStepFindings.filter((f) => f.severity === 'error')
    const cited = errors.length ? errors : tokenStepFindings.filter(isProblem)
    const what =
      httpStatus === 0
        ? 'no readable response came back (blocked, unreachable or never sent)'
        : httpStatus >= 200 && httpStatus < 300
          ? `the token endpoint answered HTTP ${httpStatus}${via} without an access token`
          : `the token endpoint answered HTTP ${httpStatus}${via}`
    const clientSide = cited.filter((f) => findingScope(f) === 'client-specific')
    const note =
      cited.length > 0 && clientSide.length === cited.length
        ? ' These are client-specific: they concern this playground’s registration, redirect URI, authentication or origin, not necessarily another client.'
        : cited.some((f) => f.id === 'cors-blocked')
          ? ' A server-side client is not subject to CORS: run the curl command and paste the response back to see what the server answered.'
          : ''
    return {
      scenario: 'A',
      title: 'The token exchange failed',
      summary: `The token exchange failed: ${what}.${cited.length ? ` Findings: ${cite(cited)}.` : ''} Fix what they name (client configuration, PKCE, the redirect URI, CORS or the token endpoint).${note}${notOwn}`,
      findingIds: unique([...overridden, ...cited].map((f) => f.id)),
    }
  }

  const problems = findings.filter(isProblem).sort(byWeight)
  if (!problems.length) {
    return {
      scenario: 'C',
      title: 'The token exchange and the tokens are conformant from this browser',
      summary: `The token endpoint answered HTTP ${httpStatus}${via} with an access token, and nothing in the run is an error or a warning. ${C_ADVICE}`,
      findingIds: [],
    }
  }
  const spec = problems.filter((f) => basisOf(f) === 'spec')
  const strict = problems.filter((f) => basisOf(f) === 'strict')
  const client = problems.filter((f) => basisOf(f) !== 'spec' && basisOf(f) !== 'strict')
  const title = overridden.length
    ? 'The exchange worked, but with endpoints the issuer does not name'
    : spec.length
      ? 'The exchange worked, but the server breaks the spec'
      : strict.length
        ? 'The exchange worked; only strict clients would object'
        : 'The exchange worked; what remains concerns this client or this browser'
  const parts: string[] = []
  if (spec.length)
    parts.push(`Against the spec (a MUST or SHOULD the server breaks; fix it on the server): ${cite(spec)}.`)
  if (strict.length)
    parts.push(
      `Valid per the spec, but strict clients reject or trip on it (fix it if such clients must work): ${cite(strict)}.`,
    )
  if (client.length)
    parts.push(`About this client, its configuration or this browser (not the server’s conformance): ${cite(client)}.`)
  return {
    scenario: 'B',
    title,
    summary: `The token endpoint answered HTTP ${httpStatus}${via} with an access token. ${parts.join(' ')}${notOwn}`,
    findingIds: unique(problems.map((f) => f.id)),
  }
}

/** The flow never reached the token exchange: which step stopped it, and why, in the cause's words. */
function incomplete(snapshot: FlowSnapshot, notOwn: string): Verdict {
  const findings = snapshot.findings ?? []
  const status = snapshot.status ?? {}
  const order = STEPS.map((s) => s.id)
  const failedStep = order.find((id) => status[id] === 'error')
  const stepErrors = failedStep ? findings.filter((f) => f.step === failedStep && f.severity === 'error') : []
  const cause = stepErrors[0] ?? findings.find((f) => f.severity === 'error')
  const lastReached = [...order].reverse().find((id) => status[id] && status[id] !== 'pending')
  let summary: string
  if (failedStep && cause) {
    summary = `The flow stopped at the ${stepTitle(failedStep)} step: ${cause.title}. ${cause.fix}${stepErrors.length > 1 ? ` Also: ${cite(stepErrors.slice(1))}.` : ''}`
  } else if (cause) {
    summary = `The flow stopped before the token exchange: ${cause.title}. ${cause.fix}`
  } else if (lastReached === 'authorization') {
    summary =
      'The authorization request is ready: start it and log in at the authorization server; the code comes back to this page.'
  } else {
    summary = `The flow stopped before the token exchange${lastReached ? ` (last step reached: ${stepTitle(lastReached)})` : ''}; no error was recorded.`
  }
  return {
    scenario: 'incomplete',
    title: failedStep
      ? `The flow stopped at the ${stepTitle(failedStep)} step`
      : 'The flow did not reach the token exchange',
    summary: `${summary} The verdict on the token exchange comes when the flow reaches it.${notOwn}`,
    findingIds: unique([...stepErrors, ...(cause && !stepErrors.includes(cause) ? [cause] : [])].map((f) => f.id)),
  }
}
