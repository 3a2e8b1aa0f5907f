// Accessibility and responsive checks: axe-core (WCAG 2.0/2.1 A and AA) on the page at every stage of a
// real flow against oidc-provider, in light and dark color schemes, at 360 px and 1280 px wide; a flow done
// with the keyboard alone; landmarks, headings and the live region; no horizontal scrolling at 360 px;
// copy buttons on every URL, request, curl command, token and JSON block.
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect, CLIENT_IDS, AS_BASE, type Flow } from './fixtures'

const RESOURCE = `${AS_BASE}/api`
const FULL_SCOPE = 'openid profile email offline_access'
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/** Opens every <details> (exchanges, decoded JSON, big JSON, paste-back) so that axe checks their content. */
async function expandAll(page: Page) {
  await page.locator('details').evaluateAll((all) => {
    for (const d of all) (d as HTMLDetailsElement).open = true
  })
}

/** Runs axe on the whole page; fails (softly, so that every stage is reported) on serious or critical issues. */
async function scan(page: Page, stage: string) {
  await expandAll(page)
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  const report = bad
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `    - ${n.target.join(' ')}\n      ${n.failureSummary?.replace(/\n/g, '\n      ') ?? ''}`)
        .join('\n')
      const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : ''
      return `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} nodes)\n  ${v.helpUrl}\n${nodes}${more}`
    })
    .join('\n\n')
  expect.soft(bad.length, `axe at stage "${stage}":\n${report}`).toBe(0)
}

