// Smoke test of the demo authorization server, driven over plain HTTP (no browser):
//   node tests/servers/smoke.mjs
// Starts the server on a free port, runs full authorization-code + PKCE flows against the compliant
// issuer and against every fault, and checks that each fault has exactly its intended effect.

import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { decodeJwt } from 'jose'
import { startAuthorizationServer } from './authorization-server.mjs'
import { FAULTS } from './faults.mjs'
import { Jar } from './lib.mjs'

const ORIGIN = 'http://localhost:4173'
const REDIRECT_URI = `${ORIGIN}/`

function pkce() {
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  return { verifier, challenge }
}

/**
 * Runs the front-channel part: authorization request, login, consent. Returns the final redirect URL.
 * @param {string} issuer
 * @param {Record<string, string>} params
 * @param {{ cancel?: boolean }} [opts]
 */
async function authorize(issuer, params, opts = {}) {
  const jar = new Jar()
  let url = `${issuer}/auth?${new URLSearchParams(params)}`
  for (let hop = 0; hop < 12; hop++) {
    const res = await jar.fetch(url)
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(/** @type {string} */ (res.headers.get('location')), url)
      if (location.href.startsWith(REDIRECT_URI)) return location
      url = location.href
      continue
    }
    const html = await res.text()
    assert.equal(res.status, 200, `unexpected ${res.status} at ${url}: ${html.slice(0, 300)}`)
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
    assert.ok(action, `no form at ${url}`)
    const submit = new URL(action.replaceAll('&amp;', '&'), url).href
    if (html.includes('name="login"')) {
      if (opts.cancel) {
        const abort = /<a href="([^"]+)">\[ Cancel \]<\/a>/.exec(html)?.[1]
        assert.ok(abort, 'no cancel link')
        url = new URL(abort, url).href
        continue
      }
      const r = await jar.fetch(submit, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'login', login: 'alice', password: 'whatever' }),
      })
      assert.equal(r.status, 303)
      url = new URL(/** @type {string} */ (r.headers.get('location')), url).href
    } else {
      assert.ok(html.includes('name="prompt" value="consent"'), 'expected the consent page')
      const r = await jar.fetch(submit, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ prompt: 'consent' }),
      })
      assert.equal(r.status, 303)
      url = new URL(/** @type {string} */ (r.headers.get('location')), url).href
    }
  }
  throw new Error('too many hops')
}

/** @param {string} issuer @param {Record<string, string>} form @param {Record<string, string>} [headers] */
async function token(issuer, form, headers = {}) {
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, ...headers },
    body: new URLSearchParams(form),
  })
  const text = await res.text()
  /** @type {any} */
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { res, text, json, acao: res.headers.get('access-control-allow-origin') }
}

/**
 * Full flow for the public client. Returns callback URL, verifier and token response.
 * @param {string} issuer
 * @param {{ resource?: string, verifier?: string, clientId?: string, extra?: Record<string, string> }} [o]
 */
async function flow(issuer, o = {}) {
  const { verifier, challenge } = pkce()
  const state = randomBytes(8).toString('hex')
  const clientId = o.clientId ?? 'pkce-playground'
  const params = {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'openid profile email offline_access',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(o.resource ? { resource: o.resource } : {}),
    ...(o.extra ?? {}),
  }
  const cb = await authorize(issuer, params)
  const code = cb.searchParams.get('code')
  assert.ok(code, `no code in ${cb.href}`)
  const t = await token(issuer, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: clientId,
    code_verifier: o.verifier ?? verifier,
  })
  return { cb, state, t, code, verifier }
}

const server = await startAuthorizationServer({ port: 0, playgroundOrigins: [ORIGIN, 'http://127.0.0.1:4173'] })
const AS = server.url
let failures = 0
/** @param {string} name @param {() => Promise<void>} fn */
async function check(name, fn) {
  try {
    await fn()
    console.log(`ok   ${name}`)
  } catch (err) {
    failures++
    console.log(`FAIL ${name}\n     ${err instanceof Error ? err.stack : err}`)
  }
}

