import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { compile } from 'svelte/compiler'
import type { HttpExchange, StepRef } from '../model/types'
import {
  arrowHref,
  buildDiagram,
  diagramSummary,
  exchangeLabel,
  exchangeStatus,
  laneFor,
  stepAnchor,
  layoutDiagram,
  truncate,
  type Arrow,
} from './diagram'

function ex(
  id: string,
  step: StepRef,
  method: string,
  url: string,
  status?: number,
  cors: HttpExchange['cors'] = 'readable',
): HttpExchange {
  return {
    id,
    step,
    label: `${step} ${id}`,
    startedAt: 0,
    durationMs: 1,
    request: { method, url, headers: [], browserAdded: [] },
    ...(status === undefined
      ? { error: { name: 'TypeError', message: 'Failed to fetch' } }
      : {
          response: { status, statusText: '', type: 'cors', url, headers: [], body: '', bodyTruncated: false },
        }),
    cors: status === undefined ? cors : 'readable',
  }
}

const steps = (arrows: Arrow[]) => [...new Set(arrows.map((a) => a.step))]

describe('buildDiagram', () => {
  it('draws the canonical flow before anything ran, all pending', () => {
    const arrows = buildDiagram({ exchanges: [], status: {}, current: 'configure' })
    expect(steps(arrows)).toEqual([
      'configure',
      'discovery',
      'pkce',
      'authorization',
      'callback',
      'token',
      'tokens',
      'resource',
    ])
    expect(arrows.every((a) => a.status === 'pending' && !a.exchangeId)).toBe(true)
    expect(arrows.find((a) => a.step === 'pkce')).toMatchObject({ from: 'app', to: 'app', kind: 'local' })
    expect(arrows.filter((a) => a.kind === 'redirect').map((a) => [a.from, a.to])).toEqual([
      ['app', 'as'],
      ['as', 'app'],
    ])
    expect(new Set(arrows.map((a) => a.id)).size).toBe(arrows.length)
  })

  it('PAR: the pushed request comes before the redirect, which then carries only client_id and request_uri; DPoP proofs are named', () => {
    const pushed = ex('p1', 'authorization', 'POST', 'https://as.example/par', 201)
    const token = ex('t1', 'token', 'POST', 'https://as.example/token', 200)
    token.request.headers = [['dpop', 'eyJ.eyJ.[signature removed]']]
    const arrows = buildDiagram({ exchanges: [pushed, token], status: {}, current: 'authorization', par: true })
    const auth = arrows.filter((a) => a.step === 'authorization')
    expect(auth.map((a) => a.kind)).toEqual(['request', 'redirect', 'local'])
    expect(auth[0]).toMatchObject({ label: 'POST /par', exchangeId: 'p1' })
    expect(auth[1]?.label).toBe('Redirect to /authorize (client_id, request_uri)')
    expect(arrows.find((a) => a.exchangeId === 't1')?.label).toBe('POST /token + DPoP proof')
    const plain = buildDiagram({ exchanges: [], status: {}, current: 'authorization' })
    expect(plain.find((a) => a.step === 'authorization' && a.kind === 'redirect')?.label).toContain('code_challenge')
  })

  it('replaces a step’s canonical request/response with its recorded exchanges, keeping local arrows', () => {
    const exchanges = [
      ex('e1', 'discovery', 'GET', 'https://as.example/.well-known/oauth-authorization-server/t1', 404),
      ex('e2', 'discovery', 'get', 'https://as.example/.well-known/openid-configuration/t1?x=secret', 200),
      ex('e3', 'tokens', 'GET', 'https://as.example/jwks', 200),
    ]
    const arrows = buildDiagram({ exchanges, status: { discovery: 'warning', tokens: 'ok' }, current: 'discovery' })
    const disc = arrows.filter((a) => a.step === 'discovery')
    expect(disc.map((a) => a.id)).toEqual(['x-e1', 'x-e2'])
    expect(disc[0]).toMatchObject({ from: 'app', to: 'as', exchangeId: 'e1', status: 'error', detail: '404' })
    expect(disc[1]).toMatchObject({ label: 'GET /.well-known/openid-configuration/t1', status: 'ok', detail: '200' })
    expect(disc[1]?.label).not.toContain('secret')
    const tokens = arrows.filter((a) => a.step === 'tokens')
    expect(tokens.map((a) => a.kind)).toEqual(['request', 'local'])
    expect(tokens[1]?.status).toBe('ok')
    // Steps without exchanges keep their canonical arrows, with the step's status.
    expect(arrows.filter((a) => a.step === 'token').every((a) => a.status === 'pending' && !a.exchangeId)).toBe(true)
  })

  it('puts side steps in their place and on the right lane', () => {
    const exchanges = [
      ex('t1', 'token', 'POST', 'https://as.example/token', 200),
      ex('r1', 'refresh', 'POST', 'https://as.example/token', 400),
      ex('c1', 'cors', 'OPTIONS', 'https://as.example/token', undefined, 'blocked-by-cors'),
      ex('m1', 'mcp-probe', 'POST', 'https://mcp.example/mcp', 401),
      ex('m2', 'mcp-discovery', 'GET', 'https://mcp.example/.well-known/oauth-protected-resource/mcp', 200),
      ex('m3', 'mcp-discovery', 'GET', 'https://as.example/.well-known/oauth-authorization-server', 200),
      ex('g1', 'registration', 'POST', 'https://as.example/register', 201),
      ex('u1', 'userinfo', 'GET', 'https://as.example/userinfo', 200),
      ex('z1', 'zeta-side' as StepRef, 'GET', 'https://as.example/zeta', 200),
      ex('mt', 'mcp-tools', 'POST', 'https://mcp.example/mcp', 200),
    ]
    const arrows = buildDiagram({ exchanges, status: {}, current: 'token' })
    const lane = (id: string) => arrows.find((a) => a.exchangeId === id)?.to
    expect([lane('m1'), lane('m2'), lane('m3'), lane('g1'), lane('c1'), lane('r1'), lane('u1'), lane('mt')]).toEqual([
      'rs',
      'rs',
      'as',
      'as',
      'as',
      'as',
      'as',
      'rs',
    ])
    expect(steps(arrows)).toEqual([
      'configure',
      'mcp-probe',
      'mcp-discovery',
      'discovery',
      'cors',
      'registration',
      'pkce',
      'authorization',
      'callback',
      'token',
      'tokens',
      'mcp-tools',
      'refresh',
      'userinfo',
      'resource',
      'zeta-side',
    ])
    expect(arrows.find((a) => a.exchangeId === 'c1')).toMatchObject({
      status: 'error',
      detail: 'CORS blocked',
      label: 'OPTIONS /token',
    })
    // The canonical "call the resource" pair is replaced by the recorded mcp-tools exchange.
    expect(arrows.filter((a) => a.step === 'mcp-tools').map((a) => a.id)).toEqual(['x-mt'])
  })

  it('adds the MCP steps’ canonical arrows in MCP mode', () => {
    const arrows = buildDiagram({ exchanges: [], status: {}, current: 'mcp-probe', mcp: true })
    expect(steps(arrows)).toEqual([
      'configure',
      'mcp-probe',
      'mcp-discovery',
      'discovery',
      'registration',
      'pkce',
      'authorization',
      'callback',
      'token',
      'tokens',
      'mcp-tools',
    ])
    expect(arrows.filter((a) => a.step === 'mcp-probe').map((a) => [a.from, a.to])).toEqual([
      ['app', 'rs'],
      ['rs', 'app'],
    ])
  })

  it('is deterministic', () => {
    const input = {
      exchanges: [ex('a', 'token', 'POST', 'https://as.example/token', 200)],
      status: { token: 'ok' as const },
      current: 'token',
    }
    expect(buildDiagram(input)).toEqual(buildDiagram(input))
  })
})

