/**
 * The body of every step, as a runner `(context) => Promise<StepOutcome>`: what the step sends, what
 * came back and what it means, without touching any state. The driver (src/state/flow.svelte.ts)
 * builds the context, runs the runner, applies the outcome (flow/outcome.ts) and persists; the step
 * order lives in model/steps.ts. The callback has no runner: it runs when the browser comes back
 * (see {@link callbackOutcome}).
 */
import type {
  AuthorizationRequest,
  DpopKeyInfo,
  FlowConfig,
  Finding,
  PkceMethod,
  StepId,
  StepRef,
} from '../model/types'
import type { Recorder } from '../platform/recorder'
import { isSafeNavigationTarget, wantsOpenId } from '../protocol/navigation'
import { effectiveMetadata, endpointOverrideFinding, validateConfig } from '../protocol/config-check'
import { discover } from '../protocol/discovery'
import { validateVerifier } from '../protocol/verifier'
import { makePkce, newVerifier } from '../protocol/pkce'
import { buildAuthorizationRequest, newStateAndNonce } from '../protocol/authorize'
import { handleCallback } from '../protocol/authorization-response'
import { exchangeCode } from '../protocol/token-exchange'
import { chooseDpopAlg, wantsDpop, type DpopAlg, type DpopUse } from '../protocol/dpop'
import { dpopAlgUnsupportedFinding } from '../diagnosis/dpop'
import { parAuthorizationUrl, pushAuthorizationRequest, wantsPar } from '../protocol/par'
import { inspectTokens, type JwksOutcome } from '../protocol/token-inspection'
import { explainError } from '../diagnosis/explain'
import { lintCors, lintJwks, lintMetadata, lintTokenResponse } from '../diagnosis/lint'
import {
  authorizationEndpointUnsafe,
  callbackReplayed,
  configureRules,
  discoverySkipped,
  mcpS256Refusal,
  missingEndpoint,
  pkceRules,
  verifierEditedRules,
} from '../diagnosis/rules'
import { canonicalMcpUrl, chooseScopes, crossChecks, discoverProtectedResource, mcpSession, probeMcp } from '../mcp'
import { registerClient } from '../mcp'
import { connectorReadiness, type ReadinessFacts } from '../mcp/readiness'
import { decodeToken } from '../platform/jwt-decode'
import { emptySnapshot, forToken, verifierEdited, type McpSide, type Snapshot } from './side'
import { withoutExchangeTwins, type StepOutcome } from './outcome'

/** Everything a runner may read, and the hooks the driver lends it. */
export interface StepContext {
  snapshot: Snapshot
  /** The Configure form as the user left it (the run itself reads snapshot.config). */
  form: FlowConfig
  /** The client secret (memory and sessionStorage only). */
  secret: string
  /** The PKCE step's draft: the verifier being edited and the method. */
  pkceDraft: { verifier: string; method: PkceMethod }
  /** The code_verifier the token request will send (editable, to test the server's PKCE check). */
  tokenVerifier: string
  /** The callback parameters as validated by oauth4webapi (branded: the only input it accepts). */
  validated?: URLSearchParams
  /** This page's origin. */
  origin: string
  /** The Client ID Metadata Document URL this build publishes, if any. */
  cimdUrl?: string
  /** A recorder for `step`; `onFetch` runs once the request is on the wire. */
  recorder(step: StepRef, onFetch?: () => void): Recorder
  /** Called right before the token request is sent (the driver marks the code used and persists). */
  beforeTokenRequest(): void
  /** Called when the token request is on the wire. */
  tokenRequestSent(): void
  /**
   * This run's DPoP key for `alg` (made on first use, kept in memory by the driver) and its handle
   * (which remembers the server's nonces). Never persisted.
   */
  dpop(alg: DpopAlg): Promise<{ use: DpopUse; info: DpopKeyInfo }>
  /** The JWKS for the Tokens step: the fetch started during the exchange, or a new one. */
  jwks(): Promise<{ recorder: Recorder; jwks: JwksOutcome }>
}

export type StepRunner = (ctx: StepContext) => Promise<StepOutcome>

