// The real-world corpus (issue 12): published discovery documents, and token and error responses where
// the provider documents them, of the providers in tests/fixtures/providers (each with its source in
// source.json). Every linter runs over them and the findings are assessed for the provider's profile
// (OpenID Connect for an openid-configuration, MCP for an MCP server's authorization server, plain OAuth
// otherwise). The findings are pinned below after a review by hand: no error and no warning may be false,
// and each true one says which clients it bites (REVIEWED).
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lintMetadata, lintTokenResponse } from '../../src/lib/diagnosis/lint'
import { assessFindings, type Profile } from '../../src/lib/diagnosis/assess'
import { catalogueEntry } from '../../src/lib/model/catalogue'
import { finding } from '../../src/lib/diagnosis/finding'
import { recogniseProvider, withProviderFixes } from '../../src/lib/diagnosis/providers'
import type { Finding, RecordedResponse } from '../../src/lib/model/types'

const DIR = join(import.meta.dirname, '../fixtures/providers')

interface Source {
  provider: string
  kind: 'openid-configuration' | 'oauth-authorization-server' | 'oauth-protected-resource'
  issuer?: string
  published_at: string
}

interface DocumentedResponse {
  status: number | null
  headers: Record<string, string>
  body: unknown
}

function profileOf(slug: string, src: Source): Profile {
  if (slug.includes('-mcp')) return 'mcp'
  return src.kind === 'openid-configuration' ? 'oidc' : 'oauth'
}

/**
 * A documented response as the recorder would have it. Documentation shows what matters to its reader
 * and leaves headers out: a header the source does not show is assumed compliant, so that no finding
 * rests on what the documentation left out.
 */
function recorded(r: DocumentedResponse, fallbackStatus: number): RecordedResponse {
  const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  headers['content-type'] ??= 'application/json'
  if (fallbackStatus === 200) headers['cache-control'] ??= 'no-store'
  return {
    status: r.status ?? fallbackStatus,
    statusText: '',
    type: 'cors',
    url: 'https://provider.example/token',
    headers: Object.entries(headers),
    body: JSON.stringify(r.body),
    bodyTruncated: false,
  } as unknown as RecordedResponse
}

const read = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T

function corpusFindings(slug: string): { profile: Profile; findings: Finding[] } {
  const dir = join(DIR, slug)
  const src = read<Source>(join(dir, 'source.json'))
  const doc = read<Record<string, unknown>>(join(dir, 'discovery.json'))
  const profile = profileOf(slug, src)
  const findings = lintMetadata(doc, {
    expectedIssuer: typeof doc.issuer === 'string' ? doc.issuer : (src.issuer ?? ''),
    source: src.published_at,
    contentType: 'application/json',
    clientAuth: 'none',
    pageOrigin: 'https://playground.example',
    openid: profile === 'oidc',
  })
  const tokenCtx = {
    step: 'token' as const,
    requestedScope: 'openid',
    openid: profile === 'oidc',
    clientAuth: 'none' as const,
  }
  if (existsSync(join(dir, 'token-success.json'))) {
    findings.push(...lintTokenResponse(recorded(read(join(dir, 'token-success.json')), 200), tokenCtx))
  }
  if (existsSync(join(dir, 'token-error.json'))) {
    // A documented error is a rejection by design: what counts is how it is written, not that it rejects.
    findings.push(
      ...lintTokenResponse(recorded(read(join(dir, 'token-error.json')), 400), tokenCtx).filter(
        (f) => f.id !== 'token-request-rejected',
      ),
    )
  }
  return { profile, findings: assessFindings(findings, profile, { pkceEnforced: false, publicClientWorked: false }) }
}

const SLUGS = readdirSync(DIR)
  .filter((s) => existsSync(join(DIR, s, 'source.json')))
  .filter((s) => read<Source>(join(DIR, s, 'source.json')).kind !== 'oauth-protected-resource')
  .sort()