/** At a narrow width the document itself must never scroll sideways. */
async function noHorizontalScroll(page: Page, stage: string) {
  const width = page.viewportSize()?.width ?? 0
  if (width > 400) return
  await expandAll(page)
  const { scrollWidth, culprits } = await page.evaluate(() => {
    const docWidth = document.documentElement.clientWidth
    // The outermost elements sticking out on the right, to say what to fix.
    const culprits: string[] = []
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect()
      if (r.width === 0 || r.right <= docWidth + 1) continue
      let p = el.parentElement
      let ancestorScrolls = false
      while (p && p !== document.body) {
        const s = getComputedStyle(p)
        if (/(auto|scroll|hidden|clip)/.test(s.overflowX)) ancestorScrolls = true
        p = p.parentElement
      }
      if (ancestorScrolls) continue
      const id = el.id ? `#${el.id}` : ''
      const cls =
        typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''
      culprits.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`)
      if (culprits.length >= 10) break
    }
    return { scrollWidth: document.documentElement.scrollWidth, culprits }
  })
  expect
    .soft(scrollWidth, `horizontal scroll at ${width}px, stage "${stage}": ${culprits.join(', ')}`)
    .toBeLessThanOrEqual(width + 1)
  // Nor may a step's header (number, title, toggle, status) spill into its panel's padding.
  const spilling = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.step-head'))
      .filter((h) => h.scrollWidth > h.clientWidth + 1)
      .map((h) => h.closest('section')?.id || (h.textContent ?? '').trim().slice(0, 30)),
  )
  expect.soft(spilling, `step headers wider than their panel at ${width}px, stage "${stage}"`).toEqual([])
}

async function check(page: Page, stage: string) {
  await scan(page, stage)
  await noHorizontalScroll(page, stage)
}

/** Discovery ends ok, with an S256 authorization request ready to start. */
async function discover(flow: Flow, page: Page) {
  await flow.runTo('discovery')
  await expect(page.getByTestId('authorization-url')).toContainText('code_challenge_method=S256')
}

// Contrast depends on the color scheme, layout on the width; neither on the other. Each scheme and each
// width gets a full flow and an error, in two crossed pairs (half the runs of the full matrix).
// Both view modes (issue 13) are covered the same way: Debug shows every panel, Learn the collapsed ones.
const COMBOS = [
  { colorScheme: 'light', width: 1280, full: true, viewMode: 'debug' },
  { colorScheme: 'dark', width: 360, full: true, viewMode: 'learn' },
  { colorScheme: 'dark', width: 1280, full: false, viewMode: 'learn' },
  { colorScheme: 'light', width: 360, full: false, viewMode: 'debug' },
] as const

for (const { colorScheme, width, full, viewMode } of COMBOS) {
  test.describe(`${colorScheme}, ${width}px, ${viewMode}`, () => {
    test.use({ viewport: { width, height: 800 }, viewMode })
    // axe on the whole page takes a few seconds per stage.
    test.describe.configure({ timeout: 120_000 })
    test.beforeEach(async ({ page }) => {
      await page.emulateMedia({ colorScheme })
    })

    const fullFlow = async ({ page, as, flow }: { page: Page; as: { issuer: string }; flow: Flow }) => {
      await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: FULL_SCOPE, resource: RESOURCE })
      // The color scheme really follows the system setting.
      const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
      expect(bg).toBe(colorScheme === 'dark' ? 'rgb(20, 22, 28)' : 'rgb(251, 251, 253)')
      await check(page, 'configure')

      // Mid-flow: the authorization request built, the callback handled, Exchange code enabled.
      await discover(flow, page)
      await flow.runTo('callback')
      await check(page, 'after the callback')

      // Everything the flow shows: tokens verified, the CORS table filled in.
      await flow.runTo('token')
      await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid')
      await expect(page.getByTestId('signature-access_token')).toHaveAttribute('data-signature', 'valid')
      // Learn mode keeps the CORS check behind its disclosure until asked.
      if (viewMode === 'learn') await page.getByRole('button', { name: 'Show CORS check' }).click()
      const cors = page.locator('section#step-cors')
      await cors.getByRole('button', { name: 'Run CORS check' }).click()
      await expect(cors.locator('tr[data-endpoint="token"]')).toBeVisible()
      await expect(page.getByTestId('status-cors')).not.toHaveText(/running|pending/)
      await check(page, 'after Exchange code and Run CORS check')
    }

    const errorFlow = async ({ page, as, flow }: { page: Page; as: { issuer: string }; flow: Flow }) => {
      await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
      await discover(flow, page)
      await flow.runTo('callback', { login: 'cancel', callback: null })
      await expect(page.locator('#step-callback [data-finding-id="authorization-error"]')).toContainText(
        'access_denied',
      )
      await check(page, 'error: access_denied')
    }

    if (full) test('axe and layout at every stage of a full flow', fullFlow)
    else test('axe and layout with an error (cancel at login: access_denied)', errorFlow)
  })
}

// ---------------------------------------------------------------------------------------------------------
// Keyboard only

/** A short description of the focused element: its id, else its text or aria-label. */
async function focused(
  page: Page,
): Promise<{ id: string; name: string; tag: string; focusVisible: boolean; indicator: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return { id: '', name: '', tag: 'body', focusVisible: false, indicator: 'none' }
    const s = getComputedStyle(el)
    const outline =
      s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
        ? `outline ${s.outlineWidth} ${s.outlineStyle} ${s.outlineColor}`
        : ''
    const shadow = s.boxShadow !== 'none' ? `box-shadow ${s.boxShadow}` : ''
    return {
      id: el.id,
      name: (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' '),
      tag: el.tagName.toLowerCase(),
      focusVisible: el.matches(':focus-visible'),
      indicator: outline || shadow || 'none',
    }
  })
}

/** Compares a screenshot of the focused element's surroundings with one taken after blurring it. */
async function focusChangesPixels(page: Page): Promise<boolean> {
  const box = await page.evaluate(() => {
    const el = document.activeElement as Element
    el.scrollIntoView({ block: 'center', inline: 'nearest' })
    const r = el.getBoundingClientRect()
    return { x: Math.max(0, r.x - 6), y: Math.max(0, r.y - 6), width: r.width + 12, height: r.height + 12 }
  })
  const focusedShot = await page.screenshot({ clip: box, animations: 'disabled' })
  // Blurring keeps the sequential focus navigation starting point: the next Tab goes on from here.
  await page.evaluate(() => (document.activeElement as HTMLElement | SVGElement).blur())
  const blurredShot = await page.screenshot({ clip: box, animations: 'disabled' })
  return !focusedShot.equals(blurredShot)
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches; every element reached on the way must show
 * a visible focus indicator.
 */
async function tabTo(
  page: Page,
  match: (f: Awaited<ReturnType<typeof focused>>) => boolean,
  what: string,
  { back = false, max = 250 } = {},
) {
  const seen: string[] = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
    const f = await focused(page)
    seen.push(f.id || `${f.tag}:${f.name.slice(0, 30)}`)
    if (f.tag !== 'body') {
      expect.soft(f.focusVisible, `${f.tag} "${f.name}" is focused by the keyboard but not :focus-visible`).toBe(true)
      if (f.indicator === 'none') {
        // No outline or box-shadow on the element itself (an SVG link draws its ring on a child): the focused
        // element must at least look different from the unfocused one.
        expect.soft(await focusChangesPixels(page), `${f.tag} "${f.name}" has no visible focus indicator`).toBe(true)
      }
    }
    if (match(f)) return f
  }
  throw new Error(`Could not reach ${what} with ${back ? 'Shift+Tab' : 'Tab'}; focus went through: ${seen.join(' → ')}`)
}

const byId = (id: string) => (f: { id: string }) => f.id === id
const byName = (name: string | RegExp) => (f: { name: string; tag: string }) =>
  (f.tag === 'button' || f.tag === 'a') && (typeof name === 'string' ? f.name === name : name.test(f.name))

async function typeInto(page: Page, text: string) {
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  await page.keyboard.type(text)
}

test('the whole flow with the keyboard alone, with a visible focus indicator', async ({ page, as }) => {
  // Hundreds of key presses, each followed by a focus check (and a screenshot where no outline shows):
  // on a loaded 2-core machine this takes longer than the default 30 s.
  test.slow()
  await page.goto('/')
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()

  // The skip link comes first and is visible once focused.
  const skip = await tabTo(page, byName('Skip to the flow'), 'the skip link', { max: 1 })
  expect(skip.tag).toBe('a')
  const box = await page.getByRole('link', { name: 'Skip to the flow' }).boundingBox()
  expect(box && box.x >= 0 && box.y >= 0).toBeTruthy()
  await page.keyboard.press('Enter')

  await tabTo(page, byId('cfg-issuer'), 'the Issuer field')
  await typeInto(page, as.issuer)
  await tabTo(page, byId('cfg-client-id'), 'the Client ID field')
  await typeInto(page, CLIENT_IDS.public)
  await tabTo(page, byId('cfg-scope'), 'the Scope field')
  await typeInto(page, 'openid profile')
  await expect(page.locator('#cfg-issuer')).toHaveValue(as.issuer)
  await expect(page.locator('#cfg-client-id')).toHaveValue(CLIENT_IDS.public)

  await tabTo(page, byName('Discover'), 'the Discover button')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('status-discovery')).toHaveText('ok')
  await expect(page.getByTestId('status-authorization')).toHaveText('ok')

  await tabTo(page, byName('Start authorization'), 'the Start authorization button')
  await page.keyboard.press('Space')

  // oidc-provider's login page: the login field has autofocus; the consent button too.
  const login = page.locator('input[name="login"]')
  await expect(login).toBeFocused({ timeout: 15_000 })
  await page.keyboard.type('alice')
  await page.keyboard.press('Tab')
  await page.keyboard.type('any-password')
  await page.keyboard.press('Enter')
  const consent = page.locator('form:has(input[name="prompt"][value="consent"]) button[type="submit"]')
  await expect(consent).toBeFocused({ timeout: 15_000 })
  await page.keyboard.press('Enter')

  await page.waitForURL((u) => u.origin !== new URL(AS_BASE).origin, { timeout: 15_000 })
  await expect(page.locator('body[data-ready="true"]')).toBeAttached()
  await expect(page.getByTestId('status-callback')).toHaveText('ok')

  // Through the step rail: its "Token request" link moves the keyboard to that panel.
  await tabTo(page, (f) => f.tag === 'a' && /^\d+\s*Token request/i.test(f.name), 'the rail link to the token step')
  await page.keyboard.press('Enter')
  await tabTo(page, byName('Exchange code'), 'the Exchange code button')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('token-status')).toHaveText('HTTP 200')
  await expect(page.locator('[data-testid="signature-id_token"][data-signature="valid"]')).toBeVisible()

  // Shift+Tab walks back too.
  await tabTo(page, byName('Discover'), 'the Discover button, backwards', { back: true })
})

// ---------------------------------------------------------------------------------------------------------
// Structure

test('landmarks, headings and a live region that announces step completion', async ({ page, as, flow }) => {
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: 'openid' })
  await expect(page.locator('h1')).toHaveCount(1)
  await expect(page.getByRole('main')).toHaveCount(1)
  await expect(page.getByRole('banner')).toHaveCount(1)
  await expect(page.getByRole('contentinfo')).toHaveCount(1)
  const nav = page.getByRole('navigation', { name: 'Flow steps' })
  await expect(nav).toHaveCount(1)
  const stepLinks = nav.getByRole('link')
  // The flow's steps; side panels (CORS check, after the token, probes) are not steps of the rail.
  const sections = page.locator('main section.step-panel:not(.side)')
  // Later panels mount right after the first paint and load on demand: wait for all seven steps.
  await expect.poll(() => sections.count()).toBeGreaterThanOrEqual(7)
  await expect(page.locator('.lazy-placeholder')).toHaveCount(0)
  // Every step section of the page is reachable from the rail.
  const hrefs = await stepLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
  const ids = await sections.evaluateAll((ss) => ss.map((s) => `#${s.id}`))
  expect(hrefs).toEqual(expect.arrayContaining(ids))
  // Each step section and side panel is a named region with an h2.
  const panels = page.locator('main section.step-panel')
  for (let i = 0; i < (await panels.count()); i++) {
    const s = panels.nth(i)
    const id = await s.getAttribute('id')
    await expect(s.locator(':scope > header h2, :scope > h2'), `${id} has an h2`).toHaveCount(1)
    await expect(
      page.getByRole('region', { name: (await s.locator('h2').first().innerText()).trim() }),
      `${id} is a named region`,
    ).toHaveCount(1)
  }

  // The live region announces the step that finished.
  const live = page
    .locator('[aria-live="polite"]')
    .filter({ hasNot: page.locator('*') })
    .first()
  await expect(live).toBeAttached()
  const before = (await live.textContent()) ?? ''
  await discover(flow, page)
  await expect(live).not.toHaveText(before)
  await expect(live).toHaveText(/\S/)

  // No heading level is skipped (h2 → h4 without an h3), with everything expanded.
  await page.getByRole('button', { name: 'Run CORS check' }).click()
  await expect(page.locator('#step-cors tr[data-endpoint="token"]')).toBeVisible()
  await expandAll(page)
  const levels = await page
    .locator('h1, h2, h3, h4, h5, h6')
    .evaluateAll((hs) =>
      hs
        .filter((h) => (h as HTMLElement).offsetParent !== null || h.getClientRects().length)
        .map((h) => ({ level: Number(h.tagName[1]), text: (h.textContent ?? '').trim().slice(0, 40) })),
    )
  expect(levels[0]?.level).toBe(1)
  const skips: string[] = []
  levels.forEach((h, i) => {
    const prev = levels[i - 1]
    if (prev && h.level > prev.level + 1) skips.push(`h${prev.level} "${prev.text}" → h${h.level} "${h.text}"`)
  })
  expect(skips).toEqual([])
})

// ---------------------------------------------------------------------------------------------------------
// Copy buttons

test('copy buttons on every URL, request, curl command, token and JSON block', async ({ page, as, context, flow }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await flow.open({ issuer: as.issuer, client_id: CLIENT_IDS.public, scope: FULL_SCOPE, resource: RESOURCE })
  const configure = page.locator('#step-configure')
  await expect(configure.getByRole('button', { name: 'Copy redirect URI' })).toHaveCount(1)

  await discover(flow, page)
  const authorize = page.locator('#step-authorization')
  const copyUrl = authorize.getByRole('button', { name: 'Copy authorization URL' })
  await expect(copyUrl).toHaveCount(1)
  await copyUrl.click()
  const url = await page.getByTestId('authorization-url').innerText()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url.trim())

  await flow.runTo('callback')
  const token = page.locator('#step-token')
  await expect(token.getByRole('button', { name: 'Copy token request' })).toHaveCount(1)
  await expect(token.getByRole('button', { name: 'Copy curl command' })).toHaveCount(1)
  await token.getByRole('button', { name: 'Copy curl command' }).click()
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    (await page.getByTestId('token-curl').innerText()).trim(),
  )

  await flow.runTo('token', { token: null })
  await expect(page.getByTestId('signature-id_token')).toHaveAttribute('data-signature', 'valid')
  await page.getByRole('button', { name: 'Run CORS check' }).click()
  await expect(page.locator('#step-cors tr[data-endpoint="token"]')).toBeVisible()
  await expandAll(page)

  // Each token has its own copy button.
  const tokens = page.locator('#step-tokens article[data-token]')
  const kinds = await tokens.evaluateAll((as) => as.map((a) => a.getAttribute('data-token')))
  expect(kinds).toEqual(expect.arrayContaining(['id_token', 'access_token', 'refresh_token']))
  for (const title of ['ID token', 'Access token', 'Refresh token']) {
    await expect(page.getByRole('button', { name: `Copy ${title}`, exact: true })).toHaveCount(1)
  }

  // Every JSON block (metadata, token response, decoded header/payload, response bodies) has one.
  const blocks = page.locator('.json-block')
  const nBlocks = await blocks.count()
  expect(nBlocks).toBeGreaterThanOrEqual(6)
  for (let i = 0; i < nBlocks; i++) {
    await expect(
      blocks
        .nth(i)
        .locator(':scope > .block-bar')
        .getByRole('button', { name: /^Copy / }),
    ).toHaveCount(1)
  }
  // Large JSON is collapsible: every JSON text longer than the threshold sits in a <details>.
  const bigOutside = await blocks.evaluateAll(
    (bs) =>
      bs.filter((b) => (b.querySelector('pre')?.textContent?.length ?? 0) > 4000 && !b.querySelector('details')).length,
  )
  expect(bigOutside).toBe(0)

  // Every HTTP exchange shows its request and curl, each with a copy button.
  const exchanges = page.locator('details.exchange')
  const nExchanges = await exchanges.count()
  expect(nExchanges).toBeGreaterThanOrEqual(5)
  for (let i = 0; i < nExchanges; i++) {
    const ex = exchanges.nth(i)
    await expect(ex.getByRole('button', { name: 'Copy request' })).toHaveCount(1)
    await expect(ex.getByRole('button', { name: 'Copy curl' })).toHaveCount(1)
  }
  // And every URL shown in a <pre> or as a JSON block is next to a copy button: counted per panel.
  for (const [panel, min] of [
    ['#step-discovery', 2],
    ['#step-authorization', 1],
    ['#step-token', 3],
    ['#step-tokens', 5],
    ['#step-cors', 2],
  ] as const) {
    const n = await page.locator(panel).getByRole('button', { name: /^Copy/ }).count()
    expect(n, `copy buttons in ${panel}`).toBeGreaterThanOrEqual(min)
  }
})