function mcpSide(s: Snapshot): McpSide {
  return s.side?.mcp ?? {}
}

function withMcp(s: Snapshot, part: Partial<McpSide>): Partial<Snapshot> {
  return { side: { ...(s.side ?? {}), mcp: { ...mcpSide(s), ...part } } }
}

async function configure(ctx: StepContext): Promise<StepOutcome> {
  const config = ctx.form
  const problems = validateConfig(config, ctx.secret)
  const replace: Snapshot = {
    ...emptySnapshot(config, ctx.origin),
    metadata: effectiveMetadata(config),
    ...(ctx.snapshot.link ? { link: ctx.snapshot.link } : {}),
  }
  return {
    replace,
    findings: configureRules(problems, config.client_auth),
    proceed: !problems.some((p) => p.severity === 'error'),
  }
}

async function discovery(ctx: StepContext): Promise<StepOutcome> {
  const config = ctx.snapshot.config
  if (!config.issuer) {
    return {
      patch: { metadata: effectiveMetadata(config) },
      findings: [discoverySkipped()],
      status: 'skipped',
      proceed: true,
    }
  }
  const recorder = ctx.recorder('discovery')
  const outcome = await discover(config, recorder)
  const findings = [...outcome.findings]
  const doc = outcome.result.document
  if (doc && outcome.result.source) {
    // Lint what the server really sent (oauth4webapi only checks what it needs).
    const accepted = outcome.result.attempts.find((a) => a.outcome === 'ok')
    const ex = recorder.exchanges.find((e) => e.id === accepted?.exchangeId)
    const contentType = ex?.response?.headers.find(([k]) => k === 'content-type')?.[1]
    findings.push(
      ...lintMetadata(doc, {
        expectedIssuer: config.issuer,
        source: outcome.result.source,
        clientAuth: config.client_auth,
        pageOrigin: ctx.origin,
        openid: wantsOpenId(config.scope),
        allowInsecureLoopback: config.allow_insecure_loopback,
        ...(contentType ? { contentType } : {}),
      }),
    )
  }
  const md = effectiveMetadata(config, outcome.metadata)
  const overridden = endpointOverrideFinding(config, outcome.metadata)
  if (overridden) findings.push(overridden)
  const usable = Boolean(md.authorization_endpoint && md.token_endpoint)
  // MCP clients MUST refuse to proceed without S256 (plain OAuth clients may go on and test it).
  const refusal = config.mcp_url && outcome.metadata ? mcpS256Refusal(md) : undefined
  if (refusal) findings.push(refusal)
  return {
    patch: { discovery: outcome.result, metadata: md },
    exchanges: recorder.exchanges,
    findings,
    proceed: !refusal && (Boolean(outcome.metadata) || usable),
    ...(!refusal && !outcome.metadata && usable
      ? { notice: 'Discovery failed, but the hand-entered endpoints are enough to go on.' }
      : {}),
  }
}

async function pkce(ctx: StepContext): Promise<StepOutcome> {
  const verifier = ctx.pkceDraft.verifier || newVerifier()
  const findings = pkceRules(
    validateVerifier(verifier),
    ctx.pkceDraft.method,
    ctx.snapshot.metadata?.code_challenge_methods_supported,
  )
  if (findings.some((f) => f.id === 'pkce-verifier-invalid'))
    return { findings, proceed: false, verifierDraft: verifier }
  const made = await makePkce(verifier, ctx.pkceDraft.method)
  return { patch: { pkce: made }, findings, proceed: true, verifierDraft: verifier }
}

