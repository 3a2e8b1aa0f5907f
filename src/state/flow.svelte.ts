/**
 * The one driver of the flow, for manual steps, "run to the end" and the run after the redirect.
 * It holds runes state; the pure work is done by src/lib. Components only render and dispatch.
 */
import type {
  FlowConfig,
  FlowSnapshot,
  Finding,
  HttpExchange,
  PkceMethod,
  RecordedRequest,
  SideStepId,
  StepId,
  StepRef,
  StepStatus,
} from '../lib/model/types'
import { STEP_IDS, stepIndex, stepsFor } from '../lib/model/steps'
import {
  buildShareFragment,
  defaultConfig,
  endpointOverrideFinding,
  linkSettingsToReview,
  originOf,
  parseShareFragment,
  pendingLinkEndpoints,
  validateConfig,
  type Defaults,
  type LinkSetting,
} from '../lib/protocol/config'
import { isCallbackUrl } from '../lib/platform/callback-url'
import { Recorder, nextExchangeId, type FetchLike } from '../lib/platform/recorder'
import { classifyFailure, makeNoCorsProbe } from '../lib/platform/network'
import { effectiveMetadata } from '../lib/protocol/config'
import { validateVerifier } from '../lib/protocol/verifier'
import { isSafeNavigationTarget } from '../lib/protocol/navigation'
import type { TokenView } from '../lib/protocol/token-inspection'
import type { Verdict } from '../lib/diagnosis/report'
import type { McpChallenge, McpSessionResult, PrmResult, RegistrationResult, ScopeChoice } from '../lib/mcp'
import type { ReadinessItem } from '../lib/mcp/readiness'
import type { ProbeId } from '../lib/checks/probes'

/** A server probe waiting for its authorization round trip (kept in snapshot.side.probe). */
export interface PendingProbe {
  id: ProbeId
  pkce: import('../lib/model/types').PkceState
  authorization: import('../lib/model/types').AuthorizationRequest
}

/** One line per probe run, for the probes panel (snapshot.side.probeResults). */
export interface ProbeResult {
  id: ProbeId
  outcome: 'passed' | 'failed' | 'inconclusive'
  status: number
  at: number
}

/** What the MCP steps learned, kept in snapshot.side.mcp (plain JSON). */
export interface McpSide {
  url?: string
  probe?: { status: number; challenge?: McpChallenge; wwwAuthenticateVisible: boolean; exchangeId?: string }
  prm?: Omit<PrmResult, 'findings'>
  scopes?: ScopeChoice
  registration?: Omit<RegistrationResult, 'findings'>
  session?: Omit<McpSessionResult, 'findings'>
  readiness?: ReadinessItem[]
}
import {
  REMOVED_AFTER_USE,
  SNAPSHOT_KEY,
  clearSnapshot,
  loadSnapshot,
  saveSnapshot,
  type KeyValueStore,
} from '../lib/platform/persist'

type Engine = typeof import('../lib/flow/engine')

/** A promise with its resolve function outside (Promise.withResolvers is ES2024). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}
/**
 * The protocol code could not be fetched (network, or a page older than the deployed files). Thrown
 * by loadEngine(); main.ts turns one that nobody caught into the alert (FlowSession.engineLoadFailed).
 */
export class EngineLoadError extends Error {
  constructor(cause: unknown) {
    super('The protocol code could not be loaded', { cause })
    this.name = 'EngineLoadError'
  }
}

let enginePromise: Promise<Engine> | undefined
/** The protocol and crypto code, loaded on first use (keeps the first view small). */
export function loadEngine(): Promise<Engine> {
  // A failed load is not remembered: the next call tries again.
  enginePromise ??= import('../lib/flow/engine').catch((err: unknown) => {
    enginePromise = undefined
    throw new EngineLoadError(err)
  })
  return enginePromise
}

/** A request to a protected resource with the access token ("Call a protected resource"). */
export interface ResourceRequest {
  url: string
  method: string
  body?: string
  headers?: Array<[string, string]>
}

export interface Environment {
  href: () => string
  origin: string
  storage: KeyValueStore
  fetch: FetchLike
  navigate: (url: string) => void
  replaceUrl: (url: string) => void
  defaults: Defaults
}

/**
 * One finding per (step, id, subject): the same problem seen by two checks (the library's error
 * and the raw-response linter) is shown once — the first, which carries the richer explanation.
 */
function dedupe(findings: Finding[]): Finding[] {
  const kept: Finding[] = []
  for (const f of findings) {
    const subject = String(f.data?.claim ?? f.data?.member ?? f.data?.token ?? '')
    const twin = kept.find(
      (k) =>
        k.step === f.step &&
        k.id === f.id &&
        String(k.data?.claim ?? k.data?.member ?? k.data?.token ?? '') === subject &&
        // Findings about different endpoints (CORS check) are different findings.
        (k.data?.endpoint === undefined || f.data?.endpoint === undefined || k.data.endpoint === f.data.endpoint),
    )
    if (!twin) kept.push(f)
  }
  return kept
}

/** The verifier kept in a restored snapshot, unless it was removed after use. */
function usableVerifier(snapshot: FlowSnapshot): string {
  const v = snapshot.pkce?.code_verifier ?? ''
  return v === REMOVED_AFTER_USE ? '' : v
}

function severityToStatus(findings: Finding[]): StepStatus {
  if (findings.some((f) => f.severity === 'error')) return 'error'
  if (findings.some((f) => f.severity === 'warning')) return 'warning'
  return 'ok'
}

