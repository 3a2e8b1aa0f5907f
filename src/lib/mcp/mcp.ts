/**
 * The MCP way in: given an MCP server URL, follow the MCP authorization specification (2025-06-18,
 * 2025-11-25, 2026-07-28) step by step, recording every request through a {@link Recorder}:
 *
 * 1. {@link probeMcp}: an unauthenticated `initialize` → 401 + `WWW-Authenticate` challenge.
 * 2. {@link discoverProtectedResource}: RFC 9728 metadata from the challenge URL, else the well-known
 *    URLs in the spec's order; `resource` must be the MCP URL.
 * 3. {@link discoverAuthorizationServer}: RFC 8414 / OIDC metadata in the MCP order (discovery.ts),
 *    refusing to go on without `code_challenge_methods_supported` containing S256.
 * 4. {@link registerClient}: pre-registered id → Client ID Metadata Document → RFC 7591 DCR.
 * 5. {@link chooseScopes}: MCP 2025-11-25 "Scope Selection Strategy". (Authorization and token
 *    requests are the playground's usual steps, with `resource` = {@link canonicalMcpUrl}.)
 * 6. {@link mcpSession}: `initialize` + `tools/list` with the access token over Streamable HTTP.
 * 7. {@link crossChecks}: token audience against the resource, granted scopes against the challenge.
 *
 * Pure: no DOM, no storage. Every protocol step goes through oauth4webapi; findings have stable ids
 * from the catalogue (model/catalogue.ts).
 */
import * as oauth from 'oauth4webapi'
import type { DiscoveryOutcome } from '../protocol/discovery'
import { discover } from '../protocol/discovery'
import { defaultConfig } from '../protocol/config'
import { explainError } from '../diagnosis/explain'
import { finding } from '../diagnosis/finding'
import { insecureAllowed, o4wOptions as options, parseChallenges, type Challenge } from '../platform/o4w'
import { clip } from '../platform/text'

export { parseChallenges }
import type { Recorder } from '../platform/recorder'
import type { Finding, FlowConfig, ServerMetadata, StepRef } from '../model/types'

/** Newest MCP protocol revision the playground speaks (the SDK's LATEST_PROTOCOL_VERSION). */
export const MCP_PROTOCOL_VERSION = '2025-11-25'
export const MCP_CLIENT_INFO = { name: 'pkce-playground', version: '1.0.0' } as const

/** Step ids used by the MCP way in. */
export const MCP_STEPS = ['mcp-probe', 'mcp-discovery', 'registration', 'mcp-tools'] as const
export type McpStepId = (typeof MCP_STEPS)[number]

// ---------------------------------------------------------------------------------------------
// helpers

export interface McpOptions {
  /** Allow http:// on loopback hosts (localhost, 127.0.0.0/8, [::1]). */
  allowInsecureLoopback?: boolean
  /** MCP-Protocol-Version to offer (default {@link MCP_PROTOCOL_VERSION}). */
  protocolVersion?: string
}

/**
 * The canonical resource identifier for an MCP URL (MCP "Canonical Server URI"; RFC 8707 §2):
 * lower-case scheme and host, no fragment, no trailing slash on a bare origin, path kept as given.
 */
export function canonicalMcpUrl(input: string): string {
  const u = new URL(input.trim())
  u.hash = ''
  let s = u.href
  if (u.pathname === '/' && !u.search) s = s.slice(0, -1)
  return s
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

// ---------------------------------------------------------------------------------------------
// 1. probe

export interface McpChallenge {
  /** Lower-cased auth scheme, e.g. "bearer". */
  scheme: string
  resource_metadata?: string
  scope?: string
  error?: string
  error_description?: string
  /** The header as received. */
  raw: string
}

export interface McpProbeResult {
  /** HTTP status, 0 when fetch failed. */
  status: number
  challenge?: McpChallenge
  /** False when a 401 came without a readable WWW-Authenticate (not sent, or not exposed by CORS). */
  wwwAuthenticateVisible: boolean
  findings: Finding[]
  exchangeId?: string
}

function toChallenge(parsed: Challenge[], raw: string): McpChallenge | undefined {
  const bearer = parsed.find((c) => c.scheme === 'bearer')
  if (!bearer) return undefined
  const p = bearer.parameters
  const out: McpChallenge = { scheme: bearer.scheme, raw }
  if (p['resource_metadata']) out.resource_metadata = p['resource_metadata']
  if (p['scope'] !== undefined) out.scope = p['scope']
  if (p['error']) out.error = p['error']
  if (p['error_description']) out.error_description = p['error_description']
  return out
}

function jsonRpc(id: number | undefined, method: string, params?: Record<string, unknown>): string {
  const msg: Record<string, unknown> = { jsonrpc: '2.0', method }
  if (id !== undefined) msg['id'] = id
  if (params) msg['params'] = params
  return JSON.stringify(msg)
}

function initializeParams(protocolVersion: string) {
  return { protocolVersion, capabilities: {}, clientInfo: { ...MCP_CLIENT_INFO } }
}

function mcpHeaders(protocolVersion: string, sessionId?: string): Record<string, string> {
  const h: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-protocol-version': protocolVersion,
  }
  if (sessionId) h['mcp-session-id'] = sessionId
  return h
}

function unreachable(step: StepRef, url: string, recorder: Recorder, before: number, err: unknown): Finding {
  const ex = recorder.exchanges[before]
  const detail = ex?.corsDetail ?? (err instanceof Error ? err.message : String(err))
  return finding('mcp-unreachable', 'error', step, {
    title: `The MCP server at ${url} could not be read`,
    detail: `The request failed before a response could be read (${ex?.cors ?? 'network error'}): ${detail} A browser client needs CORS on the MCP endpoint: the preflight must allow POST and the headers authorization, content-type, mcp-protocol-version and mcp-session-id, and the responses must carry Access-Control-Allow-Origin.`,
    fix: 'Check the URL and that the server runs; send Access-Control-Allow-Origin for this page origin, answer OPTIONS preflights with Access-Control-Allow-Headers: authorization, content-type, mcp-protocol-version, mcp-session-id, and expose WWW-Authenticate and Mcp-Session-Id.',
    spec: 'MCP 2025-11-25 Transports (Streamable HTTP); RFC 9728 §5.1; Fetch standard (CORS)',
    data: { url, cors: ex?.cors ?? 'not-checked' },
  })
}

/**
 * Step 1: an unauthenticated MCP `initialize` (JSON-RPC over Streamable HTTP). A protected server
 * answers 401 with `WWW-Authenticate: Bearer resource_metadata="…", scope="…"`.
 */