/**
 * Each provider's findings, `id/severity` sorted. Reviewed by hand against the document (see REVIEWED
 * for why each error and warning is true and whom it bites).
 */
const EXPECTED: Record<string, string[]> = {
  'amazon-cognito': [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
  apple: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
  'atlassian-mcp': ['iss-parameter-not-advertised/info'],
  auth0: ['auth-method-none-not-advertised/info', 'iss-parameter-not-advertised/info'],
  authentik: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'registration-endpoint-missing/info',
  ],
  'duende-demo': [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'registration-endpoint-missing/info',
  ],
  github: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
  gitlab: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'registration-endpoint-missing/info',
  ],
  google: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'metadata-contradictory/info',
    'registration-endpoint-missing/info',
  ],
  keycloak: ['auth-method-none-not-advertised/info', 'iss-parameter-not-advertised/info'],
  'linear-mcp': [],
  linkedin: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
  'microsoft-entra-common': [
    'auth-method-none-not-advertised/info',
    'error-description-charset/warning',
    'iss-parameter-not-advertised/info',
    'metadata-contradictory/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
    'token-response-scope-differs/info',
  ],
  'notion-mcp': ['iss-parameter-not-advertised/info'],
  'okta-default': ['iss-parameter-not-advertised/info', 'metadata-contradictory/info'],
  'okta-org': ['iss-parameter-not-advertised/info', 'metadata-contradictory/info'],
  'ory-hydra': [
    'iss-parameter-not-advertised/info',
    'metadata-contradictory/info',
    'registration-endpoint-missing/info',
  ],
  pingfederate: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'pkce-s256-not-advertised/warning',
  ],
  salesforce: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'metadata-contradictory/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
  'sentry-mcp': [],
  slack: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
  'spring-authorization-server': [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'metadata-contradictory/info',
    'metadata-endpoint-not-https/info',
  ],
  'stripe-mcp': ['iss-parameter-not-advertised/info'],
  twitch: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
  'workos-authkit': [
    'iss-parameter-not-advertised/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
  'workos-authkit-as': ['iss-parameter-not-advertised/info'],
  yahoo: [
    'auth-method-none-not-advertised/info',
    'iss-parameter-not-advertised/info',
    'metadata-contradictory/info',
    'pkce-s256-not-advertised/warning',
    'registration-endpoint-missing/info',
  ],
}

/** Every id that is an error or a warning somewhere in the corpus, and why it is true there. */
const REVIEWED: Record<string, string> = {
  'pkce-s256-not-advertised':
    'True for each: code_challenge_methods_supported is absent, which RFC 8414 §2 reads as "no PKCE", and RFC 9700 §2.1.1 requires servers to let clients detect PKCE support. Bites MCP clients (they MUST refuse) and clients that check the metadata before sending a challenge; a warning for OIDC, since these providers do accept PKCE.',
  'error-description-charset':
    'Entra: the documented error_description carries CR LF (\\r\\n), outside the characters RFC 6749 §5.2 allows. Bites strict parsers and log pipelines; most clients show it anyway.',
}

const pin = (fs: Finding[]): string[] => fs.map((f) => `${f.id}/${f.severity}`).sort()

