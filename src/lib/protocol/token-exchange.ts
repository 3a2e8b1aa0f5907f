/**
 * Token request step: the exact request oauth4webapi builds (shown before it is sent, with a curl
 * equivalent), the exchange itself, and the processing of the raw response.
 * @see https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc7636.html#section-4.5
 */
import { missingEndpoint } from '../diagnosis/rules'
import { finding } from '../diagnosis/finding'
import * as oauth from 'oauth4webapi'
import type { Finding, FlowSnapshot, HttpExchange, RecordedRequest } from '../model/types'
import { Recorder, browserAddedHeaders, requestHeadersToList, type FetchLike } from '../platform/recorder'
import { asAuthorizationServer, clientAuthFor, insecureAllowed } from '../platform/o4w'
import { parseJsonObject } from '../platform/text'
import { explainError } from '../diagnosis/explain'
import { clientAuthUsed } from '../diagnosis/client-auth'
import { dpopBindingFindings, dpopPreflightFinding, dpopTokenTypeFinding } from '../diagnosis/dpop'
import { sendWithDpopNonceRetry, type DpopUse } from './dpop'

export type { DpopUse }

export { toCurl } from '../platform/curl'

class PreviewOnly extends Error {
  constructor(readonly request: RecordedRequest) {
    super('preview only')
  }
}

/** Extra token request parameters: resource (RFC 8707 §2.2) when configured. */
function additionalParameters(snapshot: FlowSnapshot): Record<string, string> {
  return snapshot.config.resource ? { resource: snapshot.config.resource } : {}
}

/**
 * The request oauth4webapi would send, captured without sending anything: a customFetch that
 * records the call and stops. This is what "the exact HTTP request" shows.
 */
export async function previewTokenRequest(
  snapshot: FlowSnapshot,
  validated: URLSearchParams,
  secret: string,
  pageOrigin: string,
  dpop?: DpopUse,
): Promise<RecordedRequest> {
  const md = snapshot.metadata
  if (!md?.token_endpoint) throw new Error('No token endpoint: discover it or enter it by hand.')
  if (!snapshot.pkce) throw new Error('No PKCE verifier in this flow.')
  const capture: FetchLike = async (url, init = {}) => {
    // A DPoP proof is shown without its signature (it is never sent from here anyway).
    const headers = requestHeadersToList(init.headers)
    const body = init.body instanceof URLSearchParams ? init.body.toString() : String(init.body ?? '')
    throw new PreviewOnly({
      method: init.method ?? 'POST',
      url,
      headers,
      browserAdded: browserAddedHeaders(init.method ?? 'POST', url, pageOrigin),
      body,
    })
  }
  try {
    await oauth.authorizationCodeGrantRequest(
      asAuthorizationServer(md),
      { client_id: snapshot.config.client_id },
      clientAuthFor(snapshot.config.client_auth, secret),
      validated,
      snapshot.config.redirect_uri,
      snapshot.pkce.code_verifier,
      {
        [oauth.customFetch]: capture,
        [oauth.allowInsecureRequests]: insecureAllowed(md.token_endpoint, snapshot.config.allow_insecure_loopback),
        additionalParameters: additionalParameters(snapshot),
        ...(dpop ? { DPoP: dpop.handle } : {}),
      },
    )
  } catch (err) {
    if (err instanceof PreviewOnly) return err.request
    throw err
  }
  throw new Error('oauth4webapi did not call fetch')
}

/** Does this request trigger a CORS preflight? (client_secret_basic adds Authorization, DPoP a DPoP header.) */
export function tokenRequestNeedsPreflight(snapshot: FlowSnapshot, dpop = false): boolean {
  return dpop || snapshot.config.client_auth === 'client_secret_basic'
}

export interface TokenOutcome {
  /** HTTP status, 0 when the browser could not read the response. */
  status: number
  body?: Record<string, unknown>
  /** oauth4webapi accepted the response (its own, lenient checks). */
  processed: boolean
  findings: Finding[]
}

/**
 * Sends the token request through `recorder` and processes the raw response with oauth4webapi.
 * The caller must mark the code as used *before* calling (a code is never sent twice by the
 * playground — with one exception the spec defines: with DPoP, a use_dpop_nonce answer means the
 * server refused the request before looking at the grant (RFC 9449 §8), so the same request is
 * sent ONCE more with a proof carrying the nonce; both exchanges are recorded).
 */
