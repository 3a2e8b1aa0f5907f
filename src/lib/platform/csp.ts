// What this page's own Content-Security-Policy lets it fetch (engine code: not in the first view).
/**
 * True when this page's own Content-Security-Policy (index.html, connect-src) lets it fetch plain
 * http from this loopback host: localhost, *.localhost and 127.0.0.1. A CSP source cannot name an
 * IPv6 literal, and the policy does not list the rest of 127.0.0.0/8, so http://[::1] and
 * http://127.0.0.2 are refused by the browser before any request leaves (csp.test.ts checks this
 * list against index.html).
 */
export function cspAllowsHttpFetch(hostname: string): boolean {
  const h = hostname.toLowerCase()
  return h === 'localhost' || h.endsWith('.localhost') || h === '127.0.0.1'
}
