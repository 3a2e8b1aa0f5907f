// Step 4: the client registration, in the MCP priority order: pre-registered client id, Client ID
// Metadata Document, RFC 7591 dynamic registration.
import * as oauth from 'oauth4webapi'
import { explainError } from '../diagnosis/explain'
import { finding } from '../diagnosis/finding'
import { o4wOptions as options } from '../platform/o4w'
import { clip } from '../platform/text'
import type { Recorder } from '../platform/recorder'
import type { Finding, ServerMetadata } from '../model/types'
import { parseJson, isObject } from './shared'

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
    const authChange = result.changes.find((c) => c.field === 'token_endpoint_auth_method')
    // Omitted with no secret issued: Basic is impossible, the client can only be public; the
    // response still should carry what was registered (RFC 7591 §3.2.1): a warning, not a failure.
    const authOmitted = Boolean(authChange?.returned.startsWith('(absent')) && !result.client_secret_issued
    const authChanged = Boolean(authChange) && !authOmitted
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
          : authOmitted && result.changes.length === 1
            ? 'The registration response omits token_endpoint_auth_method'
            : 'The server registered different metadata than requested',
        detail: `RFC 7591 §3.2.1 lets the server change metadata and says the response is what counts: ${lines.join('; ')}.${
          authChanged
            ? ' A browser app cannot keep a secret (it must be a public client, "none"); the token request will fail with invalid_client unless the server accepts "none" for this client. RFC 7591 defaults to client_secret_basic when the member is omitted.'
            : ''
        }${
          authOmitted
            ? ' No client_secret was issued, so the client can only be public ("none"); but the response should say so, and a client that applies the client_secret_basic default to an omitted member would try Basic authentication without a secret.'
            : ''
        }${redirectLost ? ` The redirect URI ${opts.redirectUri} is not registered, so the authorization request will be refused.` : ''}`,
        fix: authChanged
          ? 'Honour token_endpoint_auth_method "none" in dynamic registration (list "none" in token_endpoint_auth_methods_supported).'
          : authOmitted
            ? 'Return every registered member in the registration response, including "token_endpoint_auth_method": "none".'
            : 'Register the metadata as requested, or document the policy that changes it.',
        spec: 'RFC 7591 §2, §3.2.1; MCP 2026-07-28 Client Registration',
        data: { changes: lines },
      }),
    )
  }
  return result
}
