import { test, expect, loginAndConsent, CLIENT_IDS, AS_BASE, APP_BASE, type Flow } from './fixtures'
import type { Page } from '@playwright/test'

const RESOURCE = `${AS_BASE}/api`

/** Discovery ends ok, with an S256 authorization request ready to start. */
async function discover(flow: Flow, page: Page) {
  await flow.runTo('discovery')
  await expect(page.getByTestId('authorization-url')).toContainText('code_challenge_method=S256')
}

test('the full flow: discovery, PKCE, login and consent, code exchange, both tokens verified', async ({
  page,
  as,
  flow,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await flow.open({
    issuer: as.issuer,
    client_id: CLIENT_IDS.public,
    scope: 'openid profile email offline_access',
    resource: RESOURCE,
  })
  await expect(page.getByRole('textbox', { name: 'Issuer' })).toHaveValue(as.issuer)
  await discover(flow, page)
  await flow.runTo('callback')
  // The code is removed from the address bar at once.
  expect(page.url()).not.toContain('code=')
  await expect(page.getByTestId('token-request')).toContainText('grant_type=authorization_code')
  await expect(page.getByTestId('token-request')).toContainText('code_verifier=')
  await expect(page.getByTestId('token-request')).toContainText(`origin: ${APP_BASE}`)
  await expect(page.getByTestId('token-curl')).toContainText(`curl -i -X POST '${AS_BASE}/token'`)
  await flow.runTo('token')
  await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid')
  await expect(page.getByTestId('signature-access_token')).toHaveAttribute('data-signature', 'valid')
  const idToken = page.locator('article[data-token="id_token"]')
  await expect(idToken.getByRole('table', { name: 'Checks' }).getByRole('row', { name: /^nonce/ })).toContainText(
    'pass',
  )
  await page.screenshot({ path: 'test-results/full-flow.png', fullPage: true })
  await expect(idToken).toContainText(/expires in \d+ (min|h)/)
  await expect(page.locator('article[data-token="access_token"]')).toContainText('at+jwt')
  await flow.runTo('tokens')
  await expect(page.getByTestId('status-tokens')).not.toHaveText('error')
  expect(errors).toEqual([])
})

test.describe("a token's header and claims, as a newcomer sees them (Learn mode)", () => {
  test.use({ viewMode: 'learn' })

  test("a token's header and claims fold behind one line in Learn mode; they unfold on a click, in Debug, or when a claim fails", async ({
    page,
    as,
    flow,
  }) => {
    await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid', resource: RESOURCE })
    await flow.runTo('token')
    const idToken = page.locator('article[data-token="id_token"]')
    await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid')
    // Folded: the line says what matters; the tables are not even mounted.
    const summary = page.getByTestId('claims-summary-id_token')
    await expect(summary).toContainText(/— alg RS256 · aud "pkce-playground" · expires in \d+ (min|h) · \d+ claims$/)
    await expect(page.getByTestId('claims-summary-access_token')).toContainText(`typ at+jwt`)
    await expect(idToken.getByRole('table', { name: 'Claims' })).toHaveCount(0)
    // The signature checks stay in view.
    await expect(idToken.getByRole('table', { name: 'Checks' }).getByRole('row', { name: /^nonce/ })).toContainText(
      'pass',
    )
    await summary.click()
    await expect(idToken.getByRole('table', { name: 'Claims' }).getByRole('row', { name: /^nonce/ })).toContainText(
      'pass',
    )
    await summary.click()
    await expect(idToken.getByRole('table', { name: 'Claims' })).toHaveCount(0)
    // Debug mode shows everything dense.
    await page.getByRole('radio', { name: 'Debug' }).check()
    await expect(idToken.getByRole('table', { name: 'Claims' })).toBeVisible()
    await expect(
      page.locator('article[data-token="access_token"]').getByRole('table', { name: 'Header' }),
    ).toBeVisible()
  })

  test('an ID token whose audience is wrong shows its claims unfolded, the failing row first to see', async ({
    page,
    as,
    flow,
  }) => {
    await flow.open({ issuer: as.faultIssuer('id-token-aud-wrong'), client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('token', { tokens: 'error' })
    const idToken = page.locator('article[data-token="id_token"]')
    await expect(page.getByTestId('claims-summary-id_token')).toContainText(/· [1-9] to look at$/)
    await expect(idToken.getByRole('table', { name: 'Claims' }).getByRole('row', { name: /^aud/ })).toContainText(
      'fail',
    )
  })
})

test.describe("a token's claims on a phone-sized screen", () => {
  test.use({ viewport: { width: 360, height: 740 } })

  test('each claim and check is a block at 360 px: the name on one line, the value as wide as the table, still a table row', async ({
    page,
    as,
    flow,
  }) => {
    await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid', resource: RESOURCE })
    await flow.runTo('token')
    const idToken = page.locator('article[data-token="id_token"]')
    // Debug (the fixtures' mode) shows the claims unfolded; the rows keep their table semantics.
    const claims = idToken.getByRole('table', { name: 'Claims' })
    const nonce = claims.getByRole('row', { name: /^nonce/ })
    await expect(nonce).toContainText('pass')
    const table = await claims.boundingBox()
    const name = await nonce.getByRole('rowheader').boundingBox()
    const value = await nonce.locator('td.mono').boundingBox()
    const lineHeight = await nonce
      .getByRole('rowheader')
      .evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 20)
    // Four columns left the name one letter wide ("n o n c e", five lines) and the value a sliver.
    expect(name!.height).toBeLessThan(lineHeight * 1.6)
    expect(value!.width).toBeGreaterThan(table!.width * 0.8)
    const check = idToken.getByRole('table', { name: 'Checks' }).getByRole('row', { name: /^signature/ })
    const detail = await check.locator('td').last().boundingBox()
    expect(detail!.width).toBeGreaterThan(table!.width * 0.8)
  })
})

test('a state that does not match is refused and the code is never sent', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.faultIssuer('state-altered'), client_id: CLIENT_IDS.public, scope: 'openid' })
  await discover(flow, page)
  await flow.runTo('callback', { callback: 'error' })
  const callback = page.locator('#step-callback')
  await expect(callback.locator('[data-finding-id="state-mismatch"]')).toBeVisible()
  await expect(callback.locator('[data-finding-id="state-mismatch"]')).toHaveAttribute('data-severity', 'error')
  await expect(page.getByTestId('status-callback')).toHaveText('error')
  await expect(page.getByRole('button', { name: 'Exchange code' })).toBeDisabled()
  expect(page.url()).not.toContain('code=')
})

