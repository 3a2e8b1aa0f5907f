/**
 * Discover step: RFC 8414 and OpenID Connect Discovery. Every well-known URL is tried in the order
 * the MCP authorization spec gives (which covers both specs), each request recorded, and the first
 * document that oauth4webapi accepts wins.
 * @see https://www.rfc-editor.org/rfc/rfc8414.html#section-3
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
import { finding } from '../diagnosis/finding'
import * as oauth from 'oauth4webapi'
import type { DiscoveryAttempt, DiscoveryResult, Finding, FlowConfig, ServerMetadata } from '../model/types'
import type { Recorder } from '../platform/recorder'
import { explainError } from '../diagnosis/explain'
import { isLoopbackHost } from '../platform/network'
import { parseJsonObject } from '../platform/text'

export { effectiveMetadata } from './config'

export interface WellKnownUrl {
  url: string
  kind: DiscoveryAttempt['kind']
  label: string
}

/**
 * The well-known URLs for an issuer, in the order to try them.
 * Without a path: RFC 8414, then OIDC. With a path (e.g. /tenant1): RFC 8414 inserted, OIDC
 * inserted, OIDC appended (MCP 2025-11-25 "Authorization Server Metadata Discovery").
 */
export function wellKnownUrls(issuer: string): WellKnownUrl[] {
  const u = new URL(issuer)
  const path = u.pathname.replace(/\/$/, '')
  const origin = u.origin
  if (!path) {
    return [
      {
        url: `${origin}/.well-known/oauth-authorization-server`,
        kind: 'oauth-authorization-server',
        label: 'OAuth 2.0 Authorization Server Metadata (RFC 8414 §3)',
      },
      {
        url: `${origin}/.well-known/openid-configuration`,
        kind: 'openid-configuration',
        label: 'OpenID Connect Discovery 1.0 §4',
      },
    ]
  }
  return [
    {
      url: `${origin}/.well-known/oauth-authorization-server${path}`,
      kind: 'oauth-authorization-server',
      label: 'RFC 8414 §3.1: well-known inserted before the issuer path',
    },
    {
      url: `${origin}/.well-known/openid-configuration${path}`,
      kind: 'openid-configuration-inserted',
      label: 'OIDC, inserted before the path (MCP fallback, RFC 8414 §5 style)',
    },
    {
      url: `${origin}${path}/.well-known/openid-configuration`,
      kind: 'openid-configuration',
      label: 'OIDC Discovery 1.0 §4: well-known appended to the issuer path',
    },
  ]
}

/** oauth4webapi options for a URL: allow http only on loopback hosts, and only when enabled. */
export function httpOptions(url: string, config: FlowConfig, recorder: Recorder) {
  let insecure: boolean
  try {
    const u = new URL(url)
    insecure = u.protocol === 'http:' && isLoopbackHost(u.hostname) && config.allow_insecure_loopback
  } catch {
    insecure = false
  }
  return {
    [oauth.customFetch]: recorder.fetch,
    [oauth.allowInsecureRequests]: insecure,
  }
}

const STRING_MEMBERS = [
  'authorization_endpoint',
  'token_endpoint',
  'jwks_uri',
  'userinfo_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
  'registration_endpoint',
  'end_session_endpoint',
  'pushed_authorization_request_endpoint',
  'service_documentation',
] as const
const ARRAY_MEMBERS = [
  'code_challenge_methods_supported',
  'token_endpoint_auth_methods_supported',
  'response_types_supported',
  'response_modes_supported',
  'grant_types_supported',
  'scopes_supported',
  'id_token_signing_alg_values_supported',
  'claims_supported',
  'subject_types_supported',
] as const
const BOOLEAN_MEMBERS = [
  'authorization_response_iss_parameter_supported',
  'require_pushed_authorization_requests',
  'client_id_metadata_document_supported',
] as const

/**
 * Picks the members the playground uses, member by member and type-checked, into a fresh object.
 * Server JSON is never merged or spread into state (prototype pollution, odd types).
 */
export function pickMetadata(doc: Record<string, unknown>, issuer: string): ServerMetadata {
  const out: ServerMetadata = { issuer }
  for (const key of STRING_MEMBERS) {
    const v = doc[key]
    if (typeof v === 'string') out[key] = v
  }
  for (const key of ARRAY_MEMBERS) {
    const v = doc[key]
    if (Array.isArray(v)) out[key] = v.filter((x): x is string => typeof x === 'string')
  }
  for (const key of BOOLEAN_MEMBERS) {
    const v = doc[key]
    if (typeof v === 'boolean') out[key] = v
  }
  return out
}

export interface DiscoveryOutcome {
  result: DiscoveryResult
  metadata?: ServerMetadata
  findings: Finding[]
}

/**
 * Runs discovery: tries each well-known URL, records each exchange, and validates the first 200
 * with oauth4webapi's processDiscoveryResponse (issuer identity, JSON shape).
 */
