import { describe, expect, it } from 'vitest'
import {
  REPORT_FILENAME,
  buildReport,
  classifyKey,
  computeVerdict,
  findingScope,
  redactExchange,
  redactFinding,
  redactText,
  redactToken,
  reportToMarkdown,
} from '.'
import { stepsFor } from '../../model/steps'

// The plain OAuth flow (no MCP server URL in these snapshots).
const STEPS = stepsFor(false)
import type { Finding, FindingId, FlowSnapshot, HttpExchange, StepRef } from '../../model/types'

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

const ISSUER = 'https://as.example.com'
const CLIENT_ID = 'playground-client'
const SECRET = 'c2VjcmV0LXZhbHVlLTk5OTk5OTk5'
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')
const CODE = 'SplxlOBeZQQYbYS6WxSbIA-c0de-4711'
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
const STATE = 'af0ifjsldkj-state-8765'
const NONCE = 'n-0S6_WzA2Mj-nonce-1234'
const REFRESH = '8xLOxBtZp8-refresh-tGzv3JMkF0XG5Qx2TlKWIA'
const EXTRA_SECRET = 'extra-param-secret-value-42'

const NOW = 1_790_000_000
const ID_HEADER = { alg: 'RS256', kid: 'key-1', typ: 'JWT' }
const ID_CLAIMS = { iss: ISSUER, sub: 'user-4711', aud: CLIENT_ID, exp: NOW + 3600, iat: NOW, nonce: NONCE }
const AT_HEADER = { alg: 'RS256', kid: 'key-1', typ: 'at+jwt' }
const AT_CLAIMS = {
  iss: ISSUER,
  sub: 'user-4711',
  aud: 'https://api.example.com',
  client_id: CLIENT_ID,
  scope: 'openid profile',
  jti: 'jti-at-0001',
  exp: NOW + 3600,
  iat: NOW,
}
const ID_SIG = 'IDsigNATUREsegmentAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_'
const AT_SIG = 'ATsigNATUREsegmentZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210_-'
const ID_TOKEN = `${b64url(ID_HEADER)}.${b64url(ID_CLAIMS)}.${ID_SIG}`
const ACCESS_TOKEN = `${b64url(AT_HEADER)}.${b64url(AT_CLAIMS)}.${AT_SIG}`

const TOKEN_BODY = {
  access_token: ACCESS_TOKEN,
  token_type: 'bearer',
  expires_in: 3600,
  refresh_token: REFRESH,
  id_token: ID_TOKEN,
  scope: 'openid profile',
}

const AUTH_URL = `${ISSUER}/authorize?response_type=code&client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent('https://playground.example/callback')}&scope=openid+profile&state=${STATE}&nonce=${NONCE}&code_challenge=${CHALLENGE}&code_challenge_method=S256`

function exchange(
  partial: Partial<HttpExchange> & Pick<HttpExchange, 'id' | 'step' | 'label' | 'request'>,
): HttpExchange {
  return { startedAt: 1, durationMs: 12, cors: 'readable', ...partial }
}

const discoveryExchange = exchange({
  id: 'x1',
  step: 'discovery',
  label: 'Discovery: OAuth 2.0 metadata (RFC 8414)',
  request: {
    method: 'GET',
    url: `${ISSUER}/.well-known/oauth-authorization-server`,
    headers: [['accept', 'application/json']],
    browserAdded: [['origin', 'https://playground.example']],
  },
  response: {
    status: 200,
    statusText: 'OK',
    type: 'cors',
    url: `${ISSUER}/.well-known/oauth-authorization-server`,
    headers: [['content-type', 'application/json']],
    body: JSON.stringify({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'],
    }),
    bodyTruncated: false,
  },
})

const tokenExchange = exchange({
  id: 'x2',
  step: 'token',
  label: 'Token request (authorization_code grant)',
  request: {
    method: 'POST',
    url: `${ISSUER}/token`,
    headers: [
      ['accept', 'application/json'],
      ['authorization', `Basic ${BASIC}`],
      ['content-type', 'application/x-www-form-urlencoded;charset=UTF-8'],
    ],
    browserAdded: [['origin', 'https://playground.example']],
    body: `grant_type=authorization_code&code=${CODE}&redirect_uri=${encodeURIComponent('https://playground.example/callback')}&code_verifier=${VERIFIER}`,
  },
  response: {
    status: 200,
    statusText: 'OK',
    type: 'cors',
    url: `${ISSUER}/token`,
    headers: [
      ['content-type', 'application/json'],
      ['cache-control', 'no-store'],
    ],
    body: JSON.stringify(TOKEN_BODY, null, 2),
    bodyTruncated: false,
  },
})

