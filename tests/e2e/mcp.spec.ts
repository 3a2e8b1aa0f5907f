// The MCP way in: from an MCP server URL to a listed tool, in Chromium, against the real test MCP server
// (tests/servers/mcp-server.mjs: official TypeScript SDK over Streamable HTTP) protected by the real
// oidc-provider (tests/servers/authorization-server.mjs). Every test is a real flow; nothing is mocked.
import { test, expect, loginAndConsent, CLIENT_IDS, AS_BASE, APP_BASE } from './fixtures'
import type { Page, Request } from '@playwright/test'

/** Presses Discover without waiting: against a broken MCP server the Discovery step may never run. */
async function discover(page: Page) {
  await page.getByRole('button', { name: 'Discover' }).click()
}

/** A finding shown in a step's panel. */
const findingIn = (page: Page, step: string, id: string) => page.locator(`#step-${step} [data-finding-id="${id}"]`)

/** Collects the token requests (POST …/token) the page sends. */
function tokenRequests(page: Page): Request[] {
  const seen: Request[] = []
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname.endsWith('/token')) seen.push(r)
  })
  return seen
}

/** The steps up to the authorization request went through: probe, PRM, AS metadata, registration. */
async function expectReadyToAuthorize(page: Page, mcpUrl: string, method: 'dcr' | 'pre-registered') {
  await expect(page.getByTestId('status-mcp-probe')).toHaveText('ok')
  await expect(page.getByTestId('mcp-probe-status')).toHaveText('HTTP 401')
  const probe = page.locator('#step-mcp-probe')
  await expect(probe.getByRole('table', { name: 'WWW-Authenticate challenge' })).toContainText(
    `${new URL(mcpUrl).origin}/.well-known/oauth-protected-resource${new URL(mcpUrl).pathname}`,
  )
  await expect(page.getByTestId('status-mcp-discovery')).toHaveText('ok')
  await expect(page.locator('#step-mcp-discovery').getByRole('table', { name: 'What the flow uses' })).toContainText(
    mcpUrl,
  )
  await expect(page.getByTestId('mcp-scope')).toHaveText('openid')
  await expect(page.getByTestId('status-discovery')).not.toHaveText(/error|pending/)
  await expect(page.getByRole('textbox', { name: 'Issuer' })).toHaveValue(AS_BASE)
  await expect(page.getByTestId('registration-method')).toHaveAttribute('data-method', method)
  await expect(page.getByTestId('registered-client-id')).not.toBeEmpty()
  const url = page.getByTestId('authorization-url')
  await expect(url).toContainText(`${AS_BASE}/auth?`)
  const authz = new URL((await url.textContent()) ?? '')
  expect(authz.searchParams.get('resource')).toBe(mcpUrl)
  expect(authz.searchParams.get('code_challenge_method')).toBe('S256')
  expect(authz.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
  expect(authz.searchParams.get('scope')).toBe('openid')
  expect(authz.searchParams.get('client_id')).toBe(
    (await page.getByTestId('registered-client-id').textContent())?.trim(),
  )
}

/** After the tools step: the tools of the test server are listed. */
async function expectToolsListed(page: Page) {
  await expect(page.getByTestId('status-mcp-tools')).not.toHaveText(/error|pending|running/, { timeout: 15_000 })
  await expect(page.getByTestId('mcp-server-name')).toHaveText('pkce-playground-test-mcp')
  const tools = page.getByTestId('mcp-tools')
  await expect(tools.getByRole('rowheader', { name: 'echo', exact: true })).toBeVisible()
  await expect(tools.getByRole('rowheader', { name: 'time', exact: true })).toBeVisible()
}

/** The readiness checklist: every item passes except those listed, the host-side line stays unknown. */
async function expectReadiness(page: Page, expected: Record<string, string> = {}) {
  const table = page.getByTestId('readiness')
  await expect(table).toBeVisible()
  const want: Record<string, string> = {
    challenge: 'pass',
    prm: 'pass',
    metadata: 'pass',
    s256: 'pass',
    'auth-none': 'pass',
    registration: 'pass',
    iss: 'pass',
    'json-token': 'pass',
    audience: 'pass',
    'host-side': 'unknown',
    ...expected,
  }
  const rows = table.locator('tr[data-readiness]')
  const got: Record<string, string> = {}
  for (const row of await rows.all()) {
    got[(await row.getAttribute('data-readiness')) ?? ''] = (await row.getAttribute('data-status')) ?? ''
  }
  expect(got).toEqual(want)
}

test('from an MCP URL alone: 401 challenge, PRM, AS metadata, DCR, login, token for the MCP URL, tools listed', async ({
  page,
  mcp,
  flow,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const posts = tokenRequests(page)
  // The share link `#mcp=<url>` prefills the form.
  await flow.open({ mcp: mcp.url })
  await expect(page.getByRole('textbox', { name: 'MCP server URL' })).toHaveValue(mcp.url)
  await expect(page.getByRole('textbox', { name: 'Client ID' })).toHaveValue('')

  await flow.runTo('discovery', { discovery: null })
  await expectReadyToAuthorize(page, mcp.url, 'dcr')
  await expect(
    page.locator('#step-registration').getByText('"token_endpoint_auth_method": "none"').first(),
  ).toBeVisible()

  await flow.runTo('callback')
  expect(page.url()).not.toContain('code=')
  // The token request names the MCP server as the RFC 8707 resource (else the token's audience is wrong).
  await expect(page.getByTestId('token-request')).toContainText(`resource=${encodeURIComponent(mcp.url)}`)

  await flow.runTo('token')
  expect(posts).toHaveLength(1)
  expect(new URLSearchParams(posts[0]?.postData() ?? '').get('resource')).toBe(mcp.url)
  await expect(page.getByTestId('signature-access_token')).toHaveAttribute('data-signature', 'valid')
  await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid')
  await expect(page.locator('article[data-token="access_token"]')).toContainText(mcp.url)

  await expectToolsListed(page)
  await expect(page.locator('#step-mcp-tools [data-finding-id="access-token-audience-mismatch"]')).toHaveCount(0)
  await expect(page.locator('#step-mcp-tools [data-finding-id="mcp-token-rejected"]')).toHaveCount(0)
  await expectReadiness(page)
  // Verdict C: the token exchange succeeded with an access token and the token response and tokens
  // raised no error or warning. (B would mean a non-conformant token response; nothing here is.)
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-scenario', 'C')
  await expect(page.locator('[data-severity="error"]')).toHaveCount(0)
  await page.screenshot({ path: `test-results/mcp-flow.png`, fullPage: true })
  expect(errors).toEqual([])
})

test('with a pre-registered client: no registration request, the given client id is used, tools listed', async ({
  page,
  mcp,
  flow,
}) => {
  let registrations = 0
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/reg') registrations++
  })
  await flow.open({ mcp: mcp.url, client_id: CLIENT_IDS.public })
  await expect(page.getByRole('textbox', { name: 'Client ID' })).toHaveValue(CLIENT_IDS.public)
  await flow.runTo('discovery', { discovery: null })
  await expectReadyToAuthorize(page, mcp.url, 'pre-registered')
  await expect(page.getByTestId('registered-client-id')).toHaveText(CLIENT_IDS.public)
  expect(registrations).toBe(0)
  await flow.runTo('token')
  await expectToolsListed(page)
  await expectReadiness(page)
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-scenario', 'C')
})

