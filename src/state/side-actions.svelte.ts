/**
 * The actions beside the main flow: after-token calls (refresh, UserInfo, introspection,
 * revocation, a resource), the CORS check, the server probes, the report and the paste-back. They
 * dispatch through the driver's port (FlowSession.port) and keep only their own UI state. Imported
 * by the panels that use them, so the first view loads none of it.
 */
import { originOf } from '../lib/protocol/config'
import type { ProbeId } from '../lib/checks/probes'
import type { DpopUse } from '../lib/protocol/dpop'
import { loadEngine, type FlowSession, type ResourceRequest } from './flow.svelte'

export class SideActions {
  corsRunning = $state(false)
  /** Notes about the last pasted response (what was assumed). */
  pasteNotes = $state.raw<string[]>([])
  /** A resource call to a URL from the link, waiting for the user to confirm sending the token there. */
  resourceToConfirm = $state.raw<ResourceRequest | undefined>(undefined)

  readonly #s: FlowSession

  constructor(session: FlowSession) {
    this.#s = session
    session.port.onReset(() => {
      this.pasteNotes = []
      this.resourceToConfirm = undefined
    })
  }

  /**
   * The DPoP key the tokens are bound to; false (with a notice) when it was lost with a reload: a
   * bound token cannot be used without it, and the key is never stored.
   */
  #dpop(): { use?: DpopUse } | false {
    const d = this.#s.dpopForTokens()
    if (d !== 'lost') return d ? { use: d } : {}
    this.#s.notice =
      'These tokens are DPoP-bound to a key this page made before it was reloaded. The key is kept only in memory (it is never stored), so it is gone and the tokens cannot be used from here: start a new flow.'
    return false
  }

  refresh = () => {
    const d = this.#dpop()
    if (!d) return Promise.resolve()
    return this.#s.port.side('refresh', (e, rec) => e.refreshSide(this.#s.snapshot, this.#s.secret, rec, d.use))
  }
  userInfo = () => {
    const d = this.#dpop()
    if (!d) return Promise.resolve()
    return this.#s.port.side('userinfo', (e, rec) => e.userInfoSide(this.#s.snapshot, rec, d.use))
  }
  introspect = (which: 'access_token' | 'refresh_token') =>
    this.#s.port.side(
      'introspection',
      (e, rec) => e.introspectionSide(this.#s.snapshot, which, this.#s.secret, rec),
      which,
    )
  revoke = (which: 'access_token' | 'refresh_token') =>
    this.#s.port.side('revocation', (e, rec) => e.revocationSide(this.#s.snapshot, which, this.#s.secret, rec), which)

  async callResource(req: ResourceRequest, confirmed = false) {
    // The resource URL a share link chose gets the access token only after a confirmation.
    const s = this.#s.snapshot
    if (this.#s.link.needsResourceConfirmation(req.url, confirmed, s.metadata?.issuer ?? s.config.issuer)) {
      this.resourceToConfirm = req
      this.#s.announcement = `Confirm: send the access token to ${originOf(req.url)}?`
      return
    }
    this.resourceToConfirm = undefined
    const d = this.#dpop()
    if (!d) return
    await this.#s.port.side('resource', (e, rec) => e.resourceSide(this.#s.snapshot, req, rec, d.use))
  }

  /** CORS check: every endpoint the metadata names, from this page's origin, without spending a code. */
  async runCorsCheck(): Promise<void> {
    this.corsRunning = true
    const env = this.#s.port.env()
    await this.#s.port
      .side('cors', (e, rec) => e.corsCheckSide(this.#s.snapshot, env.href(), rec, e.makeNoCorsProbe(env.fetch)))
      .finally(() => (this.corsRunning = false))
    const results = this.#s.snapshot.side?.cors
    if (results && this.#s.snapshot.extraStatus?.cors)
      this.#s.announcement = `CORS check done: ${results.length} endpoints probed.`
  }

  /** Starts a probe: a fresh authorization request shaped for it, then the redirect (needs a click). */
  async startProbe(id: ProbeId) {
    if (!this.#s.port.linkGate()) return
    const { probeAuthorization, PROBES } = await loadEngine()
    if (PROBES.find((p) => p.id === id)?.needsCodes === 0) {
      // No round trip: the probe runs here and now.
      const now = Date.now()
      await this.#s.port.side('probes', (e, rec) => e.directProbeSide(this.#s.snapshot, id, this.#s.secret, rec, now))
      return
    }
    const r = await probeAuthorization(this.#s.snapshot, id)
    if ('notice' in r) {
      this.#s.notice = r.notice
      return
    }
    this.#s.snapshot = { ...this.#s.snapshot, side: { ...(this.#s.snapshot.side ?? {}), probe: r.pending } }
    if (!this.#s.port.persist()) return
    this.#s.port.navigate(r.pending.authorization.url)
  }

  /** The redacted JSON report (no code, verifier, secret, refresh token or token signature). */
  async report() {
    const { buildReport, reportToMarkdown, REPORT_FILENAME } = await loadEngine()
    const s = this.#s
    const extraSteps = Object.entries(s.snapshot.extraStatus ?? {}).map(([id, status]) => ({ id, status }))
    const report = buildReport(s.snapshot, {
      version: s.port.env().appVersion,
      clientSecret: s.secret,
      extraSteps,
      secrets: s.tokenVerifier ? [s.tokenVerifier] : [],
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
    const { pastedTokenOutcome } = await loadEngine()
    const r = pastedTokenOutcome(this.#s.snapshot, text, this.#s.tokenPreview)
    if (!r.ok) {
      this.#s.notice = r.error
      this.pasteNotes = []
      return false
    }
    this.pasteNotes = r.notes
    this.#s.port.apply('token', r.outcome)
    if (r.hasAccessToken) await this.#s.run('tokens')
    return true
  }
}

const bySession = new WeakMap<FlowSession, SideActions>()

/** The side actions of a session (one instance per session, made on first use). */
export function sideActions(session: FlowSession): SideActions {
  let a = bySession.get(session)
  if (!a) bySession.set(session, (a = new SideActions(session)))
  return a
}
