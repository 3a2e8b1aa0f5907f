// Server probes (section#step-probes): each probe against the compliant demo issuer (the server refuses:
// an info finding, row outcome "passed") and against a fault issuer that makes the server non-compliant
// in exactly that respect (an error/warning finding, row outcome "failed"). Faults: tests/servers/faults.mjs.
//
// A probe runs its own authorization round trip. The main flow runs first (Discover → metadata; login →
// a session and a remembered consent at the AS), so the probe's round trip comes straight back.
import { test, expect, loginAndConsent, CLIENT_IDS, type Flow } from './fixtures'
import type { Locator, Page } from '@playwright/test'

const TITLES = {
  'wrong-verifier': 'Wrong code_verifier',
  'missing-verifier': 'Missing code_verifier (PKCE downgrade at the token endpoint)',
  'verifier-without-challenge': 'code_verifier without code_challenge (RFC 9700 downgrade)',
  'code-replay': 'Replayed authorization code',
  'redirect-uri-mismatch': 'Different redirect_uri at the token endpoint',
  'plain-refused': 'code_challenge_method=plain',
  'par-without-pkce': 'Pushed request without code_challenge (PAR)',
} as const
type ProbeId = keyof typeof TITLES

/** Discover, Start authorization, log in, Exchange code (HTTP 200). */
async function mainFlow(flow: Flow, issuer: string) {
  await flow.open({ issuer, client_id: CLIENT_IDS.public, scope: 'openid profile offline_access' })
  await flow.runTo('token')
}

/** Opts in (the checkbox is not remembered across the round trip), returns the probes section. */
async function optIn(page: Page): Promise<Locator> {
  const section = page.locator('section#step-probes')
  const box = section.getByRole('checkbox', {
    name: 'I want to run server probes (they use extra authorization codes)',
  })
  await box.check()
  await expect(section.locator('tr[data-probe]')).toHaveCount(Object.keys(TITLES).length)
  // Each Run label on one line (the cells' overflow-wrap once broke it into R / u / n).
  const heights = await section
    .getByRole('button', { name: /^Run probe:/ })
    .evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect().height))
  expect(Math.max(...heights)).toBeLessThan(45)
  return section
}

/** Runs one probe: click, the authorization round trip, back on the playground; returns its table row. */
async function runProbe(page: Page, id: ProbeId): Promise<{ section: Locator; row: Locator }> {
  let section = await optIn(page)
  const row = section.locator(`tr[data-probe="${id}"]`)
  await expect(row).toHaveAttribute('data-outcome', 'not-run')
  // With the session and the consent of the main flow the AS redirects straight back, and the playground
  // strips the code from the address bar at once: loginAndConsent, started after the click, can miss
  // that callback. So the wait for it starts before the click; loginAndConsent handles any page shown.
  const appOrigin = new URL(page.url()).origin
  const back = page.waitForURL((u) => u.origin === appOrigin && /(?:^|[?&])(?:code|error)=/.test(u.search), {
    timeout: 20_000,
    waitUntil: 'commit',
  })
  await section.getByRole('button', { name: `Run probe: ${TITLES[id]}`, exact: true }).click()
  const pages = loginAndConsent(page)
  await Promise.race([back, pages])
  back.catch(() => undefined)
  pages.catch(() => undefined)
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  // The code must not stay in the address bar after a probe's round trip either.
  await expect.poll(() => page.url()).not.toContain('code=')
  section = await optIn(page)
  const done = section.locator(`tr[data-probe="${id}"]`)
  await expect(done).not.toHaveAttribute('data-outcome', 'not-run', { timeout: 15_000 })
  return { section, row: done }
}

const finding = (scope: Locator, id: string) => scope.locator(`[data-finding-id="${id}"]`)

/** The probe's finding is shown with this severity, and the probe found nothing else alarming. */
async function expectFinding(section: Locator, id: string, severity: 'info' | 'warning' | 'error') {
  await expect(finding(section, id)).toBeVisible()
  await expect(finding(section, id)).toHaveAttribute('data-severity', severity)
  await expect(finding(section, 'probe-inconclusive')).toHaveCount(0)
}

