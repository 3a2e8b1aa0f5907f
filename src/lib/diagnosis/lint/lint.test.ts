import { base64url, exportJWK, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { lintCors, lintJwks, lintMetadata, lintTokenResponse, type MetadataLintContext } from '.'
import type { Finding, RecordedResponse } from '../../model/types'

const TOKEN_URL = 'https://as.example.com/token'

/** A recorded response as http.ts records it: lower-case readable headers, body text. */
function recorded(
  status: number,
  headers: Array<[string, string]>,
  body: string,
  extra: Partial<RecordedResponse> = {},
): RecordedResponse {
  return {
    status,
    statusText: '',
    type: 'cors',
    url: TOKEN_URL,
    headers,
    body,
    bodyTruncated: false,
    ...extra,
  }
}

const JSON_NO_STORE: Array<[string, string]> = [
  ['cache-control', 'no-store'],
  ['content-type', 'application/json; charset=utf-8'],
  ['pragma', 'no-cache'],
]

/** A real oidc-provider 9 token response (tokens shortened), headers as a browser exposes them. */
const OIDC_PROVIDER_BODY = {
  access_token: 'Tl9ZQdrYVrhp8U3zT0gB2JrHYqjHbTmZzF7tQ2NqWxA',
  expires_in: 3600,
  id_token:
    'eyJhbGciOiJSUzI1NiIsImtpZCI6InIxIn0.eyJzdWIiOiJhbGljZSIsImF1ZCI6InBsYXkiLCJpc3MiOiJodHRwczovL2FzLmV4YW1wbGUuY29tIn0.c2ln',
  scope: 'openid profile',
  token_type: 'Bearer',
}

function tokenResponse(body: unknown, headers = JSON_NO_STORE, status = 200): RecordedResponse {
  return recorded(status, headers, typeof body === 'string' ? body : JSON.stringify(body))
}

function ids(findings: Finding[]): string[] {
  return findings.map((f) => f.id).sort()
}

function only(findings: Finding[], id: string): Finding {
  const matching = findings.filter((f) => f.id === id)
  expect(matching, `exactly one ${id} in ${ids(findings).join(', ')}`).toHaveLength(1)
  return matching[0] as Finding
}

function expectWellFormed(findings: Finding[]): void {
  for (const f of findings) {
    expect(f.id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/)
    expect(['error', 'warning', 'info']).toContain(f.severity)
    for (const text of [f.title, f.detail, f.fix, f.spec]) expect(text.trim()).not.toBe('')
  }
}

describe('lintTokenResponse: success responses', () => {
  const ctx = { requestedScope: 'openid profile', openid: true }

  it('finds nothing in a real oidc-provider response (Bearer, expires_in 3600, no-store)', () => {
    expect(lintTokenResponse(tokenResponse(OIDC_PROVIDER_BODY), ctx)).toEqual([])
  })

  it('token_type "bearer" is a warning about strict clients, not a spec error', () => {
    const out = lintTokenResponse(tokenResponse({ ...OIDC_PROVIDER_BODY, token_type: 'bearer' }), ctx)
    expect(ids(out)).toEqual(['token-type-not-bearer'])
    const f = only(out, 'token-type-not-bearer')
    expect(f.severity).toBe('warning')
    expect(f.detail).toMatch(/case insensitive/)
    expect(f.detail).toMatch(/NOT a spec error/)
    expect(f.spec).toContain('RFC 6749 §5.1')
    expect(f.spec).toContain('OpenID Connect Core 1.0 §3.1.3.3')
    expect(f.step).toBe('token')
  })

  it('token_type "JWT" is an error (RFC 6749 §7.1)', () => {
    const out = lintTokenResponse(tokenResponse({ ...OIDC_PROVIDER_BODY, token_type: 'JWT' }), ctx)
    const f = only(out, 'token-type-not-bearer')
    expect(f.severity).toBe('error')
    expect(f.spec).toContain('§7.1')
    expect(f.data?.token_type).toBe('JWT')
  })

  it('token_type "DPoP" is fine; a missing token_type is an error', () => {
    expect(lintTokenResponse(tokenResponse({ ...OIDC_PROVIDER_BODY, token_type: 'DPoP' }), ctx)).toEqual([])
    const { token_type: _t, ...noType } = OIDC_PROVIDER_BODY
    expect(only(lintTokenResponse(tokenResponse(noType), ctx), 'token-type-missing').severity).toBe('error')
  })

  it('a missing expires_in is info (RECOMMENDED, not REQUIRED), not an error', () => {
    const { expires_in: _e, ...body } = OIDC_PROVIDER_BODY
    const out = lintTokenResponse(tokenResponse(body), ctx)
    expect(ids(out)).toEqual(['expires-in-missing'])
    expect(out[0]?.severity).toBe('info')
    expect(out[0]?.detail).toMatch(/RECOMMENDED, not REQUIRED/)
  })

  it('expires_in "3600" (a string, as Entra sent it) is a warning', () => {
    const out = lintTokenResponse(tokenResponse({ ...OIDC_PROVIDER_BODY, expires_in: '3600' }), ctx)
    expect(ids(out)).toEqual(['expires-in-not-number'])
    expect(out[0]?.severity).toBe('warning')
    expect(out[0]?.data?.value).toBe('3600')
  })

  it('a negative, null or date-like expires_in is an error', () => {
    for (const value of [-1, null, '2026-01-01T00:00:00Z', true]) {
      const out = lintTokenResponse(tokenResponse({ ...OIDC_PROVIDER_BODY, expires_in: value }), ctx)
      expect(ids(out), String(value)).toEqual(['expires-in-invalid'])
      expect(out[0]?.severity).toBe('error')
    }
  })

  it('an HTML 200 body is token-response-not-json, naming proxies, WAFs and frameworks', () => {
    const html = '<!DOCTYPE html><html><head><title>Sign in – Contoso</title></head><body><form>…</form></body></html>'
    const out = lintTokenResponse(recorded(200, [['content-type', 'text/html; charset=utf-8']], html), ctx)
    expect(ids(out)).toEqual(['token-response-not-json'])
    const f = only(out, 'token-response-not-json')
    expect(f.severity).toBe('error')
    expect(f.detail).toContain('probably an HTML error or login page from a proxy, WAF or framework')
    expect(f.data?.format).toBe('html')
    expect(f.data?.htmlTitle).toBe('Sign in – Contoso')
  })

  it('a GitHub-style form-encoded body is token-response-not-json with a note', () => {
    const out = lintTokenResponse(
      recorded(
        200,
        [['content-type', 'application/x-www-form-urlencoded; charset=utf-8']],
        'access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo&token_type=bearer',
      ),
      ctx,
    )
    const f = only(out, 'token-response-not-json')
    expect(f.data?.format).toBe('form')
    expect(f.detail).toMatch(/GitHub/)
    expect(f.data?.members).toEqual(['access_token', 'scope', 'token_type'])
  })

  it('JSON served as text/plain is a token-response-content-type warning', () => {
    const out = lintTokenResponse(
      tokenResponse(OIDC_PROVIDER_BODY, [
        ['cache-control', 'no-store'],
        ['content-type', 'text/plain;charset=UTF-8'],
      ]),
      ctx,
    )
    expect(ids(out)).toEqual(['token-response-content-type'])
    expect(out[0]?.severity).toBe('warning')
    expect(out[0]?.data?.contentType).toBe('text/plain;charset=UTF-8')
  })

  it('HTTP 200 with {"error":"bad_verification_code"} (GitHub) is token-response-error-with-200', () => {
    const out = lintTokenResponse(
      tokenResponse({
        error: 'bad_verification_code',
        error_description: 'The code passed is incorrect or expired.',
        error_uri:
          'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
      }),
      ctx,
    )
    expect(ids(out)).toEqual(['token-response-error-with-200'])
    const f = only(out, 'token-response-error-with-200')
    expect(f.severity).toBe('error')
    expect(f.data?.error).toBe('bad_verification_code')
    expect(f.detail).toContain('"The code passed is incorrect or expired."')
  })

  it('a missing Cache-Control: no-store is a warning (and mentions Pragma)', () => {
    const out = lintTokenResponse(tokenResponse(OIDC_PROVIDER_BODY, [['content-type', 'application/json']]), ctx)
    expect(ids(out)).toEqual(['token-response-cache-control'])
    expect(out[0]?.severity).toBe('warning')
    expect(out[0]?.detail).toMatch(/Pragma/)
    const cached = lintTokenResponse(
      tokenResponse(OIDC_PROVIDER_BODY, [
        ['cache-control', 'private, max-age=0'],
        ['content-type', 'application/json'],
      ]),
      ctx,
    )
    expect(only(cached, 'token-response-cache-control').data?.cacheControl).toBe('private, max-age=0')
  })

  it('null / wrong-typed members are token-response-member-type errors with data.member', () => {
    const out = lintTokenResponse(tokenResponse({ ...OIDC_PROVIDER_BODY, refresh_token: null, scope: ['openid'] }), ctx)
    expect(ids(out)).toEqual(['token-response-member-type', 'token-response-member-type'])
    expect(out.map((f) => f.data?.member).sort()).toEqual(['refresh_token', 'scope'])
    expect(out.every((f) => f.severity === 'error')).toBe(true)
  })

  it('a missing or empty access_token is an error', () => {
    const { access_token: _a, ...body } = OIDC_PROVIDER_BODY
    expect(only(lintTokenResponse(tokenResponse(body), ctx), 'token-response-access-token-missing').severity).toBe(
      'error',
    )
    expect(ids(lintTokenResponse(tokenResponse({ ...OIDC_PROVIDER_BODY, access_token: '' }), ctx))).toEqual([
      'token-response-access-token-missing',
    ])
  })

  it('no id_token when openid was requested is an error; without openid it is fine', () => {
    const { id_token: _i, ...body } = OIDC_PROVIDER_BODY
    expect(only(lintTokenResponse(tokenResponse(body), ctx), 'token-response-id-token-missing').severity).toBe('error')
    expect(lintTokenResponse(tokenResponse({ ...body, scope: 'profile' }), { requestedScope: 'profile' })).toEqual([])
  })

  it('a narrower granted scope is info; extra members are info and fine', () => {
    const out = lintTokenResponse(tokenResponse({ ...OIDC_PROVIDER_BODY, scope: 'openid', ext_expires_in: 3600 }), ctx)
    expect(ids(out)).toEqual(['token-response-extra-members', 'token-response-scope-differs'])
    expect(out.every((f) => f.severity === 'info')).toBe(true)
    expect(only(out, 'token-response-scope-differs').data?.missing).toEqual(['profile'])
    expect(only(out, 'token-response-extra-members').data?.members).toEqual(['ext_expires_in'])
  })

  it('a JSON array is token-response-not-object; an empty body is token-response-not-json', () => {
    expect(ids(lintTokenResponse(tokenResponse('[]'), ctx))).toEqual(['token-response-not-object'])
    expect(ids(lintTokenResponse(tokenResponse(''), ctx))).toEqual(['token-response-not-json'])
  })
})

describe('lintTokenResponse: error responses', () => {
  it('400 invalid_grant JSON: only token-request-rejected, with the OAuth error in data', () => {
    const out = lintTokenResponse(
      recorded(
        400,
        JSON_NO_STORE,
        JSON.stringify({ error: 'invalid_grant', error_description: 'grant request is invalid' }),
      ),
      {},
    )
    expect(ids(out)).toEqual(['token-request-rejected'])
    const f = only(out, 'token-request-rejected')
    expect(f.severity).toBe('error')
    expect(f.data).toMatchObject({ status: 400, error: 'invalid_grant', error_description: 'grant request is invalid' })
  })

  it('500 HTML page: rejected (error null), 5xx crash, and not JSON', () => {
    const out = lintTokenResponse(
      recorded(
        500,
        [['content-type', 'text/html']],
        '<html><head><title>500 Internal Server Error</title></head><body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>',
      ),
      {},
    )
    expect(ids(out)).toEqual(['error-response-not-json', 'token-request-rejected', 'token-response-5xx'])
    expect(only(out, 'token-request-rejected').data).toMatchObject({ status: 500, error: null })
    expect(only(out, 'token-response-5xx').severity).toBe('error')
    expect(only(out, 'token-response-5xx').detail).toMatch(/ChatGPT/)
    expect(only(out, 'error-response-not-json').data?.format).toBe('html')
  })

  it('502 with {"error":"server_error"} JSON is a 5xx, but a standard code', () => {
    const out = lintTokenResponse(recorded(502, JSON_NO_STORE, '{"error":"server_error"}'), {})
    expect(ids(out)).toEqual(['token-request-rejected', 'token-response-5xx'])
  })

  it('401 invalid_client without WWW-Authenticate cross-origin: nothing about the header here, lintCors says info', () => {
    const res = recorded(
      401,
      JSON_NO_STORE,
      JSON.stringify({ error: 'invalid_client', error_description: 'client authentication failed' }),
    )
    const out = lintTokenResponse(res, { clientAuth: 'client_secret_basic' })
    expect(ids(out)).toEqual(['token-request-rejected'])
    const cors = lintCors(res, { endpoint: 'token', pageOrigin: 'https://playground.example' })
    expect(ids(cors)).toEqual(['www-authenticate-not-exposed'])
    expect(cors[0]?.severity).toBe('info')
    expect(cors[0]?.data?.endpoint).toBe('token')
    expect(cors[0]?.detail).toContain('may exist but is not in Access-Control-Expose-Headers')
  })

  it('401 invalid_client without WWW-Authenticate same-origin: the header really is missing', () => {
    const res = recorded(401, JSON_NO_STORE, JSON.stringify({ error: 'invalid_client' }), { type: 'basic' })
    const out = lintTokenResponse(res, { clientAuth: 'client_secret_basic' })
    expect(ids(out)).toEqual(['token-request-rejected', 'www-authenticate-missing'])
    expect(only(out, 'www-authenticate-missing').severity).toBe('warning')
    expect(lintCors(res, { endpoint: 'token', pageOrigin: 'https://as.example.com' })).toEqual([])
  })

  it('400 invalid_client after Basic authentication must have been 401', () => {
    const out = lintTokenResponse(recorded(400, JSON_NO_STORE, '{"error":"invalid_client"}'), {
      clientAuth: 'client_secret_basic',
    })
    expect(ids(out)).toEqual(['error-response-status', 'token-request-rejected'])
  })

  it('an unknown error code, a bad error_description charset and a 403 are warnings', () => {
    const out = lintTokenResponse(
      recorded(
        403,
        [['content-type', 'application/json']],
        JSON.stringify({ error: 'access_forbidden', error_description: 'Zugriff verweigert: "Ungültiger Client"' }),
      ),
      {},
    )
    expect(ids(out)).toEqual([
      'error-code-unknown',
      'error-description-charset',
      'error-response-status',
      'token-request-rejected',
    ])
    for (const id of ['error-code-unknown', 'error-description-charset', 'error-response-status'])
      expect(only(out, id).severity).toBe('warning')
  })

  it('a JSON 4xx without "error", or served as text/plain, is an error', () => {
    expect(ids(lintTokenResponse(recorded(400, JSON_NO_STORE, '{"message":"Bad Request"}'), {}))).toEqual([
      'error-response-invalid',
      'token-request-rejected',
    ])
    const out = lintTokenResponse(recorded(400, [['content-type', 'text/plain']], '{"error":"invalid_grant"}'), {})
    expect(ids(out)).toEqual(['error-response-not-json', 'token-request-rejected'])
    expect(only(out, 'token-request-rejected').data?.error).toBe('invalid_grant')
  })

  it('a redirect is token-response-status; an opaque response yields nothing', () => {
    expect(ids(lintTokenResponse(recorded(302, [], ''), {}))).toEqual(['token-response-status'])
    expect(lintTokenResponse(recorded(0, [], '', { type: 'opaqueredirect' }), {})).toEqual([])
  })
})

describe('lintTokenResponse: robustness', () => {
  it('never throws, quotes and cuts server text to 300 characters', () => {
    const long = `${'<b>x</b>'.repeat(200)}\u0000\n`
    const weird: unknown[] = [
      undefined,
      null,
      {},
      { status: 200 },
      { status: 200, headers: 'nope', body: 42 },
      recorded(200, JSON_NO_STORE, JSON.stringify({ access_token: 'a', token_type: long, expires_in: long })),
      recorded(400, JSON_NO_STORE, JSON.stringify({ error: long, error_description: long })),
    ]
    for (const w of weird) {
      const out = lintTokenResponse(w as RecordedResponse, {})
      expectWellFormed(out)
      for (const f of out) {
        for (const v of Object.values(f.data ?? {})) {
          if (typeof v === 'string') expect(v.length).toBeLessThanOrEqual(300)
          // eslint-disable-next-line no-control-regex -- control characters are what this checks for
          if (typeof v === 'string') expect(v).not.toMatch(/[\u0000-\u001f]/)
        }
      }
    }
  })
})

// ---------------------------------------------------------------------------------------------

const ISSUER = 'https://as.example.com'

/** A complete, valid OIDC discovery document (shape of oidc-provider 9 with PKCE and RFC 9207). */
const VALID_METADATA: Record<string, unknown> = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  userinfo_endpoint: `${ISSUER}/me`,
  registration_endpoint: `${ISSUER}/reg`,
  end_session_endpoint: `${ISSUER}/session/end`,
  response_types_supported: ['code'],
  response_modes_supported: ['form_post', 'fragment', 'query'],
  grant_types_supported: ['authorization_code', 'refresh_token'],
  subject_types_supported: ['public'],
  id_token_signing_alg_values_supported: ['RS256', 'ES256'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
  code_challenge_methods_supported: ['S256'],
  scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  claims_parameter_supported: false,
  request_parameter_supported: false,
  authorization_response_iss_parameter_supported: true,
  service_documentation: 'https://docs.example.com/oauth',
}

const META_CTX = {
  expectedIssuer: ISSUER,
  source: `${ISSUER}/.well-known/openid-configuration`,
  contentType: 'application/json; charset=utf-8',
  clientAuth: 'none' as const,
  pageOrigin: 'https://playground.example',
}

function lintMeta(change: Record<string, unknown>, ctx: Partial<MetadataLintContext> = {}): Finding[] {
  const doc: Record<string, unknown> = { ...VALID_METADATA }
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete doc[k]
    else doc[k] = v
  }
  const out = lintMetadata(doc, { ...META_CTX, ...ctx })
  expectWellFormed(out)
  return out
}

