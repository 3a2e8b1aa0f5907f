import { describe, expect, it } from 'vitest'
import { createServer } from 'node:net'
import * as oauth from 'oauth4webapi'
import {
  CompactEncrypt,
  CompactSign,
  EncryptJWT,
  SignJWT,
  UnsecuredJWT,
  calculateJwkThumbprint,
  compactDecrypt,
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch as joseCustomFetch,
  exportJWK,
  generateKeyPair,
  generateSecret,
  jwtVerify,
  decodeProtectedHeader,
} from 'jose'
import type { JWK } from 'jose'
import { OAUTH_ERROR_CODES, explainError, type ExplainContext } from '.'
import { isFindingId } from '../../model/catalogue'
import type { Finding } from '../../model/types'

const ISSUER = 'https://as.example'
const CLIENT_ID = 'playground'
const as: oauth.AuthorizationServer = {
  issuer: ISSUER,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  userinfo_endpoint: `${ISSUER}/userinfo`,
}
const client: oauth.Client = { client_id: CLIENT_ID }

const TOKEN: ExplainContext = { step: 'token', operation: 'token', url: `${ISSUER}/token` }
const CALLBACK: ExplainContext = { step: 'callback', operation: 'callback' }
const DISCOVERY: ExplainContext = {
  step: 'discovery',
  operation: 'discovery',
  url: `${ISSUER}/.well-known/openid-configuration`,
}
const JWKS: ExplainContext = { step: 'tokens', operation: 'jwks', url: `${ISSUER}/jwks` }
const ID_TOKEN: ExplainContext = { step: 'tokens', operation: 'id-token' }

/** Runs fn, which must throw, and returns what it threw. */
async function thrown(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (err) {
    return err
  }
  throw new Error('expected the call to throw')
}

/** Asserts the shape every finding must have and returns it. */
function check(f: Finding, id: string, severity: Finding['severity'] = 'error'): Finding {
  expect(f.id).toBe(id)
  expect(isFindingId(f.id)).toBe(true)
  expect(f.severity).toBe(severity)
  for (const key of ['title', 'detail', 'fix', 'spec'] as const) {
    expect(typeof f[key]).toBe('string')
    expect(f[key].trim().length).toBeGreaterThan(0)
  }
  expect(f.title).not.toContain('\n')
  // The raw code is never the whole explanation.
  const code = typeof f.data?.['code'] === 'string' ? f.data['code'] : undefined
  if (code) expect(f.detail.trim()).not.toBe(code)
  expect(f.detail.length).toBeGreaterThan(40)
  expect(f.detail).not.toMatch(/^\(?[A-Z_]+\)?\.?$/)
  for (const value of Object.values(f.data ?? {})) {
    expect(typeof value).toBe('string')
    expect(String(value).length).toBeLessThanOrEqual(300)
  }
  return f
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

function html(status: number): Response {
  return new Response('<!doctype html><h1>Oops</h1>', {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  })
}

function callback(
  query: string,
  server: oauth.AuthorizationServer = as,
  state: string | typeof oauth.expectNoState = 's1',
) {
  return oauth.validateAuthResponse(server, client, new URLSearchParams(query), state)
}

const now = () => Math.floor(Date.now() / 1000)
const rsa = await generateKeyPair('RS256', { extractable: true })
const otherRsa = await generateKeyPair('RS256', { extractable: true })

async function idToken(
  claims: Record<string, unknown>,
  options: { alg?: string; kid?: string; key?: CryptoKey; omit?: string[] } = {},
): Promise<string> {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    sub: 'user-1',
    aud: CLIENT_ID,
    iat: now(),
    exp: now() + 300,
    ...claims,
  }
  for (const name of options.omit ?? []) delete base[name]
  const header: { alg: string; kid?: string } = { alg: options.alg ?? 'RS256' }
  if (options.kid) header.kid = options.kid
  return new SignJWT(base).setProtectedHeader(header).sign(options.key ?? rsa.privateKey)
}

function tokenResponse(id_token?: string, extra: Record<string, unknown> = {}): Response {
  return json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token, ...extra })
}

async function tokenError(idTok: string, options?: oauth.ProcessAuthorizationCodeResponseOptions, server = as) {
  return thrown(() => oauth.processAuthorizationCodeResponse(server, client, tokenResponse(idTok), options))
}

