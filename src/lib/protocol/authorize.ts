/**
 * Authorization request step: the URL the browser is sent to, parameter by parameter.
 * @see https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636.html#section-4.3
 */
import * as oauth from 'oauth4webapi'
import type { AuthorizationRequest, FlowConfig, PkceState, ServerMetadata } from '../model/types'
import { wantsOpenId } from './navigation'

export { isSafeNavigationTarget, wantsOpenId } from './navigation'

/** New random state and (for OpenID Connect) nonce. */
export function newStateAndNonce(scope: string): { state: string; nonce?: string } {
  const state = oauth.generateRandomState()
  return wantsOpenId(scope) ? { state, nonce: oauth.generateRandomNonce() } : { state }
}

/**
 * Builds the authorization URL. Parameters already present in the endpoint's query are kept
 * (RFC 6749 §3.1: the query component MUST be retained).
 */
export function buildAuthorizationRequest(
  config: FlowConfig,
  metadata: ServerMetadata,
  pkce: PkceState,
  state: string,
  nonce?: string,
): AuthorizationRequest {
  if (!metadata.authorization_endpoint) {
    throw new Error('No authorization endpoint: discover it or enter it by hand in the Configure step.')
  }
  const url = new URL(metadata.authorization_endpoint)
  const set = (k: string, v: string) => url.searchParams.set(k, v)
  set('response_type', 'code')
  set('client_id', config.client_id)
  set('redirect_uri', config.redirect_uri)
  if (config.scope.trim()) set('scope', config.scope.trim())
  set('state', state)
  if (nonce) set('nonce', nonce)
  set('code_challenge', pkce.code_challenge)
  set('code_challenge_method', pkce.method)
  if (config.resource) set('resource', config.resource)
  for (const [k, v] of config.extra_params) {
    if (k.trim()) url.searchParams.append(k.trim(), v)
  }
  const params: Array<[string, string]> = []
  url.searchParams.forEach((v, k) => params.push([k, v]))
  return { url: url.href, state, ...(nonce ? { nonce } : {}), params }
}
