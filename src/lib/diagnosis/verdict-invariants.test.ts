// The verdict's invariants, over every catalogue entry and every profile: C only when nothing is an
// error or a warning; A exactly when the exchange failed; B names its deciding findings and says
// whether they break the spec, only what strict clients expect, or concern this client;
// incomplete names the step that stopped the flow and its cause.
import { describe, expect, it } from 'vitest'
import { CATALOGUE, type CatalogueEntry, type Profile } from '../model/catalogue'
import { reassess } from '../flow/reassess'
import { emptySnapshot } from '../flow/side'
import { defaultConfig } from '../protocol/config'
import { finding } from './finding'
import { computeVerdict } from './report'
import type { Finding, Severity, StepRef } from '../model/types'
import type { Snapshot } from '../flow/side'

const PROFILES: Profile[] = ['oauth', 'oidc', 'mcp']
const CONFIG: Record<Profile, { scope: string; mcp_url: string }> = {
  oauth: { scope: 'api', mcp_url: '' },
  oidc: { scope: 'openid', mcp_url: '' },
  mcp: { scope: 'openid', mcp_url: 'https://mcp.example/mcp' },
}

function run(profile: Profile, findings: Finding[], exchange: 'ok' | 'failed' | 'not-reached'): Snapshot {
  const base = emptySnapshot(
    { ...defaultConfig('https://p.example/'), issuer: 'https://as.example', ...CONFIG[profile] },
    'https://p.example',
  )
  const steps = new Set(findings.map((f) => f.step))
  const s: Snapshot = {
    ...base,
    findings,
    status: { configure: 'ok', discovery: 'ok', pkce: 'ok', authorization: 'ok' },
    ...(exchange === 'not-reached'
      ? {}
      : {
          codeUsed: true,
          token:
            exchange === 'ok'
              ? { status: 200, body: { access_token: 'at-1234567890', token_type: 'Bearer' } }
              : { status: 400, body: { error: 'invalid_grant' } },
        }),
  }
  for (const st of steps) if (st in s.status || st === 'token' || st === 'tokens') s.status[st as 'token'] = 'ok'
  // Severities as the run would have them (profile and what the run learned), statuses following.
  const assessed = reassess({ ...s, status: { ...s.status } })
  for (const f of assessed.findings) {
    const step = f.step as 'token'
    if (f.severity === 'error') assessed.status[step] = 'error'
    else if (f.severity === 'warning' && assessed.status[step] !== 'error') assessed.status[step] = 'warning'
  }
  return assessed
}

/** The severities an emitter may observe for an entry. */
function observed(e: CatalogueEntry): Severity[] {
  return e.severity === 'varies' ? ['error', 'warning', 'info'] : [e.severity]
}

const stepFor = (id: string): StepRef => (id.startsWith('mcp-') ? 'mcp-tools' : 'token')

describe('verdict invariants over every catalogue entry and profile', () => {
  for (const profile of PROFILES) {
    it(`${profile}: a successful exchange with one finding is C exactly when it is not an error or a warning, else B with the right headline`, () => {
      for (const e of CATALOGUE as readonly CatalogueEntry[]) {
        for (const sev of observed(e)) {
          const f = finding(e.id as Finding['id'], sev, stepFor(e.id), {
            title: `t ${e.id}`,
            detail: 'd',
            fix: 'x',
            spec: 's',
          })
          const s = run(profile, [f], 'ok')
          const effective = s.findings[0]?.severity
          const v = computeVerdict(s)
          const label = `${e.id} observed ${sev} → ${effective} (${profile})`
          if (effective === 'info') {
            expect(v.scenario, label).toBe('C')
            continue
          }
          expect(v.scenario, label).toBe('B')
          expect(v.findingIds, label).toEqual([e.id])
          const expectedTitle =
            e.id === 'endpoint-overridden'
              ? 'The exchange worked, but with endpoints the issuer does not name'
              : e.basis === 'spec'
                ? 'The exchange worked, but the server breaks the spec'
                : e.basis === 'strict'
                  ? 'The exchange worked; only strict clients would object'
                  : 'The exchange worked; what remains concerns this client or this browser'
          expect(v.title, label).toBe(expectedTitle)
        }
      }
    })

    it(`${profile}: C implies no error and no warning anywhere; A exactly when the exchange failed`, () => {
      const all = (CATALOGUE as readonly CatalogueEntry[]).flatMap((e) =>
        observed(e).map((sev) =>
          finding(e.id as Finding['id'], sev, stepFor(e.id), { title: `t ${e.id}`, detail: 'd', fix: 'x', spec: 's' }),
        ),
      )
      for (const f of all) {
        const ok = run(profile, [f], 'ok')
        const v = computeVerdict(ok)
        if (v.scenario === 'C')
          expect(
            ok.findings.every((x) => x.severity === 'info'),
            f.id,
          ).toBe(true)
        expect(computeVerdict(run(profile, [f], 'failed')).scenario, f.id).toBe('A')
        expect(computeVerdict(run(profile, [{ ...f, step: 'discovery' }], 'not-reached')).scenario, f.id).toBe(
          'incomplete',
        )
      }
    })
  }

  it('incomplete names the step that stopped the flow and the cause in its own words', () => {
    const f = finding('discovery-failed', 'error', 'discovery', {
      title: 'No usable metadata document was found',
      detail: 'd',
      fix: 'Publish metadata.',
      spec: 's',
    })
    const s = run('oidc', [f], 'not-reached')
    s.status = { configure: 'ok', discovery: 'error' }
    const v = computeVerdict(s)
    expect(v.title).toBe('The flow stopped at the Discover step')
    expect(v.summary).toContain('No usable metadata document was found')
    expect(v.summary).toContain('Publish metadata.')
  })
})
