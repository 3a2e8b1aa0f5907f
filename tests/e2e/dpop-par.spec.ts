// DPoP (RFC 9449) and PAR (RFC 9126) from the browser (issue 14), against the demo oidc-provider: its
// pkce-playground-dpop client gets DPoP-bound tokens and must carry a server nonce; its
// pkce-playground-par client must push its authorization requests. The fault cases (one per check)
// are in fault-cases.ts (DP01–DP05, PR01–PR03).
import { test, expect, CLIENT_IDS, AS_BASE } from './fixtures'
import type { Locator } from '@playwright/test'
import { readFile } from 'node:fs/promises'
import AxeBuilder from '@axe-core/playwright'

/** axe (WCAG 2.x A/AA) on the DPoP and PAR parts of the page, every disclosure open; serious or critical fail. */
async function axeClean(page: import('@playwright/test').Page, where: string) {
  await page.locator('details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)))
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    where,
  ).toEqual([])
}

const SCOPE = 'openid profile email offline_access'
const finding = (scope: Locator, id: string) => scope.locator(`[data-finding-id="${id}"]`)

test('DPoP: a key made in the page, the nonce round trip shown as two exchanges, bound tokens, a refresh and UserInfo with proofs', async ({
  page,
  as,
  flow,
}) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.dpop, scope: SCOPE, resource: `${AS_BASE}/api` })
  await flow.runTo('callback')
  const token = page.locator('#step-token')
  // Before anything is sent: the key (thumbprint) and the proof the request will carry, decoded.
  const thumbprint = (await page.getByTestId('dpop-thumbprint').textContent())?.trim() ?? ''
  expect(thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/)
  const preview = token.getByTestId('dpop-proof').first()
  await expect(preview.locator('[data-proof-member="typ"]')).toContainText('dpop+jwt')
  await expect(preview.locator('[data-proof-check="htu"]')).toHaveAttribute('data-ok', 'true')
  await expect(token.getByTestId('token-request')).toContainText('[signature removed]')
  await flow.runTo('token')
  // use_dpop_nonce, then the retry with the server's nonce: both recorded, the round trip a note.
  await expect(finding(token, 'dpop-nonce-required')).toHaveAttribute('data-severity', 'info')
  const exchanges = token.locator('details.exchange')
  await expect(exchanges).toHaveCount(2)
  await expect(exchanges.nth(0).locator('summary')).toContainText('400')
  await expect(exchanges.nth(1).locator('summary')).toContainText('200')
  await expect(exchanges.nth(1).locator('summary')).toContainText('retried once with the DPoP nonce')
  await exchanges.nth(1).locator('summary').click()
  await expect(exchanges.nth(1).locator('[data-proof-member="nonce"] td').first()).not.toHaveText('—')
  await expect(token.getByRole('region', { name: 'Token response' })).toContainText('"token_type": "DPoP"')
  // The JWT access token is bound to this page's key: cnf.jkt equals the thumbprint shown.
  for (const id of ['dpop-not-honoured', 'dpop-jkt-mismatch', 'dpop-jkt-missing', 'dpop-nonce-not-exposed'])
    await expect(page.locator(`[data-finding-id="${id}"]`)).toHaveCount(0)
  await flow.runTo('tokens')
  await expect(page.locator('#step-tokens')).toContainText(thumbprint)
  // The report keeps every proof's header and claims, never a signature (nor the key's private part).
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download report' }).click(),
  ])
  const report = await readFile(await download.path(), 'utf8')
  const proofs = [...report.matchAll(/"dpop",\s*"([^"]+)"/g)].map((m) => m[1] ?? '')
  expect(proofs.length).toBeGreaterThanOrEqual(2)
  for (const proof of proofs) expect(proof).toMatch(/^[\w-]+\.[\w-]+\.\[signature removed\]$/)
  expect(report).not.toMatch(/"d"\s*:/)
  expect(report).toContain(thumbprint)

  // Refresh and UserInfo send the bound tokens with fresh proofs (UserInfo's carries ath).
  const after = page.locator('section#step-after')
  await after.getByRole('button', { name: 'Refresh tokens' }).click()
  const refresh = after.locator('#after-refresh')
  await expect(refresh).toHaveAttribute('data-status', /ok|warning/)
  await expect(finding(refresh, 'refresh-rejected')).toHaveCount(0)
  const notRotated = finding(refresh, 'refresh-token-not-rotated')
  if (await notRotated.count()) await expect(notRotated).toHaveAttribute('data-severity', 'info')
  await expect(refresh.locator('details.exchange pre').first()).toContainText('dpop: ')
  await expect(refresh.locator('details.exchange pre').first()).toContainText('grant_type=refresh_token')
})