describe('lintMetadata', () => {
  it('finds nothing in a complete, valid document', () => {
    expect(lintMeta({})).toEqual([])
  })

  it('contradictory members: one note listing each contradiction; PAR required without endpoint is a warning', () => {
    const out = lintMeta({
      response_types_supported: ['code', 'code token'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: undefined,
    })
    expect(ids(out)).toEqual(['metadata-contradictory'])
    expect(out[0]?.severity).toBe('info')
    expect(out[0]?.data?.contradictions).toHaveLength(2)
    expect(out[0]?.detail).toContain('"code token"')
    expect(out[0]?.detail).toContain('MUST be present')

    // Already its own cause (the code flow is not offered): not repeated as a contradiction.
    const noCode = lintMeta({ response_types_supported: ['id_token'], grant_types_supported: ['authorization_code'] })
    expect(ids(noCode)).toEqual(['response-type-code-not-supported'])

    const par = lintMeta({ require_pushed_authorization_requests: true })
    expect(ids(par)).toEqual(['metadata-contradictory'])
    expect(par[0]?.severity).toBe('warning')
    const parOk = lintMeta({
      require_pushed_authorization_requests: true,
      pushed_authorization_request_endpoint: `${ISSUER}/par`,
    })
    expect(ids(parOk)).toEqual([])
  })

  it('no code_challenge_methods_supported: pkce-s256-not-advertised (error; means "no PKCE")', () => {
    const out = lintMeta({ code_challenge_methods_supported: undefined })
    expect(ids(out)).toEqual(['pkce-s256-not-advertised'])
    expect(out[0]?.severity).toBe('error')
    expect(out[0]?.detail).toMatch(/MUST refuse to proceed/)
    expect(out[0]?.data?.methods).toBeNull()
  })

  it('plain only: pkce-s256-not-advertised with data.methods', () => {
    const out = lintMeta({ code_challenge_methods_supported: ['plain'] })
    expect(ids(out)).toEqual(['pkce-s256-not-advertised'])
    expect(out[0]?.data?.methods).toEqual(['plain'])
  })

  it('auth methods without "none" for a public client: a note (RFC 8414 §2 lets the list omit it; the exchange tells)', () => {
    const out = lintMeta({
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
    })
    expect(ids(out)).toEqual(['auth-method-none-not-advertised'])
    expect(out[0]?.severity).toBe('info')
    expect(out[0]?.data?.methods).toEqual(['client_secret_basic', 'private_key_jwt'])
  })

  it('absent auth methods default to client_secret_basic: a note for none, fine for basic', () => {
    const out = lintMeta({ token_endpoint_auth_methods_supported: undefined })
    expect(ids(out)).toEqual(['auth-method-none-not-advertised'])
    expect(out[0]?.title).toMatch(/defaults to client_secret_basic/)
    expect(
      lintMeta({ token_endpoint_auth_methods_supported: undefined }, { clientAuth: 'client_secret_basic' } as never),
    ).toEqual([])
    expect(ids(lintMeta({}, { clientAuth: 'private_key_jwt' } as never))).toEqual(['auth-method-not-advertised'])
  })

  it('issuer with a trailing slash: issuer-mismatch, noting oauth4webapi normalises', () => {
    const out = lintMeta({ issuer: `${ISSUER}/` })
    expect(ids(out)).toEqual(['issuer-mismatch'])
    const f = only(out, 'issuer-mismatch')
    expect(f.severity).toBe('error')
    expect(f.data).toMatchObject({ expected: ISSUER, actual: `${ISSUER}/`, difference: 'trailing-slash' })
    expect(f.detail).toMatch(/oauth4webapi/)
    expect(only(lintMeta({ issuer: 'https://AS.example.com' }), 'issuer-mismatch').data?.difference).toBe('case')
  })

  it('issuer with a query or fragment is issuer-invalid', () => {
    const out = lintMeta({ issuer: `${ISSUER}?tenant=1` }, { expectedIssuer: `${ISSUER}?tenant=1` })
    expect(ids(out)).toEqual(['issuer-invalid'])
  })

  it('an http endpoint on a public host is an error; on loopback only info', () => {
    const out = lintMeta({ token_endpoint: 'http://as.example.com/token' })
    expect(ids(out)).toEqual(['metadata-endpoint-not-https'])
    expect(out[0]?.severity).toBe('error')
    expect(out[0]?.data).toMatchObject({ members: ['token_endpoint'] })
    expect(out[0]?.detail).toMatch(/mixed content/)
    const local = lintMeta({ token_endpoint: 'http://localhost:9000/token' })
    expect(ids(local)).toEqual(['metadata-endpoint-not-https'])
    expect(local[0]?.severity).toBe('info')
  })

  it('one finding per cause: every loopback http endpoint in one note, every other one in one error', () => {
    const out = lintMeta({
      authorization_endpoint: 'http://localhost:9000/auth',
      token_endpoint: 'http://localhost:9000/token',
      jwks_uri: 'http://localhost:9000/jwks',
      userinfo_endpoint: 'http://as.example.com/me',
      revocation_endpoint: 'http://as.example.com/revoke',
    })
    const notes = out.filter((f) => f.id === 'metadata-endpoint-not-https')
    expect(notes.map((f) => f.severity).sort()).toEqual(['error', 'info'])
    expect(notes.find((f) => f.severity === 'info')?.data?.members).toEqual([
      'authorization_endpoint',
      'token_endpoint',
      'jwks_uri',
    ])
    expect(notes.find((f) => f.severity === 'error')?.data?.members).toEqual([
      'userinfo_endpoint',
      'revocation_endpoint',
    ])
  })

  it('says what is true about "Allow http on loopback": on, it is allowed; off, tick it', () => {
    const on = only(lintMeta({ token_endpoint: 'http://localhost:9000/token' }), 'metadata-endpoint-not-https')
    expect(on.detail).toContain('"Allow http on loopback" is on')
    expect(on.detail).not.toContain('Tick')
    const off = only(
      lintMeta({ token_endpoint: 'http://localhost:9000/token' }, { allowInsecureLoopback: false }),
      'metadata-endpoint-not-https',
    )
    expect(off.detail).toContain('Tick "Allow http on loopback"')
  })

  it('a javascript: authorization_endpoint is not https; null / relative is invalid', () => {
    const js = lintMeta({ authorization_endpoint: 'javascript:alert(document.domain)' })
    expect(only(js, 'metadata-endpoint-not-https').severity).toBe('error')
    expect(ids(lintMeta({ jwks_uri: null }))).toEqual(['metadata-invalid-endpoint'])
    expect(ids(lintMeta({ userinfo_endpoint: '/me' }))).toEqual(['metadata-invalid-endpoint'])
  })

  it('an empty array is metadata-zero-element-array', () => {
    const out = lintMeta({ scopes_supported: [] })
    expect(ids(out)).toEqual(['metadata-zero-element-array'])
    expect(out[0]?.severity).toBe('warning')
    expect(out[0]?.data?.member).toBe('scopes_supported')
    // An empty PKCE list also means S256 is not advertised.
    expect(ids(lintMeta({ code_challenge_methods_supported: [] }))).toEqual([
      'metadata-zero-element-array',
      'pkce-s256-not-advertised',
    ])
  })

  it('a javascript: service_documentation is metadata-unsafe-url', () => {
    const out = lintMeta({ service_documentation: 'javascript:alert(1)' })
    expect(ids(out)).toEqual(['metadata-unsafe-url'])
    expect(out[0]?.severity).toBe('warning')
    expect(out[0]?.data?.member).toBe('service_documentation')
  })

  it('missing required members: errors for endpoints, warnings for response_types_supported', () => {
    const out = lintMeta({ token_endpoint: undefined, response_types_supported: undefined })
    expect(ids(out)).toEqual(['metadata-missing-member', 'metadata-missing-member'])
    const bySeverity = Object.fromEntries(out.map((f) => [f.data?.member, f.severity]))
    expect(bySeverity).toEqual({ token_endpoint: 'error', response_types_supported: 'warning' })
  })

  it('OIDC-only rules apply to openid-configuration, not to RFC 8414 documents', () => {
    const changes = { jwks_uri: undefined, id_token_signing_alg_values_supported: ['ES256'] }
    expect(ids(lintMeta(changes))).toEqual(['id-token-rs256-not-advertised', 'metadata-missing-member'])
    expect(lintMeta(changes, { source: `${ISSUER}/.well-known/oauth-authorization-server` })).toEqual([])
  })

  it('RFC 9207 not advertised and no registration endpoint are info', () => {
    const out = lintMeta({
      authorization_response_iss_parameter_supported: undefined,
      registration_endpoint: undefined,
    })
    expect(ids(out)).toEqual(['iss-parameter-not-advertised', 'registration-endpoint-missing'])
    expect(out.every((f) => f.severity === 'info')).toBe(true)
  })

  it('flags a wrong content-type, code/query not supported and wrong member types', () => {
    expect(ids(lintMeta({}, { contentType: 'text/plain' }))).toEqual(['metadata-content-type'])
    expect(ids(lintMeta({ response_types_supported: ['id_token'] }))).toEqual(['response-type-code-not-supported'])
    expect(ids(lintMeta({ grant_types_supported: ['client_credentials'] }))).toEqual(['grant-type-code-not-supported'])
    expect(ids(lintMeta({ response_modes_supported: ['form_post'] }))).toEqual(['response-mode-query-not-supported'])
    expect(ids(lintMeta({ scopes_supported: 'openid profile' }))).toEqual(['metadata-member-type'])
    expect(ids(lintMeta({ request_parameter_supported: 'false' }))).toEqual(['metadata-member-type'])
  })

  it('never throws on garbage', () => {
    for (const doc of [null, [], 'x', 42, { issuer: 7 }]) {
      expect(() => lintMetadata(doc as never, META_CTX)).not.toThrow()
      expectWellFormed(lintMetadata(doc as never, META_CTX))
    }
    expect(ids(lintMetadata([] as never, META_CTX))).toEqual(['metadata-not-object'])
    expect(lintMetadata(VALID_METADATA, undefined as never)).toBeInstanceOf(Array)
  })
})

// ---------------------------------------------------------------------------------------------

const JWKS_URL = `${ISSUER}/jwks`

describe('lintJwks', () => {
  it('finds nothing in a set of public keys with distinct kids', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true })
    const ec = await generateKeyPair('ES256', { extractable: true })
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'r1', use: 'sig', alg: 'RS256' },
      { ...(await exportJWK(ec.publicKey)), kid: 'e1', use: 'sig', alg: 'ES256' },
    ]
    expect(lintJwks({ keys }, { url: JWKS_URL })).toEqual([])
  })

  it('a private key is jwks-private-key-exposed (error, rotate immediately)', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true })
    const out = lintJwks({ keys: [{ ...(await exportJWK(rsa.privateKey)), kid: 'r1' }] }, { url: JWKS_URL })
    expect(ids(out)).toEqual(['jwks-private-key-exposed'])
    expect(out[0]?.severity).toBe('error')
    expect(out[0]?.fix).toMatch(/[Rr]otate these keys immediately/)
    expect(out[0]?.data?.members).toEqual(expect.arrayContaining(['d', 'p', 'q']))
  })

  it('a symmetric key (k) is exposed too', () => {
    const out = lintJwks({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h1' }] }, { url: JWKS_URL })
    expect(ids(out)).toEqual(['jwks-private-key-exposed'])
  })

  it('duplicate kids are a warning; several keys without kid too', async () => {
    const a = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)
    const b = await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)
    const dup = lintJwks(
      {
        keys: [
          { ...a, kid: 'k1' },
          { ...b, kid: 'k1' },
        ],
      },
      { url: JWKS_URL },
    )
    expect(ids(dup)).toEqual(['jwks-duplicate-kid'])
    expect(dup[0]?.severity).toBe('warning')
    expect(dup[0]?.data?.kids).toEqual(['k1'])
    const noKid = lintJwks({ keys: [a, b] }, { url: JWKS_URL })
    expect(ids(noKid)).toEqual(['jwks-kid-missing'])
    // A single key without kid is fine.
    expect(lintJwks({ keys: [a] }, { url: JWKS_URL })).toEqual([])
  })

  it('a 1024-bit RSA modulus is jwks-weak-key (error)', () => {
    // jose/WebCrypto refuse to generate RSA keys under 2048 bits, so the modulus is crafted.
    const n = crypto.getRandomValues(new Uint8Array(128))
    n[0] = (n[0] ?? 0) | 0x80
    const out = lintJwks({ keys: [{ kty: 'RSA', kid: 'old', n: base64url.encode(n), e: 'AQAB' }] }, { url: JWKS_URL })
    expect(ids(out)).toEqual(['jwks-weak-key'])
    expect(out[0]?.severity).toBe('error')
    expect(out[0]?.data?.bits).toBe(1024)
  })

  it('a 2048-bit modulus with a leading zero byte is not weak', async () => {
    const jwk = await exportJWK((await generateKeyPair('RS256', { extractable: true })).publicKey)
    const bytes = base64url.decode(jwk.n ?? '')
    const padded = new Uint8Array(bytes.length + 1)
    padded.set(bytes, 1)
    expect(lintJwks({ keys: [{ ...jwk, n: base64url.encode(padded) }] }, { url: JWKS_URL })).toEqual([])
  })

  it('no keys array is jwks-invalid; an empty array is jwks-empty', () => {
    for (const doc of [{}, { keys: {} }, [], null, 'keys']) {
      const out = lintJwks(doc, { url: JWKS_URL })
      expect(ids(out)).toEqual(['jwks-invalid'])
      expect(out[0]?.severity).toBe('error')
    }
    expect(ids(lintJwks({ keys: [] }, { url: JWKS_URL }))).toEqual(['jwks-empty'])
  })

  it('missing kty, a malformed n, a non-object key and an encryption key', () => {
    const out = lintJwks(
      {
        keys: [
          { kid: 'a', n: 'AQAB', e: 'AQAB' },
          { kty: 'RSA', kid: 'b', n: '!!', e: 'AQAB' },
          'not a key',
          { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', kid: 'c', use: 'enc' },
        ],
      },
      { url: JWKS_URL },
    )
    expect(ids(out)).toEqual(['jwks-invalid', 'jwks-key-not-for-signing', 'jwks-kty-missing'])
    expect(only(out, 'jwks-kty-missing').severity).toBe('error')
    expect(only(out, 'jwks-key-not-for-signing').severity).toBe('info')
    expectWellFormed(out)
  })
})