export async function probeMcp(mcpUrl: string, recorder: Recorder, opts: McpOptions = {}): Promise<McpProbeResult> {
  const step = 'mcp-probe'
  const findings: Finding[] = []
  const version = opts.protocolVersion ?? MCP_PROTOCOL_VERSION
  let url: URL
  try {
    url = new URL(mcpUrl)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('not http(s)')
    oauth.checkProtocol(url, !insecureAllowed(mcpUrl, !!opts.allowInsecureLoopback))
  } catch (err) {
    findings.push(
      finding('mcp-url-invalid', 'error', step, {
        title: 'The MCP server URL cannot be used',
        detail: `"${clip(mcpUrl)}" is not an absolute https:// URL (http:// is allowed only for loopback hosts with the insecure-loopback option): ${err instanceof Error ? err.message : String(err)}.`,
        fix: 'Enter the full MCP endpoint URL, e.g. https://example.com/mcp.',
        spec: 'MCP 2025-11-25 Authorization (Communication Security); RFC 8707 §2',
        data: { url: mcpUrl },
      }),
    )
    return { status: 0, wwwAuthenticateVisible: false, findings }
  }
  recorder.label = 'MCP: initialize without a token (expect 401)'
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await recorder.fetch(url.href, {
      method: 'POST',
      headers: mcpHeaders(version),
      body: jsonRpc(1, 'initialize', initializeParams(version)),
      redirect: 'manual',
    })
  } catch (err) {
    findings.push(unreachable(step, url.href, recorder, before, err))
    return { status: 0, wwwAuthenticateVisible: false, findings, exchangeId: recorder.exchanges[before]?.id }
  }
  const exchangeId = recorder.exchanges[before]?.id
  const status = response.status
  const raw = response.headers.get('www-authenticate')
  const result: McpProbeResult = { status, wwwAuthenticateVisible: raw !== null, findings, exchangeId }
  const parsed = raw === null ? undefined : await parseChallenges(response)
  void response.body?.cancel().catch(() => {})

  if (status >= 200 && status < 300) {
    findings.push(
      finding('mcp-no-auth-required', 'info', step, {
        title: 'The MCP server does not ask for authorization',
        detail: `initialize without an access token got HTTP ${status}. Authorization is optional in MCP; this server is open, so there is no OAuth flow to run.`,
        fix: 'Nothing to fix if the server is meant to be public. To protect it, answer 401 with WWW-Authenticate: Bearer resource_metadata="…" and publish protected resource metadata.',
        spec: 'MCP 2025-11-25 Authorization (Introduction)',
        data: { status },
      }),
    )
    return result
  }
  if (status !== 401) {
    const why =
      status === 403
        ? 'A 403 means the server refused the request outright; an unauthenticated client needs a 401 with a challenge to learn where to authorize. A WAF or bot rule can also answer 403.'
        : status === 404
          ? 'A 404 suggests this is not the MCP endpoint (often it is /mcp).'
          : status === 405
            ? 'A 405 suggests the endpoint does not accept POST: Streamable HTTP sends JSON-RPC with POST.'
            : status === 0
              ? 'The server redirected; MCP endpoints should answer at the URL itself.'
              : 'MCP clients expect 401 with a WWW-Authenticate challenge here.'
    findings.push(
      finding('mcp-probe-unexpected-status', 'error', step, {
        title: `initialize without a token got HTTP ${status}, not 401`,
        detail: `${why}${raw ? ` The response carries WWW-Authenticate: ${clip(raw)}.` : ''}`,
        fix: 'Answer unauthenticated MCP requests with 401 and WWW-Authenticate: Bearer resource_metadata="<PRM URL>", scope="<scopes>".',
        spec: 'MCP 2025-11-25 Authorization (Authorization Server Discovery); RFC 9728 §5.1; RFC 6750 §3',
        data: { status },
      }),
    )
  }
  if (raw === null) {
    if (status === 401) {
      const hidden = response.type === 'cors'
      findings.push(
        hidden
          ? finding('mcp-www-authenticate-not-exposed', 'error', step, {
              title: 'The 401 has no WWW-Authenticate header the browser lets the page read',
              detail:
                'The MCP server answered 401, but the page cannot read WWW-Authenticate. Either the server did not send it, or it did not list it in Access-Control-Expose-Headers (cross-origin, only safelisted headers are readable). Browser-based MCP clients then cannot see resource_metadata or scope and must fall back to the well-known URLs.',
              fix: 'Send WWW-Authenticate: Bearer resource_metadata="…" on the 401 and add Access-Control-Expose-Headers: WWW-Authenticate, Mcp-Session-Id.',
              spec: 'RFC 9728 §5.1; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements; Fetch standard (CORS-exposed headers)',
              data: { status },
            })
          : finding('www-authenticate-missing', 'error', step, {
              title: 'The 401 has no WWW-Authenticate header',
              detail:
                'RFC 6750 §3 and RFC 9110 §15.5.2 require a challenge on 401; MCP servers use it to point to their protected resource metadata (resource_metadata) and scopes.',
              fix: 'Send WWW-Authenticate: Bearer resource_metadata="<PRM URL>", scope="<scopes>" on every 401.',
              spec: 'RFC 9110 §15.5.2; RFC 6750 §3; RFC 9728 §5.1',
              data: { status },
            }),
      )
    }
    return result
  }
  if (!parsed) {
    findings.push(
      finding('www-authenticate-unparseable', 'error', step, {
        title: 'The WWW-Authenticate header cannot be parsed',
        detail: `WWW-Authenticate: ${clip(raw)} is not a valid challenge list (RFC 9110 §11.6.1: scheme, then auth-params name=value or name="quoted value", separated by commas).`,
        fix: 'Send e.g. WWW-Authenticate: Bearer resource_metadata="https://example.com/.well-known/oauth-protected-resource/mcp", scope="read".',
        spec: 'RFC 9110 §11.6.1; RFC 6750 §3',
        data: { header: clip(raw) },
      }),
    )
    return result
  }
  const challenge = toChallenge(parsed, raw)
  if (!challenge) {
    findings.push(
      finding('mcp-challenge-not-bearer', 'error', step, {
        title: 'The challenge is not a Bearer challenge',
        detail: `The 401 names the scheme(s) ${parsed.map((c) => c.scheme).join(', ')}; MCP uses OAuth 2.0 Bearer tokens.`,
        fix: 'Answer with WWW-Authenticate: Bearer resource_metadata="…".',
        spec: 'RFC 6750 §3; MCP 2025-11-25 Access Token Usage',
        data: { header: clip(raw) },
      }),
    )
    return result
  }
  result.challenge = challenge
  if (status === 401 && !challenge.resource_metadata) {
    findings.push(
      finding('mcp-challenge-no-resource-metadata', 'warning', step, {
        title: 'The challenge does not name the protected resource metadata',
        detail:
          'The Bearer challenge has no resource_metadata parameter. MCP 2025-06-18 servers MUST send it; since 2025-11-25 clients fall back to /.well-known/oauth-protected-resource (path form, then root), which the playground now tries.',
        fix: 'Add resource_metadata="<URL of your protected resource metadata>" to the WWW-Authenticate challenge.',
        spec: 'RFC 9728 §5.1; MCP 2025-06-18 Authorization Server Location; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements',
      }),
    )
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// 2. protected resource metadata

export interface ProtectedResourceMetadata {
  resource: string
  authorization_servers?: string[]
  scopes_supported?: string[]
  bearer_methods_supported?: string[]
  resource_name?: string
  resource_documentation?: string
}

export interface PrmAttempt {
  url: string
  kind: 'challenge' | 'path' | 'root'
  label: string
  status: number
  outcome: 'ok' | 'not-found' | 'error' | 'network' | 'mismatch'
  note: string
  exchangeId: string
}

export interface PrmResult {
  attempts: PrmAttempt[]
  prm?: ProtectedResourceMetadata
  /** The raw accepted document (as sent). */
  document?: Record<string, unknown>
  source?: string
  /** The `resource` to send (RFC 8707): the canonical MCP URL. */
  resource: string
  findings: Finding[]
}

function pickPrm(doc: Record<string, unknown>): ProtectedResourceMetadata {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined)
  const out: ProtectedResourceMetadata = { resource: String(doc['resource']) }
  const as = strings(doc['authorization_servers'])
  if (as) out.authorization_servers = as
  const scopes = strings(doc['scopes_supported'])
  if (scopes) out.scopes_supported = scopes
  const bearer = strings(doc['bearer_methods_supported'])
  if (bearer) out.bearer_methods_supported = bearer
  if (typeof doc['resource_name'] === 'string') out.resource_name = doc['resource_name']
  if (typeof doc['resource_documentation'] === 'string') out.resource_documentation = doc['resource_documentation']
  return out
}