test('DPoP: UserInfo with a bound token sends Authorization: DPoP and a proof whose ath matches; a reload loses the key and says so', async ({
  page,
  as,
  flow,
}) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.dpop, scope: SCOPE })
  await flow.runTo('token')
  const after = page.locator('section#step-after')
  await after.getByRole('button', { name: 'Call UserInfo' }).click()
  const ui = after.locator('#after-userinfo')
  await expect(ui).toHaveAttribute('data-status', 'ok')
  const last = ui.locator('details.exchange').last()
  await expect(last.locator('pre').first()).toContainText(/authorization: DPoP /i)
  await last.locator('summary').click()
  await expect(last.locator('[data-proof-check="ath"]')).toHaveAttribute('data-ok', 'true')
  await expect(last.locator('[data-proof-check="htm"]')).toHaveAttribute('data-ok', 'true')
  // The key is never stored: after a reload the tokens cannot be used, and the page says why.
  await page.reload()
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('dpop-key')).toContainText('the key they are bound to is gone')
  await page.locator('section#step-after').getByRole('button', { name: 'Call UserInfo' }).click()
  await expect(page.locator('.notice').filter({ hasText: 'DPoP-bound to a key' }).first()).toBeVisible()
})

test('PAR: the request is pushed, the redirect carries only client_id and request_uri, and the flow ends verified', async ({
  page,
  as,
  flow,
}) => {
  // The demo server requires PAR of this client only (not in its metadata), so the page is told to push.
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.par, scope: SCOPE, dpop: 'off', par: 'on' })
  await flow.runTo('discovery')
  const authorize = page.locator('#step-authorization')
  const par = authorize.getByTestId('par')
  await expect(par).toContainText('Pushed authorization request')
  const url = new URL((await authorize.getByTestId('authorization-url').textContent())?.trim() ?? '')
  expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri'])
  expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/)
  // The pushed form body carries the PKCE challenge; the exchange is recorded in the Authorize step.
  await expect(authorize.locator('table.params')).toContainText('code_challenge')
  const pushed = authorize.locator('details.exchange')
  await expect(pushed).toHaveCount(1)
  await expect(pushed.locator('summary')).toContainText('201')
  await expect(pushed.locator('pre').first()).toContainText('code_challenge_method=S256')
  await flow.runTo('callback')
  await flow.runTo('token')
  await flow.runTo('tokens', { tokens: 'ok' })
  await expect(page.locator('[data-finding-id="par-required"]')).toHaveCount(0)
})

test('PAR and DPoP together: pushed request, then the nonce round trip and DPoP-bound tokens', async ({
  page,
  as,
  flow,
}) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.dpop, scope: 'openid', par: 'on' })
  await flow.runTo('discovery')
  await expect(page.locator('#step-authorization').getByTestId('par')).toBeVisible()
  // The rail says what this run adds to the flow.
  await expect(page.getByTestId('rail-extra-authorization')).toHaveText('PAR')
  await page.getByRole('button', { name: 'Expand all' }).click()
  await axeClean(page, 'the pushed request')
  await flow.runTo('callback')
  await flow.runTo('token')
  await expect(finding(page.locator('#step-token'), 'dpop-nonce-required')).toBeVisible()
  await expect(page.getByTestId('rail-extra-token')).toHaveText('DPoP')
  await expect(page.locator('#step-token').getByRole('region', { name: 'Token response' })).toContainText(
    '"token_type": "DPoP"',
  )
  await flow.runTo('tokens', { tokens: 'ok' })
  await expect(page.getByTestId('verdict')).toHaveAttribute('data-scenario', 'C')
  await expect(page.getByTestId('dpop-proof').first()).toBeVisible()
  await axeClean(page, 'the DPoP key, proofs and bound tokens')
  // At 360 px nothing of it widens the page.
  await page.setViewportSize({ width: 360, height: 740 })
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(361)
})

test('DPoP: a resource (UserInfo) that refuses the proof with WWW-Authenticate: DPoP is explained', async ({
  page,
  as,
  flow,
}) => {
  await flow.open({ issuer: as.faultIssuer('userinfo-dpop-invalid-proof'), client_id: CLIENT_IDS.public, scope: SCOPE })
  await flow.runTo('token')
  const after = page.locator('section#step-after')
  await after.getByRole('button', { name: 'Call UserInfo' }).click()
  const ui = after.locator('#after-userinfo')
  await expect(ui).toHaveAttribute('data-status', 'error')
  const f = finding(ui, 'dpop-resource-error')
  await expect(f).toHaveAttribute('data-severity', 'error')
  await expect(f).toContainText('invalid_dpop_proof')
  await expect(page.getByTestId('verdict')).not.toHaveAttribute('data-scenario', 'C')
})