const userinfoExchange = exchange({
  id: 'x3',
  step: 'userinfo',
  label: 'UserInfo',
  request: {
    method: 'GET',
    url: `${ISSUER}/userinfo`,
    headers: [['authorization', `Bearer ${ACCESS_TOKEN}`]],
    browserAdded: [],
  },
  response: {
    status: 200,
    statusText: 'OK',
    type: 'cors',
    url: `${ISSUER}/userinfo`,
    headers: [],
    body: '{"sub":"user-4711"}',
    bodyTruncated: false,
  },
})

function finding(id: FindingId, severity: Finding['severity'], step: StepRef, extra: Partial<Finding> = {}): Finding {
  return {
    id,
    severity,
    step,
    title: `Title of ${id}`,
    detail: `Detail of ${id}`,
    fix: `Fix ${id}`,
    spec: 'RFC 6749 §5.1',
    ...extra,
  }
}

function baseSnapshot(): FlowSnapshot {
  return {
    version: 1,
    runId: 'run-1',
    origin: 'https://playground.example',
    config: {
      issuer: ISSUER,
      authorization_endpoint: '',
      token_endpoint: '',
      jwks_uri: '',
      userinfo_endpoint: '',
      client_id: CLIENT_ID,
      client_auth: 'client_secret_basic',
      scope: 'openid profile',
      redirect_uri: 'https://playground.example/callback',
      resource: '',
      extra_params: [
        ['login_hint', 'alice@example.com'],
        ['my_api_secret', EXTRA_SECRET],
      ],
      allow_insecure_loopback: false,
    },
    metadata: {
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
    },
    pkce: { method: 'S256', code_verifier: VERIFIER, code_challenge: CHALLENGE },
    authorization: {
      url: AUTH_URL,
      state: STATE,
      nonce: NONCE,
      params: [
        ['response_type', 'code'],
        ['state', STATE],
        ['nonce', NONCE],
        ['code_challenge', CHALLENGE],
        ['my_api_secret', EXTRA_SECRET],
      ],
    },
    callback: {
      params: [
        ['code', CODE],
        ['state', STATE],
        ['iss', ISSUER],
      ],
      receivedAt: 2,
      outcome: 'code',
    },
    code: CODE,
    codeUsed: true,
    token: { status: 200, body: { ...TOKEN_BODY } },
    exchanges: [discoveryExchange, tokenExchange, userinfoExchange],
    findings: [
      finding('token-type-not-bearer', 'info', 'token', { detail: 'token_type "bearer" is valid (case-insensitive).' }),
      finding('access-token-jwt-peek', 'info', 'tokens', {
        detail: `The access token ${ACCESS_TOKEN} is a JWT; the callback was https://playground.example/callback?code=${CODE}&state=${STATE}`,
        data: { token: ACCESS_TOKEN, code: CODE, claim: 'aud', values: [ID_TOKEN] },
      }),
    ],
    status: {
      configure: 'ok',
      discovery: 'ok',
      pkce: 'ok',
      authorization: 'ok',
      callback: 'ok',
      token: 'ok',
      tokens: 'ok',
    },
  }
}

const FORBIDDEN = { CODE, VERIFIER, SECRET, BASIC, REFRESH, ID_SIG, AT_SIG, STATE, NONCE, EXTRA_SECRET }

function expectNoSecrets(text: string): void {
  for (const [name, value] of Object.entries(FORBIDDEN)) {
    expect(text.includes(value), `${name} leaked`).toBe(false)
  }
}