/** The well-known PRM URLs for an MCP URL, in the MCP 2025-11-25 order (path form, then root). */
export function prmWellKnownUrls(mcpUrl: string): Array<{ url: string; kind: 'path' | 'root'; label: string }> {
  const u = new URL(mcpUrl)
  const root = `${u.origin}/.well-known/oauth-protected-resource`
  const out: Array<{ url: string; kind: 'path' | 'root'; label: string }> = []
  if (u.pathname !== '/' && u.pathname !== '') {
    const path = `${u.origin}/.well-known/oauth-protected-resource${u.pathname}`
    out.push({ url: path, kind: 'path', label: 'RFC 9728 §3.1: well-known inserted before the resource path' })
  }
  out.push({ url: root, kind: 'root', label: 'RFC 9728 §3: well-known at the root (MCP fallback)' })
  return out
}

/**
 * Step 2: RFC 9728 protected resource metadata. The challenge's resource_metadata URL first (MCP
 * 2025-11-25: "use the resource metadata URL from the parsed WWW-Authenticate headers when
 * present"), then the well-known URLs. Each response is validated by oauth4webapi
 * (`processResourceDiscoveryResponse`: 200, JSON object, `resource` equal after URL normalisation),
 * then `resource` is compared as a plain string too.
 */
export async function discoverProtectedResource(
  mcpUrl: string,
  challenge: McpChallenge | undefined,
  recorder: Recorder,
  opts: McpOptions = {},
): Promise<PrmResult> {
  const step = 'mcp-discovery'
  const findings: Finding[] = []
  const attempts: PrmAttempt[] = []
  const resource = canonicalMcpUrl(mcpUrl)
  const expected = new URL(resource)
  const candidates: Array<{ url: string; kind: PrmAttempt['kind']; label: string }> = []
  if (challenge?.resource_metadata) {
    candidates.push({
      url: challenge.resource_metadata,
      kind: 'challenge',
      label: 'RFC 9728 §5.1: resource_metadata from the WWW-Authenticate challenge',
    })
  }
  for (const c of prmWellKnownUrls(resource)) {
    if (!candidates.some((x) => x.url === c.url)) candidates.push(c)
  }
  let mismatch: { url: string; got: string } | undefined

  for (const c of candidates) {
    recorder.label = `Protected resource metadata: ${c.label}`
    const before = recorder.exchanges.length
    let response: Response
    try {
      const o = options(c.url, recorder, !!opts.allowInsecureLoopback)
      if (c.kind === 'path') {
        response = await oauth.resourceDiscoveryRequest(expected, o)
      } else {
        // The challenge URL and the root form are not what resourceDiscoveryRequest builds for this
        // resource, so they are requested directly, the same way (GET, JSON, redirect: manual).
        oauth.checkProtocol(new URL(c.url), !o[oauth.allowInsecureRequests])
        response = await recorder.fetch(c.url, {
          method: 'GET',
          headers: { accept: 'application/json' },
          redirect: 'manual',
        })
      }
    } catch (err) {
      const ex = recorder.exchanges[before]
      const f = explainError(err, { step, operation: 'prm', url: c.url })
      attempts.push({
        url: c.url,
        kind: c.kind,
        label: c.label,
        status: 0,
        outcome: 'network',
        note: ex?.corsDetail ?? f.title,
        exchangeId: ex?.id ?? '',
      })
      continue
    }
    const ex = recorder.exchanges[before]
    const exchangeId = ex?.id ?? ''
    if (response.status === 404 || response.status === 410) {
      attempts.push({
        url: c.url,
        kind: c.kind,
        label: c.label,
        status: response.status,
        outcome: 'not-found',
        note: 'Not found here.',
        exchangeId,
      })
      continue
    }
    try {
      await oauth.processResourceDiscoveryResponse(expected, response)
    } catch (err) {
      const doc = parseJson(ex?.response?.body ?? '')
      const got = isObject(doc) && typeof doc['resource'] === 'string' ? doc['resource'] : undefined
      const isMismatch = err instanceof oauth.OperationProcessingError && err.code === oauth.JSON_ATTRIBUTE_COMPARISON
      if (isMismatch && got !== undefined) mismatch ??= { url: c.url, got }
      const f = explainError(err, { step, operation: 'prm', url: c.url })
      attempts.push({
        url: c.url,
        kind: c.kind,
        label: c.label,
        status: response.status,
        outcome: isMismatch ? 'mismatch' : 'error',
        note: isMismatch ? `resource is "${clip(got ?? '', 120)}", not "${resource}".` : f.title,
        exchangeId,
      })
      if (!isMismatch) findings.push(f)
      continue
    }
    const doc = parseJson(ex?.response?.body ?? '')
    const document = isObject(doc) ? doc : {}
    const prm = pickPrm(document)
    attempts.push({
      url: c.url,
      kind: c.kind,
      label: c.label,
      status: response.status,
      outcome: 'ok',
      note: 'Accepted.',
      exchangeId,
    })
    if (attempts.some((a) => a.kind === 'challenge' && a.outcome !== 'ok')) {
      findings.push(challengeUrlFailed(attempts[0]!))
    }
    if (prm.resource !== resource && prm.resource !== mcpUrl.trim()) {
      findings.push(
        finding('prm-resource-mismatch', 'warning', step, {
          title: 'The metadata "resource" equals the MCP URL only after normalisation',
          detail: `The protected resource metadata at ${c.url} says resource="${clip(prm.resource)}", the MCP URL is "${resource}". They are the same URL once normalised (which oauth4webapi accepts), but not the same string: RFC 9728 §3.3 requires the identical value, and MCP clients and authorization servers compare it as a string (it becomes the resource parameter and the token audience).`,
          fix: `Set "resource" to exactly "${resource}".`,
          spec: 'RFC 9728 §3.3, §7.3; RFC 8707 §2; MCP 2025-11-25 Canonical Server URI',
          data: { expected: resource, actual: clip(prm.resource), url: c.url },
        }),
      )
    }
    if (!prm.authorization_servers?.length) {
      findings.push(
        finding('prm-no-authorization-servers', 'error', step, {
          title: 'The protected resource metadata names no authorization server',
          detail: `The document at ${c.url} has no (or an empty) "authorization_servers" array, so an MCP client cannot know where to get a token.`,
          fix: 'Add "authorization_servers": ["<issuer URL of your authorization server>"].',
          spec: 'RFC 9728 §2; MCP 2025-11-25 Authorization Server Location',
          data: { url: c.url },
        }),
      )
    } else if (prm.authorization_servers.length > 1) {
      findings.push(
        finding('prm-several-authorization-servers', 'info', step, {
          title: `The metadata lists ${prm.authorization_servers.length} authorization servers; the first is used`,
          detail: `authorization_servers: ${prm.authorization_servers.join(', ')}. MCP leaves the choice to the client.`,
          fix: 'Nothing to fix.',
          spec: 'RFC 9728 §2; MCP 2025-11-25 Authorization Server Location',
        }),
      )
    }
    return { attempts, prm, document, source: c.url, resource, findings }
  }

  if (attempts.some((a) => a.kind === 'challenge')) findings.push(challengeUrlFailed(attempts[0]!))
  if (mismatch) {
    findings.push(
      finding('prm-resource-mismatch', 'error', step, {
        title: 'The protected resource metadata is for a different resource',
        detail: `The metadata at ${mismatch.url} says resource="${clip(mismatch.got)}", but the MCP URL is "${resource}". RFC 9728 §3.3 says such metadata MUST NOT be used (impersonation), and the value is what MCP clients send as the resource parameter. Common causes: the bare origin instead of /mcp, a trailing slash, http vs https.`,
        fix: `Set "resource" to exactly "${resource}" in the metadata served for this MCP endpoint.`,
        spec: 'RFC 9728 §3.3, §7.3; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements',
        data: { expected: resource, actual: clip(mismatch.got), url: mismatch.url },
      }),
    )
  }
  findings.push(
    finding('prm-missing', 'error', step, {
      title: 'No usable protected resource metadata was found',
      detail: `None of these gave RFC 9728 metadata for ${resource}: ${attempts
        .map((a) => `${a.url} → ${a.status || 'no answer'} (${a.outcome})`)
        .join('; ')}. MCP clients MUST use protected resource metadata to find the authorization server.`,
      fix: `Serve {"resource": "${resource}", "authorization_servers": ["<issuer>"]} at ${prmWellKnownUrls(resource)[0]?.url ?? ''} and name it in the 401 challenge (resource_metadata="…"), with CORS.`,
      spec: 'RFC 9728 §3, §5.1; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements',
      data: { urls: attempts.map((a) => a.url) },
    }),
  )
  return { attempts, resource, findings }
}

