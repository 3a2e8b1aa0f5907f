import { describe, expect, it } from 'vitest'
import { clientAuthUsed } from './client-auth'

describe('clientAuthUsed (what an invalid_client answer leaves out, faults.csv T20)', () => {
  it('names the method used and says when the server does not advertise it', () => {
    const text = clientAuthUsed('client_secret_basic', ['client_secret_post', 'none'])
    expect(text).toContain('Authorization: Basic header ("client_secret_basic")')
    expect(text).toContain('The server advertises "client_secret_post", "none", not "client_secret_basic"')
    expect(text).toContain('RFC 6749 §2.3')
  })
  it('points at the registration when the method is advertised or nothing is', () => {
    expect(clientAuthUsed('none', ['none', 'client_secret_basic'])).toContain(
      '"none" is among them, so check which one this client was registered with',
    )
    expect(clientAuthUsed('client_secret_post', undefined)).toContain(
      'does not list token_endpoint_auth_methods_supported; the registration decides',
    )
  })
})
