import { describe, expect, it } from 'vitest'
import { applySide, applyStep, dedupe, severityToStatus, withoutExchangeTwins } from './outcome'
import { emptySnapshot } from './side'
import { defaultConfig } from '../protocol/config'
import { finding } from '../diagnosis/finding'
import type { Finding, HttpExchange, StepRef } from '../model/types'
import type { Snapshot } from './side'

const f = (id: Finding['id'], severity: Finding['severity'], step: StepRef, data?: Finding['data']): Finding =>
  finding(id, severity, step, { title: id, detail: id, fix: '', spec: '', ...(data ? { data } : {}) })
const ex = (id: string, step: StepRef): HttpExchange => ({
  id,
  step,
  label: id,
  startedAt: 0,
  durationMs: 0,
  request: { method: 'GET', url: 'https://as.example/x', headers: [], browserAdded: [] },
  cors: 'readable',
})

function snapshot(): Snapshot {
  return {
    ...emptySnapshot(defaultConfig('https://p.example/'), 'https://p.example'),
    exchanges: [ex('d', 'discovery'), ex('t', 'token'), ex('c', 'cors')],
    findings: [f('discovery-skipped', 'info', 'discovery'), f('token-type-missing', 'error', 'token')],
    status: { configure: 'ok', discovery: 'ok', pkce: 'ok', token: 'error' },
    extraStatus: { cors: 'ok' },
  }
}

describe('applyStep', () => {
  it('replaces the results of the step and of every later step, keeps earlier ones and side steps', () => {
    const s = applyStep(snapshot(), 'discovery', {
      exchanges: [ex('d2', 'discovery')],
      findings: [f('metadata-content-type', 'warning', 'discovery')],
      proceed: true,
    })
    expect(s.exchanges.map((e) => e.id)).toEqual(['c', 'd2'])
    expect(s.findings.map((x) => x.id)).toEqual(['metadata-content-type'])
    expect(s.status).toEqual({ configure: 'ok', discovery: 'warning' })
    expect(s.extraStatus).toEqual({ cors: 'ok' })
  })

  it('takes the given status, merges the patch, learns into the run config, and can start a new run', () => {
    const base = snapshot()
    const s = applyStep(base, 'discovery', {
      findings: [],
      status: 'skipped',
      patch: { metadata: { issuer: 'https://as.example' } },
      learn: { client_id: 'learned' },
      proceed: true,
    })
    expect(s.status.discovery).toBe('skipped')
    expect(s.metadata).toEqual({ issuer: 'https://as.example' })
    expect(s.config.client_id).toBe('learned')
    expect(base.config.client_id).toBe('')
    const fresh = emptySnapshot(defaultConfig('https://p.example/'), 'https://p.example')
    const replaced = applyStep(base, 'configure', { replace: fresh, findings: [], proceed: true })
    expect(replaced.runId).toBe(fresh.runId)
    expect(replaced.exchanges).toEqual([])
    expect(replaced.status).toEqual({ configure: 'ok' })
  })
})

describe('applySide', () => {
  it('replaces one side step’s results and merges its side state', () => {
    const s = applySide(snapshot(), 'cors', {
      exchanges: [ex('c2', 'cors')],
      findings: [f('cors-blocked', 'error', 'cors')],
      side: { cors: [] },
    })
    expect(s.exchanges.map((e) => e.id)).toEqual(['d', 't', 'c2'])
    expect(s.extraStatus).toEqual({ cors: 'error' })
    expect(s.side).toEqual({ cors: [] })
    expect(s.status.token).toBe('error')
  })
})

