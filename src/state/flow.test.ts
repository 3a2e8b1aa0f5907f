// The driver itself, in Node, with a fake Environment (storage, navigation, the address bar) and the
// real test authorization server (oidc-provider) in process: run to the end, the redirect and the
// resume, the code spent once, what is persisted, and the share-link gate. The login is driven over
// HTTP (tests/unit/http-login.ts), as the unit tests of the protocol steps do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAuthorizationServer } from '../../tests/servers/authorization-server.mjs'
import { authorizeOverHttp } from '../../tests/unit/http-login'
import { FlowSession, type Environment } from './flow.svelte'
import { REMOVED_AFTER_USE, SNAPSHOT_KEY, type KeyValueStore } from '../lib/platform/persist'

const ORIGIN = 'http://localhost:4173'
const PAGE = `${ORIGIN}/`
const CLIENT_ID = 'pkce-playground'

let server: Awaited<ReturnType<typeof startAuthorizationServer>>
let issuer = ''

beforeAll(async () => {
  server = await startAuthorizationServer({ port: 0, playgroundOrigins: [ORIGIN] })
  issuer = server.url
})
afterAll(async () => {
  await server?.close()
})

class MemoryStore implements KeyValueStore {
  items = new Map<string, string>()
  getItem(k: string) {
    return this.items.get(k) ?? null
  }
  setItem(k: string, v: string) {
    this.items.set(k, v)
  }
  removeItem(k: string) {
    this.items.delete(k)
  }
}

/** A tab: one storage across page loads, the requests it sends, where it navigated. */
class Tab {
  storage = new MemoryStore()
  requests: Array<{ method: string; url: string }> = []
  navigations: string[] = []
  href = PAGE
  /** Answers for URLs outside the test AS (a server a forged link names), by exact URL. */
  fakes = new Map<string, unknown>()

  /** A page load at `href`: a new driver over the same tab. */
  load(href: string): FlowSession {
    this.href = href
    const env: Environment = {
      href: () => this.href,
      origin: ORIGIN,
      storage: this.storage,
      fetch: (url, init) => {
        this.requests.push({ method: init?.method ?? 'GET', url })
        const fake = this.fakes.get(url)
        if (fake !== undefined) {
          const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' }
          return Promise.resolve(new Response(JSON.stringify(fake), { status: 200, headers }))
        }
        // A browser adds Origin to cross-origin requests; the test AS keys its CORS on it.
        const headers = new Headers(init?.headers)
        headers.set('origin', ORIGIN)
        return fetch(url, { ...init, headers })
      },
      navigate: (url) => this.navigations.push(url),
      replaceUrl: (url) => (this.href = url),
      defaults: {},
      appVersion: 'test',
    }
    return new FlowSession(env)
  }

  tokenRequests(): number {
    return this.requests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/token').length
  }
}

function link(params: Record<string, string>): string {
  return `${PAGE}#${new URLSearchParams(params)}`
}

/** Logs in at the AS for the authorization URL the driver navigated to; returns the callback URL. */
async function loginAt(authorizationUrl: string): Promise<string> {
  const u = new URL(authorizationUrl)
  const params = Object.fromEntries(u.searchParams)
  u.search = ''
  return (await authorizeOverHttp(u.href, params, PAGE)).href
}

