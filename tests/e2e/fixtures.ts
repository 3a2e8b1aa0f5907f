import { test as base, expect, type Page } from '@playwright/test'

/** The demo authorization server started by playwright.config.ts (webServer). */
export const AS_BASE = `http://localhost:${process.env.E2E_AS_PORT ?? 9400}`
/** The playground (vite preview of the production build). */
export const APP_BASE = `http://localhost:${process.env.E2E_APP_PORT ?? 4173}`
/** The test MCP server (tests/servers/mcp-server.mjs), protected by AS_BASE. */
export const MCP_BASE = `http://localhost:${process.env.E2E_MCP_PORT ?? 9401}`

export interface AuthorizationServer {
  /** The compliant issuer, `http://localhost:9400` (no trailing slash). */
  issuer: string
  /** Issuer of a deliberately broken server, `http://localhost:9400/faults/<id>` (see tests/servers/faults.mjs). */
  faultIssuer(id: string): string
}

export interface McpTestServer {
  /** The compliant MCP endpoint, `http://localhost:9401/mcp` (its resource identifier). */
  url: string
  /** A deliberately broken variant, `http://localhost:9401/v/<variant>/mcp` (see VARIANTS in mcp-server.mjs). */
  variant(v: string): string
}

export const CLIENT_IDS = {
  public: 'pkce-playground',
  noCors: 'pkce-playground-nocors',
  basic: 'pkce-playground-basic',
  post: 'pkce-playground-post',
} as const

export const CLIENT_SECRETS = {
  basic: 'demo-secret-basic',
  post: 'demo-secret-post',
} as const

export const test = base.extend<{ as: AuthorizationServer; mcp: McpTestServer }>({
  // eslint-disable-next-line no-empty-pattern
  as: async ({}, use) => {
    await use({
      issuer: AS_BASE,
      faultIssuer: (id: string) => `${AS_BASE}/faults/${encodeURIComponent(id)}`,
    })
  },
  // eslint-disable-next-line no-empty-pattern
  mcp: async ({}, use) => {
    await use({
      url: `${MCP_BASE}/mcp`,
      variant: (v: string) => `${MCP_BASE}/v/${encodeURIComponent(v)}/mcp`,
    })
  },
})

export { expect }

const onAuthorizationServer = (url: URL): boolean => url.origin === new URL(AS_BASE).origin

/** Resolves when the first of the promises resolves; the others' later rejections are ignored. */
async function firstOf(...promises: Promise<unknown>[]): Promise<void> {
  await Promise.race(promises.map((p) => p.then(() => undefined)))
  for (const p of promises) p.catch(() => undefined)
}

/**
 * Call right after the playground navigated (or is about to navigate) to the authorization endpoint.
 * On oidc-provider's built-in (devInteractions) pages: signs in with any login/password, confirms the
 * consent page ("Continue"), and waits until the browser is back on the playground (any origin but the AS).
 * Each Playwright test has a fresh browser context, so both pages always show; if the AS already has a
 * session (login skipped) or a grant (consent skipped), the missing page is skipped.
 */
export async function loginAndConsent(page: Page, login = 'alice', password = 'any-password'): Promise<void> {
  const timeout = 15_000
  const loginInput = page.locator('input[name="login"]')
  const consentButton = page.locator('form:has(input[name="prompt"][value="consent"]) button[type="submit"]')
  const leftAs = (u: URL): boolean => !onAuthorizationServer(u)

  // Wait for the login page (or, with an existing session, the consent page). With an existing session
  // AND grant the server redirects straight back: the only sign is the callback URL on the playground.
  const isCallback = (u: URL): boolean =>
    !onAuthorizationServer(u) && /(?:^|[?&#])(?:code|error)=/.test(u.search + u.hash)
  // The playground strips the code from the address bar at once, so a callback that came back before
  // this wait started is recognised by the Callback step having run (its status leaves "pending").
  // Only for a first round trip: later ones (probes) start with the Callback step already done.
  const before = await page
    .getByTestId('status-callback')
    .textContent({ timeout: 1_000 })
    .catch(() => null)
  let formShown = false
  let handled = false
  const waits = [
    loginInput
      .or(consentButton)
      .first()
      .waitFor({ timeout })
      .then(() => {
        formShown = true
      }),
    page.waitForURL(isCallback, { timeout, waitUntil: 'commit' }),
  ]
  if (before === 'pending') {
    waits.push(
      page
        .locator('[data-testid="status-callback"]')
        .filter({ hasNotText: /^pending$/ })
        .waitFor({ timeout })
        .then(() => {
          handled = true
        }),
    )
  }
  await firstOf(...waits)
  if (handled) return
  if (!formShown && isCallback(new URL(page.url()))) return

  if (await loginInput.isVisible()) {
    await loginInput.fill(login)
    await page.locator('input[name="password"]').fill(password)
    await page.getByRole('button', { name: 'Sign-in' }).click()
    // Login and consent pages share the URL /interaction/<uid>: wait for the form to change, or for the
    // redirect back to the playground (existing grant).
    await firstOf(consentButton.waitFor({ timeout }), page.waitForURL(leftAs, { timeout }))
  }

  if (onAuthorizationServer(new URL(page.url())) && (await consentButton.isVisible())) {
    await consentButton.click()
  }
  await page.waitForURL(leftAs, { timeout, waitUntil: 'commit' })
}

/**
 * On oidc-provider's login page: clicks "[ Cancel ]". The server then redirects to the client's
 * redirect_uri with error=access_denied (and state, iss); waits until the browser is back on the playground.
 */
export async function cancelAtLogin(page: Page): Promise<void> {
  const timeout = 15_000
  await page.locator('input[name="login"]').waitFor({ timeout })
  await page.getByRole('link', { name: '[ Cancel ]' }).click()
  await page.waitForURL((u) => !onAuthorizationServer(u), { timeout, waitUntil: 'commit' })
}
