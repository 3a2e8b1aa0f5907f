// Shared by the bench (bench.mjs) and the page figures (figures.mjs).
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Runs a command in the repository; resolves with its output, rejects with it on a non-zero exit. */
export function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out}`)),
    )
  })
}

/**
 * Static servers (tests/servers/static-server.mjs) in a process of their own: a static host is never
 * held up by the authorization server's work, and in one Node process a chunk requested while the
 * token request is being answered waits for the token response (measured: the callback's token panels
 * arrived with it). Resolves with their URLs, in order, and a function that stops them.
 * @param {Array<{ root: string, cache?: boolean }>} specs
 * @returns {Promise<{ urls: string[], close: () => Promise<void> }>}
 */
export function startStaticServersApart(specs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'tests/servers/static-server.mjs'), JSON.stringify(specs)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    const exited = new Promise((done) => child.once('exit', done))
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the static servers exited (${code}) before listening`)))
    child.stdout.on('data', (d) => {
      out += d
      if (!out.includes('\n')) return
      resolve({
        urls: JSON.parse(out.slice(0, out.indexOf('\n'))),
        close: async () => {
          child.kill()
          await exited
        },
      })
    })
  })
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address())
      s.close(() => resolve(port))
    })
  })
}

/** Signs in and consents on the demo authorization server's pages, then waits to be back. */
export async function loginAndConsent(page, asOrigin) {
  const timeout = 15_000
  const onAs = () => new URL(page.url()).origin === asOrigin
  const login = page.locator('input[name="login"]')
  const consent = page.locator('form:has(input[name="prompt"][value="consent"]) button[type="submit"]')
  await login.or(consent).first().waitFor({ timeout })
  if (await login.isVisible()) {
    await login.fill('alice')
    await page.locator('input[name="password"]').fill('any-password')
    await page.getByRole('button', { name: 'Sign-in' }).click()
    await consent.waitFor({ timeout })
  }
  if (onAs() && (await consent.isVisible())) await consent.click()
  await page.waitForURL((u) => u.origin !== asOrigin, { timeout, waitUntil: 'commit' })
}

/** The median of a list of numbers. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/**
 * Records, in every document, when the page became ready and when the ID token verified, and says so
 * on the console: the bench waits for those messages rather than polling with page.waitForFunction,
 * whose injected script (about 12 ms of main-thread work in a fresh document) would otherwise land
 * inside the measured span, on the app and the floor alike.
 */
export function marks() {
  const w = /** @type {any} */ (window)
  const check = () => {
    if (w.__readyAt === undefined && document.body?.dataset.ready === 'true' && document.getElementById('cfg-issuer')) {
      w.__readyAt = performance.now()
      console.debug('bench:ready')
    }
    if (
      w.__verifiedAt === undefined &&
      (document.querySelector('[data-testid="signature-id_token"][data-signature="valid"]') ||
        document.body?.dataset.verified === 'valid')
    ) {
      w.__verifiedAt = performance.now()
      console.debug('bench:verified')
    }
  }
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true })
}
/** Resolves when the page logs `bench:<what>` (see marks()); start waiting before the action. */
export const logged = (page, what, timeout = 15_000) =>
  page.waitForEvent('console', { predicate: (m) => m.text() === `bench:${what}`, timeout })

/**
 * One "callback → tokens verified" flow, as the bench times it (bench.mjs, ab.mjs): a new browser
 * context, the app opened with the bench's share link (the floor page with the same fragment), "Run
 * to the end" once the page is ready, login and consent at the demo server, then the span from the
 * callback document's fetchStart to the ID token shown as verified, with no click inside it.
 * `second`: go as far as the authorization server once before, in the same tab (the callback is then
 * the third load of each script, and V8 uses the code cache it wrote on the second).
 */
export async function callbackFlow(browser, url, asUrl, { floor = false, second = false } = {}) {
  const asOrigin = new URL(asUrl).origin
  const share = new URLSearchParams({
    issuer: asUrl,
    client_id: 'pkce-playground',
    scope: 'openid',
    resource: `${asUrl}/api`,
    // The floor does the bare PKCE exchange; so does the app here (the demo server advertises DPoP).
    dpop: 'off',
  })
  const context = await browser.newContext()
  await context.addInitScript(marks)
  const page = await context.newPage()
  const toAuthorizationServer = async () => {
    const ready = floor ? undefined : logged(page, 'ready')
    await page.goto(`${url}#${share}`)
    if (!floor) {
      await ready
      await page.getByRole('button', { name: 'Run to the end' }).click()
    }
    await page.waitForURL((u) => u.origin === asOrigin, { waitUntil: 'commit' })
  }
  if (second) await toAuthorizationServer()
  await toAuthorizationServer()
  const verified = logged(page, 'verified')
  await loginAndConsent(page, asOrigin)
  await verified
  const t = await page.evaluate(() => {
    const nav = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType('navigation')[0])
    return /** @type {any} */ (window).__verifiedAt - nav.fetchStart
  })
  await context.close()
  return t
}
