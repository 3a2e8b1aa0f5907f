// After the token: refresh, UserInfo, introspection, revocation and a protected-resource call, driven
// from the "After the token" panel (section#step-after) against the compliant demo server.
//
// The demo AS (tests/servers/authorization-server.mjs) issues an OPAQUE access token when the
// authorization request has no `resource` (UserInfo accepts it), and a JWT access token for the
// resource when it has one (UserInfo refuses it: its audience is the API, not UserInfo). It issues a
// refresh token to the public client (whether or not offline_access survives) and rotates it on use.
import { test, expect, CLIENT_IDS, AS_BASE, APP_BASE, type Flow } from './fixtures'
import type { Locator, Page } from '@playwright/test'

const SCOPE = 'openid profile email offline_access'
const RESOURCE = `${AS_BASE}/api`

/**
 * Discover, Start authorization, log in, Exchange code (HTTP 200); returns the "After the token" panel.
 * These are the Bearer-token paths (dpop=off); the same tools with DPoP-bound tokens are in dpop-par.spec.ts.
 */
async function fullFlow(flow: Flow, page: Page, issuer: string, extra: Record<string, string> = {}) {
  await flow.open({ issuer, client_id: CLIENT_IDS.public, scope: SCOPE, dpop: 'off', ...extra })
  await flow.runTo('token')
  const after = page.locator('section#step-after')
  await expect(after.getByRole('button', { name: 'Refresh tokens' })).toBeEnabled()
  return after
}

/** The result block of one operation (div#after-<step>), once it has a final status. */
async function result(after: Locator, step: string): Promise<Locator> {
  const block = after.locator(`#after-${step}`)
  await expect(block).toBeVisible()
  await expect(block).not.toHaveAttribute('data-status', 'pending')
  return block
}

const finding = (scope: Locator, id: string) => scope.locator(`[data-finding-id="${id}"]`)

/** Waits until no side operation is running (the buttons are disabled while one is). */
async function idle(after: Locator) {
  await expect(after.getByRole('button', { name: 'Call UserInfo' })).toBeEnabled()
}

test("refresh: the public client's refresh token is rotated and the refreshed ID token keeps iss, sub, aud", async ({
  page,
  as,
  flow,
}) => {
  const after = await fullFlow(flow, page, as.issuer)
  await after.getByRole('button', { name: 'Refresh tokens' }).click()
  const refresh = await result(after, 'refresh')
  await expect(finding(refresh, 'refresh-token-rotated')).toBeVisible()
  await expect(finding(refresh, 'refresh-token-rotated')).toHaveAttribute('data-severity', 'info')
  await expect(finding(refresh, 'refresh-id-token-consistent')).toBeVisible()
  await expect(finding(refresh, 'refresh-id-token-claims-changed')).toHaveCount(0)
  await expect(finding(refresh, 'refresh-token-not-rotated')).toHaveCount(0)
  await expect(finding(refresh, 'refresh-rejected')).toHaveCount(0)
  await expect(refresh.locator('.exchange summary').first()).toContainText('200')
  await expect(refresh.locator('details.exchange pre').first()).toContainText('grant_type=refresh_token')
})

test('refresh twice: the second refresh sends the rotated refresh token and succeeds', async ({ page, as, flow }) => {
  // oidc-provider rotates the public client's refresh token and treats any later use of the old one as
  // a stolen token (invalid_grant, and it revokes the grant). The playground itself says "the client
  // must store it and drop the old one", so a second click on "Refresh tokens" must send the NEW one.
  const after = await fullFlow(flow, page, as.issuer)
  const isRefresh = (r: { url(): string; method(): string; postData(): string | null }) =>
    r.url() === `${as.issuer}/token` &&
    r.method() === 'POST' &&
    (r.postData() ?? '').includes('grant_type=refresh_token')
  const sent = (r: { postData(): string | null }) => new URLSearchParams(r.postData() ?? '').get('refresh_token')

  const first = page.waitForResponse((r) => isRefresh(r.request()))
  await after.getByRole('button', { name: 'Refresh tokens' }).click()
  const firstResponse = await first
  expect(firstResponse.status()).toBe(200)
  const rotated = (await firstResponse.json()).refresh_token as string
  expect(rotated).toBeTruthy()
  expect(rotated).not.toBe(sent(firstResponse.request()))
  await expect(finding(await result(after, 'refresh'), 'refresh-token-rotated')).toBeVisible()
  await idle(after)

  const second = page.waitForResponse((r) => isRefresh(r.request()))
  await after.getByRole('button', { name: 'Refresh tokens' }).click()
  const secondResponse = await second
  expect(sent(secondResponse.request()), 'the second refresh must send the rotated refresh token').toBe(rotated)
  expect(secondResponse.status()).toBe(200)
  await idle(after)
  const refresh = await result(after, 'refresh')
  await expect(finding(refresh, 'refresh-rejected')).toHaveCount(0)
  await expect(finding(refresh, 'refresh-token-rotated')).toBeVisible()
})

