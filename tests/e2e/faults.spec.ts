/**
 * One test per fault case (tests/e2e/fault-cases.ts): the real flow against a fault issuer of the
 * demo authorization server, as far as the case says, then the expected findings (id and severity),
 * the verdict, and that the page stayed usable (no uncaught exception, no blank step panel, Reset
 * works).
 *
 *   npx vite build --outDir dist-faults && E2E_AS_PORT=9420 E2E_APP_PORT=4193 E2E_DIST=dist-faults \
 *     npx playwright test tests/e2e/faults.spec.ts --workers=2
 */
import type { Page } from '@playwright/test'
import { test, expect, loginAndConsent, withPageState, CLIENT_IDS, CLIENT_SECRETS, AS_BASE, APP_BASE } from './fixtures'
import { CASES, type FaultCase } from './fault-cases'

const RESOURCE = `${AS_BASE}/api`
const SETTLED = /^(ok|warning|error|skipped)$/

function shareParams(c: FaultCase, issuer: string): Record<string, string> {
  const client = c.client ?? 'public'
  const params: Record<string, string> = {
    issuer,
    client_id: CLIENT_IDS[client],
    scope: c.scope ?? 'openid profile email',
  }
  if (c.resource) params.resource = RESOURCE
  if (client === 'basic') params.client_auth = 'client_secret_basic'
  if (client === 'post') params.client_auth = 'client_secret_post'
  // The cases test one fault each on the bare PKCE path: DPoP (on by default against a server that
  // advertises it, as every oidc-provider does) only where the case asks for it.
  params.dpop = c.dpop ?? 'off'
  if (c.par) params.par = c.par
  if (c.action === 'callback-on-other-origin') {
    params.redirect_uri = `${APP_BASE.replace('://localhost', '://127.0.0.1')}/`
  }
  return params
}

/** Waits until no step shows "running". */
async function settle(page: Page): Promise<void> {
  await withPageState(page, () =>
    expect(page.locator('[data-testid^="status-"]', { hasText: /^running$/ })).toHaveCount(0, { timeout: 15_000 }),
  )
}

/** Every finding on the page, as "step:id/severity", for failure messages. */
async function shownFindings(page: Page): Promise<string> {
  const all = await page.locator('[data-finding-id]').evaluateAll((els) =>
    els.map((el) => {
      const step = el.closest('section.step-panel')?.id.replace(/^step-/, '') ?? 'summary'
      return `${step}:${el.getAttribute('data-finding-id')}/${el.getAttribute('data-severity')}`
    }),
  )
  return [...new Set(all)].join(', ') || '(none)'
}

/**
 * After "Start authorization": logs in and consents when the server shows its login page; some faults
 * redirect back at once (error responses), and the playground strips the response from the address
 * bar immediately, so "back on the playground with the callback step settled" is checked too.
 */
async function loginIfAsked(page: Page): Promise<void> {
  const asOrigin = new URL(AS_BASE).origin
  const login = page.locator('input[name="login"]')
  let where = 'waiting'
  await expect
    .poll(
      async () => {
        if (await login.isVisible().catch(() => false)) return (where = 'login')
        if (new URL(page.url()).origin !== asOrigin) {
          const status = await page
            .getByTestId('status-callback')
            .textContent({ timeout: 500 })
            .catch(() => null)
          if (status && SETTLED.test(status.trim())) return (where = 'back')
        }
        return 'waiting'
      },
      { timeout: 20_000, message: 'neither the login page nor the playground callback appeared' },
    )
    .not.toBe('waiting')
  if (where === 'login') await loginAndConsent(page)
}