describe('buildReport', () => {
  const snapshot = baseSnapshot()
  const report = buildReport(snapshot, {
    version: '0.1.0',
    now: new Date('2026-11-26T15:00:00Z'),
    clientSecret: SECRET,
  })
  const json = JSON.stringify(report)
  const md = reportToMarkdown(report)

  it('names the tool, version and time', () => {
    expect(REPORT_FILENAME).toBe('pkce-playground-report.json')
    expect(report.tool).toBe('pkce-playground')
    expect(report.version).toBe('0.1.0')
    expect(report.generatedAt).toBe('2026-11-26T15:00:00.000Z')
    expect(md).toContain('pkce-playground 0.1.0')
  })

  it('contains no code, verifier, secret, refresh token, signature, state or nonce', () => {
    expectNoSecrets(json)
    expectNoSecrets(md)
  })

  it('keeps JWT headers and claims, finding ids and step ids', () => {
    for (const text of [json, md]) {
      expect(text).toContain('user-4711')
      expect(text).toContain(ISSUER)
      expect(text).toContain('key-1')
      expect(text).toContain('jti-at-0001')
      expect(text).toContain('token-type-not-bearer')
      expect(text).toContain('access-token-jwt-peek')
      for (const s of STEPS) expect(text).toContain(s.id)
      expect(text).toContain('userinfo')
    }
    // the redacted JWT keeps header.payload
    expect(json).toContain(`${b64url(AT_HEADER)}.${b64url(AT_CLAIMS)}.[signature redacted]`)
    const id = report.tokens?.find((t) => t.kind === 'id_token')
    expect(id?.header).toEqual(ID_HEADER)
    expect(id?.claims).toMatchObject({ iss: ISSUER, sub: 'user-4711', aud: CLIENT_ID, nonce: '[redacted]' })
    const rt = report.tokens?.find((t) => t.kind === 'refresh_token')
    expect(rt).toMatchObject({ format: 'opaque', length: REFRESH.length })
    expect(rt?.claims).toBeUndefined()
  })

  it('keeps public values: code_challenge, login_hint, client_id, redirect URI', () => {
    expect(json).toContain(CHALLENGE)
    expect(report.config.extra_params).toEqual([
      ['login_hint', 'alice@example.com'],
      ['my_api_secret', '[redacted]'],
    ])
    expect(report.config.client_id).toBe(CLIENT_ID)
    expect(report.authorization?.url).toContain('state=[redacted]')
    expect(report.authorization?.url).toContain('response_type=code')
    expect(report.callback?.params).toEqual([
      ['code', '[redacted]'],
      ['state', '[redacted]'],
      ['iss', ISSUER],
    ])
  })

  it('redacts the token request and response', () => {
    const token = report.steps.find((s) => s.id === 'token')?.exchanges[0]
    expect(token?.request.headers).toContainEqual(['authorization', 'Basic [redacted]'])
    expect(token?.request.body).toContain('grant_type=authorization_code')
    expect(token?.request.body).toContain('code=[redacted]')
    expect(token?.request.body).toContain('code_verifier=[redacted]')
    const body = JSON.parse(token?.response?.body ?? '{}') as Record<string, unknown>
    expect(body.refresh_token).toBe('[redacted]')
    expect(body.token_type).toBe('bearer')
    expect(body.expires_in).toBe(3600)
    expect(body.id_token).toBe(`${b64url(ID_HEADER)}.${b64url(ID_CLAIMS)}.[signature redacted]`)
    const ui = report.steps.find((s) => s.id === 'userinfo')?.exchanges[0]
    expect(ui?.request.headers).toContainEqual(['authorization', 'Bearer [redacted]'])
  })

  it('redacts finding text and data', () => {
    const f = report.findings.find((x) => x.id === 'access-token-jwt-peek')
    expect(f?.data?.code).toBe('[redacted]')
    expect(f?.data?.claim).toBe('aud')
    expect(f?.data?.token).toBe(`${b64url(AT_HEADER)}.${b64url(AT_CLAIMS)}.[signature redacted]`)
    expect(f?.detail).toContain('code=[redacted]')
  })

  it('orders steps as STEPS, then other steps', () => {
    expect(report.steps.map((s) => s.id)).toEqual([...STEPS.map((s) => s.id), 'userinfo'])
    expect(report.steps.find((s) => s.id === 'userinfo')?.status).toBe('ok')
    const withExtra = buildReport(snapshot, { version: '1', extraSteps: [{ id: 'refresh', status: 'pending' }] })
    expect(withExtra.steps.map((s) => s.id)).toEqual([...STEPS.map((s) => s.id), 'refresh', 'userinfo'])
    expect(withExtra.steps.find((s) => s.id === 'refresh')?.status).toBe('skipped')
  })

  it('maps pending and running to skipped', () => {
    const s = baseSnapshot()
    s.status = { configure: 'ok', discovery: 'running', pkce: 'pending' }
    const r = buildReport(s, { version: '1' })
    expect(r.steps.map((x) => x.status).slice(0, 4)).toEqual(['ok', 'skipped', 'skipped', 'skipped'])
  })

  it('renders Markdown with fenced HTTP and JSON blocks', () => {
    expect(md).toContain('## Verdict: scenario C')
    expect(md).toContain('```http\nPOST https://as.example.com/token')
    expect(md).toContain('HTTP 200 OK')
    expect(md).toContain('```json')
    expect(md).toContain('| client_id | `playground-client` |')
    expect(md).toContain('### Information (2)')
  })

  it('cuts long bodies at 4 KB in Markdown but not in JSON', () => {
    const s = baseSnapshot()
    const big = 'x'.repeat(10_000)
    s.exchanges = [exchange({ ...discoveryExchange, response: { ...discoveryExchange.response!, body: big } })]
    const r = buildReport(s, { version: '1' })
    expect(r.steps[1]?.exchanges[0]?.response?.body.length).toBe(10_000)
    const m = reportToMarkdown(r)
    expect(m).toContain('5904 more characters')
    expect(m).not.toContain('x'.repeat(4097))
  })

  it('picks a longer fence when a body contains backticks', () => {
    const s = baseSnapshot()
    s.exchanges = [exchange({ ...discoveryExchange, response: { ...discoveryExchange.response!, body: 'a ``` b' } })]
    expect(reportToMarkdown(buildReport(s, { version: '1' }))).toContain('````http')
  })
})

