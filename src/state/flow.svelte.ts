/**
 * The one driver of the flow, for manual steps, "Run to the end" and the run after the redirect.
 * It keeps the runes state, dispatches to the step runners of the core (src/lib/flow/runners.ts),
 * applies their outcomes (src/lib/flow/outcome.ts), persists, and times the redirect; it decides
 * nothing about OAuth itself. Components only render and dispatch.
 */
import type {
  DpopKeyInfo,
  FlowConfig,
  Finding,
  HttpExchange,
  PkceMethod,
  RecordedRequest,
  SideStepId,
  StepId,
  StepRef,
  StepStatus,
} from '../lib/model/types'
import { STEP_IDS, stepsFor } from '../lib/model/steps'
import { defaultConfig, linkSettingsToReview, parseShareFragment, type Defaults } from '../lib/protocol/config'
import { isCallbackUrl } from '../lib/platform/callback-url'
import { LinkTrust } from './link-trust.svelte'
import { EngineLoadError, engineIfLoaded, loadEngine, type Engine } from './engine'
import type { FetchLike, Recorder } from '../lib/platform/recorder'
import { isSafeNavigationTarget } from '../lib/protocol/navigation'
import type { SideOutcome, StepOutcome } from '../lib/flow/outcome'
import type { StepContext } from '../lib/flow/runners'
import type { ResourceRequest } from '../lib/flow/side-runners'
import { emptySnapshot, forToken, usableVerifier, verifierEdited, type Snapshot } from '../lib/flow/side'
import type { TokenView } from '../lib/protocol/token-inspection'
import type { DpopAlg, DpopUse } from '../lib/protocol/dpop'
import type { Verdict } from '../lib/diagnosis/report'
import { SNAPSHOT_KEY, clearSnapshot, loadSnapshot, saveSnapshot, type KeyValueStore } from '../lib/platform/persist'

export type { ResourceRequest }
export { EngineLoadError, loadEngine }

/** Everything the driver needs from the page: injected, so that it runs in Node tests too. */
export interface Environment {
  href: () => string
  origin: string
  storage: KeyValueStore
  fetch: FetchLike
  navigate: (url: string) => void
  replaceUrl: (url: string) => void
  defaults: Defaults
  /** The playground version (package.json), for reports. */
  appVersion: string
  /** The Client ID Metadata Document URL this build publishes, if any. */
  cimdUrl?: string
  now?: () => number
  /**
   * How this document was reached (PerformanceNavigationTiming.type): 'back_forward' when the user
   * came back with the browser's Back button, e.g. from an authorization server's error page.
   */
  navigationType?: () => string
}

/** The driver's hooks lent to the side actions (see FlowSession.port). */
export interface SessionPort {
  side(
    step: SideStepId,
    work: (engine: Engine, recorder: Recorder) => Promise<SideOutcome>,
    which?: 'access_token' | 'refresh_token',
  ): Promise<void>
  apply(step: StepId, o: StepOutcome): void
  linkGate(): boolean
  persist(): boolean
  navigate(url: string): void
  env(): Environment
  onReset(f: () => void): void
}