function challengeUrlFailed(a: PrmAttempt): Finding {
  return finding('prm-challenge-url-failed', 'warning', 'mcp-discovery', {
    title: 'The resource_metadata URL from the challenge did not work',
    detail: `${a.url} → ${a.status || 'no answer'}: ${a.note} MCP clients use this URL first; the well-known locations were tried next.`,
    fix: 'Point resource_metadata at the URL that serves the metadata for this MCP endpoint.',
    spec: 'RFC 9728 §5.1; MCP 2025-11-25 Protected Resource Metadata Discovery Requirements',
    data: { url: a.url, status: a.status },
  })
}

// ---------------------------------------------------------------------------------------------
// 3. authorization server metadata

export interface AsDiscoveryResult {
  outcome: DiscoveryOutcome
  metadata?: ServerMetadata
  /** False when MCP says the client MUST stop (no metadata, or no S256 advertised). */
  canProceed: boolean
  findings: Finding[]
}

/** A FlowConfig for discovery.ts, with the issuer taken from the PRM. */
export function mcpFlowConfig(issuer: string, opts: McpOptions = {}, base?: Partial<FlowConfig>): FlowConfig {
  // Built from config.ts's defaults so that it follows FlowConfig as it grows; only discovery reads it.
  return {
    ...defaultConfig('http://localhost/'),
    scope: '',
    redirect_uri: '',
    ...base,
    issuer,
    allow_insecure_loopback: !!opts.allowInsecureLoopback,
  }
}

/**
 * Step 3: the authorization server's metadata, tried in the MCP order by discovery.ts. MCP
 * 2025-11-25 (Authorization Code Protection): without `code_challenge_methods_supported` the client
 * MUST refuse to proceed; S256 must be used.
 */