test('cancel at the login page: access_denied is explained', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await discover(flow, page)
  await flow.runTo('callback', { login: 'cancel', callback: null })
  const finding = page.locator('#step-callback [data-finding-id="authorization-error"]')
  await expect(finding).toBeVisible()
  await expect(finding).toContainText('access_denied')
  await expect(finding).toContainText(/denied|refused|cancel/i)
  await expect(page.getByRole('button', { name: 'Exchange code' })).toBeDisabled()
})

test('an edited code_verifier: the server answers invalid_grant, shown and explained', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await discover(flow, page)
  await flow.runTo('callback')
  const field = page.getByRole('textbox', { name: 'code_verifier to send' })
  await field.fill('x'.repeat(50))
  await expect(page.getByTestId('token-request')).toContainText(`code_verifier=${'x'.repeat(50)}`)
  await flow.runTo('token', { token: 'HTTP 400' })
  const finding = page.locator('#step-token [data-finding-id="token-request-rejected"]')
  await expect(finding).toBeVisible()
  await expect(finding).toContainText('invalid_grant')
  await expect(finding).toContainText(/verifier/i)
})

test('the callback opened in another tab: that tab has no pending flow, says why, and sends nothing (B04)', async ({
  page,
  context,
  as,
  flow,
}) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await discover(flow, page)
  // The redirect back, as this tab received it (it goes on as usual), is then opened in a new tab.
  let callback = ''
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && f.url().startsWith(APP_BASE) && /[?&]code=/.test(f.url())) callback = f.url()
  })
  await page.getByRole('button', { name: 'Start authorization' }).click()
  await loginAndConsent(page)
  await expect.poll(() => callback).toContain('code=')
  const other = await context.newPage()
  const posted: string[] = []
  other.on('request', (r) => {
    if (r.method() === 'POST') posted.push(r.url())
  })
  await other.goto(callback)
  const finding = other.locator('#step-callback [data-finding-id="no-pending-flow"]')
  await expect(finding).toHaveAttribute('data-severity', 'error')
  await expect(finding).toContainText('in another tab or window')
  await expect(other.getByTestId('status-callback')).toHaveText('error')
  // The code left the address bar, and nothing was sent anywhere.
  expect(new URL(other.url()).searchParams.has('code')).toBe(false)
  expect(posted).toEqual([])
})

