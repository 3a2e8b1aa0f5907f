// Step 1: an unauthenticated initialize, expecting 401 with a WWW-Authenticate challenge; and the
// canonical resource identifier of an MCP URL.
import * as oauth from 'oauth4webapi'
import { finding } from '../diagnosis/finding'
import { insecureAllowed, parseChallenges, type Challenge } from '../platform/o4w'
import { clip } from '../platform/text'
import type { Recorder } from '../platform/recorder'
import type { Finding } from '../model/types'
import { MCP_PROTOCOL_VERSION, type McpOptions, jsonRpc, initializeParams, mcpHeaders, unreachable } from './shared'

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