export async function discoverAuthorizationServer(
  issuer: string,
  recorder: Recorder,
  opts: McpOptions = {},
): Promise<AsDiscoveryResult> {
  const step = 'mcp-discovery'
  if (!URL.canParse(issuer)) {
    const f = finding('prm-no-authorization-servers', 'error', step, {
      title: 'The authorization server named in the resource metadata is not a URL',
      detail: `authorization_servers[0] is "${clip(issuer)}", which is not an absolute URL, so its metadata cannot be looked up.`,
      fix: 'List the issuer identifier (an https URL) of your authorization server in authorization_servers.',
      spec: 'RFC 9728 §2; RFC 8414 §2',
      data: { issuer: clip(issuer) },
    })
    return { outcome: { result: { attempts: [] }, findings: [f] }, canProceed: false, findings: [f] }
  }
  const outcome = await discover(mcpFlowConfig(issuer, opts), recorder)
  const findings: Finding[] = [...outcome.findings]
  const metadata = outcome.metadata
  if (!metadata) return { outcome, canProceed: false, findings }
  const doc = outcome.result.document ?? {}
  if (typeof doc['issuer'] === 'string' && doc['issuer'] !== issuer) {
    findings.push(
      finding('mcp-issuer-not-identical', 'warning', step, {
        title: 'The metadata issuer is not character-for-character the one in the resource metadata',
        detail: `authorization_servers names "${clip(issuer)}", the metadata says issuer "${clip(String(doc['issuer']))}". They are equal after URL normalisation, but MCP 2026-07-28 requires the identical string (and RFC 9207 iss checks compare strings).`,
        fix: 'Use exactly the same issuer string in the protected resource metadata and in the authorization server metadata.',
        spec: 'MCP 2026-07-28 Authorization Server Discovery; RFC 8414 §3.3; RFC 9207 §2.4',
        data: { prm: clip(issuer), metadata: clip(String(doc['issuer'])) },
      }),
    )
  }
  const methods = metadata.code_challenge_methods_supported
  if (!methods || !methods.includes('S256')) {
    findings.push(
      finding('mcp-pkce-not-advertised', 'error', step, {
        title: methods
          ? 'The authorization server does not advertise S256'
          : 'The authorization server does not advertise PKCE',
        detail: methods
          ? `code_challenge_methods_supported is [${methods.join(', ')}]. MCP clients MUST use S256, so they cannot go on.`
          : 'The metadata has no code_challenge_methods_supported. MCP clients MUST verify PKCE support before proceeding and MUST refuse to proceed when it is absent (this applies to OpenID Connect Discovery documents too). The playground stops here, as ChatGPT and Claude do.',
        fix: 'Add "code_challenge_methods_supported": ["S256"] to the authorization server metadata (and enforce PKCE).',
        spec: 'MCP 2025-11-25 Authorization Code Protection; RFC 8414 §2; RFC 7636 §4.2',
        data: { code_challenge_methods_supported: methods ?? null },
      }),
    )
    return { outcome, metadata, canProceed: false, findings }
  }
  return { outcome, metadata, canProceed: true, findings }
}

// ---------------------------------------------------------------------------------------------
// scopes

export interface ScopeChoice {
  /** The scope parameter to send; undefined means "omit it". */
  scope?: string
  source: 'challenge' | 'prm' | 'none'
  note: string
}

/** MCP 2025-11-25 Scope Selection Strategy: the challenge's scope, else PRM scopes_supported, else omit. */
export function chooseScopes(
  challenge: McpChallenge | undefined,
  prm: ProtectedResourceMetadata | undefined,
): ScopeChoice {
  if (challenge?.scope !== undefined && challenge.scope.trim() !== '') {
    return {
      scope: challenge.scope.trim(),
      source: 'challenge',
      note: 'The scope from the WWW-Authenticate challenge (authoritative).',
    }
  }
  if (prm?.scopes_supported?.length) {
    return {
      scope: prm.scopes_supported.join(' '),
      source: 'prm',
      note: 'All scopes_supported from the protected resource metadata (the challenge named none).',
    }
  }
  return { source: 'none', note: 'No scope in the challenge and no scopes_supported: the scope parameter is omitted.' }
}

// ---------------------------------------------------------------------------------------------
// 4. client registration

export interface RegistrationOptions {
  preRegisteredClientId?: string
  /** HTTPS URL of the playground's Client ID Metadata Document (its client_id). */
  cimdUrl?: string
  redirectUri: string
  recorder: Recorder
  allowInsecureLoopback?: boolean
}

export interface RegistrationChange {
  field: string
  requested: string
  returned: string
}

export interface RegistrationResult {
  method: 'pre-registered' | 'cimd' | 'dcr' | 'none'
  client_id?: string
  /** Set when the AS issued a secret (a browser client cannot keep it). */
  client_secret_issued?: boolean
  token_endpoint_auth_method?: string
  requested?: Record<string, unknown>
  /** The DCR response body as sent. */
  response?: Record<string, unknown>
  status?: number
  changes: RegistrationChange[]
  findings: Finding[]
}

/** The RFC 7591 metadata the playground registers (public browser client). */
export function registrationMetadata(redirectUri: string) {
  return {
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    application_type: 'web',
    client_name: 'PKCE Playground',
  }
}

function isHttpsWithPath(url: string | undefined): url is string {
  if (!url) return false
  try {
    const u = new URL(url)
    return u.protocol === 'https:' && u.pathname.length > 1
  } catch {
    return false
  }
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)'
  if (Array.isArray(v)) return v.map(String).join(' ')
  return typeof v === 'string' ? v : JSON.stringify(v)
}

/** Differences between what was registered and what the AS says it registered (RFC 7591 §3.2.1). */
export function diffRegistration(
  requested: Record<string, unknown>,
  returned: Record<string, unknown>,
): RegistrationChange[] {
  const changes: RegistrationChange[] = []
  for (const [field, want] of Object.entries(requested)) {
    const got = returned[field]
    if (got === undefined) {
      // RFC 7591 §3.2.1: the response contains all registered metadata; an omitted member is
      // only a change where it has a default that differs (token_endpoint_auth_method).
      if (field === 'token_endpoint_auth_method')
        changes.push({ field, requested: show(want), returned: '(absent: RFC 7591 default client_secret_basic)' })
      continue
    }
    const same = Array.isArray(want)
      ? Array.isArray(got) && want.length === got.length && want.every((w) => got.includes(w))
      : want === got
    if (!same) changes.push({ field, requested: show(want), returned: show(got) })
  }
  return changes
}

/**
 * Step 4: get a client id in the MCP 2025-11-25 priority order: a pre-registered client id; the
 * Client ID Metadata Document when the AS advertises `client_id_metadata_document_supported` and the
 * build publishes one at an HTTPS URL; RFC 7591 Dynamic Client Registration; else ask the user.
 */