test('reloading after the callback never sends the code a second time', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  let callbackUrl = ''
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && f.url().includes('code=')) callbackUrl = f.url()
  })
  await discover(flow, page)
  await flow.runTo('callback')
  expect(callbackUrl).toContain('code=')
  let tokenRequests = 0
  page.on('request', (r) => {
    if (r.url().endsWith('/token') && r.method() === 'POST') tokenRequests++
  })
  await flow.runTo('token')
  expect(tokenRequests).toBe(1)
  await page.reload()
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('token-status')).toHaveText('HTTP 200')
  await expect(page.getByRole('button', { name: 'Exchange code' })).toBeDisabled()
  // Coming back to the callback URL with the same code (Back button, history) does not resend it.
  await page.goto(callbackUrl)
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.locator('#step-callback [data-finding-id="callback-replayed"]')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Exchange code' })).toBeDisabled()
  expect(page.url()).not.toContain('code=')
  expect(tokenRequests).toBe(1)
})

test('the protocol code failing to load after the redirect: an alert, nothing sent, and a reload finishes the flow', async ({
  page,
  as,
  flow,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await discover(flow, page)
  // The callback never settles here: the round trip is driven by hand.
  await page.getByRole('button', { name: 'Start authorization' }).click()
  // From here on the engine chunk cannot be fetched (a dropped connection, or a deploy that removed it).
  await page.route('**/assets/engine-*.js', (route) => route.abort())
  let tokenRequests = 0
  page.on('request', (r) => {
    if (r.url().endsWith('/token') && r.method() === 'POST') tokenRequests++
  })
  await loginAndConsent(page)
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  const alert = page.locator('.load-error')
  await expect(alert).toHaveAttribute('role', 'alert')
  await expect(alert).toContainText('could not load its protocol code')
  await expect(alert).toContainText('Reload the page')
  // The page is there (never blank) and the response waits, unchecked and unsent, in the address bar.
  await expect(page.getByRole('textbox', { name: 'Issuer' })).toBeVisible()
  expect(page.url()).toContain('code=')
  expect(tokenRequests).toBe(0)
  expect(errors).toEqual([])
  await page.unroute('**/assets/engine-*.js')
  await page.reload()
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('status-callback')).toHaveText('ok')
  await expect(page.locator('.load-error')).toHaveCount(0)
  expect(page.url()).not.toContain('code=')
  await page.getByRole('button', { name: 'Exchange code' }).click()
  await expect(page.getByTestId('token-status')).toHaveText('HTTP 200')
  expect(tokenRequests).toBe(1)
  expect(errors).toEqual([])
})

