/**
 * The one set of adapters between the playground's plain-JSON model and oauth4webapi: server
 * metadata picked member by member into an `AuthorizationServer`, the client authentication, the
 * options every request takes (the recording fetch, http only on loopback when allowed), and the
 * WWW-Authenticate challenges oauth4webapi parses.
 *
 * @see [oauth4webapi](https://github.com/panva/oauth4webapi)
 */
import * as oauth from 'oauth4webapi'
import type { ClientAuthMethod, ServerMetadata } from '../model/types'
import { isLoopbackHost } from './network'
import type { Recorder } from './recorder'

/** The metadata as oauth4webapi takes it, picked member by member (server JSON is never spread). */
export function asAuthorizationServer(md: ServerMetadata): oauth.AuthorizationServer {
  return {
    issuer: md.issuer,
    ...(md.authorization_endpoint ? { authorization_endpoint: md.authorization_endpoint } : {}),
    ...(md.token_endpoint ? { token_endpoint: md.token_endpoint } : {}),
    ...(md.jwks_uri ? { jwks_uri: md.jwks_uri } : {}),
    ...(md.userinfo_endpoint ? { userinfo_endpoint: md.userinfo_endpoint } : {}),
    ...(md.revocation_endpoint ? { revocation_endpoint: md.revocation_endpoint } : {}),
    ...(md.introspection_endpoint ? { introspection_endpoint: md.introspection_endpoint } : {}),
    ...(md.registration_endpoint ? { registration_endpoint: md.registration_endpoint } : {}),
    ...(md.pushed_authorization_request_endpoint
      ? { pushed_authorization_request_endpoint: md.pushed_authorization_request_endpoint }
      : {}),
    ...(md.dpop_signing_alg_values_supported
      ? { dpop_signing_alg_values_supported: md.dpop_signing_alg_values_supported }
      : {}),
    ...(md.id_token_signing_alg_values_supported
      ? { id_token_signing_alg_values_supported: md.id_token_signing_alg_values_supported }
      : {}),
    ...(md.authorization_response_iss_parameter_supported !== undefined
      ? { authorization_response_iss_parameter_supported: md.authorization_response_iss_parameter_supported }
      : {}),
  }
}

/** The client authentication for a configured method (RFC 6749 §2.3). */
export function clientAuthFor(method: ClientAuthMethod, secret: string): oauth.ClientAuth {
  switch (method) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(secret)
    case 'client_secret_post':
      return oauth.ClientSecretPost(secret)
    default:
      return oauth.None()
  }
}

/** http:// is allowed only for loopback hosts, and only when the user allowed it. */
export function insecureAllowed(url: string | undefined, allowInsecureLoopback: boolean): boolean {
  if (!url) return false
  try {
    const u = new URL(url)
    return u.protocol === 'http:' && isLoopbackHost(u.hostname) && allowInsecureLoopback
  } catch {
    return false
  }
}

/** The options every oauth4webapi request takes: the recording fetch, and http on loopback if allowed. */
export function o4wOptions(url: string | undefined, recorder: Recorder, allowInsecureLoopback: boolean) {
  return {
    // oauth4webapi types the init's body more widely than RequestInit; it only ever passes fetch bodies.
    [oauth.customFetch]: (u: string, init: oauth.CustomFetchOptions<string, unknown>) =>
      recorder.fetch(u, init as RequestInit),
    [oauth.allowInsecureRequests]: insecureAllowed(url, allowInsecureLoopback),
  }
}

/** A parsed WWW-Authenticate challenge (oauth4webapi's RFC 9110 parser), as plain JSON. */
export interface Challenge {
  /** Lower-cased auth scheme, e.g. "bearer". */
  scheme: string
  parameters: Record<string, string>
  token68?: string
}

/**
 * The challenges carried by a `WWWAuthenticateChallengeError` (or by its `cause`, as an error
 * explanation receives it), copied as plain JSON: string parameters only, at most 10 challenges of
 * 20 parameters. Anything else gives [].
 */
export function readChallenges(value: unknown): Challenge[] {
  const list: unknown = value instanceof oauth.WWWAuthenticateChallengeError ? value.cause : value
  const out: Challenge[] = []
  if (!Array.isArray(list)) return out
  for (const item of list.slice(0, 10)) {
    if (!item || typeof item !== 'object') continue
    const { scheme, parameters, token68 } = item as { scheme?: unknown; parameters?: unknown; token68?: unknown }
    if (typeof scheme !== 'string') continue
    const params: Record<string, string> = {}
    if (parameters && typeof parameters === 'object') {
      for (const [k, v] of Object.entries(parameters).slice(0, 20)) if (typeof v === 'string') params[k] = v
    }
    out.push({ scheme, parameters: params, ...(typeof token68 === 'string' && token68 ? { token68 } : {}) })
  }
  return out
}

/**
 * Parses a response's WWW-Authenticate with oauth4webapi's RFC 9110 parser. oauth4webapi does not
 * export the parser; it runs it inside every `process*Response` for a non-success status and throws
 * a WWWAuthenticateChallengeError holding the parsed challenges. Handing a clone of the response to
 * `processDynamicClientRegistrationResponse` (which expects 201) is the smallest such call.
 * Undefined when the header is absent, unreadable or unparseable.
 */
export async function parseChallenges(response: Response): Promise<Challenge[] | undefined> {
  if (response.status >= 200 && response.status < 300) return undefined
  if (!response.headers.get('www-authenticate')) return undefined
  try {
    await oauth.processDynamicClientRegistrationResponse(response.clone())
  } catch (err) {
    if (err instanceof oauth.WWWAuthenticateChallengeError) return readChallenges(err)
  }
  return undefined
}