describe('dedupe and severityToStatus', () => {
  it('keeps one finding per step, id and subject; findings about different endpoints stay apart', () => {
    const kept = dedupe([
      f('token-type-missing', 'error', 'token'),
      f('token-type-missing', 'error', 'token'),
      f('jwt-claim-missing', 'error', 'tokens', { claim: 'sub' }),
      f('jwt-claim-missing', 'error', 'tokens', { claim: 'iss' }),
      f('cors-blocked', 'error', 'cors', { endpoint: 'token' }),
      f('cors-blocked', 'error', 'cors', { endpoint: 'userinfo' }),
    ])
    expect(kept).toHaveLength(5)
  })
  it('one finding per cause: the linter’s precise finding replaces the library’s generic one for the same subject', () => {
    // Seen against the fault issuers: each pair below was shown (and cited in the verdict) twice.
    const kept = dedupe([
      f('invalid-response', 'error', 'token', { field: 'access_token' }),
      f('token-response-access-token-missing', 'error', 'token', { member: 'access_token' }),
      f('invalid-response', 'error', 'token', { field: 'scope' }),
      f('token-type-unsupported', 'error', 'token', { token_type: 'jwt' }),
      f('token-type-not-bearer', 'error', 'token', { token_type: 'JWT' }),
      f('response-parse-error', 'error', 'token'),
      f('token-response-not-json', 'error', 'token'),
      f('token-request-rejected', 'error', 'token', { status: 500, error: null }),
      f('token-response-5xx', 'error', 'token', { status: 500 }),
    ])
    expect(kept.map((k) => `${k.id}${k.data?.field ? `:${k.data.field}` : ''}`)).toEqual([
      'token-response-access-token-missing',
      'invalid-response:scope',
      'token-type-unsupported',
      'token-response-not-json',
      'token-response-5xx',
    ])
    // A 503 whose body names an OAuth error: the linter's 5xx finding names it too; one finding.
    const oauth = dedupe([
      f('token-request-rejected', 'error', 'token', { status: 503, error: 'server_error' }),
      f('token-response-5xx', 'error', 'token', { status: 503 }),
    ])
    expect(oauth.map((k) => k.id)).toEqual(['token-response-5xx'])
    // MCP: the refusal to go on without S256 says what the metadata linter says, and more.
    expect(
      dedupe([
        f('pkce-s256-not-advertised', 'error', 'discovery', { methods: ['plain'] }),
        f('mcp-pkce-not-advertised', 'error', 'discovery', { code_challenge_methods_supported: ['plain'] }),
      ]).map((k) => k.id),
    ).toEqual(['mcp-pkce-not-advertised'])
    // Only within one step.
    expect(
      dedupe([f('response-parse-error', 'error', 'discovery'), f('token-response-not-json', 'error', 'token')]),
    ).toHaveLength(2)
  })
  it('the Tokens step does not repeat an ID-token defect the exchange named, but keeps another claim', () => {
    const atExchange = [
      f('jwt-claim-missing', 'error', 'token', { claim: 'sub' }),
      f('jwt-malformed', 'error', 'token'),
    ]
    const inTokens = [
      f('jwt-claim-missing', 'error', 'tokens', { claim: 'sub', token: 'id_token' }),
      f('jwt-claim-missing', 'error', 'tokens', { claim: 'exp', token: 'id_token' }),
      f('jwt-claim-missing', 'error', 'tokens', { claim: 'sub', token: 'access_token' }),
      f('id-token-not-jwt', 'error', 'tokens', { token: 'id_token' }),
    ]
    expect(withoutExchangeTwins(atExchange, inTokens).map((k) => `${k.data?.token}:${k.data?.claim}`)).toEqual([
      'id_token:exp',
      'access_token:sub',
    ])
  })
  it('error > warning > ok', () => {
    expect(severityToStatus([f('aborted', 'info', 'token')])).toBe('ok')
    expect(severityToStatus([f('aborted', 'info', 'token'), f('expires-in-not-number', 'warning', 'token')])).toBe(
      'warning',
    )
    expect(
      severityToStatus([f('expires-in-not-number', 'warning', 'token'), f('token-type-missing', 'error', 'token')]),
    ).toBe('error')
  })
})
