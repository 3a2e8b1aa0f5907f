// Regressions found by review of the core modules (issue 2).
import { expect, it } from 'vitest'
import { defaultConfig } from '../protocol/config'
import { validateConfig } from '../protocol/config-check'
import { buildAuthorizationRequest } from '../protocol/authorize'
import { cleanCallbackUrl, isCallbackUrl } from '../protocol/authorization-response'
import type { FlowConfig, PkceState } from '../model/types'

const PKCE: PkceState = { method: 'S256', code_verifier: 'v'.repeat(43), code_challenge: 'c'.repeat(43) }
const MD = { issuer: 'https://as.example.com', authorization_endpoint: 'https://as.example.com/authorize' }
const config = (o: Partial<FlowConfig> = {}): FlowConfig => ({
  ...defaultConfig('https://playground.example/'),
  issuer: 'https://as.example.com',
  client_id: 'c',
  ...o,
})

it('refuses a reserved name written with surrounding spaces (authorize trims it)', () => {
  const c = config({ extra_params: [[' state ', 'attacker']] })
  expect(new URL(buildAuthorizationRequest(c, MD, PKCE, 'st', 'n').url).searchParams.getAll('state')).toEqual([
    'st',
    'attacker',
  ])
  expect(validateConfig(c).filter((p) => p.field === 'extra_params' && p.severity === 'error')).toHaveLength(1)
})

it('refuses scope and nonce as extra params (they would be sent twice)', () => {
  for (const k of ['scope', 'nonce']) {
    const c = config({ scope: 'openid', extra_params: [[k, 'x']] })
    expect(new URL(buildAuthorizationRequest(c, MD, PKCE, 'st', 'n').url).searchParams.getAll(k)).toHaveLength(2)
    expect(
      validateConfig(c).filter((p) => p.field === 'extra_params' && p.severity === 'error'),
      k,
    ).toHaveLength(1)
  }
})

it('isCallbackUrl and cleanCallbackUrl handle #code=…&state=…', () => {
  const href = 'https://playground.example/app/#code=SECRET&state=s'
  expect(isCallbackUrl(href)).toBe(true)
  expect(cleanCallbackUrl(href)).not.toContain('SECRET')
})