test.describe('against the compliant server: every probe passes', () => {
  test('wrong code_verifier → rejected (pkce-enforced)', async ({ page, as, flow }) => {
    await mainFlow(flow, as.issuer)
    const { section, row } = await runProbe(page, 'wrong-verifier')
    await expect(row).toHaveAttribute('data-outcome', 'passed')
    await expectFinding(section, 'pkce-enforced', 'info')
    await expect(finding(section, 'pkce-enforced')).toContainText('invalid_grant')
    await expect(finding(section, 'pkce-not-enforced')).toHaveCount(0)
  })

  test('missing code_verifier → rejected (pkce-downgrade-rejected)', async ({ page, as, flow }) => {
    await mainFlow(flow, as.issuer)
    const { section, row } = await runProbe(page, 'missing-verifier')
    await expect(row).toHaveAttribute('data-outcome', 'passed')
    await expectFinding(section, 'pkce-downgrade-rejected', 'info')
    await expect(finding(section, 'pkce-downgrade-accepted')).toHaveCount(0)
  })

  test('code_verifier without code_challenge → the public client must use PKCE (pkce-required)', async ({
    page,
    as,
    flow,
  }) => {
    await mainFlow(flow, as.issuer)
    const { section, row } = await runProbe(page, 'verifier-without-challenge')
    await expect(row).toHaveAttribute('data-outcome', 'passed')
    await expectFinding(section, 'pkce-required', 'info')
    await expect(finding(section, 'verifier-without-challenge-accepted')).toHaveCount(0)
  })

  test('replayed code → rejected, and the tokens of the first redemption are revoked', async ({ page, as, flow }) => {
    await mainFlow(flow, as.issuer)
    const { section, row } = await runProbe(page, 'code-replay')
    await expect(row).toHaveAttribute('data-outcome', 'passed')
    await expectFinding(section, 'code-replay-rejected', 'info')
    // oidc-provider revokes the grant on a replayed code; the probe checks it by introspection.
    await expectFinding(section, 'code-replay-tokens-revoked', 'info')
    await expect(finding(section, 'code-replay-accepted')).toHaveCount(0)
  })

  test('different redirect_uri at the token endpoint → rejected (redirect-uri-checked)', async ({ page, as, flow }) => {
    await mainFlow(flow, as.issuer)
    const { section, row } = await runProbe(page, 'redirect-uri-mismatch')
    await expect(row).toHaveAttribute('data-outcome', 'passed')
    await expectFinding(section, 'redirect-uri-checked', 'info')
    await expect(finding(section, 'redirect-uri-not-checked')).toHaveCount(0)
  })

  test('code_challenge_method=plain with only S256 advertised → refused (pkce-plain-refused)', async ({
    page,
    as,
    flow,
  }) => {
    await mainFlow(flow, as.issuer)
    const { section, row } = await runProbe(page, 'plain-refused')
    await expect(row).toHaveAttribute('data-outcome', 'passed')
    await expectFinding(section, 'pkce-plain-refused', 'info')
    await expect(finding(section, 'pkce-plain-accepted')).toHaveCount(0)
  })
})

test.describe('against non-compliant servers (fault layer): every probe fails', () => {
  test('PKCE not enforced: a wrong code_verifier is accepted (pkce-not-enforced)', async ({ page, as, flow }) => {
    await mainFlow(flow, as.faultIssuer('pkce-not-enforced'))
    const { section, row } = await runProbe(page, 'wrong-verifier')
    await expect(row).toHaveAttribute('data-outcome', 'failed')
    await expectFinding(section, 'pkce-not-enforced', 'error')
    await expect(finding(section, 'pkce-enforced')).toHaveCount(0)
  })

  test('PKCE not enforced: a missing code_verifier is accepted (pkce-downgrade-accepted)', async ({
    page,
    as,
    flow,
  }) => {
    await mainFlow(flow, as.faultIssuer('pkce-not-enforced'))
    const { section, row } = await runProbe(page, 'missing-verifier')
    await expect(row).toHaveAttribute('data-outcome', 'failed')
    await expectFinding(section, 'pkce-downgrade-accepted', 'error')
  })

  test('PKCE not enforced: a code without challenge is issued and redeemed with a verifier', async ({
    page,
    as,
    flow,
  }) => {
    // The layer gives every authorization request a challenge of its own and every token request the
    // matching verifier: seen from the client, the server issues codes without PKCE and takes any verifier.
    await mainFlow(flow, as.faultIssuer('pkce-not-enforced'))
    const { section, row } = await runProbe(page, 'verifier-without-challenge')
    await expect(row).toHaveAttribute('data-outcome', 'failed')
    await expectFinding(section, 'pkce-not-required', 'warning')
    await expectFinding(section, 'verifier-without-challenge-accepted', 'error')
  })

  test('reusable codes: a replayed code is accepted (code-replay-accepted)', async ({ page, as, flow }) => {
    await mainFlow(flow, as.faultIssuer('code-replay-accepted'))
    const { section, row } = await runProbe(page, 'code-replay')
    await expect(row).toHaveAttribute('data-outcome', 'failed')
    await expectFinding(section, 'code-replay-accepted', 'error')
    await expect(finding(section, 'code-replay-rejected')).toHaveCount(0)
  })

  test('redirect_uri not compared: a different redirect_uri is accepted (redirect-uri-not-checked)', async ({
    page,
    as,
    flow,
  }) => {
    await mainFlow(flow, as.faultIssuer('redirect-uri-not-checked'))
    const { section, row } = await runProbe(page, 'redirect-uri-mismatch')
    await expect(row).toHaveAttribute('data-outcome', 'failed')
    await expectFinding(section, 'redirect-uri-not-checked', 'error')
    await expect(finding(section, 'redirect-uri-not-checked')).toContainText('probe=redirect-uri-mismatch')
  })

  test('plain accepted although only S256 is advertised (pkce-plain-accepted)', async ({ page, as, flow }) => {
    await mainFlow(flow, as.faultIssuer('pkce-plain-accepted-silently'))
    const { section, row } = await runProbe(page, 'plain-refused')
    await expect(row).toHaveAttribute('data-outcome', 'failed')
    await expectFinding(section, 'pkce-plain-accepted', 'warning')
    await expect(finding(section, 'pkce-plain-accepted')).toContainText('S256')
    await expect(finding(section, 'pkce-plain-refused')).toHaveCount(0)
  })
})

