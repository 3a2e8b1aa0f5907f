/**
 * Whether a URL carries an authorization response. Kept apart from callback.ts (which needs
 * oauth4webapi) so that the first script can tell a callback load without loading the engine.
 */
export function isCallbackUrl(href: string): boolean {
  const u = new URL(href)
  // Also a redirect that carries only state/iss (no code: C12) or a JARM response (C11): both are
  // authorization responses that must be reported, not ignored.
  return (
    ['code', 'error', 'state', 'iss', 'response'].some((k) => u.searchParams.has(k)) || hasResponseInFragment(u.hash)
  )
}

/** Response parameters in the fragment (a misconfigured response_mode or implicit-style answer). */
export function hasResponseInFragment(hash: string): boolean {
  return /(^#?|[#&])(code|error)=/.test(hash)
}
