import { test as base, expect, type Locator, type Page } from '@playwright/test'

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
  par: 'pkce-playground-par',
  dpop: 'pkce-playground-dpop',
} as const

export const CLIENT_SECRETS = {
  basic: 'demo-secret-basic',
  post: 'demo-secret-post',
} as const

/** The steps `flow.runTo` drives the page to, in the order the flow reaches them. */
export const FLOW_STEPS = ['discovery', 'callback', 'token', 'tokens'] as const
export type FlowStep = (typeof FLOW_STEPS)[number]

/** What a status must read once it has settled: a text, a pattern, or null for whatever it settles on. */
export type Expected = string | RegExp | null

export interface RunOptions {
  /** The Discovery step's status once it has settled (default 'ok'). */
  discovery?: Expected
  /** How long Discovery may take to settle (default: expect's timeout). */
  discoveryTimeout?: number
  /**
   * The authorization round trip: true (default) signs in and consents on the AS's pages (loginAndConsent);
   * 'cancel' cancels at the login page (cancelAtLogin); false when the server redirects straight back.
   */
  login?: boolean | 'cancel'
  /** The Callback step's status once it has settled (default 'ok'). */
  callback?: Expected
  /** The token response's status line, testid token-status (default 'HTTP 200'); null: the step settled. */
  token?: Expected
  /** The Tokens step's status once it has settled (default: any). */
  tokens?: Expected
}

/**
 * Drives the real flow in the page: open the playground with a share link, then run it step by step.
 * `runTo` goes on from the last step it reached on this page (`open` starts over), so a test can stop
 * at one step, look or change something, and go on: `await flow.runTo('callback'); …; await flow.runTo('token')`.
 */
export interface Flow {
  /** Opens the playground with a share link (the fragment prefills the form) and waits until it is ready. */
  open(params: Record<string, string>): Promise<void>
  /**
   * Runs the flow up to `step`:
   * - 'discovery': presses Discover and waits until the Discovery status is no longer pending/running;
   * - 'callback': presses Start authorization, goes through the AS's pages (see `login`), and waits until
   *   the playground is back and the Callback status has settled;
   * - 'token': presses Exchange code and waits for the token response (token-status) and the step's status;
   * - 'tokens': waits until the Tokens step's status is no longer pending/running.
   * Each settled status is then checked against the options (defaults: ok, ok, HTTP 200, any).
   */
  runTo(step: FlowStep, options?: RunOptions): Promise<void>
}

const UNSETTLED = /^(pending|running)$/

/**
 * What the page shows, in a few lines, for a failure message: the address, whether the page is ready,
 * every step's status, the notices and alerts on screen, and whether the main buttons are enabled. CI keeps only the failed run's output (a
 * trace is recorded on the retry, which may pass), so a failure must say where the page stood.
 */
export async function describePage(page: Page): Promise<string> {
  try {
    return await page.evaluate(() => {
      const text = (el: Element) => (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 300)
      const statuses = [...document.querySelectorAll('[data-testid^="status-"]')].map(
        (el) => `${el.getAttribute('data-testid')?.slice('status-'.length)}=${text(el)}`,
      )
      const notices = [...document.querySelectorAll('.notice, [role="alert"], [role="status"]')]
        .map(text)
        .filter(Boolean)
      const buttons = [...document.querySelectorAll('button')]
        .filter((b) => ['Discover', 'Start authorization', 'Exchange code', 'Run to the end'].includes(text(b)))
        .map((b) => `${text(b)}${b.disabled ? ' (disabled)' : ''}`)
      return [
        `page: ${location.href.replace(/#.*/, '#…')} ready=${document.body.dataset.ready ?? 'no'}`,
        `steps: ${statuses.join(' ') || '(none)'}`,
        `notices: ${notices.join(' | ') || '(none)'}`,
        `buttons: ${buttons.join(', ') || '(none)'}`,
      ].join('\n')
    })
  } catch (err) {
    return `page state unavailable: ${(err as Error).message.split('\n')[0]}`
  }
}

/** Runs an assertion; if it fails, its error also says where the page stood (describePage). */
export async function withPageState(page: Page, assertion: () => Promise<void>): Promise<void> {
  try {
    await assertion()
  } catch (err) {
    if (err instanceof Error) err.message += `\n\nWhere the page stood:\n${await describePage(page)}`
    throw err
  }
}

