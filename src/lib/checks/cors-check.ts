/**
 * CORS check: probes every endpoint the metadata names, from this page's origin, with requests that
 * cannot consume an authorization code or create anything worth worrying about (a fake code, a fake
 * token, an empty registration), and classifies what the browser let the page see.
 *
 * What a page can learn (see `cors.ts`): a readable response (status, body, the headers exposed to
 * it); or a TypeError, refined by a no-cors reachability probe and by whether the request needed a
 * preflight; or an `opaqueredirect`. Every probe is a recorded exchange.
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-browser-based-apps#section-6.3.3.4
 */
import { finding } from '../diagnosis/finding'
import type { CorsVerdict, Finding, FlowConfig, HttpExchange, ServerMetadata, Severity } from '../model/types'
import type { Recorder } from '../platform/recorder'
import { classifyFailure, isLoopbackHost, staticCheck, type Probe } from '../platform/network'
import * as oauth from 'oauth4webapi'
import { asAuthorizationServer, insecureAllowed } from '../platform/o4w'
import { OFF_HINT } from '../diagnosis/dpop'

export type ProbedEndpoint =
  'discovery' | 'jwks' | 'token' | 'userinfo' | 'revocation' | 'introspection' | 'registration'

export const PROBED_ENDPOINTS: readonly ProbedEndpoint[] = [
  'discovery',
  'jwks',
  'token',
  'userinfo',
  'revocation',
  'introspection',
  'registration',
]

export interface CorsProbeResult {
  endpoint: ProbedEndpoint
  url: string
  verdict: CorsVerdict
  /** HTTP status of the (main) probe, when it was readable. */
  status?: number
  /** true when a deliberately failing request (an error response) was readable; false when it was hidden. */
  errorResponsesCarryCors: boolean | 'unknown'
  preflight: 'not-needed' | 'ok' | 'failed' | 'not-tested'
  /**
   * The token endpoint with a DPoP proof (when DPoP is on): 'failed' when the request with the DPoP
   * header was refused while the same request without it was readable (the preflight refused
   * "dpop"); whether the server asked for a nonce, and whether the page could read it.
   */
  dpop?: { preflight: 'ok' | 'failed'; nonce: 'exposed' | 'hidden' | 'not-asked' }
  /** Readable non-safelisted response headers seen (e.g. www-authenticate), lower case. */
  exposedHeaders?: string[]
  /**
   * The response headers this endpoint must send for a page on this origin to use it (whether or not
   * it already does), e.g. 'Access-Control-Allow-Origin: http://localhost:4173'.
   */
  mustSend: string[]
  /** One human sentence (or two). */
  summary: string
  exchangeIds: string[]
}

export interface CorsCheckInput {
  metadata: ServerMetadata
  /** The URL the metadata came from (DiscoveryResult.source); without it discovery is not probed. */
  discoveryUrl?: string
  config: FlowConfig
  /** The page's own URL (location.href). */
  pageUrl: string
  /** Records every probe. Give it a `classify` (as the app does); without one, `probe` is used here. */
  recorder: Recorder
  /** A no-cors reachability probe (`makeNoCorsProbe`). */
  probe: Probe
  /**
   * DPoP is on for this run: a handle of a throwaway key (never the run's key). The token endpoint is
   * then also probed with a real proof: does its preflight allow "dpop", and is DPoP-Nonce exposed?
   */
  dpop?: oauth.DPoPHandle
}

/** The fake values the probes send. None of them can be a real code, token or client. */
export const PROBE_CODE = 'pkce-playground-cors-probe'
export const PROBE_TOKEN = 'pkce-playground-cors-probe'
export const PROBE_VERIFIER = 'x'.repeat(43)
export const PROBE_BASIC_CREDENTIALS = 'pkce-playground-cors-probe:probe'

const SAFELISTED_RESPONSE_HEADERS = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
])

const LABELS: Record<ProbedEndpoint, string> = {
  discovery: 'discovery document',
  jwks: 'JWKS',
  token: 'token endpoint',
  userinfo: 'userinfo endpoint',
  revocation: 'revocation endpoint',
  introspection: 'introspection endpoint',
  registration: 'registration endpoint',
}

