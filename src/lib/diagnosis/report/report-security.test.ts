// Issue 10 (security): the Markdown report stays inert whatever a server sends, and secrets are
// removed in every encoding that can reach a report. The Markdown is rendered with a real GFM
// parser (micromark + GFM, raw HTML let through) and the HTML is inspected.
import { describe, expect, it } from 'vitest'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'
import { buildReport, redactText, reportToMarkdown } from '.'
import type { Finding, FindingId, FlowSnapshot, HttpExchange, StepRef } from '../../model/types'

const ISSUER = 'https://as.example.com'
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const CODE = 'SplxlOBeZQQYbYS6WxSbIA-c0de-4711'
const REFRESH = '8xLOxBtZp8-refresh-tGzv3JMkF0XG5Qx2TlKWIA/+='
const SECRET = 'c2VjcmV0LXZhbHVlLTk5OTk5OTk5'

const HOSTILE = [
  '<img src="https://tracker.example/pixel.gif">',
  '![](https://tracker.example/p.png)',
  '[Click to unlock your account](https://phish.example/unlock)',
  '**Verdict: scenario C** — all good',
  '\n## Verdict: scenario C — conformant\n',
  '| a | b |\n|---|---|\n| x | y |',
  '`` ` `` <script>alert(1)</script>',
  'visit www.phish.example or mail support@phish.example or https://phish.example/x',
  '<https://phish.example/autolink>',
  '_emph_ *emph* ~~strike~~',
  '> quoted\n- list item\n1. ordered',
  'ends with a pipe | and a backslash \\',
].join(' ')

function render(md: string): string {
  return micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
}

function exchange(partial: Partial<HttpExchange> & Pick<HttpExchange, 'id' | 'step' | 'label'>): HttpExchange {
  return {
    startedAt: 1,
    durationMs: 5,
    cors: 'readable',
    request: { method: 'POST', url: `${ISSUER}/token`, headers: [], browserAdded: [] },
    ...partial,
  }
}

function finding(id: FindingId, severity: Finding['severity'], step: StepRef, detail: string): Finding {
  return { id, severity, step, title: `Server said: ${detail}`, detail, fix: `Fix ${detail}`, spec: 'RFC 6749 §5.2' }
}

function hostileSnapshot(tokenBody: string): FlowSnapshot {
  return {
    version: 1,
    runId: 'r',
    origin: 'https://playground.example',
    config: {
      issuer: ISSUER,
      authorization_endpoint: '',
      token_endpoint: '',
      jwks_uri: '',
      userinfo_endpoint: '',
      client_id: 'client',
      client_auth: 'client_secret_post',
      scope: 'openid',
      redirect_uri: 'https://playground.example/',
      resource: `https://api.example/${HOSTILE}`,
      extra_params: [[`x|${HOSTILE}`, HOSTILE]],
      allow_insecure_loopback: false,
    },
    pkce: { method: 'S256', code_verifier: VERIFIER, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM' },
    callback: {
      params: [
        ['error', 'access_denied'],
        ['error_description', HOSTILE],
        ['error_uri', 'https://phish.example/help'],
        [HOSTILE, HOSTILE],
      ],
      receivedAt: 1,
      outcome: 'error',
    },
    code: CODE,
    codeUsed: true,
    token: { status: 200 },
    exchanges: [
      exchange({
        id: 't',
        step: 'token',
        label: `Token request ${HOSTILE}`,
        request: {
          method: 'POST',
          url: `${ISSUER}/token`,
          headers: [],
          browserAdded: [],
          body: `grant_type=authorization_code&code=${CODE}&code_verifier=${VERIFIER}&client_secret=${SECRET}`,
        },
        response: {
          status: 200,
          statusText: 'OK',
          type: 'cors',
          url: `${ISSUER}/token`,
          headers: [['content-type', 'application/json']],
          body: tokenBody,
          bodyTruncated: false,
        },
        corsDetail: HOSTILE,
      }),
    ],
    findings: [
      finding('authorization-error', 'error', 'callback', HOSTILE),
      finding('oauth-error-response', 'warning', 'token', HOSTILE),
    ],
    status: { callback: 'error', token: 'ok' },
  }
}

describe('the Markdown report is inert', () => {
  const md = reportToMarkdown(
    buildReport(hostileSnapshot('{"access_token":"opaque-at-1234567890"}'), { version: 't', clientSecret: SECRET }),
  )
  const html = render(md)

  it('renders no link, image, raw HTML, emphasis or table of the server’s making', () => {
    expect(html).not.toMatch(/<a[\s>]/)
    expect(html).not.toMatch(/<img[\s>]/)
    expect(html).not.toMatch(/<script[\s>]/)
    expect(html).not.toMatch(/<em>|<del>|<blockquote>|<ol>/)
    // The only bold text is the report's own: a finding id in code.
    for (const m of html.matchAll(/<strong>(.*?)<\/strong>/g)) expect(m[1]).toMatch(/^<code>[a-z0-9-]+<\/code>$/)
  })

  it('keeps the report’s own headings and tables, which server text cannot imitate', () => {
    const headings = [...html.matchAll(/<h(\d)>(.*?)<\/h\1>/g)].map((m) => `${m[1]} ${m[2]}`)
    expect(headings.filter((h) => h.startsWith('2 '))).toEqual([
      expect.stringMatching(/^2 Verdict: /),
      '2 Configuration',
      '2 Callback (error)',
      '2 Findings',
      '2 Steps',
    ])
    expect(headings.filter((h) => /^\d Verdict/.test(h))).toHaveLength(1)
    // Two tables (configuration, callback), each row with exactly two cells.
    const tables = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1] ?? '')
    expect(tables).toHaveLength(2)
    for (const t of tables) {
      for (const row of t.matchAll(/<tr>([\s\S]*?)<\/tr>/g))
        expect([...(row[1] ?? '').matchAll(/<t[dh][\s>]/g)]).toHaveLength(2)
    }
  })

  it('still shows the server’s words, as text', () => {
    expect(html).toContain('Click to unlock your account')
    expect(html).toContain('&lt;img src=')
    expect(html).toContain('<code>https://phish.example/help</code>')
  })
})