async function authorization(ctx: StepContext): Promise<StepOutcome> {
  const { metadata: md, pkce: p, config } = ctx.snapshot
  if (!md || !p) return { findings: [], proceed: false, notice: 'Run the earlier steps first.' }
  if (!md.authorization_endpoint) {
    return { findings: [missingEndpoint('authorization_endpoint', 'authorization')], status: 'error', proceed: false }
  }
  const { state, nonce } = newStateAndNonce(config.scope)
  let request: AuthorizationRequest
  try {
    request = buildAuthorizationRequest(config, md, p, state, nonce)
  } catch (err) {
    return { findings: [explainError(err, { step: 'authorization' })], status: 'error', proceed: false }
  }
  const findings: Finding[] = []
  let exchanges
  if (wantsPar(config, md)) {
    // PAR (RFC 9126): the parameters go to the server over a back channel; the browser carries only
    // client_id and request_uri. No DPoP proof here: the key is made after the redirect (it cannot be
    // kept across it), and a code bound to a lost key could not be exchanged.
    const recorder = ctx.recorder('authorization')
    const pushed = await pushAuthorizationRequest(ctx.snapshot, request.params, ctx.secret, recorder)
    exchanges = recorder.exchanges
    findings.push(...pushed.findings)
    if (!pushed.request_uri || !md.pushed_authorization_request_endpoint) {
      return { patch: { authorization: request }, exchanges, findings, status: 'error', proceed: false }
    }
    request = {
      ...request,
      url: parAuthorizationUrl(md, config.client_id, pushed.request_uri),
      par: {
        endpoint: md.pushed_authorization_request_endpoint,
        request_uri: pushed.request_uri,
        ...(pushed.expires_in !== undefined ? { expires_in: pushed.expires_in } : {}),
      },
    }
  }
  if (!isSafeNavigationTarget(request.url, config.allow_insecure_loopback)) {
    findings.push(authorizationEndpointUnsafe(md.authorization_endpoint))
  }
  return {
    patch: { authorization: request },
    ...(exchanges ? { exchanges } : {}),
    findings,
    proceed: !findings.some((f) => f.severity === 'error'),
  }
}

/** The DPoP key algorithm of this run's token requests, or undefined when DPoP is off (see wantsDpop). */
export function dpopAlgFor(s: Snapshot): DpopAlg | undefined {
  return wantsDpop(s.config, s.metadata) ? chooseDpopAlg(s.metadata) : undefined
}

/** DPoP for the token request: the key and handle when DPoP is on for this run. */
async function tokenDpop(ctx: StepContext): Promise<{ use: DpopUse; info: DpopKeyInfo } | undefined> {
  const alg = dpopAlgFor(ctx.snapshot)
  return alg ? ctx.dpop(alg) : undefined
}

/**
 * The callback: the authorization response in `href` checked against the pending run (state, iss,
 * code), or recognised as one already handled (a reload or Back: the code is never sent twice).
 */
export function callbackOutcome(
  s: Snapshot,
  href: string,
  restored: boolean,
): StepOutcome & { validated?: URLSearchParams } {
  const incoming = new URL(href).searchParams.get('code')
  if (restored && s.callback && (s.codeUsed || s.code === incoming)) {
    return { findings: [callbackReplayed()], status: 'ok', proceed: false }
  }
  const outcome = handleCallback(href, s)
  return {
    patch: { callback: outcome.callback, ...(outcome.code ? { code: outcome.code, codeUsed: false } : {}) },
    findings: outcome.findings,
    proceed: Boolean(outcome.validated),
    ...(outcome.validated ? { validated: outcome.validated } : {}),
  }
}

