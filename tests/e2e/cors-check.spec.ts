import { test, expect, CLIENT_IDS, CLIENT_SECRETS, APP_BASE } from './fixtures'
import type { Locator, Page } from '@playwright/test'

/** Discovery ends ok or with a warning (the fault issuers' metadata is fine; their endpoints are not). */
const DISCOVERED = { discovery: /ok|warning/ }

/** Runs the CORS check panel and waits until the token row is there. */
async function runCorsCheck(page: Page): Promise<Locator> {
  const panel = page.locator('#step-cors')
  const button = panel.getByRole('button', { name: 'Run CORS check' })
  await expect(button).toBeEnabled()
  await button.click()
  await expect(panel.getByRole('table', { name: "CORS from this page's origin" })).toBeVisible()
  await expect(panel.locator('tr[data-endpoint="token"]')).toBeVisible()
  return panel
}

const row = (panel: Locator, endpoint: string) => panel.locator(`tr[data-endpoint="${endpoint}"]`)

test('compliant issuer, public client: the client-bound endpoints are readable', async ({ page, as, flow }) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const tokenBodies: string[] = []
  const proofs: string[] = []
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/token') {
      tokenBodies.push(r.postData() ?? '')
      if (r.headers()['dpop']) proofs.push(r.headers()['dpop'] ?? '')
    }
  })
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await flow.runTo('discovery', DISCOVERED)
  const panel = await runCorsCheck(page)
  for (const endpoint of ['discovery', 'jwks', 'token', 'userinfo', 'revocation', 'introspection']) {
    await expect(row(panel, endpoint), endpoint).toHaveAttribute('data-verdict', 'readable')
  }
  // The fake code is refused with a readable error: error responses carry CORS.
  await expect(row(panel, 'token').locator('[data-error-cors]')).toHaveAttribute('data-error-cors', 'true')
  await expect(row(panel, 'token')).toContainText('400')
  await expect(row(panel, 'token')).toContainText(`Access-Control-Allow-Origin: ${APP_BASE}`)
  // userinfo: preflighted (Bearer), 401 readable, WWW-Authenticate exposed by oidc-provider.
  await expect(row(panel, 'userinfo').locator('[data-preflight]')).toHaveAttribute('data-preflight', 'ok')
  await expect(row(panel, 'userinfo')).toContainText('401')
  await expect(row(panel, 'userinfo')).toContainText('www-authenticate')
  // DPoP is on (the server advertises it): the token endpoint was also probed with a real proof of a
  // throwaway key, and its preflight allows "dpop".
  expect(proofs).toHaveLength(1)
  await expect(row(panel, 'token')).toContainText('Access-Control-Allow-Headers: dpop')
  await expect(panel.locator('tr[data-summary-for="token"]')).toContainText('With a DPoP proof the preflight passed')
  // Only fake values were ever sent to the token endpoint: the fake code, or a fake refresh token with the proof.
  expect(tokenBodies.length).toBeGreaterThan(1)
  for (const body of tokenBodies) {
    const sent = new URLSearchParams(body)
    expect(sent.get('code') ?? sent.get('refresh_token')).toBe('pkce-playground-cors-probe')
  }
  expect(errors).toEqual([])
})

test('a client the server refuses CORS for: the token row is blocked by CORS', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.noCors, scope: 'openid' })
  await flow.runTo('discovery', DISCOVERED)
  const panel = await runCorsCheck(page)
  await expect(row(panel, 'token')).toHaveAttribute('data-verdict', 'blocked-by-cors')
  await expect(row(panel, 'token').locator('[data-error-cors]')).toHaveAttribute('data-error-cors', 'false')
  await expect(row(panel, 'token')).toContainText(`Access-Control-Allow-Origin: ${APP_BASE}`)
  // Discovery and JWKS allow any origin in oidc-provider.
  await expect(row(panel, 'discovery')).toHaveAttribute('data-verdict', 'readable')
  await expect(row(panel, 'jwks')).toHaveAttribute('data-verdict', 'readable')
  const finding = panel.locator('[data-finding-id="cors-blocked"]').first()
  await expect(finding).toBeVisible()
  await expect(finding).toContainText(/not subject to CORS/)
})

test('fault token-no-cors: token blocked by CORS while discovery and JWKS are readable', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.faultIssuer('token-no-cors'), client_id: CLIENT_IDS.public, scope: 'openid' })
  await flow.runTo('discovery', DISCOVERED)
  const panel = await runCorsCheck(page)
  await expect(row(panel, 'token')).toHaveAttribute('data-verdict', 'blocked-by-cors')
  await expect(row(panel, 'discovery')).toHaveAttribute('data-verdict', 'readable')
  await expect(row(panel, 'jwks')).toHaveAttribute('data-verdict', 'readable')
  await expect(row(panel, 'userinfo')).toHaveAttribute('data-verdict', 'readable')
})