const SERVER_SIDE =
  'Note: server-side clients (ChatGPT, Claude connectors) are not subject to CORS, so this result does not predict whether they work; it matters to browser-based clients such as this page, SPAs and browser MCP clients.'

const SPEC_CLIENT_BOUND = 'draft-ietf-oauth-browser-based-apps §6.3.3.4; RFC 9700 §2.6; Fetch standard, CORS protocol'
const SPEC_PUBLIC_DOCS =
  'OpenID Connect Discovery 1.0 §4 (SHOULD support CORS); RFC 9700 §2.6; Fetch standard, CORS protocol'

/** The classifier's explanation of a failed probe, kept out of the (plain JSON) result. */
const classifierDetail = new WeakMap<CorsProbeResult, string>()

interface SendOutcome {
  exchange: HttpExchange | undefined
  response?: Response
  verdict: CorsVerdict
  detail: string
  /** True when nothing was sent (static block). */
  skipped: boolean
}

/**
 * Probes each endpoint named by the metadata (and the discovery URL) in turn and classifies each.
 * Never throws for a network failure; findings carry step 'cors'.
 */
export async function runCorsCheck(
  input: CorsCheckInput,
): Promise<{ results: CorsProbeResult[]; findings: Finding[] }> {
  const { metadata, pageUrl, recorder } = input
  let origin: string
  try {
    origin = new URL(pageUrl).origin
  } catch {
    origin = pageUrl
  }
  const ctx: Ctx = { ...input, origin }
  const results: CorsProbeResult[] = []

  const urlOf = (endpoint: ProbedEndpoint): string | undefined => {
    if (endpoint === 'discovery') return input.discoveryUrl || undefined
    const member = endpoint === 'jwks' ? 'jwks_uri' : `${endpoint}_endpoint`
    const v = metadata[member]
    return typeof v === 'string' && v ? v : undefined
  }

  for (const endpoint of PROBED_ENDPOINTS) {
    const url = urlOf(endpoint)
    if (!url) continue
    const before = recorder.exchanges.length
    let result: CorsProbeResult
    switch (endpoint) {
      case 'discovery':
      case 'jwks':
        result = await probeDocument(ctx, endpoint, url)
        break
      case 'token':
        result = await probeToken(ctx, url)
        break
      case 'userinfo':
        result = await probeUserinfo(ctx, url)
        break
      case 'revocation':
        result = await probeRevocation(ctx, url)
        break
      case 'introspection':
        result = await probeIntrospection(ctx, url)
        break
      case 'registration':
        result = await probeRegistration(ctx, url)
        break
    }
    result.exchangeIds = recorder.exchanges.slice(before).map((e) => e.id)
    results.push(result)
  }
  return { results, findings: results.flatMap((r) => findingsFor(r, origin)) }
}

type Ctx = CorsCheckInput & { origin: string }

// ---------------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------------

/** What can be decided before sending: plain http only to loopback hosts, and only when allowed. */
function gate(ctx: Ctx, url: string): { verdict: CorsVerdict; detail: string } | undefined {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return { verdict: 'unreachable', detail: `"${url}" is not an absolute URL; nothing was sent.` }
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return { verdict: 'not-checked', detail: `"${target.protocol}" URLs cannot be fetched; nothing was sent.` }
  }
  if (target.protocol === 'http:') {
    const stat = staticCheck(url, ctx.pageUrl)
    if (stat && stat.verdict === 'mixed-content') return stat
    if (!isLoopbackHost(target.hostname)) {
      return {
        verdict: 'not-checked',
        detail: `The endpoint uses plain http on a host that is not loopback (${target.origin}). The playground never sends OAuth requests there (RFC 6749 §3.1 and §3.2 require TLS), so it was not probed. Serve it over https.`,
      }
    }
    if (!ctx.config.allow_insecure_loopback) {
      return {
        verdict: 'not-checked',
        detail: `The endpoint uses plain http on loopback (${target.origin}) and "allow http on loopback" is off, so it was not probed. Turn the option on in the Configure step to check it.`,
      }
    }
  }
  return undefined
}

