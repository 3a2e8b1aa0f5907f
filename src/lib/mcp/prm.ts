// Step 2: the protected resource metadata (RFC 9728), from the challenge URL or the well-known URLs;
// and step 5, the scopes to request (MCP 2025-11-25 Scope Selection Strategy).
import * as oauth from 'oauth4webapi'
import { explainError } from '../diagnosis/explain'
import { finding } from '../diagnosis/finding'
import { o4wOptions as options } from '../platform/o4w'
import { clip } from '../platform/text'
import type { Recorder } from '../platform/recorder'
import type { Finding } from '../model/types'
import { canonicalMcpUrl, type McpChallenge } from './probe'
import { type McpOptions, parseJson, isObject } from './shared'

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
