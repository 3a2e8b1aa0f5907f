import { test, expect, loginAndConsent, CLIENT_IDS, AS_BASE, APP_BASE, type RunOptions } from './fixtures'
import type { Page, BrowserContext } from '@playwright/test'
import { startHostileServer, PAYLOADS } from '../servers/hostile-server.mjs'
import { micromark } from 'micromark'
import { gfm, gfmHtml } from 'micromark-extension-gfm'

// The playground's own security (spec-and-errors.md §5, faults.csv S01–S15), against a deliberately
// malicious server (tests/servers/hostile-server.mjs) started here, on a free port (or E2E_HOSTILE_PORT).
// After every scenario: no script ran, no dialog opened, no CSP violation on the playground's pages,
// Object.prototype untouched, no javascript:/data: URL became a link, and the page still responds.

const APP_ORIGINS = [APP_BASE, APP_BASE.replace('localhost', '127.0.0.1')]
let hostile: Awaited<ReturnType<typeof startHostileServer>>
const H = (variant: string): string => hostile.issuer(variant)

test.beforeAll(async () => {
  hostile = await startHostileServer({
    port: Number(process.env.E2E_HOSTILE_PORT ?? 0),
    playgroundOrigins: APP_ORIGINS,
    // The attacker's token endpoint of a forged share link hands the code on to the real server.
    forwardTokenTo: `${AS_BASE}/token`,
  })
})
test.afterAll(async () => {
  await hostile?.close()
})

interface Guard {
  errors: string[]
  dialogs: string[]
  csp: string[]
}

/** Watches a page for script errors, dialogs and CSP violations (on the playground's origin). */
async function guard(page: Page): Promise<Guard> {
  const g: Guard = { errors: [], dialogs: [], csp: [] }
  page.on('pageerror', (e) => g.errors.push(e.message))
  page.on('dialog', (d) => {
    g.dialogs.push(`${d.type()}: ${d.message()}`)
    void d.dismiss().catch(() => undefined)
  })
  page.on('console', (m) => {
    if (
      m.type() === 'error' &&
      /Content Security Policy|Trusted Type/i.test(m.text()) &&
      page.url().startsWith(APP_BASE)
    ) {
      g.csp.push(`console: ${m.text()}`)
    }
  })
  await page.exposeFunction('__reportCsp', (line: string) => g.csp.push(line))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { __reportCsp?: (s: string) => void }
      w.__reportCsp?.(`${location.origin} ${e.effectiveDirective} blocked=${e.blockedURI} sample=${e.sample}`)
    })
  })
  return g
}

/** The checks every scenario ends with. */
async function assertUnharmed(page: Page, g: Guard) {
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  expect(new URL(page.url()).origin, 'the page never left the playground').toBe(APP_BASE)
  const state = await page.evaluate(() => {
    const w = window as unknown as { __pwned?: unknown }
    const bad: string[] = []
    const unsafe = /^\s*(javascript|data|vbscript):/i
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const attr of Array.from(el.attributes)) {
        if (/^on/i.test(attr.name)) bad.push(`${el.tagName} ${attr.name}`)
        if (
          ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc'].includes(attr.name) &&
          unsafe.test(attr.value)
        ) {
          bad.push(`${el.tagName} ${attr.name}=${attr.value.slice(0, 60)}`)
        }
      }
    }
    const scripts = Array.from(document.scripts).filter((s) => !/\/assets\/[\w.-]+\.js$/.test(s.src))
    return {
      pwned: w.__pwned,
      polluted: ({} as Record<string, unknown>).polluted,
      protoKeys: Object.getOwnPropertyNames(Object.prototype).filter(
        (k) => k === 'polluted' || k === 'authorization_endpoint',
      ),
      bad,
      foreignScripts: scripts.map((s) => s.outerHTML.slice(0, 80)),
      foreignElements: document.querySelectorAll('img[src="x"], svg[onload], iframe, object, embed, form[action]')
        .length,
      localStorage: Object.keys(localStorage),
    }
  })
  expect(state.pwned, 'no payload ran').toBeUndefined()
  expect(state.polluted, 'Object.prototype not polluted').toBeUndefined()
  expect(state.protoKeys).toEqual([])
  expect(state.bad, 'no javascript:/data: URL or event-handler attribute in the DOM').toEqual([])
  expect(state.foreignScripts).toEqual([])
  expect(state.foreignElements).toBe(0)
  expect(state.localStorage, 'nothing in localStorage').toEqual([])
  await expect(page.locator('a[href^="javascript:" i], a[href^="data:" i]')).toHaveCount(0)
  // Still responsive: a frame renders and typing into the form updates it at once.
  const frame = await page.evaluate(async () => {
    const t = performance.now()
    await new Promise((r) => requestAnimationFrame(() => r(null)))
    return performance.now() - t
  })
  expect(frame, 'a frame within a second').toBeLessThan(1000)
  const clientId = page.getByRole('textbox', { name: 'Client ID' })
  const before = await clientId.inputValue()
  await clientId.fill('still-responsive')
  await expect(clientId).toHaveValue('still-responsive', { timeout: 1000 })
  await clientId.fill(before)
  expect(g.errors, 'no uncaught errors').toEqual([])
  expect(g.dialogs, 'no dialogs').toEqual([])
  expect(g.csp, 'no CSP violations').toEqual([])
}

