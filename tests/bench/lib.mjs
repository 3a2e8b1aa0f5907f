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
