import { describe, expect, it } from 'vitest'
import { linkSplit } from './link-split'
import type { FlowSnapshot } from '../model/types'

const EVIL = 'https://evil.example'
function snap(endpoints: { authorization_endpoint?: string; token_endpoint?: string }, link = {}): FlowSnapshot {
  return {
    version: 1,
    runId: 'r',
    origin: 'https://playground.example',
    config: { issuer: EVIL } as FlowSnapshot['config'],
    metadata: { issuer: EVIL, ...endpoints },
    link: { settings: [], confirmed: false, named: EVIL, ...link },
    exchanges: [],
    findings: [],
    status: {},
  }
}

describe('linkSplit', () => {
  it('names both origins when the link’s server logs in on one and takes the code on another', () => {
    const s = snap({ authorization_endpoint: 'https://login.real.example/authorize', token_endpoint: `${EVIL}/token` })
    expect(linkSplit(s)).toMatchObject({ login: 'https://login.real.example', code: EVIL })
  })

  it('asks nothing for one origin, once agreed, after the endpoints were confirmed, or for a server the user typed', () => {
    const split = { authorization_endpoint: 'https://login.real.example/a', token_endpoint: `${EVIL}/token` }
    expect(linkSplit(snap({ authorization_endpoint: `${EVIL}/a`, token_endpoint: `${EVIL}/t` }))).toBeUndefined()
    expect(linkSplit(snap(split, { splitConfirmed: true }))).toBeUndefined()
    expect(linkSplit(snap(split, { confirmed: true }))).toBeUndefined()
    expect(linkSplit(snap(split, { named: 'https://other.example' }))).toBeUndefined()
  })

  it('asks nothing once discovery failed (its own finding stops the flow)', () => {
    const s = snap({ authorization_endpoint: 'https://login.real.example/a', token_endpoint: 'http://evil.example/t' })
    expect(linkSplit({ ...s, status: { discovery: 'error' } })).toBeUndefined()
    expect(linkSplit({ ...s, status: { discovery: 'warning' } })).toBeDefined()
  })

  it('leaves a relative, javascript: or unparsable endpoint to its own finding', () => {
    for (const token_endpoint of ['/token', 'javascript:alert(1)', 'not a url'])
      expect(linkSplit(snap({ authorization_endpoint: `${EVIL}/a`, token_endpoint }))).toBeUndefined()
    expect(
      linkSplit(snap({ authorization_endpoint: 'javascript:window.__pwned=1', token_endpoint: `${EVIL}/t` })),
    ).toBeUndefined()
  })
})