describe('redaction helpers', () => {
  it('redactText removes query, form, JSON and HTML secrets and JWT signatures', () => {
    const text = [
      `https://x.example/cb?code=${CODE}&state=${STATE}&iss=https%3A%2F%2Fas`,
      `{"refresh_token": "${REFRESH}", "token_type": "Bearer", "id_token":"${ID_TOKEN}"}`,
      `<input type="hidden" name="code" value="${CODE}"/>`,
      `curl -H 'Authorization: Basic ${BASIC}' -u ${CLIENT_ID}:${SECRET}`,
    ].join('\n')
    const out = redactText(text)
    expect(out).not.toContain(CODE)
    expect(out).not.toContain(STATE)
    expect(out).not.toContain(REFRESH)
    expect(out).not.toContain(ID_SIG)
    expect(out).not.toContain(BASIC)
    expect(out).not.toContain(SECRET)
    expect(out).toContain('iss=https%3A%2F%2Fas')
    expect(out).toContain('"token_type": "Bearer"')
    expect(out).toContain(b64url(ID_CLAIMS))
  })

  it('leaves host names, versions and ordinary text alone', () => {
    const t =
      'GET https://www.example.com/a.b.c v1.2.3 response_type=code code_challenge=abc123XYZ grant_type=authorization_code'
    expect(redactText(t)).toBe(t)
  })

  it('scrubs literal secrets, also percent-encoded', () => {
    const s = 'a+b/c=d-secret'
    expect(redactText(`x ${s} y ${encodeURIComponent(s)}`, [s])).toBe('x [redacted] y [redacted]')
  })

  it('redactToken keeps JWT header and payload, hides opaque and JWE tokens, and is idempotent', () => {
    expect(redactToken(ACCESS_TOKEN)).toBe(`${b64url(AT_HEADER)}.${b64url(AT_CLAIMS)}.[signature redacted]`)
    expect(redactToken(redactToken(ACCESS_TOKEN))).toBe(redactToken(ACCESS_TOKEN))
    expect(redactToken('opaque-token-value')).toBe('[opaque token redacted, 18 chars]')
    expect(redactToken(redactToken('opaque-token-value'))).toBe('[opaque token redacted, 18 chars]')
    const jwe = `${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.ZW5j.aXY.Y3Q.dGFn`
    expect(redactToken(jwe)).toBe(`${b64url({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.[encrypted content redacted]`)
  })

  it('classifies keys', () => {
    expect(classifyKey('code')).toBe('secret')
    expect(classifyKey('code_challenge')).toBe('keep')
    expect(classifyKey('token_type')).toBe('keep')
    expect(classifyKey('token_endpoint')).toBe('keep')
    expect(classifyKey('access_token')).toBe('token')
    expect(classifyKey('x_custom_token')).toBe('token')
    expect(classifyKey('client_assertion')).toBe('secret')
    expect(classifyKey('MY_PASSWORD')).toBe('secret')
    expect(classifyKey('error_code')).toBe('keep')
    expect(classifyKey('login_hint')).toBe('keep')
  })

  it('redactExchange removes private JWK members, cookies and Location secrets', () => {
    const ex = redactExchange(
      exchange({
        id: 'j',
        step: 'tokens',
        label: 'JWKS',
        request: {
          method: 'GET',
          url: 'https://as.example.com/jwks',
          headers: [['cookie', 'sid=abc']],
          browserAdded: [],
        },
        response: {
          status: 302,
          statusText: 'Found',
          type: 'cors',
          url: '',
          headers: [
            ['location', `https://cb.example/?code=${CODE}&state=${STATE}`],
            ['x-csrf-token', 'tok-123456'],
          ],
          body: JSON.stringify({ keys: [{ kty: 'RSA', n: 'public-modulus', e: 'AQAB', d: 'PRIVATE-EXPONENT-VALUE' }] }),
          bodyTruncated: false,
        },
      }),
    )
    expect(ex.request.headers).toEqual([['cookie', '[redacted]']])
    expect(ex.response?.headers).toEqual([
      ['location', 'https://cb.example/?code=[redacted]&state=[redacted]'],
      ['x-csrf-token', '[redacted]'],
    ])
    expect(ex.response?.body).not.toContain('PRIVATE-EXPONENT-VALUE')
    expect(ex.response?.body).toContain('public-modulus')
  })

  it('redactFinding redacts text and secret-named data', () => {
    const f = redactFinding(
      finding('oauth-error-response', 'error', 'token', {
        detail: `curl --data-raw 'code=${CODE}&code_verifier=${VERIFIER}'`,
        data: { refresh_token: REFRESH, status: 400 },
      }),
    )
    expect(JSON.stringify(f)).not.toContain(CODE)
    expect(JSON.stringify(f)).not.toContain(VERIFIER)
    expect(f.data).toEqual({ refresh_token: '[redacted]', status: 400 })
  })
})

