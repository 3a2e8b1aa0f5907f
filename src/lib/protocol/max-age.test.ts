import { describe, expect, it } from 'vitest'
import { maxAgeRequested } from './token-exchange'

describe('maxAgeRequested (OIDC Core §3.1.2.1: max_age makes auth_time required)', () => {
  it('reads a non-negative integer max_age from the authorization parameters', () => {
    expect(maxAgeRequested([['max_age', '60']])).toBe(60)
    expect(
      maxAgeRequested([
        ['scope', 'openid'],
        ['max_age', '0'],
      ]),
    ).toBe(0)
  })
  it('ignores it when absent or not an integer', () => {
    expect(maxAgeRequested(undefined)).toBeUndefined()
    expect(maxAgeRequested([['scope', 'openid']])).toBeUndefined()
    for (const bad of ['', '-1', '1.5', 'soon', '1e3']) expect(maxAgeRequested([['max_age', bad]])).toBeUndefined()
  })
})
