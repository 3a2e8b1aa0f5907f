/** Host classes that decide what a browser allows (secure contexts, Local Network Access). */

/** True for localhost, *.localhost, 127.0.0.0/8 and [::1]: "potentially trustworthy" origins. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)
}