async function send(ctx: Ctx, label: string, url: string, init: RequestInit): Promise<SendOutcome> {
  const blocked = gate(ctx, url)
  if (blocked) return { exchange: undefined, verdict: blocked.verdict, detail: blocked.detail, skipped: true }
  const { recorder } = ctx
  recorder.label = label
  const fullInit: RequestInit = { ...init, redirect: 'manual', credentials: 'omit', cache: 'no-store' }
  const before = recorder.exchanges.length
  try {
    const response = await recorder.fetch(url, fullInit)
    const exchange = recorder.exchanges[before]
    const verdict: CorsVerdict = response.type === 'opaqueredirect' ? 'redirected' : 'readable'
    return { exchange, response, verdict, detail: exchange?.corsDetail ?? '', skipped: false }
  } catch (err) {
    const exchange = recorder.exchanges[before]
    let verdict: CorsVerdict = exchange?.cors ?? 'not-checked'
    let detail = exchange?.corsDetail ?? ''
    if (err instanceof TypeError && verdict === 'not-checked') {
      // The recorder had no classifier: classify here, and write it into the record too.
      try {
        const c = await classifyFailure(url, fullInit, ctx.pageUrl, ctx.probe)
        verdict = c.verdict
        detail = c.detail
        if (exchange) {
          exchange.cors = c.verdict
          exchange.corsDetail = c.detail
        }
      } catch {
        // keep not-checked
      }
    }
    if (!detail) {
      detail = `fetch failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`
    }
    return { exchange, verdict, detail, skipped: false }
  }
}

function readableHeaders(response: Response | undefined): string[] {
  if (!response) return []
  const names: string[] = []
  response.headers.forEach((_v, name) => {
    const n = name.toLowerCase()
    if (!SAFELISTED_RESPONSE_HEADERS.has(n) && !names.includes(n)) names.push(n)
  })
  return names
}

function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString()
}

const FORM_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded',
  accept: 'application/json',
}

function acao(ctx: Ctx): string {
  return `Access-Control-Allow-Origin: ${ctx.origin}`
}

/** A base result from a single outcome. */
function baseResult(
  endpoint: ProbedEndpoint,
  url: string,
  out: SendOutcome,
  opts: { expectsError: boolean },
): CorsProbeResult {
  const r: CorsProbeResult = {
    endpoint,
    url,
    verdict: out.verdict,
    errorResponsesCarryCors: 'unknown',
    preflight: 'not-needed',
    mustSend: [],
    summary: '',
    exchangeIds: [],
  }
  if (out.detail) classifierDetail.set(r, out.detail)
  if (out.response && out.verdict === 'readable') {
    r.status = out.response.status
    if (out.response.status >= 400) r.errorResponsesCarryCors = true
    const exposed = readableHeaders(out.response)
    if (exposed.length) r.exposedHeaders = exposed
  } else if (out.verdict === 'blocked-by-cors' && opts.expectsError) {
    r.errorResponsesCarryCors = false
  }
  return r
}

/** A sentence for a verdict that is not readable (the classifier's detail says the rest). */
function failureSentence(name: string, out: SendOutcome): string {
  switch (out.verdict) {
    case 'blocked-by-cors':
      return `Blocked by CORS: the ${name} is reachable, but its answer carried no Access-Control-Allow-Origin for this origin, so the browser hid it.`
    case 'preflight-failed':
      return `Preflight failed: the ${name} is reachable, but the browser refused the CORS preflight (OPTIONS) or the answer after it.`
    case 'unreachable':
      return out.skipped
        ? `Not probed: ${out.detail}`
        : `Unreachable: the browser could not reach the ${name} at all (not even with a no-cors probe).`
    case 'mixed-content':
      return `Mixed content: this https page cannot call the plain-http ${name}; the browser blocks it before sending (nothing was sent).`
    case 'local-network':
      return `Local network access: this public page calls a ${name} on a loopback or private address, and the browser refused it (Local Network Access permission).`
    case 'redirected':
      return `Redirected: the ${name} answered with a redirect instead of answering at the advertised URL; the page cannot see where to (redirect: "manual").`
    case 'not-checked':
      return `Not probed: ${out.detail}`
    case 'readable':
      return `The ${name} is readable from this origin.`
  }
}

// ---------------------------------------------------------------------------------------------------
// The probes
// ---------------------------------------------------------------------------------------------------