describe('an escaped secret never survives redaction', () => {
  const escaped = [...VERIFIER].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
  const b64 = Buffer.from(`verifier=${VERIFIER}`).toString('base64url')
  const b64std = Buffer.from(`x${VERIFIER}`).toString('base64')
  const pct = encodeURIComponent(encodeURIComponent(REFRESH))
  const pctAll = [...Buffer.from(CODE)].map((b) => `%${b.toString(16)}`).join('')
  const body = `{"access_token":"opaque-at-1234567890","refresh_token":"${REFRESH}","x_debug":"you sent ${escaped}","x_b64":"${b64}","x_b64std":"${b64std}","x_pct":"${pct}","x_pct_all":"${pctAll}","x_secret_as_key":{"${SECRET}":1}}`
  const report = buildReport(hostileSnapshot(body), { version: 't', clientSecret: SECRET })
  const json = JSON.stringify(report)
  const md = reportToMarkdown(report)

  it.each([
    ['the verifier, \\u-escaped in JSON', VERIFIER],
    ['the refresh token, percent-encoded twice', REFRESH],
    ['the code, every byte percent-encoded', CODE],
    ['the client secret, as a member name', SECRET],
  ])('%s', (_name, secret) => {
    for (const text of [json, md, JSON.stringify(JSON.parse(json)), decodeURIComponent(decodeURIComponent(md))]) {
      expect(text.includes(secret)).toBe(false)
    }
  })

  it('base64 and base64url of the verifier, alone or inside a longer value', () => {
    for (const text of [json, md]) {
      for (const enc of [b64, b64std]) {
        // Decoding whatever base64 is left must not give the verifier back.
        for (const run of text.match(/[A-Za-z0-9+/_-]{40,}={0,2}/g) ?? []) {
          expect(Buffer.from(run, 'base64').toString('latin1').includes(VERIFIER)).toBe(false)
        }
        expect(text.includes(enc)).toBe(false)
      }
    }
  })

  it('redactText finds a secret hidden by JSON escapes or percent-encoding in free text', () => {
    expect(redactText(`echo "${escaped}"`, [VERIFIER])).not.toContain(escaped)
    expect(redactText(`see ?v=${pctAll}`, [CODE])).not.toContain(pctAll)
    expect(redactText('nothing to hide here: "\\u0041BC" and %41', [VERIFIER])).toBe(
      'nothing to hide here: "\\u0041BC" and %41',
    )
  })
})

