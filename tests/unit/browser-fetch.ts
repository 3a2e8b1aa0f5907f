/**
 * A fetch that behaves like a browser page's cross-origin fetch, for unit tests against the real
 * demo servers in Node (which has no CORS): it sends Origin, runs the CORS preflight of a request
 * that needs one (and fails with TypeError when the answer does not allow the method, origin or
 * headers), fails with TypeError when the response lacks a matching Access-Control-Allow-Origin,
 * and lets the page read only the CORS-safelisted response headers plus those listed in
 * Access-Control-Expose-Headers. Enough of the Fetch standard for OAuth requests; not a browser.
 * The User-Agent header oauth4webapi adds outside browsers (and only there) is dropped, as a browser
 * page would not have it: see {@link withoutUserAgent}.
 */
import { needsPreflight } from '../../src/lib/platform/network'
import type { FetchLike } from '../../src/lib/platform/recorder'

const SAFELISTED_REQUEST = new Set(['accept', 'accept-language', 'content-language', 'content-type', 'range'])
const SAFELISTED_RESPONSE = new Set([
  'cache-control',
  'content-language',
  'content-length',
  'content-type',
  'expires',
  'last-modified',
  'pragma',
])

const list = (value: string | null): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)

function failed(why: string): TypeError {
  return new TypeError(`Failed to fetch (emulated CORS: ${why})`)
}

/** The request without the User-Agent oauth4webapi sets in Node (never in a browser). */
export function withoutUserAgent(init: RequestInit): RequestInit {
  const headers = new Headers(init.headers)
  headers.delete('user-agent')
  return { ...init, headers }
}

export function browserFetch(origin: string): FetchLike {
  return async (url, original = {}) => {
    const init = withoutUserAgent(original)
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = new Headers(init.headers)
    if (new URL(url).origin === origin) return fetch(url, init)
    if (needsPreflight(method, headers)) {
      const names = [...headers.keys()].filter((k) => !SAFELISTED_REQUEST.has(k) || k === 'content-type').sort()
      const pre = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': names.join(',') },
      }).catch(() => undefined)
      if (!pre || pre.status < 200 || pre.status > 299) throw failed(`preflight answered ${pre?.status ?? 'nothing'}`)
      const acao = pre.headers.get('access-control-allow-origin')
      if (acao !== origin && acao !== '*') throw failed('preflight without Access-Control-Allow-Origin')
      const allowed = list(pre.headers.get('access-control-allow-headers'))
      for (const n of names) {
        if (n === 'content-type' && !needsPreflight('POST', { 'content-type': headers.get(n) ?? '' })) continue
        if (!allowed.includes(n) && !(allowed.includes('*') && n !== 'authorization'))
          throw failed(`preflight does not allow the ${n} header`)
      }
    }
    headers.set('origin', origin)
    const res = await fetch(url, { ...init, headers })
    const acao = res.headers.get('access-control-allow-origin')
    if (acao !== origin && acao !== '*') throw failed('response without Access-Control-Allow-Origin')
    const exposed = list(res.headers.get('access-control-expose-headers'))
    const visible = new Headers()
    res.headers.forEach((v, k) => {
      if (SAFELISTED_RESPONSE.has(k) || exposed.includes(k)) visible.set(k, v)
    })
    const body = res.status === 204 || res.status === 304 ? null : await res.arrayBuffer()
    return new Response(body, { status: res.status, statusText: res.statusText, headers: visible })
  }
}