describe('real-world corpus', () => {
  it('holds at least twelve providers, each with its source cited', () => {
    expect(SLUGS.length).toBeGreaterThanOrEqual(12)
    for (const slug of SLUGS) {
      const src = read<Source>(join(DIR, slug, 'source.json'))
      expect(src.provider, slug).toBeTruthy()
      expect(src.published_at, slug).toMatch(/^https?:\/\//)
    }
  })

  for (const slug of SLUGS) {
    it(`${slug}: the reviewed findings, no more, no fewer`, () => {
      const { findings } = corpusFindings(slug)
      if (process.env.PRINT_CORPUS) console.log(`CORPUS ${slug} ${JSON.stringify(pin(findings))}`)
      expect(pin(findings)).toEqual(EXPECTED[slug])
    })
  }

  it('every error and warning in the corpus is reviewed, and its catalogue entry says whom it bites', () => {
    for (const slug of SLUGS) {
      for (const f of corpusFindings(slug).findings) {
        if (f.severity === 'info') continue
        expect(REVIEWED[f.id], `${slug}: ${f.id} (${f.severity}) not reviewed`).toBeTruthy()
        const entry = catalogueEntry(f.id)
        expect(entry?.basis, f.id).toBeDefined()
        // Every finding, true or not, says what to do about it and where the rule is written.
        expect(f.fix.length, f.id).toBeGreaterThan(0)
        expect(f.spec.length, f.id).toBeGreaterThan(0)
      }
    }
  })
})

/** The provider each corpus document is recognised as (issuer pattern, or endpoint layout for self-hosted). */
const RECOGNISED: Record<string, string | undefined> = {
  'amazon-cognito': 'cognito',
  apple: 'apple',
  auth0: 'auth0',
  authentik: 'authentik',
  'duende-demo': 'duende',
  gitlab: 'gitlab',
  google: 'google',
  keycloak: 'keycloak',
  'microsoft-entra-common': 'entra',
  'okta-default': 'okta',
  'okta-org': 'okta',
  'ory-hydra': 'ory-hydra',
  pingfederate: 'pingfederate',
  salesforce: 'salesforce',
  slack: 'slack',
  'spring-authorization-server': 'spring-authorization-server',
  'workos-authkit': 'workos',
  'workos-authkit-as': 'workos',
}

describe('provider-aware fixes on the corpus', () => {
  for (const slug of SLUGS) {
    it(`${slug}: recognised as ${RECOGNISED[slug] ?? 'no known provider'}`, () => {
      const doc = read<Record<string, unknown>>(join(DIR, slug, 'discovery.json'))
      const r = recogniseProvider(String(doc.issuer ?? ''), doc)
      expect(r?.provider.id).toBe(RECOGNISED[slug])
    })
  }

  it('a CORS finding on Okta names Trusted Origins and cites Okta; twice applied, once written', () => {
    const doc = read<Record<string, unknown>>(join(DIR, 'okta-org', 'discovery.json'))
    const r = recogniseProvider(String(doc.issuer), doc)
    const cors = finding('cors-blocked', 'error', 'token', {
      title: 'Blocked by CORS',
      detail: 'No Access-Control-Allow-Origin.',
      fix: 'Allow this origin.',
      spec: 'Fetch §3.2',
    })
    const [once] = withProviderFixes([cors], r)
    expect(once!.fix).toContain('Trusted Origins')
    expect(once!.fix).toContain('https://help.okta.com/')
    expect(once!.data?.provider).toBe('Okta')
    const [twice] = withProviderFixes([once!], r)
    expect(twice).toBe(once)
  })

  it('an invalid_client on Entra names the Single-page application platform; a self-hosted guess says "looks like"', () => {
    const entra = read<Record<string, unknown>>(join(DIR, 'microsoft-entra-common', 'discovery.json'))
    const rejected = finding('token-request-rejected', 'error', 'token', {
      title: 'Rejected',
      detail: 'invalid_client',
      fix: 'Register a public client.',
      spec: 'RFC 6749 §5.2',
      data: { error: 'invalid_client' },
    })
    const [f] = withProviderFixes([rejected], recogniseProvider(String(entra.issuer), entra))
    expect(f!.fix).toContain('Single-page application')
    const duende = read<Record<string, unknown>>(join(DIR, 'duende-demo', 'discovery.json'))
    const [g] = withProviderFixes([rejected], recogniseProvider('https://login.example.org', duende))
    expect(g!.fix).toContain('This looks like Duende IdentityServer')
    // Unrelated findings and unknown providers are left as they are.
    const [h] = withProviderFixes([rejected], recogniseProvider('https://as.example.org'))
    expect(h).toBe(rejected)
  })
})