async function token(ctx: StepContext): Promise<StepOutcome> {
  const s = ctx.snapshot
  if (!ctx.validated || !s.code) {
    return {
      findings: [],
      proceed: false,
      notice: 'There is no validated authorization code to exchange. Start the authorization first.',
    }
  }
  if (s.codeUsed) {
    return {
      findings: [],
      proceed: false,
      notice: 'This code was already sent once; codes are single-use. Start a new authorization.',
    }
  }
  // The driver marks the code as used and persists before anything is sent: a reload can never send it twice.
  const dpop = await tokenDpop(ctx)
  // Asked for (on, or advertised) but impossible: say so rather than silently sending Bearer.
  const noDpop =
    !dpop && wantsDpop(s.config, s.metadata)
      ? [dpopAlgUnsupportedFinding(s.metadata?.dpop_signing_alg_values_supported)]
      : []
  ctx.beforeTokenRequest()
  const recorder = ctx.recorder('token', () => ctx.tokenRequestSent())
  const outcome = await exchangeCode(forToken(s, ctx.tokenVerifier), ctx.validated, ctx.secret, recorder, dpop?.use)
  const findings = [...outcome.findings]
  const raw = recorder.exchanges.at(-1)?.response
  if (raw) {
    // Lint the raw response: oauth4webapi is lenient on purpose (token_type case, string expires_in…).
    findings.push(
      ...lintTokenResponse(raw, {
        step: 'token',
        requestedScope: s.config.scope,
        openid: wantsOpenId(s.config.scope),
        clientAuth: s.config.client_auth,
      }),
      // The exchange itself says when a DPoP nonce was hidden (with the retry it did not make).
      ...lintCors(raw, { endpoint: 'token', pageOrigin: ctx.origin, step: 'token' }).filter(
        (f) => !outcome.findings.some((o) => o.id === f.id),
      ),
    )
  }
  const issued = typeof outcome.body?.access_token === 'string'
  return {
    patch: {
      token: { status: outcome.status, ...(outcome.body ? { body: outcome.body } : {}) },
      codeUsed: true,
      ...(dpop ? { dpop: dpop.info } : {}),
    },
    exchanges: recorder.exchanges,
    findings: [...verifierEditedRules(verifierEdited(s, ctx.tokenVerifier), issued), ...noDpop, ...findings],
    proceed: issued,
  }
}

async function tokens(ctx: StepContext): Promise<StepOutcome> {
  const s = ctx.snapshot
  const body = s.token?.body
  if (!body) return { findings: [], proceed: false, notice: 'No token response to inspect yet.' }
  const { recorder, jwks } = await ctx.jwks()
  const findings = [...jwks.findings]
  if (jwks.jwks && s.metadata?.jwks_uri)
    findings.push(...lintJwks(jwks.jwks, { url: s.metadata.jwks_uri, step: 'tokens' }))
  const inspected = await inspectTokens(s, body, jwks)
  return {
    exchanges: recorder.exchanges,
    findings: [...findings, ...withoutExchangeTwins(s.findings, inspected.findings)],
    proceed: true,
    tokenViews: inspected.views,
  }
}

async function mcpProbeStep(ctx: StepContext): Promise<StepOutcome> {
  const s = ctx.snapshot
  const allow = { allowInsecureLoopback: s.config.allow_insecure_loopback }
  const url = canonicalMcpUrl(s.config.mcp_url ?? '')
  const recorder = ctx.recorder('mcp-probe')
  const { findings, ...probe } = await probeMcp(url, recorder, allow)
  return {
    patch: withMcp(s, { url, probe }),
    exchanges: recorder.exchanges,
    findings,
    // Without an answer there is nothing to learn from; PRM well-known URLs may still work.
    proceed: probe.status !== 0 || findings.every((f) => f.severity !== 'error'),
  }
}

async function mcpDiscoveryStep(ctx: StepContext): Promise<StepOutcome> {
  const s = ctx.snapshot
  const side = mcpSide(s)
  const url = side.url ?? s.config.mcp_url ?? ''
  const recorder = ctx.recorder('mcp-discovery')
  const { findings, ...prm } = await discoverProtectedResource(url, side.probe?.challenge, recorder, {
    allowInsecureLoopback: s.config.allow_insecure_loopback,
  })
  const scopes = chooseScopes(side.probe?.challenge, prm.prm)
  const issuer = prm.prm?.authorization_servers?.[0]
  return {
    patch: withMcp(s, { prm, scopes }),
    exchanges: recorder.exchanges,
    findings,
    proceed: Boolean(issuer),
    ...(issuer ? { learn: { issuer, resource: prm.resource, scope: scopes.scope ?? '' } } : {}),
  }
}

