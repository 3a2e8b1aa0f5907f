/**
 * Which URLs the page may navigate to (the authorization endpoint, a probe's request), and whether
 * the scope asks for OpenID Connect. No protocol library here: this module is part of the first view.
 */
import { isLoopbackHost } from '../platform/hosts'

export function wantsOpenId(scope: string): boolean {
  return scope.split(/\s+/).includes('openid')
}

/**
 * May the page navigate to this URL? Only https, or http on a loopback host when allowed.
 * A `javascript:` or `data:` URL from a server never becomes a navigation.
 */
export function isSafeNavigationTarget(url: string, allowLoopbackHttp: boolean): boolean {
  try {
    const u = new URL(url)
    if (u.protocol === 'https:') return true
    return u.protocol === 'http:' && allowLoopbackHttp && isLoopbackHost(u.hostname)
  } catch {
    return false
  }
}
