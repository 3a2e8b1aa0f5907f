/**
 * Telling apart why a cross-origin fetch failed. The browser rejects every failure with the same
 * TypeError ("Failed to fetch") and hides the reason from JavaScript; what the page *can* know:
 * - statically: mixed content (https page → http endpoint that is not loopback), a request that
 *   needs a CORS preflight (an Authorization header, a JSON body), a public page → private address;
 * - by a `mode: 'no-cors'` probe: it resolves (opaque) when the server is reachable and rejects
 *   when it is not. That separates "blocked by CORS, server reachable" from "server unreachable".
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import type { CorsVerdict } from '../model/types'
import type { FetchLike } from './recorder'

import { isLoopbackHost } from './hosts'

export { isLoopbackHost }

/** RFC 1918 / link-local / unique-local / .local names: "local network" for Local Network Access. */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return (
    /^10\./.test(h) ||
    /^192\.168\./.test(h) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(h) ||
    /^169\.254\./.test(h) ||
    /^f[cd][0-9a-f]{2}:/.test(h) ||
    /^fe80:/.test(h) ||
    h.endsWith('.local')
  )
}

/** Is a request "simple" (no preflight) per the Fetch standard? Only the parts OAuth uses. */
export function needsPreflight(method: string, headers: HeadersInit | undefined): boolean {
  const m = method.toUpperCase()
  if (m !== 'GET' && m !== 'HEAD' && m !== 'POST') return true
  const safelisted = new Set(['accept', 'accept-language', 'content-language', 'content-type', 'range'])
  let preflight = false
  new Headers(headers ?? {}).forEach((value, name) => {
    if (!safelisted.has(name)) preflight = true
    if (name === 'content-type') {
      const essence = value.split(';')[0]?.trim().toLowerCase()
      if (
        essence !== 'application/x-www-form-urlencoded' &&
        essence !== 'multipart/form-data' &&
        essence !== 'text/plain'
      ) {
        preflight = true
      }
    }
  })
  return preflight
}

export interface StaticCheck {
  verdict: CorsVerdict
  detail: string
}

/** What can be said before sending anything. Returns undefined when nothing blocks statically. */
export function staticCheck(url: string, pageUrl: string): StaticCheck | undefined {
  let target: URL
  let page: URL
  try {
    target = new URL(url)
    page = new URL(pageUrl)
  } catch {
    return { verdict: 'unreachable', detail: `"${url}" is not an absolute URL.` }
  }
  if (page.protocol === 'https:' && target.protocol === 'http:' && !isLoopbackHost(target.hostname)) {
    return {
      verdict: 'mixed-content',
      detail: `This page is served over https and the endpoint uses plain http (${target.origin}). Browsers block such "mixed content" requests before they leave the browser (loopback addresses excepted). Serve the endpoint over https (RFC 6749 §3.1 and §3.2 require TLS anyway).`,
    }
  }
  const pagePublic = !isLoopbackHost(page.hostname) && !isPrivateHost(page.hostname)
  if (pagePublic && (isLoopbackHost(target.hostname) || isPrivateHost(target.hostname))) {
    return {
      verdict: 'local-network',
      detail: `This page is on a public origin (${page.origin}) and the endpoint is on ${isLoopbackHost(target.hostname) ? 'this computer (loopback)' : 'a private network'} (${target.origin}). Chromium asks for "Local Network Access" permission for such requests and fails them when it is refused. Allow the prompt, or run the playground itself locally (npm start) so that both sides are local.`,
    }
  }
  return undefined
}

export type Probe = (url: string) => Promise<'reachable' | 'unreachable'>

/** A `no-cors` GET: resolves opaque when the server answers at all, rejects when it cannot be reached. */
export function makeNoCorsProbe(fetchImpl: FetchLike): Probe {
  return async (url) => {
    try {
      await fetchImpl(url, { mode: 'no-cors', method: 'GET', cache: 'no-store', redirect: 'follow' })
      return 'reachable'
    } catch {
      return 'unreachable'
    }
  }
}

/**
 * Classifies a fetch that rejected with a TypeError.
 * @param url the endpoint
 * @param init the request that failed (method and headers decide whether a preflight was needed)
 * @param pageUrl the page's own URL (location.href)
 * @param probe a no-cors reachability probe
 */
export async function classifyFailure(
  url: string,
  init: RequestInit,
  pageUrl: string,
  probe: Probe,
): Promise<{ verdict: CorsVerdict; detail: string }> {
  const pageOrigin = new URL(pageUrl).origin
  const stat = staticCheck(url, pageUrl)
  if (stat && stat.verdict !== 'local-network') return stat
  const reach = await probe(url)
  if (reach === 'unreachable') {
    if (stat) return stat
    return {
      verdict: 'unreachable',
      detail: `The browser could not reach ${safeOrigin(url)} at all (a no-cors probe failed too): the server is down, the host name does not resolve, the TLS certificate is not trusted by this browser, or an extension or proxy blocked it. Open ${url} in a new tab to see the browser's own error.`,
    }
  }
  const method = (init.method ?? 'GET').toUpperCase()
  if (needsPreflight(method, init.headers)) {
    return {
      verdict: 'preflight-failed',
      detail: `The server is reachable, but this request needs a CORS preflight (an OPTIONS request first, because of ${preflightReason(method, init.headers)}) and the browser refused it or the answer to it. The request itself was never sent. The server must answer OPTIONS ${safePath(url)} with 2xx, Access-Control-Allow-Origin: ${pageOrigin}, Access-Control-Allow-Methods: ${method} and Access-Control-Allow-Headers listing ${listedHeaders(init.headers)} — and send Access-Control-Allow-Origin on the real response too.`,
    }
  }
  return {
    verdict: 'blocked-by-cors',
    detail: `The server is reachable (a no-cors probe got an answer), but its response to this request carried no Access-Control-Allow-Origin header allowing ${pageOrigin}, so the browser hid the response from the page. The server must send Access-Control-Allow-Origin: ${pageOrigin} (or *) on this endpoint — on error responses (4xx/5xx) too, or the page can never read the OAuth error.${method === 'POST' ? ' This was a "simple" request (no preflight), so it most probably reached the server and was processed.' : ''}`,
  }
}

function preflightReason(method: string, headers: HeadersInit | undefined): string {
  const reasons: string[] = []
  if (!['GET', 'HEAD', 'POST'].includes(method)) reasons.push(`the ${method} method`)
  new Headers(headers ?? {}).forEach((value, name) => {
    if (name === 'authorization') reasons.push('the Authorization header (client_secret_basic or a Bearer token)')
    else if (name === 'content-type' && needsPreflight('POST', { 'content-type': value }))
      reasons.push(`Content-Type: ${value}`)
    else if (!['accept', 'accept-language', 'content-language', 'content-type', 'range'].includes(name))
      reasons.push(`the ${name} header`)
  })
  return reasons.join(', ') || 'its headers'
}

function listedHeaders(headers: HeadersInit | undefined): string {
  const names: string[] = []
  new Headers(headers ?? {}).forEach((_v, name) => {
    if (!['accept', 'accept-language', 'content-language'].includes(name)) names.push(name)
  })
  return names.join(', ') || 'the request headers'
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}