/** Discovery settles, whatever it says: hostile documents are large, deep or broken on purpose. */
const DISCOVERED: RunOptions = { discovery: null, discoveryTimeout: 20_000 }
/** The hostile server has no login page: its authorization endpoint redirects straight back. */
const HOSTILE: RunOptions = { ...DISCOVERED, login: false }

/** Reads what "Copy share link" writes. */
async function copiedShareLink(page: Page, context: BrowserContext): Promise<string> {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_BASE })
  await page.getByRole('button', { name: 'Copy share link' }).click()
  await expect(page.getByRole('button', { name: 'Copy share link' })).toHaveText('Copied')
  return page.evaluate(() => navigator.clipboard.readText())
}

test.describe('Content-Security-Policy', () => {
  test('the built page carries a strict CSP and no-referrer', async ({ page, flow }) => {
    await flow.open({})
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
    expect(csp).toBeTruthy()
    const directives = new Map(
      (csp ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([k, ...v]) => [k!, v.join(' ')]),
    )
    expect(directives.get('default-src')).toBe("'none'")
    expect(directives.get('script-src')).toBe("'self'")
    expect(directives.get('style-src')).toBe("'self'")
    expect(directives.get('object-src')).toBe("'none'")
    expect(directives.get('base-uri')).toBe("'none'")
    expect(directives.get('form-action')).toBe("'none'")
    expect(directives.get('connect-src')).toContain('https:')
    expect(directives.get('connect-src')).not.toMatch(/(^|\s)(\*|http:)(\s|$)/)
    await expect(page.locator('meta[name="referrer"]')).toHaveAttribute('content', 'no-referrer')
    // Not in the meta tag: browsers ignore frame-ancestors there (it must be a response header).
    expect(directives.has('frame-ancestors')).toBe(false)
  })

  test('the CSP is enforced: injected script and markup are refused (Trusted Types, script-src)', async ({
    page,
    flow,
  }) => {
    const g = await guard(page)
    await flow.open({})
    const result = await page.evaluate(() => {
      const attempt = (name: string, f: () => void): string => {
        try {
          f()
          return `${name}: allowed`
        } catch (e) {
          return `${name}: ${(e as Error).name}`
        }
      }
      return [
        attempt('inline script', () => {
          const s = document.createElement('script')
          s.textContent = 'window.__pwned = 1'
          document.head.append(s)
        }),
        attempt('innerHTML', () =>
          document.body.insertAdjacentHTML('beforeend', '<img src=x onerror="window.__pwned=1">'),
        ),
        attempt('data: script', () => {
          const s = document.createElement('script')
          s.src = 'data:text/javascript,window.__pwned=1'
          document.head.append(s)
        }),
        attempt('new policy', () => {
          const tt = (window as unknown as { trustedTypes: { createPolicy(n: string, o: object): unknown } })
            .trustedTypes
          tt.createPolicy('evil', { createHTML: (s: string) => s })
        }),
      ]
    })
    expect(result).toEqual([
      'inline script: TypeError',
      'innerHTML: TypeError',
      'data: script: TypeError',
      'new policy: TypeError',
    ])
    await page.waitForTimeout(200)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined()
    // Each refusal is reported as a violation: the listener works (the other tests rely on it).
    expect(g.csp.some((l) => /require-trusted-types-for|trusted-types/.test(l))).toBe(true)
  })

  test('the full flow against the demo server causes no CSP violation', async ({ page, flow }) => {
    const g = await guard(page)
    await flow.open({
      issuer: AS_BASE,
      client_id: CLIENT_IDS.public,
      scope: 'openid profile',
      resource: `${AS_BASE}/api`,
    })
    await flow.runTo('discovery', { discoveryTimeout: 20_000 })
    await flow.runTo('token', { token: null })
    await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid')
    await expect(page.getByTestId('signature-access_token')).toHaveAttribute('data-signature', 'valid')
    // Open every details element (lazy parts render) before checking.
    await page.locator('details').evaluateAll((els) => els.forEach((e) => ((e as HTMLDetailsElement).open = true)))
    await assertUnharmed(page, g)
  })
})

