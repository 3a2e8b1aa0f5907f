// The verdict (where to look next: scenario A, B, C or incomplete), and whether a finding is about this
// client or intrinsic to the authorization server (findingScope).
import { STEPS } from '../../model/steps'
import { parseJsonObject } from '../../platform/text'
import type { Finding, FlowSnapshot } from '../../model/types'

/**
 * Where to look next.
 * - `A`: the token exchange failed (rejected, blocked, unreachable): client configuration, PKCE,
 *   redirect URI or CORS.
 * - `B`: the exchange succeeded but the response or the tokens break the spec or what strict clients
 *   expect: fix the token response.
 * - `C`: everything checked in the token exchange is conformant from this browser: look at the
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

const TOKEN_STEPS = new Set(['token', 'tokens'])
/** Findings about reaching the endpoint rather than about what it answered. */
const TRANSPORT_IDS = new Set([
  'cors-blocked',
  'endpoint-unreachable',
  'request-timeout',
  'aborted',
  'preflight-failed',
])
const CLIENT_SPECIFIC_IDS = new Set([
  ...TRANSPORT_IDS,
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
  if (f.step === 'configure' || CLIENT_SPECIFIC_IDS.has(f.id)) return 'client-specific'
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

/**
 * Where to look next, from the token exchange outcome and the findings. Info findings never count;
 * transport findings (CORS, unreachable) do not make a token response non-conformant when the
 * response was obtained another way (pasted back from curl).
 */
export function computeVerdict(snapshot: FlowSnapshot): Verdict {
  const v = baseVerdict(snapshot)
  // Endpoints other than the issuer's own (typed, or set by a link): the results describe another
  // server, so the verdict names them and is never C.
  const overridden = (snapshot.findings ?? []).filter((f) => f.id === 'endpoint-overridden' && isProblem(f))
  if (!overridden.length) return v
  const named = ` Not the issuer’s own endpoints: ${cite(overridden)}.`
  if (v.scenario !== 'C') {
    return {
      ...v,
      summary: `${v.summary}${named}`,
      findingIds: unique([...overridden.map((f) => f.id), ...v.findingIds]),
    }
  }
  return {
    scenario: 'B',
    title: 'The exchange worked, but with endpoints the issuer does not name',
    summary: `The token exchange succeeded, but not with the endpoints the issuer’s metadata names, so this result does not describe the issuer’s server.${named} Clear the endpoint fields (or correct the metadata) and run the flow again for a verdict on the issuer itself.`,
    findingIds: unique([...overridden.map((f) => f.id), ...v.findingIds]),
  }
}

function baseVerdict(snapshot: FlowSnapshot): Verdict {
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

  if (!reached) {
    const order = STEPS.map((s) => s.id)
    const failedStep = order.find((id) => status[id] === 'error')
    const errors = findings.filter((f) => f.severity === 'error')
    const stepErrors = failedStep ? errors.filter((f) => f.step === failedStep) : []
    const cited = stepErrors.length ? stepErrors : errors
    const lastReached = [...order].reverse().find((id) => status[id] && status[id] !== 'pending')
    const where = failedStep
      ? `The flow failed at the ${failedStep} step and never reached the token exchange.`
      : `The flow stopped before the token exchange${lastReached ? ` (last step reached: ${lastReached})` : ''}.`
    return {
      scenario: 'incomplete',
      title: 'The flow did not reach the token exchange',
      summary: `${where}${cited.length ? ` Errors: ${cite(cited)}.` : ' No error was recorded.'} Fix these and run the flow to the end to get a verdict on the token exchange.`,
      findingIds: unique(cited.map((f) => f.id)),
    }
  }

  const tokenFindings = findings.filter((f) => TOKEN_STEPS.has(String(f.step)))
  const response = lastTokenResponse(snapshot)
  const httpStatus = response?.status ?? 0
  const success = httpStatus >= 200 && httpStatus < 300

  if (!success) {
    const errors = tokenStepFindings.filter((f) => f.severity === 'error')
    const cited = errors.length ? errors : tokenStepFindings.filter(isProblem)
    const what =
      httpStatus === 0
        ? 'no readable response came back (blocked, unreachable or never sent)'
        : `the token endpoint answered HTTP ${httpStatus}`
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
      summary: `The token exchange failed: ${what}.${cited.length ? ` Findings: ${cite(cited)}.` : ''} Fix the client configuration, PKCE, the redirect URI or CORS.${note}`,
      findingIds: unique(cited.map((f) => f.id)),
    }
  }

  const problems = tokenFindings.filter((f) => isProblem(f) && !TRANSPORT_IDS.has(f.id))
  const accessToken = response?.body?.access_token
  const hasAccessToken = typeof accessToken === 'string' && accessToken !== ''
  const via = response?.pasted ? ' (response pasted back from curl)' : ''
  if (problems.length || !hasAccessToken) {
    const missing = hasAccessToken ? '' : ' The response has no access_token.'
    return {
      scenario: 'B',
      title: 'The token response or the tokens break the spec or strict clients’ expectations',
      summary: `The token endpoint answered HTTP ${httpStatus}${via}, but the response or the tokens are not what a strict client accepts.${missing}${problems.length ? ` Findings: ${cite(problems)}.` : ''} Fix the token response.`,
      findingIds: unique(problems.map((f) => f.id)),
    }
  }

  const transport = tokenFindings.filter((f) => TRANSPORT_IDS.has(f.id) && isProblem(f))
  const elsewhere = findings.filter((f) => !TOKEN_STEPS.has(String(f.step)) && isProblem(f))
  let extra = ''
  if (transport.length) {
    extra += ` From this browser the exchange itself was hindered: ${cite(transport)} (client-specific).`
  }
  if (elsewhere.length) {
    const asSide = elsewhere.filter((f) => findingScope(f) === 'as-intrinsic')
    const clientSide = elsewhere.filter((f) => findingScope(f) === 'client-specific')
    if (asSide.length)
      extra += ` Earlier steps still report AS-intrinsic problems that strict clients may reject: ${cite(asSide)}.`
    if (clientSide.length) extra += ` Earlier steps report client-specific problems: ${cite(clientSide)}.`
  }
  return {
    scenario: 'C',
    title: 'The token exchange and the tokens are conformant from this browser',
    summary: `The token endpoint answered HTTP ${httpStatus}${via} with an access token, and the token response and tokens raised no error or warning. ${C_ADVICE}${extra}`,
    findingIds: unique([...transport, ...elsewhere].map((f) => f.id)),
  }
}