describe('explainError: authorization response (callback)', () => {
  it('access_denied with an error_description', async () => {
    const err = await thrown(() => callback('error=access_denied&error_description=User%20said%20no&state=s1'))
    expect(err).toBeInstanceOf(oauth.AuthorizationResponseError)
    const f = check(explainError(err, CALLBACK), 'authorization-error', 'warning')
    expect(f.data?.['error']).toBe('access_denied')
    expect(f.detail).toContain('Text supplied by the server')
    expect(f.detail).toContain('"User said no"')
    expect(f.spec).toContain('RFC 6749 §4.1.2.1')
  })

  it('a non-standard authorization error stays an error', async () => {
    const err = await thrown(() => callback('error=weird_thing&state=s1'))
    const f = check(explainError(err, CALLBACK), 'authorization-error', 'error')
    expect(f.detail).toContain('not a standard OAuth error code')
  })

  it('server_error via the callback', async () => {
    const err = await thrown(() => callback('error=server_error&state=s1'))
    check(explainError(err, CALLBACK), 'authorization-error', 'error')
  })

  it('state mismatch', async () => {
    const err = await thrown(() => callback('code=abc&state=other'))
    const f = check(explainError(err, CALLBACK), 'state-mismatch')
    expect(f.data?.['expected']).toBe('s1')
    expect(f.data?.['actual']).toBe('other')
  })

  it('state missing', async () => {
    const err = await thrown(() => callback('code=abc'))
    check(explainError(err, CALLBACK), 'state-missing')
  })

  it('state sent back although none was sent', async () => {
    const err = await thrown(() => callback('code=abc&state=zzz', as, oauth.expectNoState))
    check(explainError(err, CALLBACK), 'state-unexpected')
  })

  it('RFC 9207 iss missing when advertised', async () => {
    const err = await thrown(() =>
      callback('code=abc&state=s1', { ...as, authorization_response_iss_parameter_supported: true }),
    )
    const f = check(explainError(err, CALLBACK), 'iss-missing')
    expect(f.spec).toMatch(/RFC 9207 .*§2\.4/)
  })

  it('RFC 9207 iss mismatch (checked before error=)', async () => {
    const err = await thrown(() => callback('error=access_denied&state=s1&iss=https%3A%2F%2Fas.example%2F'))
    const f = check(explainError(err, CALLBACK), 'issuer-mismatch')
    expect(f.data?.['expected']).toBe(ISSUER)
    expect(f.data?.['actual']).toBe(`${ISSUER}/`)
  })

  it('duplicate parameter', async () => {
    const err = await thrown(() => callback('code=abc&state=s1&state=s1'))
    const f = check(explainError(err, CALLBACK), 'duplicate-parameter')
    expect(f.data?.['parameter']).toBe('state')
  })

  it('implicit/hybrid response', async () => {
    const err = await thrown(() => callback('code=abc&state=s1&id_token=x.y.z'))
    expect(err).toBeInstanceOf(oauth.UnsupportedOperationError)
    check(explainError(err, CALLBACK), 'implicit-response-unexpected')
  })

  it('JARM response', async () => {
    const err = await thrown(() => callback('response=eyJ'))
    check(explainError(err, CALLBACK), 'jarm-response-unexpected')
  })
})

describe('explainError: discovery and metadata', () => {
  const expected = new URL(ISSUER)

  it('issuer mismatch', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, json({ issuer: 'https://other.example' })))
    const f = check(explainError(err, DISCOVERY), 'issuer-mismatch')
    expect(f.data?.['expected']).toBe('https://as.example/')
    expect(f.data?.['actual']).toBe('https://other.example')
    expect(f.spec).toContain('RFC 8414 §3.3')
  })

  it('404', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, json({}, 404)))
    const f = check(explainError(err, DISCOVERY), 'response-status')
    expect(f.data?.['status']).toBe('404')
    expect(f.detail).toContain('well-known')
  })

  it('HTML 200 page', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, html(200)))
    const f = check(explainError(err, DISCOVERY), 'response-not-json')
    expect(f.data?.['contentType']).toContain('text/html')
    expect(f.detail).toContain('HTML')
  })

  it('broken JSON', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, json('{"issuer": ')))
    check(explainError(err, DISCOVERY), 'response-parse-error')
  })

  it('top-level array', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, json([1, 2])))
    check(explainError(err, DISCOVERY), 'invalid-response')
  })

  it('issuer member missing', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, json({ jwks_uri: 'x' })))
    const f = check(explainError(err, DISCOVERY), 'invalid-response')
    expect(f.data?.['field']).toBe('issuer')
    expect(f.spec).toContain('RFC 8414 §2')
  })

  it('issuer that is not a URL (plain TypeError from new URL)', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, json({ issuer: 'as.example' })))
    check(explainError(err, DISCOVERY), 'invalid-url')
  })

  it('opaque redirect (status 0)', async () => {
    const res = new Response(null, { status: 302 })
    Object.defineProperty(res, 'status', { value: 0 })
    Object.defineProperty(res, 'type', { value: 'opaqueredirect' })
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, res))
    const f = check(explainError(err, DISCOVERY), 'endpoint-redirected')
    expect(f.detail).toMatch(/hide/)
    expect(f.fix).toMatch(/directly at the exact URL advertised/)
  })

  it('visible 301 redirect with Location', async () => {
    const res = new Response(null, { status: 301, headers: { location: 'https://as.example/x/' } })
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, res))
    const f = check(explainError(err, DISCOVERY), 'endpoint-redirected')
    expect(f.data?.['location']).toBe('https://as.example/x/')
  })

  it('500 from a non-token endpoint', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse(expected, html(500)))
    const f = check(explainError(err, DISCOVERY), 'response-status-5xx')
    expect(f.detail).toContain('crashed')
  })

  it('protected resource metadata resource mismatch (RFC 9728)', async () => {
    const err = await thrown(() =>
      oauth.processResourceDiscoveryResponse(
        new URL('https://rs.example/mcp'),
        json({ resource: 'https://rs.example/' }),
      ),
    )
    const f = check(explainError(err, { step: 'discovery', operation: 'resource' }), 'resource-mismatch')
    expect(f.spec).toContain('RFC 9728 §3.3')
  })
})

