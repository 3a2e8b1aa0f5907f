// Step 6: an MCP session with the access token over Streamable HTTP (initialize, then tools/list).
import * as oauth from 'oauth4webapi'
import { explainError } from '../diagnosis/explain'
import { finding } from '../diagnosis/finding'
import { o4wOptions as options, type Challenge } from '../platform/o4w'
import { clip } from '../platform/text'
import type { Recorder } from '../platform/recorder'
import type { Finding } from '../model/types'
import {
  MCP_PROTOCOL_VERSION,
  type McpOptions,
  parseJson,
  isObject,
  jsonRpc,
  initializeParams,
  mcpHeaders,
  unreachable,
} from './shared'

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