describe('helpers', () => {
  it('labels exchanges by method and path only, truncated', () => {
    expect(exchangeLabel(ex('a', 'token', 'post', 'https://as.example/oauth2/token?code=abc#f', 200))).toBe(
      'POST /oauth2/token',
    )
    expect(exchangeLabel(ex('a', 'token', 'GET', 'not a url?q=1', 200))).toBe('GET not a url')
    expect(exchangeLabel(ex('a', 'token', 'GET', `https://as.example/${'a'.repeat(100)}`, 200), 20)).toHaveLength(20)
    expect(truncate('abcdef', 4)).toBe('abc…')
    expect(truncate('abc', 4)).toBe('abc')
  })

  it('classifies outcomes', () => {
    expect(exchangeStatus(ex('a', 'token', 'GET', 'https://a/', 302))).toEqual({ status: 'ok', detail: '302' })
    expect(exchangeStatus(ex('a', 'token', 'GET', 'https://a/', 500))).toEqual({ status: 'error', detail: '500' })
    expect(exchangeStatus(ex('a', 'token', 'GET', 'https://a/', undefined, 'preflight-failed')).detail).toBe(
      'preflight failed',
    )
    expect(exchangeStatus(ex('a', 'token', 'GET', 'https://a/', undefined, 'mixed-content')).detail).toBe(
      'mixed content',
    )
    expect(laneFor('resource', 'https://r/')).toBe('rs')
    expect(laneFor('introspection', 'https://as/')).toBe('as')
  })

  it('links to the exchange, else to the step', () => {
    const [a] = buildDiagram({
      exchanges: [ex('e9', 'discovery', 'GET', 'https://a/', 200)],
      status: {},
      current: 'x',
    }).filter((x) => x.step === 'discovery')
    expect(arrowHref(a!)).toBe('#exchange-e9')
    expect(arrowHref({ id: 'c', from: 'app', to: 'app', label: '', step: 'pkce', kind: 'local' })).toBe('#step-pkce')
    expect(arrowHref({ id: 'c', from: 'app', to: 'rs', label: '', step: 'resource', kind: 'request' })).toBe(
      '#step-after',
    )
    expect(stepAnchor('refresh')).toBe('step-after')
    expect(stepAnchor('cors')).toBe('step-cors')
  })

  it('summarises for the accessible name', () => {
    const arrows = buildDiagram({
      exchanges: [ex('e1', 'token', 'POST', 'https://a/token', 400)],
      status: {},
      current: 'token',
    })
    const s = diagramSummary(arrows, 'token')
    expect(s).toContain('1 recorded HTTP exchange (1 failed)')
    expect(s).toContain('current step (token)')
  })

  it('lays out inside the width at 360 px and at desktop width', () => {
    const arrows = buildDiagram({
      exchanges: [
        ex('e1', 'discovery', 'GET', `https://as.example/.well-known/openid-configuration/${'x'.repeat(80)}`, 200),
      ],
      status: {},
      current: 'pkce',
    })
    for (const w of [0, 300, 344, 360, 800, 1200]) {
      const l = layoutDiagram(arrows, w)
      expect(l.width).toBeGreaterThanOrEqual(280)
      expect(l.narrow).toBe(l.width < 600)
      expect(l.lanes.map((x) => x.id)).toEqual(['user', 'app', 'as', 'rs'])
      for (const la of l.arrows) {
        expect(la.labelX).toBeGreaterThanOrEqual(8)
        expect(la.labelX + Array.from(la.text + la.suffix).length * 6.6).toBeLessThanOrEqual(l.width - 7)
        if (la.arrow.detail) expect(la.suffix).toBe(` → ${la.arrow.detail}`)
        expect(Math.max(la.x1, la.x2)).toBeLessThanOrEqual(l.width)
        expect(la.y).toBeLessThan(l.height)
      }
    }
    expect(layoutDiagram(arrows, 360).lanes.map((x) => x.lines.join(' '))).toEqual([
      'User / browser',
      'This page',
      'Auth server',
      'Resource / MCP',
    ])
  })
})