describe('explainError: endpoint resolution', () => {
  async function grant(server: oauth.AuthorizationServer, options?: oauth.TokenEndpointRequestOptions) {
    const params = callback('code=abc&state=s1', server)
    return thrown(() =>
      oauth.authorizationCodeGrantRequest(server, client, oauth.None(), params, 'https://pg/cb', 'v'.repeat(43), {
        ...options,
        [oauth.customFetch]: () => Promise.reject(new Error('no network in tests')),
      }),
    )
  }

  it('missing token_endpoint', async () => {
    const f = check(explainError(await grant({ issuer: ISSUER }), TOKEN), 'metadata-missing-endpoint')
    expect(f.data?.['attribute']).toBe('token_endpoint')
  })

  it('token_endpoint null', async () => {
    const server = { issuer: ISSUER, token_endpoint: null } as unknown as oauth.AuthorizationServer
    check(explainError(await grant(server), TOKEN), 'metadata-invalid-endpoint')
  })

  it('http token endpoint', async () => {
    const f = check(
      explainError(await grant({ issuer: ISSUER, token_endpoint: 'http://as.example/token' }), TOKEN),
      'insecure-endpoint',
    )
    expect(f.data?.['url']).toBe('http://as.example/token')
  })

  it('javascript: token endpoint', async () => {
    const err = await grant(
      { issuer: ISSUER, token_endpoint: 'javascript:alert(1)' },
      { [oauth.allowInsecureRequests]: true },
    )
    check(explainError(err, TOKEN), 'bad-endpoint-scheme')
  })
})

describe('explainError: token endpoint', () => {
  const process = (res: Response) => thrown(() => oauth.processAuthorizationCodeResponse(as, client, res))

  it('invalid_grant from a 400 JSON', async () => {
    const err = await process(json({ error: 'invalid_grant', error_description: 'code expired' }, 400))
    expect(err).toBeInstanceOf(oauth.ResponseBodyError)
    const f = check(explainError(err, TOKEN), 'token-request-rejected')
    expect(f.data?.['error']).toBe('invalid_grant')
    expect(f.data?.['status']).toBe('400')
    expect(f.detail).toContain('code_verifier')
    expect(f.spec).toContain('RFC 7636 §4.6')
    expect(f.detail).toContain('"code expired"')
  })

  it('invalid_client with 401 and no challenge is fine status-wise', async () => {
    const err = await process(json({ error: 'invalid_client' }, 401))
    const f = check(explainError(err, TOKEN), 'token-request-rejected')
    expect(f.detail).not.toContain('is neither')
  })

  it('invalid_client with 403 breaks the status rule', async () => {
    const err = await process(json({ error: 'invalid_client' }, 403))
    const f = check(explainError(err, TOKEN), 'token-request-rejected')
    expect(f.detail).toContain('is neither')
  })

  it('invalid_target (RFC 8707)', async () => {
    const f = check(
      explainError(await process(json({ error: 'invalid_target' }, 400)), TOKEN),
      'token-request-rejected',
    )
    expect(f.spec).toContain('RFC 8707')
  })

  it('use_dpop_nonce', async () => {
    const err = await process(json({ error: 'use_dpop_nonce' }, 400))
    check(explainError(err, TOKEN), 'dpop-nonce-required', 'warning')
  })

  it('HTML 500', async () => {
    const err = await process(html(500))
    const f = check(explainError(err, TOKEN), 'token-request-rejected')
    expect(f.data?.['status']).toBe('500')
    expect(f.detail).toContain('crashed')
    expect(f.spec).toContain('RFC 6749 §5.2')
  })

  it('HTML 400', async () => {
    const err = await process(html(400))
    const f = check(explainError(err, TOKEN), 'response-not-json')
    expect(f.spec).toContain('RFC 6749 §5.2')
  })

  it('400 JSON without error member', async () => {
    const f = check(explainError(await process(json({ message: 'nope' }, 400)), TOKEN), 'token-request-rejected')
    expect(f.data?.['status']).toBe('400')
  })

  it('401 with a readable WWW-Authenticate challenge', async () => {
    const res = json({ error: 'invalid_client' }, 401, {
      'www-authenticate': 'Basic realm="as", error="invalid_client", error_description="bad secret"',
    })
    const err = await process(res)
    expect(err).toBeInstanceOf(oauth.WWWAuthenticateChallengeError)
    const f = check(explainError(err, TOKEN), 'www-authenticate-challenge')
    expect(f.data?.['scheme']).toBe('basic')
    expect(f.data?.['error']).toBe('invalid_client')
    expect(f.detail).toContain('Text supplied by the server')
  })

  it('missing access_token', async () => {
    const f = check(explainError(await process(json({ token_type: 'Bearer' })), TOKEN), 'invalid-response')
    expect(f.data?.['field']).toBe('access_token')
    expect(f.spec).toBe('RFC 6749 §5.1')
  })

  it('refresh_token null', async () => {
    const err = await process(json({ access_token: 'a', token_type: 'Bearer', refresh_token: null }))
    const f = check(explainError(err, TOKEN), 'invalid-response')
    expect(f.title).toContain('is null')
  })

  it('unknown token_type', async () => {
    const err = await process(json({ access_token: 'a', token_type: 'mac' }))
    check(explainError(err, TOKEN), 'token-type-unsupported')
  })
})