export async function exchangeCode(
  snapshot: FlowSnapshot,
  validated: URLSearchParams,
  secret: string,
  recorder: Recorder,
  dpop?: DpopUse,
): Promise<TokenOutcome> {
  const md = snapshot.metadata
  const findings: Finding[] = []
  if (!md?.token_endpoint || !snapshot.pkce) {
    return {
      status: 0,
      processed: false,
      findings: [missingEndpoint('token_endpoint', 'token')],
    }
  }
  const as = asAuthorizationServer(md)
  const client: oauth.Client = { client_id: snapshot.config.client_id }
  const maxAge = maxAgeRequested(snapshot.authorization?.params)
  const expected = {
    ...(snapshot.authorization?.nonce ? { expectedNonce: snapshot.authorization.nonce } : {}),
    // max_age sent: the ID token must carry auth_time, no older than that (OIDC Core §3.1.2.1, §3.1.3.7)
    ...(maxAge !== undefined ? { maxAge } : {}),
  }
  const pkce = snapshot.pkce
  const send = (): Promise<Response> =>
    oauth.authorizationCodeGrantRequest(
      as,
      client,
      clientAuthFor(snapshot.config.client_auth, secret),
      validated,
      snapshot.config.redirect_uri,
      pkce.code_verifier,
      {
        [oauth.customFetch]: recorder.fetch,
        [oauth.allowInsecureRequests]: insecureAllowed(md.token_endpoint, snapshot.config.allow_insecure_loopback),
        additionalParameters: additionalParameters(snapshot),
        ...(dpop ? { DPoP: dpop.handle } : {}),
      },
    )
  recorder.label = 'Token request (authorization_code grant)'
  let response: Response
  try {
    const sent = await sendWithDpopNonceRetry(
      dpop,
      send,
      (r) => oauth.processAuthorizationCodeResponse(as, client, r, expected),
      recorder,
      'token',
      'token endpoint',
    )
    response = sent.response
    findings.push(...sent.findings)
  } catch (err) {
    const ex = recorder.exchanges.at(-1)
    // With DPoP the browser asked first (a preflight); whether the preflight or the answer failed is
    // hidden from the page. A request without the DPoP header (CORS-simple, an invalid code: nothing
    // is consumed) tells them apart: readable, so the preflight refused "dpop"; blocked too, so the
    // answers lack Access-Control-Allow-Origin and the token request itself may have been processed.
    const probe =
      dpop && err instanceof TypeError && ex?.cors === 'preflight-failed' && !tokenRequestNeedsPreflight(snapshot)
        ? await simpleCorsProbe(md.token_endpoint, snapshot, recorder)
        : undefined
    findings.push(tokenNetworkFinding(err, ex, md.token_endpoint, snapshot, dpop !== undefined, probe))
    return { status: 0, processed: false, findings }
  }
  const ex = recorder.exchanges.at(-1)
  const body = parseJsonObject(ex?.response?.body)
  try {
    await oauth.processAuthorizationCodeResponse(as, client, response, expected)
    if (dpop && body) {
      const tokenType = body.token_type
      const advertised =
        Array.isArray(md.dpop_signing_alg_values_supported) && md.dpop_signing_alg_values_supported.length > 0
      const f = dpopTokenTypeFinding({ proofSent: true, tokenType, advertised, step: 'token' })
      if (f) findings.push(f)
      findings.push(
        ...dpopBindingFindings({
          ...(typeof body.access_token === 'string' ? { accessToken: body.access_token } : {}),
          tokenType,
          thumbprint: dpop.thumbprint,
          step: 'token',
        }),
      )
    }
    return { status: response.status, ...(body ? { body } : {}), processed: true, findings }
  } catch (err) {
    const f = explainError(err, { step: 'token', operation: 'token', url: md.token_endpoint })
    if (response.status >= 400) {
      f.id = 'token-request-rejected'
      f.data = {
        ...(f.data ?? {}),
        status: response.status,
        error: typeof body?.error === 'string' ? body.error : null,
      }
      if (body?.error === 'invalid_client') {
        f.detail = `${f.detail} ${clientAuthUsed(snapshot.config.client_auth, md.token_endpoint_auth_methods_supported)}`
        f.data.client_auth = snapshot.config.client_auth
      }
    }
    findings.push(f)
    return { status: response.status, ...(body ? { body } : {}), processed: false, findings }
  }
}

