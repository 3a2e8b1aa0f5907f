// What the MCP steps share: the protocol version and client info offered, the step ids, options,
// JSON-RPC framing and the finding for a server that cannot be reached.
import { finding } from '../diagnosis/finding'
import type { Recorder } from '../platform/recorder'
import type { Finding, StepRef } from '../model/types'

/** Newest MCP protocol revision the playground speaks (the SDK's LATEST_PROTOCOL_VERSION). */
export const MCP_PROTOCOL_VERSION = '2025-11-25'
export const MCP_CLIENT_INFO = { name: 'pkce-playground', version: '1.0.0' } as const

export interface McpOptions {
  /** Allow http:// on loopback hosts (localhost, 127.0.0.0/8, [::1]). */
  allowInsecureLoopback?: boolean
  /** MCP-Protocol-Version to offer (default {@link MCP_PROTOCOL_VERSION}). */
  protocolVersion?: string
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

export function jsonRpc(id: number | undefined, method: string, params?: Record<string, unknown>): string {
  const msg: Record<string, unknown> = { jsonrpc: '2.0', method }
  if (id !== undefined) msg['id'] = id
  if (params) msg['params'] = params
  return JSON.stringify(msg)
}

export function initializeParams(protocolVersion: string) {
  return { protocolVersion, capabilities: {}, clientInfo: { ...MCP_CLIENT_INFO } }
}

export function mcpHeaders(protocolVersion: string, sessionId?: string): Record<string, string> {
  const h: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
    'mcp-protocol-version': protocolVersion,
  }
  if (sessionId) h['mcp-session-id'] = sessionId
  return h
}

export function unreachable(step: StepRef, url: string, recorder: Recorder, before: number, err: unknown): Finding {
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