describe('explainError: ID Token checks in oauth4webapi', () => {
  it('iss mismatch', async () => {
    const f = check(
      explainError(await tokenError(await idToken({ iss: `${ISSUER}/` })), ID_TOKEN),
      'jwt-issuer-mismatch',
    )
    expect(f.data?.['expected']).toBe(ISSUER)
  })

  it('aud mismatch', async () => {
    check(explainError(await tokenError(await idToken({ aud: 'someone-else' })), ID_TOKEN), 'jwt-audience-mismatch')
  })

  it('several audiences without azp', async () => {
    check(explainError(await tokenError(await idToken({ aud: [CLIENT_ID, 'api'] })), ID_TOKEN), 'jwt-azp-missing')
  })

  it('azp mismatch', async () => {
    const tok = await idToken({ aud: [CLIENT_ID, 'api'], azp: 'api' })
    check(explainError(await tokenError(tok), ID_TOKEN), 'jwt-azp-mismatch')
  })

  it('nonce mismatch', async () => {
    const err = await tokenError(await idToken({ nonce: 'n2' }), { expectedNonce: 'n1' })
    const f = check(explainError(err, ID_TOKEN), 'jwt-nonce-mismatch')
    expect(f.data?.['expected']).toBe('n1')
    expect(f.data?.['actual']).toBe('n2')
  })

  it('expired', async () => {
    const f = check(explainError(await tokenError(await idToken({ exp: now() - 3600 })), ID_TOKEN), 'jwt-expired')
    expect(f.detail).toMatch(/clock/)
  })

  it('expired because this computer is ahead (faults.csv B13): estimates how far the clocks differ', async () => {
    // issued "2 h ago" with a 1 h lifetime, as a server 2 h behind this computer would have it
    const tok = await idToken({ iat: now() - 7200, exp: now() - 3600 })
    const f = check(explainError(await tokenError(tok), ID_TOKEN), 'jwt-expired')
    expect(f.detail).toContain("the two clocks differ by about 2 h: this computer's clock is ahead of the server's")
    // an iat within the tolerance says nothing about the clocks
    const fresh = check(explainError(await tokenError(await idToken({ exp: now() - 40 })), ID_TOKEN), 'jwt-expired')
    expect(fresh.detail).not.toContain('the two clocks differ')
  })

  it('not yet valid', async () => {
    check(explainError(await tokenError(await idToken({ nbf: now() + 3600 })), ID_TOKEN), 'jwt-not-yet-valid')
  })

  it('auth_time older than max_age', async () => {
    const err = await tokenError(await idToken({ auth_time: now() - 3600 }), { maxAge: 60 })
    check(explainError(err, ID_TOKEN), 'jwt-auth-time-too-old')
  })

  it('missing sub', async () => {
    const f = check(explainError(await tokenError(await idToken({}, { omit: ['sub'] })), ID_TOKEN), 'jwt-claim-missing')
    expect(f.data?.['claim']).toBe('sub')
  })

  it('exp of the wrong type', async () => {
    const f = check(explainError(await tokenError(await idToken({ exp: 'tomorrow' })), ID_TOKEN), 'jwt-claim-invalid')
    expect(f.data?.['claim']).toBe('exp')
  })

  it('alg not advertised (default RS256)', async () => {
    const ec = await generateKeyPair('ES256')
    const tok = await idToken({}, { alg: 'ES256', key: ec.privateKey })
    const f = check(explainError(await tokenError(tok), ID_TOKEN), 'jwt-alg-not-allowed')
    expect(f.data?.['alg']).toBe('ES256')
  })

  it('not a JWT', async () => {
    check(explainError(await tokenError('not-a-jwt'), ID_TOKEN), 'jwt-malformed')
  })

  it('encrypted ID Token', async () => {
    const secret = await generateSecret('A256GCM')
    const jwe = await new EncryptJWT({ sub: 'x' }).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(secret)
    check(explainError(await tokenError(jwe), ID_TOKEN), 'jwe-not-supported')
  })
})

