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

export { effectiveMetadata } from './config-check'

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
  'dpop_signing_alg_values_supported',
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
  /** Why each earlier well-known URL did not give the metadata (404s are not failures). */
  const failures: AttemptFailure[] = []
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
      const explained = explainError(err, { step: 'discovery', operation: 'discovery', url: candidate.url })
      attempts.push({
        url: candidate.url,
        kind: candidate.kind,
        status: 0,
        outcome: 'network',
        note: ex?.corsDetail ?? explained.title,
        exchangeId: ex?.id ?? '',
      })
      const verdict = ex?.cors && ex.cors !== 'not-checked' ? ex.cors : undefined
      failures.push({ url: candidate.url, verdict, detail: ex?.corsDetail ?? '', finding: explained })
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
      findings.push(...earlierFailures(failures, candidate.url))
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
      const explained = explainError(err, { step: 'discovery', operation: 'discovery', url: candidate.url })
      attempts.push({
        url: candidate.url,
        kind: candidate.kind,
        status: response.status,
        outcome: 'error',
        note: explained.title,
        exchangeId,
      })
      failures.push({ url: candidate.url, detail: '', finding: explained })
    }
  }
  findings.push(...discoveryFailed(config.issuer, attempts, failures))
  return { result: { attempts }, findings }
}

/** One well-known URL that did not give the metadata, and why. */
interface AttemptFailure {
  url: string
  /** How the browser classified a request it could not read (CORS, unreachable…). */
  verdict?: string | undefined
  detail: string
  /** The library error, explained. */
  finding: Finding
}

const UNREADABLE = new Set(['blocked-by-cors', 'preflight-failed', 'redirected'])
const UNREACHABLE = new Set(['unreachable', 'mixed-content', 'local-network'])

/**
 * Discovery found the metadata at `found` after other well-known URLs failed. That is part of the
 * step's story: URLs the browser could not read (most servers answer 404 there, without CORS headers)
 * are one note; a URL that answered with something broken is one warning, because clients that try
 * it first — MCP clients try the RFC 8414 URL first — stop there.
 */
function earlierFailures(failures: readonly AttemptFailure[], found: string): Finding[] {
  const out: Finding[] = []
  const unreadable = failures.filter((f) => f.verdict !== undefined)
  if (unreadable.length) {
    out.push(
      finding('discovery-attempt-failed', 'info', 'discovery', {
        title: `Discovery found the metadata at ${found}; ${unreadable.length === 1 ? 'one other well-known URL was' : `${unreadable.length} other well-known URLs were`} not readable from this browser`,
        detail: `${unreadable.map((f) => `${f.url} (${f.verdict})`).join('; ')}. Servers usually answer 404 at well-known URLs they do not serve, often without CORS headers, so the browser hides the answer; that costs nothing here.`,
        fix: 'Nothing to fix, unless the metadata is meant to be served there too.',
        spec: 'RFC 8414 §3; OpenID Connect Discovery 1.0 §4',
        data: { urls: unreadable.map((f) => f.url), found },
      }),
    )
  }
  const broken = failures.filter((f) => f.verdict === undefined)
  for (const f of broken) {
    out.push(
      finding('discovery-attempt-failed', 'warning', 'discovery', {
        title: `${f.url} answers, but not with valid metadata: ${f.finding.title}`,
        detail: `${f.finding.detail} Discovery went on and found the metadata at ${found}, but clients that try ${f.url} first get this answer and stop (MCP clients try the RFC 8414 URL first).`,
        fix: `${f.finding.fix} Or answer 404 at ${f.url} so that clients move on.`,
        spec: f.finding.spec,
        data: { url: f.url, found, cause: f.finding.id },
      }),
    )
  }
  return out
}

/**
 * No well-known URL gave the metadata: one finding per cause, in the cause's own words — CORS
 * (the metadata may well exist; this browser cannot read it), unreachable, an answer that is not
 * valid metadata (issuer mismatch, HTML…), or nothing published at all (every URL 404).
 */
function discoveryFailed(
  issuer: string,
  attempts: readonly DiscoveryAttempt[],
  failures: readonly AttemptFailure[],
): Finding[] {
  const out: Finding[] = []
  const blocked = failures.filter((f) => f.verdict && UNREADABLE.has(f.verdict))
  const unreachable = failures.filter((f) => f.verdict && UNREACHABLE.has(f.verdict))
  const other = failures.filter((f) => !blocked.includes(f) && !unreachable.includes(f))
  const tried = attempts.map((a) => `${a.url} → ${a.status || a.outcome}`).join('; ')
  if (blocked.length) {
    out.push(
      finding('cors-blocked', 'error', 'discovery', {
        title: 'The browser could not read the metadata: no CORS headers at the well-known URLs',
        detail:
          `The requests to ${blocked.map((f) => f.url).join(' and ')} got no Access-Control-Allow-Origin for this page, so the browser hid the answers: from here the metadata and an error page (a 404 without CORS headers) look the same. A server-side client would see which it is. ${blocked[0]?.detail ?? ''} (Tried: ${tried}.)`.trim(),
        fix: 'Send Access-Control-Allow-Origin (this page origin, or *) on the metadata URL; OpenID Connect Discovery §4 says it SHOULD support CORS, and RFC 9700 §2.6 allows CORS on metadata and JWKS. Meanwhile, enter the endpoints by hand in Configure to go on.',
        spec: 'OpenID Connect Discovery 1.0 §4; RFC 9700 §2.6; draft-ietf-oauth-browser-based-apps §6.3.3.4',
        data: { urls: blocked.map((f) => f.url), verdict: blocked[0]?.verdict ?? null },
      }),
    )
  }
  if (unreachable.length) {
    out.push(
      finding('endpoint-unreachable', 'error', 'discovery', {
        title: `The issuer ${issuer} could not be reached from this browser`,
        detail:
          `${unreachable.map((f) => `${f.url} (${f.verdict})`).join('; ')}. ${unreachable[0]?.detail ?? ''}`.trim(),
        fix: 'Check the issuer URL, that the server is running, and that its TLS certificate is trusted.',
        spec: 'RFC 8414 §3',
        data: { urls: unreachable.map((f) => f.url), verdict: unreachable[0]?.verdict ?? null },
      }),
    )
  }
  // The same explained cause at several URLs (an issuer mismatch at each) is one finding.
  const byId = new Map<string, AttemptFailure[]>()
  for (const f of other) byId.set(f.finding.id, [...(byId.get(f.finding.id) ?? []), f])
  for (const group of byId.values()) {
    const first = group[0]
    if (!first) continue
    out.push({
      ...first.finding,
      ...(group.length > 1
        ? {
            detail: `${first.finding.detail} The same at ${group
              .slice(1)
              .map((f) => f.url)
              .join(', ')}.`,
          }
        : {}),
      data: { ...(first.finding.data ?? {}), urls: group.map((f) => f.url) },
    })
  }
  if (!out.length) {
    out.push(
      finding('discovery-failed', 'error', 'discovery', {
        title: 'No metadata is published at the well-known URLs',
        detail: `Every well-known URL for ${issuer} answered "not found" (${tried}).`,
        fix: 'Publish RFC 8414 or OpenID Connect Discovery metadata at one of these URLs (check the issuer too: a path issuer puts the well-known segment before the path in RFC 8414), or enter the authorization and token endpoints by hand in Configure and go on.',
        spec: 'RFC 8414 §3; OpenID Connect Discovery 1.0 §4',
        data: { urls: attempts.map((a) => a.url) },
      }),
    )
  }
  return out
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