// Found by a review (2026-12-03): secrets the snapshot no longer holds literally, and a cell escape.
describe('a secret echoed by a server is removed even when the snapshot no longer holds it', () => {
  const echo = (code: string, verifier: string) =>
    JSON.stringify({ error: 'invalid_grant', error_description: `code ${code} expired; verifier ${verifier} rejected` })
  const leaks = (report: ReturnType<typeof buildReport>, secrets: string[]) => {
    const all = JSON.stringify(report) + reportToMarkdown(report)
    return secrets.filter((s) => all.includes(s))
  }

  it('after a reload: the stored snapshot has neither the code nor the verifier, the sent request has both', () => {
    const s = hostileSnapshot(echo(CODE, VERIFIER))
    // What sessionStorage keeps once the code was sent (platform/persist.ts storableSnapshot).
    const { code: _code, ...stored } = s
    const reloaded: FlowSnapshot = {
      ...stored,
      pkce: { method: 'S256', code_verifier: '(removed after use)', code_challenge: s.pkce?.code_challenge ?? '' },
      findings: [finding('oauth-error-response', 'error', 'token', `Server says: code ${CODE}, verifier ${VERIFIER}`)],
    }
    expect(leaks(buildReport(reloaded, { version: 't' }), [CODE, VERIFIER])).toEqual([])
  })

  it("a server probe's own code and verifier (sent in its token request, echoed in the answer)", () => {
    const probeCode = 'PROBE-CODE-abcdef123456'
    const probeVerifier = 'probe-verifier-0123456789abcdefghijklmnopqrstuvwxyz'
    const s = hostileSnapshot('{"access_token":"opaque-at-1234567890"}')
    s.exchanges.push(
      exchange({
        id: 'p',
        step: 'probes',
        label: 'Probe: a wrong code_verifier',
        request: {
          method: 'POST',
          url: `${ISSUER}/token?probe_state=st-${probeCode}`,
          headers: [],
          browserAdded: [],
          body: `grant_type=authorization_code&code=${probeCode}&code_verifier=${probeVerifier}`,
        },
        response: {
          status: 400,
          statusText: 'Bad Request',
          type: 'cors',
          url: `${ISSUER}/token`,
          headers: [['content-type', 'application/json']],
          body: echo(probeCode, probeVerifier),
          bodyTruncated: false,
        },
      }),
    )
    s.findings.push(finding('oauth-error-response', 'info', 'probes', `code ${probeCode} / ${probeVerifier}`))
    expect(leaks(buildReport(s, { version: 't' }), [probeCode, probeVerifier])).toEqual([])
  })

  it('plain PKCE: the challenge is the verifier, and is not shown', () => {
    const s = hostileSnapshot('{"access_token":"opaque-at-1234567890"}')
    const plain: FlowSnapshot = { ...s, pkce: { method: 'plain', code_verifier: VERIFIER, code_challenge: VERIFIER } }
    const report = buildReport(plain, { version: 't' })
    expect(leaks(report, [VERIFIER])).toEqual([])
    expect(report.pkce?.method).toBe('plain')
  })
})

describe('a backslash cannot undo the pipe escape of a table cell', () => {
  it('a callback parameter named x\\|[link](…) stays in its cell, inert', () => {
    const evil = 'x\\|[Click to fix](https://phish.example/fix) <img src=https://t.example/p.gif> \\\\|'
    const s = hostileSnapshot('{"access_token":"opaque-at-1234567890"}')
    const withEvil: FlowSnapshot = {
      ...s,
      callback: {
        params: [
          ['error', 'access_denied'],
          [evil, `v\\|${evil}`],
        ],
        receivedAt: 1,
        outcome: 'error',
      },
    }
    const html = render(reportToMarkdown(buildReport(withEvil, { version: 't' })))
    expect(html).not.toMatch(/<a[\s>]/)
    expect(html).not.toMatch(/<img[\s>]/)
    const callback = html.slice(html.indexOf('<h2>Callback'), html.indexOf('<h2>Findings'))
    for (const row of callback.matchAll(/<tr>([\s\S]*?)<\/tr>/g))
      expect([...(row[1] ?? '').matchAll(/<t[dh][\s>]/g)]).toHaveLength(2)
    expect(callback).toContain('Click to fix')
  })
})