async function registrationStep(ctx: StepContext): Promise<StepOutcome> {
  const s = ctx.snapshot
  const md = s.metadata
  if (!md) return { findings: [], proceed: false }
  const recorder = ctx.recorder('registration')
  const preRegistered = ctx.form.client_id.trim()
  const { findings, ...registration } = await registerClient(md, {
    ...(preRegistered ? { preRegisteredClientId: preRegistered } : {}),
    ...(ctx.cimdUrl ? { cimdUrl: ctx.cimdUrl } : {}),
    redirectUri: s.config.redirect_uri,
    recorder,
    allowInsecureLoopback: s.config.allow_insecure_loopback,
  })
  return {
    patch: withMcp(s, { registration }),
    exchanges: recorder.exchanges,
    findings,
    proceed: Boolean(registration.client_id),
    ...(registration.client_id ? { learn: { client_id: registration.client_id } } : {}),
  }
}

/** What the connector readiness checklist is judged on, from the run's snapshot. Pure. */
export function readinessFacts(s: Snapshot, mcpSessionOk: boolean): ReadinessFacts {
  const side = mcpSide(s)
  const md = s.metadata
  const callbackIss = s.callback?.params.find(([k]) => k === 'iss')?.[1]
  return {
    ...(side.probe
      ? {
          probeStatus: side.probe.status,
          challengeSeen: Boolean(side.probe.challenge),
          challengeHasResourceMetadata: Boolean(side.probe.challenge?.resource_metadata),
        }
      : {}),
    prmFound: Boolean(side.prm?.prm),
    metadataFound: Boolean(s.discovery?.document),
    ...(md?.code_challenge_methods_supported ? { codeChallengeMethods: md.code_challenge_methods_supported } : {}),
    ...(md?.token_endpoint_auth_methods_supported
      ? { tokenEndpointAuthMethods: md.token_endpoint_auth_methods_supported }
      : {}),
    registrationEndpoint: Boolean(md?.registration_endpoint),
    cimdSupported: Boolean(md?.client_id_metadata_document_supported),
    ...(side.registration?.method ? { registration: side.registration.method } : {}),
    ...(side.registration?.token_endpoint_auth_method
      ? { registeredAuthMethod: side.registration.token_endpoint_auth_method }
      : {}),
    issAdvertised: Boolean(md?.authorization_response_iss_parameter_supported),
    ...(s.callback ? { callbackIss: callbackIss ?? null } : {}),
    ...(s.token ? { tokenResponseJson: Boolean(s.token.body) } : {}),
    mcpSessionOk,
  }
}

async function mcpToolsStep(ctx: StepContext): Promise<StepOutcome> {
  const s = ctx.snapshot
  const side = mcpSide(s)
  const url = side.url ?? s.config.mcp_url ?? ''
  const accessToken = s.token?.body?.access_token
  if (typeof accessToken !== 'string') {
    return { findings: [], proceed: false, notice: 'No access token yet: exchange the code first.' }
  }
  const recorder = ctx.recorder('mcp-tools')
  const { findings: sessionFindings, ...session } = await mcpSession(url, accessToken, recorder, {
    allowInsecureLoopback: s.config.allow_insecure_loopback,
  })
  const decoded = decodeToken(accessToken)
  const granted = s.token?.body?.scope
  const checks = crossChecks({
    ...(decoded.format === 'jwt' ? { accessTokenClaims: decoded.payload } : {}),
    resource: url,
    ...(side.probe?.challenge?.scope ? { challengeScope: side.probe.challenge.scope } : {}),
    ...(typeof granted === 'string' ? { grantedScope: granted } : {}),
  })
  const findings = [...sessionFindings, ...checks]
  const readiness = connectorReadiness({ findings: [...s.findings, ...findings], facts: readinessFacts(s, session.ok) })
  return {
    patch: withMcp(s, { session, readiness }),
    exchanges: recorder.exchanges,
    findings,
    proceed: session.ok,
  }
}

/** The runner of every step but the callback, which runs when the browser comes back. */
export const RUNNERS: Record<Exclude<StepId, 'callback'>, StepRunner> = {
  configure,
  'mcp-probe': mcpProbeStep,
  'mcp-discovery': mcpDiscoveryStep,
  discovery,
  registration: registrationStep,
  pkce,
  authorization,
  token,
  tokens,
  'mcp-tools': mcpToolsStep,
}