async function probeDocument(ctx: Ctx, endpoint: 'discovery' | 'jwks', url: string): Promise<CorsProbeResult> {
  const name = LABELS[endpoint]
  const out = await send(ctx, `CORS check: ${name} (GET)`, url, {
    method: 'GET',
    headers: {
      accept: endpoint === 'jwks' ? 'application/json, application/jwk-set+json' : 'application/json',
    },
  })
  const r = baseResult(endpoint, url, out, { expectsError: false })
  r.mustSend = [`Access-Control-Allow-Origin: ${ctx.origin} (or *)`]
  r.summary =
    out.verdict === 'readable'
      ? `The ${name} is readable from this origin (HTTP ${r.status}).${r.status !== undefined && r.status >= 400 ? ' It answered an error status, though: check the URL.' : ''}`
      : failureSentence(name, out)
  return r
}

async function probeToken(ctx: Ctx, url: string): Promise<CorsProbeResult> {
  const { config } = ctx
  const params: Record<string, string> = {
    grant_type: 'authorization_code',
    code: PROBE_CODE,
    redirect_uri: config.redirect_uri,
  }
  if (config.client_id) params.client_id = config.client_id
  params.code_verifier = PROBE_VERIFIER
  const out = await send(ctx, 'CORS check: token endpoint (fake code, expects an error)', url, {
    method: 'POST',
    headers: FORM_HEADERS,
    body: form(params),
  })
  const r = baseResult('token', url, out, { expectsError: true })
  r.mustSend = [acao(ctx)]
  const basic = config.client_auth === 'client_secret_basic'
  const parts: string[] = []
  if (out.verdict === 'readable') {
    parts.push(
      `A token request with a fake code was readable (HTTP ${r.status}${r.status !== undefined && r.status < 400 ? ', which is odd: a fake code should be refused' : ', an error as expected'}), so the page can read token responses, errors included.`,
    )
  } else {
    parts.push(failureSentence('token endpoint', out))
    if (out.verdict === 'blocked-by-cors') {
      parts.push('The probe used a fake code, so nothing was consumed.')
    }
  }
  if (basic) {
    r.mustSend.push('Access-Control-Allow-Headers: authorization')
    if (out.verdict === 'readable') {
      const b = await send(
        ctx,
        'CORS check: token endpoint with an Authorization header (fake Basic credentials, tests the preflight)',
        url,
        {
          method: 'POST',
          headers: { ...FORM_HEADERS, authorization: `Basic ${btoa(PROBE_BASIC_CREDENTIALS)}` },
          body: form({
            grant_type: 'authorization_code',
            code: PROBE_CODE,
            redirect_uri: config.redirect_uri,
            code_verifier: PROBE_VERIFIER,
          }),
        },
      )
      if (b.verdict === 'readable' || b.verdict === 'redirected') {
        r.preflight = 'ok'
        parts.push('With an Authorization header (client_secret_basic) the preflight passed too.')
      } else {
        r.preflight = 'failed'
        r.verdict = 'preflight-failed'
        parts.push(
          'But with an Authorization header, as client_secret_basic sends it, the request failed: the CORS preflight (OPTIONS) was refused or did not allow the authorization header, so a real token request would never be sent.',
        )
      }
    } else {
      r.preflight = 'not-tested'
    }
  }
  if (ctx.dpop) {
    r.mustSend.push('Access-Control-Allow-Headers: dpop', 'Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate')
    if (out.verdict === 'readable') {
      r.dpop = await probeTokenDpop(ctx, ctx.dpop)
      parts.push(
        r.dpop.preflight === 'failed'
          ? 'With a DPoP header (a real proof of a throwaway key) the same request failed: the CORS preflight did not allow "dpop", so a DPoP token request from this page would never be sent.'
          : r.dpop.nonce === 'hidden'
            ? 'With a DPoP proof the preflight passed, and the server asked for a nonce (use_dpop_nonce), but its DPoP-Nonce header is not exposed to the page: a browser client can never send the nonce back.'
            : r.dpop.nonce === 'exposed'
              ? 'With a DPoP proof the preflight passed, and the server’s DPoP-Nonce (it asks for one) is readable.'
              : 'With a DPoP proof the preflight passed; the server did not ask for a nonce here, so whether it exposes DPoP-Nonce could not be seen.',
      )
    }
  }
  r.summary = parts.join(' ')
  return r
}