/** A promise with its resolve function outside (Promise.withResolvers is ES2024). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

export class FlowSession {
  /** The form model of the Configure step (deeply reactive for bind:value). */
  config = $state<FlowConfig>(defaultConfig('http://localhost/'))
  /** Client secret: memory (and sessionStorage while a flow is pending) only. */
  secret = $state('')
  /** Everything the steps produced: plain JSON, persisted across the redirect. */
  snapshot = $state.raw<Snapshot>(emptySnapshot(defaultConfig('http://localhost/'), 'http://localhost'))
  /** The step shown in the main panel. */
  current = $state<StepId>('configure')
  /** The step (main or side) running now, if any. */
  busy = $state<StepRef | null>(null)
  /** PKCE form: verifier being edited and its live validation. */
  verifierDraft = $state('')
  pkceMethod = $state<PkceMethod>('S256')
  tokenPreview = $state.raw<RecordedRequest | undefined>(undefined)
  /** The code_verifier the token request will send; editable to see the server reject a wrong one. */
  tokenVerifier = $state('')
  tokenViews = $state.raw<TokenView[]>([])
  /** The public side of this page's DPoP key, once made (the key itself stays in #dpop). */
  dpopKey = $state.raw<DpopKeyInfo | undefined>(undefined)
  /** One-line status for the aria-live region. */
  announcement = $state('')
  /** A message about the last user action that could not be done (shown near the controls). */
  notice = $state('')
  /** Set when the protocol code could not be loaded: shown as an alert until an action succeeds in loading it. */
  loadError = $state('')
  /** The A/B/C verdict over the whole run (recomputed after each step). */
  verdict = $state.raw<Verdict | undefined>(undefined)
  /** What the share link set that decides where secrets go, and what the user decided about it. */
  link = new LinkTrust(() => this.config)

  /** The Configure form's checks: they come with the engine, loaded right after the first paint (warmUp). */
  #checkConfig = $state.raw<Engine['validateConfig'] | undefined>(engineIfLoaded()?.validateConfig)
  configProblems = $derived(this.#checkConfig ? this.#checkConfig(this.config, this.secret) : [])
  findings = $derived(this.snapshot.findings)
  verifierEdited = $derived(verifierEdited(this.snapshot, this.tokenVerifier))
  /** The link's server logs in on one origin and takes the code on another, not yet agreed to. */
  linkSplit = $derived.by(() => {
    // Read the snapshot first: were the engine not loaded yet, the derived would otherwise depend on nothing.
    const s = this.snapshot
    return engineIfLoaded()?.linkSplit(s)
  })
  canExchange = $derived(
    Boolean(this.snapshot.code) && !this.snapshot.codeUsed && this.snapshot.status.callback !== 'error',
  )

  #env: Environment
  /** This run's DPoP key (non-extractable) and handle: memory only, never persisted. */
  #dpop: { alg: string; use: DpopUse; info: DpopKeyInfo } | undefined
  #validated: URLSearchParams | undefined
  #jwksPrefetch: ReturnType<StepContext['jwks']> | undefined
  #resuming: Promise<void> | undefined
  #codeSent = deferred()
  /**
   * Settles once the page load's token request is on the wire (or resume() ended without one):
   * main.ts mounts the page then, so that rendering overlaps the exchange instead of delaying it.
   */
  readonly codeSent: Promise<void> = this.#codeSent.promise

  constructor(env: Environment) {
    this.#env = env
    const fromLink = parseShareFragment(new URL(env.href()).hash)
    // A link to an MCP server starts from that server alone: no demo client id, so that the
    // playground registers a client the way a connector would (unless the link names one).
    const defaults = fromLink.mcp_url ? { ...env.defaults, client_id: '' } : env.defaults
    this.config = { ...defaultConfig(env.href(), defaults), ...fromLink }
    this.link.review = linkSettingsToReview(fromLink, env.href())
    this.link.named = fromLink.issuer || fromLink.mcp_url || ''
    this.snapshot = emptySnapshot($state.snapshot(this.config), env.origin)
    this.#syncLink()
  }

  /**
   * Loads the protocol code in the background once the first view is up, so that the form's checks
   * show and the first action does not wait for it. A failed load is retried by the next action.
   */
  warmUp(): Promise<void> {
    return loadEngine().then(
      (e) => {
        this.#checkConfig = e.validateConfig
      },
      () => undefined,
    )
  }

  /** This page's origin (what CORS is checked against). */
  get origin(): string {
    return this.#env.origin
  }

  /** A user action stopped because the protocol code could not be loaded (see EngineLoadError). */
  engineLoadFailed() {
    this.loadError ||=
      'The playground could not load its protocol code (a network error, or the site was updated in the meantime), so that action did not run. Try again, or reload the page.'
    this.announcement = 'Error: the protocol code could not be loaded.'
  }

  status(step: StepId): StepStatus {
    if (this.busy === step) return 'running'
    return this.snapshot.status[step] ?? 'pending'
  }

  /** A finished step's one-line summary (a step has run only once the engine is loaded). */
  summary(step: StepId): string | undefined {
    return engineIfLoaded()?.stepSummary(step, this.snapshot)
  }

  exchangesFor(step: StepId): HttpExchange[] {
    return this.snapshot.exchanges.filter((e) => e.step === step)
  }

  findingsFor(step: StepId): Finding[] {
    return this.snapshot.findings.filter((f) => f.step === step)
  }

  /** The share link: the configuration, never a secret (see flow/share.ts). */
  async shareLink(): Promise<string> {
    const { shareFragment } = await loadEngine()
    const u = new URL(this.#env.href())
    u.search = ''
    u.hash = shareFragment($state.snapshot(this.config), this.snapshot, [
      this.tokenVerifier,
      this.verifierDraft,
      this.secret,
    ])
    return u.href
  }

  // ----- Share-link trust ---------------------------------------------------------------------------

  /** "Use these endpoints": the user saw where the link sends the code, verifier or tokens, and agrees. */
  confirmLinkEndpoints() {
    this.link.confirm()
    this.#syncLink()
    this.notice = ''
    this.announcement = 'The endpoints set by the link will be used.'
  }

  /** The user saw that the link's server has them log in on one origin and send the code to another. */
  confirmLinkSplit() {
    this.link.splitConfirmed = true
    this.#syncLink()
    this.notice = ''
    this.announcement = 'Going on with the servers the link names.'
  }

  /** "Don't use them": the endpoints the link set are cleared; discovery decides. */
  dropLinkEndpoints() {
    this.link.drop(this.config)
    this.#syncLink()
    this.notice = ''
    this.announcement = 'The endpoints set by the link were removed; the issuer’s metadata decides.'
  }

  /** What the link set travels with the flow: after the redirect it still decides what to ask. */
  #syncLink() {
    const { link: _old, ...rest } = this.snapshot
    const record = this.link.record
    this.snapshot = record ? { ...rest, link: record } : rest
  }

  /** False (with a notice) while nothing may be sent: the link's endpoints wait for a confirmation. */
  #linkGate(): boolean {
    const why = this.link.blocked()
    if (!why) return true
    this.notice = why
    this.announcement = 'Stopped: confirm or remove the endpoints set by the link.'
    return false
  }

  /**
   * False (with a notice) while the server the link named has the login and the code on two origins
   * and the user has not agreed (LinkTrust.split): checked before the login and before the code is sent.
   */
  #splitGate(): boolean {
    const split = this.linkSplit
    if (!split) return true
    this.notice = split.notice
    this.announcement = split.announcement
    return false
  }

  // ----- Running steps --------------------------------------------------------------------------------

  /** Applies a step's outcome to the snapshot (and the form, for what the step learned). */
  #apply(step: StepId, o: StepOutcome) {
    const engine = this.#engine()
    this.snapshot = engine.reassess(engine.applyStep(this.snapshot, step, o))
    if (o.learn) Object.assign(this.config, o.learn)
    if (o.notice) this.notice = o.notice
    if (o.verifierDraft !== undefined) this.verifierDraft = o.verifierDraft
    if (o.tokenViews) this.tokenViews = o.tokenViews
    void this.#updateVerdict()
  }

  /** The engine, for what only ever runs once it is loaded (every outcome comes from it). */
  #engine(): Engine {
    const engine = engineIfLoaded()
    if (!engine) throw new EngineLoadError(new Error('the engine is not loaded'))
    return engine
  }

  #applySide(step: SideStepId, o: SideOutcome) {
    const engine = this.#engine()
    this.snapshot = engine.reassess(engine.applySide(this.snapshot, step, o))
    void this.#updateVerdict()
  }

  #context(): StepContext {
    return {
      snapshot: this.snapshot,
      form: $state.snapshot(this.config),
      secret: this.secret,
      pkceDraft: { verifier: this.verifierDraft, method: this.pkceMethod },
      tokenVerifier: this.tokenVerifier,
      ...(this.#validated ? { validated: this.#validated } : {}),
      origin: this.#env.origin,
      ...(this.#env.cimdUrl ? { cimdUrl: this.#env.cimdUrl } : {}),
      recorder: (step, onFetch) => this.#recorder(step, onFetch),
      beforeTokenRequest: () => {
        this.snapshot = { ...this.snapshot, codeUsed: true }
        this.#persist()
        // The keys are public and independent of the code: fetch them while the code is exchanged.
        void this.#prefetchJwks()
      },
      tokenRequestSent: () => this.#codeSent.resolve(),
      dpop: (alg) => this.#dpopKey(alg),
      jwks: () => {
        // The JWKS fetched during the exchange when there is one; a later run fetches it again.
        const prefetched = this.#jwksPrefetch
        this.#jwksPrefetch = undefined
        return prefetched ?? this.#prefetchJwks().finally(() => (this.#jwksPrefetch = undefined))
      },
    }
  }

  /** Runs one step. Returns true when the flow may continue to the next step. */
  async run(step: StepId): Promise<boolean> {
    if (this.busy) return false
    if (!this.#linkGate()) return false
    if (step === 'token' && !this.#splitGate()) return false
    this.busy = step
    this.notice = ''
    try {
      const engine = await loadEngine()
      this.loadError = ''
      this.#checkConfig = engine.validateConfig
      const ok = await this.#runStep(engine, step)
      this.announcement = `${step}: ${this.snapshot.status[step] ?? 'done'}`
      return ok
    } catch (err) {
      if (err instanceof EngineLoadError) throw err
      // Any unexpected throw still ends as a human finding, never as an uncaught exception.
      const { explainError } = await loadEngine()
      this.#apply(step, { findings: [explainError(err, { step })], status: 'error', proceed: false })
      this.announcement = `${step}: error`
      return false
    } finally {
      this.busy = null
    }
  }

  async #runStep(engine: Engine, step: StepId): Promise<boolean> {
    // The callback runs when the page loads with a response (resume()); nothing to do by hand.
    if (step === 'callback')
      return this.snapshot.status.callback === 'ok' || this.snapshot.status.callback === 'warning'
    if (step === 'token' && !this.#validated) this.#validated = engine.revalidate(this.snapshot)
    if (step === 'configure') {
      this.tokenPreview = undefined
      this.tokenViews = []
    }
    const outcome = await engine.RUNNERS[step](this.#context())
    this.#apply(step, outcome)
    if (step === 'token' || step === 'tokens') this.#persist()
    return outcome.proceed
  }

  /** The steps of this run, in order (the MCP steps only when starting from an MCP server). */
  activeSteps(): StepId[] {
    return stepsFor(this.#mcpMode).map((s) => s.id)
  }

  /** MCP mode: the run started from an MCP server URL (the run's own config, else the form). */
  get #mcpMode(): boolean {
    return Boolean(this.snapshot.config.mcp_url || this.config.mcp_url)
  }

  /**
   * Runs the steps from `from` to `to` (inclusive) one after another, stopping at the first that
   * cannot go on. The callback is never run by hand: it runs when the server sends the browser back.
   * Every mode (a button, "Run to the end", the run after the redirect) goes through here.
   */
  async runRange(from: StepId, to?: StepId): Promise<boolean> {
    const ids = this.activeSteps()
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

  go(step: StepId) {
    this.current = step
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

  /** Builds the token request preview (nothing is sent). */
  async prepareToken() {
    const { revalidate, previewTokenRequest, explainError, dpopAlgFor } = await loadEngine()
    if (!this.#validated) this.#validated = revalidate(this.snapshot)
    if (!this.#validated) return
    if (!this.tokenVerifier) this.tokenVerifier = this.snapshot.pkce?.code_verifier ?? ''
    try {
      const alg = dpopAlgFor(this.snapshot)
      const dpop = alg ? (await this.#dpopKey(alg)).use : undefined
      this.tokenPreview = await previewTokenRequest(
        forToken(this.snapshot, this.tokenVerifier),
        this.#validated,
        this.secret,
        this.#env.origin,
        dpop,
      )
    } catch (err) {
      this.#apply('token', { findings: [explainError(err, { step: 'token' })], status: 'error', proceed: false })
    }
  }

  /** The DPoP key for `alg`, made on first use (after the redirect: it never survives a navigation). */
  async #dpopKey(alg: DpopAlg): Promise<{ use: DpopUse; info: DpopKeyInfo }> {
    if (this.#dpop?.alg !== alg) {
      const { makeDpopKey, dpopHandle } = await loadEngine()
      const key = await makeDpopKey(alg)
      this.#dpop = {
        alg,
        use: { handle: dpopHandle(this.snapshot.config.client_id, key), thumbprint: key.thumbprint },
        info: { alg, thumbprint: key.thumbprint, jwk: { ...key.publicJwk } },
      }
      this.dpopKey = this.#dpop.info
    }
    return { use: this.#dpop.use, info: this.#dpop.info }
  }

  /**
   * The DPoP key the run's tokens are bound to, for the after-token calls: undefined without DPoP;
   * 'lost' when the tokens were issued to a key this page no longer holds (a reload).
   */
  dpopForTokens(): DpopUse | 'lost' | undefined {
    const bound = this.snapshot.dpop
    if (!bound) return undefined
    return this.#dpop?.info.thumbprint === bound.thumbprint ? this.#dpop.use : 'lost'
  }

  /** Starts fetching the JWKS (recorded in the Tokens step) once per token exchange. */
  #prefetchJwks(): ReturnType<StepContext['jwks']> {
    const uri = this.snapshot.metadata?.jwks_uri
    const pending = loadEngine().then(async ({ fetchJwks }) => {
      const recorder = this.#recorder('tokens')
      return { recorder, jwks: await fetchJwks(uri, recorder) }
    })
    this.#jwksPrefetch = pending
    pending.catch(() => undefined)
    return pending
  }

  // ----- The redirect -------------------------------------------------------------------------------

  /** Saves the pending flow and leaves for the authorization server (a click is required). */
  startAuthorization(auto = false) {
    const auth = this.snapshot.authorization
    if (!auth || !this.#linkGate() || !this.#splitGate()) return
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
      this.#apply('callback', { findings: [explainError(err, { step: 'callback' })], status: 'error', proceed: false })
      this.current = 'callback'
    } catch {
      this.loadError =
        'The playground could not load its protocol code (a network error, or the site was updated in the meantime), so the authorization response was not checked and no code was sent. Reload the page to try again: the response is still in the address bar.'
      this.announcement = 'Error: the playground could not resume the flow.'
    }
  }

  /** Takes over a restored snapshot (and its secret) as the current run. */
  #restore(snapshot: Snapshot, secret: string) {
    this.snapshot = snapshot
    this.link.restore(snapshot.link)
    this.secret = secret
    this.config = snapshot.config
    this.verifierDraft = usableVerifier(snapshot)
  }

  async #resume(): Promise<void> {
    const href = this.#env.href()
    const restoredRaw = this.#env.storage.getItem(SNAPSHOT_KEY)
    if (!restoredRaw && !isCallbackUrl(href)) return
    const engine = await loadEngine()
    const restored = loadSnapshot<Snapshot>(this.#env.storage)
    if (!isCallbackUrl(href)) {
      // Opening a share link starts from the link, not from an older flow of this tab; coming back
      // to the link's page with Back (from the authorization server) is not opening it again.
      if (
        restored &&
        this.#env.navigationType?.() !== 'back_forward' &&
        Object.keys(parseShareFragment(new URL(href).hash)).length
      ) {
        clearSnapshot(this.#env.storage)
        return
      }
      if (restored) {
        // A reload after the callback: show where we were, never resend a used code.
        this.#restore(restored.snapshot, restored.secret)
        this.#validated = engine.revalidate(this.snapshot)
        this.tokenVerifier = this.snapshot.pkce?.code_verifier ?? ''
        this.current = this.#furthest()
        if (!this.snapshot.codeUsed) await this.prepareToken()
        if (this.snapshot.token?.body) await this.#runStep(engine, 'tokens')
      }
      return
    }
    // Remove the code from the address bar before anything else happens.
    this.#env.replaceUrl(engine.cleanCallbackUrl(href))
    if (restored) this.#restore(restored.snapshot, restored.secret)
    const pendingProbe = this.snapshot.side?.probe
    if (restored && pendingProbe && new URL(href).searchParams.get('state') === pendingProbe.authorization.state) {
      await this.#finishProbe(href)
      return
    }
    const outcome = engine.callbackOutcome(this.snapshot, href, Boolean(restored))
    this.#validated = outcome.validated
    this.#apply('callback', outcome)
    this.current = 'callback'
    if (outcome.findings.some((f) => f.id === 'callback-replayed')) return
    this.#persist()
    if (outcome.validated) {
      await this.prepareToken()
      if (this.snapshot.auto) await this.runToEnd('token')
    }
  }

  #furthest(): StepId {
    let last: StepId = 'configure'
    for (const id of STEP_IDS) if (this.snapshot.status[id]) last = id
    return last
  }

  // ----- Side steps: after the token, the CORS check, the server probes ----------------------------

  /** Runs a side step (one at a time) when it can run; any throw becomes a finding of that step. */
  async #side(
    step: SideStepId,
    work: (engine: Engine, recorder: Recorder) => Promise<SideOutcome>,
    which?: 'access_token' | 'refresh_token',
  ): Promise<void> {
    if (this.busy) return
    const why = (await loadEngine()).sideBlocked(step, this.snapshot, which)
    if (why) this.notice = why
    if (why || this.busy || !this.#linkGate()) return
    this.busy = step
    this.notice = ''
    try {
      const engine = await loadEngine()
      this.#applySide(step, await work(engine, this.#recorder(step)))
      this.announcement = `${step}: ${this.snapshot.extraStatus?.[step] ?? 'done'}`
    } catch (err) {
      if (err instanceof EngineLoadError) throw err
      const { explainError } = await loadEngine()
      this.#applySide(step, { exchanges: [], findings: [explainError(err, { step })], status: 'error' })
    } finally {
      this.busy = null
      this.#persist()
    }
  }

  /** The callback of a probe's authorization round trip: judge it, run the probe's token requests. */
  async #finishProbe(href: string) {
    const probe = this.snapshot.side?.probe
    if (!probe) return
    const now = (this.#env.now ?? Date.now)()
    await this.#side('probes', (e, rec) => e.finishProbeSide(this.snapshot, href, probe, this.secret, rec, now))
    this.current = 'tokens'
  }

  async #updateVerdict() {
    const { computeVerdict } = await loadEngine()
    try {
      this.verdict = computeVerdict(this.snapshot)
    } catch {
      this.verdict = undefined
    }
  }

  // ----- Plumbing -----------------------------------------------------------------------------------

  /**
   * What the side actions (state/side-actions.svelte.ts, loaded with the panels that use them) may
   * do with this run: run a side step, apply a pasted response, check the link, save and leave.
   */
  readonly port: SessionPort = {
    side: (step, work, which) => this.#side(step, work, which),
    apply: (step, o) => this.#apply(step, o),
    linkGate: () => this.#linkGate(),
    persist: () => this.#persist(),
    navigate: (url) => this.#env.navigate(url),
    env: () => this.#env,
    onReset: (f) => void this.#onReset.push(f),
  }
  #onReset: Array<() => void> = []

  /** A recorder for a step (engine code: only ever called once the engine is loaded). */
  #recorder(step: StepRef, onFetch?: () => void): Recorder {
    return this.#engine().pageRecorder({
      fetch: this.#env.fetch,
      step,
      pageOrigin: this.#env.origin,
      pageUrl: this.#env.href(),
      ...(onFetch ? { onFetch } : {}),
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

  /** Forgets everything of the current flow: sessionStorage, tokens, secret. */
  reset() {
    clearSnapshot(this.#env.storage)
    this.secret = ''
    this.#validated = undefined
    this.tokenPreview = undefined
    this.tokenViews = []
    this.verifierDraft = ''
    this.tokenVerifier = ''
    this.#dpop = undefined
    this.dpopKey = undefined
    this.snapshot = emptySnapshot($state.snapshot(this.config), this.#env.origin)
    this.current = 'configure'
    for (const f of this.#onReset) f()
    this.announcement = 'Flow reset: tokens, verifier and secret removed from this tab.'
  }
}