try {
  await check('discovery (root, fault, RFC 8414 alias, unknown fault)', async () => {
    for (const u of [
      `${AS}/.well-known/openid-configuration`,
      `${AS}/faults/state-altered/.well-known/openid-configuration`,
    ]) {
      const r = await fetch(u, { headers: { origin: 'http://evil.example' } })
      assert.equal(r.status, 200)
      assert.equal(r.headers.get('access-control-allow-origin'), 'http://evil.example')
      const m = await r.json()
      assert.equal(`${m.issuer}/.well-known/openid-configuration`, u)
      assert.equal(m.authorization_response_iss_parameter_supported, true)
      assert.deepEqual(m.code_challenge_methods_supported, ['S256'])
    }
    const alias = await (await fetch(`${AS}/.well-known/oauth-authorization-server/faults/state-dropped`)).json()
    assert.equal(alias.issuer, `${AS}/faults/state-dropped`)
    const unknown = await fetch(`${AS}/faults/no-such-fault/.well-known/openid-configuration`)
    assert.equal(unknown.status, 404)
    assert.equal((await unknown.json()).error, 'unknown_fault')
  })

  await check(
    'compliant flow: resource → JWT access token with aud = resource, refresh token, id token claims',
    async () => {
      const { cb, state, t } = await flow(AS, { resource: 'https://api.example.com/orders' })
      assert.equal(cb.searchParams.get('state'), state)
      assert.equal(cb.searchParams.get('iss'), AS)
      assert.equal(t.res.status, 200, t.text)
      assert.equal(t.acao, ORIGIN)
      assert.equal(t.json.token_type, 'Bearer')
      const at = decodeJwt(t.json.access_token)
      assert.equal(at.aud, 'https://api.example.com/orders')
      assert.equal(at.iss, AS)
      assert.equal(at.client_id, 'pkce-playground')
      // offline_access is dropped by oidc-provider without prompt=consent; a refresh token is issued anyway
      assert.equal(at.scope, 'openid profile email')
      assert.ok(t.json.refresh_token, 'refresh token')
      const id = decodeJwt(t.json.id_token)
      assert.equal(id.sub, 'alice')
      assert.equal(id.email, 'alice@example.com')
      assert.equal(id.aud, 'pkce-playground')
      // oidc-provider's userinfo endpoint never accepts these JWT (resource-bound) access tokens
      const ui = await fetch(`${AS}/me`, {
        headers: { authorization: `Bearer ${t.json.access_token}`, origin: ORIGIN },
      })
      assert.equal(ui.status, 401)
      assert.match(/** @type {string} */ (ui.headers.get('www-authenticate')), /invalid_token/)
      const r = await token(AS, {
        grant_type: 'refresh_token',
        refresh_token: t.json.refresh_token,
        client_id: 'pkce-playground',
      })
      assert.equal(r.res.status, 200, r.text)
      assert.equal(decodeJwt(r.json.access_token).aud, 'https://api.example.com/orders')
    },
  )

  await check('compliant flow with prompt=consent keeps offline_access in the granted scope', async () => {
    const { t } = await flow(AS, { resource: 'http://localhost:9999/api', extra: { prompt: 'consent' } })
    assert.equal(t.res.status, 200, t.text)
    assert.equal(t.json.scope, 'openid profile email offline_access')
    assert.equal(decodeJwt(t.json.access_token).scope, 'openid profile email offline_access')
    assert.equal(decodeJwt(t.json.access_token).aud, 'http://localhost:9999/api')
  })

  await check('compliant flow without resource → opaque access token that userinfo accepts', async () => {
    const { t } = await flow(AS)
    assert.equal(t.res.status, 200, t.text)
    assert.equal(t.json.access_token.split('.').length, 1, 'opaque, not a JWT')
    assert.ok(t.json.refresh_token, 'refresh token')
    const ui = await fetch(`${AS}/me`, { headers: { authorization: `Bearer ${t.json.access_token}`, origin: ORIGIN } })
    assert.equal(ui.status, 200)
    assert.equal(ui.headers.get('access-control-allow-origin'), ORIGIN)
    const claims = await ui.json()
    assert.equal(claims.sub, 'alice')
    assert.equal(claims.sub, decodeJwt(t.json.id_token).sub)
    // refreshed: still opaque, still good at userinfo
    const r = await token(AS, {
      grant_type: 'refresh_token',
      refresh_token: t.json.refresh_token,
      client_id: 'pkce-playground',
    })
    assert.equal(r.res.status, 200, r.text)
    assert.equal(r.json.access_token.split('.').length, 1)
    assert.notEqual(r.json.refresh_token, t.json.refresh_token, 'public client: rotated')
    const ui2 = await fetch(`${AS}/me`, { headers: { authorization: `Bearer ${r.json.access_token}`, origin: ORIGIN } })
    assert.equal(ui2.status, 200)
  })

  await check('compliant: wrong code_verifier → 400 invalid_grant with CORS', async () => {
    const { t } = await flow(AS, { verifier: 'x'.repeat(43) })
    assert.equal(t.res.status, 400)
    assert.equal(t.json.error, 'invalid_grant')
    assert.equal(t.acao, ORIGIN)
  })

  await check('compliant: missing code_challenge for the public client → error redirect', async () => {
    const cb = await authorize(AS, {
      client_id: 'pkce-playground',
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      state: 's1',
    })
    assert.equal(cb.searchParams.get('error'), 'invalid_request')
    assert.equal(cb.searchParams.get('state'), 's1')
  })

  await check('compliant: cancel at login → access_denied', async () => {
    const cb = await authorize(
      AS,
      {
        client_id: 'pkce-playground',
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        state: 's2',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      },
      { cancel: true },
    )
    assert.equal(cb.searchParams.get('error'), 'access_denied')
    assert.equal(cb.searchParams.get('state'), 's2')
  })

  await check('nocors client: preflight 204, token request 400 invalid_request without ACAO', async () => {
    const pre = await fetch(`${AS}/token`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    })
    assert.equal(pre.status, 204)
    assert.equal(pre.headers.get('access-control-allow-origin'), ORIGIN)
    const { t } = await flow(AS, { clientId: 'pkce-playground-nocors' })
    assert.equal(t.res.status, 400)
    assert.equal(t.json.error, 'invalid_request')
    assert.equal(t.acao, null)
  })

  await check('confidential clients (basic, post) redeem codes; CORS allowed', async () => {
    for (const [clientId, auth] of /** @type {const} */ ([
      [
        'pkce-playground-basic',
        { authorization: `Basic ${Buffer.from('pkce-playground-basic:demo-secret-basic').toString('base64')}` },
      ],
      ['pkce-playground-post', undefined],
    ])) {
      const { verifier, challenge } = pkce()
      const cb = await authorize(AS, {
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        state: 'c',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })
      const form = /** @type {Record<string, string>} */ ({
        grant_type: 'authorization_code',
        code: /** @type {string} */ (cb.searchParams.get('code')),
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      })
      if (!auth) Object.assign(form, { client_id: clientId, client_secret: 'demo-secret-post' })
      const t = await token(AS, form, auth ?? {})
      assert.equal(t.res.status, 200, `${clientId}: ${t.text}`)
      assert.equal(t.acao, ORIGIN)
    }
  })

  await check('127.0.0.1 origin and redirect URI work too; foreign origin refused', async () => {
    const t = await token(
      AS,
      {
        grant_type: 'authorization_code',
        code: 'nope',
        redirect_uri: REDIRECT_URI,
        client_id: 'pkce-playground',
        code_verifier: 'x'.repeat(43),
      },
      { origin: 'http://127.0.0.1:4173' },
    )
    assert.equal(t.acao, 'http://127.0.0.1:4173')
    const f = await token(
      AS,
      {
        grant_type: 'authorization_code',
        code: 'nope',
        redirect_uri: REDIRECT_URI,
        client_id: 'pkce-playground',
        code_verifier: 'x'.repeat(43),
      },
      { origin: 'http://evil.example' },
    )
    assert.equal(f.acao, null)
    assert.equal(f.json.error, 'invalid_request')
  })

  await check('dynamic client registration (open)', async () => {
    const r = await fetch(`${AS}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none' }),
    })
    assert.equal(r.status, 201, await r.clone().text())
    assert.ok((await r.json()).client_id)
  })

  // ---- faults --------------------------------------------------------------------------------------
  const F = (/** @type {string} */ id) => `${AS}/faults/${id}`

  await check('fault state-altered', async () => {
    const { cb, state, t } = await flow(F('state-altered'))
    assert.equal(cb.searchParams.get('state'), `altered-${state}`)
    assert.equal(cb.searchParams.get('iss'), F('state-altered'))
    assert.equal(t.res.status, 200)
  })

  await check('fault state-dropped', async () => {
    const { cb, t } = await flow(F('state-dropped'))
    assert.equal(cb.searchParams.has('state'), false)
    assert.ok(cb.searchParams.get('code'))
    assert.equal(t.res.status, 200)
  })

  await check('fault iss-missing', async () => {
    const m = await (await fetch(`${F('iss-missing')}/.well-known/openid-configuration`)).json()
    assert.equal(m.authorization_response_iss_parameter_supported, true)
    const { cb, state, t } = await flow(F('iss-missing'))
    assert.equal(cb.searchParams.has('iss'), false)
    assert.equal(cb.searchParams.get('state'), state)
    assert.equal(t.res.status, 200)
  })

  await check('fault discovery-html', async () => {
    const r = await fetch(`${F('discovery-html')}/.well-known/openid-configuration`, { headers: { origin: ORIGIN } })
    assert.equal(r.status, 200)
    assert.match(/** @type {string} */ (r.headers.get('content-type')), /^text\/html/)
    assert.equal(r.headers.get('access-control-allow-origin'), ORIGIN)
    assert.match(await r.text(), /<!DOCTYPE html>/)
    const j = await fetch(`${F('discovery-html')}/jwks`)
    assert.equal(j.status, 200)
    assert.ok((await j.json()).keys.length)
    const { t } = await flow(F('discovery-html'))
    assert.equal(t.res.status, 200)
  })

  await check('fault token-no-cors', async () => {
    const pre = await fetch(`${F('token-no-cors')}/token`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    })
    assert.equal(pre.status, 204)
    assert.equal(pre.headers.get('access-control-allow-origin'), ORIGIN)
    const { t } = await flow(F('token-no-cors'))
    assert.equal(t.res.status, 200)
    assert.equal(t.acao, null)
    const e = await token(F('token-no-cors'), {
      grant_type: 'authorization_code',
      code: 'nope',
      redirect_uri: REDIRECT_URI,
      client_id: 'pkce-playground',
      code_verifier: 'x'.repeat(43),
    })
    assert.equal(e.res.status, 400)
    assert.equal(e.acao, null)
    const d = await fetch(`${F('token-no-cors')}/.well-known/openid-configuration`, { headers: { origin: ORIGIN } })
    assert.equal(d.headers.get('access-control-allow-origin'), ORIGIN)
  })

  await check('fault token-type-lowercase', async () => {
    const { t } = await flow(F('token-type-lowercase'))
    assert.equal(t.res.status, 200)
    assert.equal(t.json.token_type, 'bearer')
    assert.ok(t.json.access_token)
    assert.equal(t.acao, ORIGIN)
  })

  await check('fault token-html-500', async () => {
    const { t, code, verifier } = await flow(F('token-html-500'))
    assert.equal(t.res.status, 500)
    assert.match(/** @type {string} */ (t.res.headers.get('content-type')), /^text\/html/)
    assert.equal(t.acao, ORIGIN)
    // the provider processed it: the code is consumed (a retry at the root would not help either)
    void code
    void verifier
  })

  await check('fault pkce-not-enforced: wrong verifier still gets tokens', async () => {
    const { t } = await flow(F('pkce-not-enforced'), { verifier: 'x'.repeat(43), resource: 'https://api.example.com/' })
    assert.equal(t.res.status, 200, t.text)
    assert.equal(decodeJwt(t.json.access_token).aud, 'https://api.example.com/')
    const { t: t2 } = await flow(F('pkce-not-enforced'))
    assert.equal(t2.res.status, 200, t2.text)
  })

  await check('fault pkce-not-enforced: missing verifier still gets tokens', async () => {
    const { verifier, challenge } = pkce()
    void verifier
    const cb = await authorize(F('pkce-not-enforced'), {
      client_id: 'pkce-playground',
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    const code = /** @type {string} */ (cb.searchParams.get('code'))
    const t = await token(F('pkce-not-enforced'), {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: 'pkce-playground',
    })
    assert.equal(t.res.status, 200, t.text)
  })

  await check(
    'fault code-replay-accepted: the same code redeemed twice → 200 twice, the grant is not revoked',
    async () => {
      const { t, code, verifier } = await flow(F('code-replay-accepted'))
      assert.equal(t.res.status, 200, t.text)
      const again = await token(F('code-replay-accepted'), {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: 'pkce-playground',
        code_verifier: verifier,
      })
      assert.equal(again.res.status, 200, again.text)
      assert.equal(again.acao, ORIGIN)
      assert.equal(again.json.access_token, t.json.access_token)
      const intro = await fetch(`${F('code-replay-accepted')}/token/introspection`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
        body: new URLSearchParams({ token: t.json.refresh_token, client_id: 'pkce-playground' }),
      })
      assert.equal((await intro.json()).active, true)
      // the compliant issuer refuses the replay
      const c = await flow(AS)
      const c2 = await token(AS, {
        grant_type: 'authorization_code',
        code: c.code,
        redirect_uri: REDIRECT_URI,
        client_id: 'pkce-playground',
        code_verifier: c.verifier,
      })
      assert.equal(c2.res.status, 400)
      assert.equal(c2.json.error, 'invalid_grant')
    },
  )

  await check('fault redirect-uri-not-checked: another redirect_uri at the token endpoint → 200', async () => {
    const { verifier, challenge } = pkce()
    const params = {
      client_id: 'pkce-playground',
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }
    const other = `${REDIRECT_URI}?probe=redirect-uri-mismatch`
    for (const [issuer, status] of /** @type {const} */ ([
      [F('redirect-uri-not-checked'), 200],
      [AS, 400],
    ])) {
      const cb = await authorize(issuer, params)
      const code = /** @type {string} */ (cb.searchParams.get('code'))
      const t = await token(issuer, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: other,
        client_id: 'pkce-playground',
        code_verifier: verifier,
      })
      assert.equal(t.res.status, status, `${issuer}: ${t.text}`)
    }
  })

  await check(
    'fault pkce-plain-accepted-silently: plain gets a code (S256 only advertised), the plain verifier redeems it',
    async () => {
      const md = await (await fetch(`${F('pkce-plain-accepted-silently')}/.well-known/openid-configuration`)).json()
      assert.deepEqual(md.code_challenge_methods_supported, ['S256'])
      const verifier = randomBytes(32).toString('base64url')
      const params = {
        client_id: 'pkce-playground',
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        state: 's',
        code_challenge: verifier,
        code_challenge_method: 'plain',
      }
      const cb = await authorize(F('pkce-plain-accepted-silently'), params)
      const code = /** @type {string} */ (cb.searchParams.get('code'))
      assert.ok(code, cb.href)
      const t = await token(F('pkce-plain-accepted-silently'), {
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: 'pkce-playground',
        code_verifier: verifier,
      })
      assert.equal(t.res.status, 200, t.text)
      // the compliant issuer refuses plain with invalid_request
      const refused = await authorize(AS, params)
      assert.equal(refused.searchParams.get('error'), 'invalid_request')
    },
  )

  // ---- data-only faults added for the e2e fault suite (tests/e2e/fault-cases.ts) ---------------------
  /** @param {string} id */
  const meta = async (id) => await fetch(`${F(id)}/.well-known/openid-configuration`, { headers: { origin: ORIGIN } })
  /** @param {string} id */
  const metaJson = async (id) => (await meta(id)).json()

  await check('metadata faults (D01, D03, D04, D07, D08, D09, D10, D11, D12, S03, X08)', async () => {
    const d01 = F('metadata-wrong-well-known')
    assert.equal((await fetch(`${d01}/.well-known/openid-configuration`)).status, 404)
    assert.equal(
      (await fetch(`${AS}/.well-known/oauth-authorization-server/faults/metadata-wrong-well-known`)).status,
      404,
    )
    assert.equal((await (await fetch(`${d01}/.well-known/oauth-authorization-server`)).json()).issuer, d01)
    const d03 = await meta('discovery-text-plain')
    assert.match(/** @type {string} */ (d03.headers.get('content-type')), /^text\/plain/)
    assert.equal((await d03.json()).issuer, F('discovery-text-plain'))
    assert.equal((await metaJson('discovery-issuer-trailing-slash')).issuer, `${F('discovery-issuer-trailing-slash')}/`)
    assert.equal('token_endpoint' in (await metaJson('metadata-token-endpoint-missing')), false)
    assert.equal((await metaJson('metadata-token-endpoint-relative')).token_endpoint, '/token')
    assert.equal((await metaJson('metadata-jwks-uri-null')).jwks_uri, null)
    assert.equal((await metaJson('metadata-token-endpoint-http')).token_endpoint, 'http://example.invalid/token')
    assert.equal('code_challenge_methods_supported' in (await metaJson('pkce-methods-absent')), false)
    assert.deepEqual((await metaJson('pkce-plain-only')).code_challenge_methods_supported, ['plain'])
    assert.equal(
      (await metaJson('auth-methods-without-none')).token_endpoint_auth_methods_supported.includes('none'),
      false,
    )
    assert.equal('token_endpoint_auth_methods_supported' in (await metaJson('auth-methods-absent')), false)
    assert.deepEqual((await metaJson('id-token-algs-without-rs256')).id_token_signing_alg_values_supported, ['ES256'])
    assert.match((await metaJson('authorization-endpoint-javascript')).authorization_endpoint, /^javascript:/)
    assert.equal((await meta('discovery-no-cors')).headers.get('access-control-allow-origin'), null)
  })

  await check('JWKS faults (D14, J15, J16, X08)', async () => {
    const leaked = (await (await fetch(`${F('jwks-private-key')}/jwks`)).json()).keys
    assert.ok(leaked.some((/** @type {any} */ k) => k.d && k.p && k.q))
    assert.equal((await fetch(`${F('jwks-404')}/jwks`)).status, 404)
    assert.equal(Array.isArray((await (await fetch(`${F('jwks-malformed')}/jwks`)).json()).keys), false)
    assert.equal(
      (await fetch(`${F('jwks-no-cors')}/jwks`, { headers: { origin: ORIGIN } })).headers.get(
        'access-control-allow-origin',
      ),
      null,
    )
    const published = (await (await fetch(`${F('id-token-es256')}/jwks`)).json()).keys
    assert.ok(published.some((/** @type {any} */ k) => k.kid === 'fault-layer-es256' && !k.d))
  })

  await check(
    'authorization-endpoint error faults (A06, A08, C07, C15, S01, S04) redirect at once with state and iss',
    async () => {
      for (const [id, error] of [
        ['pkce-method-rejected', 'invalid_request'],
        ['resource-rejected', 'invalid_target'],
        ['authorize-error-invalid-scope', 'invalid_scope'],
        ['authorize-error-server-error', 'server_error'],
        ['authorize-error-login-required', 'login_required'],
        ['error-description-html', 'invalid_request'],
        ['error-description-phishing', 'access_denied'],
      ]) {
        const cb = await authorize(F(/** @type {string} */ (id)), {
          client_id: 'pkce-playground',
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'openid',
          state: 's9',
        })
        assert.equal(cb.searchParams.get('error'), error, id)
        assert.equal(cb.searchParams.get('state'), 's9', id)
        assert.equal(cb.searchParams.get('iss'), F(/** @type {string} */ (id)), id)
      }
      const c15 = await authorize(F('error-response-wrong-state'), {
        client_id: 'pkce-playground',
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        state: 's9',
      })
      assert.equal(c15.searchParams.get('state'), 'forged-s9')
    },
  )

  await check('callback faults (C04, C08, C10, C11, C12)', async () => {
    const base = (/** @type {string} */ id) => {
      const { challenge } = pkce()
      return authorize(F(id), {
        client_id: 'pkce-playground',
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        state: 'st',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      })
    }
    assert.equal((await base('iss-wrong')).searchParams.get('iss'), AS)
    const c08 = await base('response-in-fragment')
    assert.equal(c08.search, '')
    assert.match(c08.hash, /code=/)
    assert.ok((await base('implicit-id-token-in-response')).searchParams.get('id_token'))
    const c11 = await base('jarm-response')
    assert.deepEqual([...c11.searchParams.keys()], ['response'])
    assert.equal(decodeJwt(/** @type {string} */ (c11.searchParams.get('response'))).state, 'st')
    const c12 = await base('callback-no-code')
    assert.equal(c12.searchParams.has('code'), false)
    assert.equal(c12.searchParams.get('state'), 'st')
  })

  await check('token response faults (T02, T03, T05, T06, T08, T09, T10, T12, T13, T14, T24, T25)', async () => {
    const t = async (/** @type {string} */ id) => (await flow(F(id))).t
    const t02 = await t('token-error-html-400')
    assert.equal(t02.res.status, 400)
    assert.match(/** @type {string} */ (t02.res.headers.get('content-type')), /^text\/html/)
    const t03 = await t('token-invalid-json')
    assert.equal(t03.res.status, 200)
    assert.equal(t03.json, undefined)
    const t03b = await t('token-json-as-html')
    assert.match(/** @type {string} */ (t03b.res.headers.get('content-type')), /^text\/html/)
    assert.ok(t03b.json.access_token)
    assert.equal((await t('token-access-token-missing')).json.access_token, undefined)
    assert.equal((await t('token-type-missing')).json.token_type, undefined)
    assert.equal((await t('token-type-jwt')).json.token_type, 'JWT')
    assert.equal((await t('token-expires-in-missing')).json.expires_in, undefined)
    assert.equal((await t('token-expires-in-string')).json.expires_in, '3600')
    assert.equal((await t('token-extra-members')).json.x_tenant, 'acme')
    assert.equal((await t('token-scope-omitted')).json.scope, undefined)
    const t14 = await t('token-no-cache-control')
    assert.equal(t14.res.headers.get('cache-control'), null)
    assert.equal(t14.acao, ORIGIN)
    const t24 = await t('token-id-token-missing')
    assert.equal(t24.json.id_token, undefined)
    assert.ok(t24.json.access_token)
    const t25 = await t('token-server-error-503')
    assert.equal(t25.res.status, 503)
    assert.equal(t25.json.error, 'server_error')
    assert.equal(t25.acao, ORIGIN)
  })

  await check('token error faults (T16, T17, T18, T19, T29, B14, X09)', async () => {
    for (const id of ['token-code-invalid', 'token-redirect-uri-altered', 'token-code-reused']) {
      const { t } = await flow(F(id))
      assert.equal(t.res.status, 400, id)
      assert.equal(t.json.error, 'invalid_grant', id)
      assert.equal(t.acao, ORIGIN, id)
    }
    const t19 = (await flow(F('token-requires-client-auth'))).t
    assert.equal(t19.res.status, 401)
    assert.equal(t19.json.error, 'invalid_client')
    const t29 = await token(F('token-resource-rejected'), {
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: REDIRECT_URI,
      client_id: 'pkce-playground',
      code_verifier: 'x'.repeat(43),
      resource: 'https://api.example.com/',
    })
    assert.equal(t29.json.error, 'invalid_target')
    assert.equal(t29.acao, ORIGIN)
    const b14 = await fetch(`${F('token-redirect')}/token`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=x',
    })
    assert.equal(b14.status, 307)
    assert.equal(b14.headers.get('location'), `${F('token-redirect')}/oauth/token`)
    const x09 = (await flow(F('token-actual-refused'))).t
    assert.equal(x09.res.status, 403)
    assert.equal(x09.acao, null)
  })

  await check('CORS faults (X03, X04, X05)', async () => {
    const pre = (/** @type {string} */ id) =>
      fetch(`${F(id)}/token`, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      })
    assert.equal((await pre('token-preflight-404')).status, 404)
    assert.equal(
      (await pre('token-preflight-no-authorization')).headers.get('access-control-allow-headers'),
      'content-type',
    )
    const x03 = (await flow(F('token-acao-wrong'))).t
    assert.equal(x03.acao, 'http://evil.example')
  })

  await check(
    're-signed token faults (J01, J02, J03, J05, J07, J08, J09, J10, J11, J13, J17, J18, J20, J23, J24, S01) and opaque access tokens',
    async () => {
      const { importJWK, compactVerify, decodeProtectedHeader } = await import('jose')
      const run = async (/** @type {string} */ id, /** @type {string | undefined} */ resource = undefined) => {
        const { t } = await flow(F(id), resource ? { resource } : {})
        assert.equal(t.res.status, 200, `${id}: ${t.text}`)
        return t.json
      }
      /** verifies a token against the fault instance's JWKS (by kid) */
      const verifies = async (/** @type {string} */ id, /** @type {string} */ jwt) => {
        const { kid } = decodeProtectedHeader(jwt)
        const keys = (await (await fetch(`${F(id)}/jwks`)).json()).keys
        const jwk = keys.find((/** @type {any} */ k) => k.kid === kid)
        if (!jwk) return false
        try {
          await compactVerify(jwt, /** @type {any} */ (await importJWK(jwk, jwk.alg)))
          return true
        } catch {
          return false
        }
      }
      const j01 = await run('id-token-sub-missing')
      assert.equal(decodeJwt(j01.id_token).sub, undefined)
      assert.ok(await verifies('id-token-sub-missing', j01.id_token))
      assert.equal(decodeJwt((await run('id-token-exp-missing')).id_token).exp, undefined)
      assert.equal(decodeJwt((await run('id-token-iss-wrong')).id_token).iss, `${F('id-token-iss-wrong')}/`)
      assert.equal(decodeJwt((await run('id-token-aud-wrong')).id_token).aud, 'https://api.example.com/')
      assert.ok(/** @type {number} */ (decodeJwt((await run('id-token-expired')).id_token).exp) < Date.now() / 1000)
      assert.ok(/** @type {number} */ (decodeJwt((await run('id-token-iat-future')).id_token).iat) > Date.now() / 1000)
      assert.equal(decodeJwt((await run('id-token-nonce-wrong')).id_token).nonce, 'not-the-nonce-you-sent')
      const j09 = await run('id-token-es256')
      assert.equal(decodeProtectedHeader(j09.id_token).alg, 'ES256')
      assert.ok(await verifies('id-token-es256', j09.id_token))
      const j10 = await run('id-token-alg-none')
      assert.equal(decodeProtectedHeader(j10.id_token).alg, 'none')
      assert.ok(j10.id_token.endsWith('.'))
      const j11 = await run('id-token-bad-signature')
      assert.equal(decodeProtectedHeader(j11.id_token).kid, 'demo-rs256')
      assert.equal(await verifies('id-token-bad-signature', j11.id_token), false)
      const j13 = await run('id-token-unknown-kid')
      assert.equal(decodeProtectedHeader(j13.id_token).kid, 'rotated-away-2024')
      assert.equal(await verifies('id-token-unknown-kid', j13.id_token), false)
      const j17 = await run('jwks-rsa-1024')
      const k1024 = (await (await fetch(`${F('jwks-rsa-1024')}/jwks`)).json()).keys.find(
        (/** @type {any} */ k) => k.kid === 'fault-layer-rsa1024',
      )
      assert.equal(Buffer.from(k1024.n, 'base64url').length, 128)
      assert.equal(decodeProtectedHeader(j17.id_token).kid, 'fault-layer-rsa1024')
      assert.equal((await run('id-token-not-jwt')).id_token.split('.').length, 2)
      assert.equal((await run('id-token-jwe')).id_token.split('.').length, 5)
      const j23 = await run('access-token-no-typ', 'https://api.example.com/')
      assert.equal(decodeProtectedHeader(j23.access_token).typ, undefined)
      assert.equal(decodeJwt(j23.access_token).jti, undefined)
      assert.ok(await verifies('access-token-no-typ', j23.access_token))
      const j24 = await run('access-token-aud-client', 'https://api.example.com/')
      assert.equal(decodeJwt(j24.access_token).aud, 'pkce-playground')
      assert.match(/** @type {string} */ (decodeJwt((await run('id-token-claims-html')).id_token).name), /<script>/)
      const opaque = await run('access-token-opaque', 'https://api.example.com/')
      assert.equal(opaque.access_token.split('.').length, 1)
    },
  )

  await check('faults are isolated: the root issuer is still compliant', async () => {
    const { cb, state, t } = await flow(AS)
    assert.equal(cb.searchParams.get('state'), state)
    assert.equal(t.json.token_type, 'Bearer')
    assert.equal(t.acao, ORIGIN)
  })

  console.log(`\n${Object.keys(FAULTS).length} faults defined: ${Object.keys(FAULTS).join(', ')}`)
} finally {
  await server.close()
}
if (failures) {
  console.log(`${failures} check(s) failed`)
  process.exit(1)
}
console.log('all checks passed')