/**
 * The token endpoint with a real DPoP proof (a throwaway key) and a fake refresh token: nothing can
 * be issued. Servers check the proof (and ask for a nonce) before the grant.
 */
async function probeTokenDpop(ctx: Ctx, handle: oauth.DPoPHandle): Promise<NonNullable<CorsProbeResult['dpop']>> {
  const { recorder, metadata, config } = ctx
  const label = recorder.label
  recorder.label = 'CORS check: token endpoint with a DPoP proof (a throwaway key, a fake refresh token)'
  try {
    const response = await oauth.refreshTokenGrantRequest(
      asAuthorizationServer(metadata),
      { client_id: config.client_id || 'pkce-playground-cors-probe' },
      oauth.None(),
      PROBE_TOKEN,
      {
        DPoP: handle,
        [oauth.customFetch]: recorder.fetch,
        [oauth.allowInsecureRequests]: insecureAllowed(metadata.token_endpoint ?? '', config.allow_insecure_loopback),
      },
    )
    const body = (await response
      .clone()
      .json()
      .catch(() => undefined)) as { error?: unknown } | undefined
    const asked =
      body?.error === 'use_dpop_nonce' || /use_dpop_nonce/.test(response.headers.get('www-authenticate') ?? '')
    return {
      preflight: 'ok',
      nonce: !asked ? 'not-asked' : response.headers.has('dpop-nonce') ? 'exposed' : 'hidden',
    }
  } catch {
    return { preflight: 'failed', nonce: 'not-asked' }
  } finally {
    recorder.label = label
  }
}

async function probeUserinfo(ctx: Ctx, url: string): Promise<CorsProbeResult> {
  const out = await send(ctx, 'CORS check: userinfo endpoint (fake Bearer token, expects 401)', url, {
    method: 'GET',
    headers: { accept: 'application/json', authorization: `Bearer ${PROBE_TOKEN}` },
  })
  const r = baseResult('userinfo', url, out, { expectsError: true })
  r.mustSend = [
    acao(ctx),
    'Access-Control-Allow-Headers: authorization',
    'Access-Control-Expose-Headers: WWW-Authenticate',
  ]
  const parts: string[] = []
  if (out.verdict === 'readable' || out.verdict === 'redirected') r.preflight = 'ok'
  else if (out.verdict === 'preflight-failed') r.preflight = 'failed'
  else r.preflight = 'not-tested'
  if (out.verdict === 'readable') {
    const status = r.status ?? 0
    parts.push(
      `A request with a fake Bearer token passed the preflight and was readable (HTTP ${status}${status < 400 ? ', which is odd: a fake token should be refused with 401' : ''}).`,
    )
    if (status === 401 || status === 400 || status === 403) {
      const challenge = out.response?.headers.get('www-authenticate')
      if (challenge == null) {
        parts.push(
          'No WWW-Authenticate header was readable: the challenge may exist but is hidden, because the server does not list it in Access-Control-Expose-Headers.',
        )
      } else {
        parts.push('Its WWW-Authenticate challenge is readable.')
      }
    }
  } else {
    parts.push(failureSentence('userinfo endpoint', out))
  }
  r.summary = parts.join(' ')
  return r
}

/** Is the WWW-Authenticate challenge of this (userinfo) result hidden from the page? */
function challengeHidden(r: CorsProbeResult): boolean {
  return (
    r.endpoint === 'userinfo' &&
    r.verdict === 'readable' &&
    (r.status === 401 || r.status === 400 || r.status === 403) &&
    !(r.exposedHeaders ?? []).includes('www-authenticate')
  )
}

async function probeRevocation(ctx: Ctx, url: string): Promise<CorsProbeResult> {
  const { config } = ctx
  const params: Record<string, string> = { token: PROBE_TOKEN }
  if (config.client_id) params.client_id = config.client_id
  const out = await send(ctx, 'CORS check: revocation endpoint (fake token)', url, {
    method: 'POST',
    headers: FORM_HEADERS,
    body: form(params),
  })
  // RFC 7009 §2.2: 200 even for an unknown token, so this may be a success; 401 if client auth is required.
  const r = baseResult('revocation', url, out, { expectsError: false })
  r.mustSend = [acao(ctx)]
  const parts: string[] = []
  if (out.verdict === 'readable') {
    parts.push(`Revoking a fake token was readable (HTTP ${r.status}).`)
    await followUpError(ctx, 'revocation', url, r, parts)
  } else {
    parts.push(failureSentence('revocation endpoint', out))
  }
  r.summary = parts.join(' ')
  return r
}

