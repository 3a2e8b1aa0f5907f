// A newcomer's first run (issue 13), in the default Learn mode: from the first view to the verdict,
// pressing only the one primary button each step shows (and logging in at the server). On the way the
// page keeps one step in front, the rail tells the truth, and the console stays clean.
import { test, expect, loginAndConsent, CLIENT_IDS, onAuthorizationServer } from './fixtures'

test.use({ viewMode: 'learn' })

test('from the first view to the verdict with only the primary button of each step', async ({ page, as, flow }) => {
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' && !onAuthorizationServer(new URL(page.url()))) consoleErrors.push(m.text())
  })
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid profile' })
  await expect(page.getByRole('radio', { name: 'Learn' })).toBeChecked()
  // One step in front: Configure, with Discover (the next button) open below it; the rest collapsed.
  await expect(page.locator('section.step-panel[data-open="true"]')).toHaveCount(2)
  await expect(page.getByTestId('summary-tokens')).toHaveText('Not run yet.')

  const primary = page.locator('button.primary:visible')
  const pressed: string[] = []
  // The verdict of a finished run (before it, the diagnosis says "not finished").
  const finished = async () =>
    !['incomplete', null].includes(
      await page
        .locator('[data-testid="verdict"]')
        .getAttribute('data-scenario', { timeout: 1_000 })
        .catch(() => null),
    )
  for (let i = 0; i < 6 && !(await finished()); i++) {
    await expect(primary).toHaveCount(1)
    await expect(primary).toBeEnabled()
    const name = (await primary.textContent())?.trim() ?? ''
    pressed.push(name)
    await primary.click()
    if (name === 'Start authorization') {
      await loginAndConsent(page, { done: page.getByTestId('status-callback').filter({ hasNotText: /^pending$/ }) })
      await expect(page.locator('body[data-ready="true"]')).toBeAttached()
    } else {
      await expect(page.locator('.badge[data-testid^="status-"]').filter({ hasText: 'running' })).toHaveCount(0)
    }
    if (name === 'Discover') {
      // The request is built but nobody logged in yet: the rail says "ready", not "ok".
      await expect(page.locator('nav.rail li', { hasText: 'Authorize' }).locator('.rail-status')).toHaveText('ready')
      // Finished steps collapse to one line that says what happened.
      await expect(page.getByTestId('summary-discovery')).toContainText(`Discovered ${as.issuer} — S256`)
    }
  }
  expect(pressed).toEqual(['Discover', 'Start authorization', 'Exchange code'])
  // The verdict leads the page.
  const verdict = page.getByTestId('verdict')
  await expect(verdict).toHaveAttribute('data-scenario', 'C')
  const verdictTop = await verdict.evaluate((el) => el.getBoundingClientRect().top + window.scrollY)
  const configureTop = await page
    .locator('#step-configure')
    .evaluate((el) => el.getBoundingClientRect().top + window.scrollY)
  expect(verdictTop).toBeLessThan(configureTop)
  // Every step can be reopened with one click, and closed again.
  const discovery = page.locator('#step-discovery')
  await discovery.getByRole('button', { name: 'Show details of step 2' }).click()
  await expect(discovery).toHaveAttribute('data-open', 'true')
  await expect(discovery.locator('[data-finding-id]').first()).toBeAttached()
  expect(consoleErrors).toEqual([])
})

test('the mode survives the redirect, and Expand all opens every step', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await page.getByRole('radio', { name: 'Debug' }).check()
  await expect(page.locator('section.step-panel[data-open="false"]')).toHaveCount(0)
  await flow.runTo('callback')
  await expect(page.getByRole('radio', { name: 'Debug' })).toBeChecked()
  await page.getByRole('radio', { name: 'Learn' }).check()
  await expect(page.locator('#step-configure')).toHaveAttribute('data-open', 'false')
  await page.getByRole('button', { name: 'Expand all' }).click()
  await expect(page.locator('section.step-panel[data-open="false"]')).toHaveCount(0)
})

test('Debug shows every step, yet only the next action is the primary button', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await page.getByRole('radio', { name: 'Debug' }).check()
  const primary = page.locator('button.primary:visible')
  await expect(primary).toHaveText('Discover')
  await page.getByRole('button', { name: 'Discover', exact: true }).click()
  await expect(page.getByTestId('status-authorization')).toHaveText(/ok|warning/)
  // Every panel is open, with Discover, Start authorization and Exchange code all visible; one leads.
  await expect(page.getByRole('button', { name: 'Exchange code' })).toBeVisible()
  await expect(primary).toHaveCount(1)
  await expect(primary).toHaveText('Start authorization')
})

test('a link to a step opens it; a term opens its definition in place; the glossary opens from its link', async ({
  page,
  as,
}) => {
  await page.goto(`/#${new URLSearchParams({ issuer: as.issuer, client_id: CLIENT_IDS.public })}`)
  await expect(page.locator('#step-pkce')).toHaveAttribute('data-open', 'false')
  // A deep link (#step-<id>) opens that step, on load and later.
  await page.goto('/#step-pkce')
  await expect(page.locator('#step-pkce')).toHaveAttribute('data-open', 'true')
  await page.evaluate(() => (location.hash = '#step-tokens'))
  await expect(page.locator('#step-tokens')).toHaveAttribute('data-open', 'true')
  // A term in a step's text: its definition opens right there, and closes again.
  const pkce = page.locator('#step-pkce')
  const term = pkce.locator('button.term').first()
  await expect(term).toHaveAttribute('aria-expanded', 'false')
  await term.click()
  await expect(term).toHaveAttribute('aria-expanded', 'true')
  const definition = pkce.getByRole('complementary', { name: /^Definition: / })
  await expect(definition).toContainText('RFC')
  // From there, the whole glossary (collapsed until asked) opens at that term.
  await expect(page.getByTestId('open-glossary')).toBeVisible()
  await expect(page.locator('dt[id^="term-"]')).toHaveCount(0)
  await definition.getByRole('link', { name: 'Open the glossary' }).click()
  await expect(page.getByTestId('open-glossary')).toHaveCount(0)
  await expect(page.locator(`dt${new URL(page.url()).hash}`)).toBeInViewport()
  await pkce.getByRole('button', { name: 'Close the definition' }).click()
  await expect(definition).toHaveCount(0)
  // A collapsed side panel opens from a link to it too.
  await expect(page.getByTestId('open-probes')).toBeVisible()
  await page.evaluate(() => (location.hash = '#step-probes'))
  await expect(page.getByTestId('open-probes')).toHaveCount(0)
})