describe('explainError: JWKS and signatures in oauth4webapi', () => {
  async function verify(tok: string, keys: JWK[]) {
    // A fresh server object each time: oauth4webapi caches the JWKS per AuthorizationServer object.
    const server = { ...as }
    const res = tokenResponse(tok)
    await oauth.processAuthorizationCodeResponse(server, client, res)
    return thrown(() =>
      oauth.validateApplicationLevelSignature(server, res, {
        [oauth.customFetch]: () => Promise.resolve(json({ keys })),
      }),
    )
  }
  const pub = async (key: CryptoKey, extra: Partial<JWK> = {}): Promise<JWK> => ({
    ...(await exportJWK(key)),
    ...extra,
  })

  it('no key with the kid', async () => {
    const err = await verify(await idToken({}, { kid: 'k2' }), [await pub(rsa.publicKey, { kid: 'k1' })])
    const f = check(explainError(err, JWKS), 'jwks-no-matching-key')
    expect(f.data?.['kid']).toBe('k2')
  })

  it('several keys and no kid', async () => {
    const err = await verify(await idToken({}), [await pub(rsa.publicKey), await pub(otherRsa.publicKey)])
    check(explainError(err, JWKS), 'jwks-multiple-keys')
  })

  it('signature does not verify', async () => {
    const err = await verify(await idToken({}, { kid: 'k1' }), [await pub(otherRsa.publicKey, { kid: 'k1' })])
    check(explainError(err, JWKS), 'jwt-signature-invalid')
  })

  it('UserInfo sub mismatch', async () => {
    const err = await thrown(() => oauth.processUserInfoResponse(as, client, 'user-1', json({ sub: 'user-2' })))
    const f = check(explainError(err, { step: 'tokens', operation: 'userinfo' }), 'userinfo-sub-mismatch')
    expect(f.spec).toContain('OpenID Connect Core 1.0 §5.3.2')
  })

  it('JWT UserInfo expected', async () => {
    const signed: oauth.Client = { ...client, userinfo_signed_response_alg: 'RS256' }
    const err = await thrown(() => oauth.processUserInfoResponse(as, signed, 'user-1', json({ sub: 'user-1' })))
    check(explainError(err, { step: 'tokens', operation: 'userinfo' }), 'userinfo-jwt-expected')
  })
})

