/**
 * Drives oidc-provider's built-in login and consent pages over plain HTTP (no browser), so unit
 * tests can get real authorization codes from the real test authorization server. The same
 * approach as tests/servers/smoke.mjs: follow redirects by hand, keep the cookies, submit the forms.
 */
import { Jar } from '../servers/lib.mjs'

/**
 * Sends the authorization request, logs in as "alice", consents, and returns the callback URL
 * (the redirect to `redirectUri` with code or error).
 */
export async function authorizeOverHttp(
  authorizationEndpoint: string,
  params: Record<string, string>,
  redirectUri: string,
): Promise<URL> {
  const jar = new Jar()
  let url = `${authorizationEndpoint}?${new URLSearchParams(params)}`
  for (let hop = 0; hop < 12; hop++) {
    const res = await jar.fetch(url)
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location') ?? '', url)
      if (location.href.startsWith(redirectUri)) return location
      url = location.href
      continue
    }
    const html = await res.text()
    if (res.status !== 200) throw new Error(`unexpected ${res.status} at ${url}: ${html.slice(0, 300)}`)
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    if (!action) throw new Error(`no form at ${url}`)
    const submit = new URL(action.replaceAll('&amp;', '&'), url).href
    const form: Record<string, string> = html.includes('name="login"')
      ? { prompt: 'login', login: 'alice', password: 'whatever' }
      : { prompt: 'consent' }
    const r = await jar.fetch(submit, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    })
    url = new URL(r.headers.get('location') ?? '', url).href
  }
  throw new Error('too many hops')
}