describe('SequenceDiagram.svelte', () => {
  it('compiles without warnings', () => {
    const file = 'src/ui/SequenceDiagram.svelte'
    const source = readFileSync(file, 'utf8')
    for (const generate of ['client', 'server'] as const) {
      const out = compile(source, { generate, filename: file })
      expect(out.warnings.map((w) => w.message)).toEqual([])
    }
    expect(source).not.toContain('{@html')
  }, 60_000)

  it('renders lanes, highlighted current arrows and links (server render)', async () => {
    const { render } = await import('svelte/server')
    const SequenceDiagram = (await import('../../ui/SequenceDiagram.svelte')).default
    const session = {
      current: 'discovery',
      busy: null,
      snapshot: {
        exchanges: [ex('e1', 'discovery', 'GET', 'https://as.example/.well-known/openid-configuration?<script>', 200)],
        status: { configure: 'ok' as const, discovery: 'ok' as const },
      },
    }
    const html = render(SequenceDiagram, { props: { session } }).body
    expect(html).toContain('<svg')
    expect(html).toContain('role="group"')
    expect(html).toMatch(/<title>Sequence diagram of the flow<\/title>/)
    for (const name of ['Authorization', 'Resource /', 'PKCE Playground']) expect(html).toContain(name)
    expect(html).toContain('href="#exchange-e1"')
    expect(html).toContain('href="#step-pkce"')
    expect(html).toMatch(
      /<a[^>]*href="#exchange-e1"[^>]*data-current="true"|<a[^>]*data-current="true"[^>]*href="#exchange-e1"/,
    )
    expect(html).toContain('GET /.well-known/openid-configuration')
    expect(html).not.toContain('<script>')
  }, 60_000)
})