describe('explainError: jose', () => {
  const ctx: ExplainContext = { step: 'tokens', operation: 'id-token' }
  const verifyErr = async (
    tok: string,
    options: Parameters<typeof jwtVerify>[2] = {},
    key: CryptoKey = rsa.publicKey,
  ) => thrown(() => jwtVerify(tok, key, options))

  it('ERR_JWS_SIGNATURE_VERIFICATION_FAILED', async () => {
    const err = await verifyErr(await idToken({}), {}, otherRsa.publicKey)
    expect((err as { code?: string }).code).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED')
    check(explainError(err, ctx), 'jwt-signature-invalid')
  })

  it('ERR_JWT_EXPIRED', async () => {
    const err = await verifyErr(await idToken({ exp: now() - 100 }))
    expect((err as { code?: string }).code).toBe('ERR_JWT_EXPIRED')
    check(explainError(err, ctx), 'jwt-expired')
  })

  it('ERR_JWT_EXPIRED for maxTokenAge (iat)', async () => {
    const err = await verifyErr(await idToken({ iat: now() - 7200, exp: now() + 3600 }), { maxTokenAge: 60 })
    check(explainError(err, ctx), 'jwt-iat-invalid')
  })

  it('ERR_JWT_CLAIM_VALIDATION_FAILED missing', async () => {
    const err = await verifyErr(await idToken({}), { requiredClaims: ['nonce'] })
    const f = check(explainError(err, ctx), 'jwt-claim-missing')
    expect(f.data?.['claim']).toBe('nonce')
  })

  it('ERR_JWT_CLAIM_VALIDATION_FAILED iss check_failed', async () => {
    const err = await verifyErr(await idToken({}), { issuer: 'https://other.example' })
    check(explainError(err, ctx), 'jwt-issuer-mismatch')
  })

  it('ERR_JWT_CLAIM_VALIDATION_FAILED aud check_failed', async () => {
    check(explainError(await verifyErr(await idToken({}), { audience: 'x' }), ctx), 'jwt-audience-mismatch')
  })

  it('ERR_JWT_CLAIM_VALIDATION_FAILED sub check_failed', async () => {
    check(explainError(await verifyErr(await idToken({}), { subject: 'x' }), ctx), 'jwt-subject-mismatch')
  })

  it('ERR_JWT_CLAIM_VALIDATION_FAILED typ check_failed', async () => {
    check(explainError(await verifyErr(await idToken({}), { typ: 'at+jwt' }), ctx), 'jwt-typ-mismatch')
  })

  it('ERR_JWT_CLAIM_VALIDATION_FAILED nbf', async () => {
    check(explainError(await verifyErr(await idToken({ nbf: now() + 600 })), ctx), 'jwt-not-yet-valid')
  })

  it('ERR_JWT_CLAIM_VALIDATION_FAILED invalid (exp not a number)', async () => {
    const err = await verifyErr(await idToken({ exp: '1' }))
    expect((err as { reason?: string }).reason).toBe('invalid')
    check(explainError(err, ctx), 'jwt-claim-invalid')
  })

  it('ERR_JOSE_ALG_NOT_ALLOWED', async () => {
    check(explainError(await verifyErr(await idToken({}), { algorithms: ['ES256'] }), ctx), 'jwt-alg-not-allowed')
  })

  it('ERR_JOSE_NOT_SUPPORTED (alg none against a JWKS)', async () => {
    const jwks = createLocalJWKSet({ keys: [await exportJWK(rsa.publicKey)] })
    const err = await thrown(() => jwtVerify(new UnsecuredJWT({ sub: 'x' }).encode(), jwks))
    expect((err as { code?: string }).code).toBe('ERR_JOSE_NOT_SUPPORTED')
    check(explainError(err, ctx), 'jwt-alg-unsupported')
  })

  it('ERR_JOSE_NOT_SUPPORTED (crit extension)', async () => {
    const jws = await new CompactSign(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'RS256', crit: ['urn:x'], 'urn:x': 1 })
      .sign(rsa.privateKey)
      .catch((e: unknown) => e)
    // jose refuses to even produce it; either way the error is JOSENotSupported.
    const err = typeof jws === 'string' ? await verifyErr(jws) : jws
    expect((err as { code?: string }).code).toBe('ERR_JOSE_NOT_SUPPORTED')
    check(explainError(err, ctx), 'jwt-crit-unsupported')
  })

  it('ERR_JWS_INVALID', async () => {
    check(explainError(await verifyErr('abc'), ctx), 'jwt-malformed')
  })

  it('ERR_JWT_INVALID', async () => {
    const jws = await new CompactSign(new TextEncoder().encode('hello'))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(rsa.privateKey)
    const err = await verifyErr(jws)
    expect((err as { code?: string }).code).toBe('ERR_JWT_INVALID')
    check(explainError(err, ctx), 'jwt-malformed')
  })

  it('ERR_JWKS_NO_MATCHING_KEY', async () => {
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'a' }] })
    const tok = await idToken({}, { kid: 'b' })
    const err2 = await thrown(() => jwtVerify(tok, jwks))
    expect((err2 as { code?: string }).code).toBe('ERR_JWKS_NO_MATCHING_KEY')
    check(explainError(err2, JWKS), 'jwks-no-matching-key')
  })

  it('ERR_JWKS_MULTIPLE_MATCHING_KEYS', async () => {
    const jwks = createLocalJWKSet({
      keys: [await exportJWK(rsa.publicKey), await exportJWK(otherRsa.publicKey)],
    })
    const tok = await idToken({})
    const err = await thrown(() => jwks(decodeProtectedHeader(tok), { payload: '', signature: '' }))
    expect((err as { code?: string }).code).toBe('ERR_JWKS_MULTIPLE_MATCHING_KEYS')
    check(explainError(err, JWKS), 'jwks-multiple-keys')
  })

  it('ERR_JWKS_INVALID (malformed)', async () => {
    const err = await thrown(() => createLocalJWKSet({ keys: 'nope' } as unknown as { keys: JWK[] }))
    expect((err as { code?: string }).code).toBe('ERR_JWKS_INVALID')
    check(explainError(err, JWKS), 'jwks-invalid')
  })

  it('ERR_JWKS_INVALID (private keys published)', async () => {
    const priv = await exportJWK(rsa.privateKey)
    const err = await thrown(async () => {
      const jwks = createLocalJWKSet({ keys: [priv] })
      await jwtVerify(await idToken({}), jwks)
    })
    expect((err as { code?: string }).code).toBe('ERR_JWKS_INVALID')
    const f = check(explainError(err, JWKS), 'jwks-invalid')
    expect(f.title).toMatch(/private/)
  })

  it('ERR_JWKS_TIMEOUT', async () => {
    const jwks = createRemoteJWKSet(new URL(`${ISSUER}/jwks`), {
      timeoutDuration: 5,
      [joseCustomFetch]: (_url: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason))
        }),
    })
    const err = await thrown(async () => jwtVerify(await idToken({}), jwks))
    expect((err as { code?: string }).code).toBe('ERR_JWKS_TIMEOUT')
    check(explainError(err, JWKS), 'jwks-timeout')
  })

  it('ERR_JOSE_GENERIC (JWKS answered 404)', async () => {
    const jwks = createRemoteJWKSet(new URL(`${ISSUER}/jwks`), {
      [joseCustomFetch]: () => Promise.resolve(json({}, 404)),
    })
    const err = await thrown(async () => jwtVerify(await idToken({}), jwks))
    expect((err as { code?: string }).code).toBe('ERR_JOSE_GENERIC')
    check(explainError(err, JWKS), 'jwks-fetch-failed')
  })

  it('ERR_JWK_INVALID', async () => {
    const err = await thrown(() => calculateJwkThumbprint({ kty: 'RSA', n: 'abc' }))
    expect((err as { code?: string }).code).toBe('ERR_JWK_INVALID')
    check(explainError(err, JWKS), 'jwk-invalid')
  })

  it('ERR_JWE_INVALID', async () => {
    const err = await thrown(() => compactDecrypt('a.b.c.d', new Uint8Array(32)))
    expect((err as { code?: string }).code).toBe('ERR_JWE_INVALID')
    check(explainError(err, ctx), 'jwe-invalid')
  })

  it('ERR_JWE_DECRYPTION_FAILED', async () => {
    const a = new Uint8Array(32).fill(1)
    const b = new Uint8Array(32).fill(2)
    const jwe = await new CompactEncrypt(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(a)
    const err = await thrown(() => compactDecrypt(jwe, b))
    expect((err as { code?: string }).code).toBe('ERR_JWE_DECRYPTION_FAILED')
    check(explainError(err, ctx), 'jwe-decryption-failed')
  })
})