async function probeIntrospection(ctx: Ctx, url: string): Promise<CorsProbeResult> {
  const { config } = ctx
  const params: Record<string, string> = { token: PROBE_TOKEN }
  if (config.client_id) params.client_id = config.client_id
  const out = await send(
    ctx,
    'CORS check: introspection endpoint (fake token, expects an error or active:false)',
    url,
    {
      method: 'POST',
      headers: FORM_HEADERS,
      body: form(params),
    },
  )
  const r = baseResult('introspection', url, out, { expectsError: true })
  r.mustSend = [acao(ctx)]
  const parts: string[] = []
  if (out.verdict === 'readable') {
    parts.push(
      `Introspecting a fake token was readable (HTTP ${r.status}${r.status === 401 ? ', invalid_client: introspection usually requires client authentication' : r.status === 200 ? ', presumably active: false' : ''}).`,
    )
    await followUpError(ctx, 'introspection', url, r, parts)
  } else {
    parts.push(failureSentence('introspection endpoint', out))
  }
  r.summary = parts.join(' ')
  return r
}

/**
 * When a probe succeeded (2xx), a second request without the token parameter provokes an error
 * (400 invalid_request), to see whether error responses carry CORS too.
 */
async function followUpError(
  ctx: Ctx,
  endpoint: 'revocation' | 'introspection',
  url: string,
  r: CorsProbeResult,
  parts: string[],
): Promise<void> {
  if (r.status === undefined || r.status >= 400) return
  const e = await send(ctx, `CORS check: ${LABELS[endpoint]} (no token, expects an error)`, url, {
    method: 'POST',
    headers: FORM_HEADERS,
    body: form(ctx.config.client_id ? { client_id: ctx.config.client_id } : {}),
  })
  if (e.verdict === 'readable' && e.response && e.response.status >= 400) {
    r.errorResponsesCarryCors = true
    parts.push(
      `An invalid request (no token) was readable too (HTTP ${e.response.status}): error responses carry CORS.`,
    )
  } else if (e.verdict === 'blocked-by-cors') {
    r.errorResponsesCarryCors = false
    parts.push(
      'But an invalid request (no token) was blocked by CORS: the server adds CORS headers to successful answers only, so OAuth errors from it are invisible to the page.',
    )
  }
}

async function probeRegistration(ctx: Ctx, url: string): Promise<CorsProbeResult> {
  const out = await send(ctx, 'CORS check: registration endpoint (empty metadata {}, expects 400)', url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: '{}',
  })
  const r = baseResult('registration', url, out, { expectsError: true })
  r.mustSend = [acao(ctx), 'Access-Control-Allow-Headers: content-type']
  if (out.verdict === 'readable' || out.verdict === 'redirected') r.preflight = 'ok'
  else if (out.verdict === 'preflight-failed') r.preflight = 'failed'
  else r.preflight = 'not-tested'
  const note =
    'The probe registers empty client metadata ({}), which a server should refuse with 400 invalid_client_metadata or invalid_redirect_uri without creating a client.'
  if (out.verdict === 'readable') {
    const status = r.status ?? 0
    r.summary =
      status >= 200 && status < 300
        ? `The registration endpoint passed the preflight and ACCEPTED an empty registration (HTTP ${status}): a client was probably created; delete it on the server. ${note}`
        : `An empty registration ({}, JSON, so preflighted) passed the preflight and its error was readable (HTTP ${status}); no client should have been created. ${note}`
  } else {
    r.summary = `${failureSentence('registration endpoint', out)} ${note}`
  }
  return r
}

// ---------------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------------

function severityOf(endpoint: ProbedEndpoint): Severity {
  return endpoint === 'token' || endpoint === 'discovery' || endpoint === 'jwks' ? 'error' : 'warning'
}