test("several probes in a row on one page keep each other's results", async ({ page, as, flow }) => {
  await mainFlow(flow, as.faultIssuer('pkce-not-enforced'))
  await runProbe(page, 'wrong-verifier')
  const { section } = await runProbe(page, 'redirect-uri-mismatch')
  await expect(section.locator('tr[data-probe="wrong-verifier"]')).toHaveAttribute('data-outcome', 'failed')
  await expect(section.locator('tr[data-probe="redirect-uri-mismatch"]')).toHaveAttribute('data-outcome', 'passed')
  await expect(finding(section, 'pkce-not-enforced')).toBeVisible()
  await expect(finding(section, 'redirect-uri-checked')).toBeVisible()
  // The main flow's result survives the probes' round trips.
  await expect(page.getByTestId('token-status')).toHaveText('HTTP 200')
  await expect(page.getByRole('button', { name: 'Exchange code' })).toBeDisabled()
})

test.describe('the PAR probe: no round trip, a pushed request without code_challenge', () => {
  /** Runs the PAR probe (it pushes a request and is judged at once); returns its section and row. */
  async function runParProbe(page: Page): Promise<{ section: Locator; row: Locator }> {
    const section = await optIn(page)
    const row = section.locator('tr[data-probe="par-without-pkce"]')
    await section.getByRole('button', { name: `Run probe: ${TITLES['par-without-pkce']}`, exact: true }).click()
    await expect(row).not.toHaveAttribute('data-outcome', 'not-run', { timeout: 15_000 })
    // No navigation happened: the page is the same one.
    await expect(page.getByTestId('status-tokens')).not.toHaveText('pending')
    return { section, row }
  }

  test('the compliant server refuses it at the PAR endpoint (par-pkce-enforced)', async ({ page, as, flow }) => {
    await mainFlow(flow, as.issuer)
    const { section, row } = await runParProbe(page)
    await expect(row).toHaveAttribute('data-outcome', 'passed')
    await expectFinding(section, 'par-pkce-enforced', 'info')
  })

  test('a PAR endpoint that accepts it fails the probe (par-ignores-pkce)', async ({ page, as, flow }) => {
    await mainFlow(flow, as.faultIssuer('par-ignores-pkce'))
    const { section, row } = await runParProbe(page)
    await expect(row).toHaveAttribute('data-outcome', 'failed')
    await expectFinding(section, 'par-ignores-pkce', 'warning')
  })
})

test.describe('the probes table on a phone-sized screen', () => {
  test.use({ viewport: { width: 360, height: 740 } })

  test('at 360 px each probe is a block inside its panel: what it does, what a correct server answers, the result beside Run', async ({
    page,
    as,
    flow,
  }) => {
    await mainFlow(flow, as.issuer)
    const section = await optIn(page)
    const table = section.getByRole('table', { name: 'Probes' })
    const row = table.getByRole('row', { name: new RegExp(`^${TITLES['wrong-verifier']}`) })
    // Four columns were wider than the panel: the expectations were cut off at its edge.
    const panel = await section.evaluate((s) => {
      const cs = getComputedStyle(s)
      const r = s.getBoundingClientRect()
      return { right: r.right - parseFloat(cs.borderRightWidth) }
    })
    const cells = await table.evaluate((t) =>
      Array.from(t.querySelectorAll('tbody td, tbody th'), (c) => ({
        right: c.getBoundingClientRect().right,
        spills: c.scrollWidth > c.clientWidth + 1,
        text: (c.textContent ?? '').trim().slice(0, 30),
      })),
    )
    expect(Math.max(...cells.map((c) => c.right))).toBeLessThanOrEqual(panel.right + 1)
    expect(cells.filter((c) => c.spills).map((c) => c.text)).toEqual([])
    await expect(row.locator('td.expect')).toContainText('invalid_grant')
    const expectBox = await row.locator('td.expect').boundingBox()
    const tableBox = await table.boundingBox()
    expect(expectBox!.width).toBeGreaterThan(tableBox!.width * 0.8)
    // The Run button keeps its label on one line, beside the result.
    const run = row.getByRole('button', { name: `Run probe: ${TITLES['wrong-verifier']}`, exact: true })
    const runBox = await run.boundingBox()
    const badgeBox = await row.locator('td.outcome .badge').boundingBox()
    expect(runBox!.height).toBeLessThan(50)
    expect(Math.abs(runBox!.y + runBox!.height / 2 - (badgeBox!.y + badgeBox!.height / 2))).toBeLessThan(20)
  })
})