describe('FlowSession (the driver)', () => {
  it('runs to the end: stops at the login, resumes after the redirect and finishes by itself', async () => {
    const tab = new Tab()
    const first = tab.load(link({ issuer, client_id: CLIENT_ID, scope: 'openid' }))
    await first.resume()
    await first.runToEnd()
    expect(tab.navigations).toHaveLength(1)
    expect(first.snapshot.status).toMatchObject({ configure: 'ok', discovery: 'ok', pkce: 'ok', authorization: 'ok' })
    // The pending flow is saved before leaving, with what the callback needs.
    const saved = JSON.parse(tab.storage.getItem(SNAPSHOT_KEY) ?? '{}')
    expect(saved.snapshot.auto).toBe(true)
    expect(saved.snapshot.pkce.code_verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/)

    const callback = await loginAt(tab.navigations[0]!)
    const second = tab.load(callback)
    await second.resume()
    // The code left the address bar at once; the exchange and the token checks ran by themselves.
    expect(tab.href).toBe(PAGE)
    expect(second.snapshot.status).toMatchObject({ callback: 'ok', token: 'ok', tokens: 'ok' })
    expect(second.tokenViews.map((v) => v.kind)).toContain('id_token')
    expect(second.verdict?.scenario).toBe('C')
    expect(tab.tokenRequests()).toBe(1)
    // Once sent, the code and the verifier are not written to storage again.
    const after = JSON.parse(tab.storage.getItem(SNAPSHOT_KEY) ?? '{}')
    expect(after.snapshot.codeUsed).toBe(true)
    expect(after.snapshot.code).toBeUndefined()
    expect(after.snapshot.pkce.code_verifier).toBe(REMOVED_AFTER_USE)
  })

  it('spends a code once: the same callback loaded again is recognised and nothing is sent', async () => {
    const tab = new Tab()
    const first = tab.load(link({ issuer, client_id: CLIENT_ID, scope: 'openid' }))
    await first.resume()
    await first.prepare()
    first.startAuthorization()
    const callback = await loginAt(tab.navigations[0]!)
    const second = tab.load(callback)
    await second.resume()
    expect(second.canExchange).toBe(true)
    expect(await second.exchange()).toBe(true)
    expect(tab.tokenRequests()).toBe(1)
    // A reload with the response still in the address bar (or Back): replayed, not sent.
    const third = tab.load(callback)
    await third.resume()
    expect(third.findingsFor('callback').map((f) => f.id)).toEqual(['callback-replayed'])
    expect(third.canExchange).toBe(false)
    expect(await third.run('token')).toBe(false)
    expect(tab.tokenRequests()).toBe(1)
  })

  it('a reload after the exchange shows where the flow was and verifies the tokens again, without the code', async () => {
    const tab = new Tab()
    const first = tab.load(link({ issuer, client_id: CLIENT_ID, scope: 'openid' }))
    await first.resume()
    await first.runToEnd()
    const second = tab.load(await loginAt(tab.navigations[0]!))
    await second.resume()
    const reloaded = tab.load(PAGE)
    await reloaded.resume()
    expect(reloaded.current).toBe('tokens')
    expect(reloaded.snapshot.status.tokens).toBe('ok')
    expect(reloaded.tokenViews.length).toBeGreaterThan(0)
    expect(reloaded.canExchange).toBe(false)
    expect(tab.tokenRequests()).toBe(1)
  })

  it('a link that sets an endpoint runs nothing before the user confirms it, and runs as before once confirmed', async () => {
    const tab = new Tab()
    const session = tab.load(link({ issuer, client_id: CLIENT_ID, token_endpoint: 'https://attacker.example/token' }))
    await session.resume()
    expect(session.link.pending.map((s) => s.field)).toEqual(['token_endpoint'])
    expect(await session.prepare()).toBe(false)
    await session.runToEnd()
    expect(session.notice).toContain('Nothing was sent')
    expect(tab.requests).toEqual([])
    expect(tab.navigations).toEqual([])
    session.confirmLinkEndpoints()
    expect(await session.prepare()).toBe(true)
    const overridden = session.findingsFor('discovery').find((f) => f.id === 'endpoint-overridden')
    expect(overridden?.severity).toBe('error')
    // The choice travels with the flow across the redirect.
    session.startAuthorization()
    const saved = JSON.parse(tab.storage.getItem(SNAPSHOT_KEY) ?? '{}')
    expect(saved.snapshot.link.confirmed).toBe(true)
  })

  it('a link naming a server that logs you in at another origin than it takes the code: stops before the login', async () => {
    // Found by a security review: the link names evil's issuer, whose metadata sends the browser to log
    // in at the real server (the user signs in as always) and has the code and verifier sent to evil.
    const evil = 'https://evil.example'
    const metadata = {
      issuer: evil,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${evil}/token`,
      jwks_uri: `${evil}/jwks`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
    }
    const tab = new Tab()
    tab.fakes.set(`${evil}/.well-known/openid-configuration`, metadata)
    tab.fakes.set(`${evil}/.well-known/oauth-authorization-server`, metadata)
    const session = tab.load(link({ issuer: evil, client_id: CLIENT_ID, scope: 'openid' }))
    await session.resume()
    await session.runToEnd()
    expect(session.snapshot.status).toMatchObject({ pkce: 'ok', authorization: 'ok' })
    expect(tab.navigations).toEqual([])
    expect(session.linkSplit).toMatchObject({ login: new URL(issuer).origin, code: evil })
    expect(session.notice).toContain(`log in at ${new URL(issuer).origin} and sends the code to ${evil}`)
    // Once the user agreed, the login goes ahead, and the choice travels with the flow.
    session.confirmLinkSplit()
    session.startAuthorization()
    expect(tab.navigations).toHaveLength(1)
    const saved = JSON.parse(tab.storage.getItem(SNAPSHOT_KEY) ?? '{}')
    expect(saved.snapshot.link).toMatchObject({ named: evil, splitConfirmed: true })

    // The same server typed by the user (not from a link) is the user's own choice: no question.
    const typed = new Tab()
    typed.fakes = tab.fakes
    const own = typed.load(PAGE)
    own.config.issuer = evil
    own.config.client_id = CLIENT_ID
    await own.resume()
    await own.runToEnd()
    expect(own.linkSplit).toBeUndefined()
    expect(typed.navigations).toHaveLength(1)
  })

  it('one cause, one finding: an ID token defect oauth4webapi named at the exchange is not repeated by the Tokens step', async () => {
    const tab = new Tab()
    const first = tab.load(link({ issuer: `${issuer}/faults/id-token-expired`, client_id: CLIENT_ID, scope: 'openid' }))
    await first.resume()
    await first.runToEnd()
    const second = tab.load(await loginAt(tab.navigations[0]!))
    await second.resume()
    const expired = second.snapshot.findings.filter((f) => f.id === 'jwt-expired')
    expect(expired.map((f) => f.step)).toEqual(['token'])
    expect(second.verdict?.summary.match(/jwt-expired/g)).toHaveLength(1)
    // The Tokens step still shows the check that failed.
    const id = second.tokenViews.find((v) => v.kind === 'id_token')
    expect(id?.verify?.checks.find((c) => c.status === 'fail')?.name).toMatch(/exp/)
  })

  it('a link that sets nothing of the kind runs without an extra click; reset forgets the flow', async () => {
    const tab = new Tab()
    const session = tab.load(link({ issuer, client_id: CLIENT_ID, scope: 'openid', redirect_uri: PAGE }))
    await session.resume()
    expect(session.link.review).toEqual([])
    expect(await session.prepare()).toBe(true)
    session.startAuthorization()
    expect(tab.storage.getItem(SNAPSHOT_KEY)).not.toBeNull()
    session.reset()
    expect(tab.storage.getItem(SNAPSHOT_KEY)).toBeNull()
    expect(session.snapshot.status).toEqual({})
  })
})