test('the protocol code failing to load on a button press: one alert, no uncaught error, and the next press loads it', async ({
  page,
  as,
  flow,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.route('**/assets/engine-*.js', (route) => route.abort())
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  // The step panels are in the engine's chunk (vite.config.ts): each says so in its place, never blank.
  const panelFailed = page.locator('[role="alert"]', { hasText: 'could not be loaded' })
  await expect(panelFailed.first()).toContainText('Reload the page to try again')
  const run = page.getByRole('button', { name: 'Run to the end' })
  await run.click()
  const alert = page.locator('.load-error')
  await expect(alert).toHaveAttribute('role', 'alert')
  await expect(alert).toContainText('could not load its protocol code')
  await expect(run).toBeEnabled()
  expect(errors).toEqual([])
  // The next press loads the code: the run goes on as far as the authorization server's login.
  await page.unroute('**/assets/engine-*.js')
  await run.click()
  await page.waitForURL((u) => u.href.startsWith(as.issuer))
  expect(errors).toEqual([])
})

test('the first view statically loads none of the engine chunk (the protocol code and the panels)', async ({
  request,
}) => {
  // vite.config.ts groups everything outside the first view's static closure into one chunk; if that
  // group ever took a first-view module, the entry would import the whole chunk before the form shows.
  const html = await (await request.get(`${APP_BASE}/`)).text()
  const refs = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1] ?? '')
  const seen = new Set<string>()
  const pending = refs.filter((r) => r.endsWith('.js'))
  while (pending.length) {
    const file = pending.pop() ?? ''
    if (seen.has(file)) continue
    seen.add(file)
    const code = await (await request.get(`${APP_BASE}/${file}`)).text()
    // Static imports only (`import"./x.js"`, `from"./x.js"`); `import("./x.js")` loads on demand.
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([^"]+\.js)"/g)) pending.push(`assets/${m[1] ?? ''}`)
  }
  expect([...seen].filter((f) => /\/index-[^/]+\.js$/.test(f))).toHaveLength(1)
  expect([...seen, ...refs].filter((f) => /engine-/.test(f))).toEqual([])
  // The engine chunk exists and is loaded on demand by the entry.
  const entry = [...seen].find((f) => /\/index-[^/]+\.js$/.test(f)) ?? ''
  expect(await (await request.get(`${APP_BASE}/${entry}`)).text()).toMatch(/import\([`"]\.\/engine-[^`"]+\.js[`"]\)/)
})

test('a share link prefills the form and starts nothing by itself', async ({ page, as, flow }) => {
  let requests = 0
  page.on('request', (r) => {
    if (r.url().startsWith(as.issuer)) requests++
  })
  await flow.open({
    issuer: as.issuer,
    client_id: 'my-client',
    scope: 'openid email',
    resource: 'https://api.example.com/',
    redirect_uri: `${APP_BASE}/callback`,
    unknown_key: 'ignored',
  })
  await expect(page.getByRole('textbox', { name: 'Issuer' })).toHaveValue(as.issuer)
  await expect(page.getByRole('textbox', { name: 'Client ID' })).toHaveValue('my-client')
  await expect(page.getByRole('textbox', { name: 'Scope' })).toHaveValue('openid email')
  await expect(page.getByRole('textbox', { name: 'Resource (optional)' })).toHaveValue('https://api.example.com/')
  await expect(page.getByRole('textbox', { name: 'Redirect URI' })).toHaveValue(`${APP_BASE}/callback`)
  expect(requests).toBe(0)
  await expect(page.getByTestId('status-discovery')).toHaveText('pending')
})

test('a token endpoint without CORS for this origin: "blocked by CORS", server reachable', async ({
  page,
  as,
  flow,
}) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.noCors, scope: 'openid' })
  await discover(flow, page)
  await flow.runTo('token', { token: 'no readable response' })
  const finding = page.locator('#step-token [data-finding-id="cors-blocked"]')
  await expect(finding).toBeVisible()
  await expect(finding).toContainText(/Blocked by CORS/)
  await expect(finding).toContainText(/reachable/)
  await expect(finding).toContainText(/consumed/)
  await expect(page.getByTestId('token-status')).toHaveText('no readable response')
})

test('an unreachable token endpoint is told apart from CORS', async ({ page, as, flow }) => {
  // Discovery at the real server, but a hand-entered token endpoint where nothing listens.
  await flow.open({
    issuer: as.issuer,
    client_id: CLIENT_IDS.public,
    scope: 'openid',
    token_endpoint: 'http://127.0.0.1:9/token',
  })
  // An endpoint set by a link is used only once confirmed (issue 10).
  await page.getByTestId('link-notice').getByRole('button', { name: 'Use these endpoints' }).click()
  await flow.runTo('discovery', { discovery: null })
  // Not the issuer's own token endpoint: an error finding at discovery, and the flow goes on (issue 10).
  await expect(page.locator('#step-discovery [data-finding-id="endpoint-overridden"]')).toHaveAttribute(
    'data-severity',
    'error',
  )
  await flow.runTo('token', { token: null })
  const finding = page.locator('#step-token [data-finding-id="endpoint-unreachable"]')
  await expect(finding).toBeVisible()
  await expect(finding).toContainText(/could not reach/i)
  await expect(page.locator('#step-token [data-finding-id="cors-blocked"]')).toHaveCount(0)
})

