// The link trust model's resource rule (issue 10): the access token goes to a link-chosen resource's
// origin only after a confirmation, whatever path the user adds to the link's URL.
import { describe, expect, it } from 'vitest'
import { LinkTrust } from './link-trust.svelte'
import { linkSettingsToReview } from '../lib/protocol/config'
import type { FlowConfig } from '../lib/model/types'

const PAGE = 'https://playground.example/'

function trustFor(resource: string): LinkTrust {
  const trust = new LinkTrust(() => ({}) as FlowConfig)
  trust.restore({ settings: linkSettingsToReview({ resource }, PAGE), confirmed: false })
  return trust
}

describe('LinkTrust.needsResourceConfirmation', () => {
  it('asks before sending the token to the link’s resource URL, then remembers the confirmed origin', () => {
    const trust = trustFor('https://evil.example/api')
    expect(trust.needsResourceConfirmation('https://evil.example/api', false)).toBe(true)
    expect(trust.needsResourceConfirmation('https://evil.example/api', true)).toBe(false)
    expect(trust.needsResourceConfirmation('https://evil.example/api', false)).toBe(false)
  })

  it('asks too when the user only changed the path or query on the link’s origin', () => {
    const trust = trustFor('https://evil.example/api')
    expect(trust.needsResourceConfirmation('https://evil.example/api/me', false)).toBe(true)
    expect(trust.needsResourceConfirmation(' https://evil.example/other?x=1 ', false)).toBe(true)
  })

  it('does not ask for the origin of the issuer that issued the token (it has the token already)', () => {
    const trust = trustFor('https://as.example/api')
    expect(trust.needsResourceConfirmation('https://as.example/userinfo', false, 'https://as.example')).toBe(false)
    expect(trust.needsResourceConfirmation('https://as.example/userinfo', false, 'https://other.example')).toBe(true)
  })

  it('does not ask for another origin (typed by the user) or without a resource from the link', () => {
    expect(trustFor('https://evil.example/api').needsResourceConfirmation('https://api.mine.example/', false)).toBe(
      false,
    )
    const none = new LinkTrust(() => ({}) as FlowConfig)
    expect(none.needsResourceConfirmation('https://evil.example/api', false)).toBe(false)
  })
})