async function drive(page: Page, c: FaultCase, issuer: string): Promise<void> {
  await page.goto(`/#${new URLSearchParams(shareParams(c, issuer)).toString()}`)
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  const client = c.client ?? 'public'
  if (client === 'basic' || client === 'post') {
    await page.locator('#cfg-secret').fill(CLIENT_SECRETS[client])
  }
  if (c.extraParams?.length) {
    // Open unless a link setting (dpop, par) has opened it already.
    const toggle = page.getByRole('button', { name: /^(More|Fewer) options/ })
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click()
    for (const [i, [name, value]] of c.extraParams.entries()) {
      await page.getByRole('button', { name: 'Add parameter' }).click()
      await page.getByLabel(`Extra parameter ${i + 1} name`).fill(name)
      await page.getByLabel(`Extra parameter ${i + 1} value`).fill(value)
    }
  }
  await page.getByRole('button', { name: 'Discover' }).click()
  await withPageState(page, () => expect(page.getByTestId('status-discovery')).toHaveText(SETTLED, { timeout: 15_000 }))
  await settle(page)
  const split = page.getByTestId('link-split')
  if (c.split) {
    await expect(split, 'the login and the token endpoint are on two origins').toBeVisible()
    await split.getByRole('button', { name: /^Log in at / }).click()
    await expect(split).toHaveCount(0)
  } else {
    await expect(split).toHaveCount(0)
  }
  if (c.stopAt === 'discovery' || c.stopAt === 'authorization') return

  if (c.stopAt === 'cors') {
    await page.locator('section#step-cors').getByRole('button', { name: 'Run CORS check' }).click()
    await expect(page.getByTestId('status-cors')).toHaveText(SETTLED, { timeout: 30_000 })
    await settle(page)
    return
  }

  let callbackUrl = ''
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame() && /[?&#](code|error|response)=/.test(f.url()) && !f.url().startsWith(AS_BASE)) {
      callbackUrl = f.url()
    }
  })
  await page.getByRole('button', { name: 'Start authorization' }).click()
  await loginIfAsked(page)
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await settle(page)
  if (c.stopAt === 'callback') return

  if (c.action === 'edit-verifier') {
    const field = page.getByRole('textbox', { name: 'code_verifier to send' })
    await field.fill('x'.repeat(50))
    await expect(page.getByTestId('token-request')).toContainText(`code_verifier=${'x'.repeat(50)}`)
  }
  const exchange = page.getByRole('button', { name: 'Exchange code' })
  await expect(exchange, 'the callback must have validated, so that the code can be exchanged').toBeEnabled()
  await exchange.click()
  await expect(page.getByTestId('token-status')).toBeVisible({ timeout: 15_000 })
  await settle(page)
  if (c.stopAt === 'tokens') {
    await expect(page.getByTestId('status-tokens')).toHaveText(SETTLED, { timeout: 15_000 })
    await settle(page)
  }

  if (c.action === 'replay-callback') {
    expect(callbackUrl, 'the callback URL was seen').toContain('code=')
    await page.goto(callbackUrl)
    await expect(page.locator('body[data-ready="true"]')).toBeAttached()
    await settle(page)
  }
}

test.describe.configure({ mode: 'parallel' })

for (const c of CASES) {
  const ids =
    c.expect.map((e) => `${e.id}/${e.severity}`).join(', ') ||
    `no problem${c.absent ? ` (not ${c.absent.join(', ')})` : ''}`
  test(`${c.csv} ${c.fault}: ${ids}${c.verdict ? ` → ${c.verdict}` : ''}`, async ({ page, as }) => {
    test.setTimeout(90_000)
    const pageErrors: string[] = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    const problems: string[] = []

    await drive(page, c, as.faultIssuer(c.fault))

    // 1. The expected findings, with their severity, in their step.
    for (const e of c.expect) {
      const scope = e.step ? page.locator(`section#step-${e.step}`) : page.locator('main')
      const finding = scope.locator(`[data-finding-id="${e.id}"][data-severity="${e.severity}"]`)
      const where = e.step ? ` in step ${e.step}` : ''
      try {
        await expect(finding.first()).toBeVisible({ timeout: 5_000 })
        if (e.text) {
          const texts = await finding.allInnerTexts()
          if (!texts.some((t) => e.text?.test(t))) problems.push(`finding ${e.id}${where} does not contain ${e.text}`)
        }
      } catch {
        problems.push(`missing finding ${e.id}/${e.severity}${where}`)
      }
    }
    for (const id of c.absent ?? []) {
      const n = await page.locator(`[data-finding-id="${id}"]`).count()
      if (n > 0) problems.push(`finding ${id} must not appear`)
    }

    // 2. The verdict.
    if (c.verdict) {
      const verdict = page.getByTestId('verdict')
      try {
        await expect(verdict).toHaveAttribute('data-scenario', c.verdict, { timeout: 5_000 })
      } catch {
        const count = await verdict.count()
        const actual = count
          ? await verdict.first().getAttribute('data-scenario')
          : '(no [data-testid="verdict"] element)'
        problems.push(`verdict ${actual}, expected ${c.verdict}`)
      }
    }

    // 3. Server-supplied markup never ran.
    if (c.xss) {
      const pwned = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)
      if (pwned !== undefined) problems.push('server-supplied script ran in the page')
      if (new URL(page.url()).protocol === 'javascript:') problems.push('navigated to a javascript: URL')
    }

    // 4. The page stayed usable: no uncaught exception, no blank step panel.
    const panels = await page
      .locator('section.step-panel')
      .evaluateAll((els) => els.map((el) => ({ id: el.id, text: (el as HTMLElement).innerText.trim() })))
    if (panels.length === 0) problems.push('no step panel rendered')
    for (const p of panels) if (!p.text) problems.push(`blank panel ${p.id}`)
    if (pageErrors.length) problems.push(`uncaught exceptions: ${pageErrors.join(' | ')}`)

    const shown = problems.length ? await shownFindings(page) : ''

    // 5. Reset still works.
    await page.getByRole('button', { name: 'Reset', exact: true }).click()
    try {
      await expect(page.locator('section#step-configure')).toBeVisible()
      await expect(page.getByTestId('status-configure')).toHaveText('pending')
    } catch {
      problems.push('Reset did not bring back the Configure step (status-configure pending)')
    }
    if (pageErrors.length && !problems.some((p) => p.startsWith('uncaught'))) {
      problems.push(`uncaught exceptions: ${pageErrors.join(' | ')}`)
    }

    expect(problems, `${c.csv} ${c.fault}${shown ? ` — findings shown: ${shown}` : ''}`).toEqual([])
  })
}