describe('lintCors', () => {
  it('reports a hidden use_dpop_nonce DPoP-Nonce header', () => {
    const res = recorded(400, JSON_NO_STORE, '{"error":"use_dpop_nonce"}')
    const out = lintCors(res, { endpoint: 'token', pageOrigin: 'https://playground.example' })
    expect(ids(out)).toEqual(['dpop-nonce-not-exposed'])
    expect(
      lintCors(
        { ...res, headers: [...res.headers, ['dpop-nonce', 'n1']] },
        {
          endpoint: 'token',
          pageOrigin: 'https://playground.example',
        },
      ),
    ).toEqual([])
  })

  it('says nothing when the WWW-Authenticate header was readable, and never throws', () => {
    const res = recorded(401, [['www-authenticate', 'Basic realm="token"']], '{"error":"invalid_client"}')
    expect(lintCors(res, { endpoint: 'token', pageOrigin: 'https://playground.example' })).toEqual([])
    expect(() => lintCors(null as never, null as never)).not.toThrow()
  })
})

describe('a response over the size cap', () => {
  it('is reported as too large (size, cap, first bytes), not as "not JSON"', () => {
    const head = '{"access_token":"at","token_type":"Bearer","x_padding":"'
    const body = (head + 'A'.repeat(256 * 1024)).slice(0, 256 * 1024)
    const found = lintTokenResponse(recorded(200, JSON_NO_STORE, body, { bodyTruncated: true, bodySize: 307_300 }))
    expect(found.map((f) => f.id)).toEqual(['response-too-large'])
    const f = found[0]!
    expect(f.severity).toBe('error')
    expect(f.title).toContain('300 KiB')
    expect(f.title).toContain('256 KiB')
    expect(f.detail).toContain('307300 bytes')
    expect(f.detail).toContain('{"access_token"')
    expect(f.data).toMatchObject({ size: 307_300, cap: 262_144 })
  })
})