test('"Run to the end" from an MCP URL: one click, the login, and the tools are listed by themselves', async ({
  page,
  mcp,
  flow,
}) => {
  await flow.open({ mcp: mcp.url })
  await page.getByRole('button', { name: 'Run to the end' }).click()
  await loginAndConsent(page)
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expectToolsListed(page)
  await expect(page.getByTestId('token-status')).toHaveText('HTTP 200')
  await expect(page.getByTestId('registration-method')).toHaveAttribute('data-method', 'dcr')
  await expectReadiness(page)
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-scenario', 'C')
})

test('duplicate tool names in tools/list: the tools table, server name and readiness stay, and a finding names them', async ({
  page,
  mcp,
  flow,
}) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  // Svelte reports a duplicate key as an uncaught error (each_key_duplicate); the 401 and 404s of the
  // MCP discovery are the browser's own network log lines and are not counted here.
  page.on('console', (m) => {
    if (m.type() === 'error' && page.url().startsWith(APP_BASE) && !m.text().startsWith('Failed to load resource'))
      errors.push(m.text())
  })
  await flow.open({ mcp: mcp.variant('duplicate-tools') })
  await page.getByRole('button', { name: 'Run to the end' }).click()
  await loginAndConsent(page)
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('status-mcp-tools')).toHaveText('warning', { timeout: 15_000 })
  await expect(page.getByTestId('mcp-server-name')).toHaveText('pkce-playground-test-mcp')
  const tools = page.getByTestId('mcp-tools')
  await expect(tools.getByRole('rowheader', { name: 'echo', exact: true })).toHaveCount(2)
  await expect(tools.getByRole('rowheader', { name: 'time', exact: true })).toBeVisible()
  const f = findingIn(page, 'mcp-tools', 'mcp-tool-names-duplicate')
  await expect(f).toHaveAttribute('data-severity', 'warning')
  await expect(f).toContainText('"echo"')
  await expect(page.getByTestId('readiness')).toBeVisible()
  expect(errors).toEqual([])
})