describe('explainError: platform errors', () => {
  it('fetch TypeError → cors-blocked with the endpoint', () => {
    const f = check(explainError(new TypeError('Failed to fetch'), TOKEN), 'cors-blocked')
    expect(f.data?.['endpoint']).toBe('token')
    expect(f.detail).toMatch(/hide/)
    expect(f.detail).toMatch(/CORS check follows|follows up with a CORS check/)
  })

  it('real Node fetch to a closed port → endpoint-unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer()
      srv.listen(0, '127.0.0.1', () => {
        const address = srv.address()
        const p = typeof address === 'object' && address ? address.port : 0
        srv.close(() => resolve(p))
      })
    })
    const err = await thrown(() => fetch(`http://127.0.0.1:${port}/`))
    const f = check(explainError(err, { step: 'discovery', operation: 'discovery' }), 'endpoint-unreachable')
    expect(f.data?.['cause']).toBe('ECONNREFUSED')
  })

  it('real abort', async () => {
    const err = await thrown(() => fetch('http://127.0.0.1:9/', { signal: AbortSignal.abort() }))
    check(explainError(err, DISCOVERY), 'aborted', 'info')
  })

  it('TimeoutError', () => {
    check(explainError(new DOMException('timed out', 'TimeoutError'), TOKEN), 'request-timeout', 'warning')
  })

  it('ERR_INVALID_ARG_TYPE is a playground bug', async () => {
    const err = await thrown(() => oauth.processDiscoveryResponse('https://as.example' as unknown as URL, json({})))
    const f = check(explainError(err, DISCOVERY), 'playground-bug')
    expect(f.title).toMatch(/bug in the playground/)
  })

  it('ERR_INVALID_ARG_VALUE (body used twice) is a playground bug', async () => {
    const res = json({ issuer: ISSUER })
    await res.text()
    const err = await thrown(() => oauth.processDiscoveryResponse(new URL(ISSUER), res))
    check(explainError(err, DISCOVERY), 'playground-bug')
  })

  it('a JavaScript TypeError is a playground bug, not CORS', () => {
    let err: unknown
    try {
      const o = undefined as unknown as { x: { y: number } }
      void o.x.y
    } catch (e) {
      err = e
    }
    check(explainError(err, TOKEN), 'playground-bug')
  })

  it('a thrown string', () => {
    const f = check(explainError('boom', TOKEN), 'unknown-error')
    expect(f.detail).toContain('"boom"')
  })

  it('a plain object that looks like an OAuth error body', () => {
    check(explainError({ error: 'invalid_scope' }, TOKEN), 'token-request-rejected')
    check(explainError({ error: 'invalid_scope' }, { step: 'discovery' }), 'oauth-error-response')
  })

  it('error_description is plain, single-line and capped at 500 characters', async () => {
    const description = `line1\nline2\u0000${'x'.repeat(2000)}`
    const err = await thrown(() =>
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        json({ error: 'invalid_request', error_description: description }, 400),
      ),
    )
    const f = check(explainError(err, TOKEN), 'token-request-rejected')
    const quoted = /Text supplied by the server \(error_description\): "([^"]*)"/.exec(f.detail)?.[1] ?? ''
    expect(quoted.length).toBeLessThanOrEqual(500)
    expect(quoted).toContain('line1 line2')
    expect(f.detail).not.toContain('\n')
    expect(f.detail).not.toContain('\u0000')
  })
})