function specOf(endpoint: ProbedEndpoint): string {
  return endpoint === 'discovery' || endpoint === 'jwks' ? SPEC_PUBLIC_DOCS : SPEC_CLIENT_BOUND
}

function findingsFor(r: CorsProbeResult, origin: string): Finding[] {
  const out: Finding[] = []
  const name = LABELS[r.endpoint]
  const sev = severityOf(r.endpoint)
  const base = { spec: specOf(r.endpoint) }
  const must = r.mustSend.join('; ')
  const data = { endpoint: r.endpoint, url: r.url, verdict: r.verdict }
  const errorHint =
    r.endpoint === 'discovery' || r.endpoint === 'jwks' || r.endpoint === 'revocation'
      ? ''
      : ' This probe deliberately provoked an error response (a fake code, token or registration). If real, successful requests to this endpoint work from a browser, the server adds CORS headers to successful answers only (a common middleware-order bug: the error or auth handler answers before the CORS middleware runs); either way, the page can never read the OAuth error.'

  if (r.dpop?.preflight === 'failed') {
    out.push(
      finding('dpop-preflight-refused', 'error', 'cors', {
        title: `The ${name} refuses a request with a DPoP header (its CORS preflight does not allow "dpop")`,
        detail: `${r.summary} A DPoP header is not CORS-safelisted, so the browser first asks with OPTIONS; the same request without it was readable, so it is the preflight that refused. With DPoP on, no token request from this page can be sent.`,
        fix: `Answer the preflight of the ${name} with 2xx, Access-Control-Allow-Origin for this origin and "Access-Control-Allow-Headers: dpop, authorization, content-type".${OFF_HINT}`,
        spec: 'RFC 9449 §4.1; Fetch Standard §3.2.2; draft-ietf-oauth-browser-based-apps §6.3.3.4',
        data: { ...data, confirmed: true },
      }),
    )
  } else if (r.dpop?.nonce === 'hidden') {
    out.push(
      finding('dpop-nonce-not-exposed', 'warning', 'cors', {
        title: `The ${name} asks for a DPoP nonce, but DPoP-Nonce is not visible to the page`,
        detail: `${r.summary} Cross-origin, the browser hides every response header the server does not list in Access-Control-Expose-Headers; a browser client cannot retry with the nonce, so every DPoP token request from a page will fail with use_dpop_nonce.`,
        fix: `Add "Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate" to the ${name}'s CORS responses.${OFF_HINT}`,
        spec: 'RFC 9449 §8, §9; Fetch Standard §3.2.6',
        data,
      }),
    )
  }

  switch (r.verdict) {
    case 'readable':
      break
    case 'blocked-by-cors':
      out.push(
        finding('cors-blocked', sev, 'cors', {
          ...base,
          title: `Blocked by CORS: the ${name} is reachable, but not readable from ${origin}`,
          detail: `${r.summary}${errorHint} ${SERVER_SIDE}`,
          fix: `Make the ${name} send ${must} — on error responses (4xx/5xx) too. Servers with per-client CORS settings ("allowed web origins") need this origin added to the client.`,
          data,
        }),
      )
      break
    case 'preflight-failed':
      out.push(
        finding('cors-preflight-failed', sev, 'cors', {
          ...base,
          title: `CORS preflight failed at the ${name}`,
          detail: `${r.summary} ${
            r.endpoint === 'token'
              ? 'client_secret_basic puts the client credentials in an Authorization header, which is not CORS-safelisted, so the browser first sends OPTIONS; if that fails, the token request is never sent (no code is consumed). '
              : r.endpoint === 'registration'
                ? 'A JSON body (Content-Type: application/json) is not CORS-safelisted, so the browser first sends OPTIONS; if that fails, the registration is never sent. '
                : 'The Authorization header is not CORS-safelisted, so the browser first sends OPTIONS; if that fails, the request is never sent. '
          }The page cannot tell whether the OPTIONS request or the real response was refused (the browser console says which). ${SERVER_SIDE}`,
          fix: `Answer OPTIONS ${safePath(r.url)} with 2xx and ${must} (Access-Control-Allow-Headers: * does not cover authorization: list it by name), and send ${acaoOnly(r)} on the real response too.`,
          data: { ...data, preflight: r.preflight },
        }),
      )
      break
    case 'redirected':
      out.push(
        finding('endpoint-redirected', sev, 'cors', {
          ...base,
          title: `The ${name} answered with a redirect`,
          detail: `${r.summary} Common causes: an http→https upgrade, a trailing-slash rewrite, or a login page in front of the endpoint. OAuth clients (oauth4webapi, jose) never follow redirects from these endpoints. ${SERVER_SIDE}`,
          fix: `Serve the ${name} directly at the advertised URL ${r.url}, or advertise the final URL in the metadata.`,
          spec: `${specOf(r.endpoint)}; RFC 8414 §2`,
          data,
        }),
      )
      break
    case 'unreachable':
    case 'mixed-content':
    case 'local-network':
      out.push(
        finding('endpoint-unreachable', sev, 'cors', {
          ...base,
          title:
            r.verdict === 'mixed-content'
              ? `The ${name} uses plain http: blocked as mixed content on this https page`
              : r.verdict === 'local-network'
                ? `The ${name} is on a local address: the browser refused local network access from this public page`
                : `The ${name} could not be reached from this browser`,
          detail: `${r.summary} ${detailOfExchange(r)}`.trim(),
          fix:
            r.verdict === 'mixed-content'
              ? `Serve the ${name} over https.`
              : r.verdict === 'local-network'
                ? 'Allow the browser’s local network access prompt, or run the playground itself locally (npm start) so that both sides are local.'
                : `Check the ${name} URL (${r.url}), that the server runs, and that this browser trusts its TLS certificate (open the URL in a new tab to see the browser’s own error).`,
          spec: r.verdict === 'mixed-content' ? 'W3C Mixed Content; RFC 6749 §3.1, §3.2' : `${specOf(r.endpoint)}`,
          data,
        }),
      )
      break
    case 'not-checked':
      out.push(
        finding('cors-check-skipped', 'info', 'cors', {
          ...base,
          title: `The ${name} was not probed`,
          detail: r.summary,
          fix: `Serve the ${name} over https (or, on loopback, allow http in the Configure step).`,
          spec: 'RFC 6749 §3.1, §3.2',
          data,
        }),
      )
      break
  }

  if (r.errorResponsesCarryCors === false && r.verdict === 'readable') {
    out.push(
      finding('cors-error-responses-without-cors', 'warning', 'cors', {
        ...base,
        title: `The ${name} sends CORS headers on successful answers only`,
        detail: `${r.summary} Success may work from the browser, but every OAuth error (invalid_request, invalid_client, …) from this endpoint will look like a network failure ("Failed to fetch"), with no way for the page to show what went wrong. ${SERVER_SIDE}`,
        fix: `Send ${acaoOnly(r)} on every response of the ${name}, errors included (put the CORS middleware before the error and authentication handlers).`,
        data,
      }),
    )
  }

  if (challengeHidden(r)) {
    out.push(
      finding('www-authenticate-not-exposed', 'info', 'cors', {
        ...base,
        title: 'The WWW-Authenticate challenge is not exposed to the page',
        detail: `The ${name} answered HTTP ${r.status} to a fake Bearer token, and no WWW-Authenticate header was readable. Cross-origin, a page can only read CORS-safelisted response headers and those listed in Access-Control-Expose-Headers, so the challenge (RFC 6750 §3: a 401 must carry one) may exist but be hidden. Browser clients then cannot see error="invalid_token" or a resource_metadata URL. ${SERVER_SIDE}`,
        fix: `Send Access-Control-Expose-Headers: WWW-Authenticate (and DPoP-Nonce when DPoP is used) on the ${name}'s responses.`,
        spec: 'Fetch standard, CORS protocol (Access-Control-Expose-Headers); RFC 6750 §3; RFC 9728 §5.1',
        data: { endpoint: r.endpoint, url: r.url, status: r.status ?? null },
      }),
    )
  }
  return out
}

function acaoOnly(r: CorsProbeResult): string {
  return r.mustSend.find((h) => h.startsWith('Access-Control-Allow-Origin')) ?? 'Access-Control-Allow-Origin'
}

function detailOfExchange(r: CorsProbeResult): string {
  const d = classifierDetail.get(r) ?? ''
  return r.summary.includes(d) ? '' : d
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}