test('after a refresh, the tools use the current (rotated) refresh token: introspection says active', async ({
  page,
  as,
  flow,
}) => {
  // Same root cause as above: after a rotation the original refresh token is spent, so introspecting or
  // revoking "the refresh token" must mean the new one.
  const after = await fullFlow(flow, page, as.issuer)
  await after.getByRole('button', { name: 'Refresh tokens' }).click()
  await expect(finding(await result(after, 'refresh'), 'refresh-token-rotated')).toBeVisible()
  await idle(after)
  await after.getByRole('button', { name: 'Introspect refresh token' }).click()
  const intro = await result(after, 'introspection')
  await expect(finding(intro, 'introspection-active')).toBeVisible()
  await expect(finding(intro, 'introspection-inactive')).toHaveCount(0)
})

test('UserInfo with the opaque access token (no resource): 200, claims shown, sub compared with the ID token', async ({
  page,
  as,
  flow,
}) => {
  const after = await fullFlow(flow, page, as.issuer)
  await after.getByRole('button', { name: 'Call UserInfo' }).click()
  const ui = await result(after, 'userinfo')
  await expect(ui).toHaveAttribute('data-status', 'ok')
  await expect(ui.locator('.exchange summary').first()).toContainText('200')
  await expect(ui).toContainText('"sub"')
  await expect(ui).toContainText('alice')
  await expect(finding(ui, 'userinfo-sub-mismatch')).toHaveCount(0)
  await expect(finding(ui, 'userinfo-sub-not-compared')).toHaveCount(0)
  await expect(finding(ui, 'userinfo-token-rejected')).toHaveCount(0)
  await expect(ui.locator('details.exchange pre').first()).toContainText(/authorization: Bearer/i)
})

test('UserInfo with a JWT access token for an API (resource sent): refused, and the audience is explained', async ({
  page,
  as,
  flow,
}) => {
  const after = await fullFlow(flow, page, as.issuer, { resource: RESOURCE })
  await expect(page.locator('article[data-token="access_token"]')).toContainText('at+jwt')
  await after.getByRole('button', { name: 'Call UserInfo' }).click()
  const ui = await result(after, 'userinfo')
  const rejected = finding(ui, 'userinfo-token-rejected')
  await expect(rejected).toBeVisible()
  // An audience-restricted token refused by UserInfo is correct behaviour: info, explained.
  await expect(rejected).toHaveAttribute('data-severity', 'info')
  await expect(rejected).toContainText('401')
  await expect(rejected).toContainText('invalid_token')
  await expect(rejected).toContainText(RESOURCE)
  await expect(rejected).toContainText(/audience/i)
  await expect(rejected).toContainText(/without a resource/i)
  // oidc-provider exposes WWW-Authenticate: the challenge is readable, so no "not exposed" note.
  await expect(finding(ui, 'www-authenticate-not-exposed')).toHaveCount(0)
})