describe('explainError never throws', () => {
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('get trap')
      },
      getPrototypeOf() {
        throw new Error('proto trap')
      },
      has() {
        throw new Error('has trap')
      },
      ownKeys() {
        throw new Error('keys trap')
      },
    },
  )
  const throwingGetters = Object.defineProperties(new Error('x'), {
    code: {
      get: () => {
        throw new Error('code getter')
      },
    },
    message: {
      get: () => {
        throw new Error('message getter')
      },
    },
    name: {
      get: () => {
        throw new Error('name getter')
      },
    },
  })
  const weird: unknown[] = [
    null,
    undefined,
    42,
    Number.NaN,
    Symbol('s'),
    10n,
    () => 1,
    { code: 5 },
    { code: 'OAUTH_INVALID_RESPONSE' },
    { code: 'OAUTH_RESPONSE_IS_NOT_CONFORM', cause: { status: 'x', headers: 1 } },
    { code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', cause: [null, 1, { scheme: 1 }] },
    { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: {}, reason: 7 },
    { code: '__proto__' },
    { code: 'constructor' },
    { error: '__proto__' },
    {
      get code(): string {
        throw new Error('getter')
      },
    },
    throwingGetters,
    hostile,
    Object.create(null),
    [1, 2, 3],
    new Error(),
  ]

  for (const [i, value] of weird.entries()) {
    it(`weird input #${i}`, () => {
      const f = explainError(value, TOKEN)
      expect(isFindingId(f.id)).toBe(true)
      expect(f.title.length).toBeGreaterThan(0)
      expect(f.detail.length).toBeGreaterThan(0)
      expect(f.fix.length).toBeGreaterThan(0)
      expect(f.spec.length).toBeGreaterThan(0)
    })
  }

  it('a hostile context', () => {
    const ctx = new Proxy(
      {},
      {
        get() {
          throw new Error('ctx')
        },
      },
    ) as ExplainContext
    const f = explainError(new TypeError('Failed to fetch'), ctx)
    expect(isFindingId(f.id)).toBe(true)
    expect(explainError(null, null as unknown as ExplainContext).id).toBe('unknown-error')
  })
})

describe('catalogues', () => {
  it('every OAUTH_ERROR_CODES entry has meaning, fix and spec', () => {
    const required = [
      'invalid_request',
      'unauthorized_client',
      'access_denied',
      'unsupported_response_type',
      'invalid_scope',
      'server_error',
      'temporarily_unavailable',
      'invalid_client',
      'invalid_grant',
      'unsupported_grant_type',
      'interaction_required',
      'login_required',
      'account_selection_required',
      'consent_required',
      'invalid_request_uri',
      'invalid_request_object',
      'request_not_supported',
      'request_uri_not_supported',
      'registration_not_supported',
      'invalid_target',
      'invalid_token',
      'insufficient_scope',
      'invalid_redirect_uri',
      'invalid_client_metadata',
      'invalid_software_statement',
      'unapproved_software_statement',
      'use_dpop_nonce',
      'invalid_dpop_proof',
    ]
    for (const code of required) expect(Object.keys(OAUTH_ERROR_CODES)).toContain(code)
    for (const [code, info] of Object.entries(OAUTH_ERROR_CODES)) {
      expect(code).toMatch(/^[a-z_]+$/)
      expect(info.meaning.length, code).toBeGreaterThan(20)
      expect(info.fix.length, code).toBeGreaterThan(10)
      expect(info.spec, code).toMatch(/RFC \d+|OpenID Connect/)
    }
  })

  it('every oauth4webapi OAUTH_* code is explained by something more specific than unknown-error', () => {
    const codes = Object.entries(oauth).filter(([, v]) => typeof v === 'string' && v.startsWith('OAUTH_'))
    expect(codes.length).toBeGreaterThanOrEqual(18)
    for (const [, code] of codes) {
      const f = explainError({ code, message: 'synthetic', name: 'OperationProcessingError' }, TOKEN)
      expect(f.id, String(code)).not.toBe('unknown-error')
    }
  })
})
