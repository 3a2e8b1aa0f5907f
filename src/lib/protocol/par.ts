/**
 * Pushed authorization requests (RFC 9126): the authorization request's parameters are POSTed to
 * the PAR endpoint first (recorded, with a DPoP proof when DPoP is on), and the browser is then sent
 * to the authorization endpoint with only client_id and the request_uri it got back.
 * @see https://www.rfc-editor.org/rfc/rfc9126.html
 */
import * as oauth from 'oauth4webapi'
import type { Finding, FlowConfig, FlowSnapshot, ServerMetadata } from '../model/types'
import type { Recorder } from '../platform/recorder'
import { asAuthorizationServer, clientAuthFor, insecureAllowed } from '../platform/o4w'
import { parseJsonObject } from '../platform/text'
import { explainError } from '../diagnosis/explain'
import { parCorsFinding, parResponseFindings } from '../diagnosis/par'
import { exchangeSince, failureFinding } from './after-token/shared'
import { sendWithDpopNonceRetry, type DpopUse } from './dpop'

/** Is PAR used for this flow? On when configured, or when 'auto' (the default) and the metadata requires it. */
export function wantsPar(config: Pick<FlowConfig, 'par'>, metadata: ServerMetadata | undefined): boolean {
  const setting = config.par ?? 'auto'
  if (setting === 'on') return true
  if (setting === 'off') return false
  return metadata?.require_pushed_authorization_requests === true
}

export interface ParOutcome {
  /** HTTP status, 0 when the browser could not read the response. */
  status: number
  /** The request_uri to send to the authorization endpoint (when the server accepted the request). */
  request_uri?: string
  expires_in?: number
  /** The id of the (last) recorded PAR exchange. */
  exchangeId?: string
  findings: Finding[]
}

/**
 * Pushes the authorization request: `params` are the authorization request's parameters (as
 * buildAuthorizationRequest makes them; client_id is set by oauth4webapi). With `dpop`, the POST
 * carries a proof and a use_dpop_nonce answer is retried once. Step "authorization". Never throws.
 */
export async function pushAuthorizationRequest(
  snapshot: FlowSnapshot,
  params: URLSearchParams | ReadonlyArray<readonly [string, string]>,
  secret: string,
  recorder: Recorder,
  dpop?: DpopUse,
): Promise<ParOutcome> {
  const step = 'authorization' as const
  const md = snapshot.metadata
  const endpoint = md?.pushed_authorization_request_endpoint
  const findings: Finding[] = []
  if (!md || !endpoint) {
    findings.push(
      explainError(
        new oauth.OperationProcessingError(
          'authorization server metadata does not contain a valid "as.pushed_authorization_request_endpoint"',
          { code: oauth.MISSING_SERVER_METADATA },
        ),
        { step, operation: 'par' },
      ),
    )
    return { status: 0, findings }
  }
  const body = new URLSearchParams()
  for (const [k, v] of params) if (k !== 'client_id') body.append(k, v)
  const as = asAuthorizationServer(md)
  const client: oauth.Client = { client_id: snapshot.config.client_id }
  const send = (): Promise<Response> =>
    oauth.pushedAuthorizationRequest(as, client, clientAuthFor(snapshot.config.client_auth, secret), body, {
      [oauth.customFetch]: recorder.fetch,
      [oauth.allowInsecureRequests]: insecureAllowed(endpoint, snapshot.config.allow_insecure_loopback),
      ...(dpop ? { DPoP: dpop.handle } : {}),
    })
  recorder.label = 'Pushed authorization request (PAR)'
  const before = recorder.exchanges.length
  let response: Response
  try {
    const sent = await sendWithDpopNonceRetry(
      dpop,
      send,
      (r) => oauth.processPushedAuthorizationResponse(as, client, r),
      recorder,
      step,
      'pushed authorization request endpoint',
    )
    response = sent.response
    findings.push(...sent.findings)
  } catch (err) {
    const ex = exchangeSince(recorder, before)
    findings.push(parCorsFinding(ex, step) ?? failureFinding(err, ex, { step, operation: 'par', url: endpoint }))
    return { status: 0, ...(ex ? { exchangeId: ex.id } : {}), findings }
  }
  const ex = exchangeSince(recorder, before)
  const exchangeId = ex?.id
  const raw = parseJsonObject(ex?.response?.body)
  if (response.status === 201) findings.push(...parResponseFindings(raw, step))
  try {
    const result = await oauth.processPushedAuthorizationResponse(as, client, response)
    return {
      status: response.status,
      request_uri: result.request_uri,
      expires_in: result.expires_in,
      ...(exchangeId ? { exchangeId } : {}),
      findings,
    }
  } catch (err) {
    findings.push(explainError(err, { step, operation: 'par', url: endpoint }))
    return { status: response.status, ...(exchangeId ? { exchangeId } : {}), findings }
  }
}

/**
 * The authorization URL after a pushed request: the endpoint (its own query kept, RFC 6749 §3.1)
 * with only client_id and request_uri (RFC 9126 §4).
 */
export function parAuthorizationUrl(metadata: ServerMetadata, client_id: string, request_uri: string): string {
  if (!metadata.authorization_endpoint) {
    throw new Error('No authorization endpoint: discover it or enter it by hand in the Configure step.')
  }
  const url = new URL(metadata.authorization_endpoint)
  url.searchParams.set('client_id', client_id)
  url.searchParams.set('request_uri', request_uri)
  return url.href
}
