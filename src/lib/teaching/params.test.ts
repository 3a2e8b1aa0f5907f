import { describe, expect, it } from 'vitest'
import { paramMeaning } from './params'

describe('authorization request parameters', () => {
  it('paramMeaning explains known parameters and has a neutral note for others', () => {
    expect(paramMeaning('code_challenge').spec).toContain('RFC 7636')
    expect(paramMeaning('my_param').spec).toBe('RFC 6749 §3.1')
  })
})