export async function registerClient(metadata: ServerMetadata, opts: RegistrationOptions): Promise<RegistrationResult> {
  const step = 'registration'
  const findings: Finding[] = []
  const pre = opts.preRegisteredClientId?.trim()
  if (pre) {
    findings.push(
      finding('registration-pre-registered', 'info', step, {
        title: 'Using the pre-registered client id',
        detail: `client_id "${clip(pre, 120)}" was entered by hand; MCP lists pre-registration first, before Client ID Metadata Documents and Dynamic Client Registration.`,
        fix: 'Nothing to fix. Make sure it is registered as a public client (token_endpoint_auth_method "none") with this redirect URI.',
        spec: 'MCP 2025-11-25 Client Registration Approaches',
      }),
    )
    return { method: 'pre-registered', client_id: pre, changes: [], findings }
  }
  const cimdSupported = metadata['client_id_metadata_document_supported'] === true
  if (cimdSupported) {
    if (isHttpsWithPath(opts.cimdUrl)) {
      findings.push(
        finding('registration-cimd', 'info', step, {
          title: "Using the playground's Client ID Metadata Document",
          detail: `The authorization server advertises client_id_metadata_document_supported, so the client_id is the URL of the playground's metadata document, ${opts.cimdUrl}. The server fetches it during the authorization request; no registration request is sent from here.`,
          fix: 'Nothing to fix. If the authorization request fails with invalid_client, check that the server can reach that URL and accepts its redirect_uris.',
          spec: 'MCP 2025-11-25 Client ID Metadata Documents; draft-ietf-oauth-client-id-metadata-document',
          data: { client_id: opts.cimdUrl },
        }),
      )
      return { method: 'cimd', client_id: opts.cimdUrl, token_endpoint_auth_method: 'none', changes: [], findings }
    }
    findings.push(
      finding('cimd-not-configured', 'info', step, {
        title: 'The server supports Client ID Metadata Documents, but this build publishes none',
        detail: `client_id_metadata_document_supported is true, but the playground has no HTTPS client metadata URL${opts.cimdUrl ? ` ("${clip(opts.cimdUrl)}" is not https with a path)` : ''}, so it goes on with the next option.`,
        fix: 'Deploy the playground over HTTPS with public/client-metadata.json whose client_id is its own URL (see the README), or enter a client id.',
        spec: 'MCP 2025-11-25 Client ID Metadata Documents',
      }),
    )
  }
  if (!metadata.registration_endpoint) {
    findings.push(
      finding('registration-unavailable', 'error', step, {
        title: 'No way to get a client id automatically',
        detail: `The authorization server has no registration_endpoint${cimdSupported ? '' : ' and does not advertise client_id_metadata_document_supported'}, and no client id was entered.`,
        fix: 'Register a public client (token_endpoint_auth_method "none") with this redirect URI at the authorization server and enter its client id, or enable Dynamic Client Registration or CIMD on the server.',
        spec: 'MCP 2025-11-25 Client Registration Approaches; RFC 7591',
      }),
    )
    return { method: 'none', changes: [], findings }
  }

  const requested = registrationMetadata(opts.redirectUri)
  const recorder = opts.recorder
  recorder.label = 'Dynamic Client Registration (RFC 7591)'
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.dynamicClientRegistrationRequest(
      metadata as oauth.AuthorizationServer,
      requested,
      options(metadata.registration_endpoint, recorder, !!opts.allowInsecureLoopback),
    )
  } catch (err) {
    findings.push(explainError(err, { step, operation: 'registration', url: metadata.registration_endpoint }))
    return { method: 'dcr', requested, changes: [], findings }
  }
  const ex = recorder.exchanges[before]
  const body = parseJson(ex?.response?.body ?? '')
  const returned = isObject(body) ? body : undefined
  const status = response.status
  let accepted: Record<string, unknown> | undefined
  try {
    accepted = (await oauth.processDynamicClientRegistrationResponse(response)) as Record<string, unknown>
  } catch (err) {
    const lenient = status >= 200 && status < 300 && returned && typeof returned['client_id'] === 'string'
    if (lenient) {
      findings.push(
        finding('registration-status-not-201', 'warning', step, {
          title: `The registration succeeded with HTTP ${status}, not 201 Created`,
          detail: `RFC 7591 §3.2.1 says a successful registration answers 201 Created. Strict clients (oauth4webapi among them) reject this response; the playground goes on with the client_id it returned.`,
          fix: 'Answer successful registrations with HTTP 201.',
          spec: 'RFC 7591 §3.2.1',
          data: { status },
        }),
      )
      accepted = returned
    } else {
      const f = explainError(err, { step, operation: 'registration', url: metadata.registration_endpoint })
      if (
        f.id === 'registration-rejected' &&
        (f.data?.['error'] === 'invalid_redirect_uri' || /redirect/i.test(f.detail))
      ) {
        f.detail += ` The redirect URI sent was ${opts.redirectUri}. Connectors register their own callbacks the same way (e.g. https://chatgpt.com/connector_platform_oauth_redirect, https://chatgpt.com/connector/oauth/<id>, https://claude.ai/api/mcp/auth_callback), so an allowlist that rejects this one may reject theirs too.`
      }
      if (status >= 200 && status < 300 && returned && typeof returned['client_id'] !== 'string') {
        findings.push(
          finding('registration-client-id-missing', 'error', step, {
            title: 'The registration response has no client_id',
            detail: 'RFC 7591 §3.2.1 requires client_id in the registration response.',
            fix: 'Return the issued client_id in the registration response.',
            spec: 'RFC 7591 §3.2.1',
          }),
        )
      } else {
        findings.push(f)
      }
      return { method: 'dcr', requested, ...(returned ? { response: returned } : {}), status, changes: [], findings }
    }
  }
  const result: RegistrationResult = {
    method: 'dcr',
    client_id: String(accepted?.['client_id']),
    requested,
    status,
    changes: [],
    findings,
  }
  if (returned) result.response = returned
  const source = returned ?? accepted ?? {}
  if (typeof source['client_secret'] === 'string' && source['client_secret']) result.client_secret_issued = true
  result.token_endpoint_auth_method =
    typeof source['token_endpoint_auth_method'] === 'string'
      ? source['token_endpoint_auth_method']
      : 'client_secret_basic'
  result.changes = diffRegistration(requested, source)
  if (result.changes.length || result.client_secret_issued) {
    const authChanged = result.changes.some((c) => c.field === 'token_endpoint_auth_method')
    const redirectLost =
      result.changes.some((c) => c.field === 'redirect_uris') &&
      !(Array.isArray(source['redirect_uris']) && source['redirect_uris'].includes(opts.redirectUri))
    const serious = authChanged || redirectLost
    const lines = result.changes.map((c) => `${c.field}: asked ${c.requested}, got ${c.returned}`)
    if (result.client_secret_issued) lines.push('a client_secret was issued although "none" was asked for')
    findings.push(
      finding('registration-changed-metadata', serious ? 'error' : 'warning', step, {
        title: authChanged
          ? `The server registered the client as ${result.token_endpoint_auth_method}, not as a public client`
          : 'The server registered different metadata than requested',
        detail: `RFC 7591 §3.2.1 lets the server change metadata and says the response is what counts: ${lines.join('; ')}.${
          authChanged
            ? ' A browser app cannot keep a secret (it must be a public client, "none"); the token request will fail with invalid_client unless the server accepts "none" for this client. RFC 7591 defaults to client_secret_basic when the member is omitted.'
            : ''
        }${redirectLost ? ` The redirect URI ${opts.redirectUri} is not registered, so the authorization request will be refused.` : ''}`,
        fix: authChanged
          ? 'Honour token_endpoint_auth_method "none" in dynamic registration (list "none" in token_endpoint_auth_methods_supported).'
          : 'Register the metadata as requested, or document the policy that changes it.',
        spec: 'RFC 7591 §2, §3.2.1; MCP 2026-07-28 Client Registration',
        data: { changes: lines },
      }),
    )
  }
  return result
}