test('client_secret_basic: the Authorization-header preflight passes on the compliant server', async ({
  page,
  as,
  flow,
}) => {
  const authHeaders: string[] = []
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/token')
      authHeaders.push(r.headers()['authorization'] ?? '')
  })
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.basic, scope: 'openid' })
  await page.getByLabel('Client authentication').selectOption('client_secret_basic')
  await page.getByLabel('Client secret').fill(CLIENT_SECRETS.basic)
  await flow.runTo('discovery', DISCOVERED)
  const panel = await runCorsCheck(page)
  await expect(row(panel, 'token')).toHaveAttribute('data-verdict', 'readable')
  await expect(row(panel, 'token').locator('[data-preflight]')).toHaveAttribute('data-preflight', 'ok')
  await expect(row(panel, 'token')).toContainText('Access-Control-Allow-Headers: authorization')
  // The simple probe has no Authorization header; the second one carries fake Basic credentials, never the
  // secret; the DPoP probe (DPoP is on: the server advertises it) sends none.
  expect(authHeaders).toEqual(['', `Basic ${Buffer.from('pkce-playground-cors-probe:probe').toString('base64')}`, ''])
})

test('an unreachable hand-entered token endpoint is unreachable, not CORS', async ({ page, as, flow }) => {
  await flow.open({
    issuer: as.issuer,
    client_id: CLIENT_IDS.public,
    scope: 'openid',
    token_endpoint: 'http://127.0.0.1:9/token',
  })
  // A link that sets an endpoint waits for a confirmation before anything is sent (issue 10).
  await page.getByTestId('link-notice').getByRole('button', { name: 'Use these endpoints' }).click()
  await flow.runTo('discovery', { discovery: null })
  // A token endpoint on another origin than the issuer's is an error finding of its own (issue 10).
  await expect(page.locator('#step-discovery [data-finding-id="endpoint-overridden"]')).toHaveAttribute(
    'data-severity',
    'error',
  )
  const panel = await runCorsCheck(page)
  await expect(row(panel, 'token')).toHaveAttribute('data-verdict', 'unreachable')
  await expect(row(panel, 'token')).toContainText('http://127.0.0.1:9/token')
  await expect(row(panel, 'jwks')).toHaveAttribute('data-verdict', 'readable')
  await expect(panel.locator('[data-finding-id="endpoint-unreachable"]').first()).toBeVisible()
})

test('fault token-preflight-no-authorization + client_secret_basic: preflight failed', async ({ page, as, flow }) => {
  await flow.open({
    issuer: as.faultIssuer('token-preflight-no-authorization'),
    client_id: CLIENT_IDS.basic,
    scope: 'openid',
  })
  await page.getByLabel('Client authentication').selectOption('client_secret_basic')
  await page.getByLabel('Client secret').fill(CLIENT_SECRETS.basic)
  await flow.runTo('discovery', DISCOVERED)
  const panel = await runCorsCheck(page)
  await expect(row(panel, 'token')).toHaveAttribute('data-verdict', 'preflight-failed')
  await expect(row(panel, 'token').locator('[data-preflight]')).toHaveAttribute('data-preflight', 'failed')
  await expect(row(panel, 'token')).toContainText('Access-Control-Allow-Headers: authorization')
  await expect(panel.locator('[data-finding-id="cors-preflight-failed"]').first()).toContainText(/client_secret_basic/)
})

test('fault userinfo-www-authenticate-hidden: the challenge is reported as hidden', async ({ page, as, flow }) => {
  await flow.open({
    issuer: as.faultIssuer('userinfo-www-authenticate-hidden'),
    client_id: CLIENT_IDS.public,
    scope: 'openid',
  })
  await flow.runTo('discovery', DISCOVERED)
  const panel = await runCorsCheck(page)
  await expect(row(panel, 'userinfo')).toHaveAttribute('data-verdict', 'readable')
  await expect(row(panel, 'userinfo')).toContainText('Access-Control-Expose-Headers: WWW-Authenticate')
  await expect(panel.locator('[data-finding-id="www-authenticate-not-exposed"]')).toBeVisible()
})

test('fault token-redirect: the token row is redirected', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.faultIssuer('token-redirect'), client_id: CLIENT_IDS.public, scope: 'openid' })
  await flow.runTo('discovery', DISCOVERED)
  const panel = await runCorsCheck(page)
  await expect(row(panel, 'token')).toHaveAttribute('data-verdict', 'redirected')
  await expect(row(panel, 'jwks')).toHaveAttribute('data-verdict', 'readable')
})

test.describe('the CORS check on a phone-sized screen', () => {
  test.use({ viewport: { width: 360, height: 740 } })

  test('at 360 px each endpoint is a block that fits: no sideways scrolling, the verdict beside the name, each value labelled', async ({
    page,
    as,
    flow,
  }) => {
    await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
    await flow.runTo('discovery', DISCOVERED)
    const panel = await runCorsCheck(page)
    // Seven columns at a 46rem minimum width used to scroll sideways inside the results box.
    const box = panel.getByRole('region', { name: 'CORS check results' })
    const { scrollWidth, clientWidth } = await box.evaluate((b) => ({
      scrollWidth: b.scrollWidth,
      clientWidth: b.clientWidth,
    }))
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth + 1)
    const token = row(panel, 'token')
    const name = await token.getByRole('rowheader').boundingBox()
    const verdict = await page.getByTestId('cors-verdict-token').boundingBox()
    expect(Math.abs(name!.y - verdict!.y)).toBeLessThan(12)
    // The column headers are hidden on screen, so each value says what it is.
    const label = await token.locator('[data-preflight]').evaluate((td) => getComputedStyle(td, '::before').content)
    expect(label).toContain('Preflight')
  })
})