/** Waits until a step's status (testid status-<step>) has settled, then checks it against `expected`. */
async function settled(page: Page, step: string, expected: Expected, timeout?: number): Promise<void> {
  const status = page.getByTestId(`status-${step}`)
  await withPageState(page, async () => {
    await expect(status).not.toHaveText(UNSETTLED, timeout === undefined ? {} : { timeout })
    if (expected !== null) await expect(status).toHaveText(expected)
  })
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

function flowIn(page: Page): Flow {
  /** How far runTo went on this page: an index into FLOW_STEPS, -1 before the first step. */
  let reached = -1
  const ready = () => expect(page.locator('body[data-ready="true"]')).toBeAttached()

  const run: Record<FlowStep, (o: RunOptions) => Promise<void>> = {
    async discovery(o) {
      await page.getByRole('button', { name: 'Discover' }).click()
      await settled(page, 'discovery', o.discovery === undefined ? 'ok' : o.discovery, o.discoveryTimeout)
    },
    async callback(o) {
      await page.getByRole('button', { name: 'Start authorization' }).click()
      const login = o.login ?? true
      if (login === 'cancel') await cancelAtLogin(page)
      else if (login) {
        // First round trip: the Callback step is "pending" until the playground handled the redirect.
        const done = page.getByTestId('status-callback').filter({ hasNotText: /^pending$/ })
        await loginAndConsent(page, { done })
      }
      await ready()
      await settled(page, 'callback', o.callback === undefined ? 'ok' : o.callback)
    },
    async token(o) {
      await page.getByRole('button', { name: 'Exchange code' }).click()
      const expected = o.token === undefined ? 'HTTP 200' : o.token
      if (expected !== null) {
        // Debug mode shows the token step's status line; Learn collapses the step once the tokens
        // step is in front, to a summary that starts with the same words.
        const source = typeof expected === 'string' ? escapeRegExp(expected) : expected.source
        const shown = page
          .getByTestId('token-status')
          .filter({ hasText: new RegExp(`^(?:${source})$`) })
          .or(page.getByTestId('summary-token').filter({ hasText: new RegExp(`^(?:${source})\\b`) }))
        await expect(shown).toBeVisible()
      }
      await settled(page, 'token', null)
    },
    async tokens(o) {
      await settled(page, 'tokens', o.tokens ?? null)
    },
  }

  return {
    async open(params) {
      await page.goto(`/#${new URLSearchParams(params).toString()}`)
      await ready()
      reached = -1
    },
    async runTo(step, options = {}) {
      const target = FLOW_STEPS.indexOf(step)
      if (target <= reached) throw new Error(`flow.runTo('${step}'): the flow is already at '${FLOW_STEPS[reached]}'`)
      for (let i = reached + 1; i <= target; i++) {
        await run[FLOW_STEPS[i]!](options)
        reached = i
      }
    },
  }
}

/**
 * The page's view mode (issue 13). The suites that inspect every panel run in Debug (everything
 * expanded, as a developer debugging would); `test.use({ viewMode: 'learn' })` runs as a newcomer
 * sees the page. Set before the page's own scripts, only when the tab has no mode yet, so that a
 * switch in the page (or a share link's mode=) still wins and survives the redirect.
 */
export type ViewMode = 'learn' | 'debug'

export const test = base.extend<{ as: AuthorizationServer; mcp: McpTestServer; flow: Flow; viewMode: ViewMode }>({
  viewMode: ['debug', { option: true }],
  page: async ({ page, viewMode }, use) => {
    await page.addInitScript((mode) => {
      try {
        if (!sessionStorage.getItem('pkce-playground:view-mode'))
          sessionStorage.setItem('pkce-playground:view-mode', mode)
      } catch {
        // about:blank and opaque origins have no sessionStorage
      }
    }, viewMode)
    await use(page)
  },
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
  flow: async ({ page }, use) => {
    await use(flowIn(page))
  },
})

export { expect }

export const onAuthorizationServer = (url: URL): boolean => url.origin === new URL(AS_BASE).origin

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
export async function loginAndConsent(
  page: Page,
  options: { login?: string; password?: string; done?: Locator } = {},
): Promise<void> {
  const { login = 'alice', password = 'any-password' } = options
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
  // Already at the authorization server: no playground page to read (do not wait for one).
  // The caller knows best: `done` is a locator that appears once the playground handled the callback
  // (read before the click that started the round trip, so no navigation races the read).
  const done = options.done
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
  if (done) {
    waits.push(
      done.waitFor({ timeout }).then(() => {
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