test.describe('broken MCP servers: the run says what to fix and where', () => {
  /** The flow must not have reached the authorization request (nothing to start). */
  async function expectStoppedBeforeAuthorization(page: Page) {
    await expect(page.getByTestId('authorization-url')).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Start authorization' })).toHaveCount(0)
    await expect(page.getByTestId('status-authorization')).toHaveText('pending')
  }

  test('no protected resource metadata anywhere: prm-missing, the run stops', async ({ page, mcp, flow }) => {
    const url = mcp.variant('no-prm')
    await flow.open({ mcp: url })
    await discover(page)
    await expect(page.getByTestId('mcp-probe-status')).toHaveText('HTTP 401')
    const f = findingIn(page, 'mcp-discovery', 'prm-missing')
    await expect(f).toBeVisible()
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(page.getByTestId('status-mcp-discovery')).toHaveText('error')
    await expect(page.getByTestId('status-discovery')).toHaveText('pending')
    await expectStoppedBeforeAuthorization(page)
  })

  test('PRM resource is not the MCP URL: prm-resource-mismatch', async ({ page, mcp, flow }) => {
    const url = mcp.variant('prm-resource-mismatch')
    await flow.open({ mcp: url })
    await discover(page)
    const f = findingIn(page, 'mcp-discovery', 'prm-resource-mismatch')
    await expect(f).toBeVisible()
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(page.getByTestId('status-mcp-discovery')).toHaveText('error')
    await expectStoppedBeforeAuthorization(page)
  })

  test('PRM without authorization_servers: prm-no-authorization-servers, the run stops', async ({
    page,
    mcp,
    flow,
  }) => {
    await flow.open({ mcp: mcp.variant('prm-no-authorization-servers') })
    await discover(page)
    const f = findingIn(page, 'mcp-discovery', 'prm-no-authorization-servers')
    await expect(f).toBeVisible()
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(page.getByTestId('status-discovery')).toHaveText('pending')
    await expectStoppedBeforeAuthorization(page)
  })

  test('a challenge without resource_metadata: a warning, and the PRM is found at the well-known URL', async ({
    page,
    mcp,
    flow,
  }) => {
    const url = mcp.variant('no-challenge-metadata')
    await flow.open({ mcp: url, client_id: CLIENT_IDS.public })
    await discover(page)
    const f = findingIn(page, 'mcp-probe', 'mcp-challenge-no-resource-metadata')
    await expect(f).toBeVisible()
    await expect(f).toHaveAttribute('data-severity', 'warning')
    await expect(page.locator('#step-mcp-discovery').getByRole('table', { name: 'What the flow uses' })).toContainText(
      url,
    )
    await expect(page.getByTestId('authorization-url')).toContainText(`resource=${encodeURIComponent(url)}`)
  })

  test('WWW-Authenticate not exposed by CORS: mcp-www-authenticate-not-exposed, PRM still found at the well-known URL', async ({
    page,
    mcp,
    flow,
  }) => {
    const url = mcp.variant('no-expose')
    await flow.open({ mcp: url })
    await discover(page)
    await expect(page.getByTestId('mcp-probe-status')).toHaveText('HTTP 401')
    const f = findingIn(page, 'mcp-probe', 'mcp-www-authenticate-not-exposed')
    await expect(f).toBeVisible()
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(f).toContainText('Access-Control-Expose-Headers')
    // The browser could not read the challenge, so the well-known location found the metadata.
    await expect(page.getByTestId('status-mcp-discovery')).not.toHaveText(/error|pending/)
    await expect(page.locator('#step-mcp-discovery').getByRole('table', { name: 'What the flow uses' })).toContainText(
      url,
    )
    await expect(page.getByRole('textbox', { name: 'Issuer' })).toHaveValue(AS_BASE)
  })

  test('no CORS at all on the MCP server: the probe is reported as blocked (reachable, but unreadable)', async ({
    page,
    mcp,
    flow,
  }) => {
    const url = mcp.variant('no-cors')
    await flow.open({ mcp: url })
    await discover(page)
    await expect(page.getByTestId('status-mcp-probe')).toHaveText('error')
    await expect(page.getByTestId('mcp-probe-status')).toHaveText('nothing readable')
    const f = findingIn(page, 'mcp-probe', 'mcp-unreachable')
    await expect(f).toBeVisible()
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(f).toContainText(/CORS/)
  })

  // Dynamic Client Registration against fault issuers (faults.csv D19, D21, D22): what the page says.
  test('registration answers 200, not 201: a warning, and the run goes on (D19)', async ({ page, mcp, flow }) => {
    await flow.open({ mcp: mcp.variant('as-dcr-200') })
    await discover(page)
    const f = findingIn(page, 'registration', 'registration-status-not-201')
    await expect(f).toHaveAttribute('data-severity', 'warning')
    await expect(page.getByTestId('registration-method')).toHaveAttribute('data-method', 'dcr')
    await expect(page.getByTestId('authorization-url')).toContainText('/faults/registration-status-200/auth?')
  })

  test('registration turns the public client into client_secret_basic with a secret: an error that says why (D21)', async ({
    page,
    mcp,
    flow,
  }) => {
    await flow.open({ mcp: mcp.variant('as-dcr-auth-changed') })
    await discover(page)
    const f = findingIn(page, 'registration', 'registration-changed-metadata')
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(f).toContainText('client_secret_basic')
    await expect(f).toContainText('cannot keep a secret')
  })

  test('registration refuses the redirect URI: registration-rejected, the run stops before the login (D22)', async ({
    page,
    mcp,
    flow,
  }) => {
    await flow.open({ mcp: mcp.variant('as-dcr-rejects-redirect') })
    await discover(page)
    const f = findingIn(page, 'registration', 'registration-rejected')
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expect(f).toContainText('invalid_redirect_uri')
    await expectStoppedBeforeAuthorization(page)
  })

  test('the authorization server does not advertise S256: mcp-pkce-not-advertised, the run stops', async ({
    page,
    mcp,
    as,
    flow,
  }) => {
    const url = mcp.variant('as-no-pkce')
    // A pre-registered client (it exists at every fault issuer too), so that only the PKCE check can stop the run.
    await flow.open({ mcp: url, client_id: CLIENT_IDS.public })
    await discover(page)
    await expect(page.getByTestId('status-mcp-discovery')).toHaveText('ok')
    await expect(page.getByRole('textbox', { name: 'Issuer' })).toHaveValue(as.faultIssuer('pkce-methods-absent'))
    const f = page.locator('[data-finding-id="mcp-pkce-not-advertised"]').first()
    await expect(f).toBeVisible()
    await expect(f).toHaveAttribute('data-severity', 'error')
    await expectStoppedBeforeAuthorization(page)
    await expect(page.getByTestId('registration-method')).toHaveCount(0)
  })
})