test.describe('a hostile authorization server', () => {
  test('HTML, script, javascript:/data: URLs and __proto__ in discovery, JWKS, tokens, claims and headers are shown as text', async ({
    page,
    context,
    flow,
  }) => {
    const g = await guard(page)
    let callbackUrl = ''
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame() && f.url().includes('code=')) callbackUrl = f.url()
    })
    await flow.open({ issuer: H('xss'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('discovery', HOSTILE)
    // What it saw is explained: javascript:/data: URLs in metadata are named, shown as text, never linked.
    const unsafeUrls = page.locator('#step-discovery [data-finding-id="metadata-unsafe-url"]')
    await expect(unsafeUrls.filter({ hasText: 'service_documentation' }).first()).toBeVisible()
    await expect(unsafeUrls.filter({ hasText: 'op_policy_uri' }).first()).toBeVisible()
    // The document is displayed, payloads as literal text.
    const discovery = page.locator('#step-discovery')
    await discovery.locator('details').evaluateAll((els) => els.forEach((e) => ((e as HTMLDetailsElement).open = true)))
    await expect(discovery).toContainText(PAYLOADS.script)
    await expect(discovery).toContainText(PAYLOADS.jsUrl)
    await expect(page.getByTestId('authorization-url')).toContainText(`${H('xss')}/authorize?`)
    await assertUnharmed(page, g)

    await flow.runTo('callback', HOSTILE)
    expect(callbackUrl).toContain('code=')
    // The address bar after the callback carries no response parameter.
    const after = new URL(page.url())
    for (const k of ['code', 'state', 'iss']) expect(after.searchParams.has(k), k).toBe(false)

    await flow.runTo('token', HOSTILE)
    await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid', { timeout: 10_000 })
    const idToken = page.locator('article[data-token="id_token"]')
    await idToken.locator('details').evaluateAll((els) => els.forEach((e) => ((e as HTMLDetailsElement).open = true)))
    await expect(idToken).toContainText(PAYLOADS.script)
    await expect(idToken).toContainText('<img src=x onerror=')
    await expect(idToken).toContainText(PAYLOADS.jsUrl)
    await page.locator('details').evaluateAll((els) => els.forEach((e) => ((e as HTMLDetailsElement).open = true)))
    // Response headers with markup are shown as text too.
    await expect(page.locator('#step-token')).toContainText('x-evil')
    await assertUnharmed(page, g)

    // Secrets of this flow: code, verifier, state, nonce, tokens.
    const stored = await page.evaluate(() => sessionStorage.getItem('pkce-playground:flow'))
    expect(stored, 'the pending flow lives in sessionStorage').toBeTruthy()
    const snap = JSON.parse(stored!).snapshot
    const secrets: string[] = [
      new URL(callbackUrl).searchParams.get('code')!,
      snap.pkce.code_verifier,
      snap.authorization.state,
      snap.authorization.nonce,
      snap.token.body.access_token,
      snap.token.body.id_token,
    ]
    for (const s of secrets) expect(typeof s === 'string' && s.length > 10).toBe(true)
    const share = await copiedShareLink(page, context)
    expect(share).toContain(encodeURIComponent(H('xss')))
    for (const s of secrets) expect(share).not.toContain(s)
    expect(share).not.toMatch(/[?&#](code|state|code_verifier|access_token|id_token|refresh_token|client_secret)=/)
    // The Markdown report (what people paste into tickets) carries none of them either.
    await page.getByRole('button', { name: 'Copy report as Markdown' }).click()
    await expect(page.getByText('Report copied as Markdown.')).toBeVisible()
    const text = await page.evaluate(() => navigator.clipboard.readText())
    expect(text).toContain('pkce-playground')
    for (const s of secrets) expect(text, 'the report redacts secrets').not.toContain(s)
    for (const s of secrets) expect(page.url()).not.toContain(s)
    // Reset removes everything of the flow from the tab's storage.
    await page.getByRole('button', { name: 'Reset' }).click()
    const keys = await page.evaluate(() => ({ session: Object.keys(sessionStorage), local: Object.keys(localStorage) }))
    // Reset forgets the flow; the view mode (Learn or Debug) is a preference and no secret, so it stays.
    expect(keys.session.filter((k) => k.startsWith('pkce-playground') && k !== 'pkce-playground:view-mode')).toEqual([])
    expect(keys.local).toEqual([])
    await expect(page.getByTestId('signature-id_token')).toHaveCount(0)
    await assertUnharmed(page, g)
  })

  for (const variant of ['js-authz', 'data-authz'] as const) {
    test(`an authorization_endpoint with a ${variant === 'js-authz' ? 'javascript:' : 'data:'} URL never becomes a navigation (S03)`, async ({
      page,
      flow,
    }) => {
      const g = await guard(page)
      const navigations: string[] = []
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) navigations.push(f.url())
      })
      await flow.open({ issuer: H(variant), client_id: CLIENT_IDS.public, scope: 'openid' })
      await flow.runTo('discovery', HOSTILE)
      const finding = page.locator('[data-finding-id="authorization-endpoint-unsafe"]').first()
      await expect(finding).toBeVisible()
      await expect(finding).toHaveAttribute('data-severity', 'error')
      await expect(finding).toContainText(/https/)
      const start = page.getByRole('button', { name: 'Start authorization' })
      if (await start.isEnabled()) await start.click()
      await page.getByRole('button', { name: 'Run to the end' }).click()
      await page.waitForTimeout(500)
      expect(navigations.length, `no navigation: ${navigations.join(', ')}`).toBe(1)
      expect(await page.evaluate(() => sessionStorage.getItem('pkce-playground:flow'))).toBeNull()
      await assertUnharmed(page, g)
    })
  }

  test('endpoints hidden in a __proto__ member are not used and pollute nothing', async ({ page, flow }) => {
    const g = await guard(page)
    await flow.open({ issuer: H('proto'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('discovery', HOSTILE)
    // The endpoints count as absent (and that is explained); nothing is built from the __proto__ member.
    await expect(
      page
        .locator('#step-discovery [data-finding-id="metadata-missing-member"]')
        .filter({ hasText: 'authorization_endpoint' })
        .first(),
    ).toBeVisible()
    await expect(page.getByTestId('authorization-url')).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Start authorization' })).toHaveCount(0)
    await expect(page.getByTestId('status-authorization')).toHaveText('error')
    await assertUnharmed(page, g)
  })

  test('a 10 MB discovery document: no hang, a message', async ({ page, flow }) => {
    const g = await guard(page)
    await flow.open({ issuer: H('huge'), client_id: CLIENT_IDS.public, scope: 'openid' })
    const t = Date.now()
    await flow.runTo('discovery', HOSTILE)
    expect(Date.now() - t).toBeLessThan(15_000)
    const discovery = page.locator('#step-discovery')
    await expect(discovery.locator('.attempts')).toBeVisible()
    // The record says the body was cut; findings or a notice explain what happened.
    await expect(discovery).toContainText(/cut at 256 KiB|characters/)
    await assertUnharmed(page, g)
  })

  test('a discovery document nested 10 000 levels deep: no crash, a message', async ({ page, flow }) => {
    const g = await guard(page)
    await flow.open({ issuer: H('deep'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('discovery', HOSTILE)
    await expect(page.locator('#step-discovery .attempts')).toBeVisible()
    await page
      .locator('#step-discovery details')
      .evaluateAll((els) => els.forEach((e) => ((e as HTMLDetailsElement).open = true)))
    await expect(page.getByTestId('authorization-url')).toContainText(`${H('deep')}/authorize?`)
    await assertUnharmed(page, g)
  })

  test('a discovery document nested 10 000 levels deep does not stop the flow', async ({ page, flow }) => {
    // Known app bug: startAuthorization() persists the snapshot with JSON.stringify, which throws
    // RangeError (Maximum call stack size exceeded) on the stored 10 000-deep document: an uncaught error
    // and no navigation. Remove this line once the driver stores no unbounded server JSON.
    const g = await guard(page)
    await flow.open({ issuer: H('deep'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('callback', HOSTILE)
    await assertUnharmed(page, g)
  })

  test('server names that shadow Object.prototype members get no made-up meaning', async ({ page, flow }) => {
    // Known app bug: meaning look-ups index plain objects with server-chosen names, so "constructor"
    // shows Object's source ("function Object() { [native code] }") and "__proto__" shows
    // "undefined (undefined)". Remove this line once the look-ups use Object.hasOwn.
    const g = await guard(page)
    await flow.open({ issuer: H('xss'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('callback', HOSTILE)
    await expect(page.locator('#step-callback')).toContainText('constructor')
    await flow.runTo('token', { ...HOSTILE, token: null })
    await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid', { timeout: 10_000 })
    await expect(page.locator('main')).not.toContainText('[native code]')
    await expect(page.locator('main')).not.toContainText('undefined (undefined)')
    await assertUnharmed(page, g)
  })

  test('error_description with HTML and phishing text is shown as server-supplied text (S04)', async ({
    page,
    flow,
  }) => {
    const g = await guard(page)
    await flow.open({ issuer: H('phish'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('token', { ...HOSTILE, token: 'HTTP 400' })
    const finding = page.locator('#step-token [data-finding-id="token-request-rejected"]').first()
    await expect(finding).toBeVisible()
    await expect(finding).toContainText('invalid_grant')
    await expect(finding).toContainText(/supplied by the server/i)
    await expect(finding).toContainText('<b>Your account is LOCKED')
    await assertUnharmed(page, g)
  })

  test('an error response with HTML error_description and a javascript: error_uri (S04)', async ({ page, flow }) => {
    const g = await guard(page)
    await flow.open({ issuer: H('phish-authz'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('callback', { ...HOSTILE, callback: null })
    const callback = page.locator('#step-callback')
    await expect(callback.locator('[data-finding-id="authorization-error"]')).toBeVisible()
    await expect(callback).toContainText(PAYLOADS.script)
    await expect(callback).toContainText(/supplied by the server/i)
    await expect(page.getByRole('button', { name: 'Exchange code' })).toBeDisabled()
    expect(page.url()).not.toContain('error_description')
    await assertUnharmed(page, g)
  })
})

test.describe('mix-up, share links and network reach', () => {
  test('a callback carrying another issuer’s iss is refused (mix-up, S12)', async ({ page, flow }) => {
    const g = await guard(page)
    let tokenRequests = 0
    page.on('request', (r) => {
      if (r.method() === 'POST') tokenRequests++
    })
    await flow.open({ issuer: H('mixup'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('callback', { ...HOSTILE, callback: null })
    const finding = page.locator('#step-callback [data-finding-id="issuer-mismatch"]')
    await expect(finding).toBeVisible()
    await expect(finding).toHaveAttribute('data-severity', 'error')
    await expect(page.getByRole('button', { name: 'Exchange code' })).toBeDisabled()
    expect(tokenRequests).toBe(0)
    await assertUnharmed(page, g)
  })

  test('the state of a flow with issuer A never answers a callback from issuer B', async ({ page, flow }) => {
    const g = await guard(page)
    let tokenRequests = 0
    page.on('request', (r) => {
      if (r.method() === 'POST') tokenRequests++
    })
    // Issuer A: the real demo server. Stop before logging in, as if the user switched away.
    await flow.open({ issuer: AS_BASE, client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('discovery', DISCOVERED)
    const authUrl = new URL((await page.getByTestId('authorization-url').textContent())!)
    const state = authUrl.searchParams.get('state')!
    await page.getByRole('button', { name: 'Start authorization' }).click()
    await page.locator('input[name="login"]').waitFor()
    // Issuer B (hostile) sends the browser back with A's state but its own iss and code.
    await page.goto(`/?code=attacker-code&state=${encodeURIComponent(state)}&iss=${encodeURIComponent(H('xss'))}`)
    await expect(page.locator('body[data-ready="true"]')).toBeAttached()
    await expect(page.locator('#step-callback [data-finding-id="issuer-mismatch"]')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Exchange code' })).toBeDisabled()
    expect(page.url()).not.toContain('attacker-code')
    expect(tokenRequests).toBe(0)
    await assertUnharmed(page, g)
  })

  test('a share link naming a hostile issuer and private-network endpoints sends nothing before a click (S06, S07)', async ({
    page,
    flow,
  }) => {
    const g = await guard(page)
    const requests: string[] = []
    page.on('request', (r) => {
      if (!r.url().startsWith(APP_BASE)) requests.push(r.url())
    })
    await flow.open({
      issuer: H('xss'),
      client_id: CLIENT_IDS.public,
      scope: 'openid',
      token_endpoint: 'https://192.168.0.1/token',
      jwks_uri: 'https://10.0.0.1/jwks',
      autostart: '1',
    })
    await page.waitForTimeout(1500)
    expect(requests).toEqual([])
    await expect(page.getByTestId('status-discovery')).toHaveText('pending')
    // Nothing of the flow is stored (the view mode, Learn or Debug, is the only key, set by the fixture).
    expect(
      await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k !== 'pkce-playground:view-mode')),
    ).toEqual([])
    await assertUnharmed(page, g)
    expect(requests).toEqual([])
  })
})

// Issue 10: a share link or a hostile server can never steer secrets, and the report stays inert.
test.describe('share links that set where secrets go (issue 10)', () => {
  /** Requests the page sends to the attacker's server. */
  function toAttacker(page: Page): string[] {
    const seen: string[] = []
    page.on('request', (r) => {
      if (r.url().startsWith(hostile.url)) seen.push(`${r.method()} ${r.url()}`)
    })
    return seen
  }

  test('a link that sets the token endpoint elsewhere: shown with its origin, nothing is sent, "Run to the end" stops there', async ({
    page,
    flow,
  }) => {
    const g = await guard(page)
    const sent = toAttacker(page)
    const before = hostile.stolen().length
    await flow.open({
      issuer: AS_BASE,
      client_id: CLIENT_IDS.public,
      scope: 'openid offline_access',
      token_endpoint: hostile.stealUrl,
    })
    const notice = page.getByTestId('link-notice')
    await expect(notice).toBeVisible()
    const item = notice.locator('[data-link-field="token_endpoint"]')
    await expect(item).toContainText(`This link sets the token endpoint to ${hostile.stealUrl}`)
    await expect(item).toContainText(`origin ${hostile.url}`)
    await expect(item).toContainText(`not the server the issuer names (${AS_BASE})`)
    await expect(item).toContainText('The authorization code, the code_verifier and any client secret are sent there')

    await page.getByRole('button', { name: 'Run to the end' }).click()
    await expect(notice.getByRole('status')).toContainText('Nothing was sent')
    expect(new URL(page.url()).origin).toBe(APP_BASE)
    await expect(page.getByTestId('status-configure')).toHaveText('pending')
    await expect(page.getByTestId('status-discovery')).toHaveText('pending')
    await page.getByRole('button', { name: 'Discover', exact: true }).click()
    await expect(notice.getByRole('status')).toContainText('Nothing was sent')
    await expect(page.getByTestId('status-discovery')).toHaveText('pending')
    expect(sent).toEqual([])

    // "Don't use them": the link's endpoint is gone and the issuer's own is used; the attacker gets nothing.
    await notice.getByRole('button', { name: /Don’t use them/ }).click()
    await expect(page.getByTestId('link-notice')).toHaveCount(0)
    await expect(page.locator('#cfg-token')).toHaveValue('')
    await page.getByRole('button', { name: 'Run to the end' }).click()
    await loginAndConsent(page)
    await expect(page.getByTestId('token-status')).toHaveText('HTTP 200')
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-scenario', 'C')
    expect(sent).toEqual([])
    expect(hostile.stolen().length).toBe(before)
    await assertUnharmed(page, g)
  })

  test('a link naming a server whose login is elsewhere than its token endpoint: stops before the login until agreed', async ({
    page,
    flow,
  }) => {
    // Found by a security review: the link sets only the issuer (allowed freely), but that issuer's
    // metadata sends the browser to log in at the real server and the code to the link's server.
    const g = await guard(page)
    const before = hostile.stolen().length
    await flow.open({ issuer: H('split'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await expect(page.getByTestId('link-notice')).toHaveCount(0)
    await page.getByRole('button', { name: 'Run to the end' }).click()
    const split = page.getByTestId('link-split')
    await expect(split).toBeVisible()
    await expect(split).toContainText(`names ${H('split')}`)
    await expect(split).toContainText(`log in at ${AS_BASE}`)
    await expect(split).toContainText(`sent to ${hostile.url}`)
    await expect(split.getByRole('status')).toContainText('Stopped before the login')
    await expect(page.getByTestId('status-authorization')).toHaveText('ok')
    expect(new URL(page.url()).origin).toBe(APP_BASE)
    await page.getByRole('button', { name: 'Start authorization' }).click()
    await expect(split.getByRole('status')).toContainText('Stopped before the login')
    expect(new URL(page.url()).origin).toBe(APP_BASE)
    expect(hostile.stolen().length).toBe(before)
    // Agreeing is the user's call: the login goes ahead at the real server.
    await split.getByRole('button', { name: `Log in at ${AS_BASE} and send the code to ${hostile.url}` }).click()
    await expect(split).toHaveCount(0)
    await page.getByRole('button', { name: 'Start authorization' }).click()
    await page.waitForURL((u) => u.origin === new URL(AS_BASE).origin)
    expect(g.errors).toEqual([])
  })

  test('a confirmed link endpoint on another origin: an error finding named in the verdict, never C', async ({
    page,
    flow,
  }) => {
    const sent = toAttacker(page)
    await flow.open({
      issuer: AS_BASE,
      client_id: CLIENT_IDS.public,
      scope: 'openid',
      token_endpoint: hostile.stealUrl,
    })
    await page.getByTestId('link-notice').getByRole('button', { name: 'Use these endpoints' }).click()
    await page.getByRole('button', { name: 'Run to the end' }).click()
    await loginAndConsent(page)
    // The attacker forwarded the code to the real server: the page gets real, verified tokens…
    await expect(page.getByTestId('token-status')).toHaveText('HTTP 200')
    await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid')
    expect(sent.filter((r) => r.startsWith('POST'))).toHaveLength(1)
    expect(hostile.stolen().at(-1)?.get('code_verifier')).toMatch(/^[A-Za-z0-9._~-]{43,128}$/)
    // …and the verdict does not call that conformant.
    const f = page.locator('#step-discovery [data-finding-id="endpoint-overridden"]')
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(f).toContainText(hostile.url)
    const verdict = page.getByTestId('verdict')
    await expect(verdict).not.toHaveAttribute('data-scenario', 'C')
    await expect(verdict).toContainText('endpoint-overridden')
  })

  test('a link-chosen resource gets the access token only after a confirmation; a foreign redirect_uri is warned about', async ({
    page,
    flow,
  }) => {
    const resource = `${hostile.url}/api/me`
    const withToken: string[] = []
    page.on('request', (r) => {
      if (r.url().startsWith(hostile.url) && r.headers()['authorization']) withToken.push(r.url())
    })
    await flow.open({
      issuer: AS_BASE,
      client_id: CLIENT_IDS.public,
      scope: 'openid',
      resource,
      redirect_uri: 'https://elsewhere.example/callback',
    })
    const notice = page.getByTestId('link-notice')
    await expect(notice.locator('[data-link-field="redirect_uri"]')).toContainText('not this page’s own address')
    await expect(notice.locator('[data-link-field="resource"]')).toContainText(resource)
    await expect(page.getByTestId('redirect-uri-from-link')).toBeVisible()
    // Only the redirect URI and resource were set: no confirmation is needed to run (as today).
    await expect(notice.getByRole('button', { name: 'Use these endpoints' })).toHaveCount(0)
    // Back to this page's own redirect URI for the flow itself.
    await page.getByRole('textbox', { name: 'Redirect URI' }).fill(APP_BASE + '/')
    await page.getByRole('button', { name: 'Run to the end' }).click()
    await loginAndConsent(page)
    await expect(page.getByTestId('token-status')).toHaveText('HTTP 200')
    const form = page.locator('.resource-form')
    await expect(page.getByRole('textbox', { name: 'Resource URL' })).toHaveValue(resource)
    await form.getByRole('button', { name: 'Send request' }).click()
    const confirm = page.getByTestId('resource-confirm')
    await expect(confirm).toContainText(`gives your access token to ${hostile.url}`)
    expect(withToken).toEqual([])
    await confirm.getByRole('button', { name: 'Cancel' }).click()
    await expect(confirm).toHaveCount(0)
    expect(withToken).toEqual([])
    await form.getByRole('button', { name: 'Send request' }).click()
    await page
      .getByTestId('resource-confirm')
      .getByRole('button', { name: `Send the access token to ${hostile.url}` })
      .click()
    await expect(page.locator('#after-resource')).toBeVisible()
    expect(withToken).toEqual([resource])
  })
})

test.describe('hostile token responses and the report (issue 10)', () => {
  test('a verifier echoed with JSON escapes or base64url, a refresh token percent-encoded: none reaches the report', async ({
    page,
    context,
    flow,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_BASE })
    await flow.open({ issuer: H('echo'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('discovery', HOSTILE)
    const verifier = await page.locator('#pkce-verifier').inputValue()
    expect(verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/)
    await flow.runTo('token', HOSTILE)
    const stored = JSON.parse((await page.evaluate(() => sessionStorage.getItem('pkce-playground:flow')))!).snapshot
    const refresh: string = stored.token.body.refresh_token
    expect(refresh.length).toBeGreaterThan(20)
    await page.getByRole('button', { name: 'Copy report as Markdown' }).click()
    await expect(page.getByText('Report copied as Markdown.')).toBeVisible()
    const md = await page.evaluate(() => navigator.clipboard.readText())
    expect(md).toContain('x_debug')
    for (const text of [md, decodeURIComponent(decodeURIComponent(md))]) {
      expect(text).not.toContain(verifier)
      expect(text).not.toContain(refresh)
    }
    for (const run of md.match(/[A-Za-z0-9+/_-]{40,}/g) ?? []) {
      expect(Buffer.from(run, 'base64').toString('latin1')).not.toContain(verifier)
    }
  })

  test('server text in the copied Markdown report is inert: no link, image, markup or fake verdict', async ({
    page,
    context,
    flow,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: APP_BASE })
    await flow.open({ issuer: H('phish-authz'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('callback', { ...HOSTILE, callback: null })
    await expect(page.locator('#step-callback [data-finding-id="authorization-error"]')).toBeVisible()
    await page.getByRole('button', { name: 'Copy report as Markdown' }).click()
    await expect(page.getByText('Report copied as Markdown.')).toBeVisible()
    const md = await page.evaluate(() => navigator.clipboard.readText())
    expect(md).toContain('LOCKED')
    const html = micromark(md, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true })
    expect(html).not.toMatch(/<a[\s>]|<img[\s>]|<script[\s>]|<b>/)
    expect([...html.matchAll(/<h2>Verdict/g)]).toHaveLength(1)
  })

  test('a token response over 256 KiB: "too large" with its size and first bytes, not "not JSON"', async ({
    page,
    flow,
  }) => {
    const g = await guard(page)
    await flow.open({ issuer: H('big-token'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('token', { ...HOSTILE, token: null })
    const f = page.locator('#step-token [data-finding-id="response-too-large"]')
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(f).toContainText('over the playground’s 256 KiB limit')
    await expect(f).toContainText('{"access_token"')
    await expect(page.locator('[data-finding-id="token-response-not-json"]')).toHaveCount(0)
    await assertUnharmed(page, g)
  })
})