test('hand-entered endpoints work without discovery', async ({ page, flow }) => {
  await flow.open({
    authorization_endpoint: `${AS_BASE}/auth`,
    token_endpoint: `${AS_BASE}/token`,
    client_id: CLIENT_IDS.public,
    scope: 'openid',
  })
  await page.getByTestId('link-notice').getByRole('button', { name: 'Use these endpoints' }).click()
  await flow.runTo('discovery', { discovery: 'skipped' })
  await expect(page.getByTestId('authorization-url')).toContainText(`${AS_BASE}/auth?`)
  await expect(page.getByRole('button', { name: 'Start authorization' })).toBeEnabled()
})

test('a share link opened in a tab with an earlier flow starts from the link', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await discover(flow, page)
  await flow.runTo('callback')
  await flow.open({ issuer: as.faultIssuer('compliant'), client_id: 'another-client', scope: 'openid email' })
  await page.reload()
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByRole('textbox', { name: 'Issuer' })).toHaveValue(as.faultIssuer('compliant'))
  await expect(page.getByRole('textbox', { name: 'Client ID' })).toHaveValue('another-client')
  await expect(page.getByTestId('status-callback')).toHaveText('pending')
  expect(await page.evaluate(() => sessionStorage.getItem('pkce-playground:flow'))).toBeNull()
})

test('Configure says next to each field what is wrong with it (main form and More options)', async ({
  page,
  as,
  flow,
}) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await page.locator('#cfg-issuer').fill('http://auth.example.com')
  await expect(page.locator('#issuer-problem-0')).toContainText('plain http on a non-loopback host')
  // Debug opens More options: its fields are checked the same way.
  await page.locator('#cfg-resource').fill('https://api.example/#frag')
  await expect(page.locator('#resource-problem-0')).toContainText('must not contain a fragment')
  await page.locator('#cfg-issuer').fill(as.issuer)
  await expect(page.locator('#issuer-problem-0')).toHaveCount(0)
})

test('a redirect URI with a fragment stops the run at Configure, and a form_post response mode is flagged there (faults.csv B08, C09/B09)', async ({
  page,
  as,
  flow,
}) => {
  let sent = 0
  page.on('request', (r) => {
    if (r.url().startsWith(as.issuer)) sent++
  })
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await page.locator('#cfg-redirect').fill(`${APP_BASE}/#callback`)
  await expect(page.locator('#redirect_uri-problem-0')).toContainText(
    'The redirect URI must not contain a fragment (RFC 6749 §3.1.2).',
  )
  await page.getByRole('button', { name: 'Run to the end' }).click()
  await expect(page.getByTestId('status-configure')).toHaveText('error')
  await expect(page.getByTestId('status-discovery')).toHaveText('pending')
  expect(page.url().startsWith(APP_BASE)).toBe(true)
  // A static page cannot receive a POST: form_post would end at the host's 404/405, not here.
  await page.locator('#cfg-redirect').fill(`${APP_BASE}/`)
  await expect(page.locator('#redirect_uri-problem-0')).toHaveCount(0)
  await page.getByRole('button', { name: 'Add parameter' }).click()
  await page.getByLabel('Extra parameter 1 name').fill('response_mode')
  await page.getByLabel('Extra parameter 1 value').fill('form_post')
  await expect(page.locator('#extra_params-problem-0')).toContainText('form_post POSTs to the host')
  expect(sent).toBe(0)
})

test('this computer two hours ahead of the server (faults.csv B13): the expired ID token says the clocks differ by about 2 h', async ({
  page,
  as,
  flow,
}) => {
  // The page's Date runs two hours ahead from here on (Playwright's clock); the server's does not.
  await page.clock.install({ time: Date.now() + 2 * 3600_000 })
  await page.clock.resume()
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid', dpop: 'off' })
  await flow.runTo('callback')
  await flow.runTo('token', { token: null })
  const expired = page.locator('#step-token [data-finding-id="jwt-expired"]')
  await expect(expired).toHaveAttribute('data-severity', 'error')
  await expect(expired).toContainText(
    /the two clocks differ by about 2 h( \d+ min)?: this computer's clock is ahead of/,
  )
})