function emptySnapshot(config: FlowConfig, origin: string): FlowSnapshot {
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

export class FlowSession {
  /** The form model of the Configure step (deeply reactive for bind:value). */
  config = $state<FlowConfig>(defaultConfig('http://localhost/'))
  /** Client secret: memory (and sessionStorage while a flow is pending) only. */
  secret = $state('')
  /** Everything the steps produced: plain JSON, persisted across the redirect. */
  snapshot = $state.raw<FlowSnapshot>(emptySnapshot(defaultConfig('http://localhost/'), 'http://localhost'))
  /** The step shown in the main panel. */
  current = $state<StepId>('configure')
  /** The step (main or side) running now, if any. */
  busy = $state<string | null>(null)
  /** PKCE form: verifier being edited and its live validation. */
  verifierDraft = $state('')
  pkceMethod = $state<PkceMethod>('S256')
  tokenPreview = $state.raw<RecordedRequest | undefined>(undefined)
  /** The code_verifier the token request will send; editable to see the server reject a wrong one. */
  tokenVerifier = $state('')
  tokenViews = $state.raw<TokenView[]>([])
  /** One-line status for the aria-live region. */
  announcement = $state('')
  /** A message about the last user action that could not be done (shown near the controls). */
  notice = $state('')
  /** Set when the protocol code could not be loaded: shown as an alert until an action succeeds in loading it. */
  loadError = $state('')

  /** A user action stopped because the protocol code could not be loaded (see EngineLoadError). */
  engineLoadFailed() {
    this.loadError ||=
      'The playground could not load its protocol code (a network error, or the site was updated in the meantime), so that action did not run. Try again, or reload the page.'
    this.announcement = 'Error: the protocol code could not be loaded.'
  }
  /** The A/B/C verdict over the whole run (recomputed after each step). */
  verdict = $state.raw<Verdict | undefined>(undefined)
  corsRunning = $state(false)
  /** Notes about the last pasted response (what was assumed). */
  pasteNotes = $state.raw<string[]>([])

  #env: Environment
  /** This page's origin (what CORS is checked against). */
  get origin(): string {
    return this.#env.origin
  }
  #validated: URLSearchParams | undefined

  /**
   * What the share link this page was opened with set that decides where secrets go (endpoints,
   * a foreign redirect URI, a resource). Shown in a notice before anything is sent.
   */
  linkReview = $state.raw<LinkSetting[]>([])
  /** The user confirmed the endpoints the link set ("Use these endpoints"). */
  linkConfirmed = $state(false)
  /** Link endpoints still waiting for that confirmation: nothing is sent while there are any. */
  linkPending = $derived(pendingLinkEndpoints(this.linkReview, this.config, this.linkConfirmed))
  /** A resource call to a URL from the link, waiting for the user to confirm sending the token there. */
  resourceToConfirm = $state.raw<ResourceRequest | undefined>(undefined)
  #confirmedResourceOrigins = new Set<string>()

  verifierProblem = $derived(validateVerifier(this.verifierDraft))
  configProblems = $derived(validateConfig(this.config, this.secret))
  findings = $derived(this.snapshot.findings)

  constructor(env: Environment) {
    this.#env = env
    const fromLink = parseShareFragment(new URL(env.href()).hash)
    // A link to an MCP server starts from that server alone: no demo client id, so that the
    // playground registers a client the way a connector would (unless the link names one).
    const defaults = fromLink.mcp_url ? { ...env.defaults, client_id: '' } : env.defaults
    const base = defaultConfig(env.href(), defaults)
    this.config = { ...base, ...fromLink }
    this.linkReview = linkSettingsToReview(fromLink, env.href())
    this.snapshot = emptySnapshot($state.snapshot(this.config), env.origin)
  }

  status(step: StepId): StepStatus {
    if (this.busy === step) return 'running'
    return this.snapshot.status[step] ?? 'pending'
  }

  exchangesFor(step: StepId): HttpExchange[] {
    return this.snapshot.exchanges.filter((e) => e.step === step)
  }

  findingsFor(step: StepId): Finding[] {
    return this.snapshot.findings.filter((f) => f.step === step)
  }

  shareLink(): string {
    const u = new URL(this.#env.href())
    u.search = ''
    u.hash = buildShareFragment($state.snapshot(this.config), this.#secretsInPlay())
    return u.href
  }

  /** Every secret this tab holds (code, verifiers, client secret, tokens and their signatures). */
  #secretsInPlay(): string[] {
    const out = [
      this.snapshot.code,
      this.snapshot.pkce?.code_verifier,
      this.tokenVerifier,
      this.verifierDraft,
      this.secret,
    ]
    for (const v of Object.values(this.#tokenBody())) {
      if (typeof v !== 'string') continue
      out.push(v)
      const parts = v.split('.')
      if (parts.length === 3) out.push(parts[2])
    }
    return out.filter((v): v is string => typeof v === 'string' && v.length >= 6)
  }

  /** "Use these endpoints": the user saw where the link sends the code, verifier or tokens, and agrees. */
  confirmLinkEndpoints() {
    this.linkConfirmed = true
    this.notice = ''
    this.announcement = 'The endpoints set by the link will be used.'
  }

  /** "Don't use them": the endpoints the link set are cleared; discovery decides. */
  dropLinkEndpoints() {
    for (const s of this.linkPending) {
      if (s.field === 'authorization_endpoint' || s.field === 'token_endpoint' || s.field === 'jwks_uri')
        this.config[s.field] = ''
    }
    this.linkReview = this.linkReview.filter((s) => s.handling !== 'confirm')
    this.notice = ''
    this.announcement = 'The endpoints set by the link were removed; the issuer’s metadata decides.'
  }

  #restoreLink(snapshot: FlowSnapshot) {
    this.linkReview = snapshot.link?.settings ?? []
    this.linkConfirmed = snapshot.link?.confirmed ?? false
  }

  /**
   * False (with a notice) while the link's endpoints wait for a confirmation: nothing at all is
   * sent before the user has seen where the code, verifier or tokens would go.
   */
  #linkGate(): boolean {
    if (!this.linkPending.length) return true
    const names = this.linkPending.map((s) => `${s.field} (${s.origin})`).join(', ')
    this.notice = `Nothing was sent: the link you opened sets ${names}. Check them in the notice at the top of the page, then use them or remove them.`
    this.announcement = 'Stopped: confirm or remove the endpoints set by the link.'
    return false
  }

  /** Replaces the results of `step` and of every later step (they depend on it). */
  #commit(
    step: StepId,
    patch: Partial<FlowSnapshot>,
    exchanges: HttpExchange[],
    findings: Finding[],
    status?: StepStatus,
  ) {
    const idx = stepIndex(step)
    const later = new Set(STEP_IDS.slice(idx))
    const statusMap: FlowSnapshot['status'] = {}
    for (const id of STEP_IDS) {
      const s = this.snapshot.status[id]
      if (!later.has(id) && s) statusMap[id] = s
    }
    statusMap[step] = status ?? severityToStatus(findings)
    this.snapshot = {
      ...this.snapshot,
      ...patch,
      exchanges: [...this.snapshot.exchanges.filter((e) => !later.has(e.step as StepId)), ...exchanges],
      findings: dedupe([...this.snapshot.findings.filter((f) => !later.has(f.step as StepId)), ...findings]),
      status: statusMap,
    }
    void this.#updateVerdict()
  }

  /** Replaces the results of a step outside the main flow (cors, refresh, userinfo, mcp-…). */
  commitExtra(
    step: SideStepId,
    exchanges: HttpExchange[],
    findings: Finding[],
    side?: Record<string, unknown>,
    status?: StepStatus,
  ) {
    this.snapshot = {
      ...this.snapshot,
      exchanges: [...this.snapshot.exchanges.filter((e) => e.step !== step), ...exchanges],
      findings: dedupe([...this.snapshot.findings.filter((f) => f.step !== step), ...findings]),
      extraStatus: { ...(this.snapshot.extraStatus ?? {}), [step]: status ?? severityToStatus(findings) },
      side: { ...(this.snapshot.side ?? {}), ...(side ?? {}) },
    }
    void this.#updateVerdict()
  }

  // ----- After the token: refresh, userinfo, introspection, revocation, a protected resource -----

  /** Busy flag for the side operations (one at a time). */
  async #side<T>(
    step: SideStepId,
    work: (recorder: Recorder) => Promise<T & { findings: Finding[] }>,
    side?: (r: T) => Record<string, unknown>,
  ): Promise<T | undefined> {
    if (this.busy || !this.#linkGate()) return undefined
    this.busy = step
    this.notice = ''
    try {
      const recorder = this.#recorder(step)
      const r = await work(recorder)
      this.commitExtra(step, recorder.exchanges, r.findings, side ? side(r) : undefined)
      this.announcement = `${step}: ${this.snapshot.extraStatus?.[step] ?? 'done'}`
      return r
    } catch (err) {
      if (err instanceof EngineLoadError) throw err
      const { explainError } = await loadEngine()
      this.commitExtra(step, [], [explainError(err, { step })], undefined, 'error')
      return undefined
    } finally {
      this.busy = null
      this.#persist()
    }
  }

  /**
   * The tokens to use now: the token response, with the tokens of the last successful refresh on
   * top (a rotated refresh token replaces the spent one). OIDC Core §12.2 comparisons still use the
   * original ID token in snapshot.token.body.
   */
  #tokenBody(): Record<string, unknown> {
    const current = ((this.snapshot.side ?? {}) as { currentTokens?: Record<string, string> }).currentTokens ?? {}
    return { ...(this.snapshot.token?.body ?? {}), ...current }
  }

  async refresh() {
    const refreshToken = this.#tokenBody().refresh_token
    if (typeof refreshToken !== 'string') {
      this.notice =
        'The token response has no refresh_token (ask for offline_access, or the server does not issue one).'
      return
    }
    const { refreshTokens } = await loadEngine()
    const previous = ((this.snapshot.side ?? {}) as { currentTokens?: Record<string, string> }).currentTokens ?? {}
    await this.#side(
      'refresh',
      (rec) => refreshTokens(this.snapshot, refreshToken, this.secret, rec),
      (r) => {
        const fresh: Record<string, string> = { ...previous }
        if (r.status === 200 && r.body) {
          for (const k of ['access_token', 'refresh_token', 'id_token'] as const) {
            const v = r.body[k]
            if (typeof v === 'string' && v) fresh[k] = v
          }
        }
        return {
          refresh: { status: r.status, rotated: r.rotated, ...(r.body ? { body: r.body } : {}) },
          refreshViews: r.views ?? [],
          currentTokens: fresh,
        }
      },
    )
  }

  async userInfo() {
    const at = this.#tokenBody().access_token
    if (typeof at !== 'string') {
      this.notice = 'No access token yet.'
      return
    }
    const { userInfo, decodeToken } = await loadEngine()
    const idToken = this.#tokenBody().id_token
    const decoded = typeof idToken === 'string' ? decodeToken(idToken) : undefined
    const sub = decoded?.format === 'jwt' && typeof decoded.payload.sub === 'string' ? decoded.payload.sub : undefined
    await this.#side(
      'userinfo',
      (rec) => userInfo(this.snapshot, at, sub, rec),
      (r) => ({
        userinfo: { status: r.status, subMatches: r.subMatches, ...(r.claims ? { claims: r.claims } : {}) },
      }),
    )
  }

  async introspect(which: 'access_token' | 'refresh_token') {
    const token = this.#tokenBody()[which]
    if (typeof token !== 'string') {
      this.notice = `No ${which} to introspect.`
      return
    }
    const { introspect } = await loadEngine()
    await this.#side(
      'introspection',
      (rec) => introspect(this.snapshot, token, this.secret, rec, which),
      (r) => ({
        introspection: {
          status: r.status,
          ...(r.body ? { body: r.body } : {}),
          ...(r.active !== undefined ? { active: r.active } : {}),
        },
      }),
    )
  }

  async revoke(which: 'access_token' | 'refresh_token') {
    const token = this.#tokenBody()[which]
    if (typeof token !== 'string') {
      this.notice = `No ${which} to revoke.`
      return
    }
    const { revoke } = await loadEngine()
    await this.#side(
      'revocation',
      (rec) => revoke(this.snapshot, token, which, this.secret, rec),
      (r) => ({
        revocation: { status: r.status, revoked: r.revoked, which },
      }),
    )
  }

  async callResource(req: ResourceRequest, confirmed = false) {
    const at = this.#tokenBody().access_token
    if (typeof at !== 'string') {
      this.notice = 'No access token yet.'
      return
    }
    // A resource URL chosen by a share link (the prefilled value) gets the access token only after
    // the user confirmed it; a URL the user typed is the user's own choice.
    const fromLink = this.linkReview.find((s) => s.field === 'resource')
    const origin = originOf(req.url)
    if (fromLink && req.url.trim() === fromLink.value.trim() && !this.#confirmedResourceOrigins.has(origin)) {
      if (!confirmed) {
        this.resourceToConfirm = req
        this.notice = ''
        this.announcement = `Confirm: send the access token to ${origin}?`
        return
      }
      this.#confirmedResourceOrigins.add(origin)
    }
    this.resourceToConfirm = undefined
    const { callResource } = await loadEngine()
    await this.#side(
      'resource',
      (rec) => callResource(at, { ...req, allowInsecureLoopback: this.snapshot.config.allow_insecure_loopback }, rec),
      (r) => ({ resource: { status: r.status, ...(r.challenges ? { challenges: r.challenges } : {}) } }),
    )
  }

  // ----- Server probes: opt-in negative tests, each with its own authorization round trip -----

  /** Starts a probe: a fresh authorization request shaped for it, then the redirect (needs a click). */
  async startProbe(id: ProbeId) {
    const md = this.snapshot.metadata
    if (!md?.authorization_endpoint) {
      this.notice = 'Run Discover first: a probe needs the authorization and token endpoints.'
      return
    }
    if (!this.#linkGate()) return
    const { PROBES, newVerifier, makePkce, newStateAndNonce, buildAuthorizationRequest } = await loadEngine()
    const def = PROBES.find((p) => p.id === id)
    if (!def) return
    const pkce = await makePkce(
      newVerifier(),
      def.authorizationOverrides?.code_challenge_method === 'plain' ? 'plain' : 'S256',
    )
    const { state, nonce } = newStateAndNonce(this.snapshot.config.scope)
    const authorization = buildAuthorizationRequest(this.snapshot.config, md, pkce, state, nonce)
    if (def.authorizationOverrides?.omitChallenge) {
      const u = new URL(authorization.url)
      u.searchParams.delete('code_challenge')
      u.searchParams.delete('code_challenge_method')
      authorization.url = u.href
      authorization.params = authorization.params.filter(
        ([k]) => k !== 'code_challenge' && k !== 'code_challenge_method',
      )
    }
    if (!isSafeNavigationTarget(authorization.url, this.snapshot.config.allow_insecure_loopback)) {
      this.notice = 'Refusing to navigate: the authorization URL is not https (or loopback http).'
      return
    }
    const probe: PendingProbe = { id, pkce, authorization }
    this.snapshot = { ...this.snapshot, side: { ...(this.snapshot.side ?? {}), probe } }
    if (!this.#persist()) return
    this.#env.navigate(authorization.url)
  }

  /** The callback of a probe's authorization round trip: judge it, run the probe's token requests. */
  async #finishProbe(href: string, probe: PendingProbe) {
    const { judgeProbeCallback, runProbeExchange, handleCallback } = await loadEngine()
    const probeSnapshot: FlowSnapshot = { ...this.snapshot, pkce: probe.pkce, authorization: probe.authorization }
    const params = new URL(href).searchParams
    const judged = judgeProbeCallback(probe.id, params, probeSnapshot)
    const recorder = this.#recorder('probes')
    const findings = [...judged.findings]
    let status = 0
    let accepted = false
    if (judged.proceed) {
      const cb = handleCallback(href, probeSnapshot)
      if (cb.validated) {
        const r = await runProbeExchange(probe.id, probeSnapshot, cb.validated, this.secret, recorder)
        findings.push(...r.findings)
        status = r.status
        accepted = r.accepted
      } else {
        findings.push(...cb.findings)
      }
    }
    const tagged = findings.map((f) => ({
      ...f,
      step: 'probes' as const,
      data: { ...(f.data ?? {}), probe: probe.id },
    }))
    const failed = tagged.some((f) => f.severity === 'error' || f.severity === 'warning') || accepted
    const inconclusive = tagged.some((f) => f.id === 'probe-inconclusive')
    const result: ProbeResult = {
      id: probe.id,
      outcome: inconclusive ? 'inconclusive' : failed ? 'failed' : 'passed',
      status,
      at: Date.now(),
    }
    const prevResults = ((this.snapshot.side ?? {}) as { probeResults?: ProbeResult[] }).probeResults ?? []
    const keepFindings = this.snapshot.findings.filter((f) => f.step === 'probes' && f.data?.probe !== probe.id)
    const keepExchanges = this.snapshot.exchanges.filter((e) => e.step === 'probes')
    const side = { ...(this.snapshot.side ?? {}) }
    delete side.probe
    this.snapshot = { ...this.snapshot, side }
    this.commitExtra('probes', [...keepExchanges, ...recorder.exchanges], [...keepFindings, ...tagged], {
      probeResults: [...prevResults.filter((r) => r.id !== probe.id), result],
    })
    this.current = 'tokens'
    this.#persist()
  }

  /**
   * CORS check: probes every endpoint the metadata names from this page's origin, without
   * consuming a code (fake codes and tokens only).
   */
  async runCorsCheck(): Promise<void> {
    const md = this.snapshot.metadata
    if (!md) {
      this.notice =
        'Run Discover first (or enter the endpoints by hand): the check probes the endpoints the metadata names.'
      return
    }
    if (this.busy || !this.#linkGate()) return
    this.busy = 'cors'
    this.corsRunning = true
    try {
      const { runCorsCheck } = await loadEngine()
      const recorder = this.#recorder('cors')
      const pageUrl = this.#env.href()
      const { results, findings } = await runCorsCheck({
        metadata: md,
        ...(this.snapshot.discovery?.source ? { discoveryUrl: this.snapshot.discovery.source } : {}),
        config: this.snapshot.config,
        pageUrl,
        recorder,
        probe: makeNoCorsProbe(this.#env.fetch),
      })
      this.commitExtra('cors', recorder.exchanges, findings, { cors: results })
      this.announcement = `CORS check done: ${results.length} endpoints probed.`
    } catch (err) {
      const { explainError } = await loadEngine()
      this.commitExtra('cors', [], [explainError(err, { step: 'cors' })], undefined, 'error')
    } finally {
      this.busy = null
      this.corsRunning = false
    }
  }

  async #updateVerdict() {
    const { computeVerdict } = await loadEngine()
    try {
      this.verdict = computeVerdict(this.snapshot)
    } catch {
      this.verdict = undefined
    }
  }

  /** The redacted JSON report (no code, verifier, secret, refresh token or token signature). */
  async report() {
    const { buildReport, reportToMarkdown, REPORT_FILENAME } = await loadEngine()
    const extraSteps = Object.entries(this.snapshot.extraStatus ?? {}).map(([id, status]) => ({ id, status }))
    const report = buildReport(this.snapshot, {
      version: __APP_VERSION__,
      clientSecret: this.secret,
      extraSteps,
      secrets: this.tokenVerifier ? [this.tokenVerifier] : [],
    })
    return {
      report,
      json: JSON.stringify(report, null, 2),
      markdown: reportToMarkdown(report),
      filename: REPORT_FILENAME,
    }
  }

  /**
   * Paste-back: the user ran the curl command and pasted the raw HTTP response (or just the JSON).
   * The same linters and token decoding run on it as on a response the page could read.
   */
  async analysePasted(text: string): Promise<boolean> {
    const { parsePastedResponse, tokensFromBody, lintTokenResponse } = await loadEngine()
    const parsed = parsePastedResponse(text, { url: this.snapshot.metadata?.token_endpoint ?? '' })
    if (!parsed.ok) {
      this.notice = parsed.error
      this.pasteNotes = []
      return false
    }
    this.pasteNotes = parsed.notes
    const request = this.tokenPreview ?? {
      method: 'POST',
      url: this.snapshot.metadata?.token_endpoint ?? '',
      headers: [],
      browserAdded: [],
    }
    const exchange: HttpExchange = {
      id: nextExchangeId('paste'),
      step: 'token',
      label: 'Token response pasted by you (from the curl command)',
      startedAt: Date.now(),
      durationMs: 0,
      request,
      response: parsed.response,
      cors: 'not-checked',
      corsDetail: 'Pasted by hand: this response did not come through the browser, so CORS does not apply to it.',
    }
    const findings = lintTokenResponse(parsed.response, {
      step: 'token',
      requestedScope: this.snapshot.config.scope,
      openid: this.snapshot.config.scope.split(/\s+/).includes('openid'),
    }).map((f) => ({ ...f, data: { ...(f.data ?? {}), source: 'pasted' } }))
    const body = tokensFromBody(parsed.response.body)
    const keep = this.snapshot.exchanges.filter((e) => e.step === 'token')
    const keepFindings = this.snapshot.findings.filter((f) => f.step === 'token')
    this.#commit(
      'token',
      { token: { status: parsed.response.status, ...(body ? { body } : {}) } },
      [...keep, exchange],
      [...keepFindings, ...findings],
    )
    if (body && typeof body.access_token === 'string') await this.run('tokens')
    return true
  }

  #recorder(step: StepRef, onFetch?: () => void): Recorder {
    const pageUrl = this.#env.href()
    const probe = makeNoCorsProbe(this.#env.fetch)
    const fetch: FetchLike = onFetch
      ? (input, init) => {
          const sent = this.#env.fetch(input, init)
          onFetch()
          return sent
        }
      : this.#env.fetch
    return new Recorder({
      fetch,
      step,
      pageOrigin: this.#env.origin,
      classify: (url, init) => classifyFailure(url, init, pageUrl, probe),
    })
  }

  /** Saves the flow for the redirect. Returns false (with a notice) when the browser refuses. */
  #persist(): boolean {
    try {
      saveSnapshot(this.#env.storage, this.snapshot, this.secret)
      return true
    } catch (err) {
      // QuotaExceededError (a huge response kept in the record) or a value JSON cannot write.
      this.notice = `This tab could not save the flow before leaving (${err instanceof Error ? err.name : 'error'}): sessionStorage refused it. Reset and try again; if a server sends very large responses, they are the cause.`
      return false
    }
  }

  go(step: StepId) {
    this.current = step
  }

  /** Runs one step. Returns true when the flow may continue to the next step. */
  async run(step: StepId): Promise<boolean> {
    if (this.busy) return false
    if (!this.#linkGate()) return false
    this.busy = step
    this.notice = ''
    try {
      await loadEngine()
      this.loadError = ''
      const ok = await this.#runStep(step)
      this.announcement = `${step}: ${this.snapshot.status[step] ?? 'done'}`
      return ok
    } catch (err) {
      if (err instanceof EngineLoadError) throw err
      // Any unexpected throw still ends as a human finding, never as an uncaught exception.
      const { explainError } = await loadEngine()
      const f = explainError(err, { step })
      this.#commit(step, {}, [], [f], 'error')
      this.announcement = `${step}: error`
      return false
    } finally {
      this.busy = null
    }
  }

  async #runStep(step: StepId): Promise<boolean> {
    switch (step) {
      case 'configure':
        return this.#configure()
      case 'discovery':
        return this.#discover()
      case 'pkce':
        return this.#pkce()
      case 'authorization':
        return this.#authorization()
      case 'callback':
        // The callback runs when the page loads with a response (resume()); nothing to do by hand.
        return this.snapshot.status.callback === 'ok' || this.snapshot.status.callback === 'warning'
      case 'token':
        return this.#token()
      case 'tokens':
        return this.#tokens()
      case 'mcp-probe':
        return this.#mcpProbe()
      case 'mcp-discovery':
        return this.#mcpDiscovery()
      case 'registration':
        return this.#registration()
      case 'mcp-tools':
        return this.#mcpTools()
    }
  }

  #mcpOptions() {
    return { allowInsecureLoopback: this.snapshot.config.allow_insecure_loopback }
  }

  #mcpSide(): McpSide {
    return ((this.snapshot.side ?? {}) as { mcp?: McpSide }).mcp ?? {}
  }

  #withMcp(part: Partial<McpSide>): Partial<FlowSnapshot> {
    return { side: { ...(this.snapshot.side ?? {}), mcp: { ...this.#mcpSide(), ...part } } }
  }

  /** Sets a configuration value found by the MCP steps, in the run and in the form. */
  #learn(patch: Partial<FlowConfig>) {
    this.snapshot = { ...this.snapshot, config: { ...this.snapshot.config, ...patch } }
    Object.assign(this.config, patch)
  }

  async #mcpProbe(): Promise<boolean> {
    const { probeMcp, canonicalMcpUrl } = await loadEngine()
    const url = canonicalMcpUrl(this.snapshot.config.mcp_url ?? '')
    const recorder = this.#recorder('mcp-probe')
    const r = await probeMcp(url, recorder, this.#mcpOptions())
    const { findings, ...probe } = r
    this.#commit('mcp-probe', this.#withMcp({ url, probe }), recorder.exchanges, findings)
    // Without an answer there is nothing to learn from; PRM well-known URLs may still work.
    return r.status !== 0 || findings.every((f) => f.severity !== 'error')
  }

  async #mcpDiscovery(): Promise<boolean> {
    const { discoverProtectedResource, chooseScopes } = await loadEngine()
    const side = this.#mcpSide()
    const url = side.url ?? this.snapshot.config.mcp_url ?? ''
    const recorder = this.#recorder('mcp-discovery')
    const r = await discoverProtectedResource(url, side.probe?.challenge, recorder, this.#mcpOptions())
    const { findings, ...prm } = r
    const scopes = chooseScopes(side.probe?.challenge, r.prm)
    const issuer = r.prm?.authorization_servers?.[0]
    this.#commit('mcp-discovery', this.#withMcp({ prm, scopes }), recorder.exchanges, findings)
    if (!issuer) return false
    this.#learn({ issuer, resource: r.resource, scope: scopes.scope ?? '' })
    return true
  }

  async #registration(): Promise<boolean> {
    const { registerClient } = await loadEngine()
    const md = this.snapshot.metadata
    if (!md) return false
    const recorder = this.#recorder('registration')
    const cimd = import.meta.env.VITE_CIMD_URL
    const r = await registerClient(md, {
      ...(this.config.client_id.trim() ? { preRegisteredClientId: this.config.client_id.trim() } : {}),
      ...(cimd ? { cimdUrl: cimd } : {}),
      redirectUri: this.snapshot.config.redirect_uri,
      recorder,
      allowInsecureLoopback: this.snapshot.config.allow_insecure_loopback,
    })
    const { findings, ...registration } = r
    this.#commit('registration', this.#withMcp({ registration }), recorder.exchanges, findings)
    if (!r.client_id) return false
    this.#learn({ client_id: r.client_id })
    return true
  }

  async #mcpTools(): Promise<boolean> {
    const { mcpSession, crossChecks, connectorReadiness, decodeToken } = await loadEngine()
    const side = this.#mcpSide()
    const url = side.url ?? this.snapshot.config.mcp_url ?? ''
    const accessToken = this.snapshot.token?.body?.access_token
    if (typeof accessToken !== 'string') {
      this.notice = 'No access token yet: exchange the code first.'
      return false
    }
    const recorder = this.#recorder('mcp-tools')
    const session = await mcpSession(url, accessToken, recorder, this.#mcpOptions())
    const decoded = decodeToken(accessToken)
    const granted = this.snapshot.token?.body?.scope
    const checks = crossChecks({
      ...(decoded.format === 'jwt' ? { accessTokenClaims: decoded.payload } : {}),
      resource: url,
      ...(side.probe?.challenge?.scope ? { challengeScope: side.probe.challenge.scope } : {}),
      ...(typeof granted === 'string' ? { grantedScope: granted } : {}),
    })
    const { findings: sessionFindings, ...sessionResult } = session
    const all = [...sessionFindings, ...checks]
    const md = this.snapshot.metadata
    const callbackIss = this.snapshot.callback?.params.find(([k]) => k === 'iss')?.[1]
    const readiness = connectorReadiness({
      findings: [...this.snapshot.findings, ...all],
      facts: {
        ...(side.probe
          ? {
              probeStatus: side.probe.status,
              challengeSeen: Boolean(side.probe.challenge),
              challengeHasResourceMetadata: Boolean(side.probe.challenge?.resource_metadata),
            }
          : {}),
        prmFound: Boolean(side.prm?.prm),
        metadataFound: Boolean(this.snapshot.discovery?.document),
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
        ...(this.snapshot.callback ? { callbackIss: callbackIss ?? null } : {}),
        ...(this.snapshot.token ? { tokenResponseJson: Boolean(this.snapshot.token.body) } : {}),
        mcpSessionOk: session.ok,
      },
    })
    this.#commit('mcp-tools', this.#withMcp({ session: sessionResult, readiness }), recorder.exchanges, all)
    return session.ok
  }

  #configure(): boolean {
    const config = $state.snapshot(this.config)
    const problems = validateConfig(config, this.secret)
    const findings: Finding[] = problems.map((p) => ({
      id: 'config-invalid',
      severity: p.severity,
      step: 'configure',
      title: p.message,
      detail: `Field: ${p.field}. ${p.message}`,
      fix: 'Correct the field in the Configure step.',
      spec: 'RFC 6749 §3.1, §3.1.2',
      data: { field: p.field },
    }))
    if (config.client_auth !== 'none') {
      findings.push({
        id: 'client-secret-in-browser',
        severity: 'warning',
        step: 'configure',
        title: 'A client secret in a browser is never safe for production',
        detail:
          'Everything a web page holds can be read by anyone who loads it. A browser-based app must be a public client (token_endpoint_auth_method "none") protected by PKCE. Use a secret here only to reproduce a confidential client’s behaviour; it stays in this tab’s memory and sessionStorage and never goes into share links or reports.',
        fix: 'Register browser-based clients as public clients; the authorization server must not require a shared secret from them.',
        spec: 'draft-ietf-oauth-browser-based-apps §6.3.3.1',
      })
    }
    const md = effectiveMetadata(config)
    this.snapshot = {
      ...emptySnapshot(config, this.#env.origin),
      metadata: md,
      // What the link set travels with the flow: after the redirect it still decides what to ask.
      ...(this.linkReview.length ? { link: { settings: this.linkReview, confirmed: this.linkConfirmed } } : {}),
    }
    this.tokenPreview = undefined
    this.tokenViews = []
    this.#commit('configure', {}, [], findings)
    return !problems.some((p) => p.severity === 'error')
  }

  async #discover(): Promise<boolean> {
    const config = this.snapshot.config
    if (!config.issuer) {
      this.#commit(
        'discovery',
        { metadata: effectiveMetadata(config) },
        [],
        [
          {
            id: 'discovery-skipped',
            severity: 'info',
            step: 'discovery',
            title: 'Discovery skipped: endpoints entered by hand',
            detail: 'No issuer was given, so the hand-entered endpoints are used as they are.',
            fix: 'Give the issuer to let the playground check the metadata too.',
            spec: 'RFC 8414 §3',
          },
        ],
        'skipped',
      )
      return true
    }
    const { discover, lintMetadata } = await loadEngine()
    const recorder = this.#recorder('discovery')
    const outcome = await discover(config, recorder)
    const doc = outcome.result.document
    if (doc && outcome.result.source) {
      // Lint what the server really sent (oauth4webapi only checks what it needs).
      const accepted = outcome.result.attempts.find((a) => a.outcome === 'ok')
      const ex = recorder.exchanges.find((e) => e.id === accepted?.exchangeId)
      const contentType = ex?.response?.headers.find(([k]) => k === 'content-type')?.[1]
      outcome.findings.push(
        ...lintMetadata(doc, {
          expectedIssuer: config.issuer,
          source: outcome.result.source,
          clientAuth: config.client_auth,
          pageOrigin: this.#env.origin,
          openid: config.scope.split(/\s+/).includes('openid'),
          ...(contentType ? { contentType } : {}),
        }),
      )
    }
    const md = effectiveMetadata(config, outcome.metadata)
    const overridden = endpointOverrideFinding(config, outcome.metadata)
    if (overridden) outcome.findings.push(overridden)
    const usable = Boolean(md.authorization_endpoint && md.token_endpoint)
    // MCP 2025-11-25 "Authorization Code Protection": without S256 advertised, MCP clients MUST
    // refuse to proceed (ChatGPT and Claude do); plain OAuth clients may go on and test it.
    const mcpRefuses =
      Boolean(config.mcp_url) && Boolean(outcome.metadata) && !md.code_challenge_methods_supported?.includes('S256')
    if (mcpRefuses) {
      const methods = md.code_challenge_methods_supported
      outcome.findings.push({
        id: 'mcp-pkce-not-advertised',
        severity: 'error',
        step: 'discovery',
        title: methods
          ? 'The authorization server does not advertise S256'
          : 'The authorization server does not advertise PKCE',
        detail: methods
          ? `code_challenge_methods_supported is [${methods.join(', ')}]. MCP clients MUST use S256, so they cannot go on.`
          : 'The metadata has no code_challenge_methods_supported. MCP clients MUST verify PKCE support before proceeding and MUST refuse to proceed when it is absent (OpenID Connect Discovery documents too). The playground stops here, as ChatGPT and Claude do.',
        fix: 'Add "code_challenge_methods_supported": ["S256"] to the authorization server metadata (and enforce PKCE).',
        spec: 'MCP 2025-11-25 Authorization Code Protection; RFC 8414 §2; RFC 7636 §4.2',
      })
    }
    this.#commit('discovery', { discovery: outcome.result, metadata: md }, recorder.exchanges, outcome.findings)
    if (mcpRefuses) return false
    if (!outcome.metadata && usable) {
      this.notice = 'Discovery failed, but the hand-entered endpoints are enough to go on.'
    }
    return Boolean(outcome.metadata) || usable
  }

  /** Sets the PKCE draft to a fresh verifier. */
  async regenerateVerifier() {
    const { newVerifier } = await loadEngine()
    this.verifierDraft = newVerifier()
  }

  /** The live challenge for the PKCE panel (WebCrypto SHA-256 through oauth4webapi). */
  async liveChallenge(verifier: string, method: PkceMethod) {
    const { computeChallenge, explainPkce } = await loadEngine()
    const challenge = await computeChallenge(verifier, method)
    return explainPkce({ method, code_verifier: verifier, code_challenge: challenge })
  }

  async #pkce(): Promise<boolean> {
    const { newVerifier, makePkce } = await loadEngine()
    if (!this.verifierDraft) this.verifierDraft = newVerifier()
    const problem = validateVerifier(this.verifierDraft)
    const findings: Finding[] = []
    if (problem) {
      findings.push({
        id: 'pkce-verifier-invalid',
        severity: 'error',
        step: 'pkce',
        title: 'The code_verifier is not valid',
        detail: problem,
        fix: 'Use 43 to 128 characters of A–Z, a–z, 0–9, "-", ".", "_", "~", or press "New verifier".',
        spec: 'RFC 7636 §4.1',
      })
      this.#commit('pkce', {}, [], findings)
      return false
    }
    if (this.pkceMethod === 'plain') {
      findings.push({
        id: 'pkce-plain-selected',
        severity: 'warning',
        step: 'pkce',
        title: 'plain PKCE sends the verifier itself as the challenge',
        detail:
          'With "plain", anyone who sees the authorization request (browser history, logs, a malicious app on the device) learns the verifier. Clients that can do S256 MUST use it; S256 is mandatory to implement on servers.',
        fix: 'Use S256.',
        spec: 'RFC 7636 §4.2, §7.2; RFC 9700 §2.1.1',
      })
    }
    // Whether the server advertises PKCE at all is a metadata finding (Discover step).
    const methods = this.snapshot.metadata?.code_challenge_methods_supported
    if (methods && !methods.includes(this.pkceMethod)) {
      findings.push({
        id: 'pkce-method-not-advertised',
        severity: 'warning',
        step: 'pkce',
        title: `The server does not advertise the ${this.pkceMethod} method`,
        detail: `code_challenge_methods_supported is ${JSON.stringify(methods)}; expect the server to reject this challenge with invalid_request.`,
        fix: 'Use a method the server advertises (S256 is mandatory to implement).',
        spec: 'RFC 7636 §4.2, §4.4.1; RFC 8414 §2',
      })
    }
    const pkce = await makePkce(this.verifierDraft, this.pkceMethod)
    this.#commit('pkce', { pkce }, [], findings)
    return true
  }

  async #authorization(): Promise<boolean> {
    const md = this.snapshot.metadata
    const pkce = this.snapshot.pkce
    if (!md || !pkce) {
      this.notice = 'Run the earlier steps first.'
      return false
    }
    if (!md.authorization_endpoint) {
      this.#commit(
        'authorization',
        {},
        [],
        [
          {
            id: 'metadata-missing-endpoint',
            severity: 'error',
            step: 'authorization',
            title: 'No authorization endpoint to send the browser to',
            detail:
              'The metadata has no (own, string) authorization_endpoint member and none was entered by hand, so no authorization request can be built.',
            fix: 'Publish authorization_endpoint in the metadata (RFC 8414 §2), or enter it by hand in Configure.',
            spec: 'RFC 8414 §2; OpenID Connect Discovery 1.0 §3',
            data: { attribute: 'authorization_endpoint' },
          },
        ],
        'error',
      )
      return false
    }
    const { newStateAndNonce, buildAuthorizationRequest, explainError } = await loadEngine()
    const { state, nonce } = newStateAndNonce(this.snapshot.config.scope)
    try {
      const authorization = buildAuthorizationRequest(this.snapshot.config, md, pkce, state, nonce)
      const findings: Finding[] = []
      if (!isSafeNavigationTarget(authorization.url, this.snapshot.config.allow_insecure_loopback)) {
        findings.push({
          id: 'authorization-endpoint-unsafe',
          severity: 'error',
          step: 'authorization',
          title: 'The authorization endpoint is not an https URL',
          detail: `The playground will not navigate to ${JSON.stringify(md.authorization_endpoint)}: only https URLs (and http on loopback, when allowed) are followed. A javascript: or data: URL in metadata would run code in this page.`,
          fix: 'Publish an https authorization_endpoint (RFC 8414 §2).',
          spec: 'RFC 8414 §2; RFC 6749 §3.1',
        })
      }
      this.#commit('authorization', { authorization }, [], findings)
      return findings.length === 0
    } catch (err) {
      this.#commit('authorization', {}, [], [explainError(err, { step: 'authorization' })], 'error')
      return false
    }
  }

  /** Saves the pending flow and leaves for the authorization server (a click is required). */
  startAuthorization(auto = false) {
    const auth = this.snapshot.authorization
    if (!auth || !this.#linkGate()) return
    if (!isSafeNavigationTarget(auth.url, this.snapshot.config.allow_insecure_loopback)) {
      this.notice = 'Refusing to navigate: the authorization URL is not https (or loopback http).'
      return
    }
    this.snapshot = { ...this.snapshot, auto }
    // Never leave without the pending flow saved: the callback could not be checked.
    if (!this.#persist()) return
    this.#env.navigate(auth.url)
  }

  /**
   * On page load: if the URL carries an authorization response, restore the pending flow, validate
   * the response, strip it from the address bar, and (in run-to-the-end mode) go on.
   */
  resume(): Promise<void> {
    this.#resuming ??= this.#resume()
      .catch((err: unknown) => this.#resumeFailed(err))
      .finally(() => this.#codeSent.resolve())
    return this.#resuming
  }

  /** Whatever went wrong while resuming ends as a message in the page, never as an uncaught error. */
  async #resumeFailed(err: unknown): Promise<void> {
    try {
      const { explainError } = await loadEngine()
      this.#commit('callback', {}, [], [explainError(err, { step: 'callback' })], 'error')
      this.current = 'callback'
    } catch {
      this.loadError =
        'The playground could not load its protocol code (a network error, or the site was updated in the meantime), so the authorization response was not checked and no code was sent. Reload the page to try again: the response is still in the address bar.'
      this.announcement = 'Error: the playground could not resume the flow.'
    }
  }

  #resuming: Promise<void> | undefined
  #codeSent = deferred()
  /**
   * Settles once the page load's token request is on the wire (or resume() ended without one):
   * main.ts mounts the page then, so that rendering overlaps the exchange instead of delaying it.
   */
  readonly codeSent: Promise<void> = this.#codeSent.promise

  async #resume(): Promise<void> {
    const href = this.#env.href()
    const restoredRaw = this.#env.storage.getItem(SNAPSHOT_KEY)
    if (!restoredRaw && !isCallbackUrl(href)) return
    const { revalidate, cleanCallbackUrl, handleCallback } = await loadEngine()
    const restored = loadSnapshot(this.#env.storage)
    if (!isCallbackUrl(href)) {
      // Opening a share link starts from the link, not from an older flow of this tab.
      if (restored && Object.keys(parseShareFragment(new URL(href).hash)).length) {
        clearSnapshot(this.#env.storage)
        return
      }
      if (restored) {
        // A reload after the callback: show where we were, never resend a used code.
        this.snapshot = restored.snapshot
        this.#restoreLink(restored.snapshot)
        this.secret = restored.secret
        this.config = restored.snapshot.config
        this.verifierDraft = usableVerifier(restored.snapshot)
        this.#validated = revalidate(this.snapshot)
        this.tokenVerifier = this.snapshot.pkce?.code_verifier ?? ''
        this.current = this.#furthest()
        if (!this.snapshot.codeUsed) await this.prepareToken()
        if (this.snapshot.token?.body) await this.#tokens()
      }
      return
    }
    // Remove the code from the address bar before anything else happens.
    this.#env.replaceUrl(cleanCallbackUrl(href))
    const snapshot = restored?.snapshot ?? emptySnapshot($state.snapshot(this.config), this.#env.origin)
    if (restored) {
      this.snapshot = snapshot
      this.#restoreLink(snapshot)
      this.secret = restored.secret
      this.config = snapshot.config
      this.verifierDraft = usableVerifier(snapshot)
    }
    const pendingProbe = ((snapshot.side ?? {}) as { probe?: PendingProbe }).probe
    if (restored && pendingProbe && new URL(href).searchParams.get('state') === pendingProbe.authorization.state) {
      await this.#finishProbe(href, pendingProbe)
      return
    }
    const incomingCode = new URL(href).searchParams.get('code')
    if (restored && snapshot.callback && (snapshot.codeUsed || snapshot.code === incomingCode)) {
      this.#commit(
        'callback',
        {},
        [],
        [
          {
            id: 'callback-replayed',
            severity: 'info',
            step: 'callback',
            title: 'This authorization response was already handled; the code is not sent again',
            detail:
              'The page was loaded again with a response it has already processed (reload or Back). Authorization codes are single-use: sending one twice gets invalid_grant, and the server may revoke the tokens issued from it.',
            fix: 'Nothing to fix. Start a new authorization to get a new code.',
            spec: 'RFC 6749 §4.1.2, §10.5; RFC 9700 §4.3.1',
          },
        ],
        'ok',
      )
      this.current = 'callback'
      return
    }
    const outcome = handleCallback(href, snapshot)
    this.#validated = outcome.validated
    this.#commit(
      'callback',
      { callback: outcome.callback, ...(outcome.code ? { code: outcome.code, codeUsed: false } : {}) },
      [],
      outcome.findings,
    )
    this.current = 'callback'
    this.#persist()
    if (outcome.validated) {
      await this.prepareToken()
      if (this.snapshot.auto) await this.runToEnd('token')
    }
  }

  /** The snapshot as the token request sees it: with the (possibly edited) verifier to send. */
  #forToken(): FlowSnapshot {
    const pkce = this.snapshot.pkce
    if (!pkce || !this.tokenVerifier || this.tokenVerifier === pkce.code_verifier) return this.snapshot
    return { ...this.snapshot, pkce: { ...pkce, code_verifier: this.tokenVerifier } }
  }

  verifierEdited = $derived(
    Boolean(this.snapshot.pkce) &&
      this.tokenVerifier !== '' &&
      this.tokenVerifier !== this.snapshot.pkce?.code_verifier,
  )

  /** Builds the token request preview (nothing is sent). */
  async prepareToken() {
    const { revalidate, previewTokenRequest, explainError } = await loadEngine()
    if (!this.#validated) this.#validated = revalidate(this.snapshot)
    if (!this.#validated) return
    if (!this.tokenVerifier) this.tokenVerifier = this.snapshot.pkce?.code_verifier ?? ''
    try {
      this.tokenPreview = await previewTokenRequest(this.#forToken(), this.#validated, this.secret, this.#env.origin)
    } catch (err) {
      this.#commit('token', {}, [], [explainError(err, { step: 'token' })], 'error')
    }
  }

  canExchange = $derived(
    Boolean(this.snapshot.code) && !this.snapshot.codeUsed && this.snapshot.status.callback !== 'error',
  )

  async #token(): Promise<boolean> {
    const { revalidate, exchangeCode } = await loadEngine()
    if (!this.#validated) this.#validated = revalidate(this.snapshot)
    if (!this.#validated || !this.snapshot.code) {
      this.notice = 'There is no validated authorization code to exchange. Start the authorization first.'
      return false
    }
    if (this.snapshot.codeUsed) {
      this.notice = 'This code was already sent once; codes are single-use. Start a new authorization.'
      return false
    }
    // Mark the code as used and persist BEFORE sending: a reload can never send it twice.
    this.snapshot = { ...this.snapshot, codeUsed: true }
    this.#persist()
    // The keys are public and independent of the code: fetch them while the code is exchanged.
    void this.#prefetchJwks()
    // The page load's own exchange: the page is mounted once the request is on the wire.
    const recorder = this.#recorder('token', () => this.#codeSent.resolve())
    const outcome = await exchangeCode(this.#forToken(), this.#validated, this.secret, recorder)
    const raw = recorder.exchanges.at(-1)?.response
    if (raw) {
      // Lint the raw response: oauth4webapi is lenient on purpose (token_type case, string expires_in…).
      const { lintTokenResponse, lintCors } = await loadEngine()
      outcome.findings.push(
        ...lintTokenResponse(raw, {
          step: 'token',
          requestedScope: this.snapshot.config.scope,
          openid: this.snapshot.config.scope.split(/\s+/).includes('openid'),
          clientAuth: this.snapshot.config.client_auth,
        }),
        ...lintCors(raw, { endpoint: 'token', pageOrigin: this.#env.origin, step: 'token' }),
      )
    }
    if (this.verifierEdited && typeof outcome.body?.access_token === 'string') {
      outcome.findings.unshift({
        id: 'pkce-not-enforced',
        severity: 'error',
        step: 'token',
        title: 'PKCE is not enforced: the server issued tokens for a wrong code_verifier',
        detail:
          'The code_verifier sent does not match the code_challenge of the authorization request, and the server still answered with tokens. It does not verify PKCE, so a stolen authorization code can be redeemed by anyone.',
        fix: 'Verify code_verifier against the stored code_challenge (S256) at the token endpoint and answer invalid_grant on a mismatch.',
        spec: 'RFC 7636 §4.6; RFC 9700 §2.1.1',
      })
    }
    if (this.verifierEdited) {
      outcome.findings.unshift({
        id: 'pkce-verifier-edited',
        severity: 'info',
        step: 'token',
        title: 'You sent a code_verifier that does not match the code_challenge',
        detail:
          'The verifier was edited after the authorization request. A server that enforces PKCE must answer invalid_grant (RFC 7636 §4.6); if it issued tokens, it does not check PKCE.',
        fix: 'Nothing to fix if the server rejected it.',
        spec: 'RFC 7636 §4.6',
      })
    }
    this.#commit(
      'token',
      { token: { status: outcome.status, ...(outcome.body ? { body: outcome.body } : {}) }, codeUsed: true },
      recorder.exchanges,
      outcome.findings,
    )
    this.#persist()
    const hasToken = typeof outcome.body?.access_token === 'string'
    return hasToken
  }

  #jwksPrefetch: Promise<{ recorder: Recorder; jwks: Awaited<ReturnType<Engine['fetchJwks']>> }> | undefined

  /** Starts fetching the JWKS (recorded in the Tokens step) once per token exchange. */
  #prefetchJwks() {
    const uri = this.snapshot.metadata?.jwks_uri
    this.#jwksPrefetch = loadEngine().then(async ({ fetchJwks }) => {
      const recorder = this.#recorder('tokens')
      return { recorder, jwks: await fetchJwks(uri, recorder) }
    })
    this.#jwksPrefetch.catch(() => undefined)
    return this.#jwksPrefetch
  }

  async #tokens(): Promise<boolean> {
    const body = this.snapshot.token?.body
    if (!body) {
      this.notice = 'No token response to inspect yet.'
      return false
    }
    const { inspectTokens, lintJwks } = await loadEngine()
    // Use the JWKS fetched during the exchange when there is one; a later run fetches it again.
    const prefetched = this.#jwksPrefetch
    this.#jwksPrefetch = undefined
    const { recorder, jwks } = await (prefetched ??
      this.#prefetchJwks().finally(() => (this.#jwksPrefetch = undefined)))
    if (jwks.jwks && this.snapshot.metadata?.jwks_uri) {
      jwks.findings.push(...lintJwks(jwks.jwks, { url: this.snapshot.metadata.jwks_uri, step: 'tokens' }))
    }
    const { views, findings } = await inspectTokens(this.snapshot, body, jwks)
    this.tokenViews = views
    this.#commit('tokens', {}, recorder.exchanges, [...jwks.findings, ...findings])
    this.#persist()
    return true
  }

  #furthest(): StepId {
    let last: StepId = 'configure'
    for (const id of STEP_IDS) if (this.snapshot.status[id]) last = id
    return last
  }

  /**
   * Runs the steps one after another from `from`, stopping where the user must act (the login at
   * the authorization server) or at the first error. The same `run()` serves every mode.
   */
  /** The steps of this run, in order (the MCP steps only when starting from an MCP server). */
  activeSteps(): StepId[] {
    return stepsFor(Boolean(this.snapshot.config.mcp_url ?? this.config.mcp_url)).map((s) => s.id)
  }

  /**
   * Runs the steps from `from` to `to` (inclusive) one after another, stopping at the first that
   * cannot go on. The callback is never run by hand: it runs when the server sends the browser back.
   * Every mode (a button, "Run to the end", the run after the redirect) goes through here.
   */
  async runRange(from: StepId, to?: StepId): Promise<boolean> {
    const ids = stepsFor(Boolean(this.config.mcp_url)).map((s) => s.id)
    const start = Math.max(0, ids.indexOf(from))
    const end = to ? ids.indexOf(to) : ids.length - 1
    for (const id of ids.slice(start, end + 1)) {
      if (id === 'callback') continue
      this.current = id
      if (!(await this.run(id))) return false
    }
    return true
  }

  /**
   * "Run to the end": every step, stopping only where the user must act (the login at the
   * authorization server) or at the first error; after the redirect it goes on by itself.
   */
  async runToEnd(from: StepId = 'configure') {
    const ids = this.activeSteps()
    if (ids.indexOf(from) <= ids.indexOf('authorization')) {
      if (await this.runRange(from, 'authorization')) this.startAuthorization(true)
      return
    }
    await this.runRange(from)
  }

  /** The Discover button: everything up to the authorization request, ready to start. */
  async prepare(): Promise<boolean> {
    return this.runRange('configure', 'authorization')
  }

  /** The Exchange code button: the token request and everything after it. */
  async exchange(): Promise<boolean> {
    return this.runRange('token')
  }

  /** Forgets everything of the current flow: sessionStorage, tokens, secret. */
  reset() {
    clearSnapshot(this.#env.storage)
    this.secret = ''
    this.#validated = undefined
    this.tokenPreview = undefined
    this.tokenViews = []
    this.verifierDraft = ''
    this.tokenVerifier = ''
    this.snapshot = emptySnapshot($state.snapshot(this.config), this.#env.origin)
    this.current = 'configure'
    this.announcement = 'Flow reset: tokens, verifier and secret removed from this tab.'
  }
}