export async function discover(config: FlowConfig, recorder: Recorder): Promise<DiscoveryOutcome> {
  const findings: Finding[] = []
  const attempts: DiscoveryAttempt[] = []
  const issuer = new URL(config.issuer)
  for (const candidate of wellKnownUrls(config.issuer)) {
    recorder.label = `Discovery: ${candidate.label}`
    const before = recorder.exchanges.length
    let response: Response
    try {
      const opts = httpOptions(candidate.url, config, recorder)
      if (candidate.kind === 'openid-configuration-inserted') {
        // oauth4webapi only builds the two standard forms; this third form is requested directly.
        oauth.checkProtocol(new URL(candidate.url), !opts[oauth.allowInsecureRequests])
        response = await recorder.fetch(candidate.url, {
          method: 'GET',
          headers: { accept: 'application/json' },
          redirect: 'manual',
        })
      } else {
        response = await oauth.discoveryRequest(issuer, {
          ...opts,
          algorithm: candidate.kind === 'oauth-authorization-server' ? 'oauth2' : 'oidc',
        })
      }
    } catch (err) {
      const ex = recorder.exchanges[before]
      const finding = explainError(err, { step: 'discovery', operation: 'discovery', url: candidate.url })
      attempts.push({
        url: candidate.url,
        kind: candidate.kind,
        status: 0,
        outcome: 'network',
        note: ex?.corsDetail ?? finding.title,
        exchangeId: ex?.id ?? '',
      })
      if (ex?.cors && ex.cors !== 'not-checked') {
        findings.push(corsFinding(candidate.url, ex.cors, ex.corsDetail ?? ''))
      } else {
        findings.push(finding)
      }
      continue
    }
    const ex = recorder.exchanges[before]
    const exchangeId = ex?.id ?? ''
    if (response.status === 404 || response.status === 410) {
      attempts.push({
        url: candidate.url,
        kind: candidate.kind,
        status: response.status,
        outcome: 'not-found',
        note: 'Not found here; trying the next well-known location.',
        exchangeId,
      })
      continue
    }
    try {
      const as = await oauth.processDiscoveryResponse(issuer, response)
      // The recorded copy may be cut at the recording limit; oauth4webapi parsed the whole body.
      const doc =
        (ex?.response && !ex.response.bodyTruncated ? parseJsonObject(ex.response.body) : undefined) ??
        (as as unknown as Record<string, unknown>)
      const metadata = pickMetadata(doc, as.issuer)
      const shape = documentShape(doc, ex?.response?.body.length ?? 0, ex?.response?.bodyTruncated ?? false)
      if (shape) {
        findings.push(
          finding('metadata-too-large', 'warning', 'discovery', {
            title: 'The metadata document is unusually large or deeply nested',
            detail: `${shape} A metadata document is a flat JSON object of a few kilobytes; the playground uses the members it needs and does not keep or display the rest.`,
            fix: 'Serve a plain RFC 8414 / OpenID Connect Discovery document: a flat JSON object with the metadata members only.',
            spec: 'RFC 8414 §2, §3.2',
          }),
        )
        attempts.push({
          url: candidate.url,
          kind: candidate.kind,
          status: response.status,
          outcome: 'ok',
          note: 'Accepted (document too large or too deep to keep for display).',
          exchangeId,
        })
        return { result: { attempts, source: candidate.url }, metadata, findings }
      }
      attempts.push({
        url: candidate.url,
        kind: candidate.kind,
        status: response.status,
        outcome: 'ok',
        note: 'Accepted: a JSON object whose issuer matches.',
        exchangeId,
      })
      return { result: { attempts, document: doc, source: candidate.url }, metadata, findings }
    } catch (err) {
      const finding = explainError(err, { step: 'discovery', operation: 'discovery', url: candidate.url })
      attempts.push({
        url: candidate.url,
        kind: candidate.kind,
        status: response.status,
        outcome: 'error',
        note: finding.title,
        exchangeId,
      })
      findings.push(finding)
    }
  }
  findings.push(
    finding('discovery-failed', 'error', 'discovery', {
      title: 'No usable metadata document was found',
      detail: `None of the well-known URLs for ${config.issuer} returned valid metadata (${attempts
        .map((a) => `${a.url} → ${a.status || 'no answer'}`)
        .join('; ')}).`,
      fix: 'Publish RFC 8414 or OpenID Connect Discovery metadata at one of these URLs, or enter the authorization and token endpoints by hand in the Configure step and go on.',
      spec: 'RFC 8414 §3; OpenID Connect Discovery 1.0 §4',
    }),
  )
  return { result: { attempts }, findings }
}

/** Nesting deeper than this cannot be metadata; it is not kept (it would also break JSON.stringify). */
const MAX_DEPTH = 32

/** Why a document is not kept for display, or undefined when it is a normal size and shape. */
function documentShape(doc: unknown, length: number, truncated: boolean): string | undefined {
  if (truncated || length > 256 * 1024) return `It is ${truncated ? 'over 256 KiB' : `${length} bytes`}.`
  let depth = 0
  let level: unknown[] = [doc]
  while (level.length) {
    depth++
    if (depth > MAX_DEPTH) return `It nests more than ${MAX_DEPTH} levels deep.`
    const next: unknown[] = []
    for (const v of level) {
      if (v && typeof v === 'object') next.push(...Object.values(v as Record<string, unknown>))
    }
    level = next
  }
  return undefined
}

/** A finding for a request the browser did not let the page read. */
export function corsFinding(url: string, verdict: string, detail: string): Finding {
  if (verdict === 'unreachable') {
    return finding('endpoint-unreachable', 'error', 'discovery', {
      title: `Cannot reach ${url}`,
      detail,
      fix: 'Check the URL, that the server is running, and that its TLS certificate is trusted.',
      spec: 'RFC 8414 §3',
      data: { endpoint: url },
    })
  }
  return finding('cors-blocked', 'error', 'discovery', {
    title: `The browser blocked the response from ${url} (${verdict})`,
    detail,
    fix: 'Send Access-Control-Allow-Origin for this page origin (or *) on the metadata endpoint. OpenID Connect Discovery §4 says it SHOULD support CORS; RFC 9700 §2.6 allows CORS on metadata and JWKS.',
    spec: 'OpenID Connect Discovery 1.0 §4; RFC 9700 §2.6',
    data: { endpoint: url, verdict },
  })
}
