import type { ClientAuthMethod } from '../model/types'

const HOW: Record<ClientAuthMethod, string> = {
  none: 'no client authentication (client_id in the body, "none")',
  client_secret_basic: 'the client secret in an Authorization: Basic header ("client_secret_basic")',
  client_secret_post: 'the client secret in the form body ("client_secret_post")',
}

/**
 * An invalid_client answer says the authentication failed, not how it should have been done: name the
 * method this request used and what the server advertises (faults.csv T20: a client registered for one
 * method that uses another). RFC 6749 §2.3: one method per request, the one registered.
 */
export function clientAuthUsed(method: ClientAuthMethod, supported: unknown): string {
  const used = `This request used ${HOW[method]}.`
  if (!Array.isArray(supported) || !supported.length)
    return `${used} The server's metadata does not list token_endpoint_auth_methods_supported; the registration decides which one it expects (RFC 6749 §2.3: one method per request, the one registered).`
  const list = supported.filter((m): m is string => typeof m === 'string').map((m) => `"${m}"`)
  const advertised = supported.includes(method)
  return `${used} The server advertises ${list.join(', ')}${advertised ? `; "${method}" is among them, so check which one this client was registered with` : `, not "${method}"`} (RFC 6749 §2.3: one method per request, the one registered).`
}
