// CORS visibility: headers a cross-origin response may carry but the browser hides from the page.
import type { Finding, RecordedResponse, StepRef } from '../../model/types'
import { finding } from '../finding'
import { plain, isRecord, own, header, parseBody } from './shared'

/** Context of {@link lintCors}. */
export interface CorsLintContext {
  /** Which endpoint: 'token', 'discovery', 'jwks', 'userinfo', … (goes to data.endpoint). */
  endpoint: string
  /** The page origin, e.g. "https://playground.example". */
  pageOrigin: string
  /** Step of the findings; derived from endpoint by default. */
  step?: StepRef
}

const ENDPOINT_STEP: Record<string, StepRef> = {
  token: 'token',
  discovery: 'discovery',
  metadata: 'discovery',
  jwks: 'tokens',
  userinfo: 'tokens',
}

/**
 * Notes headers a cross-origin response may carry but the browser hides from the page because the
 * server does not list them in Access-Control-Expose-Headers. Never throws.
 *
 * @param res The recorded response (only readable headers are recorded).
 * @param ctx The endpoint name and the page origin.
 * @see [Fetch Standard: CORS-safelisted response-header name](https://fetch.spec.whatwg.org/#cors-safelisted-response-header-name)
 */
export function lintCors(res: RecordedResponse, ctx: CorsLintContext): Finding[] {
  const out: Finding[] = []
  try {
    const endpoint = typeof ctx?.endpoint === 'string' ? ctx.endpoint : 'unknown'
    const step: StepRef = ctx?.step ?? ENDPOINT_STEP[endpoint] ?? 'token'
    if (!crossOrigin(res, ctx?.pageOrigin)) return out
    if (res.status === 401 && header(res, 'www-authenticate') === undefined) {
      out.push(
        finding('www-authenticate-not-exposed', 'info', step, {
          title: 'HTTP 401, and the WWW-Authenticate header is not visible to the page',
          detail: `The ${plain(endpoint, 40)} endpoint answered 401. A 401 carries a WWW-Authenticate challenge, which may exist but is not in Access-Control-Expose-Headers: cross-origin, the browser only lets the page read CORS-safelisted headers plus the exposed ones. The challenge (scheme, error, resource_metadata) is therefore invisible here; server-side clients do see it.`,
          fix: 'Add "Access-Control-Expose-Headers: WWW-Authenticate" (and DPoP-Nonce if you use DPoP) to the endpoint\'s CORS responses.',
          spec: 'Fetch Standard §3.2.6 (CORS-safelisted response-header name); RFC 6749 §5.2; RFC 9110 §11.6.1',
          data: { endpoint: plain(endpoint, 40), status: 401 },
        }),
      )
    }
    if (res.status === 400 || res.status === 401) {
      const body = parseBody(res.body, header(res, 'content-type'))
      const error = body.format === 'json' && isRecord(body.json) ? own(body.json, 'error') : undefined
      if (error === 'use_dpop_nonce' && header(res, 'dpop-nonce') === undefined) {
        out.push(
          finding('dpop-nonce-not-exposed', 'warning', step, {
            title: 'use_dpop_nonce, but the DPoP-Nonce header is not visible to the page',
            detail: `The ${plain(endpoint, 40)} endpoint asks for a DPoP nonce, but the page cannot read the DPoP-Nonce header (not in Access-Control-Expose-Headers), so a browser client can never retry with it.`,
            fix: 'Add "Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate".',
            spec: 'RFC 9449 §8, §9; Fetch Standard §3.2.6',
            data: { endpoint: plain(endpoint, 40) },
          }),
        )
      }
    }
  } catch {
    // never throw
  }
  return out
}

function crossOrigin(res: RecordedResponse, pageOrigin: string | undefined): boolean {
  if (res?.type === 'cors') return true
  if (res?.type === 'basic') return false
  try {
    return typeof pageOrigin === 'string' && new URL(res.url).origin !== pageOrigin
  } catch {
    return false
  }
}