test('introspection and revocation of the refresh token: active, revoked, then inactive', async ({
  page,
  as,
  flow,
}) => {
  const after = await fullFlow(flow, page, as.issuer)
  await after.getByRole('button', { name: 'Introspect access token' }).click()
  let intro = await result(after, 'introspection')
  await expect(finding(intro, 'introspection-active')).toBeVisible()
  await idle(after)

  await after.getByRole('button', { name: 'Introspect refresh token' }).click()
  await expect(intro.locator('details.exchange pre').first()).toContainText('token_type_hint=refresh_token')
  intro = await result(after, 'introspection')
  await expect(finding(intro, 'introspection-active')).toBeVisible()
  await expect(intro).toContainText('"active": true')
  await expect(finding(intro, 'introspection-requires-client-auth')).toHaveCount(0)
  await idle(after)

  await after.getByRole('button', { name: 'Revoke refresh token' }).click()
  const revocation = await result(after, 'revocation')
  await expect(finding(revocation, 'revocation-ok')).toBeVisible()
  await expect(finding(revocation, 'revocation-ok')).toHaveAttribute('data-severity', 'info')
  await expect(revocation.locator('details.exchange pre').first()).toContainText('token_type_hint=refresh_token')
  await idle(after)

  await after.getByRole('button', { name: 'Introspect refresh token' }).click()
  await expect(finding(after.locator('#after-introspection'), 'introspection-inactive')).toBeVisible()
  await expect(finding(after.locator('#after-introspection'), 'introspection-active')).toHaveCount(0)
  await expect(after.locator('#after-introspection')).toContainText('"active": false')
})

test('revoking the access token: revocation-ok, then introspection says inactive', async ({ page, as, flow }) => {
  const after = await fullFlow(flow, page, as.issuer)
  await after.getByRole('button', { name: 'Revoke access token' }).click()
  const revocation = await result(after, 'revocation')
  await expect(finding(revocation, 'revocation-ok')).toBeVisible()
  await idle(after)
  await after.getByRole('button', { name: 'Introspect access token' }).click()
  await expect(finding(after.locator('#after-introspection'), 'introspection-inactive')).toBeVisible()
})

test('protected resource: the AS userinfo URL with a JWT access token → 401 with a readable Bearer challenge', async ({
  page,
  as,
  flow,
}) => {
  const after = await fullFlow(flow, page, as.issuer, { resource: RESOURCE })
  await after.getByRole('combobox', { name: 'Method' }).selectOption('GET')
  await after.getByRole('textbox', { name: 'Resource URL' }).fill(`${as.issuer}/me`)
  await after.getByRole('button', { name: 'Send request' }).click()
  const res = await result(after, 'resource')
  const challenge = finding(res, 'resource-challenge')
  await expect(challenge).toBeVisible()
  await expect(challenge).toContainText('401')
  await expect(challenge).toContainText('invalid_token')
  await expect(finding(res, 'www-authenticate-not-exposed')).toHaveCount(0)
  const request = res.locator('details.exchange pre').first()
  await expect(request).toContainText(`GET ${as.issuer}/me`)
  await expect(request).toContainText(/authorization: Bearer \S+/i)
  await expect(request).toContainText(`origin: ${APP_BASE}`)
})

test('protected resource: the AS userinfo URL with the opaque access token → 200, no challenge', async ({
  page,
  as,
  flow,
}) => {
  const after = await fullFlow(flow, page, as.issuer)
  await after.getByRole('textbox', { name: 'Resource URL' }).fill(`${as.issuer}/me`)
  await after.getByRole('button', { name: 'Send request' }).click()
  const res = await result(after, 'resource')
  await expect(res.locator('.exchange summary').first()).toContainText('200')
  await expect(finding(res, 'resource-challenge')).toHaveCount(0)
  await expect(res.locator('details.exchange pre').first()).toContainText(/authorization: Bearer \S+/i)
})

test('protected resource: a 401 whose WWW-Authenticate is not exposed to the page is reported', async ({
  page,
  as,
  flow,
}) => {
  // Fault X07: userinfo answers 401 with WWW-Authenticate but no Access-Control-Expose-Headers.
  const after = await fullFlow(flow, page, as.faultIssuer('userinfo-www-authenticate-hidden'), {
    resource: `${as.faultIssuer('userinfo-www-authenticate-hidden')}/api`,
  })
  await after
    .getByRole('textbox', { name: 'Resource URL' })
    .fill(`${as.faultIssuer('userinfo-www-authenticate-hidden')}/me`)
  await after.getByRole('button', { name: 'Send request' }).click()
  const res = await result(after, 'resource')
  await expect(finding(res, 'www-authenticate-not-exposed')).toBeVisible()
  await expect(finding(res, 'resource-challenge')).toHaveCount(0)
})