describe('computeVerdict', () => {
  it('A: the token endpoint rejected the request', () => {
    const s = baseSnapshot()
    s.token = { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } }
    s.findings = [
      finding('token-request-rejected', 'error', 'token', { data: { status: 400, error: 'invalid_grant' } }),
    ]
    s.status.token = 'error'
    s.status.tokens = 'skipped'
    const v = computeVerdict(s)
    expect(v.scenario).toBe('A')
    expect(v.findingIds).toEqual(['token-request-rejected'])
    expect(v.summary).toContain('token-request-rejected')
    expect(v.summary).toContain('HTTP 400')
    expect(v.summary).toContain('client-specific')
  })

  it('A: blocked by CORS, no response', () => {
    const s = baseSnapshot()
    delete s.token
    s.exchanges = [
      {
        ...tokenExchange,
        response: undefined,
        error: { name: 'TypeError', message: 'Failed to fetch' },
        cors: 'blocked-by-cors',
      },
    ]
    s.findings = [finding('cors-blocked', 'error', 'token')]
    s.status.token = 'error'
    const v = computeVerdict(s)
    expect(v.scenario).toBe('A')
    expect(v.findingIds).toEqual(['cors-blocked'])
    expect(v.summary).toContain('no readable response')
  })

  it('A: unreachable token endpoint and a 5xx', () => {
    const s = baseSnapshot()
    delete s.token
    s.exchanges = []
    s.findings = [finding('endpoint-unreachable', 'error', 'token')]
    expect(computeVerdict(s).findingIds).toEqual(['endpoint-unreachable'])
    s.token = { status: 502 }
    s.findings = [finding('response-status-5xx', 'error', 'token'), finding('response-not-json', 'error', 'token')]
    const v = computeVerdict(s)
    expect(v.scenario).toBe('A')
    expect(v.findingIds).toEqual(['response-status-5xx', 'response-not-json'])
  })

  it('B: 200 with warnings and errors in the token response and tokens (info ignored)', () => {
    const s = baseSnapshot()
    s.findings = [
      finding('token-response-content-type', 'warning', 'token'),
      finding('jwt-claim-missing', 'error', 'tokens'),
      finding('token-type-not-bearer', 'info', 'token'),
    ]
    const v = computeVerdict(s)
    expect(v.scenario).toBe('B')
    expect(v.title).toBe('The exchange worked, but the server breaks the spec')
    expect(v.findingIds).toEqual(['jwt-claim-missing', 'token-response-content-type'])
    expect(v.summary).toContain('jwt-claim-missing (“Title of jwt-claim-missing”)')
    expect(v.summary).not.toContain('token-type-not-bearer')
  })

  it('B: only strict clients would object', () => {
    const s = baseSnapshot()
    s.findings = [finding('expires-in-not-number', 'warning', 'token')]
    const v = computeVerdict(s)
    expect(v.scenario).toBe('B')
    expect(v.title).toBe('The exchange worked; only strict clients would object')
    expect(v.summary).toContain('Valid per the spec')
    expect(v.summary).not.toContain('Against the spec')
  })

  it('A: 200 without an access token is a failed exchange', () => {
    const s = baseSnapshot()
    s.token = { status: 200, body: { token_type: 'Bearer' } }
    s.findings = []
    const v = computeVerdict(s)
    expect(v.scenario).toBe('A')
    expect(v.summary).toContain('without an access token')
  })

  it('C: conformant, with the client-side advice', () => {
    const v = computeVerdict(baseSnapshot())
    expect(v.scenario).toBe('C')
    expect(v.findingIds).toEqual([])
    expect(v.summary).toContain('ChatGPT')
    expect(v.summary).toContain('WAF')
    expect(v.summary).toContain('client-specific')
  })

  it('B: a pasted-back 200 after CORS blocked the browser names the CORS finding as about this browser', () => {
    const s = baseSnapshot()
    s.exchanges = [
      { ...tokenExchange, response: undefined, cors: 'blocked-by-cors' },
      { ...tokenExchange, id: 'x9', response: { ...tokenExchange.response!, type: 'pasted' } },
    ]
    s.findings = [finding('cors-blocked', 'error', 'token')]
    const v = computeVerdict(s)
    expect(v.scenario).toBe('B')
    expect(v.title).toBe('The exchange worked; what remains concerns this client or this browser')
    expect(v.findingIds).toEqual(['cors-blocked'])
    expect(v.summary).toContain('pasted back from curl')
  })

  it('B, never C, for a problem of an earlier step', () => {
    const s = baseSnapshot()
    s.findings = [finding('iss-missing', 'error', 'callback')]
    const v = computeVerdict(s)
    expect(v.scenario).toBe('B')
    expect(v.findingIds).toEqual(['iss-missing'])
    expect(v.summary).toContain('Against the spec')
  })

  it('incomplete: failed at discovery', () => {
    const s = baseSnapshot()
    delete s.token
    delete s.code
    s.codeUsed = false
    s.exchanges = [discoveryExchange]
    s.findings = [
      finding('discovery-failed', 'error', 'discovery'),
      finding('insecure-endpoint', 'warning', 'discovery'),
    ]
    s.status = { configure: 'ok', discovery: 'error' }
    const v = computeVerdict(s)
    expect(v.scenario).toBe('incomplete')
    expect(v.findingIds).toEqual(['discovery-failed'])
    expect(v.title).toBe('The flow stopped at the Discover step')
    expect(v.summary).toContain('Title of discovery-failed')
    expect(v.summary).toContain('Fix discovery-failed')
  })

  it('incomplete: access_denied at the callback', () => {
    const s = baseSnapshot()
    delete s.token
    s.codeUsed = false
    s.exchanges = [discoveryExchange]
    s.findings = [finding('authorization-error', 'error', 'callback', { data: { error: 'access_denied' } })]
    s.status = { configure: 'ok', discovery: 'ok', pkce: 'ok', authorization: 'ok', callback: 'error' }
    const v = computeVerdict(s)
    expect(v.scenario).toBe('incomplete')
    expect(v.title).toBe('The flow stopped at the Callback step')
    expect(v.findingIds).toEqual(['authorization-error'])
  })

  it('findingScope separates client-specific and AS-intrinsic checks', () => {
    expect(findingScope(finding('cors-blocked', 'error', 'token'))).toBe('client-specific')
    expect(
      findingScope(finding('token-request-rejected', 'error', 'token', { data: { error: 'invalid_client' } })),
    ).toBe('client-specific')
    expect(findingScope(finding('token-request-rejected', 'error', 'token', { data: { error: 'server_error' } }))).toBe(
      'as-intrinsic',
    )
    expect(findingScope(finding('jwt-claim-missing', 'error', 'tokens'))).toBe('as-intrinsic')
    // CORS is about this browser origin (the verdict's advice says so): never labelled AS-intrinsic.
    for (const id of [
      'cors-preflight-failed',
      'cors-error-responses-without-cors',
      'dpop-nonce-not-exposed',
      'www-authenticate-not-exposed',
      'mcp-www-authenticate-not-exposed',
      'dpop-preflight-refused',
      'par-cors',
    ] as const)
      expect(findingScope(finding(id, 'error', 'cors')), id).toBe('client-specific')
  })
})
