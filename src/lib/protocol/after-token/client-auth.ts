// Introspection and revocation: one client-authenticated request to either endpoint, and the finding
// for a server that refuses the client's authentication.
import * as oauth from 'oauth4webapi'
import type { Finding, FlowSnapshot } from '../../model/types'
import type { Recorder } from '../../platform/recorder'
import { asAuthorizationServer, clientAuthFor, insecureAllowed } from '../../platform/o4w'
import { parseJsonObject } from '../../platform/text'
import { finding } from '../../diagnosis/finding'
import { exchangeSince, failureFinding, missingEndpoint, oauthClient } from './shared'

type ClientAuthKind = 'introspection' | 'revocation'

const ENDPOINTS = {
  introspection: {
    member: 'introspection_endpoint',
    missing: 'introspection-endpoint-missing',
    what: 'token introspection',
    spec: 'RFC 8414 §2; RFC 7662 §4',
    request: oauth.introspectionRequest,
  },
  revocation: {
    member: 'revocation_endpoint',
    missing: 'revocation-endpoint-missing',
    what: 'token revocation',
    spec: 'RFC 8414 §2; RFC 7009 §2',
    request: oauth.revocationRequest,
  },
} as const

/** The server's answer to a client-authenticated introspection or revocation request. */
export interface ClientAuthAnswer {
  as: oauth.AuthorizationServer
  client: oauth.Client
  response: Response
  /** The response body as sent, when it is a JSON object. */
  body: Record<string, unknown> | undefined
  /** The endpoint URL. */
  url: string
}

/**
 * Sends `token` to the introspection or revocation endpoint with the configured client
 * authentication (and `token_type_hint` when given), recording the exchange under `label`. Returns
 * the answer, or the finding that ends the step: the endpoint is not in the metadata, or the request
 * failed. Step id and operation are `kind`. Never throws.
 */
export async function clientAuthRequest(
  kind: ClientAuthKind,
  snapshot: FlowSnapshot,
  token: string,
  secret: string,
  recorder: Recorder,
  hint: 'access_token' | 'refresh_token' | undefined,
  label: string,
): Promise<ClientAuthAnswer | { failure: Finding }> {
  const endpoint = ENDPOINTS[kind]
  const md = snapshot.metadata
  const url = md?.[endpoint.member]
  if (!md || !url) {
    return { failure: missingEndpoint(endpoint.missing, 'info', kind, endpoint.member, endpoint.what, endpoint.spec) }
  }
  const as = asAuthorizationServer(md)
  const client = oauthClient(snapshot)
  recorder.label = label
  const before = recorder.exchanges.length
  let response: Response
  try {
    response = await endpoint.request(as, client, clientAuthFor(snapshot.config.client_auth, secret), token, {
      [oauth.customFetch]: recorder.fetch,
      [oauth.allowInsecureRequests]: insecureAllowed(url, snapshot.config.allow_insecure_loopback),
      ...(hint ? { additionalParameters: { token_type_hint: hint } } : {}),
    })
  } catch (err) {
    return { failure: failureFinding(err, exchangeSince(recorder, before), { step: kind, operation: kind, url }) }
  }
  const ex = exchangeSince(recorder, before)
  const body = parseJsonObject(ex?.response?.body)
  return { as, client, response, body, url }
}

/** A refused client authentication at the introspection or revocation endpoint. */
export function clientAuthRejected(
  kind: ClientAuthKind,
  snapshot: FlowSnapshot,
  status: number,
  error: string | undefined,
): Finding {
  const publicClient = snapshot.config.client_auth === 'none'
  const what = kind === 'introspection' ? 'introspect tokens' : 'revoke its tokens'
  if (kind === 'introspection') {
    return finding('introspection-requires-client-auth', publicClient ? 'info' : 'warning', kind, {
      title: publicClient
        ? 'The introspection endpoint requires client authentication (a public client cannot use it)'
        : 'The introspection endpoint refused this client’s authentication',
      detail: publicClient
        ? `HTTP ${status}${error ? ` ${error}` : ''}: RFC 7662 §2.1 requires the caller to be authorized to introspect (client credentials or a separate token). Introspection is meant for resource servers; a public browser client usually cannot ${what}, and that is not a server defect.`
        : `HTTP ${status}${error ? ` ${error}` : ''} although the client authenticated with ${snapshot.config.client_auth}. The client may not be allowed to introspect, or the secret/method is wrong.`,
      fix: publicClient
        ? 'Nothing to fix for a browser client. To try introspection, use a confidential client (with its secret) or the resource server’s credentials.'
        : 'Check the client secret and the authentication method registered for introspection (introspection_endpoint_auth_method).',
      spec: 'RFC 7662 §2.1, §2.3',
      data: { status, error: error ?? null, clientAuth: snapshot.config.client_auth },
    })
  }
  return finding('revocation-requires-client-auth', 'warning', kind, {
    title: publicClient
      ? 'The revocation endpoint refused the public client'
      : 'The revocation endpoint refused this client’s authentication',
    detail: publicClient
      ? `HTTP ${status}${error ? ` ${error}` : ''}: a public client identifies itself with client_id only (RFC 7009 §2.1 with RFC 6749 §2.3, §3.2.1). If the server demands a secret, a browser app cannot ${what} at logout, and the browser-based-apps BCP says servers MUST NOT require shared-secret authentication from browser apps.`
      : `HTTP ${status}${error ? ` ${error}` : ''} although the client authenticated with ${snapshot.config.client_auth}. Check the secret and the method registered for revocation.`,
    fix: publicClient
      ? 'Let public clients revoke their own tokens with client_id only.'
      : 'Check the client secret and the authentication method registered for revocation (revocation_endpoint_auth_method).',
    spec: 'RFC 7009 §2.1; draft-ietf-oauth-browser-based-apps §6.3.3.1',
    data: { status, error: error ?? null, clientAuth: snapshot.config.client_auth },
  })
}