// ---------------------------------------------------------------------------------------------
// 6. MCP session with the token

export interface McpTool {
  name: string
  description?: string
}

export interface McpSessionResult {
  ok: boolean
  serverInfo?: { name?: string; version?: string; title?: string }
  protocolVersion?: string
  sessionId?: string
  tools: McpTool[]
  findings: Finding[]
}

/** JSON-RPC messages from a Streamable HTTP response body (application/json or text/event-stream). */
export function parseMcpBody(contentType: string | null, body: string): unknown[] {
  if (contentType && /^text\/event-stream/i.test(contentType)) {
    const out: unknown[] = []
    for (const event of body.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n')
      if (!data) continue
      const v = parseJson(data)
      if (v !== undefined) out.push(v)
    }
    return out
  }
  const v = parseJson(body)
  if (Array.isArray(v)) return v
  return v === undefined ? [] : [v]
}

interface RpcOutcome {
  status: number
  message?: Record<string, unknown>
  sessionId: string | null
  response?: Response
  error?: unknown
}

async function rpc(
  url: string,
  accessToken: string,
  recorder: Recorder,
  opts: McpOptions,
  version: string,
  sessionId: string | undefined,
  id: number | undefined,
  method: string,
  params?: Record<string, unknown>,
): Promise<RpcOutcome> {
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await oauth.protectedResourceRequest(
      accessToken,
      'POST',
      new URL(url),
      new Headers(mcpHeaders(version, sessionId)),
      jsonRpc(id, method, params),
      options(url, recorder, !!opts.allowInsecureLoopback),
    )
  } catch (error) {
    const ex = recorder.exchanges[before]
    return { status: ex?.response?.status ?? 0, sessionId: null, error }
  }
  const ex = recorder.exchanges[before]
  const sid = response.headers.get('mcp-session-id')
  void response.body?.cancel().catch(() => {})
  if (id === undefined) return { status: response.status, sessionId: sid, response }
  const messages = parseMcpBody(response.headers.get('content-type'), ex?.response?.body ?? '')
  const message = messages.find((m): m is Record<string, unknown> => isObject(m) && m['id'] === id)
  return { status: response.status, sessionId: sid, response, ...(message ? { message } : {}) }
}

function rpcFailure(
  id: 'mcp-initialize-failed' | 'mcp-tools-list-failed',
  what: string,
  out: RpcOutcome,
  url: string,
  recorder: Recorder,
): Finding {
  if (out.error && !(out.error instanceof oauth.WWWAuthenticateChallengeError)) {
    if (out.status === 0) return unreachable('mcp-tools', url, recorder, recorder.exchanges.length - 1, out.error)
    return explainError(out.error, { step: 'mcp-tools', operation: 'resource', url })
  }
  const err = isObject(out.message?.['error']) ? (out.message?.['error'] as Record<string, unknown>) : undefined
  const detail = err
    ? `JSON-RPC error ${String(err['code'])}: "${clip(String(err['message'] ?? ''))}".`
    : `HTTP ${out.status}${out.message ? ' with an unexpected JSON-RPC message' : ', no JSON-RPC response found in the body'}.`
  return {
    id: id === 'mcp-initialize-failed' ? 'mcp-initialize-failed' : 'mcp-tools-list-failed',
    severity: 'error',
    step: 'mcp-tools',
    title: `${what} failed`,
    detail: `${what} with the access token did not succeed: ${detail}`,
    fix: 'Look at the request and response in the HTTP log; the server should answer a JSON-RPC result (application/json or an SSE stream with a data: line).',
    spec: 'MCP 2025-11-25 Lifecycle; MCP 2025-11-25 Transports (Streamable HTTP)',
    data: { status: out.status },
  }
}

function tokenRejected(err: oauth.WWWAuthenticateChallengeError, mcpUrl: string): Finding {
  const challenges = err.cause as Challenge[]
  const bearer = challenges.find((c) => c.scheme === 'bearer') ?? challenges[0]
  const error = bearer?.parameters['error']
  const description = bearer?.parameters['error_description']
  const insufficient = error === 'insufficient_scope'
  return finding('mcp-token-rejected', 'error', 'mcp-tools', {
    title: `The MCP server refused the access token (HTTP ${err.status}${error ? `, ${error}` : ''})`,
    detail: insufficient
      ? `The token lacks a scope the server needs${bearer?.parameters['scope'] ? ` (it asks for "${clip(bearer.parameters['scope'])}")` : ''}. MCP clients SHOULD step up: authorize again with the scopes of the challenge.${description ? ` Server says: "${clip(description)}".` : ''}`
      : `The server answered ${err.status} with a Bearer challenge${error ? ` (error="${error}")` : ''}${description ? `: "${clip(description)}"` : ''}. The usual cause is the audience: MCP servers MUST accept only tokens issued for them, i.e. whose aud is the MCP URL ${mcpUrl}, which the client requested with resource=${mcpUrl} (RFC 8707). Check the token's aud in the Tokens step, that the authorization server honours the resource parameter, and that the server validates against the same URL string.`,
    fix: insufficient
      ? 'Request the scopes named in the challenge (or have the server name them in scope="…").'
      : 'Have the authorization server issue tokens with aud = the resource parameter, and have the MCP server accept exactly its canonical URL as audience.',
    spec: 'RFC 6750 §3.1; RFC 8707 §2; RFC 9068 §4; MCP 2025-11-25 Token Handling; MCP 2025-11-25 Scope Challenge Handling',
    data: { status: err.status, error: error ?? null },
  })
}

/**
 * Step 6: with the token, `initialize`, `notifications/initialized` and `tools/list` over Streamable
 * HTTP (JSON or SSE responses), each through oauth4webapi's `protectedResourceRequest` (Bearer
 * header, never the query string).
 */
