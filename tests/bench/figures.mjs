// Page figures (issue 13): `npm run figures` (add `-- --shots` to write screenshots under docs/).
//
// Builds the app into dist-figures/, serves it the way the README asks static hosts to, starts the demo
// authorization server, and runs the whole demo flow in headless Chromium ("Run to the end", log in,
// consent, back to the tokens) in each view mode (Learn, Debug) at 1280×900 and 360×740. After the
// tokens it prints: the document height, the visible words (innerText of the page), the console errors
// and warnings, and the step panels open. Limits for the default mode (Learn): height ≤ 5,000 px at
// 1280 and ≤ 12,000 px at 360, visible words ≤ 1,500, no console error. Exits 1 when a limit is missed
// with `--strict`.
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { ROOT, freePort, loginAndConsent, run } from './lib.mjs'

const OUT_DIR = 'dist-figures'
const DIST = path.join(ROOT, OUT_DIR)
const SHOTS = process.argv.includes('--shots')
const STRICT = process.argv.includes('--strict')
const LIMITS = { 1280: { height: 5000 }, 360: { height: 12000 }, words: 1500 }
const log = (...a) => console.error('[figures]', ...a)

async function measure(browser, appUrl, asUrl, mode, width) {
  const height = width === 360 ? 740 : 900
  const context = await browser.newContext({ viewport: { width, height } })
  await context.addInitScript((m) => sessionStorage.setItem('pkce-playground:view-mode', m), mode)
  const page = await context.newPage()
  const consoleProblems = []
  // The playground's console: messages of the authorization server's own pages (its login form) are
  // not the playground's, and the browser clears them when it comes back.
  const appOrigin = new URL(appUrl).origin
  page.on('console', (m) => {
    const from = m.location().url
    if (from && !from.startsWith(appOrigin)) return
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()} (${from})`)
  })
  page.on('pageerror', (e) => consoleProblems.push(`uncaught: ${e.message}`))
  // Chromium logs a failed resource without its URL: name it here.
  page.on('requestfailed', (r) => {
    if (r.frame().url().startsWith(appOrigin))
      consoleProblems.push(`  (request failed: ${r.url()} ${r.failure()?.errorText ?? ''})`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400 && r.frame().url().startsWith(appOrigin))
      consoleProblems.push(`  (HTTP ${r.status()}: ${r.url()})`)
  })
  const share = new URLSearchParams({ issuer: asUrl, client_id: 'pkce-playground', scope: 'openid profile' })
  await page.goto(`${appUrl}#${share}`)
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' })
  if (SHOTS && width === 1280 && mode === 'learn') {
    await page.screenshot({ path: path.join(ROOT, 'docs', `first-view-${width}.jpg`), quality: 70 })
  }
  await page.getByRole('button', { name: 'Run to the end' }).click()
  await page.waitForURL((u) => u.origin === new URL(asUrl).origin, { waitUntil: 'commit' })
  await loginAndConsent(page, new URL(asUrl).origin)
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' })
  await page
    .getByTestId('status-tokens')
    .filter({ hasText: /^(ok|warning|error)$/ })
    .waitFor({ timeout: 20_000 })
  // The diagnosis and the side panels mount after the flow's own steps.
  await page.locator('[data-scenario]').first().waitFor({ timeout: 10_000 })
  const figures = await page.evaluate(() => ({
    height: document.documentElement.scrollHeight,
    words: document.body.innerText.split(/\s+/).filter(Boolean).length,
    open: [...document.querySelectorAll('section.step-panel[data-open="true"]')].map((s) => s.id),
  }))
  if (SHOTS) {
    await page.screenshot({
      path: path.join(ROOT, 'docs', `after-tokens-${mode}-${width}.jpg`),
      quality: 70,
    })
  }
  if (process.env.FIGURES_FULL_DIR) {
    await page.screenshot({
      path: path.join(process.env.FIGURES_FULL_DIR, `full-${mode}-${width}.png`),
      fullPage: true,
    })
  }
  await context.close()
  return { mode, width, ...figures, console: consoleProblems }
}

await rm(DIST, { recursive: true, force: true })
await run(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', OUT_DIR])
if (SHOTS) await mkdir(path.join(ROOT, 'docs'), { recursive: true })
const { startStaticServer } = await import('../servers/static-server.mjs')
const server = await startStaticServer({ root: DIST, port: await freePort(), cache: true })
const { startAuthorizationServer } = await import('../servers/authorization-server.mjs')
const { warn, log: consoleLog } = console
console.warn = console.log = (...a) => (String(a[0]).includes('oidc-provider') ? undefined : warn(...a))
const as = await startAuthorizationServer({ port: 0, playgroundOrigins: [server.url.slice(0, -1)] })
Object.assign(console, { warn, log: consoleLog })
log(`app ${server.url}, authorization server ${as.url}`)

const results = []
const { chromium } = await import('@playwright/test')
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' })
try {
  for (const mode of ['learn', 'debug']) {
    for (const width of [1280, 360]) results.push(await measure(browser, server.url, as.url, mode, width))
  }
} finally {
  await browser.close()
  await as.close()
  await server.close()
  await rm(DIST, { recursive: true, force: true })
}

let missed = 0
console.log('mode   width  height (limit)      words (limit)   console  open panels')
for (const r of results) {
  const limit = r.mode === 'learn' ? LIMITS[r.width].height : null
  const okH = limit === null || r.height <= limit
  const okW = r.mode !== 'learn' || r.words <= LIMITS.words
  const okC = r.console.filter((c) => !c.startsWith('  (')).length === 0
  if (r.mode === 'learn') missed += [okH, okW, okC].filter((x) => !x).length
  console.log(
    `${r.mode.padEnd(6)} ${String(r.width).padEnd(6)} ${String(r.height).padStart(6)} px ${limit ? `(≤ ${limit})${okH ? ' ✓' : ' ✗'}` : '(report)'}`.padEnd(
      36,
    ) +
      `${String(r.words).padStart(6)} ${r.mode === 'learn' ? `(≤ ${LIMITS.words})${okW ? ' ✓' : ' ✗'}` : '(report)'}`.padEnd(
        22,
      ) +
      `${String(r.console.filter((c) => !c.startsWith('  (')).length).padStart(3)}${okC ? ' ✓' : ' ✗'}    ${r.open.join(' ')}`,
  )
  for (const c of r.console) console.log(`         ${c.slice(0, 200)}`)
}
if (STRICT && missed) process.exit(1)
