// The snapshot of a flow right before the redirect to the authorization server, for the core tests that
// run against the demo server (after-token, DPoP and PAR): a fresh PKCE pair and state (and a nonce
// when asked for), the config they came from, and the authorization request's parameters in the
// order the page sends them.
import { createHash, randomBytes } from 'node:crypto'
import { defaultConfig } from '../../src/lib/protocol/config'
import type { ClientAuthMethod, FlowSnapshot, ServerMetadata } from '../../src/lib/model/types'

export interface PendingFlow {
  snapshot: FlowSnapshot
  /** The authorization request's parameters (also in snapshot.authorization.params). */
  params: Array<[string, string]>
  state: string
}

export function pendingFlow(o: {
  origin: string
  metadata: ServerMetadata
  /** The Issuer field (default: the metadata's issuer). */
  issuer?: string
  clientId: string
  scope: string
  resource?: string
  clientAuth?: ClientAuthMethod
  /** Send a nonce (OpenID Connect); the snapshot keeps it for the ID token check. */
  nonce?: boolean
  /** More parameters, after state and nonce (e.g. prompt=consent). */
  extra?: Array<[string, string]>
}): PendingFlow {
  const redirectUri = `${o.origin}/`
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const state = randomBytes(8).toString('hex')
  const nonce = o.nonce ? randomBytes(8).toString('hex') : undefined
  const resource = o.resource ?? ''
  const config = {
    ...defaultConfig(redirectUri),
    issuer: o.issuer ?? o.metadata.issuer,
    client_id: o.clientId,
    scope: o.scope,
    resource,
    ...(o.clientAuth ? { client_auth: o.clientAuth } : {}),
  }
  const params: Array<[string, string]> = [
    ['client_id', o.clientId],
    ['redirect_uri', redirectUri],
    ['response_type', 'code'],
    ['scope', o.scope],
    ['state', state],
    ...(nonce ? ([['nonce', nonce]] as Array<[string, string]>) : []),
    ...(o.extra ?? []),
    ['code_challenge', challenge],
    ['code_challenge_method', 'S256'],
    ...(resource ? ([['resource', resource]] as Array<[string, string]>) : []),
  ]
  const snapshot: FlowSnapshot = {
    version: 1,
    runId: 'run',
    origin: o.origin,
    config,
    metadata: o.metadata,
    pkce: { method: 'S256', code_verifier: verifier, code_challenge: challenge },
    authorization: { url: '', state, ...(nonce ? { nonce } : {}), params },
    exchanges: [],
    findings: [],
    status: {},
  }
  return { snapshot, params, state }
}