/**
 * A CORS-simple POST to the token endpoint (form body, no DPoP or Authorization header) with a code
 * that cannot exist: recorded, it consumes nothing. 'readable' when the browser let the page read
 * the answer, 'blocked' when it did not.
 */
async function simpleCorsProbe(
  endpoint: string,
  snapshot: FlowSnapshot,
  recorder: Recorder,
): Promise<'readable' | 'blocked'> {
  const label = recorder.label
  recorder.label = 'CORS probe: the same endpoint without the DPoP header (an invalid code; nothing is consumed)'
  try {
    await recorder.fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'pkce-playground-cors-probe',
        client_id: snapshot.config.client_id,
        redirect_uri: snapshot.config.redirect_uri,
      }),
      redirect: 'manual',
    })
    return 'readable'
  } catch {
    return 'blocked'
  } finally {
    recorder.label = label
  }
}

function tokenNetworkFinding(
  err: unknown,
  ex: HttpExchange | undefined,
  endpoint: string,
  snapshot: FlowSnapshot,
  dpop = false,
  probe?: 'readable' | 'blocked',
): Finding {
  const verdict = ex?.cors
  const corsDetail = ex?.corsDetail
  if (!(err instanceof TypeError) || !verdict || verdict === 'not-checked') {
    return explainError(err, { step: 'token', operation: 'token', url: endpoint })
  }
  const preflight = probe === 'blocked' ? undefined : dpopPreflightFinding(ex, 'token', 'token endpoint', probe)
  if (preflight) return preflight
  // Blocked without the DPoP header too: the answers carry no CORS headers, so the preflight may
  // well have passed and the token request been processed (the code consumed).
  const simple = probe === 'blocked' || !tokenRequestNeedsPreflight(snapshot, dpop)
  const serverSide =
    'Server-side clients (ChatGPT and Claude connectors exchange the code from their servers) are not subject to CORS at all, so this result does not predict their behaviour — but they can be blocked by WAF, bot or IP rules that no browser test can see.'
  if (verdict === 'unreachable' || verdict === 'mixed-content' || verdict === 'local-network') {
    return finding('endpoint-unreachable', 'error', 'token', {
      title: 'The token endpoint could not be reached from this browser',
      detail: corsDetail ?? '',
      fix: 'Check the token endpoint URL, that the server runs, and its TLS certificate.',
      spec: 'RFC 6749 §3.2',
      data: { endpoint, verdict },
    })
  }
  return finding('cors-blocked', 'error', 'token', {
    title: 'Blocked by CORS: the token endpoint is reachable, but the browser hid its answer',
    detail: `${corsDetail ?? ''} ${
      probe === 'blocked'
        ? 'A second request without the DPoP header (a CORS "simple" one, with an invalid code) was blocked too: the endpoint’s answers carry no Access-Control-Allow-Origin for this origin. The preflight of the token request may well have passed, so the server may have processed it and consumed the authorization code. Check the server logs for the real outcome.'
        : simple
          ? 'Because a public client’s token request is a CORS "simple" request (a form POST without an Authorization header), the browser sent it without a preflight: the server most probably processed it and may have consumed the authorization code. Check the server logs for the real outcome.'
          : `This request needed a preflight (${dpop ? 'the DPoP header' : 'client_secret_basic adds an Authorization header'}); if the preflight failed, the token request was never sent and the code is unused.`
    } ${serverSide}`.trim(),
    fix: `Make the token endpoint send Access-Control-Allow-Origin for this origin (on success and error responses). Per-client CORS settings (e.g. "allowed web origins") are common: add the playground's origin to this client. Meanwhile, run the curl command shown here and paste the response back.`,
    spec: 'draft-ietf-oauth-browser-based-apps §6.3.3.4; RFC 9700 §2.6',
    data: { endpoint: 'token', url: endpoint, verdict, codeMayBeConsumed: simple },
  })
}

/**
 * The max_age the authorization request sent (an extra parameter), when it is a non-negative integer:
 * oauth4webapi then requires auth_time in the ID token and checks its age (OIDC Core §3.1.2.1,
 * §3.1.3.7). A malformed value is the authorization server's to refuse; it is not checked here.
 */
export function maxAgeRequested(params: ReadonlyArray<readonly [string, string]> | undefined): number | undefined {
  const raw = params?.find(([k]) => k === 'max_age')?.[1]
  return raw !== undefined && /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : undefined
}