/**
 * Opens the playground without a share link, types the public client's configuration in and presses
 * "Run to the end" (a flow typed in is restored when the user comes Back from the server).
 */
async function runTypedIn(page: Page, issuer: string, redirectUri?: string): Promise<void> {
  await page.goto('/')
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await page.locator('#cfg-issuer').fill(issuer)
  await page.locator('#cfg-client-id').fill(CLIENT_IDS.public)
  await page.locator('#cfg-scope').fill('openid')
  if (redirectUri) await page.locator('#cfg-redirect').fill(redirectUri)
  await page.getByRole('button', { name: 'Run to the end' }).click()
}

test('a redirect URI the server has not registered (faults.csv A01): its error page, no callback, and back here the Callback step says what to register', async ({
  page,
  as,
}) => {
  const unregistered = `${APP_BASE}/not-registered`
  // Typed into the form rather than opened from a share link: back on a link's address, the link
  // would start over (a link opened in a tab wins over the flow stored there).
  await runTypedIn(page, as.issuer, unregistered)
  // The server must not redirect to an unregistered URI (RFC 6749 §3.1.2.4): it shows its own page.
  await page.waitForURL((u) => u.href.startsWith(as.issuer))
  await expect(page.locator('body')).toContainText(/redirect_uri/i)
  expect(page.url()).not.toContain('code=')
  await page.goBack()
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('status-callback')).toHaveText('pending')
  const hint = page.getByTestId('callback-error-page')
  await expect(hint).toContainText(unregistered)
  await expect(hint).toContainText('RFC 6749 §4.1.2.1, §3.1.2.4')
})

test("an http://[::1] issuer is refused in Configure: this page's own CSP would block every request to it (faults.csv B11)", async ({
  page,
  flow,
  as,
}) => {
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  const port = new URL(as.issuer).port
  await page.locator('#cfg-issuer').fill(`http://[::1]:${port}`)
  const problem = page.locator('#issuer-problem-0')
  await expect(problem).toContainText("this page's own Content-Security-Policy does not let it fetch")
  await expect(problem).toContainText(`Use http://localhost:${port} for the same local server.`)
  await page.getByRole('button', { name: 'Run to the end' }).click()
  await expect(page.getByTestId('status-configure')).toHaveText('error')
  await expect(page.getByTestId('status-discovery')).toHaveText('pending')
  // Nothing was attempted, so the browser reported no CSP violation either.
  expect(consoleErrors).toEqual([])
})

test('an authorization server that shows an error page instead of redirecting back (faults.csv A09): back here, the Callback step explains it', async ({
  page,
  as,
}) => {
  const issuer = as.faultIssuer('authorize-error-page')
  await runTypedIn(page, issuer)
  await page.waitForURL((u) => u.href.startsWith(issuer))
  await expect(page.locator('h1')).toHaveText('Oops! Something went wrong')
  await page.goBack()
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('status-callback')).toHaveText('pending')
  await expect(page.getByTestId('callback-error-page')).toContainText(
    'Any other error (a scope, a response type) should come back here as ?error=…',
  )
})

test('back from the authorization server to a share link’s page with the Back button: the flow is still there, not started over (faults.csv A01)', async ({
  page,
  as,
  flow,
}) => {
  const unregistered = `${APP_BASE}/not-registered`
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid', redirect_uri: unregistered })
  // The link sets a redirect URI on this page's own origin: shown in the link notice, not held.
  await expect(page.getByTestId('link-notice')).toContainText(unregistered)
  await page.getByRole('button', { name: 'Run to the end' }).click()
  await page.waitForURL((u) => u.href.startsWith(as.issuer))
  await page.goBack()
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('status-authorization')).toHaveText('ok')
  await expect(page.getByTestId('callback-error-page')).toContainText(unregistered)
  // Opening the same link again (not Back) still starts from the link.
  const link = page.url()
  await page.goto('about:blank')
  await page.goto(link)
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('status-authorization')).toHaveText('pending')
})