export async function mcpSession(
  mcpUrl: string,
  accessToken: string,
  recorder: Recorder,
  opts: McpOptions = {},
): Promise<McpSessionResult> {
  const findings: Finding[] = []
  const result: McpSessionResult = { ok: false, tools: [], findings }
  let version = opts.protocolVersion ?? MCP_PROTOCOL_VERSION

  recorder.label = 'MCP: initialize with the access token'
  const init = await rpc(
    mcpUrl,
    accessToken,
    recorder,
    opts,
    version,
    undefined,
    1,
    'initialize',
    initializeParams(version),
  )
  if (init.error instanceof oauth.WWWAuthenticateChallengeError) {
    findings.push(tokenRejected(init.error, mcpUrl))
    return result
  }
  const initResult = isObject(init.message?.['result'])
    ? (init.message['result'] as Record<string, unknown>)
    : undefined
  if (!initResult || (init.status !== 200 && init.status !== 202)) {
    findings.push(rpcFailure('mcp-initialize-failed', 'MCP initialize', init, mcpUrl, recorder))
    return result
  }
  if (typeof initResult['protocolVersion'] === 'string') {
    version = initResult['protocolVersion']
    result.protocolVersion = version
  }
  if (isObject(initResult['serverInfo'])) {
    const si = initResult['serverInfo']
    result.serverInfo = {}
    if (typeof si['name'] === 'string') result.serverInfo.name = si['name']
    if (typeof si['version'] === 'string') result.serverInfo.version = si['version']
    if (typeof si['title'] === 'string') result.serverInfo.title = si['title']
  }
  const sessionId = init.sessionId ?? undefined
  if (sessionId) result.sessionId = sessionId
  else if (init.response?.type === 'cors') {
    findings.push(
      finding('mcp-session-id-not-exposed', 'warning', 'mcp-tools', {
        title: 'No Mcp-Session-Id is readable',
        detail:
          'The initialize response has no Mcp-Session-Id the page can read. Either the server is stateless (fine), or it sets the header without listing it in Access-Control-Expose-Headers, in which case browser clients cannot send it back and the next requests fail (often 400 "No valid session").',
        fix: 'If the server uses sessions, add Access-Control-Expose-Headers: Mcp-Session-Id (and WWW-Authenticate), and allow mcp-session-id in Access-Control-Allow-Headers.',
        spec: 'MCP 2025-11-25 Transports (Session Management); Fetch standard (CORS-exposed headers)',
      }),
    )
  }

  recorder.label = 'MCP: notifications/initialized'
  await rpc(mcpUrl, accessToken, recorder, opts, version, sessionId, undefined, 'notifications/initialized')

  recorder.label = 'MCP: tools/list'
  const list = await rpc(mcpUrl, accessToken, recorder, opts, version, sessionId, 2, 'tools/list', {})
  if (list.error instanceof oauth.WWWAuthenticateChallengeError) {
    findings.push(tokenRejected(list.error, mcpUrl))
    return result
  }
  const listResult = isObject(list.message?.['result'])
    ? (list.message['result'] as Record<string, unknown>)
    : undefined
  if (!listResult || !Array.isArray(listResult['tools'])) {
    const f = rpcFailure('mcp-tools-list-failed', 'MCP tools/list', list, mcpUrl, recorder)
    if (!sessionId && list.status === 400) {
      f.detail +=
        ' No Mcp-Session-Id was readable after initialize; if the server uses sessions, it must expose that header to browsers.'
    }
    findings.push(f)
    return result
  }
  for (const t of listResult['tools']) {
    if (!isObject(t) || typeof t['name'] !== 'string') continue
    const tool: McpTool = { name: t['name'] }
    if (typeof t['description'] === 'string') tool.description = t['description']
    result.tools.push(tool)
  }
  const duplicates = duplicateNames(result.tools.map((t) => t.name))
  if (duplicates.length) {
    findings.push(
      finding('mcp-tool-names-duplicate', 'warning', 'mcp-tools', {
        title: `tools/list names ${duplicates.length === 1 ? 'a tool' : 'tools'} more than once`,
        detail: `These names appear more than once: ${duplicates.map((n) => JSON.stringify(clip(n, 80))).join(', ')}. MCP says a tool name is its unique identifier within the server ("name: Unique identifier for the tool"); clients and connectors key tools by name, so only one of each can be called, and some reject the whole list.`,
        fix: 'Give every tool a unique name in tools/list.',
        spec: 'MCP 2025-11-25 Server Features › Tools (Tool.name)',
        data: { names: duplicates.slice(0, 20) },
      }),
    )
  }
  result.ok = true
  return result
}

/** Names that occur more than once, each listed once, in order of first repeat. */
function duplicateNames(names: readonly string[]): string[] {
  const seen = new Set<string>()
  const dup = new Set<string>()
  for (const n of names) (seen.has(n) ? dup : seen).add(n)
  return [...dup]
}

// ---------------------------------------------------------------------------------------------
// 7. cross-checks

export interface CrossCheckInput {
  /** Decoded access-token claims, when the token is a JWT (informational: the resource server decides). */
  accessTokenClaims?: Record<string, unknown>
  /** The resource that was requested (the canonical MCP URL). */
  resource: string
  challengeScope?: string
  /** scope from the token response (undefined: omitted, meaning "as requested", RFC 6749 §5.1). */
  grantedScope?: string
}

/** Step 7: token audience against the resource, granted scopes against the challenge. */
export function crossChecks(input: CrossCheckInput): Finding[] {
  const findings: Finding[] = []
  const step = 'mcp-tools'
  const claims = input.accessTokenClaims
  if (claims && 'aud' in claims) {
    const aud = claims['aud']
    const auds = Array.isArray(aud)
      ? aud.filter((a): a is string => typeof a === 'string')
      : typeof aud === 'string'
        ? [aud]
        : []
    if (!auds.includes(input.resource)) {
      findings.push(
        finding('access-token-audience-mismatch', 'error', step, {
          title: 'The access token is not for this MCP server',
          detail: `The token's aud is ${auds.length ? auds.map((a) => `"${clip(a, 120)}"`).join(', ') : '(empty)'}, the resource requested is "${input.resource}". MCP servers MUST reject tokens not issued for them, so this token should be refused. (Informational: the client reads the token only to diagnose; the resource server decides.)`,
          fix: 'Have the authorization server honour the resource parameter (RFC 8707) and put it in aud, character for character.',
          spec: 'RFC 8707 §2; RFC 9068 §3, §4; MCP 2025-11-25 Token Handling',
          data: { aud: auds, resource: input.resource },
        }),
      )
    }
  }
  if (input.challengeScope && input.grantedScope !== undefined) {
    const granted = new Set(input.grantedScope.split(/\s+/).filter(Boolean))
    const missing = input.challengeScope.split(/\s+/).filter((s) => s && !granted.has(s))
    if (missing.length) {
      findings.push(
        finding('granted-scope-narrower', 'warning', step, {
          title: `The token lacks scope${missing.length > 1 ? 's' : ''} the MCP server asked for: ${missing.join(' ')}`,
          detail: `The challenge asked for "${clip(input.challengeScope)}", the token response granted "${clip(input.grantedScope)}". The server may answer 403 insufficient_scope for some tools.`,
          fix: 'Grant the scopes named in the challenge, or name only the scopes the server really needs.',
          spec: 'RFC 6749 §3.3, §5.1; MCP 2025-11-25 Scope Selection Strategy',
          data: { missing },
        }),
      )
    }
  }
  return findings
}
