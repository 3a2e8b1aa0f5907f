import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { cspAllowsHttpFetch } from './csp'
import { isLoopbackHost } from './hosts'
import { validateConfig } from '../protocol/config-check'
import { defaultConfig } from '../protocol/config'

describe('cspAllowsHttpFetch (faults.csv B11: the playground CSP blocks the AS origin)', () => {
  it('agrees with the http sources of connect-src in index.html', () => {
    const html = readFileSync(new URL('../../../index.html', import.meta.url), 'utf8')
    const connect = /connect-src ([^;]+);/.exec(html)?.[1]?.split(/\s+/) ?? []
    expect(connect.filter((s) => s.startsWith('http:'))).toEqual([
      'http://localhost:*',
      'http://127.0.0.1:*',
      'http://*.localhost:*',
    ])
    for (const host of ['localhost', '127.0.0.1', 'as.localhost']) expect(cspAllowsHttpFetch(host), host).toBe(true)
    for (const host of ['[::1]', '127.0.0.2']) {
      expect(isLoopbackHost(host), host).toBe(true)
      expect(cspAllowsHttpFetch(host), host).toBe(false)
    }
  })

  it('Configure refuses an http://[::1] issuer with the reason and the fix, not an authorization endpoint there', () => {
    const config = { ...defaultConfig('https://p.example/'), client_id: 'c', allow_insecure_loopback: true }
    const problems = validateConfig({ ...config, issuer: 'http://[::1]:9400' })
    const issuer = problems.find((p) => p.field === 'issuer')
    expect(issuer?.severity).toBe('error')
    expect(issuer?.message).toContain("this page's own Content-Security-Policy")
    expect(issuer?.message).toContain('Use http://localhost:9400')
    const navigated = validateConfig({
      ...config,
      issuer: 'http://localhost:9400',
      authorization_endpoint: 'http://[::1]:9400/auth',
    })
    expect(navigated.filter((p) => p.field === 'authorization_endpoint')).toEqual([])
  })
})
