import { describe, expect, it } from 'vitest'
import { HOST_SIDE_ITEM, connectorReadiness, type ReadinessFacts } from './readiness'
import type { Finding, FindingId, Severity } from '../model/types'

const f = (id: FindingId, severity: Severity = 'error'): Finding => ({
  id,
  severity,
  step: 'mcp-probe',
  title: `title of ${id}`,
  detail: '',
  fix: '',
  spec: '',
})

const good: ReadinessFacts = {
  probeStatus: 401,
  challengeSeen: true,
  challengeHasResourceMetadata: true,
  prmFound: true,
  metadataFound: true,
  codeChallengeMethods: ['S256'],
  tokenEndpointAuthMethods: ['none', 'client_secret_basic'],
  registrationEndpoint: true,
  registration: 'dcr',
  registeredAuthMethod: 'none',
  issAdvertised: true,
  callbackIss: 'https://as.example.com',
  tokenResponseJson: true,
  mcpSessionOk: true,
}

const byKey = (items: ReturnType<typeof connectorReadiness>) => Object.fromEntries(items.map((i) => [i.key, i]))

describe('connectorReadiness', () => {
  it('a clean run passes every item; the host-side line closes the list as unknown', () => {
    const items = connectorReadiness({ findings: [], facts: good })
    expect(items.map((i) => i.key)).toEqual([
      'challenge',
      'prm',
      'metadata',
      's256',
      'auth-none',
      'registration',
      'iss',
      'json-token',
      'audience',
      'host-side',
    ])
    for (const i of items.slice(0, -1)) expect([i.key, i.status]).toEqual([i.key, 'pass'])
    const last = items.at(-1)
    expect(last).toMatchObject({ item: HOST_SIDE_ITEM, status: 'unknown', findingIds: [] })
    expect(last?.item).toMatch(/cannot be seen from a browser/)
  })

  it('nothing run: everything unknown', () => {
    for (const i of connectorReadiness({ findings: [], facts: {} }))
      expect([i.key, i.status]).toEqual([i.key, 'unknown'])
  })

  it('findings decide: errors fail, warnings warn, info is ignored; ids and note are reported', () => {
    const items = byKey(
      connectorReadiness({
        findings: [
          f('mcp-www-authenticate-not-exposed'),
          f('prm-resource-mismatch', 'warning'),
          f('mcp-pkce-not-advertised'),
          f('registration-changed-metadata'),
          f('registration-status-not-201', 'warning'),
          f('iss-missing'),
          f('token-response-not-json'),
          f('access-token-audience-mismatch'),
          f('prm-several-authorization-servers', 'info'),
        ],
        facts: good,
      }),
    )
    expect(items['challenge']).toMatchObject({
      status: 'fail',
      findingIds: ['mcp-www-authenticate-not-exposed'],
      note: 'title of mcp-www-authenticate-not-exposed',
    })
    expect(items['prm']).toMatchObject({ status: 'warn', findingIds: ['prm-resource-mismatch'] })
    expect(items['metadata']?.status).toBe('pass')
    expect(items['s256']?.status).toBe('fail')
    expect(items['auth-none']?.status).toBe('fail')
    expect(items['registration']).toMatchObject({ status: 'warn', findingIds: ['registration-status-not-201'] })
    expect(items['iss']?.status).toBe('fail')
    expect(items['json-token']?.status).toBe('fail')
    expect(items['audience']?.status).toBe('fail')
  })

  it('facts decide without findings', () => {
    const items = byKey(
      connectorReadiness({
        findings: [],
        facts: {
          probeStatus: 401,
          challengeSeen: true,
          challengeHasResourceMetadata: false,
          metadataFound: true,
          codeChallengeMethods: ['plain'],
          tokenEndpointAuthMethods: ['client_secret_basic'],
          registration: 'pre-registered',
          issAdvertised: true,
          callbackIss: null,
          tokenResponseJson: false,
          mcpSessionOk: false,
        },
      }),
    )
    expect(items['challenge']?.status).toBe('warn')
    expect(items['s256']?.status).toBe('fail')
    expect(items['auth-none']?.status).toBe('warn')
    expect(items['registration']?.status).toBe('warn')
    expect(items['iss']?.status).toBe('fail')
    expect(items['json-token']?.status).toBe('fail')
    expect(items['audience']?.status).toBe('fail')
  })

  it('iss not advertised passes; an open MCP server leaves the challenge unknown', () => {
    const items = byKey(connectorReadiness({ findings: [], facts: { probeStatus: 200, issAdvertised: false } }))
    expect(items['iss']?.status).toBe('pass')
    expect(items['challenge']?.status).toBe('unknown')
  })
})
