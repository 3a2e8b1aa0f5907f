/** Host classes that decide what a browser allows (secure contexts, Local Network Access). */

/** True for localhost, *.localhost, 127.0.0.0/8 and [::1]: "potentially trustworthy" origins. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}

/**
 * True when this page's own Content-Security-Policy (index.html, connect-src) lets it fetch plain
 * http from this loopback host: localhost, *.localhost and 127.0.0.1. A CSP source cannot name an
 * IPv6 literal, and the policy does not list the rest of 127.0.0.0/8, so http://[::1] and
 * http://127.0.0.2 are refused by the browser before any request leaves (hosts.test.ts checks this
 * list against index.html).
 */
export function cspAllowsHttpFetch(hostname: string): boolean {
  const h = hostname.toLowerCase()
  return h === 'localhost' || h.endsWith('.localhost') || h === '127.0.0.1'
}
